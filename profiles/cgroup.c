/*
 * cgroup: per-unit memory cgroups on v2 or v1, found through
 * /proc/self/mountinfo and /proc/self/cgroup.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "err.h"
#include "xalloc.h"
#include "banned.h"

/* Most bytes read from one cgroup file. */
#define CGROUP_READ_MAX	65536

enum cgroup_version {
	CGROUP_NONE,
	CGROUP_V1,
	CGROUP_V2
};

struct cgroup {
	enum cgroup_version	 version;
	char			*path;
	int			 procs_fd;
};

/* What detection found; computed once. */
static int			 cgroup_detected;
static enum cgroup_version	 cgroup_version;
static char			*cgroup_base;	/* where bench.<pid> goes */
static char			*cgroup_why;
/* bench.<pid> and how many groups are in it */
static char			*cgroup_parent;
static unsigned			 cgroup_count;

/* Read a whole file into an allocated string; NULL with errno. */
static char *
cgroup_read(const char *path)
{
	char *buf;
	size_t off = 0;
	ssize_t n;
	int fd, saved;

	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return NULL;
	buf = xmalloc(CGROUP_READ_MAX);
	while (off < CGROUP_READ_MAX - 1) {
		n = read(fd, buf + off, CGROUP_READ_MAX - 1 - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			close(fd);
			free(buf);
			errno = saved;
			return NULL;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	return buf;
}

/* Write text to path (no O_CREAT); 0 or -1 with errno. */
static int
cgroup_write(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, saved;

	do
		fd = open(path, O_WRONLY | O_CLOEXEC);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return -1;
	do
		n = write(fd, text, len);
	while (n == -1 && errno == EINTR);
	saved = errno;
	close(fd);
	if (n != (ssize_t)len) {
		errno = n == -1 ? saved : EIO;
		return -1;
	}
	return 0;
}

/* Whether word is one of the separated words of list. */
static int
cgroup_has_word(const char *list, const char *word, const char *seps)
{
	size_t len = strlen(word), n;
	const char *p = list;

	while (*p != '\0') {
		n = strcspn(p, seps);
		if (n == len && strncmp(p, word, len) == 0)
			return 1;
		p += n;
		if (*p != '\0')
			p++;
	}
	return 0;
}

/*
 * Find the mount of a hierarchy in mountinfo: fstype "cgroup2", or
 * "cgroup" with the memory controller. Sets *mnt and *root (allocated).
 */
static int
cgroup_find_mount(const char *mountinfo, int v2, char **mnt, char **root)
{
	char *copy, *line, *next, *f[16], *dash, *p;
	int n;

	copy = xstrdup(mountinfo);
	for (line = copy; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		/* id parent dev root mountpoint opts [optional...] - type src super */
		if ((dash = strstr(line, " - ")) == NULL)
			continue;
		*dash = '\0';
		n = 0;
		for (p = strtok_r(line, " ", &line); p != NULL && n < 16;
		    p = strtok_r(NULL, " ", &line))
			f[n++] = p;
		if (n < 5)
			continue;
		p = dash + 3;
		if (v2) {
			if (strncmp(p, "cgroup2 ", 8) != 0)
				continue;
		} else {
			if (strncmp(p, "cgroup ", 7) != 0)
				continue;
			p = strrchr(p, ' ');
			if (p == NULL || !cgroup_has_word(p + 1, "memory", ","))
				continue;
		}
		*mnt = xstrdup(f[4]);
		*root = xstrdup(f[3]);
		free(copy);
		return 0;
	}
	free(copy);
	return -1;
}

/* Our group's path in a hierarchy, from /proc/self/cgroup; allocated. */
static char *
cgroup_self_path(const char *self, int v2)
{
	const char *line, *c1, *c2, *end;
	char *list;
	int match;

	for (line = self; line != NULL && *line != '\0'; line = end) {
		end = strchr(line, '\n');
		if ((c1 = strchr(line, ':')) == NULL ||
		    (c2 = strchr(c1 + 1, ':')) == NULL ||
		    (end != NULL && c2 > end))
			goto next;
		if (v2)
			match = c1 - line == 1 && line[0] == '0' &&
			    c2 == c1 + 1;
		else {
			list = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
			match = cgroup_has_word(list, "memory", ",");
			free(list);
		}
		if (match)
			return end != NULL ? xstrndup(c2 + 1,
			    (size_t)(end - c2 - 1)) : xstrdup(c2 + 1);
next:
		if (end != NULL)
			end++;
	}
	return NULL;
}

/*
 * The directory of our own group under mnt (root is the mount's root in
 * the hierarchy), or NULL if it cannot be placed.
 */
static char *
cgroup_own_dir(const char *mnt, const char *root, const char *self)
{
	size_t rlen = strlen(root);

	if (self == NULL)
		return NULL;
	if (strcmp(root, "/") == 0)
		return xasprintf("%s%s", mnt, strcmp(self, "/") == 0 ? "" :
		    self);
	if (strncmp(self, root, rlen) == 0 &&
	    (self[rlen] == '/' || self[rlen] == '\0'))
		return xasprintf("%s%s", mnt, self + rlen);
	return NULL;
}

/* Whether dir is a writable directory. */
static int
cgroup_writable_dir(const char *dir)
{
	struct stat sb;

	return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    access(dir, W_OK | X_OK) == 0;
}

/* Try v2: memory controller present and bench's own group writable. */
static int
cgroup_try_v2(const char *mountinfo, const char *self, char **why)
{
	char *mnt = NULL, *root = NULL, *own = NULL, *dir = NULL, *path, *text;
	int ok = 0;

	if (cgroup_find_mount(mountinfo, 1, &mnt, &root) != 0) {
		*why = xstrdup("no cgroup2 mount");
		return 0;
	}
	path = xasprintf("%s/cgroup.controllers", mnt);
	text = cgroup_read(path);
	free(path);
	if (text == NULL || !cgroup_has_word(text, "memory", " \n")) {
		*why = xasprintf("cgroup2 at %s has no memory controller", mnt);
		free(text);
		goto out;
	}
	free(text);
	own = cgroup_self_path(self, 1);
	dir = cgroup_own_dir(mnt, root, own);
	if (dir != NULL && cgroup_writable_dir(dir)) {
		path = xasprintf("%s/cgroup.subtree_control", dir);
		if (access(path, W_OK) == 0) {
			cgroup_base = dir;
			dir = NULL;
			ok = 1;
		}
		free(path);
	}
	if (!ok)
		*why = xasprintf("bench's own group in cgroup2 at %s is not "
		    "writable", mnt);
	free(dir);
out:
	free(own);
	free(mnt);
	free(root);
	return ok;
}

/* Try v1: bench's own group in the memory hierarchy writable. */
static int
cgroup_try_v1(const char *mountinfo, const char *self, char **why)
{
	char *mnt = NULL, *root = NULL, *own, *dir;
	int ok = 0;

	if (cgroup_find_mount(mountinfo, 0, &mnt, &root) != 0) {
		*why = xstrdup("no cgroup v1 memory mount");
		return 0;
	}
	own = cgroup_self_path(self, 0);
	dir = cgroup_own_dir(mnt, root, own);
	free(own);
	if (dir != NULL && cgroup_writable_dir(dir)) {
		cgroup_base = dir;
		ok = 1;
	} else {
		free(dir);
		*why = xasprintf("bench's own group in the cgroup v1 memory "
		    "hierarchy at %s is not writable", mnt);
	}
	free(mnt);
	free(root);
	return ok;
}

/* Decide once which hierarchy to use. */
static void
cgroup_detect(void)
{
	char *mountinfo, *self, *why2 = NULL, *why1 = NULL;
	const char *force;

	if (cgroup_detected)
		return;
	cgroup_detected = 1;
	cgroup_version = CGROUP_NONE;
	force = getenv("BENCH_CGROUP");
	if (force != NULL && strcmp(force, "none") == 0) {
		cgroup_why = xstrdup("BENCH_CGROUP=none");
		return;
	}
	mountinfo = cgroup_read("/proc/self/mountinfo");
	self = cgroup_read("/proc/self/cgroup");
	if (mountinfo == NULL || self == NULL) {
		cgroup_why = xstrdup("cannot read /proc/self/mountinfo or "
		    "/proc/self/cgroup");
		goto out;
	}
	if ((force == NULL || strcmp(force, "v2") == 0) &&
	    cgroup_try_v2(mountinfo, self, &why2))
		cgroup_version = CGROUP_V2;
	else if ((force == NULL || strcmp(force, "v1") == 0) &&
	    cgroup_try_v1(mountinfo, self, &why1))
		cgroup_version = CGROUP_V1;
	else {
		cgroup_why = xasprintf("%s%s%s", why2 != NULL ? why2 : "",
		    why2 != NULL && why1 != NULL ? "; " : "",
		    why1 != NULL ? why1 : "");
		if (*cgroup_why == '\0') {
			free(cgroup_why);
			cgroup_why = xasprintf("BENCH_CGROUP=%s", force);
		}
	}
out:
	free(why1);
	free(why2);
	free(mountinfo);
	free(self);
}

/* Whether a memory cgroup can be made. */
int
cgroup_available(char **why)
{
	cgroup_detect();
	if (cgroup_version != CGROUP_NONE)
		return 1;
	if (why != NULL)
		*why = xstrdup(cgroup_why);
	return 0;
}

/* Which kind measures. */
const char *
cgroup_kind(void)
{
	cgroup_detect();
	switch (cgroup_version) {
	case CGROUP_V2:
		return "v2";
	case CGROUP_V1:
		return "v1";
	case CGROUP_NONE:
		break;
	}
	return "none";
}

/* Whether name is a safe directory name. */
static int
cgroup_valid_name(const char *name)
{
	const char *p;

	if (*name == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strlen(name) > 200)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.')
			return 0;
	}
	return 1;
}

/*
 * bench's own v2 group holds processes, so it cannot hand controllers
 * down (the no-internal-processes rule). Do what systemd does: move every
 * process of the group into a leaf child, "leaf", so the group itself is
 * empty and the units' groups can go below it, inside the container's
 * limit (the hierarchy's root would escape it). The leaf stays: it holds
 * processes that are not ours to end. 0, or -1 with *cause.
 */
static int
cgroup_v2_leaf(char **cause)
{
	char *leaf, *procs, *text, *dst, *p, *end, value[32];
	long pid;
	int rc = 0, round;

	leaf = xasprintf("%s/leaf", cgroup_base);
	procs = xasprintf("%s/cgroup.procs", cgroup_base);
	dst = xasprintf("%s/cgroup.procs", leaf);
	if (mkdir(leaf, 0755) != 0 && errno != EEXIST)
		rc = err_errno(cause, "cannot create %s", leaf);
	/* the processes may fork meanwhile: a few rounds */
	for (round = 0; rc == 0 && round < 5; round++) {
		if ((text = cgroup_read(procs)) == NULL) {
			rc = err_errno(cause, "cannot read %s", procs);
			break;
		}
		if (*text == '\0') {
			free(text);
			break;
		}
		for (p = text; *p != '\0'; p = end) {
			pid = strtol(p, &end, 10);
			if (end == p)
				break;
			snprintf(value, sizeof value, "%ld", pid);
			/* a process that is gone meanwhile: ESRCH */
			if (cgroup_write(dst, value) != 0 && errno != ESRCH) {
				rc = err_errno(cause, "cannot move %ld into "
				    "%s", pid, leaf);
				break;
			}
			while (*end == '\n' || *end == ' ')
				end++;
		}
		free(text);
	}
	free(dst);
	free(procs);
	free(leaf);
	return rc;
}

/* Make bench.<pid> if it is not there. */
static int
cgroup_make_parent(char **cause)
{
	char *path;

	if (cgroup_parent != NULL)
		return 0;
	path = xasprintf("%s/bench.%ld", cgroup_base, (long)getpid());
	if (cgroup_version == CGROUP_V2) {
		char *ctl = xasprintf("%s/cgroup.subtree_control", cgroup_base);
		char *text = cgroup_read(ctl);

		if ((text == NULL || !cgroup_has_word(text, "memory", " \n")) &&
		    cgroup_write(ctl, "+memory") != 0) {
			if (errno == EBUSY && cgroup_v2_leaf(cause) == 0 &&
			    cgroup_write(ctl, "+memory") == 0)
				goto enabled;
			err_errno(cause, "cannot enable memory in %s", ctl);
			free(text);
			free(ctl);
			free(path);
			return -1;
		}
enabled:
		free(text);
		free(ctl);
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		err_errno(cause, "cannot create %s", path);
		free(path);
		return -1;
	}
	if (cgroup_version == CGROUP_V2) {
		char *ctl = xasprintf("%s/cgroup.subtree_control", path);

		if (cgroup_write(ctl, "+memory") != 0) {
			err_errno(cause, "cannot enable memory in %s", ctl);
			free(ctl);
			rmdir(path);
			free(path);
			return -1;
		}
		free(ctl);
	}
	cgroup_parent = path;
	return 0;
}

/* Remove bench.<pid> when no group is left in it. */
static void
cgroup_drop_parent(void)
{
	if (cgroup_count > 0 || cgroup_parent == NULL)
		return;
	if (rmdir(cgroup_parent) == 0 || errno == ENOENT) {
		free(cgroup_parent);
		cgroup_parent = NULL;
	}
}

/* Write a value into the group's file; 0, or -1 with errno. */
static int
cgroup_set(struct cgroup *cg, const char *file, const char *value)
{
	char *path;
	int rc;

	path = xasprintf("%s/%s", cg->path, file);
	rc = cgroup_write(path, value);
	free(path);
	return rc;
}

/* Make a group. */
int
cgroup_create(const char *name, uint64_t limit_bytes, struct cgroup **out,
    char **cause)
{
	struct cgroup *cg;
	char value[32], *procs;

	*out = NULL;
	if (!cgroup_valid_name(name))
		return err_set(cause, "bad cgroup name \"%s\"", name);
	if (!cgroup_available(NULL))
		return err_set(cause, "no memory cgroup: %s", cgroup_why);
	if (cgroup_make_parent(cause) != 0)
		return -1;

	cg = xcalloc(1, sizeof *cg);
	cg->version = cgroup_version;
	cg->procs_fd = -1;
	cg->path = xasprintf("%s/%s", cgroup_parent, name);
	if (mkdir(cg->path, 0755) != 0) {
		err_errno(cause, "cannot create %s", cg->path);
		goto fail;
	}
	cgroup_count++;

	if (limit_bytes > 0) {
		snprintf(value, sizeof value, "%llu",
		    (unsigned long long)limit_bytes);
		if (cg->version == CGROUP_V2) {
			if (cgroup_set(cg, "memory.max", value) != 0) {
				err_errno(cause, "cannot set memory.max in %s",
				    cg->path);
				goto fail_rmdir;
			}
			/* no swap: the cap is the cap (absent without swap) */
			(void)cgroup_set(cg, "memory.swap.max", "0");
		} else {
			if (cgroup_set(cg, "memory.limit_in_bytes",
			    value) != 0) {
				err_errno(cause, "cannot set "
				    "memory.limit_in_bytes in %s", cg->path);
				goto fail_rmdir;
			}
			/* memory+swap: absent without swap accounting */
			(void)cgroup_set(cg, "memory.memsw.limit_in_bytes",
			    value);
		}
	}
	/* an OOM ends the whole unit, not one of its processes */
	if (cg->version == CGROUP_V2)
		(void)cgroup_set(cg, "memory.oom.group", "1");

	procs = xasprintf("%s/cgroup.procs", cg->path);
	do
		cg->procs_fd = open(procs, O_WRONLY | O_CLOEXEC);
	while (cg->procs_fd == -1 && errno == EINTR);
	if (cg->procs_fd == -1) {
		err_errno(cause, "cannot open %s", procs);
		free(procs);
		goto fail_rmdir;
	}
	free(procs);
	*out = cg;
	return 0;

fail_rmdir:
	rmdir(cg->path);
	cgroup_count--;
fail:
	free(cg->path);
	free(cg);
	cgroup_drop_parent();
	return -1;
}

/* Move pid into the group. */
int
cgroup_attach(struct cgroup *cg, pid_t pid, char **cause)
{
	char value[32];
	ssize_t n;
	size_t len;

	len = (size_t)snprintf(value, sizeof value, "%ld", (long)pid);
	do
		n = write(cg->procs_fd, value, len);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)len)
		return err_errno(cause, "cannot move %ld into %s", (long)pid,
		    cg->path);
	return 0;
}

