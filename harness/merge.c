/*
 * merge: test-case metrics from unit metrics (see merge.h).
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "err.h"
#include "job.h"
#include "merge.h"
#include "plugin.h"
#include "spawn.h"
#include "xalloc.h"
#include "banned.h"

/* What a test case's merge() sees: the units of one repetition. */
struct merge_rep {
	json_t *const	*unit_metrics;	/* per job unit */
	const size_t	*units;		/* job unit indices, part order */
	json_t		*out;		/* name -> [value, timing] */
	char		*error;
};

/* The mean of each metric every object has. */
json_t *
merge_mean(json_t *const *objs, size_t n)
{
	json_t *out = json_object(), *m, *v;
	const char *name;
	double sum;
	int timing;
	size_t i;

	if (n == 0)
		return out;
	json_object_foreach(objs[0], name, m) {
		sum = 0;
		timing = 0;
		for (i = 0; i < n; i++) {
			if ((v = json_object_get(objs[i], name)) == NULL)
				break;
			sum += json_real_value(json_array_get(v, 0));
			timing |= json_is_true(json_array_get(v, 1));
		}
		if (i < n)
			continue;	/* not reported by every one */
		json_object_set_new(out, name, json_pack("[f,b]",
		    n == 1 ? sum : sum / (double)n, timing));
	}
	return out;
}

/* bench_merge_ctx.unit_metric */
static int
merge_unit_metric(struct bench_merge_ctx *ctx, size_t i, const char *name,
    double *out)
{
	struct merge_rep *mr = ctx->bench_private;
	json_t *v;

	if (i >= ctx->nunits)
		return -1;
	v = json_object_get(mr->unit_metrics[mr->units[i]], name);
	if (v == NULL)
		return -1;
	*out = json_real_value(json_array_get(v, 0));
	return 0;
}

/* bench_merge_ctx.report */
static void
merge_report(struct bench_merge_ctx *ctx, const char *name, double value,
    int timing)
{
	struct merge_rep *mr = ctx->bench_private;

	if (name == NULL || *name == '\0' || !isfinite(value)) {
		if (mr->error == NULL)
			mr->error = xasprintf("merge reported a bad metric "
			    "'%s'", name != NULL ? name : "");
		return;
	}
	json_object_set_new(mr->out, name, json_pack("[f,b]", value, timing));
}

/* bench_merge_ctx.fail */
static void
merge_fail(struct bench_merge_ctx *ctx, const char *fmt, ...)
{
	struct merge_rep *mr = ctx->bench_private;
	va_list ap;

	if (mr->error != NULL)
		return;
	va_start(ap, fmt);
	mr->error = xvasprintf(fmt, ap);
	va_end(ap);
}

/* One repetition through the test case's merge(). */
static json_t *
merge_by_testcase(const struct bench_testcase *desc, const char *name,
    struct merge_rep *mr, size_t nunits, merge_warn_cb warn, void *data)
{
	struct bench_merge_ctx mctx;
	char *msg;

	memset(&mctx, 0, sizeof mctx);
	mr->out = json_object();
	mr->error = NULL;
	mctx.abi_version = BENCH_TESTCASE_ABI_VERSION;
	mctx.testcase = name;
	mctx.nunits = nunits;
	mctx.unit_metric = merge_unit_metric;
	mctx.report = merge_report;
	mctx.fail = merge_fail;
	mctx.bench_private = mr;
	if (desc->merge(&mctx) != BENCH_OK || mr->error != NULL) {
		msg = xasprintf("merge of test case '%s' failed: %s", name,
		    mr->error != NULL ? mr->error : "no reason given");
		warn(msg, data);
		free(msg);
		json_decref(mr->out);
		mr->out = json_object();
	}
	free(mr->error);
	mr->error = NULL;
	return mr->out;
}

/* The url of a test case for `bench worker --url`. */
static char *
merge_url(const struct job_testcase *tc)
{
	return tc->runner == JOB_RUNNER_BUILTIN ?
	    xasprintf("builtin:%s", tc->url) : xstrdup(tc->url);
}

/*
 * The units' metrics by measured repetition (after the warm-up ones), in
 * part order: grid[r * nparts + k] for k < (*count)[r]. One pass over the
 * test case's units, so a test case of many repetitions costs what it has.
 */
