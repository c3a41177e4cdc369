/*
 * procstat: RSS, peak RSS and CPU use of a process group, sampled from
 * /proc/PID/stat (pgrp, utime, stime, starttime) and /proc/PID/status
 * (VmRSS, VmHWM) with one pass over /proc per sample.
 */
#include "config.h"

#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "procstat.h"
#include "xalloc.h"
#include "banned.h"

/* The read buffer: /proc/PID/status is about 1.5 KiB. */
#define PROCSTAT_BUFSIZE	16384

/* One member of the group as last seen. */
struct procstat_proc {
	pid_t			pid;
	unsigned long long	start;	/* starttime, ticks after boot */
	unsigned long long	ticks;	/* utime + stime */
};

struct procstat {
	pid_t			 pgid;
	DIR			*dir;	/* /proc, rewound per sample */
	char			*buf;
	struct procstat_proc	*cur, *prev;
	size_t			 ncur, nprev, cap;
	int			 sampled;
	double			 last;
	long			 peak_kb;
	unsigned long long	 total_ticks;
	long			 hz;
};

/* Start sampling pgid. */
struct procstat *
procstat_new(pid_t pgid, char **cause)
{
	struct procstat *ps;
	DIR *dir;

	if ((dir = opendir("/proc")) == NULL) {
		err_errno(cause, "cannot open /proc");
		return NULL;
	}
	ps = xcalloc(1, sizeof *ps);
	ps->pgid = pgid;
	ps->dir = dir;
	ps->buf = xmalloc(PROCSTAT_BUFSIZE);
	ps->cap = 16;
	ps->cur = xreallocarray(NULL, ps->cap, sizeof *ps->cur);
	ps->prev = xreallocarray(NULL, ps->cap, sizeof *ps->prev);
	ps->hz = sysconf(_SC_CLK_TCK);
	if (ps->hz <= 0)
		ps->hz = 100;
	return ps;
}

/* Free everything. */
void
procstat_free(struct procstat *ps)
{
	if (ps == NULL)
		return;
	closedir(ps->dir);
	free(ps->buf);
	free(ps->cur);
	free(ps->prev);
	free(ps);
}

/* Read dirfd/name into ps->buf, NUL-terminated; length or -1. */
static ssize_t
procstat_read(struct procstat *ps, const char *name)
{
	ssize_t n;
	size_t off = 0;
	int fd;

	do
		fd = openat(dirfd(ps->dir), name, O_RDONLY | O_CLOEXEC);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return -1;
	while (off < PROCSTAT_BUFSIZE - 1) {
		n = read(fd, ps->buf + off, PROCSTAT_BUFSIZE - 1 - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	ps->buf[off] = '\0';
	return (ssize_t)off;
}

/*
 * Parse a stat line: pgrp, utime + stime, starttime. Returns 0, or -1 when
 * the line is not one.
 */
static int
procstat_parse_stat(char *line, pid_t *pgrp, unsigned long long *ticks,
    unsigned long long *start)
{
	unsigned long long utime = 0, stime = 0, v;
	char *p, *end;
	int field;

	/* the command may contain anything: skip to the last ')' */
	if ((p = strrchr(line, ')')) == NULL)
		return -1;
	p++;
	/* fields after ')': 3 state, 4 ppid, 5 pgrp, ... 14 utime, 15 stime,
	 * 22 starttime */
	for (field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return -1;
		if (field == 3) {
			while (*p != ' ' && *p != '\0')
				p++;
			continue;
		}
		errno = 0;
		v = strtoull(p, &end, 10);
		if (end == p) {
			/* negative fields (tty_nr, priority) parse as signed */
			if (*p != '-')
				return -1;
			(void)strtoll(p, &end, 10);
			v = 0;
		}
		p = end;
		if (field == 5)
			*pgrp = (pid_t)v;
		else if (field == 14)
			utime = v;
		else if (field == 15)
			stime = v;
		else if (field == 22)
			*start = v;
	}
	*ticks = utime + stime;
	return 0;
}

/* The value in KiB of "key:" in a status text, 0 if absent. */
static long
procstat_status_kb(const char *text, const char *key)
{
	const char *p;
	size_t len = strlen(key);

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, key, len) == 0 && p[len] == ':')
			return strtol(p + len + 1, NULL, 10);
	}
	return 0;
}

