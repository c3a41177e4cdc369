/*
 * budget: the host-wide reservation file, a JSON list under flock that
 * every bench process on the machine checks before it admits a unit.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budget.h"
#include "err.h"
#include "xalloc.h"
#include "banned.h"

/* The state file is small; refuse anything bigger. */
#define BUDGET_FILE_MAX	(4 * 1024 * 1024)

static char	budget_file[4096];

/* The file in use. */
const char *
budget_path(void)
{
	const char *env;

	env = getenv("BENCH_BUDGET_FILE");
	if (env != NULL && *env != '\0')
		snprintf(budget_file, sizeof budget_file, "%s", env);
	else
		snprintf(budget_file, sizeof budget_file,
		    "/tmp/bench-budget-%ld.json", (long)getuid());
	return budget_file;
}

/* starttime of pid (ticks after boot), 0 if it does not exist. */
static unsigned long long
budget_starttime(long pid)
{
	char path[64], buf[2048], *p, *end;
	unsigned long long v = 0;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return 0;
	do
		n = read(fd, buf, sizeof buf - 1);
	while (n == -1 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	p++;
	/* fields after ')' start at 3 (state); starttime is 22 */
	for (field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 0;
		if (field == 22) {
			v = strtoull(p, &end, 10);
			return end == p ? 0 : v;
		}
		while (*p != ' ' && *p != '\0')
			p++;
	}
	return 0;
}

/* Our own starttime, read once. */
static unsigned long long
budget_self_start(void)
{
	static unsigned long long start;
	static pid_t pid;

	/* after fork the child is another owner */
	if (pid != getpid()) {
		pid = getpid();
		start = budget_starttime((long)pid);
	}
	return start;
}

/* An integer member of o, 0 if absent. */
static json_int_t
budget_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/*
 * Open and lock the file, read it, drop dead owners. Returns the locked
 * fd and the state in *state, or -1 with *cause.
 */
static int
budget_open(json_t **state, char **cause)
{
	const char *path = budget_path();
	json_t *root = NULL, *list, *r, *keep;
	struct stat sb;
	char *buf;
	size_t i;
	ssize_t n;
	off_t off = 0;
	int fd;
	long pid;
	unsigned long long start;

	do
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return err_errno(cause, "cannot open %s", path);
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			err_errno(cause, "cannot lock %s", path);
			close(fd);
			return -1;
		}
	}
	if (fstat(fd, &sb) == -1 || sb.st_size > BUDGET_FILE_MAX) {
		err_set(cause, "%s: unreadable or too large", path);
		close(fd);
		return -1;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (off < sb.st_size) {
		n = pread(fd, buf + off, (size_t)(sb.st_size - off), off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += n;
	}
	if (off > 0)
		root = json_loadb(buf, (size_t)off, 0, NULL);
	free(buf);
	if (!json_is_object(root)) {
		/* empty, new, or torn by a writer that died: start afresh */
		json_decref(root);
		root = json_pack("{s:i, s:i, s:[]}", "version", 1, "next_id",
		    1, "reservations");
	}
	list = json_object_get(root, "reservations");
	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(root, "reservations", list);
	}
	keep = json_array();
	json_array_foreach(list, i, r) {
		pid = (long)budget_int(r, "pid");
		start = (unsigned long long)budget_int(r, "start");
		if (pid <= 0 || budget_starttime(pid) != start)
			continue;	/* the owner is gone */
		json_array_append(keep, r);
	}
	json_object_set_new(root, "reservations", keep);
	*state = root;
	return fd;
}

/* Write state back, unlock and close. 0 or -1 with *cause. */
static int
budget_close(int fd, json_t *state, int write_back, char **cause)
{
	char *text;
	size_t len, off = 0;
	ssize_t n;
	int rc = 0;

	if (write_back) {
		text = json_dumps(state, JSON_COMPACT);
		if (text == NULL) {
			rc = err_set(cause, "cannot encode %s", budget_path());
			goto out;
		}
		len = strlen(text);
		if (ftruncate(fd, 0) == -1)
			rc = err_errno(cause, "cannot truncate %s",
			    budget_path());
		while (rc == 0 && off < len) {
			n = pwrite(fd, text + off, len - off, (off_t)off);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				rc = err_errno(cause, "cannot write %s",
				    budget_path());
				break;
			}
			off += (size_t)n;
		}
		free(text);
	}
out:
	json_decref(state);
	close(fd);	/* releases the lock */
	return rc;
}

/* Sum the live reservations into *used. */
static void
budget_sum(json_t *state, struct budget_totals *used)
{
	json_t *list, *r, *gpus, *vram;
	size_t i, j;
	json_int_t g;

	memset(used, 0, sizeof *used);
	list = json_object_get(state, "reservations");
	json_array_foreach(list, i, r) {
		used->ram_mb += (uint64_t)budget_int(r, "ram_mb");
		used->cpus += (unsigned)budget_int(r, "cpus");
		gpus = json_object_get(r, "gpus");
		vram = json_object_get(r, "vram_mb");
		for (j = 0; j < json_array_size(gpus); j++) {
			g = json_integer_value(json_array_get(gpus, j));
			if (g < 0 || g >= BUDGET_MAX_GPUS)
				continue;
			used->vram_mb[g] += (uint64_t)json_integer_value(
			    json_array_get(vram, j));
			if ((size_t)g + 1 > used->ngpus)
				used->ngpus = (size_t)g + 1;
		}
	}
}

