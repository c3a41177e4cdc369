/*
 * chan: the record protocol between a worker and the controller (DESIGN.md
 * "Workers and the record protocol"): JSON Lines, one record per line, each
 * line at most CHAN_LINE_MAX bytes so a write of it is atomic on a pipe.
 *
 *	{"t":"start","pid":N[,"host":"NAME"]}
 *	{"t":"metric","name":"NAME","value":NUMBER[,"timing":true]}
 *	{"t":"sample","rss_kb":N[,"vram_mb":X][,"cpu_pct":X][,"gpu_util":X]}
 *	{"t":"end","status":"ok|failed|skipped|oom"[,"error":"TEXT"]}
 *	{"t":"log","msg":"TEXT"}
 *	{"t":"usage","cpu_user_s":X,"cpu_sys_s":X,"maxrss_kb":X}
 *
 * `bench worker` sends a usage record with the unit's own CPU time and
 * peak RSS before its end record, so units started through a launcher
 * whose wait status is not the unit's (srun) still get their resources.
 *
 * Records are untrusted input: the reader bounds line length, checks every
 * type, and turns anything else into a protocol error, never a crash.
 */
#ifndef BENCH_CHAN_H
#define BENCH_CHAN_H

#include <stddef.h>

#define CHAN_LINE_MAX 4096		/* PIPE_BUF on Linux */
#define CHAN_NAME_MAX 128		/* metric names */
#define CHAN_TEXT_MAX 1024		/* error and log texts */
#define CHAN_HOST_MAX 255		/* the host of a start record */

enum chan_type {
	CHAN_START = 1,
	CHAN_METRIC,
	CHAN_SAMPLE,
	CHAN_END,
	CHAN_LOG,
	CHAN_USAGE,
};

/* A parsed record. Strings point into storage owned by the parser and stay
   valid until the callback returns (or the next chan_parse_line). NAN marks
   an absent number. */
struct chan_record {
	enum chan_type	 type;
	long		 pid;		/* START; -1 absent */
	char		 host[CHAN_HOST_MAX + 1];	/* START; "" absent */
	char		 name[CHAN_NAME_MAX + 1];	/* METRIC */
	double		 value;		/* METRIC */
	int		 timing;	/* METRIC */
	double		 rss_kb, vram_mb, cpu_pct, gpu_util;	/* SAMPLE */
	double		 cpu_user_s, cpu_sys_s, maxrss_kb;	/* USAGE */
	char		 status[16];	/* END */
	char		 text[CHAN_TEXT_MAX + 1];	/* END error, LOG msg */
};

/* Parse one line (without its newline). 0 on success; -1 with *cause. */
int chan_parse_line(const char *line, size_t len, struct chan_record *rec,
    char **cause);

/*
 * The reading side: a line assembler for one pipe. Feed it what read()
 * returned; it calls cb for each complete valid record and err_cb for each
 * bad line (too long, not JSON, bad types) with the reason.
 */
typedef void (*chan_record_cb)(const struct chan_record *rec, void *data);
typedef void (*chan_error_cb)(const char *reason, void *data);

struct chan;
struct chan *chan_new(chan_record_cb cb, chan_error_cb err_cb, void *data);
void chan_free(struct chan *ch);
/* Feed bytes; over-long lines are skipped up to their newline. */
void chan_feed(struct chan *ch, const char *buf, size_t len);
/* End of stream: a partial last line is a protocol error. */
void chan_eof(struct chan *ch);
/* Records and errors seen so far. */
size_t chan_nrecords(const struct chan *ch);
size_t chan_nerrors(const struct chan *ch);

/*
 * The writing side (workers, and the test-case context). Each writes one
 * line with one write(2), retrying on EINTR; 0 or -1 with errno (EPIPE when
 * the controller is gone). Text longer than the limits is cut, on a UTF-8
 * boundary.
 */
int chan_write_start(int fd, long pid);
/* The same with the host the worker runs on (chan_host); NULL or "": none. */
int chan_write_start_host(int fd, long pid, const char *host);
/* $SLURMD_NODENAME when set, else gethostname(); "" when neither works. */
const char *chan_host(char *buf, size_t len);
int chan_write_metric(int fd, const char *name, double value, int timing);
int chan_write_sample(int fd, double rss_kb, double vram_mb, double cpu_pct,
    double gpu_util);
int chan_write_end(int fd, const char *status, const char *error);
int chan_write_log(int fd, const char *msg);
/* The usage record from getrusage(who): RUSAGE_SELF for a unit run in the
   worker, RUSAGE_CHILDREN for a command it waited for. */
int chan_write_usage(int fd, int who);

#endif
