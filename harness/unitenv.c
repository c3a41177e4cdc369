/*
 * unitenv: a unit's argv and environment (see unitenv.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gpus.h"
#include "job.h"
#include "sched.h"
#include "unitenv.h"
#include "xalloc.h"
#include "banned.h"

#define UNITENV_OWN_MAX		16	/* variables a unit gets */

struct unitenv {
	const char	*self_exe;
	const char	*work_dir;
	int64_t		 run_id;
	json_t		*testenv;
	int		 parallel;
	unsigned	 ncores;
	const struct gpus *gpus;
	char		**base;		/* environ without BENCH_* */
	size_t		 nbase;
};

/* For a run. */
struct unitenv *
unitenv_new(const char *self_exe, const char *work_dir, int64_t run_id,
    json_t *testenv, int parallel, unsigned ncores, const struct gpus *gpus)
{
	extern char **environ;
	struct unitenv *ue = xcalloc(1, sizeof *ue);
	size_t n = 0, i;

	ue->self_exe = self_exe;
	ue->work_dir = work_dir;
	ue->run_id = run_id;
	ue->testenv = testenv;
	ue->parallel = parallel;
	ue->ncores = ncores;
	ue->gpus = gpus;
	for (i = 0; environ[i] != NULL; i++)
		n++;
	ue->base = xcalloc(n + 1, sizeof *ue->base);
	for (i = 0; environ[i] != NULL; i++) {
		if (strncmp(environ[i], "BENCH_", 6) != 0)
			ue->base[ue->nbase++] = environ[i];
	}
	return ue;
}

/* Free it. */
void
unitenv_free(struct unitenv *ue)
{
	if (ue == NULL)
		return;
	free(ue->base);
	free(ue);
}

/* A test case's params as compact JSON. */
char *
unitenv_params(const struct job_testcase *tc)
{
	char *s = json_dumps(tc->params, JSON_COMPACT | JSON_PRESERVE_ORDER);

	return s != NULL ? s : xstrdup("{}");
}

/* Free a NULL-terminated array of allocated strings. */
static void
unitenv_strv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* The argv of a unit. */
static char **
unitenv_argv(const struct unitenv *ue, const struct job_unit *u,
    const struct job_testcase *tc, const char *work)
{
	char **argv;
	size_t i, n = 0;

	if (tc->runner == JOB_RUNNER_COMMAND) {
		for (n = 0; tc->argv[n] != NULL; n++)
			;
		argv = xcalloc(n + 1, sizeof *argv);
		for (i = 0; i < n; i++)
			argv[i] = xstrdup(tc->argv[i]);
		return argv;
	}
	argv = xcalloc(26, sizeof *argv);
	argv[n++] = xstrdup(ue->self_exe);
	argv[n++] = xstrdup("worker");
	argv[n++] = xstrdup("--url");
	argv[n++] = tc->runner == JOB_RUNNER_BUILTIN ?
	    xasprintf("builtin:%s", tc->url) : xstrdup(tc->url);
	argv[n++] = xstrdup("--testcase");
	argv[n++] = xstrdup(tc->name);
	argv[n++] = xstrdup("--unit");
	argv[n++] = xstrdup(u->id);
	argv[n++] = xstrdup("--params");
	argv[n++] = unitenv_params(tc);
	argv[n++] = xstrdup("--seed");
	argv[n++] = xasprintf("%" PRIu64, u->seed);
	argv[n++] = xstrdup("--part");
	argv[n++] = xasprintf("%u", u->part);
	argv[n++] = xstrdup("--nparts");
	argv[n++] = xasprintf("%u", u->nparts);
	argv[n++] = xstrdup("--rep");
	argv[n++] = xasprintf("%u", u->rep);
	argv[n++] = xstrdup("--workspace");
	argv[n++] = xstrdup(work);
	argv[n++] = xstrdup("--paradigm");
	argv[n++] = xstrdup(tc->paradigm);
	argv[n++] = xstrdup("--paradigm-config");
	argv[n++] = json_dumps(ue->testenv, JSON_COMPACT);
	argv[n] = NULL;
	return argv;
}

