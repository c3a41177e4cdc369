/*
 * launch: how the engine starts a unit, behind one ops table per launcher,
 * so the scheduler, the store and the reports do not know where a unit
 * ran. The launchers (one file each, listed in launch.c):
 *
 *	local	launch-local.c: the unit's argv in its own process group on
 *		this machine (spawn_start): records on the status pipe at
 *		fd 3, stdout and stderr to the output pipe.
 *	slurm	launch-slurm.c: one srun per unit around `bench worker`; the
 *		records come on srun's stdout, the output on its stderr.
 *
 * Either way the engine reads one record stream and one output stream,
 * signals one process group, and asks the launcher what the end of the
 * process it reaped means for the unit. What a launcher can do is said by
 * its flags, never by its name.
 */
#ifndef BENCH_LAUNCH_H
#define BENCH_LAUNCH_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What a launcher is and does. */
enum launch_flags {
	/* the unit runs elsewhere, placed and capped by the launcher's
	   cluster: no local admission, caps, sampling or profiles; its CPU
	   time, peak RSS, samples and host come from the worker's own
	   records */
	LAUNCH_REMOTE = 1 << 0,
	/* end() reads the unit's last output (the launcher's own lines) */
	LAUNCH_READS_TAIL = 1 << 1,
	/* takes a partition and extra arguments (--partition,
	   --slurm-args) */
	LAUNCH_CLUSTER_OPTS = 1 << 2,
};

struct launcher;
struct launch_unit;
struct launch_end;

#define LAUNCH_MAX_KINDS	64	/* node configurations kept */

/* What one kind of node of a cluster offers; 0: unknown. */
struct launch_node_kind {
	unsigned	 cpus;
	uint64_t	 mem_mb;
	unsigned	 gpus;
};

/* The kinds of node a cluster has (sinfo), to refuse at start a unit no
   node can hold; nkinds 0: unknown, every unit is tried. The names, for
   the profiles kept per node; free them with launch_nodes_release. */
struct launch_nodes {
	struct launch_node_kind kinds[LAUNCH_MAX_KINDS];
	size_t		 nkinds;
	unsigned	 nnodes;	/* nodes listed */
	char		**names;	/* the nnodes names, NULL-terminated,
					   allocated; NULL when none */
};

/* A launcher: its name, flags and operations. */
struct launch_ops {
	const char	*name;
	unsigned	 flags;		/* enum launch_flags */
	/* Before the first unit: *note says how units will start (NULL:
	   nothing to say), *warning what may go wrong; both allocated. */
	int		(*prepare)(const struct launcher *l, const char *dir,
			    char **note, char **warning, char **cause);
	int		(*start)(const struct launcher *l,
			    const struct launch_unit *u, pid_t *pid,
			    char **cause);
	void		(*end)(const struct launcher *l, int wstatus,
			    const char *tail, struct launch_end *e);
	/* The kinds of node units may go to, read once before the first
	   unit; NULL: not known (local: the engine's own admission). */
	int		(*nodes)(const struct launcher *l,
			    struct launch_nodes *out, char **cause);
	/* Cancel what may remain of a killed unit; NULL: nothing. */
	int		(*cancel)(const struct launcher *l,
			    const char *unit_id, char **cause);
	/* At the end of the run; NULL: nothing. */
	int		(*sweep)(const struct launcher *l,
			    const char *const *unit_ids, size_t n,
			    size_t *found, char **cause);
};

extern const struct launch_ops launch_local_ops;
extern const struct launch_ops launch_slurm_ops;

/* The launcher of a run. Nothing is owned. */
struct launcher {
	const struct launch_ops *ops;
	const char	*self_exe;	/* bench, for `bench worker` */
	int64_t		 run_id;	/* job names on a cluster */
	const char	*partition;	/* CLUSTER_OPTS: NULL none */
	const char	*extra_args;	/* CLUSTER_OPTS: NULL none */
	double		 sample_s;	/* REMOTE: the worker samples its
					   unit this often; 0 never */
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
	/* resources: a cluster asks for them; local caps use the rest */
	int		 cpus;
	uint64_t	 mem_mb;
	int		 gpus;
	double		 timeout_s;
	const char	*exclude;	/* cluster: nodes not to run on,
					   "a,b"; NULL none */
	int		 cgroup_fd;	/* local: -1 none */
	unsigned long long rlimit_as;	/* local: 0 none */
	const cpu_set_t	*affinity;	/* local: NULL none */
};
#define LAUNCH_UNIT_INIT { .status_fd = -1, .child_status_fd = 3, \
	.out_fd = -1, .cgroup_fd = -1 }

/* How a reaped unit process ended, for the engine. */
struct launch_end {
	int		 wstatus;	/* the unit's own status, as if local */
	int		 fault;		/* the end is the launcher's, not the
					   unit's: error says which */
	int		 timelimit;	/* ... its time limit ran out */
	int		 retryable;	/* ... worth a retry */
	int		 node_failed;	/* ... the node it ran on failed: a
					   retry should go elsewhere */
	char		*error;		/* allocated, or NULL */
};

/* The launcher called name: 0 and *ops, or -1 with *cause. */
int launch_find(const char *name, const struct launch_ops **ops,
    char **cause);

/* The operations, through l->ops. */
int launch_prepare(const struct launcher *l, const char *dir, char **note,
    char **warning, char **cause);
int launch_start(const struct launcher *l, const struct launch_unit *u,
    pid_t *pid, char **cause);
/* Interpret the wait status of the process launch_start made, given the
   last bytes of its output stream. Free e->error. */
void launch_end(const struct launcher *l, int wstatus, const char *tail,
    struct launch_end *e);
int launch_cancel(const struct launcher *l, const char *unit_id,
    char **cause);
/* The launcher's kinds of node (nkinds 0 when it cannot say): 0, or -1
   with *cause (then *out says nothing is known). *out is overwritten:
   release what it held first. */
int launch_nodes(const struct launcher *l, struct launch_nodes *out,
    char **cause);
/* Free the names of *n and forget everything in it. */
void launch_nodes_release(struct launch_nodes *n);
/*
 * Whether some kind of node holds cpus, mem_mb and gpus (0 each: none
 * asked): 1 yes or unknown; 0 no, with *why ("no node has 64 CPUs
 * (largest: 8)"; allocated).
 */
int launch_nodes_fit(const struct launch_nodes *n, unsigned cpus,
    uint64_t mem_mb, unsigned gpus, char **why);
/* Cancel what the launcher still holds of these units, and wait until it
   holds none (at most LAUNCH_SWEEP_WAIT seconds); *found: how many it held
   at first. */
#define LAUNCH_SWEEP_WAIT 15.0
int launch_sweep(const struct launcher *l, const char *const *unit_ids,
    size_t n, size_t *found, char **cause);
/* Whether the launcher has flag f. */
int launch_has(const struct launcher *l, unsigned f);

#endif
