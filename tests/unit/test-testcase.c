/*
 * test-testcase: the test-case runtime. The gemm kernel (a known product,
 * blocked == naive bit for bit), builtin:gemm's checksum (deterministic,
 * seed-dependent, block-independent) and parameter checks, the registry,
 * the plugin loader's refusals and hello.so, worker_run end to end into a
 * pipe (records parsed back, exit codes, strict parameter types, failures,
 * a dead controller), and `bench worker` argument handling.
 *
 * The plugins are built by make check; without top_builddir in the
 * environment those tests are skipped.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "gemm.h"
#include "plugin.h"
#include "registry.h"
#include "rng.h"
#include "worker.h"
#include "xalloc.h"
#include "banned.h"

extern const struct cmd_entry cmd_worker_entry;

#define MAXREC 256

/* The records one unit wrote, parsed. */
struct records {
	json_t	*rec[MAXREC];
	size_t	 n;
	size_t	 bad;		/* lines that are not JSON objects */
};

/* Drop the parsed records. */
static void
records_clear(struct records *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		json_decref(r->rec[i]);
	r->n = 0;
	r->bad = 0;
}

/* Read fd to EOF and parse every line into r. */
static void
records_read(int fd, struct records *r)
{
	static char buf[1 << 17];
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
		assert_non_null(nl);	/* each record ends with \n */
		*nl = '\0';
		j = json_loads(line, 0, NULL);
		if (j == NULL || !json_is_object(j)) {
			json_decref(j);
			r->bad++;
			continue;
		}
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

/* The value of metric name (must be there exactly once). */
static double
rec_metric(struct records *r, const char *name)
{
	size_t i, found = 0;
	double v = NAN;
	const char *s;

	for (i = 0; i < r->n; i++) {
		if (strcmp(rec_type(r, i), "metric") != 0)
			continue;
		s = json_string_value(json_object_get(r->rec[i], "name"));
		if (strcmp(s, name) == 0) {
			v = json_number_value(json_object_get(r->rec[i],
			    "value"));
			found++;
		}
	}
	assert_int_equal(found, 1);
	return v;
}

/* Whether metric name was reported. */
static int
rec_has_metric(struct records *r, const char *name)
{
	size_t i;
	const char *s;

	for (i = 0; i < r->n; i++) {
		s = json_string_value(json_object_get(r->rec[i], "name"));
		if (strcmp(rec_type(r, i), "metric") == 0 && s != NULL &&
		    strcmp(s, name) == 0)
			return 1;
	}
	return 0;
}

/* Check the framing (start first with pid, end last, metrics between, all
   valid) and return the end status; *error gets the end's error or NULL. */
static const char *
rec_end_pid(struct records *r, pid_t pid, const char **error)
{
	json_t *end, *e;
	size_t i;

	assert_int_equal(r->bad, 0);
	assert_true(r->n >= 2);
	assert_string_equal(rec_type(r, 0), "start");
	assert_true(json_integer_value(json_object_get(r->rec[0], "pid")) ==
	    (json_int_t)pid);
	for (i = 1; i < r->n - 1; i++) {
		/* the worker's own usage comes last, right before the end */
		if (i == r->n - 2 && strcmp(rec_type(r, i), "usage") == 0) {
			assert_true(json_number_value(json_object_get(r->rec[i],
			    "maxrss_kb")) > 0);
			continue;
		}
		assert_string_equal(rec_type(r, i), "metric");
	}
	end = r->rec[r->n - 1];
	assert_string_equal(rec_type(r, r->n - 1), "end");
	e = json_object_get(end, "error");
	*error = e != NULL ? json_string_value(e) : NULL;
	return json_string_value(json_object_get(end, "status"));
}

/* rec_end_pid for a unit run by this process. */
static const char *
rec_end(struct records *r, const char **error)
{
	return rec_end_pid(r, getpid(), error);
}

/* Run one unit (url, or tc when not NULL) into a pipe; parse its records. */
static int
run_unit(const char *url, const struct bench_testcase *tc,
    const char *params, uint64_t seed, struct records *r)
{
	struct worker_unit u = WORKER_UNIT_INIT;
	int p[2], code;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	u.url = url;
	u.params = params;
	u.unit_id = "u-0";
	u.seed = seed;
	u.status_fd = p[1];
	code = tc != NULL ? worker_run_testcase(&u, tc) : worker_run(&u);
	close(p[1]);
	records_clear(r);
	records_read(p[0], r);
	close(p[0]);
	return code;
}

/* $top_builddir/rel, or NULL (skip) when make check did not set it. */
static char *
built_path(const char *rel)
{
	const char *top = getenv("top_builddir");
	char *path;
	struct stat sb;

	if (top == NULL || top[0] == '\0')
		return NULL;
	path = xasprintf("%s/%s", top, rel);
	if (stat(path, &sb) != 0) {
		print_message("%s is missing: make check builds it\n", path);
		free(path);
		return NULL;
	}
	return path;
}

/* A known 2x2 product, with every block size. */
static void
test_gemm_known(void **unused)
{
	const double a[4] = { 1, 2, 3, 4 }, b[4] = { 5, 6, 7, 8 };
	const double want[4] = { 19, 22, 43, 50 };
	double c[4];
	size_t block;

	for (block = 1; block <= 2; block++) {
		memset(c, 0, sizeof c);
		gemm_blocked(2, block, a, b, c);
		assert_memory_equal(c, want, sizeof c);
	}
	/* C += A x B: it accumulates */
	gemm_blocked(2, 2, a, b, c);
	assert_true(c[0] == 38 && c[3] == 100);
}

/* Blocked tiles that do not divide n give the naive product, bit for bit. */
static void
test_gemm_blocked_naive(void **unused)
{
	enum { N = 37 };
	static double a[N * N], b[N * N], c[N * N], want[N * N];
	uint64_t rng = 7;
	size_t i, j, k, blocks[] = { 1, 5, 8, 36, 37 }, bi;

	for (i = 0; i < N * N; i++) {
		a[i] = 2 * rng_unit(&rng) - 1;
		b[i] = 2 * rng_unit(&rng) - 1;
	}
	memset(want, 0, sizeof want);
	for (i = 0; i < N; i++)
		for (k = 0; k < N; k++)
			for (j = 0; j < N; j++)
				want[i * N + j] += a[i * N + k] * b[k * N + j];
	for (bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
		memset(c, 0, sizeof c);
		gemm_blocked(N, blocks[bi], a, b, c);
		assert_memory_equal(c, want, sizeof c);
	}
}

/* The registry finds gemm by name and lists every entry. */
static void
test_registry(void **unused)
{
	const struct bench_testcase *tc;
	const char *name;
	size_t i;

	tc = registry_find("gemm");
	assert_non_null(tc);
	assert_string_equal(tc->name, "gemm");
	assert_int_equal(tc->abi_version, BENCH_TESTCASE_ABI_VERSION);
	assert_non_null(tc->run);
	assert_null(registry_find("builtin:gemm"));
	assert_null(registry_find("nope"));
	assert_null(registry_find(NULL));
	assert_true(registry_count() >= 1);
	assert_false(registry_known("nope"));
	assert_null(registry_plugin("gemm"));
	for (i = 0; i < registry_count(); i++) {
		name = registry_name(i);
		assert_true(registry_known(name));
		/* compiled in, or a plugin: one or the other */
		if (registry_plugin(name) != NULL)
			assert_null(registry_find(name));
		else
			assert_string_equal(registry_find(name)->name, name);
	}
	assert_null(registry_name(registry_count()));
}

/* builtin:gemm: checksum a function of seed and n, not of the block size;
   timing metrics present and marked. */
static void
test_gemm_checksum(void **unused)
{
	struct records r = { .n = 0 };
	const char *error;
	double c1, c2, c3, c4;
	size_t i;

	assert_int_equal(run_unit("builtin:gemm", NULL,
	    "{\"n\":37,\"block\":8}", 1, &r), WORKER_EXIT_OK);
	assert_string_equal(rec_end(&r, &error), "ok");
	assert_null(error);
	c1 = rec_metric(&r, "checksum");
	assert_true(isfinite(c1) && c1 != 0);
	assert_true(rec_metric(&r, "gflops") > 0);
	assert_true(rec_metric(&r, "seconds") > 0);
	for (i = 1; i < r.n - 1; i++) {
		const char *name = json_string_value(json_object_get(r.rec[i],
		    "name"));
		json_t *timing = json_object_get(r.rec[i], "timing");

		if (strcmp(rec_type(&r, i), "usage") == 0)
			continue;
		if (strcmp(name, "checksum") == 0)
			assert_false(json_is_true(timing));
		else
			assert_true(json_is_true(timing));
	}

	assert_int_equal(run_unit("builtin:gemm", NULL,
	    "{\"n\":37,\"block\":8}", 1, &r), 0);
	c2 = rec_metric(&r, "checksum");
	assert_true(c1 == c2);		/* bit for bit, through JSON */

	assert_int_equal(run_unit("builtin:gemm", NULL,
	    "{\"n\":37,\"block\":5,\"reps\":2}", 1, &r), 0);
	c3 = rec_metric(&r, "checksum");
	assert_true(c1 == c3);

	assert_int_equal(run_unit("builtin:gemm", NULL,
	    "{\"n\":37,\"block\":8}", 2, &r), 0);
	c4 = rec_metric(&r, "checksum");
	assert_true(c1 != c4);

	/* n alone: block defaults to min(32, n) */
	assert_int_equal(run_unit("builtin:gemm", NULL, "{\"n\":3}", 1, &r),
	    0);
	assert_string_equal(rec_end(&r, &error), "ok");
	records_clear(&r);
}

/* builtin:gemm refuses bad parameters: failed, exit 1, the reason. */
static void
test_gemm_params(void **unused)
{
	static const struct {
		const char	*params;
		const char	*needle;
	} bad[] = {
		{ "{\"n\":0}", "n must be 1..8192" },
		{ "{\"n\":8193}", "n must be 1..8192" },
		{ "{\"n\":4,\"block\":5}", "block must be 1..n" },
		{ "{\"n\":4,\"block\":0}", "block must be 1..n" },
		{ "{\"n\":4,\"reps\":0}", "reps must be" },
		{ "{\"n\":\"big\"}", "parameter 'n' of test case 'gemm' must "
		    "be an integer, not a string" },
		{ "{\"n\":2.5}", "must be an integer, not a non-integer" },
		{ "{\"block\":true}", "'block'" },
	};
	struct records r = { .n = 0 };
	const char *error;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(run_unit("builtin:gemm", NULL, bad[i].params,
		    1, &r), WORKER_EXIT_FAILED);
		assert_string_equal(rec_end(&r, &error), "failed");
		assert_non_null(error);
		if (strstr(error, bad[i].needle) == NULL)
			fail_msg("%s: error '%s' lacks '%s'", bad[i].params,
			    error, bad[i].needle);
		assert_false(rec_has_metric(&r, "checksum"));
	}
	/* a real with an integer value is an integer; an undeclared
	   parameter is only a warning */
	assert_int_equal(run_unit("builtin:gemm", NULL,
	    "{\"n\":4.0,\"lr\":0.1}", 1, &r), WORKER_EXIT_OK);
	assert_string_equal(rec_end(&r, &error), "ok");
	records_clear(&r);
}

