/*
 * sched: admission, backfill, pool size, retries, pressure and the
 * profiling phase of a run (see sched.h). Owns the queue and what is in
 * use of the machine; knows units only by index.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sched.h"
#include "xalloc.h"
#include "banned.h"

/* Where a unit is, for the scheduler. */
enum sched_ustate {
	SCHED_U_DONE = 0,	/* ended, or not part of the run */
	SCHED_U_QUEUED,
	SCHED_U_OUT,		/* started: running or ending */
};

struct sched {
	struct sched_config cfg;
	size_t		 nunits, ntc;
	unsigned char	*ustate;	/* enum sched_ustate per unit */
	unsigned char	*first;		/* the first unit of its test case */
	uint32_t	*tc_of;		/* test case per unit */
	int		*attempts;	/* attempts started per unit */
	double		*ready_at;	/* not before (backoff); 0 now */
	/* 32-bit: a job has at most PLAN_MAX_UNITS units (sched_new
	   refuses more than fit), and these are per unit */
	uint32_t	*order;		/* queued units in start order */
	size_t		 norder;
	uint32_t	*pos;		/* each unit's index in order */
	size_t		 cursor;	/* order[0..cursor) are not queued */
	size_t		 queued;
	int		 running;
	size_t		 head_skips;	/* backfills past the head */
	int		 pool;
	int		 pool_cap;	/* growth stops here; 0: the slots */
	int		 streak;	/* oks since the pool last changed */
	int		 profiling;
	int		 paused;
	/* profiles, per test case */
	long		*peak_kb;	/* 0 unknown */
	double		*peak_vram;	/* NAN unknown */
	double		*wall;		/* NAN unknown */
	/* in use */
	uint64_t	 ram_used_mb;
	unsigned char	 core_used[SCHED_MAX_CORES];
	uint64_t	 gpu_used_mb[SCHED_MAX_GPUS];
	unsigned	 gpu_units[SCHED_MAX_GPUS];
	unsigned	 gpu_whole[SCHED_MAX_GPUS];	/* units of unknown
							   VRAM need on it */
};

/* A scheduler. */
struct sched *
sched_new(const struct sched_config *cfg, size_t nunits, size_t ntestcases)
{
	struct sched *s = xcalloc(1, sizeof *s);
	size_t t;

	s->cfg = *cfg;
	if (s->cfg.nslots < 1)
		s->cfg.nslots = 1;
	if (s->cfg.ncores > SCHED_MAX_CORES)
		s->cfg.ncores = SCHED_MAX_CORES;
	if (s->cfg.ngpus > SCHED_MAX_GPUS)
		s->cfg.ngpus = SCHED_MAX_GPUS;
	if (nunits >= UINT32_MAX || ntestcases >= UINT32_MAX)
		BUG("sched: %zu units of %zu test cases", nunits, ntestcases);
	s->nunits = nunits;
	s->ntc = ntestcases;
	s->ustate = xcalloc(nunits + 1, sizeof *s->ustate);
	s->first = xcalloc(nunits + 1, sizeof *s->first);
	s->tc_of = xcalloc(nunits + 1, sizeof *s->tc_of);
	s->attempts = xcalloc(nunits + 1, sizeof *s->attempts);
	s->ready_at = xcalloc(nunits + 1, sizeof *s->ready_at);
	s->order = xcalloc(nunits + 1, sizeof *s->order);
	s->pos = xcalloc(nunits + 1, sizeof *s->pos);
	s->peak_kb = xcalloc(ntestcases + 1, sizeof *s->peak_kb);
	s->peak_vram = xcalloc(ntestcases + 1, sizeof *s->peak_vram);
	s->wall = xcalloc(ntestcases + 1, sizeof *s->wall);
	for (t = 0; t < ntestcases; t++)
		s->peak_vram[t] = s->wall[t] = NAN;
	s->pool = s->cfg.nslots;
	return s;
}

