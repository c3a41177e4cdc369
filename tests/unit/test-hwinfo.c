/*
 * test-hwinfo: profiles/hwinfo and profiles/nvml. The machine facts are
 * checked against hwloc, sysconf and uname directly; the fingerprint's
 * keys, types and id against the contract in hwinfo.h. NVML is checked
 * three ways: the real one (absent here: a clean failure; present: at
 * least one GPU), bad libraries (missing file, missing symbols), and fake
 * NVMLs compiled by the test with `cc` (skipped without a compiler) that
 * speak the current (_v3, 4-field process struct) and the original (2-field
 * struct) process APIs, so the struct layouts are checked without a GPU.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <errno.h>
#include <hwloc.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hwinfo.h"
#include "nvml.h"
#include "sha256.h"
#include "xalloc.h"
#include "banned.h"

/*
 * A fake libnvidia-ml: two GPUs of 80 GiB. GPU 0 runs pid 100 (1 GiB), pid
 * 200 (512 MiB) and pid 300 (usage not available); GPU 1 runs pids
 * 1000..1039 (1 MiB each) and pid 100 (256 MiB). FAKE_V3 exports
 * utilization, MIG mode and a _v3 process query (plus decoy _v2 and
 * original queries that fail, to prove _v3 is preferred); without it only
 * the original query with the 2-field struct. FAKE_NOINIT makes
 * nvmlInit_v2 fail. FAKE_NVML_PROCS_FAIL=1|all makes GPU 1's or every
 * process query fail.
 */
static const char fake_source[] =
"#include <stdio.h>\n"
"#include <stdlib.h>\n"
"#include <string.h>\n"
"struct mem { unsigned long long total, free, used; };\n"
"struct util { unsigned int gpu, memory; };\n"
"struct p1 { unsigned int pid; unsigned long long used; };\n"
"struct p2 { unsigned int pid; unsigned long long used;\n"
"    unsigned int gi, ci; };\n"
"#ifdef FAKE_V3\n"
"typedef struct p2 proc;\n"
"#define PROCS nvmlDeviceGetComputeRunningProcesses_v3\n"
"#else\n"
"typedef struct p1 proc;\n"
"#define PROCS nvmlDeviceGetComputeRunningProcesses\n"
"#endif\n"
"static int inited;\n"
"static int devs[2];\n"
"static int idx(void *d) {\n"
"  return d == &devs[0] ? 0 : d == &devs[1] ? 1 : -1; }\n"
"int nvmlInit_v2(void) {\n"
"#ifdef FAKE_NOINIT\n"
"  return 9;\n"
"#endif\n"
"  inited++; return 0; }\n"
"int nvmlShutdown(void) { if (!inited) return 1; inited--; return 0; }\n"
"const char *nvmlErrorString(int rc) {\n"
"  switch (rc) { case 0: return \"Success\";\n"
"  case 1: return \"Uninitialized\"; case 2: return \"Invalid Argument\";\n"
"  case 3: return \"Not Supported\"; case 7: return \"Insufficient Size\";\n"
"  case 9: return \"Driver Not Loaded\"; }\n"
"  return \"Unknown Error\"; }\n"
"int nvmlDeviceGetCount_v2(unsigned int *n) {\n"
"  if (!inited) return 1; *n = 2; return 0; }\n"
"int nvmlDeviceGetHandleByIndex_v2(unsigned int i, void **d) {\n"
"  if (!inited) return 1; if (i >= 2) return 2; *d = &devs[i]; return 0; }\n"
"int nvmlDeviceGetName(void *d, char *b, unsigned int n) {\n"
"  if (idx(d) < 0) return 2; snprintf(b, n, \"Fake GPU %d\", idx(d));\n"
"  return 0; }\n"
"int nvmlDeviceGetUUID(void *d, char *b, unsigned int n) {\n"
"  if (idx(d) < 0) return 2; snprintf(b, n, \"GPU-fake-%d\", idx(d));\n"
"  return 0; }\n"
"int nvmlDeviceGetMemoryInfo(void *d, struct mem *m) {\n"
"  if (idx(d) < 0) return 2; m->total = 80ULL << 30;\n"
"  m->used = idx(d) == 0 ? 1ULL << 30 : 0; m->free = m->total - m->used;\n"
"  return 0; }\n"
"int nvmlSystemGetDriverVersion(char *b, unsigned int n) {\n"
"  if (n < 80) return 7; snprintf(b, n, \"999.99\"); return 0; }\n"
"#ifdef FAKE_V3\n"
"int nvmlDeviceGetUtilizationRates(void *d, struct util *u) {\n"
"  u->gpu = 42; u->memory = 7; return 0; }\n"
"int nvmlDeviceGetMigMode(void *d, unsigned int *c, unsigned int *p) {\n"
"  if (idx(d) == 1) return 3; *c = *p = 1; return 0; }\n"
"int nvmlDeviceGetComputeRunningProcesses_v2(void *d, unsigned int *n,\n"
"    void *p) { return 999; }\n"
"int nvmlDeviceGetComputeRunningProcesses(void *d, unsigned int *n,\n"
"    void *p) { return 999; }\n"
"#endif\n"
"int PROCS(void *d, unsigned int *n, proc *infos) {\n"
"  proc all[64]; unsigned int k = 0, j;\n"
"  const char *f = getenv(\"FAKE_NVML_PROCS_FAIL\");\n"
"  int i = idx(d);\n"
"  if (i < 0 || n == NULL) return 2;\n"
"  if (f != NULL && (strcmp(f, \"all\") == 0 ||\n"
"      (i == 1 && strcmp(f, \"1\") == 0))) return 3;\n"
"  memset(all, 0xee, sizeof all);\n"
"  if (i == 0) {\n"
"    all[k].pid = 100; all[k++].used = 1ULL << 30;\n"
"    all[k].pid = 200; all[k++].used = 512ULL << 20;\n"
"    all[k].pid = 300; all[k++].used = ~0ULL;\n"
"  } else {\n"
"    for (j = 0; j < 40; j++) {\n"
"      all[k].pid = 1000 + j; all[k++].used = 1ULL << 20; }\n"
"    all[k].pid = 100; all[k++].used = 256ULL << 20;\n"
"  }\n"
"  if (*n < k) { *n = k; return 7; }\n"
"  memcpy(infos, all, k * sizeof all[0]); *n = k; return 0; }\n";