/* What the probe test case saw. */
static struct {
	int	 rc_int[8];
	int64_t	 v_int[8];
	int	 rc_real[4];
	double	 v_real[4];
	int	 rc_str[3];
	const char *v_str;
	int	 rc_bool[3];
	int	 v_bool;
	char	 unit_id[32], testcase[32], workspace[32];
	uint64_t seed;
	unsigned part, nparts, rep;
	int	 setups, runs, teardowns;
} probe;

/* What the probe test case does in run. */
static enum {
	PROBE_LOOKUPS, PROBE_NAN, PROBE_FAIL, PROBE_SKIP, PROBE_SILENT_FAIL,
	PROBE_BAD_RET, PROBE_LONG_NAME, PROBE_CLOSE_PIPE,
} probe_mode;
static int probe_setup_ret;
static int probe_pipe_read = -1;

/* Probe setup: counts, and returns what it is told to. */
static int
probe_setup(struct bench_ctx *ctx, void **state)
{
	probe.setups++;
	*state = &probe;
	if (probe_setup_ret == BENCH_FAILED)
		bench_fail(ctx, "setup says no");
	return probe_setup_ret;
}

/* Probe run: exercises the context as probe_mode says. */
static int
probe_run(struct bench_ctx *ctx, void *state)
{
	static const char *const ints[8] = { "i", "r_int", "r_frac", "s",
	    "absent", "b", "big", "neg" };
	static const char *const reals[4] = { "i", "r_frac", "s", "b" };
	static const char *const strs[3] = { "s", "i", "absent" };
	static const char *const bools[3] = { "b", "i", "s" };
	char name[200];
	size_t i;

	assert_ptr_equal(state, &probe);
	probe.runs++;
	switch (probe_mode) {
	case PROBE_LOOKUPS:
		for (i = 0; i < 8; i++)
			probe.rc_int[i] = ctx->param_int(ctx, ints[i],
			    &probe.v_int[i]);
		for (i = 0; i < 4; i++)
			probe.rc_real[i] = ctx->param_real(ctx, reals[i],
			    &probe.v_real[i]);
		for (i = 0; i < 3; i++)
			probe.rc_str[i] = ctx->param_string(ctx, strs[i],
			    &probe.v_str);
		ctx->param_string(ctx, "s", &probe.v_str);
		probe.v_str = xstrdup(probe.v_str);
		for (i = 0; i < 3; i++)
			probe.rc_bool[i] = ctx->param_bool(ctx, bools[i],
			    &probe.v_bool);
		ctx->param_bool(ctx, "b", &probe.v_bool);
		snprintf(probe.unit_id, sizeof probe.unit_id, "%s",
		    ctx->unit_id);
		snprintf(probe.testcase, sizeof probe.testcase, "%s",
		    ctx->testcase);
		snprintf(probe.workspace, sizeof probe.workspace, "%s",
		    ctx->workspace);
		probe.seed = ctx->seed;
		probe.part = ctx->part;
		probe.nparts = ctx->nparts;
		probe.rep = ctx->rep;
		assert_int_equal(ctx->abi_version, BENCH_TESTCASE_ABI_VERSION);
		assert_true(ctx->now() <= ctx->now());
		bench_log(ctx, "probe log line %d\n", 1);
		bench_report(ctx, "answer", 42);
		bench_report_timing(ctx, "speed", 1.5);
		return BENCH_OK;
	case PROBE_NAN:
		bench_report(ctx, "before", 1);
		bench_report(ctx, "loss", NAN);
		bench_report(ctx, "after", 2);
		return BENCH_OK;
	case PROBE_FAIL:
		bench_fail(ctx, "out of %s", "coffee");
		bench_fail(ctx, "second reason");
		return BENCH_FAILED;
	case PROBE_SKIP:
		bench_skip(ctx, "no %s here", "GPU");
		return BENCH_SKIPPED;
	case PROBE_SILENT_FAIL:
		return BENCH_FAILED;
	case PROBE_BAD_RET:
		return 7;
	case PROBE_LONG_NAME:
		memset(name, 'x', sizeof name - 1);
		name[sizeof name - 1] = '\0';
		bench_report(ctx, name, 1);
		bench_report(ctx, "", 1);
		return BENCH_OK;
	case PROBE_CLOSE_PIPE:
		close(probe_pipe_read);	/* the controller dies */
		probe_pipe_read = -1;
		bench_report(ctx, "lost", 1);
		bench_report(ctx, "lost2", 1);
		return BENCH_OK;
	}
	return BENCH_OK;
}