/* Free a scheduler. */
void
sched_free(struct sched *s)
{
	if (s == NULL)
		return;
	free(s->ustate);
	free(s->first);
	free(s->tc_of);
	free(s->attempts);
	free(s->ready_at);
	free(s->order);
	free(s->pos);
	free(s->peak_kb);
	free(s->peak_vram);
	free(s->wall);
	free(s);
}

/* Queue a unit. */
void
sched_add(struct sched *s, size_t u, size_t tc, int first)
{
	if (u >= s->nunits || tc >= s->ntc || s->ustate[u] != SCHED_U_DONE)
		BUG("sched: unit %zu of test case %zu added twice or out of "
		    "range", u, tc);
	s->ustate[u] = SCHED_U_QUEUED;
	s->first[u] = first != 0;
	s->tc_of[u] = (uint32_t)tc;
	s->pos[u] = (uint32_t)s->norder;
	s->order[s->norder++] = (uint32_t)u;
	s->queued++;
}

/* The longest units first (insertion sort: stable, unknowns stay). */
void
sched_order(struct sched *s)
{
	size_t k, j, x;
	double wx, wy;

	for (k = 1; k < s->norder; k++) {
		x = s->order[k];
		wx = s->wall[s->tc_of[x]];
		for (j = k; j > 0 && !isnan(wx); j--) {
			wy = s->wall[s->tc_of[s->order[j - 1]]];
			if (!isnan(wy) && wy >= wx)
				break;
			s->order[j] = s->order[j - 1];
		}
		s->order[j] = (uint32_t)x;
	}
	for (k = 0; k < s->norder; k++)
		s->pos[s->order[k]] = (uint32_t)k;
	s->cursor = 0;
}

/* Set a test case's profile. */
void
sched_profile_set(struct sched *s, size_t tc, long peak_kb,
    double peak_vram_mb, double wall_s)
{
	if (tc >= s->ntc)
		BUG("sched: test case %zu out of range", tc);
	s->peak_kb[tc] = peak_kb > 0 ? peak_kb : 0;
	if (!isnan(peak_vram_mb))
		s->peak_vram[tc] = peak_vram_mb;
	if (!isnan(wall_s))
		s->wall[tc] = wall_s;
}

/* A test case's peak RSS, 0 unknown. */
long
sched_profile_peak_kb(const struct sched *s, size_t tc)
{
	return tc < s->ntc ? s->peak_kb[tc] : 0;
}

/* A test case's stored wall time, NAN unknown. */
double
sched_profile_wall(const struct sched *s, size_t tc)
{
	return tc < s->ntc ? s->wall[tc] : NAN;
}

/* The largest peaks over every test case. */
void
sched_profile_max(const struct sched *s, long *peak_kb,
    long long *peak_vram_mb)
{
	size_t t;

	*peak_kb = 0;
	*peak_vram_mb = 0;
	for (t = 0; t < s->ntc; t++) {
		if (s->peak_kb[t] > *peak_kb)
			*peak_kb = s->peak_kb[t];
		if (!isnan(s->peak_vram[t]) &&
		    (long long)ceil(s->peak_vram[t]) > *peak_vram_mb)
			*peak_vram_mb = (long long)ceil(s->peak_vram[t]);
	}
}

/* MiB, rounded up, with 10% headroom, of a peak in KiB. */
static uint64_t
sched_headroom_mb(double kib)
{
	return kib > 0 ? (uint64_t)ceil(kib * 11.0 / 10240.0) : 0;
}

/* What a unit needs. */
void
sched_need(const struct sched *s, size_t u, struct sched_need *need)
{
	const struct sched_need *d = &s->cfg.declared;
	size_t tc = s->tc_of[u];

	memset(need, 0, sizeof *need);
	need->cap_mb = d->ram_mb;
	need->ram_mb = d->ram_mb > 0 ? d->ram_mb :
	    sched_headroom_mb((double)s->peak_kb[tc]);
	/* remote: the cluster places by the request, so a measured peak
	   becomes one (never below the floor: a tiny peak is not a limit) */
	if (s->cfg.remote && need->cap_mb == 0 && need->ram_mb > 0)
		need->cap_mb = need->ram_mb > SCHED_REMOTE_MEM_MIN_MB ?
		    need->ram_mb : SCHED_REMOTE_MEM_MIN_MB;
	need->vram_mb = d->vram_mb > 0 ? d->vram_mb :
	    isnan(s->peak_vram[tc]) ? 0 :
	    sched_headroom_mb(s->peak_vram[tc] * 1024.0);
	need->gpus = d->gpus;
	need->cpus = d->cpus;
}