/* The cgroup.procs descriptor. */
int
cgroup_procs_fd(struct cgroup *cg)
{
	return cg->procs_fd;
}

/* The group's directory. */
const char *
cgroup_path(struct cgroup *cg)
{
	return cg->path;
}

/* A file of group dir holding one number; -1 with *cause. */
static long long
cgroup_number_at(const char *dir, const char *file, char **cause)
{
	char *path, *text, *end;
	long long v;

	path = xasprintf("%s/%s", dir, file);
	if ((text = cgroup_read(path)) == NULL) {
		err_errno(cause, "cannot read %s", path);
		free(path);
		return -1;
	}
	errno = 0;
	v = strtoll(text, &end, 10);
	if (end == text || errno != 0 || v < 0) {
		err_set(cause, "bad number in %s", path);
		v = -1;
	}
	free(text);
	free(path);
	return v;
}

/* The value of the line "key N" in text, a keyed file's; -1 none. */
static long long
cgroup_keyed_in(const char *text, const char *key)
{
	size_t len = strlen(key);
	const char *p;

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, key, len) == 0 && p[len] == ' ')
			return strtoll(p + len + 1, NULL, 10);
	}
	return -1;
}

/* The value of "key N" in a keyed file of group dir; -1 with *cause. */
static long long
cgroup_keyed_at(const char *dir, const char *file, const char *key,
    char **cause)
{
	char *path, *text;
	long long v;

	path = xasprintf("%s/%s", dir, file);
	if ((text = cgroup_read(path)) == NULL) {
		err_errno(cause, "cannot read %s", path);
		free(path);
		return -1;
	}
	if ((v = cgroup_keyed_in(text, key)) < 0)
		err_set(cause, "no %s in %s", key, path);
	free(text);
	free(path);
	return v;
}

