/*
 * test-scale: the analysis of a sweep (reports/scale.c) on made-up
 * levels: the recommendation moves up only on a clear throughput gain,
 * never above the cores for CPU-bound units, never past the latency
 * bound; per-user loss and efficiency against the lowest level.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "scale.h"
#include "banned.h"

#define NEAR(a, b, e)	assert_true(fabs((a) - (b)) < (e))

/* A level of w workers with throughputs t[0..nt) and latencies l[0..nl);
   cpu is the CPU time per second of unit wall time. */
static void
level(struct scale_level *lv, int w, double *t, size_t nt, double *l,
    size_t nl, double cpu)
{
	size_t i;

	memset(lv, 0, sizeof *lv);
	lv->workers = w;
	lv->tput = t;
	lv->ntput = nt;
	lv->lat = l;
	lv->nlat = nl;
	lv->peak_rss_kb = 1024;
	lv->peak_vram_mb = NAN;
	for (i = 0; i < nl; i++)
		lv->busy_s += l[i];
	lv->cpu_s = cpu * lv->busy_s;
}

static const struct scale_budget no_budget = { -1, NULL, 0 };

/* 1 -> 2 doubles clearly: 2 recommended; 4 is over the cores. */
static void
test_clear_gain_capped_at_cores(void **state)
{
	double t1[] = { 10, 10.2, 9.8 }, t2[] = { 19.5, 20, 19.8 };
	double t4[] = { 39, 40, 41 };
	double l1[] = { 0.1, 0.1, 0.11, 0.1 }, l2[] = { 0.1, 0.1, 0.1, 0.11 };
	double l4[] = { 0.1, 0.11, 0.1, 0.1 };
	struct scale_level lv[3];
	struct scale_verdict v;

	(void)state;
	level(&lv[0], 1, t1, 3, l1, 4, 0.95);
	level(&lv[1], 2, t2, 3, l2, 4, 0.95);
	level(&lv[2], 4, t4, 3, l4, 4, 0.95);
	scale_analyse(lv, 3, 2, 2, &no_budget, &v);
	assert_true(v.cpu_bound);
	assert_int_equal(v.rec, 1);
	assert_true(lv[2].over_cores);
	NEAR(lv[1].eff, 19.7667 / 20, 1e-3);
	NEAR(lv[0].loss.pct, 0, 1e-9);

	/* on a loaded machine a busy loop gets a third of a core: still
	   CPU-bound, still no level above the cores */
	level(&lv[0], 1, t1, 3, l1, 4, 0.3);
	level(&lv[1], 2, t2, 3, l2, 4, 0.2);
	level(&lv[2], 4, t4, 3, l4, 4, 0.15);
	scale_analyse(lv, 3, 2, 2, &no_budget, &v);
	assert_true(v.cpu_bound);
	assert_true(lv[2].over_cores);

	/* not CPU-bound: 4 workers are allowed, and clearly better */
	level(&lv[0], 1, t1, 3, l1, 4, 0.05);
	level(&lv[1], 2, t2, 3, l2, 4, 0.05);
	level(&lv[2], 4, t4, 3, l4, 4, 0.05);
	scale_analyse(lv, 3, 2, 2, &no_budget, &v);
	assert_false(v.cpu_bound);
	assert_int_equal(v.rec, 2);
}

/* Overlapping intervals, or one run per level: stay at the lowest. */
static void
test_no_clear_gain(void **state)
{
	double t1[] = { 10, 12, 8 }, t2[] = { 11, 13, 9.5 }, t1b[] = { 10 };
	double t2b[] = { 30 };
	double l[] = { 0.1, 0.1, 0.1, 0.1 };
	struct scale_level lv[2];
	struct scale_verdict v;

	(void)state;
	level(&lv[0], 1, t1, 3, l, 4, 0.1);
	level(&lv[1], 2, t2, 3, l, 4, 0.1);
	scale_analyse(lv, 2, 2, 8, &no_budget, &v);
	assert_int_equal(v.rec, 0);

	level(&lv[0], 1, t1b, 1, l, 4, 0.1);
	level(&lv[1], 2, t2b, 1, l, 4, 0.1);
	scale_analyse(lv, 2, 2, 8, &no_budget, &v);
	assert_int_equal(v.rec, 0);
	assert_int_equal(lv[0].thr.n, 1);
	assert_true(isnan(lv[0].thr.lo));
}

/* A gain under SCALE_GAIN with tight intervals does not move. */
static void
test_small_gain(void **state)
{
	double t1[] = { 10, 10.01, 9.99 }, t2[] = { 10.3, 10.31, 10.29 };
	double l[] = { 0.1, 0.1, 0.1, 0.1 };
	struct scale_level lv[2];
	struct scale_verdict v;

	(void)state;
	level(&lv[0], 1, t1, 3, l, 4, 0.1);
	level(&lv[1], 2, t2, 3, l, 4, 0.1);
	scale_analyse(lv, 2, 2, 8, &no_budget, &v);
	assert_int_equal(v.rec, 0);
}

/* Latency doubling: loss +100%; past --max-latency-x it is not chosen. */
static void
test_loss_and_latency_bound(void **state)
{
	double t1[] = { 10, 10.1, 9.9 }, t2[] = { 15, 15.1, 14.9 };
	double l1[] = { 1, 1.1, 0.9, 1 }, l2[] = { 2, 2.2, 1.8, 2 };
	double l2b[] = { 3, 3.3, 2.7, 3 };
	struct scale_level lv[2];
	struct scale_verdict v;

	(void)state;
	level(&lv[0], 1, t1, 3, l1, 4, 0.1);
	level(&lv[1], 2, t2, 3, l2, 4, 0.1);
	scale_analyse(lv, 2, 2, 8, &no_budget, &v);
	NEAR(lv[1].loss.pct, 100, 1e-6);
	assert_true(lv[1].loss.lo > 0);
	NEAR(lv[1].p50, 2, 1e-9);
	assert_int_equal(v.rec, 1);

	level(&lv[0], 1, t1, 3, l1, 4, 0.1);
	level(&lv[1], 2, t2, 3, l2b, 4, 0.1);
	scale_analyse(lv, 2, 2, 8, &no_budget, &v);
	assert_false(lv[1].in_latency);
	assert_int_equal(v.rec, 0);
}

/* A level with a failed unit is never recommended. */
static void
test_failed_level(void **state)
{
	double t1[] = { 10, 10.1, 9.9 }, t2[] = { 20, 20.1, 19.9 };
	double l[] = { 0.1, 0.1, 0.1, 0.1 };
	struct scale_level lv[2];
	struct scale_verdict v;

	(void)state;
	level(&lv[0], 1, t1, 3, l, 4, 0.1);
	level(&lv[1], 2, t2, 3, l, 4, 0.1);
	lv[1].nfailed = 1;
	scale_analyse(lv, 2, 2, 8, &no_budget, &v);
	assert_int_equal(v.rec, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clear_gain_capped_at_cores),
		cmocka_unit_test(test_no_clear_gain),
		cmocka_unit_test(test_small_gain),
		cmocka_unit_test(test_loss_and_latency_bound),
		cmocka_unit_test(test_failed_level),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
