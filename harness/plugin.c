/*
 * plugin: open a test case by url, from the built-in registry or by
 * dlopen() of a plugin, and refuse descriptors bench cannot use.
 */
#include "config.h"

#include <sys/stat.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "plugin.h"
#include "registry.h"
#include "xalloc.h"
#include "banned.h"

#define PLUGIN_BUILTIN "builtin:"

/* "a, b, c": the names of the built-ins; the caller frees it. */
static char *
plugin_builtin_names(void)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < registry_count(); i++) {
		t = xasprintf("%s%s%s", s, i == 0 ? "" : ", ",
		    registry_at(i)->name);
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

/* A built-in from the registry. */
static int
plugin_open_builtin(const char *url, const struct bench_testcase **tc,
    char **cause)
{
	const struct bench_testcase *found;
	const char *name = url + strlen(PLUGIN_BUILTIN);
	char *names, *what;
	int rc;

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
		return plugin_open_builtin(url, tc, cause);
	return plugin_open_so(url, tc, handle, cause);
}

/* Unload a plugin. */
void
testcase_close(void *handle)
{
	if (handle != NULL)
		dlclose(handle);
}
