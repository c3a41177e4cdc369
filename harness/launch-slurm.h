/*
 * launch-slurm: the pure parts of the Slurm launcher (`--launcher slurm`).
 * The engine starts each unit as one srun whose stdout is the unit's record
 * stream and whose stderr is the unit's log:
 *
 *	srun --ntasks=1 --nodes=1 --cpus-per-task=C [--mem=MM] [--gres=gpu:G]
 *	    [--partition=P] [--time=T] [--exclude=NODES] --job-name=bench-RUN-UNIT
 *	    --kill-on-bad-exit=1 --quiet [SLURM-ARGS...]
 *	    BENCH worker --url ... --status-fd 1		(built-in, plugin)
 *	    BENCH worker --exec -- CMD ARGS...		(command units)
 *
 * `bench worker --exec` runs the command with BENCH_STATUS_FD on a pipe,
 * relays its records to stdout and ends the stream with an end record of
 * its own, so every kind of unit gives one record stream through srun.
 *
 * This module builds that argv, classifies how an srun ended (the unit's
 * own end, or one caused by Slurm, which may be retried), checks that the
 * nodes see the workspace, and lists and cancels our jobs by name. Client
 * commands are run without a shell and read SLURM_CONF from the
 * environment, like any Slurm client.
 */
#ifndef BENCH_LAUNCH_SLURM_H
#define BENCH_LAUNCH_SLURM_H

#include <stddef.h>
#include <stdint.h>

struct launch_nodes;

/* One unit's srun, as the engine describes it. Nothing is owned. */
struct slurm_unit_opts {
	const char	*srun;		/* NULL: "srun" from PATH */
	int64_t		 run_id;	/* the run, for the job name */
	const char	*unit_id;	/* required */
	int		 cpus;		/* resources.cpus; 0: 1 */
	uint64_t	 mem_mb;	/* resources.ram in MiB; 0: no --mem */
	int		 gpus;		/* resources.gpus; 0: no --gres */
	const char	*partition;	/* NULL or "": none */
	double		 timeout_s;	/* unit timeout; 0: no --time */
	const char	*exclude;	/* --exclude: nodes not to use, "a,b";
					   NULL or "": none */
	const char	*extra_args;	/* --slurm-args: split on blanks, no
					   quoting, no shell; NULL: none */
	char *const	*worker_argv;	/* what srun runs, NULL-terminated */
};
#define SLURM_UNIT_OPTS_INIT { .srun = NULL }

/* The job name of a unit: "bench-RUN-UNIT". Allocated. */
char *slurm_job_name(int64_t run_id, const char *unit_id);

/*
 * The srun argv for a unit: NULL-terminated, every string allocated (free
 * with strv_free). --time is the timeout in whole minutes rounded up,
 * plus one, so the engine's own timeout fires first. NULL with *cause when
 * unit_id or worker_argv is missing or a number is out of range.
 */
char **slurm_srun_argv(const struct slurm_unit_opts *o, char **cause);

/* Free an array this module returned: strv_free (strvec.h) by another
   name, kept for the launcher's callers. NULL is a no-op. */

/*
 * The argv of `BENCH worker --exec --status-fd 1 [--sample S] -- CMD...`
 * for a command unit (sample_s 0: no --sample).
 * Allocated like slurm_srun_argv.
 */
char **slurm_exec_argv(const char *bench_exe, double sample_s,
    char *const *cmd);

/* How an srun ended. */
enum slurm_end {
	SLURM_END_UNIT = 0,	/* the unit's own end: exit code or signal of
				   the task (slurm_unit_wstatus) */
	SLURM_END_ALLOC,	/* could not allocate now: retry */
	SLURM_END_REFUSED,	/* the request can never be met (too many
				   CPUs, bad partition, bad gres): no retry */
	SLURM_END_NODE_FAIL,	/* the node failed: retry */
	SLURM_END_PREEMPTED,	/* preempted: retry */
	SLURM_END_TIMELIMIT,	/* Slurm's --time ran out: a timeout */
	SLURM_END_CANCELLED,	/* scancel (by us or someone else) */
	SLURM_END_EXEC,		/* the node could not exec the program
				   (bench missing there): no retry */
	SLURM_END_LAUNCH,	/* srun or the step failed otherwise (srun
				   killed, step aborted, lost contact): retry */
};

/*
 * Classify an srun's end from its wait status and the tail of its stderr
 * (the last few KiB are plenty; NULL is ""). Only lines that Slurm wrote
 * count ("srun: ..." and "slurmstepd...: ..."), so a unit printing the same
 * words does not fool it. Checked in this order: node failure, preemption,
 * time limit, cancellation, allocation, exec failure, other srun errors;
 * otherwise the unit's own end. Note that srun exits 0 after a node failure.
 */
enum slurm_end slurm_classify(int wait_status, const char *stderr_tail);

/* "unit", "alloc", "refused", "node_fail", "preempted", "timelimit",
   "cancelled", "exec", "launch". */
const char *slurm_end_name(enum slurm_end e);

/* Whether an end of this kind is the launcher's fault and worth a retry
   under `retries`: alloc, node_fail, preempted, launch. */
int slurm_end_retryable(enum slurm_end e);

/*
 * The unit's own wait status, as if it had run locally: srun exits with the
 * task's exit code, or 128+N when the task died of signal N (and says
 * "task 0: <signal>" on stderr); this gives back a status for which
 * WIFSIGNALED/WTERMSIG or WIFEXITED/WEXITSTATUS tell what the task did.
 * Meaningful when slurm_classify said SLURM_END_UNIT.
 */
int slurm_unit_wstatus(int wait_status, const char *stderr_tail);

/*
 * Check that the nodes see the workspace: it must be an existing directory
 * here, and `srun --ntasks=1 --nodes=1 --immediate=T test -d DIR -a -w DIR`
 * (absolute path, no shell) must succeed, i.e. a node sees it and may
 * write there. On a cluster of several nodes this checks the node srun
 * picked; slurm_path_node_local warns about paths that are never shared.
 * timeout_s bounds the whole check (0: 120). 0, or -1 with *cause.
 */
int slurm_check_shared(const char *workspace, double timeout_s, char **cause);

/* Whether path (absolute) is under a directory that is node-local on
   clusters (/tmp, /var/tmp, /dev/shm, /run): a warning, not an error. */
int slurm_path_node_local(const char *path);

/*
 * Our jobs with this name, from `squeue -h -n NAME -o %i` (job ids as
 * text, in squeue's order). *ids is a NULL-terminated allocated array (free
 * with strv_free), *n its length. 0, or -1 with *cause.
 */
/*
 * Parse what `sinfo -h -N -o '%N %c %m %G'` printed (one line per node
 * and partition: name, CPUs, memory in MB, generic resources such as
 * "gpu:4", "gpu:a100:2(S:0-1)" or "(null)") into *n: each node counted
 * once and named, distinct kinds only. Lines it cannot read are skipped.
 * *n is overwritten (launch_nodes_release it after). Returns the kinds
 * found.
 */
size_t slurm_parse_nodes(const char *text, struct launch_nodes *n);
/* Run sinfo (for partition, when not NULL) and parse it: 0 or -1. */
int slurm_nodes(const char *partition, struct launch_nodes *n,
    char **cause);

int slurm_list_jobs(const char *name, char ***ids, size_t *n, char **cause);

/* `scancel --name=NAME`: every job of that name. 0, or -1 with *cause. */
int slurm_cancel_job_name(const char *name, char **cause);

#endif
