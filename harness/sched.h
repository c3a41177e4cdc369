/*
 * sched: the scheduling policy of a run, as pure functions of struct sched
 * (no I/O, no clock: `now` is passed in), so every decision can be tested
 * without forking:
 *
 *	admission	a unit starts when what it needs (declared resources,
 *			else its test case's profile) fits what is free: RAM
 *			budget, cores, GPUs with VRAM; a unit that can never
 *			fit runs alone; a remote launcher (Slurm) holds the
 *			resources itself and every unit is admitted: what it
 *			needs (declared, else its profile on the cluster's
 *			nodes + 10%) is what it asks the cluster for
 *	backfill	units go in start order (longest stored wall time
 *			first); when the head does not fit, smaller units
 *			behind it may start, at most `pool` times in a row
 *	pool (AIMD)	an oom end halves the pool (never below 1); as many
 *			oks in a row as workers grow it by one, up to the
 *			slots and the cap (the memory-safe count)
 *	retry		an oom end, or an end the launcher caused, is retried
 *			within `retries` with exponential backoff; a unit
 *			evicted under memory pressure is requeued without
 *			counting an attempt
 *	pressure	below 10% of memory left nothing new starts; below 5%
 *			the youngest running unit is evicted
 *	profiling	with auto workers, the first unit of each test case
 *			with no stored profile runs alone before the pool is
 *			sized from the profiles
 *
 * The engine tells sched what happened (sched_started, sched_ended, the
 * profiles it measured) and does what sched_pick and the decisions say.
 */
#ifndef BENCH_SCHED_H
#define BENCH_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "unit.h"

#define SCHED_MAX_GPUS		16
#define SCHED_MAX_CORES		1024
#define SCHED_MAX_UNIT_CORES	64
#define SCHED_BACKOFF_BASE	0.5	/* seconds before the first retry */
#define SCHED_BACKOFF_MAX	30.0
#define SCHED_PRESSURE_STOP	0.10	/* memory left: no admission */
#define SCHED_PRESSURE_KILL	0.05	/* memory left: evict */
#define SCHED_REMOTE_MEM_MIN_MB	64	/* the least memory a remote unit
					   asks for from its profile */

/* What a unit needs. */
struct sched_need {
	uint64_t	 ram_mb;	/* admission; 0 unknown */
	uint64_t	 cap_mb;	/* the memory cap: declared ram; when
					   remote, else the profile's need
					   (at least SCHED_REMOTE_MEM_MIN_MB):
					   what the unit asks the cluster */
	uint64_t	 vram_mb;	/* per GPU; 0 unknown */
	unsigned	 gpus;
	unsigned	 cpus;		/* cores to bind to; 0 none */
};

/* What a started unit holds: its need and what it was given. */
struct sched_grant {
	struct sched_need need;
	unsigned	 core[SCHED_MAX_UNIT_CORES];
	unsigned	 ncore;
	int		 gpu[SCHED_MAX_GPUS];	/* GPU indices */
	unsigned	 ngpu;
};

/* How a run is scheduled. Plain data. */
struct sched_config {
	int		 nslots;	/* units in flight at most, >= 1 */
	int		 retries;	/* attempts after an oom end */
	int		 remote;	/* the launcher holds the resources:
					   admit every unit, never evict */
	struct sched_need declared;	/* the job's resources; 0 unset */
	/* what this machine offers (ignored when remote) */
	uint64_t	 ram_budget_mb;
	unsigned	 ncores;
	size_t		 ngpus;
	uint64_t	 gpu_budget_mb[SCHED_MAX_GPUS];
};

struct sched;

/* A scheduler for nunits units of ntestcases test cases; every unit is
   done until sched_add queues it. Free with sched_free. */
struct sched *sched_new(const struct sched_config *cfg, size_t nunits,
    size_t ntestcases);
void sched_free(struct sched *s);

/* Queue unit u of test case tc (first: the first unit of tc), in start
   order. */
