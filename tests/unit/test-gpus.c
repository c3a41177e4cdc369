/*
 * test-gpus: profiles/gpus against fake NVMLs compiled by the test with
 * `cc` (as test-hwinfo does; skipped without a compiler): GPU 0 in MIG
 * mode with instances in slots 0 and 3, GPU 1 whole, GPU 2 in MIG mode
 * with no instance. Checks the MIG expansion, CUDA_VISIBLE_DEVICES by
 * index, UUID, UUID prefix and MIG UUID, its stopping rules, a driver
 * without the MIG calls, refreshing free memory, and no NVML at all. On a
 * machine with a real GPU the real NVML is listed too.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpus.h"
#include "xalloc.h"
#include "banned.h"

static const char fake_source[] =
"#include <stdio.h>\n"
"#include <stdlib.h>\n"
"#include <string.h>\n"
"struct mem { unsigned long long total, free, used; };\n"
"static int inited;\n"
"static int devs[3], migs[7];\n"
"static int idx(void *d) {\n"
"  int i; for (i = 0; i < 3; i++) if (d == &devs[i]) return i;\n"
"  return -1; }\n"
"static int mig(void *d) {\n"
"  int i; for (i = 0; i < 7; i++) if (d == &migs[i]) return i;\n"
"  return -1; }\n"
"int nvmlInit_v2(void) { inited++; return 0; }\n"
"int nvmlShutdown(void) { if (!inited) return 1; inited--; return 0; }\n"
"const char *nvmlErrorString(int rc) { return rc ? \"Error\" : \"Success\"; }\n"
"int nvmlDeviceGetCount_v2(unsigned int *n) {\n"
"  if (!inited) return 1; *n = 3; return 0; }\n"
"int nvmlDeviceGetHandleByIndex_v2(unsigned int i, void **d) {\n"
"  if (!inited) return 1; if (i >= 3) return 2; *d = &devs[i]; return 0; }\n"
"int nvmlDeviceGetName(void *d, char *b, unsigned int n) {\n"
"  snprintf(b, n, \"Fake GPU %d\", idx(d)); return 0; }\n"
"int nvmlDeviceGetUUID(void *d, char *b, unsigned int n) {\n"
"  static const char *u[] = { \"GPU-aaaa-0000\", \"GPU-bbbb-1111\",\n"
"    \"GPU-bbbc-2222\" };\n"
"  if (idx(d) >= 0) { snprintf(b, n, \"%s\", u[idx(d)]); return 0; }\n"
"  if (mig(d) >= 0) { snprintf(b, n, \"MIG-aaaa-m%d\", mig(d)); return 0; }\n"
"  return 2; }\n"
"int nvmlDeviceGetMemoryInfo(void *d, struct mem *m) {\n"
"  const char *f = getenv(\"FAKE_FREE_MB\");\n"
"  if (mig(d) == 0) { m->total = 10ULL << 30; m->free = 9ULL << 30; }\n"
"  else if (mig(d) == 3) { m->total = 20ULL << 30; m->free = 20ULL << 30; }\n"
"  else if (idx(d) >= 0) { m->total = 40ULL << 30;\n"
"    m->free = (f ? strtoull(f, NULL, 10) : 30000ULL) << 20; }\n"
"  else return 2;\n"
"  m->used = m->total - m->free; return 0; }\n"
"int nvmlSystemGetDriverVersion(char *b, unsigned int n) {\n"
"  snprintf(b, n, \"999.99\"); return 0; }\n"
"int nvmlDeviceGetMigMode(void *d, unsigned int *c, unsigned int *p) {\n"
"  *c = *p = idx(d) != 1; return 0; }\n"
"#ifndef FAKE_NO_MIG\n"
"int nvmlDeviceGetMaxMigDeviceCount(void *d, unsigned int *n) {\n"
"  *n = idx(d) == 1 ? 0 : 7; return 0; }\n"
"int nvmlDeviceGetMigDeviceHandleByIndex(void *d, unsigned int i,\n"
"    void **m) {\n"
"  if (idx(d) != 0 || (i != 0 && i != 3)) return 6;\n"
"  *m = &migs[i]; return 0; }\n"
"#endif\n";

static char *fake_dir;
static char fake_src[512], fake_mig[512], fake_nomig[512];

/* Run argv, return its exit status or -1. */
static int
run(char **argv)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Compile the fake into out with one -D flag (or none). */
static int
compile_fake(const char *out, const char *define)
{
	char *argv[] = { (char *)"cc", (char *)"-shared", (char *)"-fPIC",
	    (char *)"-o", (char *)out, (char *)fake_src, (char *)define,
	    NULL };

	return run(argv);
}