/* Whether GPU g can take one more unit needing vram MiB. */
static int
sched_gpu_free(const struct sched *s, size_t g, uint64_t vram)
{
	if (vram == 0)
		return s->gpu_units[g] == 0;	/* unknown need: exclusive */
	return s->gpu_whole[g] == 0 &&
	    s->gpu_used_mb[g] + vram <= s->cfg.gpu_budget_mb[g];
}

/* Whether need can never fit this machine, even alone. */
int
sched_never_fits(const struct sched *s, const struct sched_need *need)
{
	size_t g, ok = 0;

	if (need->ram_mb > s->cfg.ram_budget_mb || need->cpus >
	    s->cfg.ncores || need->gpus > s->cfg.ngpus)
		return 1;
	for (g = 0; g < s->cfg.ngpus; g++)
		ok += need->vram_mb <= s->cfg.gpu_budget_mb[g];
	return need->gpus > 0 && ok < need->gpus;
}

/* Whether need fits what is free now. */
int
sched_fits(const struct sched *s, const struct sched_need *need)
{
	unsigned c, freec = 0;
	size_t g, freeg = 0;

	if (need->ram_mb > 0 && s->ram_used_mb + need->ram_mb >
	    s->cfg.ram_budget_mb)
		return 0;
	for (c = 0; c < s->cfg.ncores && freec < need->cpus; c++)
		freec += !s->core_used[c];
	if (freec < need->cpus)
		return 0;
	for (g = 0; g < s->cfg.ngpus && freeg < need->gpus; g++)
		freeg += sched_gpu_free(s, g, need->vram_mb);
	return freeg >= need->gpus;
}

/* Whether queued unit u may be considered now (profiling, backoff). */
static int
sched_eligible(const struct sched *s, size_t u, double now,
    double *next_ready)
{
	if (s->ustate[u] != SCHED_U_QUEUED)
		return 0;
	if (s->profiling && (!s->first[u] || s->peak_kb[s->tc_of[u]] > 0))
		return 0;
	if (s->ready_at[u] > now) {
		if (*next_ready == 0 || s->ready_at[u] < *next_ready)
			*next_ready = s->ready_at[u];
		return 0;
	}
	return 1;
}

/* The next unit to start (backfill past a head that does not fit, at
   most `pool` times in a row). */
ssize_t
sched_pick(struct sched *s, double now, double *next_ready)
{
	struct sched_need need;
	ssize_t head = -1;
	size_t k, u;

	*next_ready = 0;
	if (s->paused || s->running >= s->pool)
		return -1;
	/* skip the head of the order that has left the queue for good, so
	   a pick costs what is queued, not what ran */
	while (s->cursor < s->norder &&
	    s->ustate[s->order[s->cursor]] != SCHED_U_QUEUED)
		s->cursor++;
	for (k = s->cursor; k < s->norder; k++) {
		u = s->order[k];
		if (!sched_eligible(s, u, now, next_ready))
			continue;
		sched_need(s, u, &need);
		if (s->cfg.remote || sched_fits(s, &need) ||
		    (s->running == 0 && sched_never_fits(s, &need))) {
			s->head_skips = head >= 0 ? s->head_skips + 1 : 0;
			return (ssize_t)u;
		}
		if (head < 0) {
			head = (ssize_t)u;
			if (s->head_skips >= (size_t)(s->pool > 1 ? s->pool :
			    1))
				return -1;	/* hold the place for the head */
		}
	}
	return -1;
}

