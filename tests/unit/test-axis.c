/*
 * test-axis: reports/axis, the charts' round ticks: ranges whose ticks are
 * known by hand (steps of 1, 2 or 5 x 10^k, ends covering the data, no
 * more ticks than asked), negative and degenerate ranges, and labels with
 * exactly the decimals the step needs.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "axis.h"
#include "banned.h"

#define NEAR(a, b)	assert_true(fabs((double)(a) - (double)(b)) < \
			    1e-9 * (fabs((double)(b)) + 1))

/* Assert the axis of [lo, hi] with at most max ticks is want[0..n-1]. */
static void
check(double lo, double hi, int max, const double *want, int n)
{
	struct axis ax;
	int i;

	axis_ticks(lo, hi, max, &ax);
	assert_int_equal(ax.n, n);
	for (i = 0; i < n; i++)
		NEAR(axis_at(&ax, i), want[i]);
	NEAR(ax.lo, want[0]);
	NEAR(ax.hi, want[n - 1]);
}

/* The ranges the reports drew with odd ticks before. */
static void
test_known(void **state)
{
	(void)state;
	/* throughput 0..9.05 units/s: was 0, 2.26, 4.52, 6.79, 9.05 */
	check(0, 9.05, 6, (const double[]){ 0, 2, 4, 6, 8, 10 }, 6);
	/* a run of 2.11 s: was 0.42 s steps */
	check(0, 2.11, 6, (const double[]){ 0, 0.5, 1, 1.5, 2, 2.5 }, 6);
	/* RSS 0..9.8 MiB, five ticks at most */
	check(0, 9.8, 5, (const double[]){ 0, 5, 10 }, 3);
	/* loss -31.2..48.6 %: zero is a tick */
	check(-31.2, 48.6, 6, (const double[]){ -40, -20, 0, 20, 40, 60 },
	    6);
	/* a nightly checksum, all negative */
	check(-7442.5, -3713.8, 4,
	    (const double[]){ -8000, -6000, -4000, -2000 }, 4);
	/* small and large */
	check(0.0011, 0.0049, 5,
	    (const double[]){ 0.001, 0.002, 0.003, 0.004, 0.005 }, 5);
	check(0, 3e6, 4, (const double[]){ 0, 1e6, 2e6, 3e6 }, 4);
	/* exact ends are kept, not pushed a step out */
	check(0, 100, 6, (const double[]){ 0, 20, 40, 60, 80, 100 }, 6);
}

/* Every step is 1, 2 or 5 x 10^k, the ends cover the range and the ticks
   are at most max, over many ranges. */
static void
test_properties(void **state)
{
	static const double spans[] = { 1e-6, 0.003, 0.7, 1, 9.99, 42,
	    1234.5, 7e5, 3.3e9 };
	struct axis ax;
	double m, lo, hi;
	size_t i, j;
	int max;

	(void)state;
	for (i = 0; i < sizeof spans / sizeof spans[0]; i++) {
		for (j = 0; j < 5; j++) {
			lo = (double)j * spans[i] / 3 - spans[i];
			hi = lo + spans[i];
			for (max = 3; max <= AXIS_TICKS_MAX; max++) {
				axis_ticks(lo, hi, max, &ax);
				assert_true(ax.n >= 2 && ax.n <= max);
				assert_true(ax.lo <= lo + 1e-12 * spans[i]);
				assert_true(ax.hi >= hi - 1e-12 * spans[i]);
				m = ax.step / pow(10, floor(log10(ax.step) +
				    1e-9));
				assert_true(fabs(m - 1) < 1e-9 ||
				    fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9);
				NEAR(axis_frac(&ax, ax.lo), 0);
				NEAR(axis_frac(&ax, ax.hi), 1);
			}
		}
	}
}

/* One value, zero, swapped, NaN and infinite ends, silly max. */
static void
test_degenerate(void **state)
{
	struct axis ax;

	(void)state;
	check(0, 0, 5, (const double[]){ 0, 0.5, 1 }, 3);
	axis_ticks(4.2, 4.2, 5, &ax);
	assert_true(ax.lo < 4.2 && ax.hi > 4.2 && ax.n >= 2);
	axis_ticks(-3, -3, 5, &ax);
	assert_true(ax.lo < -3 && ax.hi > -3);
	check(10, 0, 6, (const double[]){ 0, 2, 4, 6, 8, 10 }, 6);
	check(NAN, 5, 5, (const double[]){ 0, 0.5, 1 }, 3);
	check(0, INFINITY, 3, (const double[]){ 0, 0.5, 1 }, 3);
	axis_ticks(0, 1000, 0, &ax);
	assert_true(ax.n >= 2 && ax.n <= 3);
	axis_ticks(0, 1000, 500, &ax);
	assert_true(ax.n <= AXIS_TICKS_MAX);
}

/* Labels: the decimals of the step, no "-0", exponents only when huge. */
static void
test_labels(void **state)
{
	struct axis ax;
	char buf[32];
	int i;

	(void)state;
	axis_ticks(0, 2.11, 6, &ax);
	assert_string_equal(axis_label(&ax, axis_at(&ax, 1), buf,
	    sizeof buf), "0.5");
	assert_string_equal(axis_label(&ax, axis_at(&ax, 2), buf,
	    sizeof buf), "1.0");
	axis_ticks(-31.2, 48.6, 6, &ax);
	assert_string_equal(axis_label(&ax, axis_at(&ax, 0), buf,
	    sizeof buf), "-40");
	assert_string_equal(axis_label(&ax, axis_at(&ax, 2), buf,
	    sizeof buf), "0");
	axis_ticks(0.0011, 0.0049, 5, &ax);
	assert_string_equal(axis_label(&ax, axis_at(&ax, 3), buf,
	    sizeof buf), "0.004");
	axis_ticks(-1, 1, 3, &ax);
	assert_string_equal(axis_label(&ax, -1e-17, buf, sizeof buf), "0");
	axis_ticks(0, 3e7, 4, &ax);
	assert_string_equal(axis_label(&ax, axis_at(&ax, 2), buf,
	    sizeof buf), "2e+07");
	/* every tick of a drifting step is still exact */
	axis_ticks(0, 0.7, 8, &ax);
	for (i = 0; i < ax.n; i++)
		assert_true(strlen(axis_label(&ax, axis_at(&ax, i), buf,
		    sizeof buf)) == 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
