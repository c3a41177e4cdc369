/*
 * cudnn-conv: builtin:cudnn-conv, a cuDNN convolution forward pass (NCHW,
 * float, stride 1, padding kernel/2) over a batch of images, timed over
 * iters passes. The batch can be split across several CUDA streams, each
 * with its own cuDNN handle, to measure what concurrency buys. Input and
 * filters come from the unit's seed. Without a CUDA device the unit is
 * skipped.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cuda_runtime.h>
#include <cudnn.h>

#include <bench/testcase.h>

#include "gpu.h"
#include "rng.h"
#include "banned.h"

#define CC_DIM_MAX	65536
#define CC_STREAMS_MAX	64
#define CC_ITERS_MAX	100000

/* One slice of the batch: its stream, handle and descriptors. */
struct cc_slice {
	int			 n;		/* images */
	size_t			 first;		/* index of its first image */
	cudaStream_t		 stream;
	cudnnHandle_t		 handle;
	cudnnTensorDescriptor_t	 xdesc;
	cudnnTensorDescriptor_t	 ydesc;
	cudnnConvolutionFwdAlgo_t algo;
	void			*work;
	size_t			 worksize;
	cudaEvent_t		 done;
};

struct cc_state {
	int			 batch, c, k, hw, r, ho;
	int64_t			 iters;
	int			 nslices;
	struct cc_slice		*slices;
	cudnnFilterDescriptor_t	 wdesc;
	cudnnConvolutionDescriptor_t convdesc;
	float			*dx;		/* device: input */
	float			*dw;		/* filters */
	float			*dy;		/* output */
	size_t			 xcount, wcount, ycount;
};

static const struct bench_param_spec cc_params[] = {
	{ "batch_size", BENCH_PARAM_INT, "32", "images per pass" },
	{ "channels", BENCH_PARAM_INT, "64", "input channels" },
	{ "out_channels", BENCH_PARAM_INT, "64", "output channels" },
	{ "size", BENCH_PARAM_INT, "56", "image height and width" },
	{ "kernel", BENCH_PARAM_INT, "3", "filter height and width, <= size" },
	{ "streams", BENCH_PARAM_INT, "1",
	  "CUDA streams the batch is split across, 1..batch_size" },
	{ "iters", BENCH_PARAM_INT, "10", "timed passes" },
	{ NULL, (enum bench_param_type)0, NULL, NULL },
};

/* Free the state (any part may be missing). */
static void
cc_free(struct cc_state *st)
{
	struct cc_slice *sl;
	int i;

	if (st == NULL)
		return;
	for (i = 0; st->slices != NULL && i < st->nslices; i++) {
		sl = &st->slices[i];
		cudaFree(sl->work);
		if (sl->xdesc != NULL)
			cudnnDestroyTensorDescriptor(sl->xdesc);
		if (sl->ydesc != NULL)
			cudnnDestroyTensorDescriptor(sl->ydesc);
		if (sl->handle != NULL)
			cudnnDestroy(sl->handle);
		if (sl->done != NULL)
			cudaEventDestroy(sl->done);
		if (sl->stream != NULL)
			cudaStreamDestroy(sl->stream);
	}
	free(st->slices);
	if (st->wdesc != NULL)
		cudnnDestroyFilterDescriptor(st->wdesc);
	if (st->convdesc != NULL)
		cudnnDestroyConvolutionDescriptor(st->convdesc);
	cudaFree(st->dx);
	cudaFree(st->dw);
	cudaFree(st->dy);
	free(st);
}

/* Fail the unit for a cuDNN status; out of memory as gpu_fail says it. */
static int
cc_fail(struct bench_ctx *ctx, const char *what, cudnnStatus_t s)
{
	if (s == CUDNN_STATUS_ALLOC_FAILED)
		bench_fail(ctx, "CUDA out of memory: %s", what);
	else
		bench_fail(ctx, "%s: %s", what, cudnnGetErrorString(s));
	return BENCH_FAILED;
}

/* Read integer parameter name into *out, failing unless lo <= it <= hi. */
static int
cc_param(struct bench_ctx *ctx, const char *name, int64_t dflt, int64_t lo,
    int64_t hi, int64_t *out)
{
	*out = bench_param_int(ctx, name, dflt);
	if (*out < lo || *out > hi) {
		bench_fail(ctx, "%s must be %lld..%lld, not %lld", name,
		    (long long)lo, (long long)hi, (long long)*out);
		return -1;
	}
	return 0;
}