/* Remove the fakes. */
static int
teardown_fakes(void **state)
{
	if (fake_dir == NULL)
		return 0;
	unlink(fake_src);
	unlink(fake_mig);
	unlink(fake_nomig);
	rmdir(fake_dir);
	free(fake_dir);
	fake_dir = NULL;
	return 0;
}

/* Build the fakes in a scratch directory. */
static int
setup_fakes(void **state)
{
	char tmpl[] = "/tmp/test-gpus.XXXXXX";
	FILE *f;

	if (mkdtemp(tmpl) == NULL)
		return 0;
	fake_dir = xstrdup(tmpl);
	snprintf(fake_src, sizeof fake_src, "%s/fake.c", fake_dir);
	snprintf(fake_mig, sizeof fake_mig, "%s/mig.so", fake_dir);
	snprintf(fake_nomig, sizeof fake_nomig, "%s/nomig.so", fake_dir);
	if ((f = fopen(fake_src, "we")) == NULL)
		goto fail;
	fputs(fake_source, f);
	if (fclose(f) != 0)
		goto fail;
	if (compile_fake(fake_mig, NULL) != 0 ||
	    compile_fake(fake_nomig, "-DFAKE_NO_MIG") != 0)
		goto fail;
	return 0;
fail:
	print_message("no C compiler for the fake NVML: skipping\n");
	teardown_fakes(state);
	return 0;
}

/* Discover with the MIG fake and visible; the count. */
static size_t
discover(const char *lib, const char *visible, struct gpus **g)
{
	char *cause = NULL;

	assert_int_equal(gpus_discover(lib, visible, g, &cause), 0);
	assert_null(cause);
	assert_non_null(*g);
	return gpus_count(*g);
}

/* Everything: GPU 0's two instances, GPU 1; GPU 2 has none. */
static void
test_all(void **state)
{
	const struct gpu_info *e;
	struct gpus *g;

	if (fake_dir == NULL) {
		skip();
		return;
	}
	assert_int_equal(discover(fake_mig, NULL, &g), 3);
	assert_string_equal(gpus_why(g), "");
	e = gpus_get(g, 0);
	assert_string_equal(e->uuid, "MIG-aaaa-m0");
	assert_string_equal(e->gpu_uuid, "GPU-aaaa-0000");
	assert_int_equal(e->nvml_index, 0);
	assert_int_equal(e->mig_index, 0);
	assert_int_equal(e->total_mb, 10240);
	assert_int_equal(e->free_mb, 9216);
	e = gpus_get(g, 1);
	assert_string_equal(e->uuid, "MIG-aaaa-m3");
	assert_int_equal(e->mig_index, 3);
	assert_int_equal(e->total_mb, 20480);
	e = gpus_get(g, 2);
	assert_string_equal(e->uuid, "GPU-bbbb-1111");
	assert_string_equal(e->name, "Fake GPU 1");
	assert_int_equal(e->mig_index, -1);
	assert_int_equal(e->nvml_index, 1);
	assert_int_equal(e->total_mb, 40960);
	assert_int_equal(e->free_mb, 30000);
	assert_null(gpus_get(g, 3));
	gpus_free(g);
}

