/*
 * quiet: the machine's state at run start (see quiet.h), from /proc and
 * /sys. Reads only; a file that is missing leaves its field null.
 */
#include "config.h"

#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "quiet.h"
#include "xalloc.h"
#include "banned.h"

#define QUIET_MAX_PIDS	4096
#define QUIET_SHOW	5

/* One process: pid, its name and its CPU ticks. */
struct quiet_proc {
	long	pid;
	char	comm[32];
	unsigned long long ticks;
};

/* A look in progress: the thread that takes the window, and its result. */
struct quiet {
	unsigned	 cores;
	pthread_t	 thread;
	int		 threaded;	/* 0: quiet_finish looks itself */
	json_t		*state;
	char		*why;
};

/* utime + stime of /proc/PID/stat, and its comm; -1 when unreadable. */
static int
quiet_ticks(long pid, struct quiet_proc *p)
{
	char path[64], buf[1024], *l, *r;
	unsigned long long ut, st;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	if ((l = strchr(buf, '(')) == NULL || (r = strrchr(buf, ')')) == NULL)
		return -1;
	snprintf(p->comm, sizeof p->comm, "%.*s", (int)(r - l - 1), l + 1);
	/* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt
	   majflt cmajflt utime stime */
	if (sscanf(r + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
	    "%llu", &ut, &st) != 2)
		return -1;
	p->pid = pid;
	p->ticks = ut + st;
	return 0;
}

/* Every process's ticks now, but bench's own; returns how many. */
static size_t
quiet_scan(struct quiet_proc *ps, size_t max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t n = 0;
	long pid;

	if (d == NULL)
		return 0;
	while (n < max && (e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = strtol(e->d_name, NULL, 10);
		if (pid == (long)getpid())
			continue;
		if (quiet_ticks(pid, &ps[n]) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* The busy processes of a window as an array; *count gets how many. */
static json_t *
quiet_busy(int *count)
{
	struct quiet_proc *a = xcalloc(QUIET_MAX_PIDS, sizeof *a), b;
	struct timespec ts = { 0, (long)(QUIET_WINDOW_S * 1e9) };
	double hz = (double)sysconf(_SC_CLK_TCK), pct;
	json_t *busy = json_array();
	size_t n = quiet_scan(a, QUIET_MAX_PIDS), i;

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	*count = 0;
	for (i = 0; i < n; i++) {
		if (quiet_ticks(a[i].pid, &b) != 0 || b.ticks < a[i].ticks)
			continue;
		pct = 100.0 * (double)(b.ticks - a[i].ticks) / hz /
		    QUIET_WINDOW_S;
		if (pct <= QUIET_BUSY_PCT)
			continue;
		if ((*count)++ < QUIET_SHOW)
			json_array_append_new(busy, json_pack("{s:I,s:s,s:f}",
			    "pid", (json_int_t)b.pid, "comm", b.comm,
			    "cpu_pct", pct));
	}
	free(a);
	return busy;
}

/* The first word of a small file, or NULL. */
static json_t *
quiet_word(const char *path)
{
	char buf[64];
	FILE *fp = fopen(path, "re");

	if (fp == NULL)
		return json_null();
	if (fscanf(fp, "%63s", buf) != 1) {
		fclose(fp);
		return json_null();
	}
	fclose(fp);
	return json_string(buf);
}

/* Look at the machine: q->state and q->why. */
static void
quiet_look(struct quiet *q)
{
	double l1 = -1, l5 = -1, l15 = -1;
	json_t *busy, *gov;
	unsigned cores = q->cores;
	int nbusy = 0;
	FILE *fp;

	if ((fp = fopen("/proc/loadavg", "re")) != NULL) {
		if (fscanf(fp, "%lf %lf %lf", &l1, &l5, &l15) != 3)
			l1 = l5 = l15 = -1;
		fclose(fp);
	}
	gov = quiet_word("/sys/devices/system/cpu/cpu0/cpufreq/"
	    "scaling_governor");
	busy = quiet_busy(&nbusy);
	q->state = json_pack("{s:o,s:o,s:o,s:I,s:o,s:i,s:o}",
	    "load1", l1 >= 0 ? json_real(l1) : json_null(),
	    "load5", l5 >= 0 ? json_real(l5) : json_null(),
	    "load15", l15 >= 0 ? json_real(l15) : json_null(),
	    "cores", (json_int_t)cores, "governor", gov,
	    "busy_processes", nbusy, "busy", busy);
	if (nbusy > 0)
		q->why = xasprintf("%d other process%s busy (first: %s, %.0f%% "
		    "CPU)", nbusy, nbusy == 1 ? " was" : "es were",
		    json_string_value(json_object_get(json_array_get(busy, 0),
		    "comm")), json_real_value(json_object_get(
		    json_array_get(busy, 0), "cpu_pct")));
	else if (l1 > (double)cores / 2)
		q->why = xasprintf("load average %.2f on %u core%s", l1, cores,
		    cores == 1 ? "" : "s");
}

static void *
quiet_thread(void *arg)
{
	quiet_look(arg);
	return NULL;
}

/* Start a look in the background. */
struct quiet *
quiet_start(unsigned cores)
{
	struct quiet *q = xcalloc(1, sizeof *q);
	sigset_t all, old;

	q->cores = cores;
	/* signals stay the main thread's: the thread blocks them all */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	q->threaded = pthread_create(&q->thread, NULL, quiet_thread, q) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return q;
}

/* Wait for the look; its state. */
json_t *
quiet_finish(struct quiet *q, char **why)
{
	json_t *st;

	if (q->threaded)
		pthread_join(q->thread, NULL);
	else
		quiet_look(q);
	st = q->state;
	*why = q->why;
	free(q);
	return st;
}

/* Look at the machine now; see quiet.h. */
json_t *
quiet_state(unsigned cores, char **why)
{
	struct quiet q = { .cores = cores };

	quiet_look(&q);
	*why = q.why;
	return q.state;
}