/* Fill a device buffer of count floats, uniform in [-1, 1), from *rng. */
static cudaError_t
cc_fill(float *dev, size_t count, uint64_t *rng)
{
	float *h;
	size_t i;
	cudaError_t err;

	h = (float *)malloc(count * sizeof *h);
	if (h == NULL)
		return cudaErrorMemoryAllocation;
	for (i = 0; i < count; i++)
		h[i] = (float)(2.0 * rng_unit(rng) - 1.0);
	err = cudaMemcpy(dev, h, count * sizeof *h, cudaMemcpyHostToDevice);
	free(h);
	return err;
}

/* Set up one slice: stream, handle on it, descriptors, algorithm (the
   first that cudnnGetConvolutionForwardAlgorithm_v7 ranks) and workspace. */
static int
cc_slice_setup(struct bench_ctx *ctx, struct cc_state *st,
    struct cc_slice *sl)
{
	cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
	cudnnStatus_t s;
	cudaError_t err;
	int i, found = 0;

	if ((err = cudaStreamCreateWithFlags(&sl->stream,
	    cudaStreamNonBlocking)) != cudaSuccess)
		return gpu_fail(ctx, "cudaStreamCreate", err);
	if ((err = cudaEventCreateWithFlags(&sl->done,
	    cudaEventDisableTiming)) != cudaSuccess)
		return gpu_fail(ctx, "cudaEventCreate", err);
	if ((s = cudnnCreate(&sl->handle)) != CUDNN_STATUS_SUCCESS) {
		sl->handle = NULL;
		if (gpu_probe(ctx) != BENCH_OK)
			return BENCH_SKIPPED;	/* the device went away */
		return cc_fail(ctx, "cudnnCreate", s);
	}
	if ((s = cudnnSetStream(sl->handle, sl->stream)) !=
	    CUDNN_STATUS_SUCCESS)
		return cc_fail(ctx, "cudnnSetStream", s);
	if ((s = cudnnCreateTensorDescriptor(&sl->xdesc)) !=
	    CUDNN_STATUS_SUCCESS ||
	    (s = cudnnCreateTensorDescriptor(&sl->ydesc)) !=
	    CUDNN_STATUS_SUCCESS)
		return cc_fail(ctx, "cudnnCreateTensorDescriptor", s);
	if ((s = cudnnSetTensor4dDescriptor(sl->xdesc, CUDNN_TENSOR_NCHW,
	    CUDNN_DATA_FLOAT, sl->n, st->c, st->hw, st->hw)) !=
	    CUDNN_STATUS_SUCCESS ||
	    (s = cudnnSetTensor4dDescriptor(sl->ydesc, CUDNN_TENSOR_NCHW,
	    CUDNN_DATA_FLOAT, sl->n, st->k, st->ho, st->ho)) !=
	    CUDNN_STATUS_SUCCESS)
		return cc_fail(ctx, "cudnnSetTensor4dDescriptor", s);
	if ((s = cudnnGetConvolutionForwardAlgorithm_v7(sl->handle, sl->xdesc,
	    st->wdesc, st->convdesc, sl->ydesc,
	    CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &found, perf)) !=
	    CUDNN_STATUS_SUCCESS)
		return cc_fail(ctx, "cudnnGetConvolutionForwardAlgorithm_v7",
		    s);
	for (i = 0; i < found; i++) {
		if (perf[i].status == CUDNN_STATUS_SUCCESS)
			break;
	}
	if (i == found) {
		bench_fail(ctx, "cuDNN offers no forward algorithm for this "
		    "convolution");
		return BENCH_FAILED;
	}
	sl->algo = perf[i].algo;
	if ((s = cudnnGetConvolutionForwardWorkspaceSize(sl->handle,
	    sl->xdesc, st->wdesc, st->convdesc, sl->ydesc, sl->algo,
	    &sl->worksize)) != CUDNN_STATUS_SUCCESS)
		return cc_fail(ctx, "cudnnGetConvolutionForwardWorkspaceSize",
		    s);
	if (sl->worksize > 0 &&
	    (err = cudaMalloc(&sl->work, sl->worksize)) != cudaSuccess)
		return gpu_fail(ctx, "cudaMalloc of the workspace", err);
	return BENCH_OK;
}

/* Check the parameters, find a device, allocate, fill input and filters
   from the seed, and set up one slice per stream. */
