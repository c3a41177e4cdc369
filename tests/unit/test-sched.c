/*
 * test-sched: harness/sched, the scheduling policy of a run, without
 * forking a unit: admission on RAM, cores and GPUs with VRAM, never-fits
 * units run alone, remote launchers, backfill past a head that does not
 * fit, start order, needs from declared resources or profiles, the AIMD
 * pool, retries and their backoff, memory pressure, the profiling phase
 * and the counts. Broken invariants BUG(), checked in a forked child.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bugtest.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sched.h"
#include "banned.h"

#define MAXU	32		/* units in a test at most */

/* A local machine: 1000 MiB of RAM, 8 cores, no GPU, 4 slots. */
static void
local_config(struct sched_config *c)
{
	memset(c, 0, sizeof *c);
	c->nslots = 4;
	c->retries = 2;
	c->ram_budget_mb = 1000;
	c->ncores = 8;
}

/* A remote launcher's configuration: nothing offered, 8 slots. */
static void
remote_config(struct sched_config *c)
{
	memset(c, 0, sizeof *c);
	c->nslots = 8;
	c->retries = 3;
	c->remote = 1;
}

/* Queue units [0, n), each the first of its own test case when own. */
static void
add_units(struct sched *s, size_t n, int own)
{
	size_t u;

	for (u = 0; u < n; u++)
		sched_add(s, u, own ? u : 0, own || u == 0);
}

/* Pick at now, expecting want (-1: nothing), and *next_ready next. */
static void
pick_is(struct sched *s, double now, ssize_t want, double next)
{
	double next_ready = -1;

	assert_int_equal(sched_pick(s, now, &next_ready), want);
	assert_true(next_ready == next);
}

/* Take what u needs into *g and start it; its attempt. */
static int
start_unit(struct sched *s, size_t u, struct sched_grant *g)
{
	sched_take(s, u, g);
	return sched_started(s, u);
}

/* Give back *g and end u's attempt with st at now; the decision in *d. */
static void
finish_unit(struct sched *s, size_t u, struct sched_grant *g,
    enum unit_status st, int attempt, double now, struct sched_decision *d)
{
	struct sched_end e;

	memset(&e, 0, sizeof e);
	e.status = st;
	e.attempt = attempt;
	sched_give(s, g);
	sched_ended(s, u, &e, now, d);
}

/* Start u and end it at once with status st; the decision in *d. */
static int
cycle(struct sched *s, size_t u, enum unit_status st, double now,
    struct sched_decision *d)
{
	struct sched_grant g;
	int attempt = start_unit(s, u, &g);

	finish_unit(s, u, &g, st, attempt, now, d);
	return attempt;
}

/*
 * RAM: two units of 600 MiB declared in a 1000 MiB budget; one fits, the
 * second waits until the first gives its RAM back.
 */
static void
test_admit_ram(void **state)
{
	struct sched_config c;
	struct sched_grant g0, g1;
	struct sched_need n;
	struct sched *s;

	local_config(&c);
	c.declared.ram_mb = 600;
	s = sched_new(&c, 2, 1);
	add_units(s, 2, 0);

	sched_need(s, 1, &n);
	assert_int_equal(n.ram_mb, 600);
	assert_int_equal(n.cap_mb, 600);
	assert_true(sched_fits(s, &n));
	assert_false(sched_never_fits(s, &n));

	pick_is(s, 0, 0, 0);
	assert_int_equal(start_unit(s, 0, &g0), 1);
	assert_int_equal(g0.need.ram_mb, 600);
	assert_int_equal(g0.ncore, 0);
	assert_int_equal(g0.ngpu, 0);
	assert_false(sched_fits(s, &n));
	pick_is(s, 0, -1, 0);

	sched_give(s, &g0);
	assert_int_equal(g0.need.ram_mb, 0);	/* the grant is emptied */
	assert_true(sched_fits(s, &n));
	pick_is(s, 0, 1, 0);
	start_unit(s, 1, &g1);
	sched_give(s, &g1);
	sched_free(s);
}

/* Cores: units binding 2 cores each on 3 cores run one at a time. */
static void
test_admit_cores(void **state)
{
	struct sched_config c;
	struct sched_grant g0, g1;
	struct sched_need n;
	struct sched *s;

	local_config(&c);
	c.ncores = 3;
	c.declared.cpus = 2;
	s = sched_new(&c, 2, 1);
	add_units(s, 2, 0);

	pick_is(s, 0, 0, 0);
	start_unit(s, 0, &g0);
	assert_int_equal(g0.ncore, 2);
	assert_int_equal(g0.core[0], 0);
	assert_int_equal(g0.core[1], 1);
	sched_need(s, 1, &n);
	assert_int_equal(n.cpus, 2);
	assert_int_equal(n.ram_mb, 0);		/* unknown: not counted */
	assert_false(sched_fits(s, &n));
	pick_is(s, 0, -1, 0);

	sched_give(s, &g0);
	pick_is(s, 0, 1, 0);
	start_unit(s, 1, &g1);
	assert_int_equal(g1.ncore, 2);
	assert_int_equal(g1.core[0], 0);
	assert_int_equal(g1.core[1], 1);
	sched_give(s, &g1);

	/* more cores than the machine has: never fits */
	n.cpus = 4;
	assert_true(sched_never_fits(s, &n));
	n.cpus = 3;
	assert_false(sched_never_fits(s, &n));
	sched_free(s);
}

