/*
 * nvml: NVIDIA GPUs through NVML, loaded when bench runs, never linked.
 *
 * nvml_open() dlopen()s libnvidia-ml.so.1 (RTLD_NOW | RTLD_LOCAL) and calls
 * nvmlInit_v2, so one bench binary serves machines with and without an
 * NVIDIA driver. On a machine without one, nvml_open() fails with a cause
 * ("libnvidia-ml.so.1 not found: no NVIDIA driver") and every other entry
 * point, given a NULL handle, fails cleanly too (0 devices, -1).
 *
 * Call order: nvml_open, any queries, nvml_close. A handle is not
 * thread-safe: use it from one thread (it keeps a scratch buffer for the
 * process queries, so sampling allocates nothing once warm). Opening twice
 * is fine; NVML counts its initialisations.
 *
 * Devices are NVML's, indexed 0..nvml_count()-1 in NVML's order (PCI bus
 * order), all of them: CUDA_VISIBLE_DEVICES is not honoured here, the
 * caller maps indices or UUIDs if it needs to.
 *
 * Memory is reported in MiB (bytes / 1048576).
 */
#ifndef BENCH_NVML_H
#define BENCH_NVML_H

#include <sys/types.h>

#include <stddef.h>

/* The library nvml_open() loads. */
#define NVML_LIBRARY "libnvidia-ml.so.1"

struct nvml;

/* One GPU, as nvml_device() fills it. Plain data, no allocations. */
struct nvml_device_info {
	unsigned	index;		/* NVML index */
	char		name[96];	/* "NVIDIA H100 80GB HBM3" */
	char		uuid[96];	/* "GPU-xxxxxxxx-..." */
	unsigned long long memory_total_mb;
	unsigned long long memory_used_mb;
	unsigned long long memory_free_mb;
	int		util_gpu;	/* busy % last sample, -1 unknown */
	int		util_memory;	/* memory busy %, -1 unknown */
	int		mig;		/* MIG: 1 on, 0 off, -1 n/a */
};

/*
 * Load NVML_LIBRARY and initialise NVML. Returns 0 and a handle in *out
 * (free it with nvml_close), or -1 with *cause: the library is absent, a
 * required symbol is missing, or nvmlInit_v2 failed (for example "Driver
 * Not Loaded" where the library is installed but no GPU driver runs).
 */
int	nvml_open(struct nvml **out, char **cause);
/*
 * nvml_open() with another library path or name (tests point it at a fake
 * NVML); NULL means NVML_LIBRARY.
 */
int	nvml_open_library(const char *path, struct nvml **out, char **cause);
/* nvmlShutdown, dlclose, free. NULL is a no-op. */
void	nvml_close(struct nvml *nv);

/* Number of GPUs NVML sees now; 0 on error or for a NULL handle. */
unsigned nvml_count(struct nvml *nv);
/*
 * Fill *out for GPU i. Name, UUID and memory must answer or it returns -1;
 * utilization and MIG mode are -1 where the GPU or driver does not say.
 * Returns 0 or -1 (nvml_error() says why).
 */
int	nvml_device(struct nvml *nv, unsigned i,
	    struct nvml_device_info *out);
/* The driver version ("550.54.15") into buf, NUL-terminated; 0 or -1. */
int	nvml_driver_version(struct nvml *nv, char *buf, size_t len);
/*
 * Sum of the GPU memory used by the processes in pids[0..npids-1] (a
 * worker's process group), in MiB, over every GPU, from NVML's list of
 * compute processes (nvmlDeviceGetComputeRunningProcesses_v3, else _v2,
 * else the original). GPUs that cannot be asked are skipped; a process
 * whose usage NVML cannot see (no privilege, some MIG setups) counts 0.
 * PIDs are as NVML reports them: in a PID namespace (a container) they may
 * not match. Returns 0 with *mb (0 when none of them uses a GPU, or there
 * is no GPU), or -1 when there are GPUs and none could be asked.
 */
int	nvml_process_vram_mb(struct nvml *nv, const pid_t *pids,
	    size_t npids, double *mb);
/*
 * Why the last call on nv failed, as text owned by nv (valid until the
 * next call); "" if nothing failed, "nvml not open" for a NULL handle.
 */
const char *nvml_error(struct nvml *nv);

#endif
