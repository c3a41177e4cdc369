/*
 * gpu: what the CUDA test cases (cuda-gemm.cu, cudnn-conv.cu) share: the
 * device probe that turns a machine without a GPU into a skipped unit, the
 * one way a CUDA error becomes a failure, and the entry point that makes
 * each a plugin (testcases/NAME.so, loaded by harness/plugin.c; bench
 * itself never links the CUDA runtime). Header only, compiled by nvcc.
 */
#ifndef BENCH_GPU_H
#define BENCH_GPU_H

#include <dlfcn.h>

#include <cuda_runtime.h>

#include <bench/testcase.h>

/*
 * BENCH_OK when there is a CUDA device to run on; else the unit is skipped
 * with "no NVIDIA driver/GPU (why)" (no driver, no device,
 * CUDA_VISIBLE_DEVICES hides them all): never failed, a missing GPU is not
 * the test case's fault.
 */
static inline int
gpu_probe(struct bench_ctx *ctx)
{
	cudaError_t err;
	const char *e;
	void *h;
	int count = 0;

	/* without the driver's library cudart only says that the "driver
	   version is insufficient" */
	dlerror();
	if ((h = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		bench_skip(ctx, "no NVIDIA driver/GPU (%s)",
		    e != NULL ? e : "libcuda.so.1 does not load");
		return BENCH_SKIPPED;
	}
	dlclose(h);
	err = cudaGetDeviceCount(&count);
	if (err != cudaSuccess) {
		(void)cudaGetLastError();	/* clear it */
		bench_skip(ctx, "no NVIDIA driver/GPU (%s)",
		    cudaGetErrorString(err));
		return BENCH_SKIPPED;
	}
	if (count < 1) {
		bench_skip(ctx, "no NVIDIA driver/GPU (the driver lists no "
		    "device)");
		return BENCH_SKIPPED;
	}
	return BENCH_OK;
}

/*
 * Fail the unit for err, returned by what. Out of memory always reads
 * "CUDA out of memory": the controller looks for it to retry the unit with
 * fewer workers (DESIGN.md).
 */
static inline int
gpu_fail(struct bench_ctx *ctx, const char *what, cudaError_t err)
{
	if (err == cudaErrorMemoryAllocation)
		bench_fail(ctx, "CUDA out of memory: %s", what);
	else
		bench_fail(ctx, "%s: %s", what, cudaGetErrorString(err));
	return BENCH_FAILED;
}

/*
 * Report the device memory in use now, from the CUDA runtime
 * (cudaMemGetInfo: total - free, every process on the device), as the
 * timing metric vram_used_mb. Call it while the unit's buffers are
 * allocated. The controller takes it as the unit's VRAM peak when NVML
 * could not measure the unit's processes (no NVML, another PID namespace).
 */
static inline void
gpu_report_memory(struct bench_ctx *ctx)
{
	size_t free_b = 0, total_b = 0;

	if (cudaMemGetInfo(&free_b, &total_b) == cudaSuccess &&
	    total_b >= free_b)
		bench_report_timing(ctx, "vram_used_mb",
		    (double)(total_b - free_b) / (1024.0 * 1024.0));
	else
		(void)cudaGetLastError();
}

/*
 * The plugin's entry point (include/bench/testcase.h), returning desc:
 * GPU_TESTCASE_ENTRY(testcase_cuda_gemm) at the end of a .cu file.
 */
#define GPU_TESTCASE_ENTRY(desc)					\
	extern "C" const struct bench_testcase *bench_testcase_v1(void);	\
	extern "C" const struct bench_testcase *			\
	bench_testcase_v1(void)						\
	{								\
		return &desc;						\
	}

#endif