/* A file of the group holding one number; -1 with *cause. */
static long long
cgroup_number(struct cgroup *cg, const char *file, char **cause)
{
	return cgroup_number_at(cg->path, file, cause);
}

/* The value of "key N" in a keyed file of the group; -1 with *cause. */
static long long
cgroup_keyed(struct cgroup *cg, const char *file, const char *key,
    char **cause)
{
	return cgroup_keyed_at(cg->path, file, key, cause);
}

/* Peak usage in KiB. */
long long
cgroup_peak_kb(struct cgroup *cg, char **cause)
{
	long long v;

	v = cgroup_number(cg, cg->version == CGROUP_V2 ? "memory.peak" :
	    "memory.max_usage_in_bytes", cause);
	return v < 0 ? -1 : v / 1024;
}

/* Usage now in KiB. */
long long
cgroup_current_kb(struct cgroup *cg, char **cause)
{
	long long v;

	v = cgroup_number(cg, cg->version == CGROUP_V2 ? "memory.current" :
	    "memory.usage_in_bytes", cause);
	return v < 0 ? -1 : v / 1024;
}

/* OOM kills in the group. */
long long
cgroup_oom_kills(struct cgroup *cg, char **cause)
{
	return cgroup_keyed(cg, cg->version == CGROUP_V2 ? "memory.events" :
	    "memory.oom_control", "oom_kill", cause);
}

