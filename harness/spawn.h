/*
 * spawn: start one worker process, the way bench starts every unit: its own
 * process group, stdin on /dev/null, stdout and stderr appended to a log
 * file, one status pipe at a fixed descriptor number, every other
 * descriptor closed on exec, default signal dispositions and an empty
 * signal mask. No shell is involved.
 *
 * Everything is prepared before the child is made (clone with CLONE_VM |
 * CLONE_VFORK, as posix_spawn does; fork in the sanitizer build); until it
 * execs the child makes only async-signal-safe calls. A failure of any
 * step in the child (dup2, chdir, exec...) is written where bench reads it
 * once the child exec'd or died (its memory, or a close-on-exec pipe after
 * fork), so spawn_start() returns -1 with the step and errno text in
 * *cause and the child already reaped. The command found in PATH is
 * remembered for the next start of the same name; when exec then finds
 * it gone, it is looked up again.
 */
#ifndef BENCH_SPAWN_H
#define BENCH_SPAWN_H

#include <sched.h>
#include <sys/types.h>

struct spawn_opts {
	char *const	*argv;		/* argv[0] is looked up in PATH when it
					   has no slash */
	char *const	*envp;		/* the child's whole environment; NULL
					   inherits bench's */
	int		 log_fd;	/* becomes stdout and stderr; -1 for
					   /dev/null. Not closed here. */
	int		 status_fd;	/* write end of the status pipe, or -1.
					   Not closed here. */
	int		 child_status_fd; /* its number in the child (>= 3) */
	const char	*cwd;		/* NULL: bench's */
	/* Set up in the child before exec (any of them means fork, not
	   posix_spawn): */
	int		 cgroup_fd;	/* cgroup.procs / tasks of the unit's
					   cgroup, opened for writing: the child
					   joins it before it runs; -1 none */
	unsigned long long rlimit_as;	/* RLIMIT_AS in bytes; 0 none */
	const cpu_set_t	*affinity;	/* CPUs to bind to; NULL none */
	int		 die_with_parent; /* SIGKILL the child when bench
					   dies (PR_SET_PDEATHSIG), even
					   when it died before the child
					   ran */
	int		 stdout_fd;	/* >= 0: becomes stdout, and log_fd
					   only stderr (srun: records on
					   stdout, output on stderr). Not
					   closed here. */
	int		 oom_score_adj;	/* written to the child's
					   /proc/self/oom_score_adj (-1000..
					   1000), so the OOM killer takes it
					   before bench; best effort: a failed
					   write is ignored. SPAWN_OOM_KEEP:
					   inherit bench's */
};
#define SPAWN_OOM_KEEP	(-1001)
#define SPAWN_OPTS_INIT { .log_fd = -1, .status_fd = -1, \
	.child_status_fd = 3, .cgroup_fd = -1, .stdout_fd = -1, \
	.oom_score_adj = SPAWN_OOM_KEEP }

/*
 * Set bench's own /proc/self/oom_score_adj to adj (-1000..1000), so that
 * under memory pressure the OOM killer takes a unit, not the controller.
 * Lowering it needs CAP_SYS_RESOURCE: returns -1 with errno EACCES or EPERM
 * where that is not permitted (the caller says so and goes on), -1 with
 * *cause for any other failure, 0 when set.
 */
int spawn_oom_protect(int adj, char **cause);

/*
 * Resolve argv0 in PATH like execvp would. Returns an allocated absolute or
 * relative path, or NULL with *cause ("command 'x' not found in PATH") and
 * errno as execvp would set it (ENOENT; EACCES when a candidate was found
 * but cannot be executed).
 */
char *spawn_which(const char *argv0, char **cause);

/*
 * Fork and exec. On success *pid is the child's pid, which is also its
 * process group id; reap it with spawn_finish. Signals are blocked across
 * fork so no handler of bench runs in the child. On failure returns -1
 * with *cause and errno set to the failed step's (ENOENT: not found), the
 * child, if any, already reaped.
 */
int spawn_start(const struct spawn_opts *opts, pid_t *pid, char **cause);

/* Flags of spawn_finish. */
enum spawn_finish_flags {
	SPAWN_NOHANG = 1 << 0,	/* return SPAWN_RUNNING while it runs */
};
#define SPAWN_RUNNING	(-2)

/*
 * Reap pid, a child from spawn_start, retrying on EINTR. Returns its exit
 * code (0..255), or 128+N when signal N ended it, as a shell reports it;
 * *wstatus (when not NULL) gets the raw wait status, which tells `exit 130`
 * from SIGINT. With SPAWN_NOHANG, returns SPAWN_RUNNING at once while the
 * child runs (*wstatus untouched). -1 with *cause when waitpid fails
 * (ECHILD: not our child, or reaped already).
 */
int spawn_finish(pid_t pid, int flags, int *wstatus, char **cause);

#endif