/* Where the fake libraries were built; NULL if they could not be. */
static char *fake_dir;
static char fake_v3[512], fake_v1[512], fake_noinit[512], fake_src[512];

/* Run argv, return its exit status or -1. */
static int
run(char **argv)
{
	pid_t pid;
	int status;

	/* fork + exec: <spawn.h> is shadowed by harness/spawn.h */
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

/* Compile the fake NVML source into out with one -D flag (or none). */
static int
compile_fake(const char *out, const char *define)
{
	char *argv[] = { (char *)"cc", (char *)"-shared", (char *)"-fPIC",
	    (char *)"-o", (char *)out, (char *)fake_src,
	    (char *)define, NULL };

	return run(argv);
}

/* Build the fake libraries in a scratch directory. */
static int
setup_fakes(void **state)
{
	char tmpl[] = "/tmp/test-hwinfo.XXXXXX";
	FILE *f;

	if (mkdtemp(tmpl) == NULL)
		return 0;
	fake_dir = xstrdup(tmpl);
	snprintf(fake_src, sizeof fake_src, "%s/fake.c", fake_dir);
	snprintf(fake_v3, sizeof fake_v3, "%s/v3.so", fake_dir);
	snprintf(fake_v1, sizeof fake_v1, "%s/v1.so", fake_dir);
	snprintf(fake_noinit, sizeof fake_noinit, "%s/noinit.so", fake_dir);
	if ((f = fopen(fake_src, "we")) == NULL)
		goto fail;
	fputs(fake_source, f);
	if (fclose(f) != 0)
		goto fail;
	if (compile_fake(fake_v3, "-DFAKE_V3") != 0 ||
	    compile_fake(fake_v1, NULL) != 0 ||
	    compile_fake(fake_noinit, "-DFAKE_NOINIT") != 0)
		goto fail;
	return 0;
fail:
	print_message("no C compiler for the fake NVML: skipping those\n");
	unlink(fake_src);
	unlink(fake_v3);
	unlink(fake_v1);
	unlink(fake_noinit);
	rmdir(fake_dir);
	free(fake_dir);
	fake_dir = NULL;
	return 0;
}

/* Remove the fake libraries. */
static int
teardown_fakes(void **state)
{
	if (fake_dir == NULL)
		return 0;
	unlink(fake_src);
	unlink(fake_v3);
	unlink(fake_v1);
	unlink(fake_noinit);
	rmdir(fake_dir);
	free(fake_dir);
	fake_dir = NULL;
	return 0;
}

/* Cores and PUs agree with hwloc and with sysconf. */
static void
test_cores_pus(void **state)
{
	hwloc_topology_t t;
	unsigned cores, pus;
	long online;
	int hw_cores, hw_pus, allowed, complete;

	cores = hwinfo_cores();
	pus = hwinfo_pus();
	assert_true(cores >= 1);
	assert_true(cores <= pus);
	/* cached: the same answer again */
	assert_int_equal(hwinfo_cores(), cores);
	assert_int_equal(hwinfo_pus(), pus);

	assert_int_equal(hwloc_topology_init(&t), 0);
	assert_int_equal(hwloc_topology_load(t), 0);
	hw_cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
	hw_pus = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
	allowed = hwloc_bitmap_weight(hwloc_topology_get_allowed_cpuset(t));
	complete = hwloc_bitmap_weight(hwloc_topology_get_complete_cpuset(t));
	hwloc_topology_destroy(t);
	assert_int_equal(pus, hw_pus);
	assert_int_equal(cores, hw_cores > 0 ? hw_cores : hw_pus);

	online = sysconf(_SC_NPROCESSORS_ONLN);
	assert_true(online >= 1);
	assert_true((long)pus <= online);
	/* no cpuset confines us: every online CPU counts */
	if (allowed == complete)
		assert_int_equal(pus, online);
}

/* MemTotal and MemAvailable are read and consistent. */
static void
test_memory(void **state)
{
	long total, avail;

	total = hwinfo_mem_total_kb();
	avail = hwinfo_mem_available_kb();
	assert_true(total > 0);
	assert_true(avail > 0);
	assert_true(avail <= total);
	/* more than 16 MiB and less than 64 TiB: KiB, not bytes or pages */
	assert_true(total > 16 * 1024);
	assert_true(total < 64L * 1024 * 1024 * 1024);
}

/* Whether s is 64 lowercase hex digits. */
static int
is_hex64(const char *s)
{
	size_t i;

	if (strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++) {
		if (strchr("0123456789abcdef", s[i]) == NULL)
			return 0;
	}
	return 1;
}

/* Every key of the fingerprint, with its JSON type. */
static void
test_fingerprint_keys(void **state)
{
	struct utsname u;
	json_t *fp, *gpus, *gpu, *v;
	char id[65], *cause = NULL, *kernel;
	size_t i;

	assert_int_equal(hwinfo_fingerprint(&fp, id, &cause), 0);
	assert_null(cause);
	assert_non_null(fp);
	assert_true(json_is_object(fp));
	assert_int_equal(json_object_size(fp), 10);

	assert_true(json_is_string(json_object_get(fp, "hostname")));
	v = json_object_get(fp, "cpu_model");
	assert_true(json_is_string(v));
	assert_true(json_string_length(v) > 0);
	v = json_object_get(fp, "cores");
	assert_true(json_is_integer(v));
	assert_int_equal(json_integer_value(v), hwinfo_cores());
	v = json_object_get(fp, "pus");
	assert_true(json_is_integer(v));
	assert_int_equal(json_integer_value(v), hwinfo_pus());
	v = json_object_get(fp, "mem_total_kb");
	assert_true(json_is_integer(v));
	assert_int_equal(json_integer_value(v), hwinfo_mem_total_kb());

	assert_int_equal(uname(&u), 0);
	kernel = xasprintf("%s %s", u.sysname, u.release);
	assert_string_equal(json_string_value(json_object_get(fp, "kernel")),
	    kernel);
	free(kernel);

	v = json_object_get(fp, "os");
	assert_true(json_is_string(v) || json_is_null(v));
	if (json_is_string(v)) {
		assert_true(json_string_length(v) > 0);
		assert_true(json_string_value(v)[0] != '"');
	}

	gpus = json_object_get(fp, "gpus");
	assert_true(json_is_array(gpus));
	json_array_foreach(gpus, i, gpu) {
		assert_true(json_is_object(gpu));
		assert_true(json_is_integer(json_object_get(gpu, "index")));
		assert_true(json_is_string(json_object_get(gpu, "name")));
		assert_true(json_is_string(json_object_get(gpu, "uuid")));
		assert_true(json_is_integer(json_object_get(gpu, "memory_mb")));
	}
	v = json_object_get(fp, "gpu_driver");
	if (json_array_size(gpus) == 0)
		assert_true(json_is_null(v));
	else
		assert_true(json_is_string(v));

	assert_string_equal(json_string_value(json_object_get(fp,
	    "bench_version")), BENCH_VERSION);
	assert_true(is_hex64(id));
	json_decref(fp);
}

/* The id is stable and is the SHA-256 of the identifying fields only. */
static void
test_fingerprint_id(void **state)
{
	json_t *fp1, *fp2, *ident, *gpus, *gpu;
	char id1[65], id2[65], want[65], *text, *cause = NULL;
	size_t i;

	assert_int_equal(hwinfo_fingerprint(&fp1, id1, &cause), 0);
	assert_int_equal(hwinfo_fingerprint(&fp2, id2, &cause), 0);
	assert_null(cause);
	assert_true(is_hex64(id1));
	assert_string_equal(id1, id2);

	/* recompute it from the contract in hwinfo.h */
	gpus = json_array();
	json_array_foreach(json_object_get(fp1, "gpus"), i, gpu) {
		json_array_append_new(gpus, json_pack("{s:O, s:O}",
		    "name", json_object_get(gpu, "name"),
		    "memory_mb", json_object_get(gpu, "memory_mb")));
	}
	ident = json_pack("{s:O, s:O, s:O, s:O, s:O, s:o, s:O}",
	    "cpu_model", json_object_get(fp1, "cpu_model"),
	    "cores", json_object_get(fp1, "cores"),
	    "pus", json_object_get(fp1, "pus"),
	    "mem_total_kb", json_object_get(fp1, "mem_total_kb"),
	    "kernel", json_object_get(fp1, "kernel"),
	    "gpus", gpus,
	    "gpu_driver", json_object_get(fp1, "gpu_driver"));
	assert_non_null(ident);
	text = json_dumps(ident, JSON_SORT_KEYS | JSON_COMPACT);
	assert_non_null(text);
	/* canonical: sorted and compact */
	assert_true(strncmp(text, "{\"cores\":", 9) == 0);
	assert_null(strstr(text, "hostname"));
	sha256_hex(text, strlen(text), want);
	assert_string_equal(id1, want);
	free(text);
	json_decref(ident);

	/* the hostname is not part of it */
	json_object_set_new(fp1, "hostname", json_string("elsewhere"));
	assert_string_equal(id1, id2);
	json_decref(fp1);
	json_decref(fp2);
}

/* The real NVML: a clean failure without a driver, GPUs with one. */
static void
test_nvml_real(void **state)
{
	struct nvml *nv;
	struct nvml_device_info info, past;
	char *cause = NULL, version[96];
	pid_t self;
	double mb;

	if (nvml_open(&nv, &cause) != 0) {
		assert_null(nv);
		assert_non_null(cause);
		assert_true(strstr(cause, NVML_LIBRARY) != NULL ||
		    strstr(cause, "nvmlInit_v2") != NULL);
		print_message("no nvml: %s\n", cause);
		free(cause);
		return;
	}
	assert_non_null(nv);
	assert_true(nvml_count(nv) >= 1);
	assert_int_equal(nvml_device(nv, 0, &info), 0);
	assert_int_equal(info.index, 0);
	assert_true(info.name[0] != '\0');
	assert_true(strncmp(info.uuid, "GPU-", 4) == 0 ||
	    strncmp(info.uuid, "MIG-", 4) == 0);
	assert_true(info.memory_total_mb > 0);
	assert_true(info.memory_used_mb <= info.memory_total_mb);
	assert_true(info.memory_free_mb <= info.memory_total_mb);
	assert_true(info.util_gpu >= -1 && info.util_gpu <= 100);
	assert_true(info.mig >= -1 && info.mig <= 1);
	assert_int_equal(nvml_device(nv, nvml_count(nv), &past), -1);
	assert_true(nvml_error(nv)[0] != '\0');
	assert_int_equal(nvml_driver_version(nv, version, sizeof version), 0);
	assert_true(version[0] != '\0');
	/* this process has no CUDA context */
	self = getpid();
	assert_int_equal(nvml_process_vram_mb(nv, &self, 1, &mb), 0);
	assert_true(mb == 0);
	print_message("gpu 0: %s %s %llu MiB, driver %s, mig %d\n",
	    info.name, info.uuid, info.memory_total_mb, version, info.mig);
	nvml_close(nv);
}

/* Every entry point takes a NULL handle without crashing. */
static void
test_nvml_null(void **state)
{
	struct nvml_device_info info;
	char buf[80];
	pid_t pid = 1;
	double mb = -1;

	assert_int_equal(nvml_count(NULL), 0);
	assert_int_equal(nvml_device(NULL, 0, &info), -1);
	assert_int_equal(nvml_driver_version(NULL, buf, sizeof buf), -1);
	assert_int_equal(nvml_process_vram_mb(NULL, &pid, 1, &mb), -1);
	assert_true(mb == 0);
	assert_non_null(nvml_error(NULL));
	nvml_close(NULL);
}

/* A library that is not there. */
static void
test_nvml_missing_library(void **state)
{
	struct nvml *nv = (struct nvml *)&nv;
	char *cause = NULL;

	assert_int_equal(nvml_open_library("/nonexistent/libnvidia-ml.so.1",
	    &nv, &cause), -1);
	assert_null(nv);
	assert_non_null(cause);
	assert_string_equal(cause,
	    "/nonexistent/libnvidia-ml.so.1 not found: no NVIDIA driver");
	free(cause);
	/* a NULL cause is allowed */
	assert_int_equal(nvml_open_library("/nonexistent/x.so", &nv, NULL), -1);
}

/* A library that is not NVML. */
static void
test_nvml_missing_symbol(void **state)
{
	struct nvml *nv;
	char *cause = NULL;

	assert_int_equal(nvml_open_library("libc.so.6", &nv, &cause), -1);
	assert_null(nv);
	assert_non_null(cause);
	assert_string_equal(cause, "libc.so.6: symbol nvmlInit_v2 not found");
	free(cause);
}

/* A file that is no library at all. */
static void
test_nvml_not_a_library(void **state)
{
	struct nvml *nv;
	char *cause = NULL;

	assert_int_equal(nvml_open_library("/proc/self/status", &nv, &cause),
	    -1);
	assert_null(nv);
	assert_non_null(cause);
	assert_true(strncmp(cause, "cannot load /proc/self/status: ", 31) == 0);
	free(cause);
}

/* Skip unless the fakes were built. */
#define NEED_FAKES() do {						\
	if (fake_dir == NULL)						\
		skip();							\
} while (0)

