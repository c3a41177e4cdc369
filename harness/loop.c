/*
 * loop: poll over the self-pipe and the slots' pipes, reaping, and the
 * sweep of orphans (see loop.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "loop.h"
#include "slot.h"
#include "xalloc.h"
#include "banned.h"

/* What a poll entry is. */
enum loop_src {
	LOOP_SIGNAL = -1,	/* the self-pipe */
};

/*
 * The signals the loop handles, and what each means. SIGHUP (the terminal
 * or the SSH session closed) and SIGALRM (`timeout -s ALRM`, batch
 * systems) stop the run like SIGINT and SIGTERM: the units get SIGTERM,
 * what ended is recorded, a second one kills at once. SIGUSR1 and SIGUSR2
 * mean nothing to bench (Slurm's --signal warns with USR1): they are
 * caught and dropped, since their default would kill the controller and
 * leave the run abandoned. A handler, not SIG_IGN, so that exec resets
 * it for the units.
 */
static const struct {
	int	 sig;
	int	 stop;		/* counts as an interrupt */
} loop_sigs[] = {
	{ SIGCHLD, 0 }, { SIGINT, 1 }, { SIGTERM, 1 }, { SIGHUP, 1 },
	{ SIGALRM, 1 }, { SIGUSR1, 0 }, { SIGUSR2, 0 },
};
#define LOOP_NSIGS (sizeof loop_sigs / sizeof loop_sigs[0])

struct loop {
	struct sigaction old[LOOP_NSIGS];
	struct pollfd	*pfds;
	int		*src;		/* LOOP_SIGNAL, slot k (records) or
					   -2 - k (output) */
	int		 max;
};

static int loop_pipe[2] = { -1, -1 };
static volatile sig_atomic_t loop_signals;

/* Monotonic seconds. */
double
loop_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall-clock seconds since the epoch. */
double
loop_walltime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Signal handler: note it and wake the loop. Does no other work. */
static void
loop_on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;
	ssize_t w;

	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP ||
	    sig == SIGALRM)
		loop_signals++;
	w = write(loop_pipe[1], &c, 1);
	(void)w;
	errno = saved;
}

/* Install the handlers and the self-pipe. */
int
loop_open(struct loop **out, int nslots, char **cause)
{
	struct sigaction sa;
	struct loop *l;
	size_t i;

	if (loop_pipe[0] >= 0)
		BUG("loop: a second loop opened");
	if (pipe2(loop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return err_errno(cause, "pipe");
	l = xcalloc(1, sizeof *l);
	l->max = 2 * nslots + 1;
	l->pfds = xcalloc((size_t)l->max, sizeof *l->pfds);
	l->src = xcalloc((size_t)l->max, sizeof *l->src);
	loop_signals = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < LOOP_NSIGS; i++) {
		sa.sa_flags = SA_RESTART | (loop_sigs[i].sig == SIGCHLD ?
		    SA_NOCLDSTOP : 0);
		sigaction(loop_sigs[i].sig, &sa, &l->old[i]);
	}
	*out = l;
	return 0;
}

/* Restore the handlers and close the self-pipe. */
void
loop_close(struct loop *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < LOOP_NSIGS; i++)
		sigaction(loop_sigs[i].sig, &l->old[i], NULL);
	close(loop_pipe[0]);
	close(loop_pipe[1]);
	loop_pipe[0] = loop_pipe[1] = -1;
	free(l->pfds);
	free(l->src);
	free(l);
}

/* Stopping signals seen (loop_sigs). */
int
loop_signalled(const struct loop *l)
{
	(void)l;
	return (int)loop_signals;
}

/* Add fd to the poll set as source src. */
static void
loop_add(struct loop *l, int *n, int fd, int src)
{
	if (*n >= l->max)
		BUG("loop: more than %d descriptors", l->max);
	l->pfds[*n].fd = fd;
	l->pfds[*n].events = POLLIN;
	l->pfds[*n].revents = 0;
	l->src[(*n)++] = src;
}

/* The poll set: the self-pipe and every open pipe. */
static int
loop_build(struct loop *l, struct slot *const *slots, int n)
{
	int k, m = 0;

	loop_add(l, &m, loop_pipe[0], LOOP_SIGNAL);
	for (k = 0; k < n; k++) {
		if (!slot_busy(slots[k]))
			continue;
		if (slot_status_fd(slots[k]) >= 0)
			loop_add(l, &m, slot_status_fd(slots[k]), k);
		if (slot_out_fd(slots[k]) >= 0)
			loop_add(l, &m, slot_out_fd(slots[k]), -2 - k);
	}
	return m;
}

/* Read what poll reported. */
static void
loop_dispatch(struct loop *l, int m, struct slot *const *slots,
    loop_eof_cb eof, void *data)
{
	char drain[64];
	int i, k, closed;

	for (i = 0; i < m; i++) {
		if (l->pfds[i].revents == 0)
			continue;
		if (l->src[i] == LOOP_SIGNAL) {
			/* a short read emptied it: no read to see EAGAIN */
			while (read(loop_pipe[0], drain, sizeof drain) ==
			    (ssize_t)sizeof drain)
				;
			continue;
		}
		k = l->src[i] >= 0 ? l->src[i] : -2 - l->src[i];
		closed = l->src[i] >= 0 ? slot_read_status(slots[k]) :
		    slot_read_output(slots[k]);
		if (closed)
			eof(k, data);
	}
}

/* Poll, maybe wait, read. */
int
loop_wait(struct loop *l, struct slot *const *slots, int n, double wait_s,
    loop_idle_cb idle, loop_eof_cb eof, void *data, char **cause)
{
	int m = loop_build(l, slots, n), r;

	r = poll(l->pfds, (nfds_t)m, 0);
	if (r == 0) {
		if (idle(data) != 0)
			return -1;
		r = poll(l->pfds, (nfds_t)m, wait_s < 0 ? -1 :
		    (int)ceil(wait_s * 1000));
	}
	if (r < 0 && errno != EINTR)
		return err_errno(cause, "poll");
	if (r > 0)
		loop_dispatch(l, m, slots, eof, data);
	return 0;
}

/* Reap and report. */
void
loop_reap(loop_exit_cb fn, void *data)
{
	struct rusage ru;
	int status;
	pid_t pid;

	for (;;) {
		pid = wait4(-1, &status, WNOHANG, &ru);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		fn(pid, status, &ru, data);
	}
}

/* The parent of pid from /proc/PID/stat; -1 unknown. */
static long
loop_ppid(pid_t pid)
{
	char path[64], buf[512], *p;
	long ppid;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* pid (comm) state ppid ...: comm may hold anything */
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0' ||
	    sscanf(p + 2, "%*c %ld", &ppid) != 1)
		return -1;
	return ppid;
}

/* Kill the children of bench that are not live units. */
void
loop_kill_orphans(const pid_t *live, size_t n)
{
	struct dirent *de;
	pid_t pid, self = getpid();
	size_t k;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (loop_ppid(pid) != (long)self)
			continue;
		for (k = 0; k < n && live[k] != pid; k++)
			;
		if (k < n)
			continue;
		if (getpgid(pid) == pid)
			killpg(pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	closedir(d);
}