/*
 * GPUs: VRAM is a budget per GPU, each unit goes to the GPU with the most
 * left; a unit needing two GPUs takes two; one whose VRAM need is unknown
 * has a GPU to itself.
 */
static void
test_admit_gpus(void **state)
{
	struct sched_config c;
	struct sched_grant g[5];
	struct sched_need n;
	struct sched *s;
	size_t u;

	local_config(&c);
	c.ngpus = 2;
	c.gpu_budget_mb[0] = c.gpu_budget_mb[1] = 1000;
	c.declared.gpus = 1;

	/* 600 MiB each: one per GPU */
	c.declared.vram_mb = 600;
	s = sched_new(&c, 3, 1);
	add_units(s, 3, 0);
	for (u = 0; u < 2; u++) {
		pick_is(s, 0, (ssize_t)u, 0);
		start_unit(s, u, &g[u]);
		assert_int_equal(g[u].ngpu, 1);
		assert_int_equal(g[u].gpu[0], (int)u);
	}
	pick_is(s, 0, -1, 0);
	sched_give(s, &g[0]);
	pick_is(s, 0, 2, 0);
	start_unit(s, 2, &g[2]);
	assert_int_equal(g[2].gpu[0], 0);
	sched_free(s);

	/* 400 MiB each: two per GPU, spread */
	c.declared.vram_mb = 400;
	s = sched_new(&c, 5, 1);
	add_units(s, 5, 0);
	for (u = 0; u < 4; u++) {
		pick_is(s, 0, (ssize_t)u, 0);
		start_unit(s, u, &g[u]);
		assert_int_equal(g[u].gpu[0], (int)(u % 2));
	}
	pick_is(s, 0, -1, 0);
	sched_free(s);

	/* two GPUs each: one unit at a time */
	c.declared.gpus = 2;
	c.declared.vram_mb = 600;
	s = sched_new(&c, 2, 1);
	add_units(s, 2, 0);
	pick_is(s, 0, 0, 0);
	start_unit(s, 0, &g[0]);
	assert_int_equal(g[0].ngpu, 2);
	assert_int_equal(g[0].gpu[0], 0);
	assert_int_equal(g[0].gpu[1], 1);
	pick_is(s, 0, -1, 0);
	sched_give(s, &g[0]);
	pick_is(s, 0, 1, 0);
	sched_free(s);

	/* unknown VRAM: a GPU each, exclusive */
	c.declared.gpus = 1;
	c.declared.vram_mb = 0;
	s = sched_new(&c, 3, 1);
	add_units(s, 3, 0);
	sched_need(s, 0, &n);
	assert_int_equal(n.vram_mb, 0);
	assert_int_equal(n.gpus, 1);
	pick_is(s, 0, 0, 0);
	start_unit(s, 0, &g[0]);
	pick_is(s, 0, 1, 0);
	start_unit(s, 1, &g[1]);
	assert_int_equal(g[0].gpu[0], 0);
	assert_int_equal(g[1].gpu[0], 1);
	pick_is(s, 0, -1, 0);
	sched_give(s, &g[1]);
	pick_is(s, 0, 2, 0);
	start_unit(s, 2, &g[2]);
	assert_int_equal(g[2].gpu[0], 1);

	/* what can never fit */
	n.gpus = 3;
	assert_true(sched_never_fits(s, &n));
	n.gpus = 1;
	n.vram_mb = 1001;
	assert_true(sched_never_fits(s, &n));
	n.vram_mb = 1000;
	assert_false(sched_never_fits(s, &n));
	sched_free(s);
}

/*
 * A GPU given whole to a unit of unknown VRAM need is not shared: neither
 * a unit of unknown need nor one of known need joins it, and a unit of
 * unknown need does not join a GPU in use.
 */
static void
test_admit_gpu_exclusive(void **state)
{
	struct sched_config c;
	struct sched_grant g0, g1;
	struct sched_need n;
	struct sched *s;

	local_config(&c);
	c.ngpus = 1;
	c.gpu_budget_mb[0] = 1000;
	c.declared.gpus = 1;
	/* test case 0: VRAM unknown; test case 1: 300 MiB */
	s = sched_new(&c, 2, 2);
	sched_profile_set(s, 0, 1024, NAN, NAN);
	sched_profile_set(s, 1, 1024, 300, NAN);
	add_units(s, 2, 1);

	/* known first: the unknown one waits for the GPU to be free */
	sched_need(s, 1, &n);
	assert_int_equal(n.vram_mb, 330);
	sched_take(s, 1, &g1);
	sched_need(s, 0, &n);
	assert_false(sched_fits(s, &n));
	sched_give(s, &g1);
	assert_true(sched_fits(s, &n));

	/* unknown first: the GPU is its own */
	start_unit(s, 0, &g0);
	assert_int_equal(g0.ngpu, 1);
	assert_int_equal(g0.gpu[0], 0);
	assert_false(sched_fits(s, &n));
	sched_need(s, 1, &n);
	assert_int_equal(n.vram_mb, 330);
	/* and no unit of known need joins it there */
	assert_false(sched_fits(s, &n));
	pick_is(s, 0, -1, 0);
	sched_give(s, &g0);
	sched_free(s);
}

