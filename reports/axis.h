/*
 * axis: the value axis of a chart: round tick values (steps of 1, 2 or 5 x
 * 10^k) covering a range, and their labels with as many decimals as the
 * step needs. Pure functions, no I/O; every SVG chart of reports/ uses
 * them, so a reader never meets a tick at 0.42 s or 4.52 units/s.
 */
#ifndef BENCH_AXIS_H
#define BENCH_AXIS_H

#include <stddef.h>

#define AXIS_TICKS_MAX 21

/* Plain data: an axis from lo to hi (both multiples of step) with n ticks
   lo, lo + step, ..., hi. */
struct axis {
	double	lo, hi;
	double	step;		/* 1, 2 or 5 x 10^k */
	int	n;		/* 2..AXIS_TICKS_MAX */
};

/*
 * The axis whose ends cover [lo, hi] with the smallest round step that
 * needs at most max ticks (max clamped to 3..AXIS_TICKS_MAX: a range
 * across a tick needs three). lo > hi are swapped; lo == hi is widened to a unit around the
 * value (0..1 for 0); a NaN or infinite end gives 0..1.
 */
void axis_ticks(double lo, double hi, int max, struct axis *ax);
/* The i-th tick (0..n-1), computed from the step, without drift; -0 is 0. */
double axis_at(const struct axis *ax, int i);
/* Where v falls on the axis: 0 at lo, 1 at hi. */
double axis_frac(const struct axis *ax, double v);
/*
 * v (a tick of ax) as text with the decimals the step needs ("0.25" is
 * never "0.2500", "-10" never "-10.0"), exponent form at 1e7 and above;
 * returns buf.
 */
const char *axis_label(const struct axis *ax, double v, char *buf,
    size_t len);

#endif
