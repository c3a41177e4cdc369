/*
 * procstat: sample a worker's process group through /proc. Each sample
 * scans /proc once, keeps the processes whose stat pgrp field is the
 * group's, and sums their resident memory (VmRSS) and CPU time
 * (utime + stime). The peak is the largest sum seen, or the largest VmHWM
 * of any one member if that is larger (a process may have peaked between
 * two samples). CPU % is the group's CPU time gained since the previous
 * sample over the wall time between them (100 = one core busy); a process
 * that exited between two samples loses its last interval (wait4's rusage
 * covers the whole run).
 *
 * Allocation: procstat_new allocates; procstat_sample reuses its buffers,
 * growing them only when the group has more processes than ever before.
 * Not thread-safe: one sampler per struct.
 *
 * Call order: procstat_new, procstat_sample at each tick (the first gives
 * cpu_pct NAN), procstat_peak_rss_kb at the end, procstat_free.
 */
#ifndef BENCH_PROCSTAT_H
#define BENCH_PROCSTAT_H

#include <sys/types.h>

struct procstat;

/* One sample of the group. */
struct procstat_sample {
	long	rss_kb;		/* sum of VmRSS, KiB */
	double	cpu_pct;	/* since the previous sample; NAN on the first */
	unsigned nprocs;	/* live members found (zombies count, rss 0) */
	long	hwm_kb;		/* largest VmHWM of one member, KiB */
};

/*
 * Start sampling process group pgid. Returns a handle to free with
 * procstat_free, or NULL with *cause when /proc cannot be opened.
 */
struct procstat *procstat_new(pid_t pgid, char **cause);
/* Close and free; NULL is a no-op. */
void	procstat_free(struct procstat *ps);
/*
 * Scan /proc now; now is a monotonic time in seconds (the caller's clock,
 * used only for cpu_pct). Fills *out. Returns 0, or -1 with *cause if
 * /proc cannot be read at all; a group with no process left gives 0 and
 * nprocs 0.
 */
int	procstat_sample(struct procstat *ps, double now,
	    struct procstat_sample *out, char **cause);
/* Peak RSS in KiB over all samples so far (see above); 0 before any. */
long	procstat_peak_rss_kb(const struct procstat *ps);
/* Copy up to max pids of the members the last sample found into pids
   (for per-process GPU memory); returns how many. */
size_t	procstat_pids(const struct procstat *ps, pid_t *pids, size_t max);
/* Total CPU time of the group seen so far, in seconds. */
double	procstat_cpu_s(const struct procstat *ps);

#endif