/*
 * A unit that can never fit starts only when nothing runs, and then runs
 * alone: what it took keeps every other unit out until it ends.
 */
static void
test_never_fits(void **state)
{
	struct sched_config c;
	struct sched_decision d;
	struct sched_grant g0, g1;
	struct sched_need n;
	struct sched *s;

	local_config(&c);
	s = sched_new(&c, 3, 2);
	sched_profile_set(s, 0, 40 << 10, NAN, NAN);	/* 44 MiB */
	sched_profile_set(s, 1, 2000 << 10, NAN, NAN);	/* 2200 MiB */
	sched_add(s, 0, 0, 1);
	sched_add(s, 1, 1, 1);
	sched_need(s, 1, &n);
	assert_int_equal(n.ram_mb, 2200);
	assert_int_equal(n.cap_mb, 0);
	assert_true(sched_never_fits(s, &n));
	assert_false(sched_fits(s, &n));

	pick_is(s, 0, 0, 0);
	start_unit(s, 0, &g0);
	/* something runs: the big one waits */
	pick_is(s, 0, -1, 0);
	finish_unit(s, 0, &g0, UNIT_ST_OK, 1, 0, &d);
	pick_is(s, 0, 1, 0);
	start_unit(s, 1, &g1);
	assert_int_equal(g1.need.ram_mb, 2200);

	/* it runs: a small one queued now waits for it */
	sched_add(s, 2, 0, 0);
	pick_is(s, 0, -1, 0);
	finish_unit(s, 1, &g1, UNIT_ST_OK, 1, 0, &d);
	pick_is(s, 0, 2, 0);
	sched_free(s);
}

/*
 * A remote launcher asks the cluster for the memory a unit needs: the
 * declared ram, else its profile (measured on the nodes) + 10%, at least
 * SCHED_REMOTE_MEM_MIN_MB; nothing when neither is known. A local run
 * caps only what is declared: a profile is for admission here.
 */
static void
test_remote_request(void **state)
{
	struct sched_config c;
	struct sched_need n;
	struct sched *s;

	(void)state;
	remote_config(&c);
	s = sched_new(&c, 3, 3);
	add_units(s, 3, 1);
	sched_need(s, 0, &n);
	assert_int_equal(n.cap_mb, 0);		/* no profile: no request */
	sched_profile_set(s, 0, 1000L * 1024, NAN, NAN);
	sched_need(s, 0, &n);
	assert_int_equal(n.ram_mb, 1100);
	assert_int_equal(n.cap_mb, 1100);	/* --mem=1100M */
	sched_profile_set(s, 1, 2048, NAN, NAN);	/* 2 MiB: the floor */
	sched_need(s, 1, &n);
	assert_int_equal(n.ram_mb, 3);
	assert_int_equal(n.cap_mb, SCHED_REMOTE_MEM_MIN_MB);
	sched_free(s);

	c.declared.ram_mb = 500;		/* declared wins */
	s = sched_new(&c, 3, 3);
	add_units(s, 3, 1);
	sched_profile_set(s, 0, 1000L * 1024, NAN, NAN);
	sched_need(s, 0, &n);
	assert_int_equal(n.cap_mb, 500);
	sched_free(s);

	local_config(&c);
	s = sched_new(&c, 3, 3);
	add_units(s, 3, 1);
	sched_profile_set(s, 0, 100L * 1024, NAN, NAN);
	sched_need(s, 0, &n);
	assert_int_equal(n.ram_mb, 110);
	assert_int_equal(n.cap_mb, 0);
	sched_free(s);
}

/*
 * A remote launcher: every unit is admitted, whatever it declares and the
 * machine offers, nothing is taken, and the pool still bounds the units
 * in flight.
 */
static void
test_remote(void **state)
{
	struct sched_config c;
	struct sched_decision d;
	struct sched_grant g[4];
	struct sched_need n;
	struct sched *s;
	size_t u;

	remote_config(&c);
	c.nslots = 3;
	c.declared.ram_mb = 5000;
	c.declared.cpus = 8;
	c.declared.gpus = 2;
	c.declared.vram_mb = 4000;
	s = sched_new(&c, 4, 1);
	add_units(s, 4, 0);
	sched_need(s, 0, &n);
	assert_false(sched_fits(s, &n));
	assert_true(sched_never_fits(s, &n));

	for (u = 0; u < 3; u++) {
		pick_is(s, 0, (ssize_t)u, 0);
		start_unit(s, u, &g[u]);
		assert_int_equal(g[u].need.ram_mb, 5000);
		assert_int_equal(g[u].ncore, 0);
		assert_int_equal(g[u].ngpu, 0);
	}
	pick_is(s, 0, -1, 0);			/* the pool is full */
	finish_unit(s, 0, &g[0], UNIT_ST_OK, 1, 0, &d);
	pick_is(s, 0, 3, 0);

	/* no pressure verdicts and no profiling for a remote run */
	assert_int_equal(sched_pressure(s, 0.01), 0);
	assert_false(sched_paused(s));
	assert_int_equal(sched_profiling_begin(s), 0);
	sched_free(s);
}

