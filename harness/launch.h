/*
 * launch: how the engine starts a unit, behind one small interface, so the
 * scheduler, the store and the reports do not know where a unit ran.
 *
 *	local	the unit's argv in its own process group on this machine
 *		(spawn_start): records on the status pipe at fd 3, stdout
 *		and stderr to the output pipe.
 *	slurm	one srun per unit around `bench worker ... --status-fd 1`
 *		(or `bench worker --exec -- CMD` for a command): the records
 *		come on srun's stdout, the output on srun's stderr.
 *
 * Either way the engine reads one record stream and one output stream,
 * signals one process group (srun passes SIGTERM on to the step), and asks
 * launch_end() what the end of the process it reaped means for the unit.
 */
#ifndef BENCH_LAUNCH_H
#define BENCH_LAUNCH_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "launch-slurm.h"

enum launch_kind {
	LAUNCH_LOCAL = 0,
	LAUNCH_SLURM,
};

/* The launcher of a run. Nothing is owned. */
struct launcher {
	enum launch_kind kind;
	const char	*self_exe;	/* bench, for `bench worker --exec` */
	int64_t		 run_id;	/* Slurm job names */
	const char	*partition;	/* slurm: NULL none */
	const char	*slurm_args;	/* slurm: --slurm-args; NULL none */
};

/* One unit to start. Nothing is owned. */
struct launch_unit {
	const char	*unit_id;
	char *const	*argv;		/* what a local worker runs */
	int		 command;	/* argv is the job's command, not
					   `bench worker` */
	char *const	*envp;		/* NULL: bench's */
	int		 status_fd;	/* write end of the record pipe */
	int		 child_status_fd; /* its number for a local unit */
	int		 out_fd;	/* write end of the output pipe */
	/* resources: Slurm asks for them; local caps use the rest */
	int		 cpus;
	uint64_t	 mem_mb;
	int		 gpus;
	double		 timeout_s;
	int		 cgroup_fd;	/* local: -1 none */
	unsigned long long rlimit_as;	/* local: 0 none */
	const cpu_set_t	*affinity;	/* local: NULL none */
};
#define LAUNCH_UNIT_INIT { NULL, NULL, 0, NULL, -1, 3, -1, 0, 0, 0, 0, \
	-1, 0, NULL }

/* "local" or "slurm" -> kind: 0, or -1 with *cause. */
int launch_kind_parse(const char *name, enum launch_kind *kind, char **cause);
const char *launch_kind_name(enum launch_kind kind);

/*
 * Before the first unit: for Slurm, check that the nodes see dir (the
 * run's directory in the workspace); *warning (allocated, or NULL) says when
 * dir is node-local. Local: nothing to check. 0, or -1 with *cause.
 */
int launch_prepare(const struct launcher *l, const char *dir,
    char **warning, char **cause);

/*
 * Start a unit: *pid is the process the engine waits for and signals (its
 * own process group): the worker, or srun. -1 with *cause when it could
 * not start.
 */
int launch_start(const struct launcher *l, const struct launch_unit *u,
    pid_t *pid, char **cause);

/* How a reaped unit process ended, for the engine. */
struct launch_end {
	int		 wstatus;	/* the unit's own status, as if local */
	enum slurm_end	 why;		/* SLURM_END_UNIT: the unit's own end */
	int		 retryable;	/* the launcher's fault: retry */
	char		*error;		/* allocated, or NULL: "slurm NAME:
					   first srun line" */
};

/*
 * Interpret the wait status of the process launch_start made, given the
 * last bytes of its output stream (Slurm's own lines are there). Local: the
 * status as is. Free e->error.
 */
void launch_end(const struct launcher *l, int wstatus, const char *tail,
    struct launch_end *e);

/* Cancel what may remain of a unit on the cluster after its process was
   killed (Slurm: scancel by job name). Local: nothing. 0, or -1. */
int launch_cancel(const struct launcher *l, const char *unit_id,
    char **cause);

/*
 * At the end of the run: cancel the jobs of these units (n unit ids) that
 * squeue still lists, and wait until it lists none (at most
 * LAUNCH_SWEEP_WAIT seconds). *found is how many were listed at first.
 * Local: nothing. 0, or -1 with *cause (squeue failed, or jobs stayed).
 */
#define LAUNCH_SWEEP_WAIT 15.0
int launch_sweep(const struct launcher *l, const char *const *unit_ids,
    size_t n, size_t *found, char **cause);

#endif
