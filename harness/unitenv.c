/*
 * unitenv: a unit's argv and environment (see unitenv.h).
 */
#include "config.h"

#include <sys/stat.h>

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gpus.h"
#include "job.h"
#include "sched.h"
#include "strvec.h"
#include "unitenv.h"
#include "xalloc.h"
#include "banned.h"

struct unitenv {
	const char	*self_exe;
	const char	*work_dir;
	int64_t		 run_id;
	const struct job *job;		/* a command's argv, a Python
					   unit's modules */
	char		*testenv;	/* the testenv as compact JSON */
	int		 parallel;
	unsigned	 ncores;
	const struct gpus *gpus;
	char		**base;		/* environ without BENCH_* and
					   PYTHONPATH */
	size_t		 nbase;
	char		*pythonpath;	/* PYTHONPATH=bench's dir[:the user's] */
};

/*
 * The directory of bench's Python files (bench_ianvs, bench_record, the
 * sedna shim): python/ of the source tree when bench runs from its build
 * tree (so `make check` tests the files being edited), else the installed
 * copy under pkgdatadir.
 */
const char *
unitenv_python_dir(const char *self_exe)
{
	char real[PATH_MAX], build[PATH_MAX];
	struct stat sb;
	size_t n;

	if (self_exe != NULL && realpath(self_exe, real) != NULL &&
	    realpath(BENCH_BUILDDIR, build) != NULL) {
		n = strlen(build);
		if (strncmp(real, build, n) == 0 && real[n] == '/' &&
		    strchr(real + n + 1, '/') == NULL)
			return BENCH_SRC_PYTHONDIR;
	}
	if (stat(BENCH_PYTHONDIR, &sb) == 0 && S_ISDIR(sb.st_mode))
		return BENCH_PYTHONDIR;
	return BENCH_SRC_PYTHONDIR;
}

/* For a run. */
struct unitenv *
unitenv_new(const char *self_exe, const char *work_dir, int64_t run_id,
    const struct job *job, int parallel, unsigned ncores,
    const struct gpus *gpus)
{
	extern char **environ;
	struct unitenv *ue = xcalloc(1, sizeof *ue);
	size_t n = 0, i;

	ue->self_exe = self_exe;
	ue->work_dir = work_dir;
	ue->run_id = run_id;
	ue->job = job;
	ue->testenv = json_dumps(job_testenv(job), JSON_COMPACT);
	if (ue->testenv == NULL)
		ue->testenv = xstrdup("{}");
	ue->parallel = parallel;
	ue->ncores = ncores;
	ue->gpus = gpus;
	for (i = 0; environ[i] != NULL; i++)
		n++;
	ue->base = xcalloc(n + 1, sizeof *ue->base);
	for (i = 0; environ[i] != NULL; i++) {
		if (strncmp(environ[i], "BENCH_", 6) != 0 &&
		    strncmp(environ[i], "PYTHONPATH=", 11) != 0)
			ue->base[ue->nbase++] = environ[i];
	}
	if (getenv("PYTHONPATH") != NULL && *getenv("PYTHONPATH") != '\0')
		ue->pythonpath = xasprintf("PYTHONPATH=%s:%s",
		    unitenv_python_dir(self_exe), getenv("PYTHONPATH"));
	else
		ue->pythonpath = xasprintf("PYTHONPATH=%s",
		    unitenv_python_dir(self_exe));
	return ue;
}

/* Free it. */
void
unitenv_free(struct unitenv *ue)
{
	if (ue == NULL)
		return;
	free(ue->base);
	free(ue->pythonpath);
	free(ue->testenv);
	free(ue);
}

/* A test case's params as compact JSON. */
char *
unitenv_params(const struct job_testcase *tc)
{
	return xstrdup(tc->params);
}

/*
 * The argv of a Python unit: the interpreter runs bench's adapter (found
 * through PYTHONPATH) on the module, with the test case's modules and
 * hyperparameters, the testenv and the paradigm as JSON; the unit's
 * seed, part and ids come in the environment.
 */
static char **
unitenv_python_argv(const struct unitenv *ue, const struct job_testcase *tc,
    const char *work)
{
	struct strvec v = STRVEC_INIT;
	char *s;

	strvec_push(&v, job_python(ue->job));
	strvec_push(&v, "-m");
	strvec_push(&v, "bench_ianvs");
	strvec_push(&v, "--module");
	strvec_push(&v, tc->url);
	strvec_push(&v, "--modules");
	s = job_testcase_modules(ue->job, tc);
	strvec_push(&v, s);
	free(s);
	strvec_push(&v, "--params");
	s = unitenv_params(tc);
	strvec_push(&v, s);
	free(s);
	strvec_push(&v, "--testenv");
	strvec_push(&v, ue->testenv);
	strvec_push(&v, "--paradigm");
	strvec_push(&v, tc->paradigm);
	strvec_push(&v, "--kwargs");
	s = json_dumps(job_testcase_kwargs(ue->job, tc), JSON_COMPACT |
	    JSON_PRESERVE_ORDER);
	strvec_push(&v, s != NULL ? s : "{}");
	free(s);
	strvec_push(&v, "--workspace");
	strvec_push(&v, work);
	return strvec_detach(&v);
}

