/*
 * runlock: the lock a run's controller holds on its directory (see
 * runlock.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "err.h"
#include "runlock.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

/* Take the lock of a new run directory. */
int
runlock_take(const char *run_dir, int *fd, char **cause)
{
	char *path = xasprintf("%s/lock", run_dir), pid[32];
	ssize_t w;
	int n;

	do
		*fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	while (*fd < 0 && errno == EINTR);
	if (*fd < 0) {
		err_errno(cause, "cannot create '%s'", path);
		free(path);
		return -1;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		err_errno(cause, "cannot lock '%s'", path);
		close(*fd);
		*fd = -1;
		free(path);
		return -1;
	}
	/* for people: the lock says it, not the number */
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	w = write(*fd, pid, (size_t)n);
	(void)w;
	free(path);
	return 0;
}

/* Whether the controller holding run_dir's lock lives. */
int
runlock_alive(const char *run_dir)
{
	char *path = xasprintf("%s/lock", run_dir);
	int fd, rc;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	free(path);
	if (fd < 0)
		return -1;
	while ((rc = flock(fd, LOCK_SH | LOCK_NB)) != 0 && errno == EINTR)
		;
	if (rc != 0)
		rc = errno == EWOULDBLOCK ? 1 : -1;
	else
		rc = 0;		/* ours now: nobody holds it (closing drops it) */
	close(fd);
	return rc;
}

/* What runlock_on_unit looks for. */
struct runlock_find {
	int64_t	 run_id;
	char	*dir;
};

/* A unit of the run: is its log in RUNS/ID[-K]/logs/? */
static int
runlock_on_unit(const struct store_unit_row *u, void *data)
{
	struct runlock_find *f = data;
	const char *p, *end, *base;
	char *dir, *tail;
	int64_t id;

	if (u->log_path == NULL || (p = strstr(u->log_path, "/logs/")) ==
	    NULL)
		return 0;
	for (end = p; (p = strstr(p + 1, "/logs/")) != NULL; end = p)
		;
	dir = xstrndup(u->log_path, (size_t)(end - u->log_path));
	base = strrchr(dir, '/');
	base = base != NULL ? base + 1 : dir;
	id = strtoll(base, &tail, 10);
	if (id == f->run_id && (*tail == '\0' || *tail == '-')) {
		f->dir = dir;
		return 1;	/* found: stop */
	}
	free(dir);
	return 0;
}

/* The directory of a run. */
char *
runlock_dir(struct store *st, int64_t run_id, const char *workspace)
{
	struct runlock_find f = { .run_id = run_id };
	char *cause = NULL;

	if (store_units_list(st, run_id, runlock_on_unit, &f, &cause) != 0)
		free(cause);
	if (f.dir != NULL)
		return f.dir;
	if (workspace == NULL || workspace[0] == '\0')
		return NULL;
	return xasprintf("%s/runs/%" PRId64, workspace, run_id);
}

/* The status to show for a run. */
const char *
runlock_status(struct store *st, int64_t run_id, const char *workspace,
    const char *status)
{
	char *dir;
	int alive;

	if (status == NULL || strcmp(status, "running") != 0)
		return status;
	if ((dir = runlock_dir(st, run_id, workspace)) == NULL)
		return status;
	alive = runlock_alive(dir);
	free(dir);
	return alive == 0 ? "abandoned" : status;
}