/*
 * Backfill: when the head does not fit, smaller units behind it start, at
 * most `pool` times in a row; then nothing starts until the head can.
 */
static void
test_backfill(void **state)
{
	struct sched_config c;
	struct sched_decision d;
	struct sched_grant g[5];
	struct sched_need n;
	struct sched *s;

	local_config(&c);
	c.nslots = 8;
	s = sched_new(&c, 5, 2);
	sched_profile_set(s, 0, 600 << 10, NAN, NAN);	/* 660 MiB */
	sched_profile_set(s, 1, 40 << 10, NAN, NAN);	/* 44 MiB */
	sched_add(s, 0, 0, 1);
	sched_add(s, 1, 0, 0);
	sched_add(s, 2, 1, 1);
	sched_add(s, 3, 1, 0);
	sched_add(s, 4, 1, 0);
	sched_set_pool(s, 2);

	pick_is(s, 0, 0, 0);
	start_unit(s, 0, &g[0]);
	/* the head (1) does not fit: 2 goes past it */
	pick_is(s, 0, 2, 0);
	start_unit(s, 2, &g[2]);
	pick_is(s, 0, -1, 0);			/* the pool is full */
	finish_unit(s, 2, &g[2], UNIT_ST_FAILED, 1, 0, &d);
	/* a second time */
	pick_is(s, 0, 3, 0);
	start_unit(s, 3, &g[3]);
	finish_unit(s, 3, &g[3], UNIT_ST_FAILED, 1, 0, &d);
	/* twice in a row is the pool: hold for the head though 4 fits */
	assert_int_equal(sched_running(s), 1);
	sched_need(s, 4, &n);
	assert_true(sched_fits(s, &n));
	pick_is(s, 0, -1, 0);
	pick_is(s, 0, -1, 0);

	/* the head fits at last, then the rest go on */
	finish_unit(s, 0, &g[0], UNIT_ST_FAILED, 1, 0, &d);
	pick_is(s, 0, 1, 0);
	start_unit(s, 1, &g[1]);
	pick_is(s, 0, 4, 0);
	sched_free(s);
}

/*
 * Start order: the longest stored wall time first; ties keep their order;
 * units of unknown wall time keep theirs, after the known ones.
 */
static void
test_order(void **state)
{
	static const double walls[] = { NAN, 5, NAN, 10, 5, 0.5 };
	static const ssize_t want[] = { 3, 1, 4, 5, 0, 2 };
	struct sched_config c;
	struct sched_grant g;
	struct sched *s;
	size_t i, n = sizeof walls / sizeof walls[0];

	remote_config(&c);
	s = sched_new(&c, n, n);
	for (i = 0; i < n; i++)
		sched_profile_set(s, i, 1024, NAN, walls[i]);
	add_units(s, n, 1);
	sched_order(s);
	assert_true(sched_profile_wall(s, 3) == 10);
	assert_true(isnan(sched_profile_wall(s, 0)));
	assert_true(isnan(sched_profile_wall(s, n)));

	for (i = 0; i < n; i++) {
		pick_is(s, 0, want[i], 0);
		start_unit(s, (size_t)want[i], &g);
	}
	pick_is(s, 0, -1, 0);
	sched_free(s);

	/* no wall time known: the job's order */
	s = sched_new(&c, 3, 3);
	add_units(s, 3, 1);
	sched_order(s);
	for (i = 0; i < 3; i++) {
		pick_is(s, 0, (ssize_t)i, 0);
		start_unit(s, i, &g);
	}
	sched_free(s);
}

/*
 * Needs: declared resources win; else the profile's peak RSS (and VRAM)
 * plus 10%, rounded up to MiB; unknown stays 0. The profile accessors.
 */
