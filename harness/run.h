/*
 * run: the controller's engine, the wiring of
 *
 *	plan (job units -> database rows, resume) -> sched (policy) ->
 *	launch (start a unit) -> loop (poll, reap, signals) -> unit (the
 *	state x event table, classification) -> store (SQLite)
 *
 * The engine. Plans a job's units into the database, runs
 * each in its own worker process (at most `workers` at once), multiplexes
 * every status pipe and child exit in one poll() loop, enforces per-unit
 * timeouts, classifies every end, records it, and merges test-case metrics.
 *
 * SIGINT/SIGTERM while running: every worker group gets SIGTERM, then
 * SIGKILL after a short grace; units that were running end 'interrupted',
 * units never started stay 'pending', the run ends 'interrupted' and every
 * committed row stays consistent. A second signal kills at once.
 *
 * Resources: a unit's need is the job's declared `resources` (ram, vram,
 * gpus, cpus) or, for RAM and VRAM, its test case's stored profile. A unit
 * is admitted only when its need fits what is free (80% of MemAvailable at
 * the start, the cores, the GPUs' free VRAM) and the host budget shared with
 * other bench processes (profiles/budget.h); a unit that fits nothing runs
 * alone. A declared RAM need is also a cap: a memory cgroup per unit where
 * one can be made, else RLIMIT_AS. A unit that dies of memory (cgroup OOM
 * kill, SIGKILL at the cap, ENOMEM or CUDA out of memory) ends `oom`; the
 * pool of workers halves (never below 1) and the unit is retried with
 * exponential backoff, at most `retries` times; after as many successes as
 * workers in a row, the pool grows back by one. Under memory pressure
 * (MemAvailable below 10%) nothing new starts; below 5% the youngest unit
 * is killed and requeued. Every decision is an event in the database.
 *
 * While units run, each worker's process group is sampled every sample_s
 * seconds (RSS, CPU, GPU memory through NVML) into the samples table; the
 * peaks go to units, and a unit that ended ok updates its test case's
 * profile (profiles table, per host).
 *
 * Units start through a launcher (launch.h): locally, or on a cluster
 * (a LAUNCH_REMOTE launcher), which places and caps them: local admission,
 * caps and sampling are off, the ends the launcher caused are retried
 * within `retries`, and what remains of timed-out or interrupted units is
 * cancelled.
 *
 * Writes are batched: a transaction is committed whenever the loop is about
 * to wait, or every 250 ms under load, so a crash of bench itself loses at
 * most that much.
 */
#ifndef BENCH_RUN_H
#define BENCH_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "unit.h"

struct job;
struct launcher;
struct store;
struct term;

struct run_config {
	int		 workers;	/* units in flight at most, >= 1 */
	double		 timeout_s;	/* per unit; 0 none */
	double		 grace_s;	/* SIGTERM -> SIGKILL */
	const char	*self_exe;	/* bench, for builtin/plugin units */
	const char	*run_dir;	/* logs/ and work/ are made here */
	struct term	*term;		/* progress output; NULL for none */
	int		 auto_workers;	/* size the pool from the profiles
					   (profiling unknown test cases
					   first, one unit alone each), at
					   most `workers` */
	int		 profile_only;	/* run the first unit of each test
					   case, alone, and store its profile */
	int		 retries;	/* attempts after an oom end */
	double		 sample_s;	/* resource sampling interval; 0 off */
	int		 parallel;	/* set OMP_NUM_THREADS & co. */
	int64_t		 resume_from;	/* a run of the same job: its units
					   that finished (matched by key) are
					   kept as they ended, the rest run;
					   0 none */
	const struct launcher *launcher; /* how units start; NULL local */
};
#define RUN_CONFIG_INIT { .workers = 1, .grace_s = 5.0, .sample_s = 0.5 }

struct run_totals {
	size_t	total;
	size_t	count[UNIT_NSTATUSES];	/* units by end status */
	size_t	not_run;
	int	was_interrupted;	/* a signal stopped the run */
};

/*
 * Run every unit of job as run run_id (already created in st). Returns 0
 * when the run was carried out (units may have failed: see *tot), -1 with
 * *cause on an environment error (database write, directory, pipe), after
 * killing and reaping every worker.
 */
int run_execute(struct job *job, struct store *st, int64_t run_id,
    const struct run_config *cfg, struct run_totals *tot, char **cause);

/* mkdir -p with mode 0700 (what exists is followed, symlinks too: the
   user's workspace may live behind one): 0, or -1 with *cause. */
int run_mkdirs(const char *path, char **cause);
/* Make one directory of bench's own (a run's, its logs) with mode 0700.
   excl: it must not exist. Otherwise an existing one must be a real
   directory of this user, not a symlink someone planted: 0, or -1 with
   *cause (errno EEXIST when excl and it existed). */
int run_mkdir_own(const char *path, int excl, char **cause);

#endif
