/*
 * test-gpu: the CUDA test cases, builtin:cuda-gemm and builtin:cudnn-conv,
 * run through worker_run into a pipe. Built only when configure found
 * CUDA; two groups:
 *
 *  - on any machine: both are registered as plugins, bad parameters fail,
 *    and with every device hidden (CUDA_VISIBLE_DEVICES="" in a child) or
 *    no driver both end skipped saying "no NVIDIA driver/GPU (...)";
 *  - with a usable GPU: they end ok with sane metrics, and cuda-gemm's
 *    checksum is a function of the seed.
 *
 * Whether a GPU is usable is asked of cuda-gemm itself, in a child: when it
 * ends skipped (no NVIDIA driver, no device, all hidden) the program exits
 * 77 with its reason after the first group passed, so make check says SKIP,
 * never PASS, for a GPU test that did not run.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "chan.h"
#include "plugin.h"
#include "registry.h"
#include "worker.h"
#include "xalloc.h"
#include "banned.h"

#define MAXREC 64

#define GEMM_SMALL	"{\"n\":200,\"reps\":2}"
#define CONV_SMALL	"{\"batch_size\":6,\"channels\":8,\"out_channels\":16," \
			"\"size\":20,\"kernel\":3,\"streams\":2,\"iters\":2}"

/* The records one unit wrote, parsed. */
struct records {
	json_t	*rec[MAXREC];
	size_t	 n;
};

/* Drop the parsed records. */
static void
records_clear(struct records *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		json_decref(r->rec[i]);
	r->n = 0;
}

/* Read fd to EOF and parse every line into r; each must be an object. */
static void
records_read(int fd, struct records *r)
{
	static char buf[1 << 16];
	size_t len = 0;
	ssize_t n;
	char *line, *nl;
	json_t *j;

	for (;;) {
		n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		assert_true(n >= 0);
		if (n == 0)
			break;
		len += (size_t)n;
		assert_true(len < sizeof buf - 1);
	}
	buf[len] = '\0';
	for (line = buf; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		assert_non_null(nl);
		*nl = '\0';
		j = json_loads(line, 0, NULL);
		assert_non_null(j);
		assert_true(json_is_object(j));
		assert_true(r->n < MAXREC);
		r->rec[r->n++] = j;
	}
}

/* The type of record i. */
static const char *
rec_type(struct records *r, size_t i)
{
	return json_string_value(json_object_get(r->rec[i], "t"));
}

/* The value of metric name (must be there exactly once); *timing gets its
   timing flag when not NULL. */
static double
rec_metric(struct records *r, const char *name, int *timing)
{
	size_t i, found = 0;
	double v = NAN;
	const char *s;

	for (i = 0; i < r->n; i++) {
		if (strcmp(rec_type(r, i), "metric") != 0)
			continue;
		s = json_string_value(json_object_get(r->rec[i], "name"));
		if (s != NULL && strcmp(s, name) == 0) {
			v = json_number_value(json_object_get(r->rec[i],
			    "value"));
			if (timing != NULL)
				*timing = json_is_true(json_object_get(
				    r->rec[i], "timing"));
			found++;
		}
	}
	assert_int_equal(found, 1);
	return v;
}

/* Check the framing and return the end status; *error gets the end's
   error or NULL. */
static const char *
rec_end(struct records *r, const char **error)
{
	json_t *e;
	size_t i;

	assert_true(r->n >= 2);
	assert_string_equal(rec_type(r, 0), "start");
	for (i = 1; i < r->n - 1; i++) {
		/* the worker's own usage comes last, right before the end */
		if (i == r->n - 2 && strcmp(rec_type(r, i), "usage") == 0) {
			assert_true(json_number_value(json_object_get(r->rec[i],
			    "maxrss_kb")) > 0);
			continue;
		}
		assert_string_equal(rec_type(r, i), "metric");
	}
	assert_string_equal(rec_type(r, r->n - 1), "end");
	e = json_object_get(r->rec[r->n - 1], "error");
	*error = e != NULL ? json_string_value(e) : NULL;
	return json_string_value(json_object_get(r->rec[r->n - 1], "status"));
}

/* Run one unit of url in this process into a pipe; parse its records. */
static int
run_unit(const char *url, const char *params, uint64_t seed,
    struct records *r)
{
	struct worker_unit u = WORKER_UNIT_INIT;
	int p[2], code;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	u.url = url;
	u.params = params;
	u.unit_id = "u-0";
	u.workspace = "/tmp";
	u.seed = seed;
	u.status_fd = p[1];
	code = worker_run(&u);
	close(p[1]);
	records_clear(r);
	records_read(p[0], r);
	close(p[0]);
	return code;
}