/* nvmlInit_v2 fails: the cause carries NVML's text. */
static void
test_fake_init_fails(void **state)
{
	struct nvml *nv;
	char *cause = NULL;

	NEED_FAKES();
	assert_int_equal(nvml_open_library(fake_noinit, &nv, &cause), -1);
	assert_null(nv);
	assert_string_equal(cause, "nvmlInit_v2 failed: Driver Not Loaded");
	free(cause);
}

/* The process sums every fake NVML must give. */
static void
check_fake_vram(struct nvml *nv)
{
	pid_t p100 = 100, p200_300[] = { 200, 300 }, none = 4242;
	pid_t many[10];
	double mb;
	int i;

	for (i = 0; i < 10; i++)
		many[i] = 1000 + i;
	/* twice: the second time the scratch buffer is already grown */
	for (i = 0; i < 2; i++) {
		assert_int_equal(nvml_process_vram_mb(nv, &p100, 1, &mb), 0);
		assert_true(mb == 1024 + 256);
	}
	assert_int_equal(nvml_process_vram_mb(nv, p200_300, 2, &mb), 0);
	assert_true(mb == 512);		/* pid 300's usage is unknown */
	assert_int_equal(nvml_process_vram_mb(nv, many, 10, &mb), 0);
	assert_true(mb == 10);
	assert_int_equal(nvml_process_vram_mb(nv, &none, 1, &mb), 0);
	assert_true(mb == 0);
	assert_int_equal(nvml_process_vram_mb(nv, NULL, 0, &mb), 0);
	assert_true(mb == 0);

	/* one GPU cannot be asked: the others still count */
	setenv("FAKE_NVML_PROCS_FAIL", "1", 1);
	assert_int_equal(nvml_process_vram_mb(nv, &p100, 1, &mb), 0);
	assert_true(mb == 1024);
	/* none can: an error, and why */
	setenv("FAKE_NVML_PROCS_FAIL", "all", 1);
	mb = -1;
	assert_int_equal(nvml_process_vram_mb(nv, &p100, 1, &mb), -1);
	assert_true(mb == 0);
	assert_string_equal(nvml_error(nv), "process list: Not Supported");
	unsetenv("FAKE_NVML_PROCS_FAIL");
}