/* Scan /proc and fill *out. */
int
procstat_sample(struct procstat *ps, double now, struct procstat_sample *out,
    char **cause)
{
	struct procstat_proc *swap;
	struct dirent *de;
	char path[64];
	unsigned long long ticks = 0, start = 0, gained = 0;
	long rss = 0, hwm = 0, v;
	pid_t pid, pgrp = 0;
	size_t i;
	char *end;

	memset(out, 0, sizeof *out);
	out->cpu_pct = NAN;
	ps->ncur = 0;
	rewinddir(ps->dir);
	/* errno before each readdir: a skipped process (gone since the
	   readdir, ENOENT) must not read as a readdir error at the end */
	for (;;) {
		errno = 0;
		de = readdir(ps->dir);
		if (de == NULL)
			break;
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		snprintf(path, sizeof path, "%ld/stat", (long)pid);
		if (procstat_read(ps, path) <= 0)
			continue;	/* gone since readdir */
		if (procstat_parse_stat(ps->buf, &pgrp, &ticks, &start) != 0)
			continue;
		if (pgrp != ps->pgid)
			continue;

		if (ps->ncur == ps->cap) {
			ps->cap *= 2;
			ps->cur = xreallocarray(ps->cur, ps->cap,
			    sizeof *ps->cur);
			ps->prev = xreallocarray(ps->prev, ps->cap,
			    sizeof *ps->prev);
		}
		ps->cur[ps->ncur].pid = pid;
		ps->cur[ps->ncur].start = start;
		ps->cur[ps->ncur].ticks = ticks;
		ps->ncur++;

		/* CPU gained since the previous sample of the same process */
		for (i = 0; i < ps->nprev; i++) {
			if (ps->prev[i].pid == pid &&
			    ps->prev[i].start == start)
				break;
		}
		if (i < ps->nprev)
			gained += ticks >= ps->prev[i].ticks ?
			    ticks - ps->prev[i].ticks : 0;
		else
			gained += ticks;

		snprintf(path, sizeof path, "%ld/status", (long)pid);
		if (procstat_read(ps, path) > 0) {
			rss += procstat_status_kb(ps->buf, "VmRSS");
			v = procstat_status_kb(ps->buf, "VmHWM");
			if (v > hwm)
				hwm = v;
		}
	}
	if (errno != 0)
		return err_errno(cause, "cannot read /proc");

	out->rss_kb = rss;
	out->hwm_kb = hwm;
	out->nprocs = (unsigned)ps->ncur;
	if (rss > ps->peak_kb)
		ps->peak_kb = rss;
	if (hwm > ps->peak_kb)
		ps->peak_kb = hwm;
	ps->total_ticks += gained;
	if (ps->sampled && now > ps->last)
		out->cpu_pct = 100.0 * ((double)gained / (double)ps->hz) /
		    (now - ps->last);
	ps->sampled = 1;
	ps->last = now;

	swap = ps->prev;
	ps->prev = ps->cur;
	ps->cur = swap;
	ps->nprev = ps->ncur;
	ps->ncur = 0;
	return 0;
}

/* The peak RSS so far. */
long
procstat_peak_rss_kb(const struct procstat *ps)
{
	return ps->peak_kb;
}

/* Total CPU seconds seen. */
double
procstat_cpu_s(const struct procstat *ps)
{
	return (double)ps->total_ticks / (double)ps->hz;
}

/* The members found by the last sample (kept in prev once it ends). */
size_t
procstat_pids(const struct procstat *ps, pid_t *pids, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < ps->nprev && n < max; i++)
		pids[n++] = ps->prev[i].pid;
	return n;
}