/* Run one unit in a child, with every CUDA device hidden when hide is set
   (the runtime reads CUDA_VISIBLE_DEVICES once, at its first call), so
   that this process has not touched CUDA; parse its records. */
static int
run_unit_child(const char *url, const char *params, int hide,
    struct records *r)
{
	pid_t pid;
	int p[2], status;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct worker_unit u = WORKER_UNIT_INIT;

		close(p[0]);
		if (hide && setenv("CUDA_VISIBLE_DEVICES", "", 1) != 0)
			_exit(99);
		u.url = url;
		u.params = params;
		u.unit_id = "u-0";
		u.workspace = "/tmp";
		u.seed = 1;
		u.status_fd = p[1];
		_exit(worker_run(&u));
	}
	close(p[1]);
	records_clear(r);
	records_read(p[0], r);
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1)
		assert_int_equal(errno, EINTR);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/*
 * Whether a CUDA device is usable here: a small cuda-gemm unit, run in a
 * child, does not end skipped. When it does, why gets its reason. A unit
 * that fails counts as usable, so that the GPU tests run and fail.
 */
static int
gpu_usable(char *why, size_t len)
{
	struct records r = { .n = 0 };
	const char *status, *error;
	int usable = 1;

	run_unit_child("builtin:cuda-gemm", "{\"n\":8,\"reps\":1}", 0, &r);
	status = rec_end(&r, &error);
	if (strcmp(status, "skipped") == 0) {
		snprintf(why, len, "%s",
		    error != NULL ? error : "no reason given");
		usable = 0;
	}
	records_clear(&r);
	return usable;
}

/* Assert the unit ended skipped for lack of a driver or device, with no
   metric (start, [usage,] end). */
static void
assert_skipped(struct records *r)
{
	const char *status, *error;

	status = rec_end(r, &error);
	assert_string_equal(status, "skipped");
	assert_non_null(error);
	assert_non_null(strstr(error, "no NVIDIA driver/GPU ("));
	assert_true(r->n == 2 || r->n == 3);
}

/* Open builtin:name, a plugin of ours, and check its parameters; NULL
   where there is no driver (the unit is skipped, say the records). */
static void
check_plugin(const char *name, const char *param0)
{
	const struct bench_testcase *tc;
	void *handle;
	char *url, *cause = NULL;
	int rc;

	assert_true(registry_known(name));
	assert_non_null(registry_plugin(name));
	assert_null(registry_find(name));	/* not linked into bench */
	url = xasprintf("builtin:%s", name);
	rc = testcase_open(url, &tc, &handle, &cause);
	free(url);
	if (rc == TESTCASE_UNAVAILABLE) {
		assert_non_null(strstr(cause, "no NVIDIA driver/GPU ("));
		free(cause);
		return;
	}
	assert_int_equal(rc, 0);
	assert_non_null(handle);
	assert_string_equal(tc->name, name);
	assert_int_equal(tc->abi_version, BENCH_TESTCASE_ABI_VERSION);
	assert_string_equal(tc->params[0].name, param0);
	assert_non_null(tc->run);
	testcase_close(handle);
}

/* Both test cases are registered as plugins, with their parameters. */
static void
test_registered(void **unused)
{
	check_plugin("cuda-gemm", "n");
#ifdef HAVE_CUDNN
	check_plugin("cudnn-conv", "batch_size");
#endif
}

/* With every device hidden, both skip (exit 0), never fail. */
static void
test_hidden_skips(void **unused)
{
	struct records r = { .n = 0 };

	assert_int_equal(run_unit_child("builtin:cuda-gemm", GEMM_SMALL, 1,
	    &r), WORKER_EXIT_OK);
	assert_skipped(&r);
#ifdef HAVE_CUDNN
	assert_int_equal(run_unit_child("builtin:cudnn-conv", CONV_SMALL, 1,
	    &r), WORKER_EXIT_OK);
	assert_skipped(&r);
#endif
	records_clear(&r);
}

