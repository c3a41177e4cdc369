/*
 * unit: the life of one unit while a run carries it out, as data.
 *
 * A unit is in exactly one state and moves only through unit_table, one
 * cell per (state, event):
 *
 *	QUEUED --START--> STARTING --LAUNCHED--> RUNNING --EXIT--> EXITED
 *	   ^                 |  |                   |                |
 *	   |  WAIT (budget)  |  LAUNCH_FAILED       EOF              EOF or
 *	   +-----------------+  |                   v                EOF_WAIT
 *	   |                    |                DRAINED --EXIT--+    |
 *	   |                    v                                 v    v
 *	   +-----RETRY------- DONE <--------------------------------+--+
 *
 * DONE needs the process reaped *and* both of its pipes at EOF, in either
 * order (EXITED: reaped, pipes open; DRAINED: pipes closed, still alive).
 * DEADLINE (its timeout), KILL_AT (the grace after SIGTERM is over),
 * INTERRUPT, INTERRUPT_HARD (bench got SIGINT/SIGTERM once, twice) and
 * EVICT (memory pressure) record why the unit is being stopped and ask for
 * a signal; once the process is reaped they are ignored. A cell the table
 * leaves empty is an impossible pair: unit_step calls BUG().
 *
 * The table says what to do, not how: each cell has the next state and a
 * set of effects (unit_effect) that the engine carries out (signal the
 * group, arm a deadline, give resources back, finish). Resources taken on
 * START are given back on the way to DONE or back to QUEUED, and nowhere
 * else.
 *
 * The end status is computed by one pure function, unit_classify(), from
 * the evidence the run recorded (wait status, the launcher's reading of
 * it, the memory cgroup, the end record, the flags above), in a fixed
 * order of precedence documented there. Status names come from one table,
 * which the store's CHECK constraint is generated from.
 *
 * Nothing here does I/O, reads a clock or touches a process.
 */
#ifndef BENCH_UNIT_H
#define BENCH_UNIT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

enum unit_state {
	UNIT_QUEUED = 0,	/* waits for the scheduler */
	UNIT_STARTING,		/* picked, resources taken, being launched */
	UNIT_RUNNING,		/* its process runs, its pipes are open */
	UNIT_EXITED,		/* reaped; a pipe is still open */
	UNIT_DRAINED,		/* both pipes at EOF; not reaped yet */
	UNIT_DONE,		/* ended and recorded */
	UNIT_NSTATES
};

enum unit_event {
	UNIT_EV_START = 0,	/* the scheduler picked it */
	UNIT_EV_LAUNCHED,	/* its process started */
	UNIT_EV_LAUNCH_FAILED,	/* it could not start: it ends failed */
	UNIT_EV_WAIT,		/* the host budget said not now */
	UNIT_EV_EXIT,		/* its process was reaped */
	UNIT_EV_EOF,		/* the last of its pipes reached EOF */
	UNIT_EV_DEADLINE,	/* its timeout expired */
	UNIT_EV_KILL_AT,	/* the grace after SIGTERM is over */
	UNIT_EV_EOF_WAIT,	/* pipes still open long after the exit */
	UNIT_EV_INTERRUPT,	/* bench was asked to stop */
	UNIT_EV_INTERRUPT_HARD,	/* ... a second time */
	UNIT_EV_EVICT,		/* memory pressure: kill it and requeue */
	UNIT_EV_RETRY,		/* after its end: queue it again */
	UNIT_NEVENTS
};

/* What the engine does for a transition; a cell's effects are OR'd. */
enum unit_effect {
	UNIT_DO_TAKE = 1 << 0,		/* take its resources */
	UNIT_DO_GIVE = 1 << 1,		/* give its resources back */
	UNIT_DO_TERM = 1 << 2,		/* SIGTERM+SIGCONT to the group, arm
					   KILL_AT after the grace */
	UNIT_DO_KILL = 1 << 3,		/* SIGKILL to the group */
	UNIT_DO_DISARM = 1 << 4,	/* its timeout no longer applies */
	UNIT_DO_ARM_EOF = 1 << 5,	/* arm EOF_WAIT (the pipes' grace) */
	UNIT_DO_CUT = 1 << 6,		/* close its pipes; sweep the
					   orphans that held them */
	UNIT_DO_FINISH = 1 << 7,	/* classify, record, decide retry */
	UNIT_DO_ARM = 1 << 8,		/* arm its timeout (DEADLINE) */
	UNIT_DO_NOTHING = 1 << 9,	/* a legal event that changes
					   nothing (a race with the exit) */
};

/* One cell of the table. effects == 0: an impossible pair. */
struct unit_cell {
	enum unit_state	 next;
	unsigned	 effects;
};

extern const struct unit_cell unit_table[UNIT_NSTATES][UNIT_NEVENTS];

const char *unit_state_name(enum unit_state s);
const char *unit_event_name(enum unit_event e);

/*
 * What happened to a unit on the way to its end: flags set by unit_step,
 * and the facts the engine fills in when the unit ends. Strings are not
 * owned.
 */