static void
test_need(void **state)
{
	struct sched_config c;
	struct sched_need n;
	struct sched *s;
	long long vram;
	long peak;

	local_config(&c);
	s = sched_new(&c, 5, 5);
	sched_profile_set(s, 0, 1000 << 10, 500, NAN);
	sched_profile_set(s, 1, 1024 << 10, NAN, NAN);
	sched_profile_set(s, 2, 1, 0.4, NAN);
	sched_profile_set(s, 3, -5, NAN, NAN);
	sched_profile_set(s, 4, 100 << 10, 100, NAN);
	add_units(s, 5, 1);

	sched_need(s, 0, &n);
	assert_int_equal(n.ram_mb, 1100);
	assert_int_equal(n.vram_mb, 550);
	assert_int_equal(n.cap_mb, 0);
	assert_int_equal(n.gpus, 0);
	assert_int_equal(n.cpus, 0);
	sched_need(s, 1, &n);
	assert_int_equal(n.ram_mb, 1127);	/* 1126.4 */
	assert_int_equal(n.vram_mb, 0);
	sched_need(s, 2, &n);
	assert_int_equal(n.ram_mb, 1);
	assert_int_equal(n.vram_mb, 1);
	sched_need(s, 3, &n);
	assert_int_equal(n.ram_mb, 0);
	assert_int_equal(sched_profile_peak_kb(s, 3), 0);
	sched_need(s, 4, &n);
	/* 100 MiB + 10% is 110 MiB exactly, not a hair above */
	assert_int_equal(n.ram_mb, 110);
	assert_int_equal(n.vram_mb, 110);

	assert_int_equal(sched_profile_peak_kb(s, 0), 1000 << 10);
	assert_int_equal(sched_profile_peak_kb(s, 5), 0);
	sched_profile_max(s, &peak, &vram);
	assert_int_equal(peak, 1024 << 10);
	assert_int_equal(vram, 500);
	/* NAN leaves what is known */
	sched_profile_set(s, 0, 10, NAN, NAN);
	sched_need(s, 0, &n);
	assert_int_equal(n.vram_mb, 550);
	sched_free(s);

	/* declared resources win over the profile */
	c.declared.ram_mb = 512;
	c.declared.vram_mb = 2000;
	c.declared.gpus = 2;
	c.declared.cpus = 4;
	s = sched_new(&c, 1, 1);
	sched_profile_set(s, 0, 4000 << 10, 3000, 1);
	add_units(s, 1, 1);
	sched_need(s, 0, &n);
	assert_int_equal(n.ram_mb, 512);
	assert_int_equal(n.cap_mb, 512);
	assert_int_equal(n.vram_mb, 2000);
	assert_int_equal(n.gpus, 2);
	assert_int_equal(n.cpus, 4);
	sched_free(s);
}

/* The backoff: 0.5 s, doubling with each attempt, at most 30 s. */
static void
test_backoff(void **state)
{
	assert_true(sched_backoff(1) == 0.5);
	assert_true(sched_backoff(2) == 1);
	assert_true(sched_backoff(3) == 2);
	assert_true(sched_backoff(4) == 4);
	assert_true(sched_backoff(7) == 30);	/* 32 */
	assert_true(sched_backoff(1000) == 30);
}

/*
 * An oom end halves the pool, never below 1, and is retried with the
 * backoff of its attempt until `retries` retries are spent.
 */
static void
test_aimd_oom(void **state)
{
	static const int pools[] = { 8, 4, 2, 1, 1 };
	struct sched_config c;
	struct sched_decision d;
	struct sched *s;
	int a;

	remote_config(&c);			/* 8 slots, 3 retries */
	s = sched_new(&c, 1, 1);
	add_units(s, 1, 1);
	assert_int_equal(sched_pool(s), 8);
	for (a = 1; a <= 4; a++) {
		assert_int_equal(cycle(s, 0, UNIT_ST_OOM, 100, &d), a);
		assert_int_equal(d.pool_before, pools[a - 1]);
		assert_int_equal(d.pool_after, pools[a]);
		assert_int_equal(sched_pool(s), pools[a]);
		assert_int_equal(d.retry, a <= 3);
		assert_true(d.backoff == (a <= 3 ? sched_backoff(a) : 0));
		assert_int_equal(sched_queued(s), a <= 3 ? 1 : 0);
		assert_int_equal(sched_running(s), 0);
	}
	assert_int_equal(sched_attempts(s, 0), 4);
	sched_free(s);

	/* no retries: the first oom is the end */
	c.retries = 0;
	s = sched_new(&c, 1, 1);
	add_units(s, 1, 1);
	cycle(s, 0, UNIT_ST_OOM, 0, &d);
	assert_false(d.retry);
	assert_int_equal(sched_queued(s), 0);
	sched_free(s);
}

/*
 * As many oks in a row as the pool grow it by one, up to the slots; an
 * oom starts the count over. The pool set by hand stays in [1, slots].
 */
static void
test_aimd_grow(void **state)
{
	struct sched_config c;
	struct sched_decision d;
	struct sched *s;
	size_t u = 0;
	int i;

	remote_config(&c);
	c.nslots = 4;
	s = sched_new(&c, MAXU, MAXU);
	add_units(s, MAXU, 1);
	sched_set_pool(s, 2);

	cycle(s, u++, UNIT_ST_OK, 0, &d);
	assert_int_equal(d.pool_before, 2);
	assert_int_equal(d.pool_after, 2);
	cycle(s, u++, UNIT_ST_OK, 0, &d);
	assert_int_equal(d.pool_before, 2);
	assert_int_equal(d.pool_after, 3);
	for (i = 0; i < 2; i++)
		cycle(s, u++, UNIT_ST_OK, 0, &d);
	assert_int_equal(sched_pool(s), 3);
	cycle(s, u++, UNIT_ST_OK, 0, &d);
	assert_int_equal(sched_pool(s), 4);
	for (i = 0; i < 5; i++)
		cycle(s, u++, UNIT_ST_OK, 0, &d);
	assert_int_equal(sched_pool(s), 4);	/* the slots */

	sched_set_pool(s, 0);
	assert_int_equal(sched_pool(s), 1);
	sched_set_pool(s, 99);
	assert_int_equal(sched_pool(s), 4);
	assert_true(u <= MAXU);
	sched_free(s);

	/* 3 oks, then an oom: the streak starts over at the new pool */
	c.nslots = 8;
	s = sched_new(&c, MAXU, MAXU);
	add_units(s, MAXU, 1);
	sched_set_pool(s, 4);
	for (u = 0, i = 0; i < 3; i++)
		cycle(s, u++, UNIT_ST_OK, 0, &d);
	cycle(s, u++, UNIT_ST_OOM, 0, &d);
	assert_int_equal(sched_pool(s), 2);
	cycle(s, u++, UNIT_ST_OK, 0, &d);
	assert_int_equal(sched_pool(s), 2);
	cycle(s, u++, UNIT_ST_OK, 0, &d);
	assert_int_equal(sched_pool(s), 3);
	sched_free(s);

	/* no slot configured: one */
	c.nslots = 0;
	s = sched_new(&c, 1, 1);
	assert_int_equal(sched_pool(s), 1);
	sched_free(s);
}

