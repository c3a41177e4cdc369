/*
 * guard: units' process groups die with the controller (see guard.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "guard.h"
#include "spawn.h"
#include "xalloc.h"
#include "banned.h"

/* The guard's end of the socket, in the guard. */
#define GUARD_FD	3
/* Entries of a new table: a page. */
#define GUARD_FIRST	(4096 / sizeof(pid_t))

struct guard {
	pid_t	 pid;		/* -1: none (a test's guard_attach) */
	int	 lost;		/* it ended before bench: nobody reads */
	int	 sock;		/* bench's end */
	int	 memfd;		/* the table's file */
	pid_t	*table;		/* its mapping: 0 free, else a pgid */
	size_t	 cap;		/* entries */
	size_t	 used;		/* entries below which a pgid may be */
};

/* Start the guard. */
int
guard_start(const char *self_exe, struct guard **out, char **cause)
{
	char *argv[] = { (char *)self_exe, (char *)"worker",
	    (char *)"--guard", NULL };
	struct spawn_opts o = SPAWN_OPTS_INIT;
	int fds[2], rc;
	pid_t pid;

	/* a socket, not a pipe: it carries the table's descriptor */
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
	if (guard_attach(fds[1], pid, out, cause) != 0) {
		/* its end of file came with guard_attach's close */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -1;
	}
	return 0;
}

/* One byte with room for one descriptor (SCM_RIGHTS). */
struct guard_msg {
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	}		ctl;
	char		byte;
	struct iovec	iov;
	struct msghdr	msg;
};

static void
guard_msg_init(struct guard_msg *m)
{
	memset(m, 0, sizeof *m);
	m->byte = 'T';
	m->iov = (struct iovec){ .iov_base = &m->byte, .iov_len = 1 };
	m->msg = (struct msghdr){ .msg_iov = &m->iov, .msg_iovlen = 1,
	    .msg_control = m->ctl.buf, .msg_controllen = sizeof m->ctl.buf };
}

/* Send fd over sock. */
static int
guard_pass(int sock, int fd, char **cause)
{
	struct guard_msg m;
	struct cmsghdr *c;
	ssize_t n;

	guard_msg_init(&m);
	c = CMSG_FIRSTHDR(&m.msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	do
		n = sendmsg(sock, &m.msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return err_errno(cause, "cannot pass the guard its table");
	return 0;
}

/* Make the table and hand it to the guard. */
int
guard_attach(int sock, pid_t pid, struct guard **out, char **cause)
{
	size_t size = GUARD_FIRST * sizeof(pid_t);
	void *map;
	int fd;

	if ((fd = memfd_create("bench-guard", MFD_CLOEXEC)) < 0) {
		close(sock);
		return err_errno(cause, "cannot make the guard's table");
	}
	if (ftruncate(fd, (off_t)size) != 0 || (map = mmap(NULL, size,
	    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		err_errno(cause, "cannot map the guard's table");
		close(fd);
		close(sock);
		return -1;
	}
	if (guard_pass(sock, fd, cause) != 0) {
		munmap(map, size);
		close(fd);
		close(sock);
		return -1;
	}
	*out = xmalloc(sizeof **out);
	**out = (struct guard){ .pid = pid, .sock = sock, .memfd = fd,
	    .table = map, .cap = GUARD_FIRST };
	return 0;
}

/* Double the table; -1 when it cannot grow (the pgid is not listed). */
static int
guard_grow(struct guard *g)
{
	size_t old = g->cap * sizeof(pid_t), size = 2 * old;
	void *map;

	if (ftruncate(g->memfd, (off_t)size) != 0)
		return -1;
	map = mremap(g->table, old, size, MREMAP_MAYMOVE);
	if (map == MAP_FAILED)
		return -1;
	g->table = map;
	g->cap *= 2;
	return 0;
}

void
guard_add(struct guard *g, pid_t pgid)
{
	size_t i;

	if (g == NULL || g->lost || pgid <= 0)
		return;
	for (i = 0; i < g->used && g->table[i] != 0; i++)
		;
	if (i == g->cap && guard_grow(g) != 0)
		return;
	g->table[i] = pgid;
	if (i == g->used)
		g->used++;
}

void
guard_remove(struct guard *g, pid_t pgid)
{
	size_t i;

	if (g == NULL || g->lost || pgid <= 0)
		return;
	for (i = 0; i < g->used; i++) {
		if (g->table[i] == pgid)
			g->table[i] = 0;
	}
	while (g->used > 0 && g->table[g->used - 1] == 0)
		g->used--;
}

/* The guard's pid. */
pid_t
guard_pid(const struct guard *g)
{
	return g != NULL && !g->lost && g->pid > 0 ? g->pid : -1;
}

/* The guard was reaped elsewhere. */
void
guard_lost(struct guard *g)
{
	if (g != NULL)
		g->lost = 1;
}

/* Close the socket and reap the guard. */
void
guard_stop(struct guard *g)
{
	if (g == NULL)
		return;
	/* end of file: the guard kills what is listed (nothing, normally)
	   and exits */
	close(g->sock);
	while (g->pid > 0 && !g->lost && waitpid(g->pid, NULL, 0) < 0 &&
	    errno == EINTR)
		;
	munmap(g->table, g->cap * sizeof(pid_t));
	close(g->memfd);
	free(g);
}

/* The guard's side: the table's descriptor from fd; -1 none. */
static int
guard_receive(int fd)
{
	struct guard_msg m;
	struct cmsghdr *c;
	ssize_t n;
	int tfd = -1;

	guard_msg_init(&m);
	do
		n = recvmsg(fd, &m.msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return -1;
	c = CMSG_FIRSTHDR(&m.msg);
	if (c != NULL && c->cmsg_level == SOL_SOCKET &&
	    c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&tfd, CMSG_DATA(c), sizeof tfd);
	return tfd;
}

/* Kill the groups the table in tfd lists; how many were signalled. */
static size_t
guard_kill_listed(int tfd)
{
	struct stat sb;
	pid_t *t;
	size_t n, i, killed = 0;

	if (fstat(tfd, &sb) != 0 || sb.st_size <= 0)
		return 0;
	n = (size_t)sb.st_size / sizeof(pid_t);
	t = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, tfd, 0);
	if (t == MAP_FAILED)
		return 0;
	for (i = 0; i < n; i++) {
		if (t[i] > 0 && killpg(t[i], SIGKILL) == 0)
			killed++;
	}
	munmap(t, (size_t)sb.st_size);
	return killed;
}

/* Wait for end of file, then kill what is still listed. */
size_t
guard_main(int fd)
{
	char buf[256];
	size_t killed;
	ssize_t got;
	int tfd;

	/* it outlives bench on purpose: no signal from the terminal ends it */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	if ((tfd = guard_receive(fd)) < 0)
		return 0;
	for (;;) {
		got = read(fd, buf, sizeof buf);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
	}
	killed = guard_kill_listed(tfd);
	close(tfd);
	return killed;
}
