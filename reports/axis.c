/*
 * axis: round ticks for the charts (axis.h).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "axis.h"
#include "banned.h"

/* The round steps within a decade, smallest first. */
static const double axis_mant[] = { 1, 2, 5, 10 };

/* Fill ax for [lo, hi] with step; 0 when that takes more than max ticks. */
static int
axis_try(double lo, double hi, double step, int max, struct axis *ax)
{
	double a = floor(lo / step + 1e-9), b = ceil(hi / step - 1e-9);

	if (b - a + 1 > max)
		return 0;
	if (b <= a)
		b = a + 1;
	ax->lo = a * step;
	ax->hi = b * step;
	ax->step = step;
	ax->n = (int)(b - a) + 1;
	return 1;
}

/* The axis with the smallest round step covering [lo, hi] in max ticks. */
void
axis_ticks(double lo, double hi, int max, struct axis *ax)
{
	double t, p, span;
	size_t i;
	int k;

	if (max < 3)
		max = 3;	/* a range across a tick needs three */
	if (max > AXIS_TICKS_MAX)
		max = AXIS_TICKS_MAX;
	if (!isfinite(lo) || !isfinite(hi)) {
		lo = 0;
		hi = 1;
	}
	if (lo > hi) {
		t = lo;
		lo = hi;
		hi = t;
	}
	if (hi == lo) {
		span = lo == 0 ? 1 : pow(10, floor(log10(fabs(lo))));
		lo = lo == 0 ? 0 : lo - span / 2;
		hi = hi == 0 ? 1 : hi + span / 2;
	}
	span = hi - lo;
	/* the smallest round step that could fit, then up to three decades
	   more: 1000 p is at least five times the span, three ticks */
	p = pow(10, floor(log10(span / (max - 1))));
	for (k = 0; k < 4; k++, p *= 10) {
		for (i = 0; i < sizeof axis_mant / sizeof axis_mant[0]; i++) {
			if (axis_try(lo, hi, axis_mant[i] * p, max, ax))
				return;
		}
	}
	/* not reached for finite input; keep the axis sane regardless */
	ax->lo = lo;
	ax->hi = hi;
	ax->step = span;
	ax->n = 2;
}

/* The i-th tick. */
double
axis_at(const struct axis *ax, int i)
{
	double v = (floor(ax->lo / ax->step + 0.5) + i) * ax->step;

	return fabs(v) < ax->step * 1e-9 ? 0.0 : v;
}

/* Where v falls: 0 at lo, 1 at hi. */
double
axis_frac(const struct axis *ax, double v)
{
	return ax->hi > ax->lo ? (v - ax->lo) / (ax->hi - ax->lo) : 0.0;
}

/* A tick as text with the decimals its step needs. */
const char *
axis_label(const struct axis *ax, double v, char *buf, size_t len)
{
	int dec;

	if (fabs(v) < ax->step * 1e-9)
		v = 0.0;
	if (fabs(v) >= 1e7) {
		snprintf(buf, len, "%.3g", v);
		return buf;
	}
	dec = (int)ceil(-log10(ax->step) - 1e-9);
	if (dec < 0)
		dec = 0;
	snprintf(buf, len, "%.*f", dec, v);
	return buf;
}