/* cuda-gemm: ok with a reproducible checksum and a small error. */
static void
test_cuda_gemm(void **unused)
{
	struct records r = { .n = 0 };
	const char *status, *error;
	double sum1, sum2, sum3, err;
	int timing = -1;

	assert_int_equal(run_unit("builtin:cuda-gemm", GEMM_SMALL, 7, &r),
	    WORKER_EXIT_OK);
	status = rec_end(&r, &error);
	assert_string_equal(status, "ok");
	assert_true(rec_metric(&r, "gflops", &timing) > 0);
	assert_int_equal(timing, 1);
	assert_true(rec_metric(&r, "seconds", NULL) > 0);
	sum1 = rec_metric(&r, "checksum", &timing);
	assert_int_equal(timing, 0);
	err = rec_metric(&r, "max_abs_err", &timing);
	assert_int_equal(timing, 0);
	/* 200 products of numbers in [-1, 1) in float */
	assert_true(err >= 0 && err < 1e-3);

	assert_int_equal(run_unit("builtin:cuda-gemm", GEMM_SMALL, 7, &r),
	    WORKER_EXIT_OK);
	sum2 = rec_metric(&r, "checksum", NULL);
	assert_true(sum1 == sum2);	/* bit for bit */
	assert_int_equal(run_unit("builtin:cuda-gemm", GEMM_SMALL, 8, &r),
	    WORKER_EXIT_OK);
	sum3 = rec_metric(&r, "checksum", NULL);
	assert_true(sum3 != sum1);	/* the seed matters */

	/* n not a multiple of the tile: the edges are right too */
	assert_int_equal(run_unit("builtin:cuda-gemm", "{\"n\":37,\"reps\":1}",
	    3, &r), WORKER_EXIT_OK);
	assert_true(rec_metric(&r, "max_abs_err", NULL) < 1e-4);
	records_clear(&r);
}

#ifdef HAVE_CUDNN
/* cudnn-conv: ok with sane metrics (one stream and several); a batch too
   large for the GPU is "CUDA out of memory". */
static void
test_cudnn_conv(void **unused)
{
	static const char *const params[] = { CONV_SMALL,
	    "{\"batch_size\":6,\"channels\":8,\"out_channels\":16,"
	    "\"size\":20,\"kernel\":5,\"streams\":1,\"iters\":1}" };
	struct records r = { .n = 0 };
	const char *status, *error;
	int timing = -1;
	size_t i;

	for (i = 0; i < sizeof params / sizeof params[0]; i++) {
		assert_int_equal(run_unit("builtin:cudnn-conv", params[i], 5,
		    &r), WORKER_EXIT_OK);
		status = rec_end(&r, &error);
		assert_string_equal(status, "ok");
		assert_true(rec_metric(&r, "images_per_s", &timing) > 0);
		assert_int_equal(timing, 1);
		assert_true(rec_metric(&r, "algo", &timing) >= 0);
		assert_int_equal(timing, 0);
		assert_true(isfinite(rec_metric(&r, "checksum", &timing)));
		assert_int_equal(timing, 1);
	}
	/* 4096 x 1024 x 128 x 128 floats: 256 GiB of input */
	assert_int_equal(run_unit("builtin:cudnn-conv",
	    "{\"batch_size\":4096,\"channels\":1024,\"size\":128,"
	    "\"kernel\":1}", 5, &r), WORKER_EXIT_FAILED);
	status = rec_end(&r, &error);
	assert_string_equal(status, "failed");
	assert_non_null(error);
	assert_non_null(strstr(error, "CUDA out of memory"));
	records_clear(&r);
}
#endif

/* Bad parameters fail before any device is looked for, on any machine. */
static void
test_bad_params(void **unused)
{
	static const char *const bad[][2] = {
		{ "builtin:cuda-gemm", "{\"n\":0}" },
		{ "builtin:cuda-gemm", "{\"reps\":-1}" },
#ifdef HAVE_CUDNN
		{ "builtin:cudnn-conv", "{\"streams\":0}" },
		{ "builtin:cudnn-conv", "{\"batch_size\":4,\"streams\":5}" },
		{ "builtin:cudnn-conv", "{\"size\":8,\"kernel\":9}" },
#endif
	};
	struct records r = { .n = 0 };
	const char *status, *error;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(run_unit(bad[i][0], bad[i][1], 1, &r),
		    WORKER_EXIT_FAILED);
		status = rec_end(&r, &error);
		assert_string_equal(status, "failed");
		assert_non_null(error);
		assert_non_null(strstr(error, "must be"));
	}
	records_clear(&r);
}

/* The tests for any machine, then, when a GPU is usable, the GPU ones;
   exit 77 (automake SKIP) with the reason when none is. */
int
main(void)
{
	const struct CMUnitTest any[] = {
		cmocka_unit_test(test_registered),
		cmocka_unit_test(test_hidden_skips),
		cmocka_unit_test(test_bad_params),
	};
	const struct CMUnitTest gpu[] = {
		cmocka_unit_test(test_cuda_gemm),
#ifdef HAVE_CUDNN
		cmocka_unit_test(test_cudnn_conv),
#endif
	};
	char why[CHAN_TEXT_MAX + 64];

	if (cmocka_run_group_tests_name("any machine", any, NULL, NULL) != 0)
		return 1;
	if (!gpu_usable(why, sizeof why)) {
		printf("SKIP: test-gpu: the GPU tests did not run: %s\n", why);
		return 77;
	}
	return cmocka_run_group_tests_name("with a GPU", gpu, NULL, NULL) != 0;
}
