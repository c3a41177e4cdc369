/*
 * unitenv: what a unit's process is started with. Its argv: the job's
 * command, `bench worker --url ... --params ...` for a built-in or
 * plugin test case, or `PYTHON -m bench_ianvs --module M.py ...` for a
 * Python (Ianvs) module. Its environment: bench's own, less any BENCH_*
 * variable, plus BENCH_STATUS_FD=3, BENCH_UNIT, BENCH_SEED, BENCH_PART,
 * BENCH_NPARTS, BENCH_REP, BENCH_TESTCASE, BENCH_WORKSPACE, BENCH_RUN,
 * PYTHONPATH (bench's Python directory first: bench_record, the adapter),
 * CUDA_VISIBLE_DEVICES (the GPUs it was given) and, in a parallel run,
 * OMP/MKL/OPENBLAS_NUM_THREADS (its cores, or the cores over the pool) so
 * that workers do not oversubscribe the cores, unless the user set them.
 */
#ifndef BENCH_UNITENV_H
#define BENCH_UNITENV_H

#include <stdint.h>

#include <jansson.h>

#define UNITENV_STATUS_FD	3	/* the record pipe in every worker */

struct gpus;
struct job;
struct job_testcase;
struct job_unit;
struct sched_grant;
struct unitenv;

/* For a run: bench, the run's work/ directory, its id, the job (its
   testenv, and its modules for Python units), whether it is parallel, the
   cores and GPUs (NULL none). Nothing is copied but the environment and
   the testenv's text: the rest must outlive the unitenv. */
struct unitenv *unitenv_new(const char *self_exe, const char *work_dir,
    int64_t run_id, const struct job *job, int parallel, unsigned ncores,
    const struct gpus *gpus);
void unitenv_free(struct unitenv *ue);

/* One unit's argv and environment, NULL-terminated; free with
   unitenv_release. */
struct unitenv_unit {
	char		**argv;
	char		**envp;
	char		**own;		/* the strings envp adds */
};
void unitenv_build(const struct unitenv *ue, const struct job_unit *u,
    const struct job_testcase *tc, const struct sched_grant *g, int pool,
    struct unitenv_unit *out);
void unitenv_release(struct unitenv_unit *out);

/* The directory bench puts first on every unit's PYTHONPATH: python/ of
   the source tree when self_exe is the build tree's bench, else the
   installed one (pkgdatadir/python). Static storage. */
const char *unitenv_python_dir(const char *self_exe);

/* A test case's params as compact JSON text. Allocated. */
char *unitenv_params(const struct job_testcase *tc);

#endif