static int
cc_setup(struct bench_ctx *ctx, void **state)
{
	struct cc_state *st;
	int64_t batch, c, k, hw, r, streams, iters;
	cudnnStatus_t s;
	cudaError_t err;
	uint64_t rng;
	int i, rc;

	if (cc_param(ctx, "batch_size", 32, 1, CC_DIM_MAX, &batch) != 0 ||
	    cc_param(ctx, "channels", 64, 1, CC_DIM_MAX, &c) != 0 ||
	    cc_param(ctx, "out_channels", 64, 1, CC_DIM_MAX, &k) != 0 ||
	    cc_param(ctx, "size", 56, 1, CC_DIM_MAX, &hw) != 0 ||
	    cc_param(ctx, "kernel", 3, 1, hw, &r) != 0 ||
	    cc_param(ctx, "streams", 1, 1,
	    batch < CC_STREAMS_MAX ? batch : CC_STREAMS_MAX, &streams) != 0 ||
	    cc_param(ctx, "iters", 10, 1, CC_ITERS_MAX, &iters) != 0)
		return BENCH_FAILED;
	if ((rc = gpu_probe(ctx)) != BENCH_OK)
		return rc;

	st = (struct cc_state *)calloc(1, sizeof *st);
	if (st == NULL) {
		bench_fail(ctx, "out of memory");
		return BENCH_FAILED;
	}
	st->batch = (int)batch;
	st->c = (int)c;
	st->k = (int)k;
	st->hw = (int)hw;
	st->r = (int)r;
	st->ho = st->hw + 2 * (st->r / 2) - st->r + 1;
	st->iters = iters;
	st->xcount = (size_t)batch * (size_t)c * (size_t)hw * (size_t)hw;
	st->wcount = (size_t)k * (size_t)c * (size_t)r * (size_t)r;
	st->ycount = (size_t)batch * (size_t)k * (size_t)st->ho *
	    (size_t)st->ho;

	/* the device first: its out-of-memory is the one to report */
	if ((err = cudaMalloc((void **)&st->dx, st->xcount * sizeof(float))) !=
	    cudaSuccess ||
	    (err = cudaMalloc((void **)&st->dw, st->wcount * sizeof(float))) !=
	    cudaSuccess ||
	    (err = cudaMalloc((void **)&st->dy, st->ycount * sizeof(float))) !=
	    cudaSuccess) {
		cc_free(st);
		return gpu_fail(ctx, "cudaMalloc of input, filters and output",
		    err);
	}
	rng = ctx->seed;
	if ((err = cc_fill(st->dx, st->xcount, &rng)) != cudaSuccess ||
	    (err = cc_fill(st->dw, st->wcount, &rng)) != cudaSuccess) {
		cc_free(st);
		if (err == cudaErrorMemoryAllocation) {
			bench_fail(ctx, "out of memory for the host copy");
			return BENCH_FAILED;
		}
		return gpu_fail(ctx, "cudaMemcpy to the device", err);
	}

	if ((s = cudnnCreateFilterDescriptor(&st->wdesc)) !=
	    CUDNN_STATUS_SUCCESS ||
	    (s = cudnnSetFilter4dDescriptor(st->wdesc, CUDNN_DATA_FLOAT,
	    CUDNN_TENSOR_NCHW, st->k, st->c, st->r, st->r)) !=
	    CUDNN_STATUS_SUCCESS ||
	    (s = cudnnCreateConvolutionDescriptor(&st->convdesc)) !=
	    CUDNN_STATUS_SUCCESS ||
	    (s = cudnnSetConvolution2dDescriptor(st->convdesc, st->r / 2,
	    st->r / 2, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION,
	    CUDNN_DATA_FLOAT)) != CUDNN_STATUS_SUCCESS) {
		cc_free(st);
		return cc_fail(ctx, "filter and convolution descriptors", s);
	}

	st->slices = (struct cc_slice *)calloc((size_t)streams,
	    sizeof *st->slices);
	if (st->slices == NULL) {
		cc_free(st);
		bench_fail(ctx, "out of memory");
		return BENCH_FAILED;
	}
	st->nslices = (int)streams;
	for (i = 0; i < st->nslices; i++) {
		/* slice i: images [batch*i/streams, batch*(i+1)/streams) */
		st->slices[i].first = (size_t)(batch * i / streams);
		st->slices[i].n = (int)(batch * (i + 1) / streams -
		    batch * i / streams);
		if ((rc = cc_slice_setup(ctx, st, &st->slices[i])) !=
		    BENCH_OK) {
			cc_free(st);
			return rc;
		}
	}
	*state = st;
	return BENCH_OK;
}

/* One forward pass of every slice, each on its own stream. */
static int
cc_pass(struct bench_ctx *ctx, struct cc_state *st)
{
	const float one = 1.0f, zero = 0.0f;
	struct cc_slice *sl;
	size_t xper, yper;
	cudnnStatus_t s;
	int i;

	xper = (size_t)st->c * (size_t)st->hw * (size_t)st->hw;
	yper = (size_t)st->k * (size_t)st->ho * (size_t)st->ho;
	for (i = 0; i < st->nslices; i++) {
		sl = &st->slices[i];
		s = cudnnConvolutionForward(sl->handle, &one, sl->xdesc,
		    st->dx + sl->first * xper, st->wdesc, st->dw,
		    st->convdesc, sl->algo, sl->work, sl->worksize, &zero,
		    sl->ydesc, st->dy + sl->first * yper);
		if (s != CUDNN_STATUS_SUCCESS)
			return cc_fail(ctx, "cudnnConvolutionForward", s);
	}
	return BENCH_OK;
}

