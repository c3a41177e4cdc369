/*
 * cellseg: builtin:cellseg, segmentation of synthetic fluorescence-
 * microscopy images. Each image holds up to `cells` soft-edged ellipses
 * (random centre, axes, angle, brightness; kept apart so each is its own
 * component) on a background gradient, with Poisson-like (sqrt of the
 * signal) plus Gaussian noise; its ground-truth mask is the ellipses'
 * interiors. The segmentation is a separable Gaussian blur (blur_sigma),
 * normalisation to 0..1, a threshold (Otsu's on 256 bins, or `threshold`
 * when > 0), and 4-connected components of at least min_area pixels.
 *
 * The data do not come from the unit's seed: image i is generated from
 * (data_seed, i), so every partition sees the same data set. Unit part p of
 * nparts segments the images i with i % nparts == p and reports the raw
 * counts (tp, fp, fn, tn, cells_true, cells_found, count_abs_error,
 * images); merge() sums them and recomputes dice, iou and cell_count_error
 * exactly, so a partitioned run equals the single-unit run bit for bit.
 * With repetitions every count is multiplied by the number of reps; the
 * ratios are unchanged.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bench/testcase.h>

#include "imgproc.h"
#include "rng.h"
#include "banned.h"

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define CELLSEG_SIZE_MAX	4096
#define CELLSEG_IMAGES_MAX	1000000
#define CELLSEG_CELLS_MAX	10000
#define CELLSEG_NBINS		256
#define CELLSEG_TRIES		50
#define CELLSEG_PI		3.14159265358979323846

struct cellseg_cell {
	double	cx, cy, a, b, angle, bright;
};

struct cellseg_state {
	size_t		 size;
	size_t		 nimages;	/* of this partition */
	double		 sigma;
	double		 threshold;	/* 0: Otsu */
	size_t		 min_area;
	double		*img;		/* nimages x size^2 */
	unsigned char	*truth;		/* nimages x size^2 */
	unsigned	*cells_true;	/* per image */
	double		*work;		/* size^2 */
	double		*tmp;		/* size^2 */
	unsigned char	*pred;		/* size^2 */
	int32_t		*labels;	/* size^2 */
};

static const struct bench_param_spec cellseg_params[] = {
	{ "image_size", BENCH_PARAM_INT, "128", "image side in pixels" },
	{ "images", BENCH_PARAM_INT, "4", "images in the data set" },
	{ "cells", BENCH_PARAM_INT, "12", "cells per image (at most)" },
	{ "blur_sigma", BENCH_PARAM_REAL, "1.5", "Gaussian blur sigma, px" },
	{ "threshold", BENCH_PARAM_REAL, "0",
	    "fixed threshold in 0..1; 0 uses Otsu's" },
	{ "noise", BENCH_PARAM_REAL, "0.05", "noise level" },
	{ "min_area", BENCH_PARAM_INT, "10", "smallest component kept, px" },
	{ "data_seed", BENCH_PARAM_INT, "42",
	    "seed of the data set (the same for every partition)" },
	{ NULL, 0, NULL, NULL },
};

/* A standard normal deviate (Box-Muller, one of the pair). */
static double
cellseg_gauss(uint64_t *rng)
{
	double u1 = 1.0 - rng_unit(rng), u2 = rng_unit(rng);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * CELLSEG_PI * u2);
}