/*
 * The memory-safe count caps growth: a pool of 2 capped at 2 stays there
 * through any number of oks, halves on an oom and grows back to 2, never
 * to the slots; a cap below the pool lowers it; 0 lifts the cap.
 */
static void
test_pool_cap(void **state)
{
	struct sched_config c;
	struct sched_decision d;
	struct sched *s;
	size_t u = 0;
	int i;

	(void)state;
	remote_config(&c);
	c.nslots = 8;
	s = sched_new(&c, MAXU, MAXU);
	add_units(s, MAXU, 1);
	sched_set_pool(s, 2);
	sched_set_pool_cap(s, 2);
	assert_int_equal(sched_pool_cap(s), 2);
	for (i = 0; i < 8; i++)
		cycle(s, u++, UNIT_ST_OK, 0, &d);
	assert_int_equal(sched_pool(s), 2);
	cycle(s, u++, UNIT_ST_OOM, 0, &d);
	assert_int_equal(d.pool_after, 1);
	for (i = 0; i < 8; i++)
		cycle(s, u++, UNIT_ST_OK, 0, &d);
	assert_int_equal(sched_pool(s), 2);

	sched_set_pool(s, 6);
	sched_set_pool_cap(s, 3);
	assert_int_equal(sched_pool(s), 3);
	sched_set_pool_cap(s, 0);
	for (i = 0; i < 4; i++)
		cycle(s, u++, UNIT_ST_OK, 0, &d);
	assert_int_equal(sched_pool(s), 4);
	assert_true(u <= MAXU);
	sched_free(s);
}

/*
 * Retries: a launcher-retryable failure is retried like an oom; other
 * ends are not; an interrupted run retries nothing; an evicted unit is
 * requeued after 0.5 s without counting its attempt or touching the pool.
 */
static void
test_retry(void **state)
{
	struct sched_config c;
	struct sched_decision d;
	struct sched_end e;
	struct sched *s;
	int a;

	remote_config(&c);
	c.retries = 2;
	s = sched_new(&c, 8, 8);
	add_units(s, 8, 1);
	sched_set_pool(s, 3);

	/* the launcher's fault: retried twice, with backoff */
	for (a = 1; a <= 3; a++) {
		memset(&e, 0, sizeof e);
		e.status = UNIT_ST_FAILED;
		e.launch_retryable = 1;
		e.attempt = sched_started(s, 0);
		assert_int_equal(e.attempt, a);
		sched_ended(s, 0, &e, 0, &d);
		assert_int_equal(d.retry, a <= 2);
		assert_true(d.backoff == (a <= 2 ? sched_backoff(a) : 0));
		assert_int_equal(sched_pool(s), 3);
	}

	/* other ends are final */
	cycle(s, 1, UNIT_ST_FAILED, 0, &d);
	assert_false(d.retry);
	cycle(s, 2, UNIT_ST_CRASHED, 0, &d);
	assert_false(d.retry);
	cycle(s, 3, UNIT_ST_TIMEOUT, 0, &d);
	assert_false(d.retry);
	cycle(s, 4, UNIT_ST_INTERRUPTED, 0, &d);
	assert_false(d.retry);
	assert_int_equal(sched_queued(s), 3);

	/* stopping: not even an oom or the launcher's fault is retried */
	memset(&e, 0, sizeof e);
	e.status = UNIT_ST_OOM;
	e.stopping = 1;
	e.attempt = sched_started(s, 5);
	sched_ended(s, 5, &e, 0, &d);
	assert_false(d.retry);
	e.status = UNIT_ST_FAILED;
	e.launch_retryable = 1;
	e.attempt = sched_started(s, 6);
	sched_ended(s, 6, &e, 0, &d);
	assert_false(d.retry);
	assert_int_equal(sched_queued(s), 1);

	/* evicted, twice: requeued, no attempt counted, the pool as it was */
	sched_set_pool(s, 3);
	for (a = 0; a < 2; a++) {
		memset(&e, 0, sizeof e);
		e.status = UNIT_ST_INTERRUPTED;
		e.evicted = 1;
		e.attempt = sched_started(s, 7);
		assert_int_equal(e.attempt, 1);
		assert_int_equal(sched_attempts(s, 7), 1);
		sched_ended(s, 7, &e, 10, &d);
		assert_true(d.retry);
		assert_true(d.backoff == 0.5);
		assert_int_equal(d.pool_before, 3);
		assert_int_equal(d.pool_after, 3);
		assert_int_equal(sched_attempts(s, 7), 0);
		assert_int_equal(sched_queued(s), 1);
	}
	/* evicted while the run stops: not requeued */
	e.stopping = 1;
	e.attempt = sched_started(s, 7);
	sched_ended(s, 7, &e, 10, &d);
	assert_false(d.retry);
	assert_int_equal(sched_queued(s), 0);
	assert_int_equal(sched_pool(s), 3);
	sched_free(s);
}

