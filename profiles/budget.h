/*
 * budget: one RAM/VRAM/GPU/CPU budget shared by every bench process on a
 * host (issue 4 item 7), so two jobs started at once cannot oversubscribe
 * the machine together.
 *
 * The state is a small JSON file, locked with flock(LOCK_EX) around each
 * read-modify-write:
 *   {"version":1,"reservations":[{"id":N,"pid":P,"start":T,"ram_mb":R,
 *     "cpus":C,"gpus":[0,1],"vram_mb":[V0,V1]}]}
 * start is the owner's starttime (field 22 of /proc/PID/stat), so a
 * reused pid is told from its owner. Every access first drops the
 * reservations of owners that are gone (no such pid, or a different start
 * time). A file that does not parse (a writer died mid-write) counts as
 * empty.
 *
 * Where: $BENCH_BUDGET_FILE, else /tmp/bench-budget-UID.json (processes of
 * one user share it; set BENCH_BUDGET_FILE to one path for all users of
 * a machine, writable by all of them).
 *
 * The totals are the caller's (for example 0.8 x MemTotal, hwloc cores,
 * each GPU's total VRAM): reserving checks the sum of every live
 * reservation, ours included, plus the new one against them.
 */
#ifndef BENCH_BUDGET_H
#define BENCH_BUDGET_H

#include <stddef.h>
#include <stdint.h>

/* GPUs one budget tracks, at most. */
#define BUDGET_MAX_GPUS	64

/* What the machine offers (the caller's totals). */
struct budget_totals {
	uint64_t	ram_mb;
	unsigned	cpus;
	size_t		ngpus;			/* GPUs 0..ngpus-1 */
	uint64_t	vram_mb[BUDGET_MAX_GPUS];	/* per GPU */
};

/* What one reservation takes. */
struct budget_need {
	uint64_t	ram_mb;
	unsigned	cpus;
	size_t		ngpus;			/* entries in gpus, vram_mb */
	unsigned	gpus[BUDGET_MAX_GPUS];	/* GPU indices */
	uint64_t	vram_mb[BUDGET_MAX_GPUS];	/* on gpus[i] */
};

/* The file budget_* use (owned by the module, valid until exit). */
const char *budget_path(void);

/*
 * Reserve need if it fits totals minus every live reservation. Returns 0
 * and *id (pass it to budget_release), 1 when it does not fit now (try
 * again later; *why, if not NULL, says which resource, allocated), or -1
 * with *cause (the file cannot be opened, locked or written; a need
 * larger than the totals, which can never fit).
 */
int	budget_reserve(const struct budget_totals *totals,
	    const struct budget_need *need, int64_t *id, char **why,
	    char **cause);
/* Drop reservation id of this process (absent: no-op). 0 or -1. */
int	budget_release(int64_t id, char **cause);
/* Drop every reservation of this process (at exit). 0 or -1. */
int	budget_release_all(char **cause);
/*
 * What live reservations hold now, summed (used->ngpus = the highest GPU
 * index reserved + 1), after cleaning dead owners. 0 or -1.
 */
int	budget_used(struct budget_totals *used, size_t *nreservations,
	    char **cause);

#endif
