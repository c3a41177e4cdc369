/*
 * run-int: the engine's private state, shared by run.c (the loop and the
 * unit table's effects), run-plan.c, run-start.c, run-end.c and
 * run-watch.c. Not for anyone else.
 */
#ifndef BENCH_RUN_INT_H
#define BENCH_RUN_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include <jansson.h>

#include "host.h"
#include "launch.h"
#include "run.h"
#include "sched.h"
#include "unit.h"

struct guard;
struct loop;
struct sample;
struct slot;
struct unitenv;

#define RUN_COMMIT_EVERY	0.25	/* seconds a transaction stays open */
#define RUN_ENDED_MAX		256	/* ends kept before they are
					   written whatever the loop does */
#define RUN_COMMIT_IDLE		0.05	/* ... when the loop has nothing to
					   do: a commit per short unit cost
					   more than the unit's dispatch */
#define RUN_EOF_GRACE		2.0	/* pipes held open after the exit */
#define RUN_INTERRUPT_GRACE	2.0
#define RUN_MAX_SAMPLES		20000	/* sample rows per unit */
#define RUN_BUDGET_MIN_MB	64	/* smaller units are not reserved */

/* A unit in a slot, from START to DONE. */
struct run_unit {
	struct slot	*io;
	size_t		 unit;		/* job unit index */
	enum unit_state	 state;		/* UNIT_DONE: the slot is free */
	struct unit_evidence ev;
	struct unit_timers tm;
	struct sched_grant grant;
	int		 finish;	/* FINISH pending this iteration */
	int		 wstatus;	/* as reaped */
	struct rusage	 ru;
	int		 attempt;
	int		 start_unrecorded; /* 'running' not written yet */
	double		 start_mono, start_wall;
	double		 end_mono, end_wall;	/* when reaped; 0 not yet */
	int		 co_running;
	struct cgroup	*cg;		/* its memory cgroup */
	long long	 encl_oom0;	/* OOM kills around bench at its
					   start; -1 unknown */
	int64_t		 budget_id;	/* host budget reservation, 0 none */
	struct sample	*sampler;	/* made at the first tick */
	size_t		 nsamples;
};

struct run_state {
	struct job		*job;
	struct store		*st;
	int64_t			 run_id;
	const struct run_config	*cfg;
	struct run_totals	*tot;
	int64_t			*unit_ids;
	size_t			*tc_left;	/* units left per test case */
	unsigned char		*tc_bad;	/* a unit did not end ok */
	json_t			**unit_metrics;	/* {name:[value,timing]} */
	struct run_unit		*units;		/* one per slot */
	struct slot		**slots;	/* units[k].io, for the loop */
	int			 nslots;
	struct sched		*sched;
	struct host		 host;
	struct loop		*loop;
	struct launcher		 local;		/* when cfg->launcher is NULL */
	const struct launcher	*launcher;
	int			 remote;	/* LAUNCH_REMOTE */
	struct launch_nodes	 nodes;		/* remote: its kinds of node */
	char			**avoid;	/* remote: per job unit, the
						   nodes it failed on ("a,b",
						   for --exclude), or NULL */
	struct unit_durations	 dur;
	struct unitenv		*env;
	int			 in_tx;
	double			 tx_since;
	char			*logs_dir;
	char			*work_dir;
	char			*cause;		/* first environment error */
	int			 seen_signals;
	int			 in_busy;	/* servicing while the database
						   is locked */
	int			 budget_wait;	/* the host budget said not now */
	int			 pool_max;	/* a start starved: the pool
						   stays below; 0 none */
	size_t			 kept;		/* units kept from a resumed run */
	size_t			 ncancel;	/* units whose remains were
						   cancelled */
	double			 next_sample;	/* 0 none */
	struct guard		*guard;		/* NULL: none (see guard.h) */
	struct run_ended	*ended;		/* ends not written yet, in
						   order (run_flush_ends) */
	size_t			 nended, ended_cap;
};

/* Make sure a transaction is open: 0, or -1 (rs->cause). */
int run_tx(struct run_state *rs);
/* Commit the open transaction, if any: 0, or -1 (rs->cause). */
int run_commit(struct run_state *rs);
/*
 * Write the ends of units kept by run_finish (their rows, metrics and
 * profiles), oldest first: called when the loop is about to wait, before
 * a commit, and when RUN_ENDED_MAX are kept. An end is not written as the
 * unit ends, so the next unit starts without waiting for SQLite. 0, or -1
 * (rs->cause).
 */
int run_flush_ends(struct run_state *rs);
/* Drop the ends not written (after an environment error). */
void run_ended_clear(struct run_state *rs);
/* Record an environment error (the first wins); returns -1. */
int run_env_error(struct run_state *rs, char *cause);
/* An event: a row in the database and a line on the terminal; u is
   a job unit index, or SIZE_MAX for the run. */
void run_event(struct run_state *rs, size_t u, const char *kind,
    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Move the unit in ru along the unit table and carry out the effects. */
void run_step(struct run_state *rs, struct run_unit *ru, enum unit_event e);
/* Kill every child of bench that is not a running unit. */
void run_kill_orphans(struct run_state *rs);
/* Merge finished test case tci into testcase_metrics (when every unit
   ended ok) and free its units' metrics: 0, or -1 (rs->cause). */
int run_merge(struct run_state *rs, size_t tci);
/* Set the pool from the profiles: the safe worker count. */
void run_size_pool(struct run_state *rs);
/* Prepare the launcher, plan the units, set the first pool. */
int run_prepare(struct run_state *rs);
/* Set up the state of a run / free it. */
int run_setup(struct run_state *rs, char **cause);
void run_teardown(struct run_state *rs);
/* Start unit i in the free slot k: 0 started (or ended at once), 1 the
   host budget says later, -1 an environment error. */
int run_start(struct run_state *rs, int k, size_t i);
/* A unit that could not start for want of the environment: give back what
   it holds, free its slot; when it was started (sched_started), queue it
   again without counting the attempt. */
void run_unstart(struct run_state *rs, struct run_unit *ru, int started);
/* Classify and record the end of the unit in ru; free its slot. */
int run_finish(struct run_state *rs, struct run_unit *ru);
/* After an environment error: kill and reap every unit. */
void run_abandon(struct run_state *rs);
/* At the end: no child of bench survives; budget reservations go. */
void run_end_children(struct run_state *rs);
/* Ask the launcher to cancel what it still holds of the run (all: even
   when the run was not interrupted). */
void run_sweep(struct run_state *rs, int all);
/* After an environment error: kill everything, keep what was recorded. */
void run_fail(struct run_state *rs);
/* Store the sample records a remote unit's worker sent since the last
   call. */
void run_store_samples(struct run_state *rs, struct run_unit *ru);
/* Sample every live unit each sample_s seconds; check the pressure. */
void run_tick(struct run_state *rs, double now);

#endif