/*
 * Backoff in pick: a retried unit is not picked before its time, other
 * units go meanwhile, and *next_ready says when the first one is ready.
 */
static void
test_pick_backoff(void **state)
{
	struct sched_config c;
	struct sched_decision d;
	struct sched_end e;
	struct sched *s;

	remote_config(&c);
	s = sched_new(&c, 3, 1);
	add_units(s, 2, 0);
	memset(&e, 0, sizeof e);
	e.status = UNIT_ST_FAILED;
	e.launch_retryable = 1;

	pick_is(s, 100, 0, 0);
	e.attempt = sched_started(s, 0);
	sched_ended(s, 0, &e, 100, &d);		/* ready at 100.5 */
	assert_true(d.retry);
	pick_is(s, 100.125, 1, 100.5);
	sched_started(s, 1);
	e.attempt = 2;				/* as if its second: 1 s */
	sched_ended(s, 1, &e, 100.25, &d);	/* ready at 101.25 */
	assert_true(d.backoff == 1);
	pick_is(s, 100.375, -1, 100.5);
	pick_is(s, 100.5, 0, 0);
	sched_started(s, 0);
	pick_is(s, 100.75, -1, 101.25);
	/* a unit queued now goes ahead of the one in backoff */
	sched_add(s, 2, 0, 0);
	pick_is(s, 100.75, 2, 101.25);
	sched_started(s, 2);
	pick_is(s, 101.25, 1, 0);
	sched_free(s);
}

/*
 * Memory pressure: under 10% left admission pauses (once), under 5% with
 * two units running the youngest is evicted, never the last one; back
 * over 10% admission resumes.
 */
static void
test_pressure(void **state)
{
	struct sched_config c;
	struct sched_decision d;
	struct sched_grant g[3];
	struct sched *s;

	local_config(&c);
	s = sched_new(&c, 3, 1);
	add_units(s, 3, 0);

	assert_int_equal(sched_pressure(s, 0.5), 0);
	assert_false(sched_paused(s));
	pick_is(s, 0, 0, 0);
	start_unit(s, 0, &g[0]);
	pick_is(s, 0, 1, 0);
	start_unit(s, 1, &g[1]);

	assert_int_equal(sched_pressure(s, 0.08), SCHED_PAUSE);
	assert_true(sched_paused(s));
	pick_is(s, 0, -1, 0);
	assert_int_equal(sched_pressure(s, 0.08), 0);
	assert_int_equal(sched_pressure(s, 0.04), SCHED_EVICT);
	assert_true(sched_paused(s));
	finish_unit(s, 1, &g[1], UNIT_ST_OK, 1, 0, &d);
	assert_int_equal(sched_pressure(s, 0.04), 0);	/* the last one */
	pick_is(s, 0, -1, 0);

	assert_int_equal(sched_pressure(s, 0.2), SCHED_RESUME);
	assert_false(sched_paused(s));
	assert_int_equal(sched_pressure(s, 0.2), 0);
	pick_is(s, 0, 2, 0);
	start_unit(s, 2, &g[2]);

	/* straight from plenty to critical: both verdicts */
	assert_int_equal(sched_pressure(s, 0.01), SCHED_PAUSE | SCHED_EVICT);
	/* exactly 10% left is enough */
	assert_int_equal(sched_pressure(s, 0.10), SCHED_RESUME);
	sched_give(s, &g[0]);
	sched_give(s, &g[2]);
	sched_free(s);
}

/*
 * Profiling: with a test case unprofiled the pool is 1 and only first
 * units of unprofiled test cases start; oks do not grow the pool; the
 * phase is over, once, when each has a profile or an ended first unit.
 */
