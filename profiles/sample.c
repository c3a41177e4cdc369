/*
 * sample: a running unit's RSS, CPU and GPU memory over time (see
 * sample.h).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "nvml.h"
#include "procstat.h"
#include "sample.h"
#include "xalloc.h"
#include "banned.h"

#define SAMPLE_MAX_PIDS	256	/* pids of a group asked NVML about */

struct sample {
	struct procstat	*ps;
	long		 peak_rss_kb;
	double		 peak_vram_mb;	/* NAN: none */
};

/* A sampler. */
struct sample *
sample_new(pid_t pgid, char **cause)
{
	struct procstat *ps = procstat_new(pgid, cause);
	struct sample *s;

	if (ps == NULL)
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->ps = ps;
	s->peak_vram_mb = NAN;
	return s;
}

/* Free a sampler. */
void
sample_free(struct sample *s)
{
	if (s == NULL)
		return;
	procstat_free(s->ps);
	free(s);
}

/* The group's GPU memory and the utilisation of its GPU. */
static void
sample_gpu(struct sample *s, struct nvml *nv, int gpu,
    struct sample_point *p)
{
	struct nvml_device_info di;
	pid_t pids[SAMPLE_MAX_PIDS];
	double mb;
	size_t n;

	n = procstat_pids(s->ps, pids, SAMPLE_MAX_PIDS);
	if (n > 0 && nvml_process_vram_mb(nv, pids, n, &mb) == 0)
		p->vram_mb = mb;
	if (gpu >= 0 && nvml_device(nv, (unsigned)gpu, &di) == 0 &&
	    di.util_gpu >= 0)
		p->gpu_util = di.util_gpu;
	if (!isnan(p->vram_mb) && (isnan(s->peak_vram_mb) ||
	    p->vram_mb > s->peak_vram_mb))
		s->peak_vram_mb = p->vram_mb;
}

/* Take a sample. */
int
sample_take(struct sample *s, double now, struct nvml *nv, int gpu,
    struct sample_point *p, char **cause)
{
	struct procstat_sample ps;

	p->vram_mb = p->gpu_util = NAN;
	if (procstat_sample(s->ps, now, &ps, cause) != 0)
		return -1;
	p->rss_kb = ps.rss_kb;
	p->cpu_pct = ps.cpu_pct;
	if (ps.rss_kb > s->peak_rss_kb)
		s->peak_rss_kb = ps.rss_kb;
	if (nv != NULL)
		sample_gpu(s, nv, gpu, p);
	return 0;
}

/* The peak RSS so far. */
long
sample_peak_rss_kb(const struct sample *s)
{
	return s->peak_rss_kb;
}

/* The peak VRAM so far. */
double
sample_peak_vram_mb(const struct sample *s)
{
	return s->peak_vram_mb;
}