/* Probe teardown: counts. */
static void
probe_teardown(struct bench_ctx *ctx, void *state)
{
	assert_ptr_equal(state, &probe);
	probe.teardowns++;
}

static const struct bench_testcase probe_tc = {
	.abi_version = BENCH_TESTCASE_ABI_VERSION,
	.name = "probe",
	.params = NULL,		/* nothing declared: nothing checked */
	.setup = probe_setup,
	.run = probe_run,
	.teardown = probe_teardown,
};

/* Reset the probe for a new unit in mode m. */
static void
probe_reset(int m)
{
	memset(&probe, 0, sizeof probe);
	probe_mode = m;
	probe_setup_ret = BENCH_OK;
}

/* The lookups are strict about JSON types; the context is filled in. */
static void
test_param_types(void **unused)
{
	struct worker_unit u = WORKER_UNIT_INIT;
	struct records r = { .n = 0 };
	const char *error;
	int p[2];

	probe_reset(PROBE_LOOKUPS);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	u.url = "probe";
	u.params = "{\"i\":3,\"r_int\":-4.0,\"r_frac\":2.5,\"s\":\"text\","
	    "\"b\":true,\"big\":1e300,\"neg\":-9223372036854775808}";
	u.unit_id = "u-17";
	u.testcase = "algo-1";
	u.workspace = "/tmp/ws";
	u.seed = UINT64_MAX;
	u.part = 2;
	u.nparts = 3;
	u.rep = 4;
	u.status_fd = p[1];
	assert_int_equal(worker_run_testcase(&u, &probe_tc), WORKER_EXIT_OK);
	close(p[1]);
	records_read(p[0], &r);
	close(p[0]);
	assert_string_equal(rec_end(&r, &error), "ok");
	assert_true(rec_metric(&r, "answer") == 42);
	assert_true(rec_metric(&r, "speed") == 1.5);

	/* int: integers and integral reals only */
	assert_int_equal(probe.rc_int[0], 0);
	assert_int_equal(probe.v_int[0], 3);
	assert_int_equal(probe.rc_int[1], 0);
	assert_int_equal(probe.v_int[1], -4);
	assert_int_equal(probe.rc_int[2], -1);
	assert_int_equal(probe.rc_int[3], -1);
	assert_int_equal(probe.rc_int[4], -1);
	assert_int_equal(probe.rc_int[5], -1);
	assert_int_equal(probe.rc_int[6], -1);	/* 1e300 does not fit */
	assert_int_equal(probe.rc_int[7], 0);
	assert_true(probe.v_int[7] == INT64_MIN);
	/* real: any number */
	assert_int_equal(probe.rc_real[0], 0);
	assert_true(probe.v_real[0] == 3.0);
	assert_int_equal(probe.rc_real[1], 0);
	assert_true(probe.v_real[1] == 2.5);
	assert_int_equal(probe.rc_real[2], -1);
	assert_int_equal(probe.rc_real[3], -1);
	/* string: strings only */
	assert_int_equal(probe.rc_str[0], 0);
	assert_int_equal(probe.rc_str[1], -1);
	assert_int_equal(probe.rc_str[2], -1);
	assert_string_equal(probe.v_str, "text");
	free((char *)probe.v_str);
	/* bool: true/false only */
	assert_int_equal(probe.rc_bool[0], 0);
	assert_int_equal(probe.rc_bool[1], -1);
	assert_int_equal(probe.rc_bool[2], -1);
	assert_int_equal(probe.v_bool, 1);
	/* the context */
	assert_string_equal(probe.unit_id, "u-17");
	assert_string_equal(probe.testcase, "algo-1");
	assert_string_equal(probe.workspace, "/tmp/ws");
	assert_true(probe.seed == UINT64_MAX);
	assert_int_equal(probe.part, 2);
	assert_int_equal(probe.nparts, 3);
	assert_int_equal(probe.rep, 4);
	assert_int_equal(probe.setups, 1);
	assert_int_equal(probe.runs, 1);
	assert_int_equal(probe.teardowns, 1);
	records_clear(&r);
}

