/*
 * safe: the safe worker count (DESIGN.md "Worker count"), as pure
 * arithmetic on facts the caller gathered (hwloc cores, MemAvailable, free
 * VRAM per GPU, the stored profile's peaks). No I/O, no allocation.
 *
 * The rule: start from cores-1 (at least 1); cap by RAM,
 * floor(0.8 x available / peak RSS of a unit), where available is the
 * smaller of MemAvailable and the enclosing cgroup's limit minus its usage; cap by VRAM, the sum over
 * the GPUs of floor(0.9 x free / peak VRAM of a unit) (a unit runs on one
 * GPU, so the GPUs add up); cap by the number of units. The result is at
 * least 1: a unit that does not fit even alone still runs alone (the
 * caller may warn: safe_result.fits says so). A peak that is unknown (0)
 * sets no cap, and the line says "unknown". An explicit -w wins and is
 * reported as such, with the safe arithmetic beside it for information.
 */
#ifndef BENCH_SAFE_H
#define BENCH_SAFE_H

#include <stddef.h>

/* The GPUs safe_workers() looks at, at most. */
#define SAFE_MAX_GPUS	64

/* What the caller knows. Unknown values are 0 (see each field). */
struct safe_input {
	unsigned	 cores;		 /* hwloc physical cores; 0 = 1 */
	long long	 mem_available_kb; /* MemAvailable, or less when a
					    container's memory limit leaves
					    less; <0 unknown */
	const char	*mem_source;	 /* where mem_available_kb came from,
					    shown in the line ("cgroup v1
					    limit - usage"); NULL: plain
					    MemAvailable */
	const long long	*gpu_free_mb;	 /* free VRAM per usable GPU */
	size_t		 ngpus;		 /* 0: no GPU (no VRAM cap) */
	long long	 peak_rss_kb;	 /* a unit's peak RSS; 0 unknown */
	long long	 peak_vram_mb;	 /* a unit's peak VRAM; 0 none/unknown */
	size_t		 nunits;	 /* units to run; 0 = no cap */
	unsigned	 explicit_workers; /* -w N; 0 = not given */
};
#define SAFE_INPUT_INIT { .mem_available_kb = -1 }

/* Which cap decided the count. */
enum safe_limit {
	SAFE_CORES,		/* cores-1 */
	SAFE_RAM,		/* 0.8 x MemAvailable / peak RSS */
	SAFE_VRAM,		/* 0.9 x free VRAM / peak VRAM */
	SAFE_UNITS,		/* the number of units */
	SAFE_EXPLICIT		/* -w N */
};

/* What safe_workers() decided. */
struct safe_result {
	unsigned	workers;	/* >= 1 */
	enum safe_limit	limit;		/* the binding constraint */
	unsigned	cores_cap;	/* cores-1, >= 1 */
	long long	ram_cap;	/* -1 when no RAM cap applies */
	long long	vram_cap;	/* -1 when no VRAM cap applies */
	int		fits;		/* 0 if RAM or VRAM caps are 0 */
	char		line[512];	/* "2 workers (RAM): cores-1 = ..." */
};

/*
 * Apply the rule to *in and fill *out (always succeeds). out->line is one
 * human-readable line with the arithmetic, for example
 * "2 workers (RAM): cores-1 = 3 of 4 cores; RAM floor(0.8 x 20480 MiB /
 * 6000 MiB) = 2; VRAM unknown peak; units 8".
 */
void	safe_workers(const struct safe_input *in, struct safe_result *out);
/* "cores", "ram", "vram", "units", "explicit". */
const char *safe_limit_name(enum safe_limit limit);

#endif