/* CUDA_VISIBLE_DEVICES: indices, UUIDs, prefixes, MIG UUIDs, stops. */
static void
test_visible(void **state)
{
	struct gpus *g;

	if (fake_dir == NULL) {
		skip();
		return;
	}
	assert_int_equal(discover(fake_mig, "1", &g), 1);
	assert_string_equal(gpus_get(g, 0)->uuid, "GPU-bbbb-1111");
	gpus_free(g);

	/* an index of a MIG GPU names its instances; order is kept */
	assert_int_equal(discover(fake_mig, "1, 0", &g), 3);
	assert_string_equal(gpus_get(g, 0)->uuid, "GPU-bbbb-1111");
	assert_string_equal(gpus_get(g, 1)->uuid, "MIG-aaaa-m0");
	gpus_free(g);

	/* a unique prefix */
	assert_int_equal(discover(fake_mig, "GPU-bbbb-1", &g), 1);
	assert_int_equal(gpus_get(g, 0)->nvml_index, 1);
	gpus_free(g);

	/* MIG UUID, then an index that does not exist ends the list */
	assert_int_equal(discover(fake_mig, "MIG-aaaa-m3,5,1", &g), 1);
	assert_string_equal(gpus_get(g, 0)->uuid, "MIG-aaaa-m3");
	gpus_free(g);

	/* twice counts once */
	assert_int_equal(discover(fake_mig, "1,1", &g), 1);
	gpus_free(g);

	/* "GPU-" is unique here: GPU 2 is not listed */
	assert_int_equal(discover(fake_mig, "GPU-", &g), 1);
	gpus_free(g);
	/* an ambiguous prefix names nothing (all three listed without MIG) */
	assert_int_equal(discover(fake_nomig, "GPU-bbb", &g), 0);
	gpus_free(g);
	assert_int_equal(discover(fake_nomig, "GPU-bbbc", &g), 1);
	assert_int_equal(gpus_get(g, 0)->nvml_index, 2);
	gpus_free(g);

	/* "" and -1 hide every GPU, and say so */
	assert_int_equal(discover(fake_mig, "", &g), 0);
	assert_non_null(strstr(gpus_why(g), "names no gpu"));
	gpus_free(g);
	assert_int_equal(discover(fake_mig, "-1", &g), 0);
	gpus_free(g);
	/* GPU 2 (MIG on, no instance) cannot be named */
	assert_int_equal(discover(fake_mig, "2", &g), 0);
	gpus_free(g);
}

/* A driver without the MIG calls lists whole GPUs. */
static void
test_no_mig_calls(void **state)
{
	struct gpus *g;

	if (fake_dir == NULL) {
		skip();
		return;
	}
	assert_int_equal(discover(fake_nomig, NULL, &g), 3);
	assert_string_equal(gpus_get(g, 0)->uuid, "GPU-aaaa-0000");
	assert_int_equal(gpus_get(g, 0)->mig_index, -1);
	gpus_free(g);
}

/* Free memory is re-read. */
static void
test_refresh(void **state)
{
	struct gpus *g;
	char *cause = NULL;

	if (fake_dir == NULL) {
		skip();
		return;
	}
	assert_int_equal(discover(fake_mig, NULL, &g), 3);
	setenv("FAKE_FREE_MB", "1234", 1);
	assert_int_equal(gpus_refresh(g, &cause), 0);
	unsetenv("FAKE_FREE_MB");
	assert_int_equal(gpus_get(g, 2)->free_mb, 1234);
	assert_int_equal(gpus_get(g, 0)->free_mb, 9216);
	gpus_free(g);
}

/* No library: empty, with the reason. */
static void
test_no_nvml(void **state)
{
	struct gpus *g;

	assert_int_equal(discover("/nonexistent/libnvidia-ml.so.1", NULL, &g),
	    0);
	assert_non_null(strstr(gpus_why(g), "libnvidia-ml"));
	gpus_free(g);
	gpus_free(NULL);
}

/* The real NVML: whatever is here, printed. */
static void
test_real(void **state)
{
	const struct gpu_info *e;
	struct gpus *g;
	size_t i, n;

	n = discover(NULL, getenv("CUDA_VISIBLE_DEVICES"), &g);
	print_message("real: %zu gpu(s)%s%s\n", n, n == 0 ? ": " : "",
	    gpus_why(g));
	for (i = 0; i < n; i++) {
		e = gpus_get(g, i);
		print_message("  %zu: nvml %u mig %d %s %s %llu/%llu MiB free\n",
		    i, e->nvml_index, e->mig_index, e->name, e->uuid,
		    e->free_mb, e->total_mb);
		assert_true(e->total_mb > 0);
		assert_true(e->free_mb <= e->total_mb);
		assert_true(strncmp(e->uuid, "GPU-", 4) == 0 ||
		    strncmp(e->uuid, "MIG-", 4) == 0);
	}
	if (n == 0)
		assert_true(*gpus_why(g) != '\0');
	gpus_free(g);
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all),
		cmocka_unit_test(test_visible),
		cmocka_unit_test(test_no_mig_calls),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_no_nvml),
		cmocka_unit_test(test_real),
	};

	return cmocka_run_group_tests(tests, setup_fakes, teardown_fakes);
}