/* Failures, skips and bad metrics end the unit as they should. */
static void
test_worker_outcomes(void **unused)
{
	struct records r = { .n = 0 };
	const char *error;

	/* a non-finite metric fails the unit, named; it is not written */
	probe_reset(PROBE_NAN);
	assert_int_equal(run_unit(NULL, &probe_tc, NULL, 1, &r),
	    WORKER_EXIT_FAILED);
	assert_string_equal(rec_end(&r, &error), "failed");
	assert_non_null(strstr(error, "metric 'loss' is not finite"));
	assert_false(rec_has_metric(&r, "loss"));
	assert_true(rec_metric(&r, "before") == 1);
	assert_int_equal(probe.teardowns, 1);

	/* the first reason given is the one reported */
	probe_reset(PROBE_FAIL);
	assert_int_equal(run_unit(NULL, &probe_tc, "{}", 1, &r), 1);
	assert_string_equal(rec_end(&r, &error), "failed");
	assert_string_equal(error, "out of coffee");

	probe_reset(PROBE_SILENT_FAIL);
	assert_int_equal(run_unit(NULL, &probe_tc, "{}", 1, &r), 1);
	assert_string_equal(rec_end(&r, &error), "failed");
	assert_non_null(strstr(error, "without saying why"));

	probe_reset(PROBE_BAD_RET);
	assert_int_equal(run_unit(NULL, &probe_tc, "{}", 1, &r), 1);
	assert_string_equal(rec_end(&r, &error), "failed");
	assert_non_null(strstr(error, "returned 7"));

	probe_reset(PROBE_SKIP);
	assert_int_equal(run_unit(NULL, &probe_tc, "{}", 1, &r), 0);
	assert_string_equal(rec_end(&r, &error), "skipped");
	assert_string_equal(error, "no GPU here");

	probe_reset(PROBE_LONG_NAME);
	assert_int_equal(run_unit(NULL, &probe_tc, "{}", 1, &r), 1);
	assert_string_equal(rec_end(&r, &error), "failed");
	assert_non_null(strstr(error, "longer than 128 bytes"));
	assert_int_equal(r.n, 3);	/* start, usage, end */

	/* setup fails or skips: neither run nor teardown */
	probe_reset(PROBE_LOOKUPS);
	probe_setup_ret = BENCH_FAILED;
	assert_int_equal(run_unit(NULL, &probe_tc, "{}", 1, &r), 1);
	assert_string_equal(rec_end(&r, &error), "failed");
	assert_string_equal(error, "setup says no");
	assert_int_equal(probe.runs, 0);
	assert_int_equal(probe.teardowns, 0);

	probe_reset(PROBE_LOOKUPS);
	probe_setup_ret = BENCH_SKIPPED;
	assert_int_equal(run_unit(NULL, &probe_tc, "{}", 1, &r), 0);
	assert_string_equal(rec_end(&r, &error), "skipped");
	assert_non_null(strstr(error, "without saying why"));
	assert_int_equal(probe.runs, 0);
	records_clear(&r);
}