/* A current driver: _v3 processes with the 4-field struct, MIG, util. */
static void
test_fake_v3(void **state)
{
	struct nvml *nv;
	struct nvml_device_info info;
	char *cause = NULL, version[80], small[4];

	NEED_FAKES();
	assert_int_equal(nvml_open_library(fake_v3, &nv, &cause), 0);
	assert_null(cause);
	assert_int_equal(nvml_count(nv), 2);

	assert_int_equal(nvml_device(nv, 0, &info), 0);
	assert_int_equal(info.index, 0);
	assert_string_equal(info.name, "Fake GPU 0");
	assert_string_equal(info.uuid, "GPU-fake-0");
	assert_int_equal(info.memory_total_mb, 81920);
	assert_int_equal(info.memory_used_mb, 1024);
	assert_int_equal(info.memory_free_mb, 81920 - 1024);
	assert_int_equal(info.util_gpu, 42);
	assert_int_equal(info.util_memory, 7);
	assert_int_equal(info.mig, 1);

	assert_int_equal(nvml_device(nv, 1, &info), 0);
	assert_int_equal(info.index, 1);
	assert_string_equal(info.uuid, "GPU-fake-1");
	assert_int_equal(info.memory_used_mb, 0);
	assert_int_equal(info.mig, -1);		/* not supported */

	assert_int_equal(nvml_device(nv, 2, &info), -1);
	assert_string_equal(nvml_error(nv), "gpu 2: Invalid Argument");

	assert_int_equal(nvml_driver_version(nv, version, sizeof version), 0);
	assert_string_equal(version, "999.99");
	assert_int_equal(nvml_driver_version(nv, small, sizeof small), -1);
	assert_string_equal(nvml_error(nv), "driver version too long");

	check_fake_vram(nv);
	nvml_close(nv);
}