/* Times usage hit the cap. */
long long
cgroup_limit_hits(struct cgroup *cg, char **cause)
{
	long long mem, memsw;
	char *ignored = NULL;

	if (cg->version == CGROUP_V2)
		return cgroup_keyed(cg, "memory.events", "max", cause);
	/* memory+swap is charged first: with its cap equal, it fails first */
	if ((mem = cgroup_number(cg, "memory.failcnt", cause)) < 0)
		return -1;
	memsw = cgroup_number(cg, "memory.memsw.failcnt", &ignored);
	free(ignored);
	return memsw > 0 ? mem + memsw : mem;
}

/* SIGKILL every pid listed in text; how many were listed. */
static int
cgroup_kill_list(const char *text)
{
	const char *p = text;
	char *end;
	long pid;
	int n = 0;

	while (*p != '\0') {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0) {
			kill((pid_t)pid, SIGKILL);
			n++;
		}
		p = end;
		while (*p == '\n' || *p == ' ')
			p++;
	}
	return n;
}

/* Kill what is left, remove the group and maybe the parent. */
int
cgroup_destroy(struct cgroup *cg, char **cause)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char *procs, *text;
	int i, rc = 0, killed = 0;

	if (cg == NULL)
		return 0;
	if (cg->procs_fd != -1)
		close(cg->procs_fd);
	procs = xasprintf("%s/cgroup.procs", cg->path);
	for (i = 0; i < 200; i++) {
		if ((text = cgroup_read(procs)) == NULL)
			break;
		if (*text == '\0') {
			free(text);
			break;
		}
		if (cg->version == CGROUP_V2 && !killed &&
		    cgroup_set(cg, "cgroup.kill", "1") == 0)
			killed = 1;
		else
			cgroup_kill_list(text);
		free(text);
		nanosleep(&ts, NULL);
	}
	free(procs);
	for (i = 0; i < 200; i++) {
		if (rmdir(cg->path) == 0 || errno == ENOENT)
			break;
		if (errno != EBUSY) {
			rc = err_errno(cause, "cannot remove %s", cg->path);
			break;
		}
		nanosleep(&ts, NULL);
	}
	if (i == 200)
		rc = err_set(cause, "cannot remove %s: busy", cg->path);
	if (rc == 0)
		cgroup_count--;
	cgroup_drop_parent();
	free(cg->path);
	free(cg);
	return rc;
}