/* Bad arguments: exit 2, with a failed end record when the fd works. */
static void
test_worker_bad_args(void **unused)
{
	struct worker_unit u = WORKER_UNIT_INIT;
	struct records r = { .n = 0 };
	const char *error;

	assert_int_equal(run_unit("builtin:gemm", NULL, "{not json", 1, &r),
	    WORKER_EXIT_USAGE);
	assert_string_equal(rec_end(&r, &error), "failed");
	assert_non_null(strstr(error, "params: invalid JSON"));

	assert_int_equal(run_unit("builtin:gemm", NULL, "[1,2]", 1, &r),
	    WORKER_EXIT_USAGE);
	assert_string_equal(rec_end(&r, &error), "failed");
	assert_non_null(strstr(error, "not a JSON object"));

	assert_int_equal(run_unit("", NULL, "{}", 1, &r), WORKER_EXIT_USAGE);
	assert_string_equal(rec_end(&r, &error), "failed");

	/* no usable status fd: nothing can be written */
	u.url = "builtin:gemm";
	u.unit_id = "u";
	u.status_fd = -1;
	assert_int_equal(worker_run(&u), WORKER_EXIT_USAGE);
	u.status_fd = 1000;
	assert_int_equal(worker_run(&u), WORKER_EXIT_USAGE);
	records_clear(&r);
}

