/*
 * host: what this machine offers a run, probed once at its start: the RAM
 * budget (80% of the RAM available: the smaller of MemAvailable and what
 * the nearest enclosing memory cgroup's limit leaves, a container's), the
 * cores (hwloc), the GPUs bench may use
 * (CUDA_VISIBLE_DEVICES honoured) with 90% of their free VRAM each, NVML
 * for sampling them, whether per-unit memory cgroups work, and the totals
 * of the host budget shared with other bench processes. Also the memory
 * left now, for the pressure check.
 */
#ifndef BENCH_HOST_H
#define BENCH_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "cgroup.h"

#define HOST_MAX_CORES	1024

struct gpus;
struct nvml;

/* Plain data: filled by host_probe, freed by host_release. */
struct host {
	char		 name[256];	/* gethostname, "unknown" */
	long		 mem_total_kb;	/* <= 0 unknown */
	uint64_t	 ram_budget_mb;	/* 80% of ram_available_kb */
	long long	 ram_available_kb; /* min(MemAvailable, limit - usage);
					   -1 unknown */
	long long	 mem_available_kb; /* MemAvailable; -1 unknown */
	struct cgroup_limit limit;	/* the enclosing memory limit */
	unsigned	 ncores;	/* at most HOST_MAX_CORES */
	struct gpus	*gpus;		/* NULL: none */
	size_t		 ngpus;		/* at most BUDGET_MAX_GPUS */
	uint64_t	 gpu_budget_mb[BUDGET_MAX_GPUS];	/* 90% free */
	struct nvml	*nvml;		/* NULL: no GPU or no NVML */
	int		 cgroups;	/* per-unit memory cgroups work */
	struct budget_totals totals;	/* for the shared host budget */
};

/* The name only (gethostname, "unknown"): for a run that probes nothing
   else. */
void host_name(struct host *h);
/* Probe everything. Never fails: what cannot be found is absent. */
void host_probe(struct host *h);
void host_release(struct host *h);

/*
 * Read the RAM available again (MemAvailable, the enclosing limit and its
 * usage) into h's ram_available_kb, mem_available_kb and limit; return
 * ram_available_kb. ram_budget_mb stays as probed.
 */
long long host_ram_available(struct host *h);
/* The same without a probed host: the RAM available now in KiB; -1. */
long long host_ram_now_kb(void);
/* "MemAvailable 23573 MiB" or "cgroup v1 limit 700 MiB - usage 12 MiB =
   688 MiB (/sys/fs/...)": where ram_available_kb came from. Allocated. */
char *host_ram_source(const struct host *h);

/* "cgroup v1 limit - usage" when the enclosing limit decides the RAM
   available, else NULL (plain MemAvailable): for safe_input.mem_source. */
const char *host_ram_label(const struct host *h);

/* One line for the run's events: the budget, cores, GPUs, how memory is
   capped and measured. Allocated. */
char *host_describe(const struct host *h);

/* The fraction of memory left now: RAM (the lower of MemAvailable /
   MemTotal and, inside a container, its enclosing cgroup's (limit -
   usage) / limit, usage less inactive file cache) or the fullest GPU,
   whichever is lower; < 0 unknown. */
double host_memory_left(const struct host *h);

/* The RAM part of it, pure: avail_kb / total_kb, or (limit_kb - usage_kb)
   / limit_kb when a limit is known (> 0, usage >= 0) and lower; < 0 when
   avail_kb or total_kb is unknown. */
double host_ram_left(long avail_kb, long total_kb, long long limit_kb,
    long long usage_kb);

#endif