/* Generate image index of the data set: the cells placed, or -1 (memory). */
static long
cellseg_make_image(size_t size, unsigned ncells, double noise,
    uint64_t data_seed, uint64_t index, double *img, unsigned char *truth)
{
	struct cellseg_cell *cells, *c;
	uint64_t rng;
	double s = (double)size, gx, gy, margin, dx, dy, d, u, v, r, co, si;
	double sig;
	unsigned placed = 0, i, k, t;
	long x0, x1, y0, y1, x, y;
	size_t p;

	rng = data_seed ^ (UINT64_C(0xd1b54a32d192ed03) * (index + 1));
	(void)rng_next(&rng);
	cells = calloc(ncells + 1, sizeof *cells);
	if (cells == NULL)
		return -1;

	gx = rng_unit(&rng);
	gy = rng_unit(&rng);
	for (p = 0; p < size * size; p++) {
		img[p] = 0.05 + 0.1 * (gx * (double)(p % size) +
		    gy * (double)(p / size)) / s;
		truth[p] = 0;
	}

	for (i = 0; i < ncells; i++) {
		for (t = 0; t < CELLSEG_TRIES; t++) {
			c = &cells[placed];
			c->a = s * (0.03 + 0.03 * rng_unit(&rng));
			if (c->a < 2.0)
				c->a = 2.0;
			c->b = c->a * (0.5 + 0.5 * rng_unit(&rng));
			c->angle = CELLSEG_PI * rng_unit(&rng);
			c->bright = 0.5 + 0.5 * rng_unit(&rng);
			margin = c->a + 2.0;
			if (2.0 * margin >= s)
				break;
			c->cx = margin + rng_unit(&rng) * (s - 2.0 * margin);
			c->cy = margin + rng_unit(&rng) * (s - 2.0 * margin);
			for (k = 0; k < placed; k++) {
				dx = c->cx - cells[k].cx;
				dy = c->cy - cells[k].cy;
				d = c->a + cells[k].a + 2.0;
				if (dx * dx + dy * dy < d * d)
					break;
			}
			if (k == placed) {
				placed++;
				break;
			}
		}
	}

	for (i = 0; i < placed; i++) {
		c = &cells[i];
		co = cos(c->angle);
		si = sin(c->angle);
		x0 = (long)floor(c->cx - c->a - 3.0);
		x1 = (long)ceil(c->cx + c->a + 3.0);
		y0 = (long)floor(c->cy - c->a - 3.0);
		y1 = (long)ceil(c->cy + c->a + 3.0);
		for (y = y0 < 0 ? 0 : y0; y <= y1 && y < (long)size; y++) {
			for (x = x0 < 0 ? 0 : x0; x <= x1 && x < (long)size;
			    x++) {
				dx = (double)x + 0.5 - c->cx;
				dy = (double)y + 0.5 - c->cy;
				u = (dx * co + dy * si) / c->a;
				v = (-dx * si + dy * co) / c->b;
				r = sqrt(u * u + v * v);
				p = (size_t)y * size + (size_t)x;
				img[p] += c->bright /
				    (1.0 + exp((r - 1.0) * 10.0));
				if (r <= 1.0)
					truth[p] = 1;
			}
		}
	}

	for (p = 0; p < size * size; p++) {
		sig = img[p] > 0 ? img[p] : 0;
		img[p] += noise * (sqrt(sig) * cellseg_gauss(&rng) +
		    0.5 * cellseg_gauss(&rng));
	}
	free(cells);
	return (long)placed;
}

/* Free the state (any part may be NULL). */
static void
cellseg_free(struct cellseg_state *st)
{
	if (st == NULL)
		return;
	free(st->img);
	free(st->truth);
	free(st->cells_true);
	free(st->work);
	free(st->tmp);
	free(st->pred);
	free(st->labels);
	free(st);
}