/* A test case that cannot be opened: exit 3, the reason in the end. */
static void
test_worker_open_fails(void **unused)
{
	struct records r = { .n = 0 };
	const char *error;

	assert_int_equal(run_unit("builtin:nope", NULL, "{}", 1, &r),
	    WORKER_EXIT_OPEN);
	assert_string_equal(rec_end(&r, &error), "failed");
	assert_non_null(strstr(error, "unknown test case 'builtin:nope'"));
	assert_non_null(strstr(error, "gemm"));

	assert_int_equal(run_unit("/nonexistent/p.so", NULL, NULL, 1, &r),
	    WORKER_EXIT_OPEN);
	assert_string_equal(rec_end(&r, &error), "failed");
	assert_non_null(strstr(error, "No such file"));
	records_clear(&r);
}

/* The controller is gone: EPIPE stops the worker with exit 1. */
static void
test_worker_epipe(void **unused)
{
	struct worker_unit u = WORKER_UNIT_INIT;
	int p[2];

	/* gone before the start record */
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	u.url = "builtin:gemm";
	u.params = "{\"n\":2}";
	u.unit_id = "u";
	u.status_fd = p[1];
	assert_int_equal(worker_run(&u), WORKER_EXIT_FAILED);
	close(p[1]);

	/* gone during run: teardown still runs, no end, exit 1 */
	probe_reset(PROBE_CLOSE_PIPE);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	probe_pipe_read = p[0];
	u.status_fd = p[1];
	assert_int_equal(worker_run_testcase(&u, &probe_tc),
	    WORKER_EXIT_FAILED);
	assert_int_equal(probe.runs, 1);
	assert_int_equal(probe.teardowns, 1);
	close(p[1]);
}