/* A warm-up pass, then iters timed passes between two events on the first
   stream that the others join; report speed, algorithm and checksum. */
static int
cc_run(struct bench_ctx *ctx, void *state)
{
	struct cc_state *st = (struct cc_state *)state;
	cudaStream_t s0 = st->slices[0].stream;
	cudaEvent_t start = NULL, stop = NULL;
	cudaError_t err;
	double seconds, sum;
	float ms = 0.0f, *y = NULL;
	size_t i;
	int64_t it;
	int j, rc = BENCH_FAILED;

	if ((err = cudaEventCreate(&start)) != cudaSuccess ||
	    (err = cudaEventCreate(&stop)) != cudaSuccess) {
		gpu_fail(ctx, "cudaEventCreate", err);
		goto out;
	}
	if (cc_pass(ctx, st) != BENCH_OK)
		goto out;
	if ((err = cudaDeviceSynchronize()) != cudaSuccess) {
		gpu_fail(ctx, "warm-up pass", err);
		goto out;
	}
	/* every stream starts after start ... */
	if ((err = cudaEventRecord(start, s0)) != cudaSuccess) {
		gpu_fail(ctx, "cudaEventRecord", err);
		goto out;
	}
	for (j = 1; j < st->nslices; j++) {
		if ((err = cudaStreamWaitEvent(st->slices[j].stream, start,
		    0)) != cudaSuccess) {
			gpu_fail(ctx, "cudaStreamWaitEvent", err);
			goto out;
		}
	}
	for (it = 0; it < st->iters; it++) {
		if (cc_pass(ctx, st) != BENCH_OK)
			goto out;
	}
	/* ... and stop comes after every stream is done */
	for (j = 1; j < st->nslices; j++) {
		if ((err = cudaEventRecord(st->slices[j].done,
		    st->slices[j].stream)) != cudaSuccess ||
		    (err = cudaStreamWaitEvent(s0, st->slices[j].done, 0)) !=
		    cudaSuccess) {
			gpu_fail(ctx, "joining the streams", err);
			goto out;
		}
	}
	if ((err = cudaEventRecord(stop, s0)) != cudaSuccess ||
	    (err = cudaEventSynchronize(stop)) != cudaSuccess ||
	    (err = cudaEventElapsedTime(&ms, start, stop)) != cudaSuccess) {
		gpu_fail(ctx, "timed passes", err);
		goto out;
	}
	seconds = ms / 1e3;
	if (seconds < 1e-9)
		seconds = 1e-9;		/* below the events' resolution */

	y = (float *)malloc(st->ycount * sizeof *y);
	if (y == NULL) {
		bench_fail(ctx, "out of memory for the output");
		goto out;
	}
	if ((err = cudaMemcpy(y, st->dy, st->ycount * sizeof *y,
	    cudaMemcpyDeviceToHost)) != cudaSuccess) {
		gpu_fail(ctx, "cudaMemcpy from the device", err);
		goto out;
	}
	sum = 0.0;
	for (i = 0; i < st->ycount; i++)
		sum += (double)y[i] * (double)(i % 13 + 1);

	bench_report_timing(ctx, "seconds", seconds);
	bench_report_timing(ctx, "images_per_s",
	    (double)st->batch * (double)st->iters / seconds);
	bench_report(ctx, "algo", (double)st->slices[0].algo);
	gpu_report_memory(ctx);
	/*
	 * A timing metric, not a result: the algorithm is whatever cuDNN's
	 * heuristics rank first for this GPU, cuDNN version and slice size
	 * (streams changes it), and the algorithms differ in rounding (FFT,
	 * Winograd, implicit GEMM); some also sum with atomics, in an order
	 * that varies from run to run. bench verify must not compare it.
	 */
	bench_report_timing(ctx, "checksum", sum);
	rc = BENCH_OK;
out:
	free(y);
	if (start != NULL)
		cudaEventDestroy(start);
	if (stop != NULL)
		cudaEventDestroy(stop);
	return rc;
}

/* Free everything setup made. */
static void
cc_teardown(struct bench_ctx *ctx, void *state)
{
	cc_free((struct cc_state *)state);
}

static const struct bench_testcase testcase_cudnn_conv = {
	BENCH_TESTCASE_ABI_VERSION,
	"cudnn-conv",
	"cuDNN convolution forward (NCHW float) split across CUDA streams",
	cc_params,
	cc_setup,
	cc_run,
	cc_teardown,
	NULL,
};

GPU_TESTCASE_ENTRY(testcase_cudnn_conv)