/* Where the memory hierarchy is and bench's group in it. */
int
cgroup_locate(const char *mountinfo, const char *self, char **mnt,
    char **own, int *v2)
{
	char *root = NULL, *path, *text, *selfpath;
	int ok;

	*mnt = *own = NULL;
	*v2 = 0;
	if (cgroup_find_mount(mountinfo, 1, mnt, &root) == 0) {
		path = xasprintf("%s/cgroup.controllers", *mnt);
		text = cgroup_read(path);
		free(path);
		ok = text != NULL && cgroup_has_word(text, "memory", " \n");
		free(text);
		if (ok)
			*v2 = 1;
		else {
			free(*mnt);
			free(root);
			*mnt = root = NULL;
		}
	}
	if (*mnt == NULL && cgroup_find_mount(mountinfo, 0, mnt, &root) != 0)
		return -1;
	selfpath = cgroup_self_path(self, *v2);
	*own = cgroup_own_dir(*mnt, root, selfpath);
	free(selfpath);
	free(root);
	if (*own == NULL)	/* not placed: the mount is our view */
		*own = xstrdup(*mnt);
	return 0;
}

/*
 * The limit of group dir in KiB, or -1 for none: v2 "max", v1 from 2^62
 * up (the kernel's unlimited is 2^63 rounded down to a page).
 */
