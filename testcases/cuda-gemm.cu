/*
 * cuda-gemm: builtin:cuda-gemm, single-precision C = A x B of n x n
 * matrices on the GPU with a tiled shared-memory kernel. A and B are
 * generated on the host from the unit's seed. Reports the speed (gflops,
 * seconds: timing, measured with CUDA events), a checksum of C and the
 * largest error against a double-precision host reference on a sample of
 * entries (both exact functions of the seed and n). Without a CUDA device
 * the unit is skipped.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cuda_runtime.h>

#include <bench/testcase.h>

#include "gpu.h"
#include "rng.h"
#include "banned.h"

#define CG_TILE		16
#define CG_N_MAX	16384
#define CG_REPS_MAX	100000
#define CG_SAMPLES	1024	/* entries checked against the host */

struct cg_state {
	size_t	 n;
	int64_t	 reps;
	float	*a;		/* host */
	float	*b;
	float	*c;
	float	*da;		/* device */
	float	*db;
	float	*dc;
};

static const struct bench_param_spec cg_params[] = {
	{ "n", BENCH_PARAM_INT, "1024", "matrix order, 1..16384" },
	{ "reps", BENCH_PARAM_INT, "3", "multiplications timed together" },
	{ NULL, (enum bench_param_type)0, NULL, NULL },
};

/*
 * One CG_TILE x CG_TILE tile of C per block. Each product is added with an
 * explicit fused multiply-add in a fixed order, so C is the same bit for bit
 * on every GPU and whatever nvcc's contraction settings; tiles past the edge
 * read zeros, which leave the sum unchanged.
 */
__global__ void
cg_kernel(int n, const float *a, const float *b, float *c)
{
	__shared__ float as[CG_TILE][CG_TILE];
	__shared__ float bs[CG_TILE][CG_TILE];
	int tx = threadIdx.x, ty = threadIdx.y;
	int row = blockIdx.y * CG_TILE + ty, col = blockIdx.x * CG_TILE + tx;
	float acc = 0.0f;
	int t, k;

	for (t = 0; t < n; t += CG_TILE) {
		as[ty][tx] = row < n && t + tx < n ?
		    a[(size_t)row * n + t + tx] : 0.0f;
		bs[ty][tx] = t + ty < n && col < n ?
		    b[(size_t)(t + ty) * n + col] : 0.0f;
		__syncthreads();
		for (k = 0; k < CG_TILE; k++)
			acc = __fmaf_rn(as[ty][k], bs[k][tx], acc);
		__syncthreads();
	}
	if (row < n && col < n)
		c[(size_t)row * n + col] = acc;
}

/* Free the state (any part may be NULL). */
static void
cg_free(struct cg_state *st)
{
	if (st == NULL)
		return;
	cudaFree(st->da);
	cudaFree(st->db);
	cudaFree(st->dc);
	free(st->a);
	free(st->b);
	free(st->c);
	free(st);
}

/* Check the parameters, find a device, allocate, fill A and B from the
   seed and copy them to the device. */
static int
cg_setup(struct bench_ctx *ctx, void **state)
{
	struct cg_state *st;
	cudaError_t err;
	int64_t n, reps;
	uint64_t rng;
	size_t i, bytes;
	int rc;

	n = bench_param_int(ctx, "n", 1024);
	if (n < 1 || n > CG_N_MAX) {
		bench_fail(ctx, "n must be 1..%d, not %lld", CG_N_MAX,
		    (long long)n);
		return BENCH_FAILED;
	}
	reps = bench_param_int(ctx, "reps", 3);
	if (reps < 1 || reps > CG_REPS_MAX) {
		bench_fail(ctx, "reps must be 1..%d, not %lld", CG_REPS_MAX,
		    (long long)reps);
		return BENCH_FAILED;
	}
	if ((rc = gpu_probe(ctx)) != BENCH_OK)
		return rc;

	st = (struct cg_state *)calloc(1, sizeof *st);
	if (st == NULL) {
		bench_fail(ctx, "out of memory");
		return BENCH_FAILED;
	}
	st->n = (size_t)n;
	st->reps = reps;
	bytes = st->n * st->n * sizeof(float);

	/* the device first: its out-of-memory is the one to report */
	if ((err = cudaMalloc((void **)&st->da, bytes)) != cudaSuccess ||
	    (err = cudaMalloc((void **)&st->db, bytes)) != cudaSuccess ||
	    (err = cudaMalloc((void **)&st->dc, bytes)) != cudaSuccess) {
		cg_free(st);
		return gpu_fail(ctx, "cudaMalloc of three matrices", err);
	}
	st->a = (float *)malloc(bytes);
	st->b = (float *)malloc(bytes);
	st->c = (float *)malloc(bytes);
	if (st->a == NULL || st->b == NULL || st->c == NULL) {
		cg_free(st);
		bench_fail(ctx, "out of memory for three %lldx%lld matrices",
		    (long long)n, (long long)n);
		return BENCH_FAILED;
	}
	rng = ctx->seed;
	for (i = 0; i < st->n * st->n; i++)
		st->a[i] = (float)(2.0 * rng_unit(&rng) - 1.0);
	for (i = 0; i < st->n * st->n; i++)
		st->b[i] = (float)(2.0 * rng_unit(&rng) - 1.0);
	if ((err = cudaMemcpy(st->da, st->a, bytes, cudaMemcpyHostToDevice)) !=
	    cudaSuccess ||
	    (err = cudaMemcpy(st->db, st->b, bytes, cudaMemcpyHostToDevice)) !=
	    cudaSuccess) {
		cg_free(st);
		return gpu_fail(ctx, "cudaMemcpy to the device", err);
	}
	*state = st;
	return BENCH_OK;
}