/* Reserve need if it fits. */
int
budget_reserve(const struct budget_totals *totals,
    const struct budget_need *need, int64_t *id, char **why, char **cause)
{
	struct budget_totals used;
	json_t *state, *r, *gpus, *vram;
	json_int_t next;
	uint64_t want[BUDGET_MAX_GPUS];
	size_t i;
	int fd, rc;
	char *reason = NULL;

	*id = 0;
	if (need->ngpus > BUDGET_MAX_GPUS || totals->ngpus > BUDGET_MAX_GPUS)
		return err_set(cause, "more than %d gpus", BUDGET_MAX_GPUS);
	/* what can never fit is an error, not a wait */
	memset(want, 0, sizeof want);
	for (i = 0; i < need->ngpus; i++) {
		if (need->gpus[i] >= totals->ngpus)
			return err_set(cause, "gpu %u is not in the budget",
			    need->gpus[i]);
		want[need->gpus[i]] += need->vram_mb[i];
	}
	if (need->ram_mb > totals->ram_mb)
		return err_set(cause, "needs %llu MiB of RAM, the budget is "
		    "%llu MiB", (unsigned long long)need->ram_mb,
		    (unsigned long long)totals->ram_mb);
	if (need->cpus > totals->cpus)
		return err_set(cause, "needs %u cpus, the budget is %u",
		    need->cpus, totals->cpus);
	for (i = 0; i < totals->ngpus; i++) {
		if (want[i] > totals->vram_mb[i])
			return err_set(cause, "needs %llu MiB on gpu %zu, it "
			    "has %llu MiB", (unsigned long long)want[i], i,
			    (unsigned long long)totals->vram_mb[i]);
	}

	if ((fd = budget_open(&state, cause)) == -1)
		return -1;
	budget_sum(state, &used);
	if (used.ram_mb + need->ram_mb > totals->ram_mb)
		reason = xasprintf("ram: %llu of %llu MiB reserved, %llu wanted",
		    (unsigned long long)used.ram_mb,
		    (unsigned long long)totals->ram_mb,
		    (unsigned long long)need->ram_mb);
	else if (used.cpus + need->cpus > totals->cpus)
		reason = xasprintf("cpus: %u of %u reserved, %u wanted",
		    used.cpus, totals->cpus, need->cpus);
	else {
		for (i = 0; i < totals->ngpus; i++) {
			if (want[i] > 0 &&
			    used.vram_mb[i] + want[i] > totals->vram_mb[i]) {
				reason = xasprintf("vram: gpu %zu has %llu of "
				    "%llu MiB reserved, %llu wanted", i,
				    (unsigned long long)used.vram_mb[i],
				    (unsigned long long)totals->vram_mb[i],
				    (unsigned long long)want[i]);
				break;
			}
		}
	}
	if (reason != NULL) {
		if (why != NULL)
			*why = reason;
		else
			free(reason);
		/* write back anyway: dead owners were cleaned */
		if (budget_close(fd, state, 1, cause) != 0)
			return -1;
		return 1;
	}

	next = budget_int(state, "next_id");
	if (next < 1)
		next = 1;
	gpus = json_array();
	vram = json_array();
	for (i = 0; i < need->ngpus; i++) {
		json_array_append_new(gpus, json_integer(need->gpus[i]));
		json_array_append_new(vram,
		    json_integer((json_int_t)need->vram_mb[i]));
	}
	r = json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
	    "id", next, "pid", (json_int_t)getpid(),
	    "start", (json_int_t)budget_self_start(),
	    "ram_mb", (json_int_t)need->ram_mb,
	    "cpus", (json_int_t)need->cpus, "gpus", gpus, "vram_mb", vram);
	json_array_append_new(json_object_get(state, "reservations"), r);
	json_object_set_new(state, "next_id", json_integer(next + 1));
	rc = budget_close(fd, state, 1, cause);
	if (rc == 0)
		*id = next;
	return rc;
}

/* Drop our reservations: id, or all of ours when all is set. */
static int
budget_drop(int64_t id, int all, char **cause)
{
	json_t *state, *list, *r;
	size_t i;
	int fd;

	if ((fd = budget_open(&state, cause)) == -1)
		return -1;
	list = json_object_get(state, "reservations");
	for (i = json_array_size(list); i > 0; i--) {
		r = json_array_get(list, i - 1);
		if (budget_int(r, "pid") != (json_int_t)getpid())
			continue;
		if (all || budget_int(r, "id") == id)
			json_array_remove(list, i - 1);
	}
	return budget_close(fd, state, 1, cause);
}

/* Release one reservation. */
int
budget_release(int64_t id, char **cause)
{
	return budget_drop(id, 0, cause);
}

/* Release all of ours. */
int
budget_release_all(char **cause)
{
	return budget_drop(0, 1, cause);
}

/* What is reserved now. */
int
budget_used(struct budget_totals *used, size_t *nreservations, char **cause)
{
	json_t *state;
	int fd;

	if ((fd = budget_open(&state, cause)) == -1)
		return -1;
	budget_sum(state, used);
	if (nreservations != NULL)
		*nreservations = json_array_size(json_object_get(state,
		    "reservations"));
	return budget_close(fd, state, 1, cause);
}
