/*
 * slot: one running unit's pipes, its log, and what its records said (see
 * slot.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"
#include "err.h"
#include "slot.h"
#include "xalloc.h"
#include "banned.h"

struct slot {
	int		 busy;
	pid_t		 pid;		/* also the process group */
	int		 fd;		/* records; -1 at EOF */
	int		 out_fd;	/* output; -1 at EOF */
	struct chan	*chan;
	char		*log_path;
	int		 log_fd;	/* opened on the first output */
	int		 log_failed;
	int		 log_capped;
	size_t		 log_bytes;
	int		 keep_tail;
	struct slot_report rep;
	struct slot_sample pending[SLOT_MAX_PENDING];	/* a ring */
	size_t		 pend_first, pend_n;
};

/* A free slot. */
struct slot *
slot_new(void)
{
	struct slot *sl = xcalloc(1, sizeof *sl);

	sl->fd = sl->out_fd = sl->log_fd = -1;
	return sl;
}

/* Free a slot and what it holds. */
void
slot_free(struct slot *sl)
{
	if (sl == NULL)
		return;
	slot_clear(sl);
	free(sl);
}

/* Close fd if open and mark it closed. */
static void
slot_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Free and close everything; the slot is free again. */
void
slot_clear(struct slot *sl)
{
	size_t i;

	slot_close(&sl->fd);
	slot_close(&sl->out_fd);
	slot_close(&sl->log_fd);
	chan_free(sl->chan);
	free(sl->log_path);
	free(sl->rep.end_error);
	free(sl->rep.proto_error);
	free(sl->rep.log_lost);
	for (i = 0; i < sl->rep.nmetrics; i++)
		free(sl->rep.metrics[i].name);
	memset(sl, 0, sizeof *sl);
	sl->fd = sl->out_fd = sl->log_fd = -1;
}

/* Whether a unit holds the slot. */
int
slot_busy(const struct slot *sl)
{
	return sl->busy;
}

/* len bytes of output could not be logged; the first reason is kept. */
static void
slot_log_lost(struct slot *sl, size_t len, const char *what)
{
	sl->rep.log_lost_bytes += len;
	if (sl->rep.log_lost == NULL)
		err_errno(&sl->rep.log_lost, "%s '%s'", what, sl->log_path);
}

/*
 * Append bytes to the unit's log, creating it on first use: a unit that
 * prints nothing costs no file (creating thousands of files is what made
 * dispatch slow). At most SLOT_LOG_MAX bytes are kept.
 */
static void
slot_log_write(struct slot *sl, const char *buf, size_t len)
{
	static const char capped[] = "\n[bench] log truncated: more than "
	    "64 MiB of output\n";
	ssize_t w;

	if (sl->log_capped || len == 0)
		return;
	if (sl->log_failed) {
		sl->rep.log_lost_bytes += len;
		return;
	}
	if (sl->log_fd < 0 && (sl->log_fd = open(sl->log_path, O_WRONLY |
	    O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
	    0600)) < 0) {
		sl->log_failed = 1;
		slot_log_lost(sl, len, "cannot create the log");
		return;
	}
	if (sl->log_bytes + len > SLOT_LOG_MAX) {
		len = SLOT_LOG_MAX - sl->log_bytes;
		sl->log_capped = 1;
	}
	while (len > 0) {
		w = write(sl->log_fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			/* a full disk: what follows is lost too */
			if (w == 0)
				errno = ENOSPC;
			sl->log_failed = 1;
			slot_log_lost(sl, len, "cannot write the log");
			return;
		}
		buf += w;
		len -= (size_t)w;
		sl->log_bytes += (size_t)w;
	}
	if (sl->log_capped) {
		w = write(sl->log_fd, capped, sizeof capped - 1);
		(void)w;
	}
}

/* Append a line from bench to the unit's log. */
void
slot_log(struct slot *sl, const char *fmt, ...)
{
	char buf[1200];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof buf, "[bench] ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 2)
		n = (int)sizeof buf - 2;
	buf[n++] = '\n';
	slot_log_write(sl, buf, (size_t)n);
}