/* Read and check the parameters; generate this partition's images. */
static int
cellseg_setup(struct bench_ctx *ctx, void **state)
{
	struct cellseg_state *st;
	int64_t size, images, cells, min_area, data_seed;
	double sigma, threshold, noise;
	size_t i, npix, nparts, j;
	long placed;

	size = bench_param_int(ctx, "image_size", 128);
	images = bench_param_int(ctx, "images", 4);
	cells = bench_param_int(ctx, "cells", 12);
	min_area = bench_param_int(ctx, "min_area", 10);
	data_seed = bench_param_int(ctx, "data_seed", 42);
	sigma = bench_param_real(ctx, "blur_sigma", 1.5);
	threshold = bench_param_real(ctx, "threshold", 0);
	noise = bench_param_real(ctx, "noise", 0.05);
	if (size < 8 || size > CELLSEG_SIZE_MAX) {
		bench_fail(ctx, "image_size must be 8..%d, not %lld",
		    CELLSEG_SIZE_MAX, (long long)size);
		return BENCH_FAILED;
	}
	if (images < 1 || images > CELLSEG_IMAGES_MAX) {
		bench_fail(ctx, "images must be 1..%d, not %lld",
		    CELLSEG_IMAGES_MAX, (long long)images);
		return BENCH_FAILED;
	}
	if (cells < 0 || cells > CELLSEG_CELLS_MAX) {
		bench_fail(ctx, "cells must be 0..%d, not %lld",
		    CELLSEG_CELLS_MAX, (long long)cells);
		return BENCH_FAILED;
	}
	if (min_area < 0 || min_area > size * size) {
		bench_fail(ctx, "min_area must be 0..image_size^2, not %lld",
		    (long long)min_area);
		return BENCH_FAILED;
	}
	if (!(sigma >= 0 && sigma <= 20)) {
		bench_fail(ctx, "blur_sigma must be 0..20, not %g", sigma);
		return BENCH_FAILED;
	}
	if (!(threshold >= 0 && threshold < 1)) {
		bench_fail(ctx, "threshold must be in [0, 1), not %g",
		    threshold);
		return BENCH_FAILED;
	}
	if (!(noise >= 0 && noise <= 10)) {
		bench_fail(ctx, "noise must be 0..10, not %g", noise);
		return BENCH_FAILED;
	}
	nparts = ctx->nparts > 0 ? ctx->nparts : 1;
	if (ctx->part >= nparts) {
		bench_fail(ctx, "part %u out of range (nparts %zu)", ctx->part,
		    nparts);
		return BENCH_FAILED;
	}

	st = calloc(1, sizeof *st);
	if (st == NULL)
		goto nomem;
	st->size = (size_t)size;
	st->sigma = sigma;
	st->threshold = threshold;
	st->min_area = (size_t)min_area;
	npix = st->size * st->size;
	/* images i with i % nparts == part */
	st->nimages = (size_t)images / nparts +
	    ((size_t)images % nparts > ctx->part ? 1 : 0);
	st->img = malloc((st->nimages > 0 ? st->nimages : 1) * npix *
	    sizeof *st->img);
	st->truth = malloc((st->nimages > 0 ? st->nimages : 1) * npix);
	st->cells_true = calloc(st->nimages + 1, sizeof *st->cells_true);
	st->work = malloc(npix * sizeof *st->work);
	st->tmp = malloc(npix * sizeof *st->tmp);
	st->pred = malloc(npix);
	st->labels = malloc(npix * sizeof *st->labels);
	if (st->img == NULL || st->truth == NULL || st->cells_true == NULL ||
	    st->work == NULL || st->tmp == NULL || st->pred == NULL ||
	    st->labels == NULL)
		goto nomem;
	for (j = 0; j < st->nimages; j++) {
		i = ctx->part + j * nparts;
		placed = cellseg_make_image(st->size, (unsigned)cells, noise,
		    (uint64_t)data_seed, i, st->img + j * npix,
		    st->truth + j * npix);
		if (placed < 0)
			goto nomem;
		st->cells_true[j] = (unsigned)placed;
	}
	*state = st;
	return BENCH_OK;

nomem:
	cellseg_free(st);
	bench_fail(ctx, "out of memory for %lld images of %lldx%lld: ENOMEM",
	    (long long)images, (long long)size, (long long)size);
	return BENCH_FAILED;
}

/* Segment one image into st->pred; the number of components, or -1. */
static long
cellseg_segment(struct cellseg_state *st, const double *img)
{
	uint64_t hist[CELLSEG_NBINS];
	size_t p, npix = st->size * st->size;
	double lo, hi, thr, v;
	int t, bin;

	imgproc_blur(img, st->work, st->tmp, st->size, st->size, st->sigma);
	lo = hi = st->work[0];
	for (p = 1; p < npix; p++) {
		if (st->work[p] < lo)
			lo = st->work[p];
		if (st->work[p] > hi)
			hi = st->work[p];
	}
	memset(hist, 0, sizeof hist);
	for (p = 0; p < npix; p++) {
		v = hi > lo ? (st->work[p] - lo) / (hi - lo) : 0.0;
		st->work[p] = v;
		bin = (int)(v * CELLSEG_NBINS);
		if (bin >= CELLSEG_NBINS)
			bin = CELLSEG_NBINS - 1;
		hist[bin]++;
	}
	if (st->threshold > 0)
		thr = st->threshold;
	else {
		t = imgproc_otsu(hist, CELLSEG_NBINS);
		thr = t < 0 ? 2.0 : (double)(t + 1) / CELLSEG_NBINS;
	}
	for (p = 0; p < npix; p++)
		st->pred[p] = st->work[p] >= thr;
	return imgproc_label(st->pred, st->size, st->size, st->min_area,
	    st->labels);
}

/* Report the scores computed from summed counts. */
static void
cellseg_report_scores(double tp, double fp, double fn, double abserr,
    double images, void *ctx, void (*report)(void *, const char *, double))
{
	report(ctx, "dice", imgproc_dice(tp, fp, fn));
	report(ctx, "iou", imgproc_iou(tp, fp, fn));
	report(ctx, "cell_count_error", images > 0 ? abserr / images : 0.0);
}