/* The GPU with the most free budget that takes one more of g's need. */
static size_t
sched_best_gpu(const struct sched *s, const struct sched_grant *g)
{
	size_t best = SIZE_MAX, i;
	unsigned k;
	int held;

	for (i = 0; i < s->cfg.ngpus; i++) {
		for (held = 0, k = 0; k < g->ngpu; k++)
			held |= g->gpu[k] == (int)i;
		if (held || !sched_gpu_free(s, i, g->need.vram_mb))
			continue;
		if (best == SIZE_MAX || s->cfg.gpu_budget_mb[i] -
		    s->gpu_used_mb[i] > s->cfg.gpu_budget_mb[best] -
		    s->gpu_used_mb[best])
			best = i;
	}
	return best;
}

/* Take unit u's need: RAM, cores, GPUs (nothing when remote). */
void
sched_take(struct sched *s, size_t u, struct sched_grant *g)
{
	unsigned c;
	size_t best;

	memset(g, 0, sizeof *g);
	sched_need(s, u, &g->need);
	if (s->cfg.remote)
		return;
	s->ram_used_mb += g->need.ram_mb;
	for (c = 0; c < s->cfg.ncores && g->ncore < g->need.cpus &&
	    g->ncore < SCHED_MAX_UNIT_CORES; c++) {
		if (!s->core_used[c]) {
			s->core_used[c] = 1;
			g->core[g->ncore++] = c;
		}
	}
	while (g->ngpu < g->need.gpus && g->ngpu < SCHED_MAX_GPUS) {
		if ((best = sched_best_gpu(s, g)) == SIZE_MAX)
			break;		/* runs alone: it never fits */
		s->gpu_used_mb[best] += g->need.vram_mb;
		s->gpu_units[best]++;
		s->gpu_whole[best] += g->need.vram_mb == 0;
		g->gpu[g->ngpu++] = (int)best;
	}
}

/* Give back what sched_take took; the grant is emptied. */
void
sched_give(struct sched *s, struct sched_grant *g)
{
	unsigned k;

	if (!s->cfg.remote)
		s->ram_used_mb -= g->need.ram_mb < s->ram_used_mb ?
		    g->need.ram_mb : s->ram_used_mb;
	for (k = 0; k < g->ncore; k++)
		s->core_used[g->core[k]] = 0;
	for (k = 0; k < g->ngpu; k++) {
		s->gpu_used_mb[g->gpu[k]] -= g->need.vram_mb;
		s->gpu_units[g->gpu[k]]--;
		s->gpu_whole[g->gpu[k]] -= g->need.vram_mb == 0;
	}
	memset(g, 0, sizeof *g);
}

/* A unit starts. */
int
sched_started(struct sched *s, size_t u)
{
	if (u >= s->nunits || s->ustate[u] != SCHED_U_QUEUED)
		BUG("sched: unit %zu started but not queued", u);
	s->ustate[u] = SCHED_U_OUT;
	s->queued--;
	s->running++;
	return ++s->attempts[u];
}

/* The backoff before the next attempt. */
double
sched_backoff(int attempt)
{
	double b = SCHED_BACKOFF_BASE * pow(2, (double)(attempt - 1));

	return b > SCHED_BACKOFF_MAX ? SCHED_BACKOFF_MAX : b;
}

/* The pool after an end: halve on oom, grow after a streak of oks. */
static void
sched_adapt(struct sched *s, enum unit_status st)
{
	if (st == UNIT_ST_OOM) {
		if (s->pool > 1)
			s->pool /= 2;
		s->streak = 0;
	} else if (st == UNIT_ST_OK && s->pool < s->cfg.nslots &&
	    (s->pool_cap == 0 || s->pool < s->pool_cap) &&
	    !s->profiling && ++s->streak >= s->pool) {
		s->pool++;
		s->streak = 0;
	}
}

