/*
 * conv2d: the kernel of builtin:conv2d, a direct 2-D convolution (strictly,
 * cross-correlation, as in deep-learning frameworks) of NCHW float tensors,
 * public for the unit tests.
 */
#ifndef BENCH_CONV2D_H
#define BENCH_CONV2D_H

#include <stddef.h>

/* The shape of one convolution: square images and kernels. */
struct conv2d_shape {
	size_t	batch;		/* N */
	size_t	channels;	/* C, input channels */
	size_t	out_channels;	/* K */
	size_t	size;		/* H = W of the input */
	size_t	kernel;		/* R = S */
	size_t	stride;		/* >= 1 */
	size_t	pad;		/* zero padding on every side */
};

/* Side of the output: (size + 2 pad - kernel) / stride + 1, or 0 when the
   kernel does not fit. */
size_t	conv2d_out_size(const struct conv2d_shape *s);

/*
 * out[n][k][y][x] = sum over c, r, s (in that order, float accumulator) of
 * in[n][c][y*stride + r - pad][x*stride + s - pad] * w[k][c][r][s], zero
 * outside the input. in is N x C x H x W, w is K x C x R x R, out is
 * N x K x Ho x Ho.
 */
void	conv2d_direct(const struct conv2d_shape *s, const float *in,
	    const float *w, float *out);

#endif