/* cellseg_report_scores' reporter for a unit. */
static void
cellseg_unit_report(void *ctx, const char *name, double v)
{
	bench_report(ctx, name, v);
}

/* cellseg_report_scores' reporter for merge. */
static void
cellseg_merge_report(void *arg, const char *name, double v)
{
	struct bench_merge_ctx *ctx = arg;

	ctx->report(ctx, name, v, 0);
}

/* Segment this partition's images, timed; report counts and scores. */
static int
cellseg_run(struct bench_ctx *ctx, void *state)
{
	struct cellseg_state *st = state;
	struct imgproc_counts c = { 0, 0, 0, 0 };
	size_t j, npix = st->size * st->size;
	double t0, seconds, ntrue = 0, nfound = 0, abserr = 0;
	long found;

	t0 = ctx->now();
	for (j = 0; j < st->nimages; j++) {
		found = cellseg_segment(st, st->img + j * npix);
		if (found < 0) {
			bench_fail(ctx, "out of memory labelling: ENOMEM");
			return BENCH_FAILED;
		}
		imgproc_confusion(st->pred, st->truth + j * npix, npix, &c);
		ntrue += st->cells_true[j];
		nfound += (double)found;
		abserr += fabs((double)found - (double)st->cells_true[j]);
	}
	seconds = ctx->now() - t0;
	if (seconds < 1e-9)
		seconds = 1e-9;

	bench_report(ctx, "images", (double)st->nimages);
	bench_report(ctx, "tp", (double)c.tp);
	bench_report(ctx, "fp", (double)c.fp);
	bench_report(ctx, "fn", (double)c.fn);
	bench_report(ctx, "tn", (double)c.tn);
	bench_report(ctx, "cells_true", ntrue);
	bench_report(ctx, "cells_found", nfound);
	bench_report(ctx, "count_abs_error", abserr);
	cellseg_report_scores((double)c.tp, (double)c.fp, (double)c.fn, abserr,
	    (double)st->nimages, ctx, cellseg_unit_report);
	bench_report_timing(ctx, "seconds", seconds);
	bench_report_timing(ctx, "images_per_s",
	    (double)st->nimages / seconds);
	return BENCH_OK;
}

/* Free the images. */
static void
cellseg_teardown(struct bench_ctx *ctx, void *state)
{
	cellseg_free(state);
}

/* Sum the units' counts; recompute the scores exactly. */
static int
cellseg_merge(struct bench_merge_ctx *ctx)
{
	static const char *const names[] = { "images", "tp", "fp", "fn", "tn",
	    "cells_true", "cells_found", "count_abs_error" };
	enum { NNAMES = sizeof names / sizeof names[0] };
	double sum[NNAMES], v, seconds = 0;
	size_t i, k;
	int timed = 1;

	memset(sum, 0, sizeof sum);
	for (i = 0; i < ctx->nunits; i++) {
		for (k = 0; k < NNAMES; k++) {
			if (ctx->unit_metric(ctx, i, names[k], &v) != 0) {
				ctx->fail(ctx, "unit %zu has no metric %s", i,
				    names[k]);
				return BENCH_FAILED;
			}
			sum[k] += v;
		}
		if (ctx->unit_metric(ctx, i, "seconds", &v) == 0)
			seconds += v;
		else
			timed = 0;
	}
	for (k = 0; k < NNAMES; k++)
		ctx->report(ctx, names[k], sum[k], 0);
	cellseg_report_scores(sum[1], sum[2], sum[3], sum[7], sum[0], ctx,
	    cellseg_merge_report);
	if (timed && seconds > 0) {
		ctx->report(ctx, "seconds", seconds, 1);
		ctx->report(ctx, "images_per_s", sum[0] / seconds, 1);
	}
	return BENCH_OK;
}

const struct bench_testcase testcase_cellseg = {
	.abi_version = BENCH_TESTCASE_ABI_VERSION,
	.name = "cellseg",
	.description = "segmentation of synthetic fluorescence-microscopy "
	    "images: blur, Otsu, connected components; Dice and IoU",
	.params = cellseg_params,
	.setup = cellseg_setup,
	.run = cellseg_run,
	.teardown = cellseg_teardown,
	.merge = cellseg_merge,
};