static long long
cgroup_limit_of(const char *dir, int v2)
{
	char *path, *text, *end;
	unsigned long long v;

	path = xasprintf("%s/%s", dir, v2 ? "memory.max" :
	    "memory.limit_in_bytes");
	text = cgroup_read(path);
	free(path);
	if (text == NULL)
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (end == text || errno != 0 || v >= 1ULL << 62) {
		free(text);	/* "max", garbage, or unlimited */
		return -1;
	}
	free(text);
	return (long long)(v / 1024);
}

/* Group dir's usage now in KiB less its inactive file cache; -1. */
static long long
cgroup_usage_of(const char *dir, int v2)
{
	char *ignored = NULL;
	long long usage, inactive;

	usage = cgroup_number_at(dir, v2 ? "memory.current" :
	    "memory.usage_in_bytes", &ignored);
	free(ignored);
	ignored = NULL;
	if (usage < 0)
		return -1;
	inactive = cgroup_keyed_at(dir, "memory.stat", v2 ? "inactive_file" :
	    "total_inactive_file", &ignored);
	free(ignored);
	if (inactive > 0 && inactive <= usage)
		usage -= inactive;
	return usage / 1024;
}

/* Cut the last component of dir, not above top: 0, or -1 at top. */
static int
cgroup_up(char *dir, size_t toplen)
{
	char *slash;

	if (strlen(dir) <= toplen || (slash = strrchr(dir, '/')) == NULL ||
	    (size_t)(slash - dir) < toplen)
		return -1;
	*slash = '\0';
	return 0;
}

