/*
 * guard: units' process groups die with the controller (see guard.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "guard.h"
#include "spawn.h"
#include "xalloc.h"
#include "banned.h"

/* The guard's end of the socket, in the guard. */
#define GUARD_FD	3
/* The longest message: sign, digits of a pid_t, newline. */
#define GUARD_LINE_MAX	32

struct guard {
	pid_t	pid;
	int	fd;	/* bench's end; -1 once dropped */
};

/* Start the guard. */
int
guard_start(const char *self_exe, struct guard **out, char **cause)
{
	char *argv[] = { (char *)self_exe, (char *)"worker",
	    (char *)"--guard", NULL };
	struct spawn_opts o = SPAWN_OPTS_INIT;
	struct guard *g;
	int fds[2], rc;
	pid_t pid;

	/* a socket, not a pipe: send() can refuse SIGPIPE and waiting */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
		return err_errno(cause, "cannot make the guard's socket");
	o.argv = argv;
	o.status_fd = fds[0];
	o.child_status_fd = GUARD_FD;
	rc = spawn_start(&o, &pid, cause);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		return -1;
	}
	g = xmalloc(sizeof *g);
	*g = (struct guard){ .pid = pid, .fd = fds[1] };
	*out = g;
	return 0;
}

/* Send one message; drop the guard when it stopped listening. */
static void
guard_send(struct guard *g, char sign, pid_t pgid)
{
	char buf[GUARD_LINE_MAX];
	int len;
	ssize_t n;

	if (g == NULL || g->fd < 0 || pgid <= 0)
		return;
	len = snprintf(buf, sizeof buf, "%c%ld\n", sign, (long)pgid);
	do
		n = send(g->fd, buf, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	/* a guard that is gone or does not read is dropped */
	if (n != len) {
		close(g->fd);
		g->fd = -1;
	}
}

void
guard_add(struct guard *g, pid_t pgid)
{
	guard_send(g, '+', pgid);
}

void
guard_remove(struct guard *g, pid_t pgid)
{
	guard_send(g, '-', pgid);
}

/* The guard's pid. */
pid_t
guard_pid(const struct guard *g)
{
	return g != NULL && g->fd >= 0 ? g->pid : -1;
}

/* Close the socket and reap the guard. */
void
guard_stop(struct guard *g)
{
	if (g == NULL)
		return;
	/* a dropped guard that still runs (not reaped: its pid is still
	   ours) is killed; ECHILD: the loop's reaper took it */
	if (g->fd >= 0)
		close(g->fd);
	else if (waitpid(g->pid, NULL, WNOHANG) == 0)
		kill(g->pid, SIGKILL);
	while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(g);
}

/* Apply one message to the listed set. */
int
guard_apply(pid_t *pgids, size_t *n, size_t cap, const char *line)
{
	char *end;
	long v;
	size_t i;

	if ((line[0] != '+' && line[0] != '-') || line[1] < '0' ||
	    line[1] > '9')
		return -1;
	errno = 0;
	v = strtol(line + 1, &end, 10);
	if (end == line + 1 || *end != '\0' || errno != 0 || v <= 0 ||
	    (long)(pid_t)v != v)
		return -1;
	for (i = 0; i < *n && pgids[i] != (pid_t)v; i++)
		;
	if (line[0] == '-') {
		if (i < *n)
			pgids[i] = pgids[--*n];
		return 0;
	}
	if (i < *n)
		return 0;
	if (*n == cap)
		return -1;
	pgids[(*n)++] = (pid_t)v;
	return 0;
}

/* Read messages until end of file, then kill what is still listed. */
size_t
guard_main(int fd)
{
	char buf[4096], line[GUARD_LINE_MAX];
	pid_t *pgids = NULL;
	size_t n = 0, cap = 0, len = 0, killed = 0, i;
	ssize_t got;

	/* it outlives bench on purpose: no signal from the terminal ends it */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	for (;;) {
		got = read(fd, buf, sizeof buf);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		for (i = 0; i < (size_t)got; i++) {
			if (buf[i] != '\n') {
				if (len < sizeof line - 1)
					line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			len = 0;
			if (n == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				pgids = xreallocarray(pgids, cap,
				    sizeof *pgids);
			}
			guard_apply(pgids, &n, cap, line);
		}
	}
	for (i = 0; i < n; i++) {
		if (killpg(pgids[i], SIGKILL) == 0)
			killed++;
	}
	free(pgids);
	return killed;
}