/* CUDA_VISIBLE_DEVICES=UUID,... of the GPUs granted. */
static char *
unitenv_gpus(const struct unitenv *ue, const struct sched_grant *g)
{
	char *list = NULL, *more, *var;
	unsigned k;

	for (k = 0; k < g->ngpu; k++) {
		more = xasprintf("%s%s%s", list ? list : "", list ? "," : "",
		    gpus_get(ue->gpus, (size_t)g->gpu[k])->uuid);
		free(list);
		list = more;
	}
	var = xasprintf("CUDA_VISIBLE_DEVICES=%s", list);
	free(list);
	return var;
}

/* The variables bench adds for a unit. */
static char **
unitenv_own(const struct unitenv *ue, const struct job_unit *u,
    const struct job_testcase *tc, const struct sched_grant *g, int pool,
    const char *work)
{
	char **own = xcalloc(UNITENV_OWN_MAX, sizeof *own);
	unsigned threads = g->need.cpus;
	size_t k = 0;

	if (threads == 0 && ue->parallel)
		threads = ue->ncores / (unsigned)(pool > 0 ? pool : 1);
	if (ue->parallel && threads == 0)
		threads = 1;
	own[k++] = xasprintf("BENCH_STATUS_FD=%d", UNITENV_STATUS_FD);
	own[k++] = xasprintf("BENCH_UNIT=%s", u->id);
	own[k++] = xasprintf("BENCH_SEED=%" PRIu64, u->seed);
	own[k++] = xasprintf("BENCH_PART=%u", u->part);
	own[k++] = xasprintf("BENCH_NPARTS=%u", u->nparts);
	own[k++] = xasprintf("BENCH_REP=%u", u->rep);
	own[k++] = xasprintf("BENCH_TESTCASE=%s", tc->name);
	own[k++] = xasprintf("BENCH_WORKSPACE=%s", work);
	own[k++] = xasprintf("BENCH_RUN=%" PRId64, ue->run_id);
	if (g->ngpu > 0)
		own[k++] = unitenv_gpus(ue, g);
	if (threads > 0 && getenv("OMP_NUM_THREADS") == NULL)
		own[k++] = xasprintf("OMP_NUM_THREADS=%u", threads);
	if (threads > 0 && getenv("MKL_NUM_THREADS") == NULL)
		own[k++] = xasprintf("MKL_NUM_THREADS=%u", threads);
	if (threads > 0 && getenv("OPENBLAS_NUM_THREADS") == NULL)
		own[k++] = xasprintf("OPENBLAS_NUM_THREADS=%u", threads);
	own[k] = NULL;
	return own;
}

/*
 * A unit's argv and environment. A built-in or plugin unit gets
 * work/UNIT, made by `bench worker` itself; a command shares the run's
 * work/ (creating a directory per unit here would serialise thousands of
 * mkdirs in the controller).
 */
void
unitenv_build(const struct unitenv *ue, const struct job_unit *u,
    const struct job_testcase *tc, const struct sched_grant *g, int pool,
    struct unitenv_unit *out)
{
	char *work = tc->runner == JOB_RUNNER_COMMAND ?
	    xstrdup(ue->work_dir) : xasprintf("%s/%s", ue->work_dir, u->id);
	size_t i, n = 0, k;

	out->argv = unitenv_argv(ue, u, tc, work);
	out->own = unitenv_own(ue, u, tc, g, pool, work);
	free(work);
	for (k = 0; out->own[k] != NULL; k++)
		;
	out->envp = xcalloc(ue->nbase + k + 1, sizeof *out->envp);
	for (i = 0; i < ue->nbase; i++) {
		if (g->ngpu > 0 && strncmp(ue->base[i],
		    "CUDA_VISIBLE_DEVICES=", 21) == 0)
			continue;
		out->envp[n++] = ue->base[i];
	}
	for (i = 0; i < k; i++)
		out->envp[n++] = out->own[i];
	out->envp[n] = NULL;
}

/* Free what unitenv_build made. */
void
unitenv_release(struct unitenv_unit *out)
{
	unitenv_strv_free(out->argv);
	unitenv_strv_free(out->own);
	free(out->envp);
	memset(out, 0, sizeof *out);
}
