/*
 * gpus: the GPUs bench may hand to workers, found through NVML
 * (profiles/nvml.h) and narrowed by the CUDA_VISIBLE_DEVICES bench itself
 * was started with.
 *
 * Each entry is a whole GPU, or a MIG instance of a GPU in MIG mode (NVML's
 * nvmlDeviceGetMaxMigDeviceCount / nvmlDeviceGetMigDeviceHandleByIndex,
 * looked up in the same library; a driver without them lists whole GPUs
 * only). A GPU in MIG mode with instances is replaced by its instances, as
 * CUDA does; one in MIG mode with none is left out (CUDA cannot use it).
 *
 * CUDA_VISIBLE_DEVICES, as CUDA reads it: a comma-separated list of
 * indices, GPU UUIDs ("GPU-..." or a unique prefix of one) or MIG UUIDs
 * ("MIG-..."); the list ends at the first entry that names nothing, so
 * "" and "-1" hide every GPU; a GPU named twice counts once. Indices are
 * NVML's (PCI bus order), which is CUDA's order only with
 * CUDA_DEVICE_ORDER=PCI_BUS_ID: give workers gpu_info.cuda_id (the UUID)
 * in their CUDA_VISIBLE_DEVICES and the ambiguity never arises. An index
 * names a whole GPU (all its MIG instances if it is in MIG mode).
 *
 * No driver, no library or no GPU is not an error: the list is empty and
 * gpus_why() says why.
 */
#ifndef BENCH_GPUS_H
#define BENCH_GPUS_H

#include <stddef.h>

struct gpus;

/* One usable GPU or MIG instance. */
struct gpu_info {
	unsigned	nvml_index;	/* the physical GPU's NVML index */
	int		mig_index;	/* MIG instance slot, -1: whole GPU */
	char		name[96];	/* the GPU's name */
	char		uuid[96];	/* "GPU-..." or "MIG-...": give workers
					   this in CUDA_VISIBLE_DEVICES */
	char		gpu_uuid[96];	/* the physical GPU's "GPU-..." */
	unsigned long long total_mb;
	unsigned long long free_mb;	/* at discovery or gpus_refresh */
};

/*
 * Discover. library: NVML to load (NULL: NVML_LIBRARY; tests pass a fake).
 * visible: the CUDA_VISIBLE_DEVICES bench was started with (NULL: unset,
 * every GPU). Returns 0 and *out (gpus_free it; possibly empty), or -1
 * with *cause only when NVML answered but a GPU it listed could not be
 * read.
 */
int	gpus_discover(const char *library, const char *visible,
	    struct gpus **out, char **cause);
/* Close NVML and free; NULL is a no-op. */
void	gpus_free(struct gpus *g);
/* How many entries. */
size_t	gpus_count(const struct gpus *g);
/* Entry i < gpus_count(), owned by g. */
const struct gpu_info *gpus_get(const struct gpus *g, size_t i);
/* Why the list is empty ("" when it is not, or no reason). */
const char *gpus_why(const struct gpus *g);
/* Re-read every entry's free memory. 0, or -1 with *cause. */
int	gpus_refresh(struct gpus *g, char **cause);

/*
 * The free VRAM in MiB of every GPU bench may use now (CUDA_VISIBLE_DEVICES
 * as bench was started with), at most max of them, for the safe-worker
 * arithmetic: an allocated array the caller frees, *n entries; NULL with
 * *n 0 when there is no GPU. A discovery error is that too, with *cause.
 */
long long *gpus_free_now(size_t max, size_t *n, char **cause);

#endif
