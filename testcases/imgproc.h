/*
 * imgproc: the image-processing kernels of builtin:cellseg, public so the
 * unit tests can check each one: a separable Gaussian blur, Otsu's
 * threshold, connected components with a minimum area, and the pixelwise
 * Dice and IoU scores. Images are row-major doubles, masks are bytes (0 or
 * 1), w columns by h rows.
 */
#ifndef BENCH_IMGPROC_H
#define BENCH_IMGPROC_H

#include <stddef.h>
#include <stdint.h>

#define IMGPROC_BLUR_MAX_RADIUS	64

/* Pixelwise confusion counts of a predicted mask against the truth. */
struct imgproc_counts {
	uint64_t	tp;
	uint64_t	fp;
	uint64_t	fn;
	uint64_t	tn;
};

/*
 * Blur in (w x h) into out with a Gaussian of standard deviation sigma
 * (radius ceil(3 sigma), at most IMGPROC_BLUR_MAX_RADIUS), rows then
 * columns, through tmp (w x h). The kernel sums to 1; the border is
 * replicated (clamp to edge), so the sum is kept for content away from the
 * border. sigma <= 0 copies. in and out may be the same buffer.
 */
void	imgproc_blur(const double *in, double *out, double *tmp, size_t w,
	    size_t h, double sigma);

/*
 * Otsu's threshold of a histogram of nbins bins: the bin t maximising the
 * between-class variance of bins 0..t against t+1..nbins-1 (the first such
 * t on ties). Foreground is bin > t. -1 when fewer than two bins are used.
 */
int	imgproc_otsu(const uint64_t *hist, int nbins);

/*
 * Label the 4-connected components of mask (w x h, nonzero = foreground)
 * into labels (1, 2, ... in raster order of their first pixel; 0 for
 * background). Components smaller than min_area pixels are dropped: their
 * mask pixels are cleared and their labels set to 0. Returns the number of
 * components kept, or -1 when out of memory.
 */
long	imgproc_label(unsigned char *mask, size_t w, size_t h,
	    size_t min_area, int32_t *labels);

/* Add the confusion counts of pred against truth (n pixels) to c. */
void	imgproc_confusion(const unsigned char *pred,
	    const unsigned char *truth, size_t n, struct imgproc_counts *c);

/* Dice 2TP / (2TP + FP + FN); 1 when both masks are empty. */
double	imgproc_dice(double tp, double fp, double fn);

/* IoU (Jaccard) TP / (TP + FP + FN); 1 when both masks are empty. */
double	imgproc_iou(double tp, double fp, double fn);

#endif