void sched_add(struct sched *s, size_t u, size_t tc, int first);
/* Sort the queue: the longest stored wall time first; ties and unknowns
   keep their order. */
void sched_order(struct sched *s);

/* A test case's profile: peak RSS (0 unknown), VRAM and wall (NAN
   unknown). */
void sched_profile_set(struct sched *s, size_t tc, long peak_kb,
    double peak_vram_mb, double wall_s);
long sched_profile_peak_kb(const struct sched *s, size_t tc);
double sched_profile_wall(const struct sched *s, size_t tc);
/* The largest peaks over the test cases, for the safe worker count. */
void sched_profile_max(const struct sched *s, long *peak_kb,
    long long *peak_vram_mb);

/* What unit u needs: declared resources, else its profile + 10%; when
   remote, a profile's need is also the request (cap_mb). */
void sched_need(const struct sched *s, size_t u, struct sched_need *need);
/* Whether need fits what is free now / can never fit, even alone. */
int sched_fits(const struct sched *s, const struct sched_need *need);
int sched_never_fits(const struct sched *s, const struct sched_need *need);

/*
 * The next unit to start at time now, or -1; *next_ready gets the earliest
 * time a unit in backoff becomes ready (0: none). Nothing starts while the
 * pool is full, or while paused.
 */
ssize_t sched_pick(struct sched *s, double now, double *next_ready);

/* Take what unit u needs (its grant *g); give it back. */
void sched_take(struct sched *s, size_t u, struct sched_grant *g);
void sched_give(struct sched *s, struct sched_grant *g);
/* u was launched (or ends at once): returns its attempt, from 1. */
int sched_started(struct sched *s, size_t u);

/* How a unit ended, for sched_ended. */
struct sched_end {
	enum unit_status status;
	int		 attempt;
	int		 launch_retryable;
	int		 evicted;
	int		 stopping;	/* the run is being interrupted */
};

/* What sched decided about an end. */
struct sched_decision {
	int		 retry;		/* queue it again ... */
	double		 backoff;	/* ... ready after this many seconds */
	int		 pool_before;	/* the pool changed: both differ */
	int		 pool_after;
};

/* Unit u ended at time now: retry it or count it done, adapt the pool. */
void sched_ended(struct sched *s, size_t u, const struct sched_end *e,
    double now, struct sched_decision *d);

/* Counts. */
size_t sched_queued(const struct sched *s);
int sched_running(const struct sched *s);
int sched_attempts(const struct sched *s, size_t u);
int sched_pool(const struct sched *s);
void sched_set_pool(struct sched *s, int pool);
/* The pool never grows past cap (the memory-safe count; 0: no cap but
   the slots); a pool above it comes down to it now. */
void sched_set_pool_cap(struct sched *s, int cap);
int sched_pool_cap(const struct sched *s);

/*
 * The profiling phase: sched_profiling_begin starts it when a test case
 * has no profile (returns 1) and the pool is 1 while it lasts; only first
 * units of unprofiled test cases start. sched_profiling_over says whether
 * every unprofiled test case now has a profile or an ended first unit,
 * and ends the phase then.
 */
int sched_profiling_begin(struct sched *s);
int sched_profiling(const struct sched *s);
int sched_profiling_over(struct sched *s);

/* Memory pressure verdicts (OR'd). */
enum sched_pressure {
	SCHED_PAUSE = 1 << 0,	/* stop admitting (was admitting) */
	SCHED_RESUME = 1 << 1,	/* admit again (was paused) */
	SCHED_EVICT = 1 << 2,	/* kill the youngest running unit */
};

/* The fraction of memory left (RAM or the fullest GPU) is left: what to
   do. Sets the paused state. */
unsigned sched_pressure(struct sched *s, double left);
int sched_paused(const struct sched *s);

/* The backoff before attempt + 1: base * 2^(attempt-1), at most max. */
double sched_backoff(int attempt);

#endif