/* Keep a metric (the last value of a name wins). */
static void
slot_on_metric(struct slot_report *r, const struct chan_record *rec)
{
	size_t i;

	for (i = 0; i < r->nmetrics; i++) {
		if (strcmp(r->metrics[i].name, rec->name) == 0)
			break;
	}
	if (i == r->nmetrics) {
		if (r->nmetrics == SLOT_MAX_METRICS) {
			r->dropped_metrics++;
			return;
		}
		r->metrics[i].name = xstrdup(rec->name);
		r->nmetrics++;
	}
	r->metrics[i].value = rec->value;
	r->metrics[i].timing = rec->timing;
}

/* Keep the end record. */
static void
slot_on_end(struct slot_report *r, const struct chan_record *rec)
{
	r->have_end = 1;
	snprintf(r->end_status, sizeof r->end_status, "%s", rec->status);
	free(r->end_error);
	r->end_error = rec->text[0] != '\0' ? xstrdup(rec->text) : NULL;
}

/* Keep the worker's own usage. */
static void
slot_on_usage(struct slot_report *r, const struct chan_record *rec)
{
	r->have_usage = 1;
	r->usage_user_s = isnan(rec->cpu_user_s) ? 0 : rec->cpu_user_s;
	r->usage_sys_s = isnan(rec->cpu_sys_s) ? 0 : rec->cpu_sys_s;
	r->usage_maxrss_kb = isnan(rec->maxrss_kb) ? 0 :
	    (long)rec->maxrss_kb;
}

/* Seconds on CLOCK_MONOTONIC (the engine's clock). */
static double
slot_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keep a sample record for the engine, and its peaks. */
static void
slot_on_sample(struct slot *sl, const struct chan_record *rec)
{
	struct slot_report *r = &sl->rep;
	struct slot_sample *s;

	r->nsamples++;
	if (!isnan(rec->rss_kb) && rec->rss_kb > (double)r->sample_rss_kb &&
	    rec->rss_kb < 1e15)
		r->sample_rss_kb = (long)rec->rss_kb;
	if (!isnan(rec->vram_mb) && (isnan(r->sample_vram_mb) ||
	    rec->vram_mb > r->sample_vram_mb))
		r->sample_vram_mb = rec->vram_mb;
	if (sl->pend_n == SLOT_MAX_PENDING) {
		sl->pend_first = (sl->pend_first + 1) % SLOT_MAX_PENDING;
		sl->pend_n--;
		r->lost_samples++;
	}
	s = &sl->pending[(sl->pend_first + sl->pend_n) % SLOT_MAX_PENDING];
	sl->pend_n++;
	s->at = slot_now();
	s->rss_kb = rec->rss_kb;
	s->cpu_pct = rec->cpu_pct;
	s->vram_mb = rec->vram_mb;
	s->gpu_util = rec->gpu_util;
}

/* Take the samples that arrived. */
size_t
slot_take_samples(struct slot *sl, struct slot_sample *out, size_t max)
{
	size_t n = 0;

	while (n < max && sl->pend_n > 0) {
		out[n++] = sl->pending[sl->pend_first];
		sl->pend_first = (sl->pend_first + 1) % SLOT_MAX_PENDING;
		sl->pend_n--;
	}
	return n;
}

/* A record arrived from the unit. */
static void
slot_on_record(const struct chan_record *rec, void *data)
{
	struct slot *sl = data;
	struct slot_report *r = &sl->rep;

	switch (rec->type) {
	case CHAN_START:
		if (rec->host[0] != '\0' && r->host[0] == '\0')
			snprintf(r->host, sizeof r->host, "%s", rec->host);
		break;
	case CHAN_METRIC:
		slot_on_metric(r, rec);
		break;
	case CHAN_SAMPLE:
		slot_on_sample(sl, rec);
		break;
	case CHAN_END:
		slot_on_end(r, rec);
		break;
	case CHAN_LOG:
		slot_log(sl, "%s", rec->text);
		break;
	case CHAN_USAGE:
		slot_on_usage(r, rec);
		break;
	}
}

/* A bad record arrived from the unit. */
static void
slot_on_proto_error(const char *reason, void *data)
{
	struct slot *sl = data;

	sl->rep.nproto++;
	if (sl->rep.proto_error == NULL)
		sl->rep.proto_error = xstrdup(reason);
	if (sl->rep.nproto <= 5)
		slot_log(sl, "bad status record ignored: %s", reason);
}