/* The nearest limit from own up to mnt. */
void
cgroup_limit_walk(const char *mnt, const char *own, int v2,
    struct cgroup_limit *out)
{
	size_t toplen = strlen(mnt);
	char dir[sizeof out->dir];
	long long limit;

	memset(out, 0, sizeof *out);
	out->kind = v2 ? "v2" : "v1";
	out->limit_kb = out->usage_kb = -1;
	if (strncmp(own, mnt, toplen) != 0 ||
	    (size_t)snprintf(dir, sizeof dir, "%s", own) >= sizeof dir)
		return;
	while (toplen > 1 && dir[toplen - 1] == '/')
		toplen--;
	do {
		if ((limit = cgroup_limit_of(dir, v2)) >= 0) {
			snprintf(out->dir, sizeof out->dir, "%s", dir);
			out->limit_kb = limit;
			out->usage_kb = cgroup_usage_of(dir, v2);
			return;
		}
	} while (cgroup_up(dir, toplen) == 0);
}

/* bench's hierarchy, located once. */
static int	 cgroup_encl_done;
static char	*cgroup_encl_mnt, *cgroup_encl_own;
static int	 cgroup_encl_v2;
static char	 cgroup_encl_stop[1024];	/* the limit's group, last seen */

/* Locate bench's hierarchy once; 0, or -1 without one. */
static int
cgroup_encl_locate(void)
{
	char *mountinfo, *self;

	if (cgroup_encl_done)
		return cgroup_encl_mnt != NULL ? 0 : -1;
	cgroup_encl_done = 1;
	mountinfo = cgroup_read("/proc/self/mountinfo");
	self = cgroup_read("/proc/self/cgroup");
	if (mountinfo != NULL && self != NULL &&
	    cgroup_locate(mountinfo, self, &cgroup_encl_mnt,
	    &cgroup_encl_own, &cgroup_encl_v2) != 0)
		cgroup_encl_mnt = cgroup_encl_own = NULL;
	free(mountinfo);
	free(self);
	return cgroup_encl_mnt != NULL ? 0 : -1;
}

/* The limit around bench now. */
int
cgroup_enclosing(struct cgroup_limit *out)
{
	if (cgroup_encl_locate() != 0) {
		memset(out, 0, sizeof *out);
		out->limit_kb = out->usage_kb = -1;
		return -1;
	}
	cgroup_limit_walk(cgroup_encl_mnt, cgroup_encl_own, cgroup_encl_v2,
	    out);
	snprintf(cgroup_encl_stop, sizeof cgroup_encl_stop, "%s", out->dir);
	return 0;
}