/* Launch the kernel once on the default stream. */
static cudaError_t
cg_launch(struct cg_state *st)
{
	dim3 threads(CG_TILE, CG_TILE);
	unsigned nb = (unsigned)((st->n + CG_TILE - 1) / CG_TILE);
	dim3 blocks(nb, nb);

	cg_kernel<<<blocks, threads>>>((int)st->n, st->da, st->db, st->dc);
	return cudaGetLastError();
}

/* The largest |C - A x B| over CG_SAMPLES entries spread over C, with the
   reference in double. */
static double
cg_max_err(const struct cg_state *st)
{
	size_t s, nn = st->n * st->n, ns, idx, i, j, k;
	double ref, e, max = 0.0;

	ns = nn < CG_SAMPLES ? nn : CG_SAMPLES;
	for (s = 0; s < ns; s++) {
		/* a stride coprime with nothing in particular: rows and
		   columns both vary */
		idx = (s * (nn / ns) + s * 7919) % nn;
		i = idx / st->n;
		j = idx % st->n;
		ref = 0.0;
		for (k = 0; k < st->n; k++)
			ref += (double)st->a[i * st->n + k] *
			    (double)st->b[k * st->n + j];
		e = ref - (double)st->c[idx];
		if (e < 0)
			e = -e;
		if (e > max)
			max = e;
	}
	return max;
}

/* One warm-up product, then reps timed ones; report speed, checksum and
   error. */
static int
cg_run(struct bench_ctx *ctx, void *state)
{
	struct cg_state *st = (struct cg_state *)state;
	cudaEvent_t start = NULL, stop = NULL;
	cudaError_t err;
	size_t i, nn = st->n * st->n;
	double seconds, flops, sum;
	float ms = 0.0f;
	int64_t r;
	int rc = BENCH_FAILED;

	if ((err = cudaEventCreate(&start)) != cudaSuccess ||
	    (err = cudaEventCreate(&stop)) != cudaSuccess) {
		gpu_fail(ctx, "cudaEventCreate", err);
		goto out;
	}
	if ((err = cg_launch(st)) != cudaSuccess ||
	    (err = cudaDeviceSynchronize()) != cudaSuccess) {
		gpu_fail(ctx, "warm-up kernel", err);
		goto out;
	}
	if ((err = cudaEventRecord(start, 0)) != cudaSuccess) {
		gpu_fail(ctx, "cudaEventRecord", err);
		goto out;
	}
	for (r = 0; r < st->reps; r++) {
		if ((err = cg_launch(st)) != cudaSuccess) {
			gpu_fail(ctx, "kernel launch", err);
			goto out;
		}
	}
	if ((err = cudaEventRecord(stop, 0)) != cudaSuccess ||
	    (err = cudaEventSynchronize(stop)) != cudaSuccess ||
	    (err = cudaEventElapsedTime(&ms, start, stop)) != cudaSuccess) {
		gpu_fail(ctx, "timed kernels", err);
		goto out;
	}
	if ((err = cudaMemcpy(st->c, st->dc, nn * sizeof(float),
	    cudaMemcpyDeviceToHost)) != cudaSuccess) {
		gpu_fail(ctx, "cudaMemcpy from the device", err);
		goto out;
	}
	seconds = ms / 1e3;
	if (seconds < 1e-9)
		seconds = 1e-9;		/* below the events' resolution */

	/* position-weighted, in a fixed order, as in builtin:gemm */
	sum = 0.0;
	for (i = 0; i < nn; i++)
		sum += (double)st->c[i] * (double)(i % 13 + 1);

	flops = 2.0 * (double)st->n * (double)st->n * (double)st->n *
	    (double)st->reps;
	bench_report_timing(ctx, "seconds", seconds);
	bench_report_timing(ctx, "gflops", flops / seconds / 1e9);
	bench_report(ctx, "checksum", sum);
	bench_report(ctx, "max_abs_err", cg_max_err(st));
	gpu_report_memory(ctx);
	rc = BENCH_OK;
out:
	if (start != NULL)
		cudaEventDestroy(start);
	if (stop != NULL)
		cudaEventDestroy(stop);
	return rc;
}

/* Free the matrices, host and device. */
static void
cg_teardown(struct bench_ctx *ctx, void *state)
{
	cg_free((struct cg_state *)state);
}

static const struct bench_testcase testcase_cuda_gemm = {
	BENCH_TESTCASE_ABI_VERSION,
	"cuda-gemm",
	"tiled single-precision matrix multiply C = A x B on a CUDA GPU",
	cg_params,
	cg_setup,
	cg_run,
	cg_teardown,
	NULL,
};

GPU_TESTCASE_ENTRY(testcase_cuda_gemm)