static json_t **
merge_group(const struct job *job, const struct job_testcase *tc,
    unsigned nparts, unsigned nreps, json_t *const *um, size_t **count)
{
	json_t **grid = xcalloc((size_t)nreps * nparts + 1, sizeof *grid);
	size_t *n = xcalloc(nreps + 1, sizeof *n), i;
	unsigned warm = (unsigned)job_settings(job)->warmup, r;
	const struct job_unit *u;

	for (i = 0; i < tc->nunits; i++) {
		u = job_unit(job, tc->first_unit + i);
		if (u->warmup || u->rep < warm)
			continue;
		r = u->rep - warm;
		if (r < nreps && n[r] < nparts)
			grid[(size_t)r * nparts + n[r]++] = um[u->index];
	}
	*count = n;
	return grid;
}

/* The worker's input: every repetition's part metrics, in part order. */
static json_t *
merge_input(const struct job *job, const struct job_testcase *tc,
    unsigned nparts, unsigned nreps, json_t *const *um)
{
	json_t *reps = json_array(), *a, **grid, *p;
	size_t *count, i;
	unsigned r;

	grid = merge_group(job, tc, nparts, nreps, um, &count);
	for (r = 0; r < nreps; r++) {
		a = json_array();
		for (i = 0; i < count[r]; i++) {
			p = grid[(size_t)r * nparts + i];
			json_array_append_new(a, p != NULL ? json_incref(p) :
			    json_object());
		}
		json_array_append_new(reps, a);
	}
	free(grid);
	free(count);
	return json_pack("{s:o}", "reps", reps);
}

/* Wait for the merge worker, killing it after the time limit: its wait
   status, or -1 when it had to be killed. */
static int
merge_wait(pid_t pid, double timeout_s)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int status = 0, waited;

	for (waited = 0; (double)waited * 0.01 < timeout_s; waited++) {
		if (spawn_finish(pid, SPAWN_NOHANG, &status, NULL) !=
		    SPAWN_RUNNING)
			return status;
		nanosleep(&ts, NULL);
	}
	killpg(pid, SIGKILL);
	spawn_finish(pid, 0, &status, NULL);
	return -1;
}