static void
test_profiling(void **state)
{
	struct sched_config c;
	struct sched_decision d;
	struct sched_grant g;
	struct sched *s;

	local_config(&c);
	s = sched_new(&c, 4, 2);
	sched_profile_set(s, 0, 1000, NAN, NAN);
	sched_add(s, 0, 0, 1);
	sched_add(s, 1, 0, 0);
	sched_add(s, 2, 1, 1);
	sched_add(s, 3, 1, 0);
	assert_false(sched_profiling(s));
	assert_int_equal(sched_profiling_over(s), 0);

	assert_int_equal(sched_profiling_begin(s), 1);
	assert_true(sched_profiling(s));
	assert_int_equal(sched_pool(s), 1);
	/* 0 is profiled, 1 and 3 are not first units */
	pick_is(s, 0, 2, 0);
	start_unit(s, 2, &g);
	pick_is(s, 0, -1, 0);
	assert_int_equal(sched_profiling_over(s), 0);

	sched_profile_set(s, 1, 2048, NAN, 3.0);
	finish_unit(s, 2, &g, UNIT_ST_OK, 1, 0, &d);
	assert_int_equal(d.pool_after, 1);
	assert_int_equal(sched_pool(s), 1);
	pick_is(s, 0, -1, 0);
	assert_int_equal(sched_profiling_over(s), 1);
	assert_int_equal(sched_profiling_over(s), 0);
	assert_false(sched_profiling(s));

	sched_set_pool(s, 4);
	pick_is(s, 0, 0, 0);
	start_unit(s, 0, &g);
	pick_is(s, 0, 1, 0);
	sched_free(s);

	/* a first unit that ended without a profile also ends the phase */
	s = sched_new(&c, 2, 1);
	add_units(s, 2, 0);
	assert_int_equal(sched_profiling_begin(s), 1);
	pick_is(s, 0, 0, 0);
	start_unit(s, 0, &g);
	finish_unit(s, 0, &g, UNIT_ST_FAILED, 1, 0, &d);
	assert_int_equal(sched_profiling_over(s), 1);
	sched_free(s);

	/* every test case profiled: no phase, the pool as it was */
	s = sched_new(&c, 1, 1);
	sched_profile_set(s, 0, 1000, NAN, NAN);
	add_units(s, 1, 1);
	assert_int_equal(sched_profiling_begin(s), 0);
	assert_int_equal(sched_pool(s), 4);
	sched_free(s);
}

/* The counts follow sched_add, sched_started and sched_ended. */
static void
test_counts(void **state)
{
	struct sched_config c;
	struct sched_decision d;
	struct sched_end e;
	struct sched *s;

	remote_config(&c);
	s = sched_new(&c, 3, 1);
	assert_int_equal(sched_queued(s), 0);
	add_units(s, 3, 0);
	assert_int_equal(sched_queued(s), 3);
	assert_int_equal(sched_running(s), 0);
	assert_int_equal(sched_attempts(s, 0), 0);

	assert_int_equal(sched_started(s, 0), 1);
	assert_int_equal(sched_started(s, 1), 1);
	assert_int_equal(sched_queued(s), 1);
	assert_int_equal(sched_running(s), 2);
	assert_int_equal(sched_attempts(s, 0), 1);

	cycle(s, 2, UNIT_ST_OK, 0, &d);
	assert_int_equal(sched_queued(s), 0);
	assert_int_equal(sched_running(s), 2);
	assert_int_equal(sched_attempts(s, 2), 1);
	assert_int_equal(sched_attempts(s, 3), 0);	/* out of range */

	/* an oom is requeued: queued again, the attempt stays counted */
	memset(&e, 0, sizeof e);
	e.status = UNIT_ST_OOM;
	e.attempt = 1;
	sched_ended(s, 0, &e, 0, &d);
	assert_true(d.retry);
	assert_int_equal(sched_queued(s), 1);
	assert_int_equal(sched_running(s), 1);
	assert_int_equal(sched_started(s, 0), 2);
	assert_int_equal(sched_attempts(s, 0), 2);
	sched_free(s);
}

/* Misuse number k of the scheduler; 0 is the proper use. */
static void
misuse(const void *arg)
{
	int k = *(const int *)arg;
	struct sched_config c;
	struct sched_decision d;
	struct sched_end e;
	struct sched *s;

	remote_config(&c);
	s = sched_new(&c, 2, 1);
	sched_add(s, 0, 0, 1);
	memset(&e, 0, sizeof e);
	e.status = UNIT_ST_OK;
	switch (k) {
	case 0:
		e.attempt = sched_started(s, 0);
		sched_ended(s, 0, &e, 0, &d);
		break;
	case 1:				/* ended, never started */
		sched_ended(s, 0, &e, 0, &d);
		break;
	case 2:				/* added twice */
		sched_add(s, 0, 0, 1);
		break;
	case 3:				/* out of range */
		sched_add(s, 2, 0, 0);
		break;
	case 4:				/* a test case out of range */
		sched_add(s, 1, 1, 0);
		break;
	case 5:				/* started twice */
		sched_started(s, 0);
		sched_started(s, 0);
		break;
	case 6:				/* ended twice */
		e.attempt = sched_started(s, 0);
		sched_ended(s, 0, &e, 0, &d);
		sched_ended(s, 0, &e, 0, &d);
		break;
	}
	sched_free(s);
}

/* Broken invariants BUG(), each in a forked child; proper use does not. */
static void
test_bugs(void **state)
{
	int k;

	assert_false(dies_of_bug(misuse, &(int){ 0 }));
	for (k = 1; k <= 6; k++) {
		if (!dies_of_bug(misuse, &k))
			fail_msg("misuse %d did not BUG()", k);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admit_ram),
		cmocka_unit_test(test_admit_cores),
		cmocka_unit_test(test_admit_gpus),
		cmocka_unit_test(test_admit_gpu_exclusive),
		cmocka_unit_test(test_never_fits),
		cmocka_unit_test(test_remote),
		cmocka_unit_test(test_remote_request),
		cmocka_unit_test(test_backfill),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_need),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_aimd_oom),
		cmocka_unit_test(test_aimd_grow),
		cmocka_unit_test(test_pool_cap),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_pick_backoff),
		cmocka_unit_test(test_pressure),
		cmocka_unit_test(test_profiling),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_bugs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