/* Open both pipes, all or nothing. */
int
slot_open(struct slot *sl, const char *log_path, int keep_tail,
    int *status_w, int *out_w, char **cause)
{
	int pfd[2], ofd[2];

	if (sl->busy)
		BUG("slot: opened while busy");
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return err_errno(cause, "pipe");
	if (pipe2(ofd, O_CLOEXEC) != 0) {
		close(pfd[0]);
		close(pfd[1]);
		return err_errno(cause, "pipe");
	}
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	fcntl(ofd[0], F_SETFL, O_NONBLOCK);
	sl->busy = 1;
	sl->fd = pfd[0];
	sl->out_fd = ofd[0];
	sl->log_path = xstrdup(log_path);
	sl->keep_tail = keep_tail;
	sl->rep.sample_vram_mb = NAN;
	sl->chan = chan_new(slot_on_record, slot_on_proto_error, sl);
	*status_w = pfd[1];
	*out_w = ofd[1];
	return 0;
}

/* Set the unit's process. */
void
slot_set_pid(struct slot *sl, pid_t pid)
{
	sl->pid = pid;
}

/* The unit's process, 0 before it started. */
pid_t
slot_pid(const struct slot *sl)
{
	return sl->pid;
}

/* Signal the unit's process group; never pid 0 or -1. */
void
slot_kill(const struct slot *sl, int sig)
{
	if (sl->pid > 0)
		killpg(sl->pid, sig);
}

/* The record pipe's read end, -1 once closed. */
int
slot_status_fd(const struct slot *sl)
{
	return sl->fd;
}

/* The output pipe's read end, -1 once closed. */
int
slot_out_fd(const struct slot *sl)
{
	return sl->out_fd;
}

/* Whether a pipe is open. */
int
slot_pipes_open(const struct slot *sl)
{
	return sl->fd >= 0 || sl->out_fd >= 0;
}

/* Close the record pipe: the stream is over. */
static void
slot_status_eof(struct slot *sl)
{
	chan_eof(sl->chan);
	slot_close(&sl->fd);
}

/* Read the records there are; EOF closes the pipe. */
int
slot_read_status(struct slot *sl)
{
	char buf[16384];
	size_t budget = SLOT_READ_BUDGET;
	ssize_t n;

	while (budget > 0 && sl->fd >= 0) {
		n = read(sl->fd, buf, sizeof buf);
		if (n > 0) {
			chan_feed(sl->chan, buf, (size_t)n);
			budget -= (size_t)n < budget ? (size_t)n : budget;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		/* EOF or a real error: the stream is over */
		slot_status_eof(sl);
		return !slot_pipes_open(sl);
	}
	return 0;
}

/* Keep the last SLOT_TAIL_MAX - 1 bytes of the output. */
static void
slot_tail(struct slot_report *r, const char *buf, size_t len)
{
	size_t keep = SLOT_TAIL_MAX - 1, drop;

	if (len >= keep) {
		memcpy(r->tail, buf + len - keep, keep);
		r->tail_len = keep;
	} else {
		if (r->tail_len + len > keep) {
			drop = r->tail_len + len - keep;
			memmove(r->tail, r->tail + drop, r->tail_len - drop);
			r->tail_len -= drop;
		}
		memcpy(r->tail + r->tail_len, buf, len);
		r->tail_len += len;
	}
	r->tail[r->tail_len] = '\0';
}

/* Move the output there is to the log; EOF closes the pipe. */
int
slot_read_output(struct slot *sl)
{
	char buf[65536];
	size_t budget = SLOT_READ_BUDGET;
	ssize_t n;

	while (budget > 0 && sl->out_fd >= 0) {
		n = read(sl->out_fd, buf, sizeof buf);
		if (n > 0) {
			slot_log_write(sl, buf, (size_t)n);
			if (sl->keep_tail)
				slot_tail(&sl->rep, buf, (size_t)n);
			budget -= (size_t)n < budget ? (size_t)n : budget;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		slot_close(&sl->out_fd);
		return !slot_pipes_open(sl);
	}
	return 0;
}

/* Close both pipes now. */
void
slot_cut(struct slot *sl)
{
	if (sl->fd >= 0)
		slot_status_eof(sl);
	slot_close(&sl->out_fd);
}

/* What the records said. */
const struct slot_report *
slot_report(const struct slot *sl)
{
	return &sl->rep;
}
