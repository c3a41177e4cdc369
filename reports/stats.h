/*
 * stats: the statistics behind every figure bench reports (README
 * "Statistics"). Pure functions of arrays of doubles: no I/O, no state.
 *
 * The 95% interval of a mean is Student's t: mean +- t(0.975, n-1) * s /
 * sqrt(n), s the sample standard deviation (n - 1). With n < 2 there is no
 * interval: lo and hi are NAN and callers say "n=1".
 *
 * Outliers are Tukey's: a value below q1 - 1.5 IQR or above q3 + 1.5 IQR,
 * the quartiles by linear interpolation between order statistics (as
 * numpy's default), counted only when n >= 4.
 *
 * The change between two samples (bench compare) is Welch's: the
 * difference of means b - a with the interval t(0.975, df) * sqrt(sa^2/na +
 * sb^2/nb), df by Welch-Satterthwaite, expressed in percent of a's mean.
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>

/* A summary of one sample. Every field NAN (n 0) for an empty sample. */
struct stats {
	size_t	n;
	double	mean, median, sd;	/* sd: NAN when n < 2 */
	double	min, max;
	double	q1, q3;			/* quartiles */
	double	lo, hi;			/* 95% interval of the mean; NAN n < 2 */
	size_t	outliers;		/* beyond 1.5 IQR (n >= 4) */
};

/* Summarise x[0..n) (NAN values are skipped) into *s. */
void stats_compute(const double *x, size_t n, struct stats *s);

/* 1 when v is an outlier of the sample s describes (Tukey's fences). */
int stats_is_outlier(const struct stats *s, double v);

/* The value p in [0, 1] of a sorted sample, interpolated (p95: 0.95). */
double stats_quantile(const double *sorted, size_t n, double p);

/* Student's t quantile t(0.975, df), df > 0 (fractional df rounds down,
   which widens the interval). */
double stats_t975(double df);

/* The change from sample a to sample b. */
struct stats_change {
	double	pct;		/* 100 (mean b - mean a) / mean a */
	double	lo, hi;		/* its 95% interval in percent; NAN when
				   either n < 2 */
	int	significant;	/* 1 the interval excludes 0, 0 it does not,
				   -1 unknown (n < 2 on a side, mean a 0) */
};
/* Welch's comparison of a and b (both from stats_compute). */
void stats_change(const struct stats *a, const struct stats *b,
    struct stats_change *c);

/* Verdicts of bench compare, by what is better for the metric. */
enum stats_verdict {
	STATS_SAME,		/* within the threshold or not significant */
	STATS_BETTER,
	STATS_WORSE,
	STATS_CHANGED,		/* changed, but no direction is known */
};
/*
 * The verdict of change c for a metric whose better direction is dir (1
 * higher is better, -1 lower is better, 0 unknown): BETTER/WORSE/CHANGED
 * need |pct| >= threshold_pct and significance (when known: with n < 2 the
 * threshold alone decides).
 */
enum stats_verdict stats_verdict(const struct stats_change *c, int dir,
    double threshold_pct);

#endif