/* An old driver: the original process query and its 2-field struct. */
static void
test_fake_v1(void **state)
{
	struct nvml *nv;
	struct nvml_device_info info;
	char *cause = NULL;

	NEED_FAKES();
	assert_int_equal(nvml_open_library(fake_v1, &nv, &cause), 0);
	assert_int_equal(nvml_count(nv), 2);
	assert_int_equal(nvml_device(nv, 0, &info), 0);
	assert_string_equal(info.name, "Fake GPU 0");
	assert_int_equal(info.util_gpu, -1);	/* no such symbol */
	assert_int_equal(info.util_memory, -1);
	assert_int_equal(info.mig, -1);
	check_fake_vram(nv);
	nvml_close(nv);
}

/* Two handles at once, closed in either order. */
static void
test_fake_twice(void **state)
{
	struct nvml *a, *b;
	char *cause = NULL;

	NEED_FAKES();
	assert_int_equal(nvml_open_library(fake_v3, &a, &cause), 0);
	assert_int_equal(nvml_open_library(fake_v3, &b, &cause), 0);
	nvml_close(a);
	assert_int_equal(nvml_count(b), 2);
	nvml_close(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cores_pus),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_fingerprint_keys),
		cmocka_unit_test(test_fingerprint_id),
		cmocka_unit_test(test_nvml_real),
		cmocka_unit_test(test_nvml_null),
		cmocka_unit_test(test_nvml_missing_library),
		cmocka_unit_test(test_nvml_missing_symbol),
		cmocka_unit_test(test_nvml_not_a_library),
		cmocka_unit_test(test_fake_init_fails),
		cmocka_unit_test(test_fake_v3),
		cmocka_unit_test(test_fake_v1),
		cmocka_unit_test(test_fake_twice),
	};

	return cmocka_run_group_tests(tests, setup_fakes, teardown_fakes);
}
