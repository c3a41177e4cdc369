/*
 * wsample: the worker's own samples of its unit (see wsample.h).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"
#include "err.h"
#include "nvml.h"
#include "sample.h"
#include "wsample.h"
#include "xalloc.h"
#include "banned.h"

struct wsample {
	pid_t	pid;		/* the sampler */
};

/* Seconds on CLOCK_MONOTONIC. */
static double
wsample_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The first decimal of a comma-separated list; -1 none. */
static int
wsample_first_index(const char *s)
{
	char *end;
	long v;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	v = strtol(s, &end, 10);
	if ((*end != '\0' && *end != ',') || v > 1023)
		return -1;
	return (int)v;
}

/* The unit's first GPU from Slurm's environment. */
int
wsample_gpu(void)
{
	int i = wsample_first_index(getenv("SLURM_STEP_GPUS"));

	return i >= 0 ? i : wsample_first_index(getenv("SLURM_JOB_GPUS"));
}

/* Sleep s seconds, through signals. */
static void
wsample_sleep(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The sampler's life: sample, write, sleep, until killed or orphaned. */
static void __attribute__((noreturn))
wsample_child(pid_t pgid, int fd, double period_s, pid_t parent)
{
	struct sample_point p;
	struct nvml *nv = NULL;
	struct sample *s;
	char *cause = NULL;
	int gpu = wsample_gpu();

	if ((s = sample_new(pgid, &cause)) == NULL)
		_exit(1);
	if (nvml_open(&nv, &cause) != 0) {
		free(cause);	/* no GPU here: RSS and CPU only */
		cause = NULL;
		nv = NULL;
	}
	for (;;) {
		wsample_sleep(period_s);
		if (getppid() != parent)
			break;
		if (sample_take(s, wsample_now(), nv, gpu, &p, &cause) != 0) {
			free(cause);
			cause = NULL;
			continue;
		}
		if (chan_write_sample(fd, (double)p.rss_kb, p.vram_mb,
		    p.cpu_pct, p.gpu_util) != 0)
			break;
	}
	_exit(0);
}

/* Start the sampler. */
int
wsample_start(pid_t pgid, int fd, double period_s, struct wsample **out,
    char **cause)
{
	pid_t parent = getpid(), pid;
	struct wsample *w;

	if (!(period_s > 0))
		return err_set(cause, "sample period %g is not positive",
		    period_s);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return err_errno(cause, "fork sampler");
	if (pid == 0) {
		/* not part of what it measures; gone with the worker */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_IGN);
		if (getppid() != parent)
			_exit(0);
		wsample_child(pgid, fd, period_s, parent);
	}
	setpgid(pid, pid);
	w = xcalloc(1, sizeof *w);
	w->pid = pid;
	*out = w;
	return 0;
}

/* Stop and reap the sampler. */
void
wsample_stop(struct wsample *w)
{
	pid_t r;

	if (w == NULL)
		return;
	kill(w->pid, SIGKILL);
	do
		r = waitpid(w->pid, NULL, 0);
	while (r == -1 && errno == EINTR);
	free(w);
}
