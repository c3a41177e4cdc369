/*
 * runlock: whether a run's controller lives. The controller of a run holds
 * an exclusive flock(2) on RUN_DIR/lock from the moment its directory is
 * made until it exits, however it exits: the kernel drops the lock with
 * the process, so a SIGKILLed or OOM-killed controller leaves a lock that
 * anyone can take. A run stored as 'running' whose lock can be taken is
 * shown 'abandoned'. No column of the database is involved; the run's
 * directory is found from its units' log paths (RUNS/ID or RUNS/ID-K, see
 * session.c), else WORKSPACE/runs/ID.
 */
#ifndef BENCH_RUNLOCK_H
#define BENCH_RUNLOCK_H

#include <stdint.h>

struct store;

/* Create RUN_DIR/lock (exclusively, not through a symlink) and lock it
   for this process: 0 and *fd (close-on-exec; keep it open while the run
   lives), or -1 with *cause. */
int runlock_take(const char *run_dir, int *fd, char **cause);

/* Whether the controller of the run in run_dir lives: 1 it holds the
   lock, 0 it is gone, -1 unknown (no lock file: an older bench, or not
   made yet). */
int runlock_alive(const char *run_dir);

/* The directory of run run_id (its runs.workspace: workspace): allocated,
   or NULL when unknown. */
char *runlock_dir(struct store *st, int64_t run_id, const char *workspace);

/* The status to show for run run_id stored with status: status, or
   "abandoned" for a 'running' run whose controller is gone. */
const char *runlock_status(struct store *st, int64_t run_id,
    const char *workspace, const char *status);

#endif
