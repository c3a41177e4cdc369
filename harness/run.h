/*
 * run: the controller's engine. Plans a job's units into the database, runs
 * each in its own worker process (at most `workers` at once), multiplexes
 * every status pipe and child exit in one poll() loop, enforces per-unit
 * timeouts, classifies every end, records it, and merges test-case metrics.
 *
 * SIGINT/SIGTERM while running: every worker group gets SIGTERM, then
 * SIGKILL after a short grace; units that were running end 'interrupted',
 * units never started stay 'pending', the run ends 'interrupted' and every
 * committed row stays consistent. A second signal kills at once.
 *
 * Writes are batched: a transaction is committed whenever the loop is about
 * to wait, or every 250 ms under load, so a crash of bench itself loses at
 * most that much.
 */
#ifndef BENCH_RUN_H
#define BENCH_RUN_H

#include <stddef.h>
#include <stdint.h>

struct job;
struct store;
struct term;

struct run_config {
	int		 workers;	/* units in flight, >= 1 */
	double		 timeout_s;	/* per unit; 0 none */
	double		 grace_s;	/* SIGTERM -> SIGKILL */
	const char	*self_exe;	/* bench, for builtin/plugin units */
	const char	*run_dir;	/* logs/ and work/ are made here */
	struct term	*term;		/* progress output; NULL for none */
};
#define RUN_CONFIG_INIT { 1, 0, 5.0, NULL, NULL, NULL }

struct run_totals {
	size_t	total, ok, failed, crashed, timeout, oom, skipped;
	size_t	interrupted, not_run;
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

/* Seconds on CLOCK_MONOTONIC / CLOCK_REALTIME. */
double run_monotonic(void);
double run_walltime(void);

#endif
