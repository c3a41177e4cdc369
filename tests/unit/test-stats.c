/*
 * test-stats: reports/stats on fixed samples whose mean, sigma, median,
 * quartiles, t interval and outliers are known by hand, Welch's change
 * between two samples, and the compare verdicts.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "stats.h"
#include "banned.h"

#define NEAR(a, b)	assert_true(fabs((a) - (b)) < 1e-4)

/* 2 4 4 4 5 5 7 9: mean 5, s = sqrt(32/7), t(7) = 2.365, 9 an outlier. */
static void
test_known_sample(void **state)
{
	const double x[] = { 9, 4, 2, 4, 5, 4, 7, 5 };
	double h = 2.365 * sqrt(32.0 / 7) / sqrt(8);
	struct stats s;

	(void)state;
	stats_compute(x, 8, &s);
	assert_int_equal(s.n, 8);
	NEAR(s.mean, 5);
	NEAR(s.sd, sqrt(32.0 / 7));
	NEAR(s.median, 4.5);
	NEAR(s.min, 2);
	NEAR(s.max, 9);
	NEAR(s.q1, 4);
	NEAR(s.q3, 5.5);
	NEAR(s.lo, 5 - h);
	NEAR(s.hi, 5 + h);
	NEAR(s.lo, 3.21215);
	assert_int_equal(s.outliers, 1);
	assert_true(stats_is_outlier(&s, 9));
	assert_false(stats_is_outlier(&s, 7));
}

/* One value: no sigma, no interval; NAN values are skipped. */
static void
test_one_value(void **state)
{
	const double x[] = { NAN, 3.5 };
	struct stats s;

	(void)state;
	stats_compute(x, 2, &s);
	assert_int_equal(s.n, 1);
	NEAR(s.mean, 3.5);
	NEAR(s.median, 3.5);
	assert_true(isnan(s.sd));
	assert_true(isnan(s.lo) && isnan(s.hi));
	assert_int_equal(s.outliers, 0);
	stats_compute(x, 0, &s);
	assert_int_equal(s.n, 0);
	assert_true(isnan(s.mean));
}

/* The t table, and the expansion above it. */
static void
test_t(void **state)
{
	(void)state;
	NEAR(stats_t975(1), 12.706);
	NEAR(stats_t975(4), 2.776);
	NEAR(stats_t975(4.9), 2.776);
	NEAR(stats_t975(30), 2.042);
	assert_true(fabs(stats_t975(60) - 2.000) < 1e-3);
	assert_true(fabs(stats_t975(1e9) - 1.960) < 1e-3);
	assert_true(isnan(stats_t975(0.5)));
}

/* 10 11 12 -> 12 13 14: +18.2%, df 4, interval -2.42%..+38.79%. */
static void
test_welch(void **state)
{
	const double a[] = { 10, 11, 12 }, b[] = { 12, 13, 14 };
	const double c2[] = { 13, 14, 15, 13, 14, 15 };
	double h = 2.776 * sqrt(2.0 / 3);
	struct stats sa, sb;
	struct stats_change c;

	(void)state;
	stats_compute(a, 3, &sa);
	stats_compute(b, 3, &sb);
	stats_change(&sa, &sb, &c);
	NEAR(c.pct, 100 * 2.0 / 11);
	NEAR(c.lo, 100 * (2 - h) / 11);
	NEAR(c.hi, 100 * (2 + h) / 11);
	assert_int_equal(c.significant, 0);
	assert_int_equal(stats_verdict(&c, 1, 5), STATS_SAME);
	stats_compute(c2, 6, &sb);
	stats_change(&sa, &sb, &c);
	assert_int_equal(c.significant, 1);
	assert_true(c.lo > 0);
	assert_int_equal(stats_verdict(&c, 1, 5), STATS_BETTER);
	assert_int_equal(stats_verdict(&c, -1, 5), STATS_WORSE);
	assert_int_equal(stats_verdict(&c, 0, 5), STATS_CHANGED);
	assert_int_equal(stats_verdict(&c, -1, 50), STATS_SAME);
}

/* n = 1 on a side: the threshold alone decides. */
static void
test_change_n1(void **state)
{
	const double a[] = { 10 }, b[] = { 12 }, z[] = { 0, 0 };
	struct stats sa, sb;
	struct stats_change c;

	(void)state;
	stats_compute(a, 1, &sa);
	stats_compute(b, 1, &sb);
	stats_change(&sa, &sb, &c);
	NEAR(c.pct, 20);
	assert_true(isnan(c.lo));
	assert_int_equal(c.significant, -1);
	assert_int_equal(stats_verdict(&c, -1, 5), STATS_WORSE);
	assert_int_equal(stats_verdict(&c, -1, 25), STATS_SAME);
	stats_compute(z, 2, &sa);
	stats_change(&sa, &sb, &c);
	assert_true(isnan(c.pct));
	assert_int_equal(stats_verdict(&c, -1, 5), STATS_SAME);
}

/* Quantiles interpolate. */
static void
test_quantile(void **state)
{
	const double x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	(void)state;
	NEAR(stats_quantile(x, 10, 0.5), 5.5);
	NEAR(stats_quantile(x, 10, 0.95), 9.55);
	NEAR(stats_quantile(x, 10, 1), 10);
	NEAR(stats_quantile(x, 1, 0.95), 1);
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_sample),
		cmocka_unit_test(test_one_value),
		cmocka_unit_test(test_t),
		cmocka_unit_test(test_welch),
		cmocka_unit_test(test_change_n1),
		cmocka_unit_test(test_quantile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