/* The argv of a unit. */
static char **
unitenv_argv(const struct unitenv *ue, const struct job_unit *u,
    const struct job_testcase *tc, const char *work)
{
	struct strvec v = STRVEC_INIT;
	char *params;

	if (tc->runner == JOB_RUNNER_COMMAND)
		return job_testcase_argv(ue->job, tc);
	if (tc->runner == JOB_RUNNER_PYTHON)
		return unitenv_python_argv(ue, tc, work);
	strvec_push(&v, ue->self_exe);
	strvec_push(&v, "worker");
	strvec_push(&v, "--url");
	if (tc->runner == JOB_RUNNER_BUILTIN)
		strvec_pushf(&v, "builtin:%s", tc->url);
	else
		strvec_push(&v, tc->url);
	strvec_push(&v, "--testcase");
	strvec_push(&v, tc->name);
	strvec_push(&v, "--unit");
	strvec_push(&v, u->id);
	strvec_push(&v, "--params");
	params = unitenv_params(tc);
	strvec_push(&v, params);
	free(params);
	strvec_push(&v, "--seed");
	strvec_pushf(&v, "%" PRIu64, u->seed);
	strvec_push(&v, "--part");
	strvec_pushf(&v, "%u", u->part);
	strvec_push(&v, "--nparts");
	strvec_pushf(&v, "%u", u->nparts);
	strvec_push(&v, "--rep");
	strvec_pushf(&v, "%u", u->rep);
	strvec_push(&v, "--workspace");
	strvec_push(&v, work);
	strvec_push(&v, "--paradigm");
	strvec_push(&v, tc->paradigm);
	strvec_push(&v, "--paradigm-config");
	strvec_push(&v, ue->testenv);
	return strvec_detach(&v);
}

/* CUDA_VISIBLE_DEVICES=UUID,... of the GPUs granted, onto v. */
static void
unitenv_gpus(const struct unitenv *ue, const struct sched_grant *g,
    struct strvec *v)
{
	char *list = xstrdup(""), *more;
	unsigned k;

	for (k = 0; k < g->ngpu; k++) {
		more = xasprintf("%s%s%s", list, k > 0 ? "," : "",
		    gpus_get(ue->gpus, (size_t)g->gpu[k])->uuid);
		free(list);
		list = more;
	}
	strvec_pushf(v, "CUDA_VISIBLE_DEVICES=%s", list);
	free(list);
}

/* The variables bench adds for a unit. */
static char **
unitenv_own(const struct unitenv *ue, const struct job_unit *u,
    const struct job_testcase *tc, const struct sched_grant *g, int pool,
    const char *work)
{
	struct strvec v = STRVEC_INIT;
	unsigned threads = g->need.cpus;

	if (threads == 0 && ue->parallel)
		threads = ue->ncores / (unsigned)(pool > 0 ? pool : 1);
	if (ue->parallel && threads == 0)
		threads = 1;
	strvec_pushf(&v, "BENCH_STATUS_FD=%d", UNITENV_STATUS_FD);
	strvec_pushf(&v, "BENCH_UNIT=%s", u->id);
	strvec_pushf(&v, "BENCH_SEED=%" PRIu64, u->seed);
	strvec_pushf(&v, "BENCH_PART=%u", u->part);
	strvec_pushf(&v, "BENCH_NPARTS=%u", u->nparts);
	strvec_pushf(&v, "BENCH_REP=%u", u->rep);
	strvec_pushf(&v, "BENCH_TESTCASE=%s", tc->name);
	strvec_pushf(&v, "BENCH_WORKSPACE=%s", work);
	strvec_pushf(&v, "BENCH_RUN=%" PRId64, ue->run_id);
	strvec_push(&v, ue->pythonpath);
	if (g->ngpu > 0)
		unitenv_gpus(ue, g, &v);
	if (threads > 0 && getenv("OMP_NUM_THREADS") == NULL)
		strvec_pushf(&v, "OMP_NUM_THREADS=%u", threads);
	if (threads > 0 && getenv("MKL_NUM_THREADS") == NULL)
		strvec_pushf(&v, "MKL_NUM_THREADS=%u", threads);
	if (threads > 0 && getenv("OPENBLAS_NUM_THREADS") == NULL)
		strvec_pushf(&v, "OPENBLAS_NUM_THREADS=%u", threads);
	return strvec_detach(&v);
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
	strv_free(out->argv);
	strv_free(out->own);
	free(out->envp);
	memset(out, 0, sizeof *out);
}
