/*
 * host: what the machine offers a run (see host.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "gpus.h"
#include "host.h"
#include "hwinfo.h"
#include "nvml.h"
#include "xalloc.h"
#include "banned.h"

/* The host's name. */
void
host_name(struct host *h)
{
	if (gethostname(h->name, sizeof h->name) != 0)
		snprintf(h->name, sizeof h->name, "unknown");
	h->name[sizeof h->name - 1] = '\0';
}

/* The GPUs bench may use, and NVML to sample them. */
static void
host_gpus(struct host *h)
{
	const struct gpu_info *gi;
	char *cause = NULL;
	size_t g;

	if (gpus_discover(NULL, getenv("CUDA_VISIBLE_DEVICES"), &h->gpus,
	    &cause) != 0) {
		free(cause);
		cause = NULL;
		h->gpus = NULL;
	}
	h->ngpus = h->gpus != NULL ? gpus_count(h->gpus) : 0;
	if (h->ngpus > BUDGET_MAX_GPUS)
		h->ngpus = BUDGET_MAX_GPUS;
	h->totals.ngpus = h->ngpus;
	for (g = 0; g < h->ngpus; g++) {
		gi = gpus_get(h->gpus, g);
		h->gpu_budget_mb[g] = (uint64_t)(0.9 * (double)gi->free_mb);
		h->totals.vram_mb[g] = (uint64_t)(0.9 * (double)gi->total_mb);
	}
	if (h->ngpus > 0 && nvml_open(&h->nvml, &cause) != 0) {
		free(cause);
		h->nvml = NULL;
	}
}

/* The RAM available now: MemAvailable or the enclosing limit's room. */
long long
host_ram_available(struct host *h)
{
	long long room;

	h->mem_available_kb = hwinfo_mem_available_kb();
	h->ram_available_kb = h->mem_available_kb;
	if (cgroup_enclosing(&h->limit) != 0 || h->limit.limit_kb < 0)
		return h->ram_available_kb;
	room = h->limit.limit_kb - (h->limit.usage_kb > 0 ?
	    h->limit.usage_kb : 0);
	if (room < 0)
		room = 0;
	if (h->ram_available_kb < 0 || room < h->ram_available_kb)
		h->ram_available_kb = room;
	return h->ram_available_kb;
}

/* The RAM available now, without a probed host. */
long long
host_ram_now_kb(void)
{
	struct host h;

	memset(&h, 0, sizeof h);
	return host_ram_available(&h);
}

/* Whether the enclosing limit decides the RAM available. */
static int
host_limited(const struct host *h)
{
	return h->limit.limit_kb >= 0 && (h->mem_available_kb < 0 ||
	    h->ram_available_kb < h->mem_available_kb);
}

/* The label of the RAM available, for the safe count's line. */
const char *
host_ram_label(const struct host *h)
{
	if (!host_limited(h))
		return NULL;
	return strcmp(h->limit.kind, "v2") == 0 ? "cgroup v2 limit - usage" :
	    "cgroup v1 limit - usage";
}

/* Where the RAM available came from. */
char *
host_ram_source(const struct host *h)
{
	if (host_limited(h))
		return xasprintf("cgroup %s limit %lld MiB - usage %lld MiB = "
		    "%lld MiB, below MemAvailable %lld MiB (%s)",
		    h->limit.kind, h->limit.limit_kb / 1024,
		    h->limit.usage_kb / 1024, h->ram_available_kb / 1024,
		    h->mem_available_kb / 1024, h->limit.dir);
	if (h->limit.limit_kb >= 0)
		return xasprintf("MemAvailable %lld MiB, below cgroup %s "
		    "limit %lld MiB - usage %lld MiB (%s)",
		    h->mem_available_kb / 1024, h->limit.kind,
		    h->limit.limit_kb / 1024, h->limit.usage_kb / 1024,
		    h->limit.dir);
	if (h->mem_available_kb < 0)
		return xstrdup("MemAvailable unknown, no cgroup limit");
	return xasprintf("MemAvailable %lld MiB, no cgroup limit",
	    h->mem_available_kb / 1024);
}

/* Probe the machine. */
void
host_probe(struct host *h)
{
	long long avail;
	char *why = NULL;

	memset(h, 0, sizeof *h);
	host_name(h);
	h->mem_total_kb = hwinfo_mem_total_kb();
	avail = host_ram_available(h);
	h->ram_budget_mb = avail > 0 ? (uint64_t)(0.8 * (double)avail /
	    1024.0) : 0;
	h->ncores = hwinfo_cores();
	if (h->ncores > HOST_MAX_CORES)
		h->ncores = HOST_MAX_CORES;
	h->totals.ram_mb = h->mem_total_kb > 0 ?
	    (uint64_t)(0.8 * (double)h->mem_total_kb / 1024.0) : 0;
	h->totals.cpus = h->ncores;
	host_gpus(h);
	h->cgroups = cgroup_available(&why);
	free(why);
}

/* Free what the probe found. */
void
host_release(struct host *h)
{
	gpus_free(h->gpus);
	nvml_close(h->nvml);
	h->gpus = NULL;
	h->nvml = NULL;
}

/* The line for the run's events. */
char *
host_describe(const struct host *h)
{
	char *src = host_ram_source(h), *line;

	line = xasprintf("RAM budget %llu MiB (80%% of %s), %u cores, %zu "
	    "GPU%s; memory caps by %s; peaks by wait4 and /proc sampling%s",
	    (unsigned long long)h->ram_budget_mb, src, h->ncores, h->ngpus,
	    h->ngpus == 1 ? "" : "s", h->cgroups ? cgroup_kind() :
	    "RLIMIT_AS", h->cgroups ? " and the cgroup" : "");
	free(src);
	return line;
}

/* The fraction of RAM left: the host's, or its container's when lower. */
double
host_ram_left(long avail_kb, long total_kb, long long limit_kb,
    long long usage_kb)
{
	double frac, cg;

	if (avail_kb < 0 || total_kb <= 0)
		return -1;
	frac = (double)avail_kb / (double)total_kb;
	if (limit_kb > 0 && usage_kb >= 0) {
		cg = usage_kb >= limit_kb ? 0 :
		    (double)(limit_kb - usage_kb) / (double)limit_kb;
		if (cg < frac)
			frac = cg;
	}
	return frac;
}

/* The fraction of memory left, RAM or the fullest GPU. */
double
host_memory_left(const struct host *h)
{
	struct cgroup_limit lim;
	struct nvml_device_info di;
	double frac, left;
	size_t g;

	if (cgroup_enclosing(&lim) != 0)
		lim.limit_kb = lim.usage_kb = -1;
	frac = host_ram_left(hwinfo_mem_available_kb(), h->mem_total_kb,
	    lim.limit_kb, lim.usage_kb);
	if (frac < 0)
		return -1;
	/* a GPU over 90% (95%) used counts as 10% (5%) left */
	for (g = 0; h->nvml != NULL && g < h->ngpus; g++) {
		if (nvml_device(h->nvml, gpus_get(h->gpus, g)->nvml_index,
		    &di) != 0 || di.memory_total_mb == 0)
			continue;
		left = (double)di.memory_free_mb / (double)di.memory_total_mb;
		if (left < frac)
			frac = left;
	}
	return frac;
}
