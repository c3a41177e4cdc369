/*
 * imgproc: the image-processing kernels of builtin:cellseg (see imgproc.h):
 * Gaussian blur, Otsu's threshold, connected components, Dice and IoU.
 * Everything runs in a fixed order, so results are the same bit for bit on
 * every run.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imgproc.h"
#include "banned.h"

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/* i clamped to 0..n-1. */
static size_t
imgproc_clamp(long i, size_t n)
{
	if (i < 0)
		return 0;
	if ((size_t)i >= n)
		return n - 1;
	return (size_t)i;
}

/* Separable Gaussian blur with a normalised kernel and replicated border. */
void
imgproc_blur(const double *in, double *out, double *tmp, size_t w, size_t h,
    double sigma)
{
	double k[2 * IMGPROC_BLUR_MAX_RADIUS + 1], sum, acc;
	long r, j;
	size_t x, y;

	if (sigma <= 0) {
		if (out != in)
			memmove(out, in, w * h * sizeof *out);
		return;
	}
	r = (long)ceil(3.0 * sigma);
	if (r > IMGPROC_BLUR_MAX_RADIUS)
		r = IMGPROC_BLUR_MAX_RADIUS;
	sum = 0.0;
	for (j = -r; j <= r; j++) {
		k[j + r] = exp(-(double)(j * j) / (2.0 * sigma * sigma));
		sum += k[j + r];
	}
	for (j = 0; j <= 2 * r; j++)
		k[j] /= sum;

	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			acc = 0.0;
			for (j = -r; j <= r; j++)
				acc += k[j + r] * in[y * w +
				    imgproc_clamp((long)x + j, w)];
			tmp[y * w + x] = acc;
		}
	}
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			acc = 0.0;
			for (j = -r; j <= r; j++)
				acc += k[j + r] *
				    tmp[imgproc_clamp((long)y + j, h) * w + x];
			out[y * w + x] = acc;
		}
	}
}

/* Otsu: the bin maximising the between-class variance; -1 if degenerate. */
int
imgproc_otsu(const uint64_t *hist, int nbins)
{
	double total = 0, sumall = 0, w0 = 0, sum0 = 0, w1, m0, m1, var;
	double best = -1;
	int t, used = 0, bt = -1;

	for (t = 0; t < nbins; t++) {
		total += (double)hist[t];
		sumall += (double)t * (double)hist[t];
		if (hist[t] != 0)
			used++;
	}
	if (used < 2)
		return -1;
	for (t = 0; t < nbins - 1; t++) {
		w0 += (double)hist[t];
		sum0 += (double)t * (double)hist[t];
		if (w0 == 0)
			continue;
		w1 = total - w0;
		if (w1 == 0)
			break;
		m0 = sum0 / w0;
		m1 = (sumall - sum0) / w1;
		var = w0 * w1 * (m0 - m1) * (m0 - m1);
		if (var > best) {
			best = var;
			bt = t;
		}
	}
	return bt;
}

/* 4-connected components by breadth-first search; small ones dropped. */
long
imgproc_label(unsigned char *mask, size_t w, size_t h, size_t min_area,
    int32_t *labels)
{
	size_t n = w * h, *q, head, tail, p, x, y, i;
	int32_t next = 1;

	memset(labels, 0, n * sizeof *labels);
	if (n == 0)
		return 0;
	q = malloc(n * sizeof *q);
	if (q == NULL)
		return -1;
	for (p = 0; p < n; p++) {
		if (mask[p] == 0 || labels[p] != 0)
			continue;
		head = tail = 0;
		q[tail++] = p;
		labels[p] = next;
		while (head < tail) {
			i = q[head++];
			x = i % w;
			y = i / w;
#define IMGPROC_VISIT(j) do {						\
	if (mask[(j)] != 0 && labels[(j)] == 0) {			\
		labels[(j)] = next;					\
		q[tail++] = (j);					\
	}								\
} while (0)
			if (x > 0)
				IMGPROC_VISIT(i - 1);
			if (x + 1 < w)
				IMGPROC_VISIT(i + 1);
			if (y > 0)
				IMGPROC_VISIT(i - w);
			if (y + 1 < h)
				IMGPROC_VISIT(i + w);
#undef IMGPROC_VISIT
		}
		if (tail < min_area) {
			for (i = 0; i < tail; i++) {
				mask[q[i]] = 0;
				labels[q[i]] = 0;
			}
		} else
			next++;
	}
	free(q);
	return (long)next - 1;
}

/* Accumulate TP/FP/FN/TN of pred against truth. */
void
imgproc_confusion(const unsigned char *pred, const unsigned char *truth,
    size_t n, struct imgproc_counts *c)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (pred[i] != 0 && truth[i] != 0)
			c->tp++;
		else if (pred[i] != 0)
			c->fp++;
		else if (truth[i] != 0)
			c->fn++;
		else
			c->tn++;
	}
}

/* Dice coefficient from the counts. */
double
imgproc_dice(double tp, double fp, double fn)
{
	double d = 2.0 * tp + fp + fn;

	return d > 0 ? 2.0 * tp / d : 1.0;
}

/* Intersection over union from the counts. */
double
imgproc_iou(double tp, double fp, double fn)
{
	double d = tp + fp + fn;

	return d > 0 ? tp / d : 1.0;
}
