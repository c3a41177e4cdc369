/*
 * stats: sample summaries, Student t intervals, Tukey outliers and Welch
 * changes (see stats.h). Pure: no I/O, no allocation but a sorted copy.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xalloc.h"
#include "banned.h"

/* t(0.975, df) for df = 1..30 (df 0 unused). */
static const double stats_t_table[31] = {
	NAN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
	2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093,
	2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045,
	2.042,
};

/* t(0.975, df); above 30 the Cornish-Fisher expansion around z. */
double
stats_t975(double df)
{
	const double z = 1.959963985;
	double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;

	if (!(df >= 1))
		return NAN;
	if (df < 31)
		return stats_t_table[(int)floor(df)];
	return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) /
	    (96 * df * df) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) /
	    (384 * df * df * df);
}

/* qsort order of doubles. */
static int
stats_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The value at p of a sorted sample, linear between order statistics. */
double
stats_quantile(const double *sorted, size_t n, double p)
{
	double h, f;
	size_t i;

	if (n == 0)
		return NAN;
	h = p * (double)(n - 1);
	i = (size_t)floor(h);
	if (i + 1 >= n)
		return sorted[n - 1];
	f = h - (double)i;
	return sorted[i] + f * (sorted[i + 1] - sorted[i]);
}

/* Mean and sample standard deviation of a sorted sample of n >= 1. */
static void
stats_moments(const double *v, size_t n, struct stats *s)
{
	double sum = 0, ss = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += v[i];
	s->mean = sum / (double)n;
	for (i = 0; i < n; i++)
		ss += (v[i] - s->mean) * (v[i] - s->mean);
	s->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
}

/* Summarise a sample; see stats.h. */
void
stats_compute(const double *x, size_t n, struct stats *s)
{
	double *v = xcalloc(n + 1, sizeof *v), h;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (!isnan(x[i]))
			v[k++] = x[i];
	}
	memset(s, 0, sizeof *s);
	s->n = k;
	s->mean = s->median = s->sd = s->min = s->max = NAN;
	s->q1 = s->q3 = s->lo = s->hi = NAN;
	if (k > 0) {
		qsort(v, k, sizeof *v, stats_cmp);
		stats_moments(v, k, s);
		s->min = v[0];
		s->max = v[k - 1];
		s->median = stats_quantile(v, k, 0.5);
		s->q1 = stats_quantile(v, k, 0.25);
		s->q3 = stats_quantile(v, k, 0.75);
	}
	if (k > 1) {
		h = stats_t975((double)(k - 1)) * s->sd / sqrt((double)k);
		s->lo = s->mean - h;
		s->hi = s->mean + h;
	}
	for (i = 0; i < k; i++)
		s->outliers += (size_t)stats_is_outlier(s, v[i]);
	free(v);
}

/* Tukey's fences; see stats.h. */
int
stats_is_outlier(const struct stats *s, double v)
{
	double iqr = s->q3 - s->q1;

	if (s->n < 4 || isnan(v))
		return 0;
	return v < s->q1 - 1.5 * iqr || v > s->q3 + 1.5 * iqr;
}

/* Welch's change from a to b in percent of a; see stats.h. */
void
stats_change(const struct stats *a, const struct stats *b,
    struct stats_change *c)
{
	double va, vb, se2, df, h;

	c->pct = c->lo = c->hi = NAN;
	c->significant = -1;
	if (a->n == 0 || b->n == 0 || a->mean == 0)
		return;
	c->pct = 100 * (b->mean - a->mean) / fabs(a->mean);
	if (a->n < 2 || b->n < 2)
		return;
	va = a->sd * a->sd / (double)a->n;
	vb = b->sd * b->sd / (double)b->n;
	se2 = va + vb;
	if (se2 == 0) {
		c->lo = c->hi = c->pct;
		c->significant = b->mean != a->mean;
		return;
	}
	df = se2 * se2 / (va * va / (double)(a->n - 1) +
	    vb * vb / (double)(b->n - 1));
	h = stats_t975(df) * sqrt(se2);
	c->lo = 100 * (b->mean - a->mean - h) / fabs(a->mean);
	c->hi = 100 * (b->mean - a->mean + h) / fabs(a->mean);
	c->significant = c->lo > 0 || c->hi < 0;
}

/* The verdict of a change; see stats.h. */
enum stats_verdict
stats_verdict(const struct stats_change *c, int dir, double threshold_pct)
{
	if (isnan(c->pct) || fabs(c->pct) < threshold_pct ||
	    c->significant == 0)
		return STATS_SAME;
	if (dir == 0)
		return STATS_CHANGED;
	return (c->pct > 0) == (dir > 0) ? STATS_BETTER : STATS_WORSE;
}
