/*
 * sample: one sampler per running unit. Each call reads the unit's process
 * group from /proc (RSS, CPU since the last call, procstat.h) and, with
 * NVML, the GPU memory its processes hold and the utilisation of the GPU
 * it was given; it keeps the peaks.
 */
#ifndef BENCH_SAMPLE_H
#define BENCH_SAMPLE_H

#include <sys/types.h>

struct nvml;

/* One sample. NAN: not measured. */
struct sample_point {
	long		 rss_kb;
	double		 cpu_pct;
	double		 vram_mb;
	double		 gpu_util;
};

struct sample;

/* A sampler of process group pgid: NULL with *cause when /proc cannot be
   read. */
struct sample *sample_new(pid_t pgid, char **cause);
void sample_free(struct sample *s);

/*
 * Take a sample at now (monotonic seconds). nv may be NULL (no VRAM);
 * gpu is the NVML index of the unit's first GPU, or -1. 0, or -1 with
 * *cause.
 */
int sample_take(struct sample *s, double now, struct nvml *nv, int gpu,
    struct sample_point *p, char **cause);

/* The peaks so far: RSS in KiB (0 none), VRAM in MiB (NAN none). */
long sample_peak_rss_kb(const struct sample *s);
double sample_peak_vram_mb(const struct sample *s);

#endif
