/*
 * slot: the I/O side of one running unit. A slot owns the controller's
 * ends of the unit's two pipes (the record stream, parsed by chan, and the
 * output stream, relayed to the unit's log), the log file (created on the
 * first byte, so a silent unit costs no file; capped at SLOT_LOG_MAX), the
 * last bytes of the output (when the launcher reads its own end from them)
 * and what the records said: metrics, the end record, usage, host.
 *
 * The engine opens a slot when a unit starts (slot_open gives the write
 * ends for the child, all or nothing), reads it when poll says so, signals
 * the unit's process group through it, and clears it when the unit is
 * done. Pipes are close-on-exec and non-blocking; reads retry on EINTR and
 * stop after SLOT_READ_BUDGET bytes so one flooding unit cannot starve the
 * others.
 */
#ifndef BENCH_SLOT_H
#define BENCH_SLOT_H

#include <stddef.h>
#include <sys/types.h>

#include "chan.h"

#define SLOT_MAX_METRICS	256	/* distinct metric names per unit */
#define SLOT_READ_BUDGET	(256 * 1024)	/* bytes per pipe per wake */
#define SLOT_LOG_MAX		(64UL * 1024 * 1024)	/* bytes kept */
#define SLOT_TAIL_MAX		4096	/* output kept for the launcher */
#define SLOT_MAX_PENDING	64	/* sample records not yet taken */

/* A sample record, with when it arrived. */
struct slot_sample {
	double		 at;		/* CLOCK_MONOTONIC seconds */
	double		 rss_kb, cpu_pct, vram_mb, gpu_util;	/* NAN: none */
};

/* A metric a unit reported. */
struct slot_metric {
	char		*name;
	double		 value;
	int		 timing;
};

/* What a unit's records said. Owned by the slot; valid until slot_clear. */
struct slot_report {
	struct slot_metric metrics[SLOT_MAX_METRICS];
	size_t		 nmetrics;
	size_t		 dropped_metrics;
	size_t		 nsamples;	/* sample records */
	size_t		 lost_samples;	/* overwritten before taken */
	long		 sample_rss_kb;	/* their peaks: 0 none */
	double		 sample_vram_mb;	/* NAN none */
	int		 have_end;
	char		 end_status[16];
	char		*end_error;	/* NULL: none */
	size_t		 nproto;	/* bad records */
	char		*proto_error;	/* the first */
	int		 have_usage;	/* the worker's own usage record */
	double		 usage_user_s, usage_sys_s;
	long		 usage_maxrss_kb;
	char		 host[CHAN_HOST_MAX + 1];	/* start record; "" */
	char		*log_lost;	/* output that did not reach the log
					   and why; NULL none */
	size_t		 log_lost_bytes;
	char		 tail[SLOT_TAIL_MAX];	/* last output, NUL-ended */
	size_t		 tail_len;
};

struct slot;

struct slot *slot_new(void);
void slot_free(struct slot *sl);

/*
 * Open the pipes of a unit starting in a free slot: its output goes to
 * log_path (created on the first byte); keep_tail keeps the last output.
 * *status_w and *out_w get the write ends for the child (close-on-exec;
 * the caller closes them once the child started). 0, or -1 with *cause
 * and the slot left free.
 */
int slot_open(struct slot *sl, const char *log_path, int keep_tail,
    int *status_w, int *out_w, char **cause);
/* Close what the slot holds, free its report and make it free again. */
void slot_clear(struct slot *sl);
int slot_busy(const struct slot *sl);

/* The unit's process (its own process group); 0 before it started. */
void slot_set_pid(struct slot *sl, pid_t pid);
pid_t slot_pid(const struct slot *sl);
/* Signal the whole process group (nothing before it started). */
void slot_kill(const struct slot *sl, int sig);

/* The read ends for poll(): -1 once closed. */
int slot_status_fd(const struct slot *sl);
int slot_out_fd(const struct slot *sl);
/* Read what is there; 1 when this read closed the last open pipe. */
int slot_read_status(struct slot *sl);
int slot_read_output(struct slot *sl);
/* Whether a pipe is still open. */
int slot_pipes_open(const struct slot *sl);
/* Close both pipes at once (a leftover process holds them). */
void slot_cut(struct slot *sl);

/* Append a "[bench] ..." line to the unit's log. */
void slot_log(struct slot *sl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

const struct slot_report *slot_report(const struct slot *sl);

/*
 * Take up to max of the sample records that arrived since the last call,
 * oldest first; returns how many. The slot keeps the last SLOT_MAX_PENDING
 * (older ones count in lost_samples). The engine stores those of remote
 * units (the worker samples itself there); it samples local units itself.
 */
size_t slot_take_samples(struct slot *sl, struct slot_sample *out,
    size_t max);

#endif
