/*
 * plugin: open a test case by url, from the built-in registry or by
 * dlopen() of a plugin, and refuse descriptors bench cannot use.
 */
#include "config.h"

#include <sys/stat.h>

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "plugin.h"
#include "registry.h"
#include "xalloc.h"
#include "banned.h"

#define PLUGIN_BUILTIN "builtin:"
#define PLUGIN_DRIVER "libcuda.so.1"	/* the NVIDIA driver's library */

static int plugin_open_so(const char *, const struct bench_testcase **,
    void **, char **);

/* "a, b, c": the names of the built-ins; the caller frees it. */
static char *
plugin_builtin_names(void)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < registry_count(); i++) {
		t = xasprintf("%s%s%s", s, i == 0 ? "" : ", ",
		    registry_name(i));
		free(s);
		s = t;
	}
	return s;
}

/* Check a descriptor that says where it came from in what. */
static int
plugin_check(const char *what, const struct bench_testcase *tc, char **cause)
{
	if (tc == NULL)
		return err_set(cause, "%s: %s() returned NULL", what,
		    BENCH_TESTCASE_ENTRY);
	if (tc->abi_version != BENCH_TESTCASE_ABI_VERSION)
		return err_set(cause, "%s was built for test-case ABI %u, this "
		    "bench speaks %d: rebuild it against bench/testcase.h",
		    what, tc->abi_version, BENCH_TESTCASE_ABI_VERSION);
	if (tc->name == NULL || tc->name[0] == '\0')
		return err_set(cause, "%s: the test case has no name", what);
	if (tc->run == NULL)
		return err_set(cause, "%s: test case '%s' has no run function",
		    what, tc->name);
	return 0;
}

/*
 * The directory of the built-in plugins: the build tree's testcases/ when
 * this program runs from the build tree (bench, a unit test), so that make
 * check loads the plugins just built; else the installed pkglibdir.
 */
static const char *
plugin_dir(void)
{
	char real[PATH_MAX], build[PATH_MAX];
	size_t n;

	if (realpath("/proc/self/exe", real) != NULL &&
	    realpath(BENCH_BUILDDIR, build) != NULL) {
		n = strlen(build);
		if (strncmp(real, build, n) == 0 && real[n] == '/')
			return BENCH_BUILDDIR "/testcases";
	}
	return BENCH_PLUGINDIR;
}

/*
 * Whether the NVIDIA driver's library loads: without it no GPU test case
 * can run, and cudart would only say "driver version is insufficient".
 * 0, or TESTCASE_UNAVAILABLE with *cause.
 */
static int
plugin_driver(char **cause)
{
	const char *e;
	void *h;

	dlerror();
	h = dlopen(PLUGIN_DRIVER, RTLD_LAZY | RTLD_LOCAL);
	if (h == NULL) {
		e = dlerror();
		err_set(cause, "no NVIDIA driver/GPU (%s)",
		    e != NULL ? e : PLUGIN_DRIVER " does not load");
		return TESTCASE_UNAVAILABLE;
	}
	dlclose(h);
	return 0;
}

/*
 * A built-in that lives in a plugin (the GPU test cases), loaded from
 * plugin_dir(). One that does not load (cudnn-conv.so without libcudnn)
 * where there is no driver either is unavailable, not broken: the unit is
 * skipped. One that loads checks the driver and device itself (gpu.h).
 */
static int
plugin_open_gpu(const char *file, const struct bench_testcase **tc,
    void **handle, char **cause)
{
	char *path, *why = NULL;
	int rc;

	path = xasprintf("%s/%s", plugin_dir(), file);
	rc = plugin_open_so(path, tc, handle, cause);
	free(path);
	if (rc != 0 && plugin_driver(&why) != 0) {
		free(*cause);
		*cause = why;
		return TESTCASE_UNAVAILABLE;
	}
	return rc;
}

/* A built-in from the registry. */
static int
plugin_open_builtin(const char *url, const struct bench_testcase **tc,
    void **handle, char **cause)
{
	const struct bench_testcase *found;
	const char *name = url + strlen(PLUGIN_BUILTIN), *file;
	char *names, *what;
	int rc;

	if ((file = registry_plugin(name)) != NULL)
		return plugin_open_gpu(file, tc, handle, cause);
	found = registry_find(name);
	if (found == NULL) {
		names = plugin_builtin_names();
		rc = err_set(cause, "unknown test case '%s' (built-in: %s)",
		    url, names);
		free(names);
		return rc;
	}
	what = xasprintf("built-in test case '%s'", url);
	rc = plugin_check(what, found, cause);
	free(what);
	if (rc != 0)
		return -1;
	*tc = found;
	return 0;
}

/* A shared object: dlopen it and ask it for its descriptor. */
static int
plugin_open_so(const char *url, const struct bench_testcase **tc,
    void **handle, char **cause)
{
	bench_testcase_entry_fn entry;
	const struct bench_testcase *found;
	struct stat sb;
	void *h, *sym;
	char *path, *what;
	const char *e;
	int rc;

	if (stat(url, &sb) != 0)
		return err_errno(cause, "plugin '%s'", url);
	if (S_ISDIR(sb.st_mode))
		return err_set(cause, "plugin '%s' is a directory", url);

	/* without a slash dlopen would search the library path */
	if (strchr(url, '/') == NULL)
		path = xasprintf("./%s", url);
	else
		path = xstrdup(url);
	dlerror();
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	free(path);
	if (h == NULL) {
		e = dlerror();
		return err_set(cause, "cannot load plugin '%s': %s", url,
		    e != NULL ? e : "unknown dlopen error");
	}

	dlerror();
	sym = dlsym(h, BENCH_TESTCASE_ENTRY);
	if (sym == NULL) {
		dlclose(h);
		return err_set(cause, "plugin '%s' does not export %s (is it a "
		    "bench test-case plugin?)", url, BENCH_TESTCASE_ENTRY);
	}
	/* POSIX: a data pointer from dlsym converts to a function pointer */
	memcpy(&entry, &sym, sizeof entry);
	found = entry();

	what = xasprintf("plugin '%s'", url);
	rc = plugin_check(what, found, cause);
	free(what);
	if (rc != 0) {
		dlclose(h);
		return -1;
	}
	*tc = found;
	*handle = h;
	return 0;
}

/* Open the test case url names. */
int
testcase_open(const char *url, const struct bench_testcase **tc,
    void **handle, char **cause)
{
	*tc = NULL;
	*handle = NULL;
	if (url == NULL || url[0] == '\0')
		return err_set(cause, "empty test-case url");
	if (strncmp(url, PLUGIN_BUILTIN, strlen(PLUGIN_BUILTIN)) == 0)
		return plugin_open_builtin(url, tc, handle, cause);
	return plugin_open_so(url, tc, handle, cause);
}

/* Unload a plugin. */
void
testcase_close(void *handle)
{
	if (handle != NULL)
		dlclose(handle);
}