/* Whether and when to run an ended unit again. */
static void
sched_retry(struct sched *s, size_t u, const struct sched_end *e,
    struct sched_decision *d)
{
	if (e->stopping)
		return;
	if (e->status == UNIT_ST_OOM || e->launch_retryable) {
		if (e->attempt <= s->cfg.retries) {
			d->retry = 1;
			d->backoff = sched_backoff(e->attempt);
		}
	} else if (e->evicted) {
		d->retry = 1;
		d->backoff = SCHED_BACKOFF_BASE;
		s->attempts[u]--;	/* not the unit's fault */
	}
}

/* A unit ended. */
void
sched_ended(struct sched *s, size_t u, const struct sched_end *e,
    double now, struct sched_decision *d)
{
	if (u >= s->nunits || s->ustate[u] != SCHED_U_OUT)
		BUG("sched: unit %zu ended but not started", u);
	memset(d, 0, sizeof *d);
	d->pool_before = s->pool;
	if (!e->evicted)
		sched_adapt(s, e->status);
	d->pool_after = s->pool;
	sched_retry(s, u, e, d);
	s->running--;
	if (d->retry) {
		s->ustate[u] = SCHED_U_QUEUED;
		if (s->pos[u] < s->cursor)
			s->cursor = s->pos[u];
		s->queued++;
		s->ready_at[u] = now + d->backoff;
	} else
		s->ustate[u] = SCHED_U_DONE;
}

/* Units queued. */
size_t
sched_queued(const struct sched *s)
{
	return s->queued;
}

/* Units started and not ended. */
int
sched_running(const struct sched *s)
{
	return s->running;
}

/* Attempts started of a unit. */
int
sched_attempts(const struct sched *s, size_t u)
{
	return u < s->nunits ? s->attempts[u] : 0;
}

/* The pool: units in flight at most. */
int
sched_pool(const struct sched *s)
{
	return s->pool;
}

/* Set the pool, within [1, slots]. */
void
sched_set_pool(struct sched *s, int pool)
{
	s->pool = pool < 1 ? 1 : pool > s->cfg.nslots ? s->cfg.nslots : pool;
	s->streak = 0;
}

/* Cap the pool's growth (the memory-safe count); 0: the slots. */
void
sched_set_pool_cap(struct sched *s, int cap)
{
	s->pool_cap = cap < 0 ? 0 : cap;
	if (s->pool_cap > 0 && s->pool > s->pool_cap)
		s->pool = s->pool_cap;
}

/* The cap on the pool's growth; 0: none but the slots. */
int
sched_pool_cap(const struct sched *s)
{
	return s->pool_cap;
}

/* Start profiling when a test case has no profile. */
int
sched_profiling_begin(struct sched *s)
{
	size_t t;

	s->profiling = 0;
	if (s->cfg.remote)
		return 0;
	for (t = 0; t < s->ntc; t++)
		s->profiling |= s->peak_kb[t] == 0;
	if (s->profiling)
		s->pool = 1;
	return s->profiling;
}

/* Whether the profiling phase is on. */
int
sched_profiling(const struct sched *s)
{
	return s->profiling;
}

/* Whether every unprofiled test case is profiled or its first unit
   ended: then the phase is over. */
int
sched_profiling_over(struct sched *s)
{
	size_t u;

	if (!s->profiling)
		return 0;
	for (u = 0; u < s->nunits; u++) {
		if (s->first[u] && s->peak_kb[s->tc_of[u]] == 0 &&
		    s->ustate[u] != SCHED_U_DONE)
			return 0;
	}
	s->profiling = 0;
	return 1;
}

/* Memory pressure: pause, resume, evict. */
unsigned
sched_pressure(struct sched *s, double left)
{
	unsigned v = 0;

	if (s->cfg.remote)
		return 0;
	if (left < SCHED_PRESSURE_STOP && !s->paused) {
		s->paused = 1;
		v |= SCHED_PAUSE;
	} else if (left >= SCHED_PRESSURE_STOP && s->paused) {
		s->paused = 0;
		v |= SCHED_RESUME;
	}
	if (left < SCHED_PRESSURE_KILL && s->running >= 2)
		v |= SCHED_EVICT;
	return v;
}

/* Whether admission is paused. */
int
sched_paused(const struct sched *s)
{
	return s->paused;
}