/* The loader's refusals, each with a reason that says what to do. */
static void
test_plugin_errors(void **unused)
{
	const struct bench_testcase *tc;
	void *h;
	char *cause = NULL, path[] = "/tmp/test-testcase-XXXXXX";
	int fd;

	assert_int_equal(testcase_open("/nonexistent/x.so", &tc, &h, &cause),
	    -1);
	assert_null(tc);
	assert_null(h);
	assert_string_equal(cause,
	    "plugin '/nonexistent/x.so': No such file or directory");
	free(cause);

	assert_int_equal(testcase_open("builtin:nope", &tc, &h, &cause), -1);
	assert_non_null(strstr(cause, "(built-in: gemm"));
	free(cause);

	assert_int_equal(testcase_open("", &tc, &h, &cause), -1);
	free(cause);

	assert_int_equal(testcase_open("/tmp", &tc, &h, &cause), -1);
	assert_non_null(strstr(cause, "is a directory"));
	free(cause);

	/* not an ELF file: dlerror's text */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "this is not a shared object, at all, "
	    "not even close to one; just text that goes on for a while\n",
	    96), 96);
	close(fd);
	assert_int_equal(testcase_open(path, &tc, &h, &cause), -1);
	assert_null(h);
	assert_non_null(strstr(cause, "cannot load plugin"));
	assert_non_null(strstr(cause, "ELF"));
	free(cause);
	unlink(path);

	/* builtin */
	assert_int_equal(testcase_open("builtin:gemm", &tc, &h, &cause), 0);
	assert_ptr_equal(tc, registry_find("gemm"));
	assert_null(h);
	testcase_close(h);
}

/* The helper plugins make check builds: wrong ABI, no entry symbol. */
static void
test_plugin_broken(void **unused)
{
	const struct bench_testcase *tc;
	char *badabi, *nosym, *cause = NULL, *want;
	void *h;

	badabi = built_path("tests/helper/badabi.so");
	nosym = built_path("tests/helper/nosym.so");
	if (badabi == NULL || nosym == NULL) {
		free(badabi);
		free(nosym);
		skip();
	}
	assert_int_equal(testcase_open(badabi, &tc, &h, &cause), -1);
	assert_null(tc);
	assert_null(h);
	want = xasprintf("plugin '%s' was built for test-case ABI 99, this "
	    "bench speaks 1: rebuild it against bench/testcase.h", badabi);
	assert_string_equal(cause, want);
	free(want);
	free(cause);

	assert_int_equal(testcase_open(nosym, &tc, &h, &cause), -1);
	assert_non_null(strstr(cause, "does not export bench_testcase_v1"));
	free(cause);
	free(badabi);
	free(nosym);
}

/* The example plugin loads and runs: deterministic, seed-dependent. */
static void
test_plugin_hello(void **unused)
{
	const struct bench_testcase *tc;
	struct records r = { .n = 0 };
	const char *error;
	char *hello, *cause = NULL;
	double s1, s2, s3;
	void *h;

	hello = built_path("examples/plugin/hello.so");
	if (hello == NULL)
		skip();
	assert_int_equal(testcase_open(hello, &tc, &h, &cause), 0);
	assert_non_null(h);
	assert_string_equal(tc->name, "hello");
	assert_non_null(tc->merge);
	testcase_close(h);

	assert_int_equal(run_unit(hello, NULL, "{\"count\":500}", 1, &r), 0);
	assert_string_equal(rec_end(&r, &error), "ok");
	assert_true(rec_metric(&r, "count") == 500);
	s1 = rec_metric(&r, "sum");
	assert_true(s1 > 0 && s1 < 500 * 1000);
	assert_int_equal(run_unit(hello, NULL, "{\"count\":500}", 1, &r), 0);
	s2 = rec_metric(&r, "sum");
	assert_int_equal(run_unit(hello, NULL, "{\"count\":500}", 9, &r), 0);
	s3 = rec_metric(&r, "sum");
	assert_true(s1 == s2);
	assert_true(s1 != s3);

	/* declared as an integer: a string is refused */
	assert_int_equal(run_unit(hello, NULL, "{\"count\":\"x\"}", 1, &r), 1);
	assert_string_equal(rec_end(&r, &error), "failed");
	records_clear(&r);
	free(hello);
}