/* OOM kills from own up to stop, summed. */
long long
cgroup_oom_kills_walk(const char *own, const char *stop, int v2)
{
	char dir[1024], *ignored = NULL;
	size_t stoplen;
	long long n, sum = 0;

	if (snprintf(dir, sizeof dir, "%s", own) >= (int)sizeof dir)
		return -1;
	if (stop == NULL || *stop == '\0' || strncmp(own, stop,
	    strlen(stop)) != 0)
		stop = own;
	stoplen = strlen(stop);
	for (;;) {
		n = cgroup_keyed_at(dir, v2 ? "memory.events" :
		    "memory.oom_control", "oom_kill", &ignored);
		free(ignored);
		ignored = NULL;
		if (n < 0)
			return -1;
		sum += n;
		if (cgroup_up(dir, stoplen) != 0)
			break;
	}
	return sum;
}

/*
 * The files cgroup_enclosing_oom_kills reads, kept open: bench reads them
 * as each unit starts, and one pread costs less than open, read, read and
 * close. Valid for the walk (own, stop, v2) they were opened for.
 */
#define CGROUP_OOM_FDS	16
static struct {
	char	own[1024], stop[1024];
	int	v2;
	int	fd[CGROUP_OOM_FDS];
	int	n;	/* -1: not open */
} cgroup_oom = { .n = -1 };

/* Close the kept files. */
static void
cgroup_oom_close(void)
{
	int i;

	for (i = 0; i < cgroup_oom.n; i++)
		close(cgroup_oom.fd[i]);
	cgroup_oom.n = -1;
}

/* Open the files of the walk from own up to stop; 0, or -1. */
static int
cgroup_oom_open(const char *own, const char *stop, int v2)
{
	char dir[1024], path[1100];
	size_t stoplen;
	int fd;

	cgroup_oom_close();
	if (snprintf(cgroup_oom.own, sizeof cgroup_oom.own, "%s", own) >=
	    (int)sizeof cgroup_oom.own || snprintf(cgroup_oom.stop,
	    sizeof cgroup_oom.stop, "%s", stop) >= (int)sizeof cgroup_oom.stop)
		return -1;
	cgroup_oom.v2 = v2;
	snprintf(dir, sizeof dir, "%s", own);
	if (*stop == '\0' || strncmp(own, stop, strlen(stop)) != 0)
		stop = own;
	stoplen = strlen(stop);
	cgroup_oom.n = 0;
	do {
		snprintf(path, sizeof path, "%s/%s", dir, v2 ?
		    "memory.events" : "memory.oom_control");
		if (cgroup_oom.n == CGROUP_OOM_FDS ||
		    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			cgroup_oom_close();
			return -1;
		}
		cgroup_oom.fd[cgroup_oom.n++] = fd;
	} while (cgroup_up(dir, stoplen) == 0);
	return 0;
}

/* oom_kill of the kept files, summed; -1 when one cannot be read. */
static long long
cgroup_oom_read(void)
{
	char buf[4096];
	long long sum = 0, v;
	ssize_t n;
	int i;

	for (i = 0; i < cgroup_oom.n; i++) {
		do
			n = pread(cgroup_oom.fd[i], buf, sizeof buf - 1, 0);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return -1;
		buf[n] = '\0';
		if ((v = cgroup_keyed_in(buf, "oom_kill")) < 0)
			return -1;
		sum += v;
	}
	return sum;
}

/* OOM kills around bench. */
long long
cgroup_enclosing_oom_kills(void)
{
	long long n;

	if (cgroup_encl_locate() != 0)
		return -1;
	if (cgroup_oom.n >= 0 && strcmp(cgroup_oom.own, cgroup_encl_own) ==
	    0 && strcmp(cgroup_oom.stop, cgroup_encl_stop) == 0 &&
	    cgroup_oom.v2 == cgroup_encl_v2 && (n = cgroup_oom_read()) >= 0)
		return n;
	/* first time, another walk, or a file that went away */
	if (cgroup_oom_open(cgroup_encl_own, cgroup_encl_stop,
	    cgroup_encl_v2) == 0 && (n = cgroup_oom_read()) >= 0)
		return n;
	cgroup_oom_close();
	return cgroup_oom_kills_walk(cgroup_encl_own, cgroup_encl_stop,
	    cgroup_encl_v2);
}