struct unit_evidence {
	/* set by unit_step */
	int		 timed_out;	/* DEADLINE fired */
	int		 escalated;	/* KILL_AT fired: SIGKILL after TERM */
	int		 interrupted;	/* INTERRUPT(_HARD) while it ran */
	int		 evicted;	/* EVICT */
	int		 pipe_held;	/* EOF_WAIT: a leftover held a pipe */
	/* how its process ended (the launcher's reading of it) */
	int		 wstatus;	/* as if it had run here */
	int		 launch_fault;	/* the end is the launcher's, not the
					   unit's (Slurm: node failure ...) */
	int		 launch_timelimit; /* the launcher's time limit */
	int		 launch_retryable; /* the launcher's fault: retry */
	const char	*launch_error;	/* its message, or NULL */
	/* memory: the unit's cgroup, when it had one */
	int		 cgroup;	/* it ran in a memory cgroup */
	long long	 oom_kills;	/* its OOM-kill count */
	long long	 peak_kb;	/* its peak */
	uint64_t	 cap_mb;	/* its cap */
	const char	*cgroup_kind;	/* "v1", "v2" */
	/* memory: the group around bench (a container's limit), where a
	   unit without a cgroup of its own runs */
	long long	 encl_oom_kills; /* OOM kills counted there while it
					   ran; <= 0 none or unknown */
	long long	 encl_limit_mb;	/* that group's limit; <= 0 none */
	/* the end record, if it sent one */
	int		 have_end;
	const char	*end_status;	/* "ok", "failed", "skipped", "oom" */
	const char	*end_error;	/* or NULL */
	/* the record stream */
	size_t		 nproto;	/* bad records ignored */
	const char	*proto_error;	/* the first one */
	size_t		 dropped_metrics;
	int		 max_metrics;
	double		 timeout_s;	/* for the message */
};

/*
 * Apply event e to a unit in *state with evidence ev: set the flags the
 * event records, move *state along the table, return the cell's effects.
 * An impossible pair is a bug in bench: BUG().
 */
unsigned unit_step(enum unit_state *state, struct unit_evidence *ev,
    enum unit_event e);

/*
 * A unit's deadlines, on CLOCK_MONOTONIC; UNIT_NEVER: not armed. Which
 * apply depends on the state: the escalation (kill_at) and the timeout
 * while the process lives, the pipes' grace (eof_at) once it is reaped.
 */
#define UNIT_NEVER	HUGE_VAL
struct unit_timers {
	double		 timeout_at;	/* DEADLINE */
	double		 kill_at;	/* KILL_AT */
	double		 eof_at;	/* EOF_WAIT */
};

/* Durations the timers are armed with. Plain data. */
struct unit_durations {
	double		 timeout_s;	/* 0: none */
	double		 grace_s;	/* SIGTERM -> SIGKILL */
	double		 eof_grace_s;	/* pipes held after the exit */
};

/* No deadline armed. */
void unit_timers_clear(struct unit_timers *t);
/* Arm and disarm the timers as the effects of a transition say. */
void unit_timers_apply(struct unit_timers *t, unsigned effects, double now,
    const struct unit_durations *d);
/* The earliest deadline that applies in state s, or UNIT_NEVER. */
double unit_timers_next(const struct unit_timers *t, enum unit_state s);
/* The event due at now in state s (its timer disarmed): 1 and *e, or 0. */
int unit_timers_due(struct unit_timers *t, enum unit_state s, double now,
    enum unit_event *e);

/* The end status of a unit: names in the database and on the terminal. */
enum unit_status {
	UNIT_ST_PENDING = 0,
	UNIT_ST_RUNNING,
	UNIT_ST_OK,
	UNIT_ST_FAILED,
	UNIT_ST_CRASHED,
	UNIT_ST_TIMEOUT,
	UNIT_ST_OOM,
	UNIT_ST_SKIPPED,
	UNIT_ST_INTERRUPTED,
	UNIT_NSTATUSES
};

/* "pending", "running", "ok", ... */
const char *unit_status_name(enum unit_status s);
/* name -> status: 0, or -1 for an unknown name. */
int unit_status_parse(const char *name, enum unit_status *s);
/* Whether a unit that ended so is finished (kept by --resume): ok,
   skipped, failed, crashed, timeout, oom. */
int unit_status_final(enum unit_status s);
/*
 * "COLUMN = 'pending' OR COLUMN = 'running' OR ..." for a CHECK
 * constraint. Allocated. Not COLUMN IN (...): SQLite builds a temporary
 * index of a list of more than two values on every run of a statement
 * that checks it, which was half the cost of writing a unit's end.
 */
char *unit_status_sql_check(const char *column);

/* The end of a unit. error is allocated (NULL: none). */
struct unit_verdict {
	enum unit_status status;
	char		*error;
	int		 launch_retryable; /* the launcher's fault: retry */
};

/*
 * The end status of a unit from its evidence, in this order of
 * precedence (the first that holds wins):
 *	1. evicted			interrupted (requeued)
 *	2. interrupted			interrupted
 *	3. memory: an OOM kill in its cgroup; SIGKILL with its peak at 95%
 *	   of its cap (not timed out); SIGKILL while the OOM kill count of
 *	   the group around bench moved (not timed out; a container's
 *	   limit; another unit's kill at that moment is taken for its own
 *	   only if it too died of SIGKILL); an end record saying oom, or failing
 *	   with ENOMEM / "out of memory" / "Cannot allocate memory"	oom
 *	4. timed out (bench's timeout)	timeout
 *	5. the launcher's time limit	timeout
 *	6. another end of the launcher's (node failure ...)	failed
 *	7. killed by a signal		crashed
 *	8. a non-zero exit		failed
 *	9. an end record saying failed	failed; saying skipped: skipped
 *	10. otherwise			ok
 * The error is the reason, else the end record's error; notes of a pipe
 * held open, bad records and dropped metrics are appended.
 */
void unit_classify(const struct unit_evidence *ev, struct unit_verdict *v);

#endif