/* Run `bench worker ARGS` (NULL-terminated) in a child with fd 1 on a pipe
   and no BENCH_STATUS_FD; return its exit code, *pid and its records. */
static int
cmd_worker_child(const char *const *args, pid_t *child, struct records *r)
{
	char **argv;
	int p[2], status, argc, i;
	pid_t pid;

	for (argc = 0; args[argc] != NULL; argc++)
		;
	argv = xcalloc((size_t)argc + 1, sizeof *argv);
	for (i = 0; i < argc; i++)
		argv[i] = xstrdup(args[i]);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (dup2(p[1], STDOUT_FILENO) == -1)
			_exit(99);
		unsetenv("BENCH_STATUS_FD");
		status = cmd_worker_entry.exec(argc, argv);
		/* stray output after the move: must not reach the pipe
		   (without the move, as after bad arguments, it would) */
		if (status == 0) {
			printf("stray output\n");
			fflush(stdout);
		}
		_exit(status);
	}
	close(p[1]);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	records_clear(r);
	records_read(p[0], r);
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1)
		assert_int_equal(errno, EINTR);
	assert_true(WIFEXITED(status));
	*child = pid;
	return WEXITSTATUS(status);
}

/* bench worker: arguments, the status fd on stdout, exit codes. */
static void
test_cmd_worker(void **unused)
{
	static const char *const ok[] = { "worker", "--url", "builtin:gemm",
	    "--unit", "u-1", "--params", "{\"n\":5}", "--seed",
	    "18446744073709551615", "--part", "0", "--nparts", "1", "--rep",
	    "0", "--workspace", "/tmp", "--testcase", "algo", NULL };
	static const char *const bad[][12] = {
		{ "worker", "--url", "builtin:gemm", "--unit", "u", "--seed",
		    "-1", NULL },
		{ "worker", "--url", "builtin:gemm", "--unit", "u", "--seed",
		    "18446744073709551616", NULL },
		{ "worker", "--url", "builtin:gemm", "--unit", "u", "--seed",
		    "12x", NULL },
		{ "worker", "--url", "builtin:gemm", "--unit", "u", NULL },
		{ "worker", "--unit", "u", "--seed", "1", NULL },
		{ "worker", "--url", "builtin:gemm", "--unit", "u", "--seed",
		    "1", "--part", "2", "--nparts", "2", NULL },
		{ "worker", "--url", "builtin:gemm", "--unit", "u", "--seed",
		    "1", "--status-fd", "999", NULL },
		{ "worker", "--url", "builtin:gemm", "--unit", "u", "--seed",
		    "1", "stray", NULL },
		{ "worker", "--url", "builtin:gemm", "--unit", "u", "--seed",
		    "1", "--bogus", NULL },
	};
	static const char *const unknown[] = { "worker", "--url",
	    "builtin:nope", "--unit", "u", "--seed", "1", NULL };
	struct records r = { .n = 0 };
	const char *error;
	pid_t pid;
	size_t i;

	assert_int_equal(cmd_worker_child(ok, &pid, &r), 0);
	assert_string_equal(rec_end_pid(&r, pid, &error), "ok");
	assert_true(isfinite(rec_metric(&r, "checksum")));

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (cmd_worker_child(bad[i], &pid, &r) != 2)
			fail_msg("bad args %zu: exit code not 2", i);
		assert_int_equal(r.n + r.bad, 0);
	}

	assert_int_equal(cmd_worker_child(unknown, &pid, &r), 3);
	assert_string_equal(rec_end_pid(&r, pid, &error), "failed");
	records_clear(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gemm_known),
		cmocka_unit_test(test_gemm_blocked_naive),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_gemm_checksum),
		cmocka_unit_test(test_gemm_params),
		cmocka_unit_test(test_param_types),
		cmocka_unit_test(test_worker_outcomes),
		cmocka_unit_test(test_worker_bad_args),
		cmocka_unit_test(test_worker_open_fails),
		cmocka_unit_test(test_worker_epipe),
		cmocka_unit_test(test_plugin_errors),
		cmocka_unit_test(test_plugin_broken),
		cmocka_unit_test(test_plugin_hello),
		cmocka_unit_test(test_cmd_worker),
	};

	signal(SIGPIPE, SIG_IGN);	/* as bench's main does */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