/* Run `bench worker --merge` on in, its answer in out. NULL with *why. */
static json_t *
merge_run_worker(const struct merge_env *env, const struct job_testcase *tc,
    const char *in, const char *out, char **why)
{
	char *url = merge_url(tc), *cause = NULL;
	char *argv[] = { (char *)env->self_exe, (char *)"worker",
	    (char *)"--merge", (char *)in, (char *)"--merge-out", (char *)out,
	    (char *)"--url", url, (char *)"--testcase", tc->name, NULL };
	struct spawn_opts so = SPAWN_OPTS_INIT;
	json_t *res = NULL;
	json_error_t jerr;
	pid_t pid;
	int st;

	so.argv = argv;
	if (spawn_start(&so, &pid, &cause) != 0) {
		*why = cause;
		free(url);
		return NULL;
	}
	free(url);
	st = merge_wait(pid, env->timeout_s);
	if (st < 0)
		*why = xasprintf("the merge worker ran past %gs and was "
		    "killed", env->timeout_s);
	else if (WIFSIGNALED(st))
		*why = xasprintf("the merge worker was killed by signal %d "
		    "(%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st) != 0)
		*why = xasprintf("the merge worker exited %d", WEXITSTATUS(st));
	else if ((res = json_load_file(out, 0, &jerr)) == NULL ||
	    !json_is_array(json_object_get(res, "reps")))
		*why = xasprintf("the merge worker's answer is not valid: %s",
		    res == NULL ? jerr.text : "no reps");
	if (*why != NULL) {
		json_decref(res);
		res = NULL;
	}
	return res;
}

/* The mean over the repetitions of the worker's answer. */
static json_t *
merge_answer(json_t *res, unsigned nreps, char **why)
{
	json_t *reps = json_object_get(res, "reps"), **objs, *out;
	size_t i;

	if (json_array_size(reps) != nreps) {
		*why = xasprintf("the merge worker answered %zu repetitions, "
		    "not %u", json_array_size(reps), nreps);
		return json_object();
	}
	objs = xcalloc(nreps + 1, sizeof *objs);
	for (i = 0; i < nreps; i++) {
		objs[i] = json_array_get(reps, i);
		if (!json_is_object(objs[i])) {
			*why = xstrdup("the merge worker's answer is not "
			    "valid: a repetition is not an object");
			free(objs);
			return json_object();
		}
	}
	out = merge_mean(objs, nreps);
	free(objs);
	return out;
}

/* Merge the repetitions through the test case's merge() in a worker. */
static json_t *
merge_in_worker(const struct job *job, const struct job_testcase *tc,
    unsigned nparts, unsigned nreps, json_t *const *um,
    const struct merge_env *env, merge_warn_cb warn, void *data)
{
	size_t t = job_testcase_index(job, tc);
	char *in = xasprintf("%s/merge-%zu.in.json", env->dir, t);
	char *out = xasprintf("%s/merge-%zu.out.json", env->dir, t);
	char *why = NULL, *msg;
	json_t *input, *res = NULL, *e, *merged;
	size_t i;

	input = merge_input(job, tc, nparts, nreps, um);
	if (json_dump_file(input, in, JSON_COMPACT) != 0)
		why = xasprintf("cannot write '%s'", in);
	json_decref(input);
	if (why == NULL)
		res = merge_run_worker(env, tc, in, out, &why);
	json_array_foreach(json_object_get(res, "errors"), i, e)
		warn(json_string_value(e), data);
	merged = res != NULL ? merge_answer(res, nreps, &why) : json_object();
	json_decref(res);
	unlink(in);
	unlink(out);
	free(in);
	free(out);
	if (why != NULL) {
		msg = xasprintf("merge of test case '%s' failed: %s", tc->name,
		    why);
		warn(msg, data);
		free(msg);
		free(why);
	}
	return merged;
}

/* A test case's metrics. */
json_t *
merge_testcase(const struct job *job, size_t tci, json_t *const *um,
    const struct merge_env *env, merge_warn_cb warn, void *data)
{
	const struct job_testcase *tc = job_testcase(job, tci);
	unsigned nparts = job_unit(job, tc->first_unit)->nparts, nreps, r;
	json_t **reps, **grid, *res;
	size_t *count;

	/* warm-up repetitions come first (rep < warmup) and merge as none */
	nreps = (unsigned)(tc->nunits / nparts);
	if (nreps > (unsigned)job_settings(job)->warmup)
		nreps -= (unsigned)job_settings(job)->warmup;
	if (nparts > 1 && tc->runner != JOB_RUNNER_COMMAND)
		return merge_in_worker(job, tc, nparts, nreps, um, env, warn,
		    data);
	reps = xcalloc(nreps + 1, sizeof *reps);
	grid = merge_group(job, tc, nparts, nreps, um, &count);
	for (r = 0; r < nreps; r++)
		reps[r] = merge_mean(grid + (size_t)r * nparts, count[r]);
	res = merge_mean(reps, nreps);
	for (r = 0; r < nreps; r++)
		json_decref(reps[r]);
	free(reps);
	free(grid);
	free(count);
	return res;
}

/* Collect a worker's warnings into an array. */
static void
merge_collect(const char *msg, void *data)
{
	json_array_append_new(data, json_string(msg));
}

/* One repetition in the worker: the merge() of desc, else the mean. */
static json_t *
merge_serve_rep(const struct bench_testcase *desc, const char *name,
    json_t *parts, json_t *errors)
{
	size_t k = json_array_size(parts), i, *units;
	json_t **objs, *out;
	struct merge_rep mr;

	objs = xcalloc(k + 1, sizeof *objs);
	units = xcalloc(k + 1, sizeof *units);
	for (i = 0; i < k; i++) {
		objs[i] = json_array_get(parts, i);
		units[i] = i;
	}
	if (desc != NULL && desc->merge != NULL) {
		memset(&mr, 0, sizeof mr);
		mr.unit_metrics = objs;
		mr.units = units;
		out = merge_by_testcase(desc, name, &mr, k, merge_collect,
		    errors);
	} else
		out = merge_mean(objs, k);
	free(objs);
	free(units);
	return out;
}

/* The worker's side of a merge. */
int
merge_serve(const char *url, const char *testcase, const char *in,
    const char *out, char **cause)
{
	const struct bench_testcase *desc = NULL;
	json_t *input, *reps, *answer, *errors, *parts;
	json_error_t jerr;
	void *handle = NULL;
	size_t r;
	int rc;

	if ((input = json_load_file(in, 0, &jerr)) == NULL)
		return err_set(cause, "merge input '%s': %s", in, jerr.text);
	if (testcase_open(url, &desc, &handle, cause) != 0) {
		json_decref(input);
		return -1;
	}
	reps = json_array();
	errors = json_array();
	json_array_foreach(json_object_get(input, "reps"), r, parts)
		json_array_append_new(reps, merge_serve_rep(desc, testcase,
		    parts, errors));
	answer = json_pack("{s:o,s:o}", "reps", reps, "errors", errors);
	rc = json_dump_file(answer, out, JSON_COMPACT);
	json_decref(answer);
	json_decref(input);
	testcase_close(handle);
	if (rc != 0)
		return err_errno(cause, "cannot write '%s'", out);
	return 0;
}
