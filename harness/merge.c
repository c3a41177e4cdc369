/*
 * merge: test-case metrics from unit metrics (see merge.h).
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "job.h"
#include "merge.h"
#include "plugin.h"
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

/* The test case's description, when its partitions need its merge(). */
static const struct bench_testcase *
merge_open(const struct job_testcase *tc, unsigned nparts, void **handle,
    merge_warn_cb warn, void *data)
{
	const struct bench_testcase *desc = NULL;
	char *url, *cause = NULL;

	*handle = NULL;
	if (nparts <= 1 || tc->runner == JOB_RUNNER_COMMAND)
		return NULL;
	url = tc->runner == JOB_RUNNER_BUILTIN ?
	    xasprintf("builtin:%s", tc->url) : xstrdup(tc->url);
	if (testcase_open(url, &desc, handle, &cause) != 0) {
		/* the units ran it: this should not happen */
		warn(cause, data);
		free(cause);
		desc = NULL;
	}
	free(url);
	return desc != NULL && desc->merge != NULL ? desc : NULL;
}

/* The units of repetition r in part order; returns how many. */
static size_t
merge_rep_units(const struct job *job, const struct job_testcase *tc,
    unsigned r, unsigned nparts, size_t *units, json_t *const *um,
    json_t **parts)
{
	const struct job_unit *u;
	size_t i, k = 0;

	for (i = 0; i < tc->nunits; i++) {
		u = job_unit(job, tc->first_unit + i);
		if (u->rep == r && k < nparts) {
			units[k] = u->index;
			parts[k++] = um[u->index];
		}
	}
	return k;
}

/* A test case's metrics. */
json_t *
merge_testcase(const struct job *job, size_t tci, json_t *const *um,
    const char *self_exe, merge_warn_cb warn, void *data)
{
	const struct job_testcase *tc = job_testcase(job, tci);
	unsigned nparts = job_unit(job, tc->first_unit)->nparts, nreps, r;
	const struct bench_testcase *desc;
	struct merge_rep mr = { .unit_metrics = um };
	json_t **reps, **parts, *res;
	size_t *units, k;
	void *handle;

	(void)self_exe;
	nreps = (unsigned)(tc->nunits / nparts);
	desc = merge_open(tc, nparts, &handle, warn, data);
	reps = xcalloc(nreps + 1, sizeof *reps);
	parts = xcalloc(nparts, sizeof *parts);
	units = xcalloc(nparts, sizeof *units);
	mr.units = units;
	for (r = 0; r < nreps; r++) {
		k = merge_rep_units(job, tc, r, nparts, units, um, parts);
		reps[r] = desc != NULL ? merge_by_testcase(desc, tc->name, &mr,
		    k, warn, data) : merge_mean(parts, k);
	}
	res = merge_mean(reps, nreps);
	for (r = 0; r < nreps; r++)
		json_decref(reps[r]);
	free(reps);
	free(parts);
	free(units);
	testcase_close(handle);
	return res;
}
