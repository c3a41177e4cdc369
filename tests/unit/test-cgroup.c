/*
 * test-cgroup: profiles/cgroup on this machine's real hierarchy. As root
 * with a memory controller: a child capped at 64 MiB that touches 200 MiB
 * is OOM-killed and counted; an uncapped child's peak is measured; the
 * child can join through the procs descriptor; destroy leaves nothing
 * behind. Without root or a controller those tests are skipped. The
 * error paths (bad names, BENCH_CGROUP=none) run everywhere.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "banned.h"

#define MIB	(1024L * 1024L)

/* Skip unless root with a memory cgroup. */
static int
usable(void)
{
	char *why = NULL;

	if (geteuid() != 0) {
		print_message("not root: skipping\n");
		return 0;
	}
	if (!cgroup_available(&why)) {
		print_message("no memory cgroup (%s): skipping\n", why);
		free(why);
		return 0;
	}
	return 1;
}

/*
 * Fork a child that waits for a byte on a pipe (or joins cg through its
 * procs fd first when join is set), then touches mib MiB page by page and
 * exits 0. *go is the write end to release it.
 */
static pid_t
child(struct cgroup *cg, int join, long mib, int *go)
{
	int fds[2];
	volatile char *p;
	char c;
	pid_t pid;
	long i;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[1]);
		if (join && write(cgroup_procs_fd(cg), "0", 1) != 1)
			_exit(3);
		if (read(fds[0], &c, 1) != 1)
			_exit(2);
		if ((p = malloc((size_t)(mib * MIB))) == NULL)
			_exit(1);
		for (i = 0; i < mib * MIB; i += 4096)
			p[i] = 1;
		_exit(0);
	}
	close(fds[0]);
	*go = fds[1];
	return pid;
}

/* Wait for pid; its status. */
static int
reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		assert_int_equal(errno, EINTR);
	return status;
}

/* 64 MiB cap, 200 MiB touched: killed, counted, peak near the cap. */
static void
test_oom(void **state)
{
	struct cgroup *cg = NULL;
	char *cause = NULL, parent[4096], *slash;
	struct stat sb;
	long long peak, kills, hits;
	int go, status;
	pid_t pid;

	if (!usable()) {
		skip();
		return;
	}
	assert_int_equal(cgroup_create("oom-test", 64 * MIB, &cg, &cause), 0);
	assert_non_null(cg);
	assert_int_equal(stat(cgroup_path(cg), &sb), 0);
	snprintf(parent, sizeof parent, "%s", cgroup_path(cg));
	slash = strrchr(parent, '/');
	assert_non_null(slash);
	*slash = '\0';
	assert_non_null(strstr(parent, "/bench."));

	pid = child(cg, 0, 200, &go);
	assert_int_equal(cgroup_attach(cg, pid, &cause), 0);
	assert_int_equal(write(go, "g", 1), 1);
	close(go);
	status = reap(pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);

	kills = cgroup_oom_kills(cg, &cause);
	assert_true(kills >= 1);
	peak = cgroup_peak_kb(cg, &cause);
	/* it reached the cap: at least 3/4 of it, and not much over */
	assert_true(peak >= 48 * 1024);
	assert_true(peak <= 64 * 1024 + 1024);
	/* informational: Linux 6.18's v1 failcnt stayed 0 through an OOM */
	hits = cgroup_limit_hits(cg, &cause);
	assert_true(hits >= 0);
	assert_true(cgroup_current_kb(cg, &cause) >= 0);
	print_message("%s: peak %lld KiB, oom_kill %lld, limit hits %lld\n",
	    cgroup_kind(), peak, kills, hits);

	assert_int_equal(cgroup_destroy(cg, &cause), 0);
	assert_null(cause);
	assert_int_equal(stat(parent, &sb), -1);
	assert_int_equal(errno, ENOENT);
}

/* No cap, the child joins itself: peak measured, no OOM. */
static void
test_peak(void **state)
{
	struct cgroup *a = NULL, *b = NULL, *c = NULL;
	char *cause = NULL, path[4096];
	struct stat sb;
	long long peak;
	int go, status;
	pid_t pid;

	if (!usable()) {
		skip();
		return;
	}
	assert_int_equal(cgroup_create("peak-a", 0, &a, &cause), 0);
	/* two groups share the parent */
	assert_int_equal(cgroup_create("peak-b", 0, &b, &cause), 0);
	/* the same name twice fails */
	assert_int_equal(cgroup_create("peak-b", 0, &c, &cause), -1);
	assert_non_null(cause);
	assert_null(c);
	free(cause);
	cause = NULL;

	pid = child(a, 1, 32, &go);
	assert_int_equal(write(go, "g", 1), 1);
	close(go);
	status = reap(pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	peak = cgroup_peak_kb(a, &cause);
	assert_true(peak >= 32 * 1024);
	assert_int_equal(cgroup_oom_kills(a, &cause), 0);

	snprintf(path, sizeof path, "%s", cgroup_path(a));
	*strrchr(path, '/') = '\0';
	assert_int_equal(cgroup_destroy(a, &cause), 0);
	/* the parent stays while peak-b is in it */
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(cgroup_destroy(b, &cause), 0);
	/* and goes with the last group */
	assert_int_equal(stat(path, &sb), -1);
	assert_int_equal(cgroup_destroy(NULL, &cause), 0);
}

/* destroy kills what is still running. */
static void
test_destroy_kills(void **state)
{
	struct cgroup *cg = NULL;
	char *cause = NULL, path[4096];
	struct stat sb;
	int go, status;
	pid_t pid;

	if (!usable()) {
		skip();
		return;
	}
	assert_int_equal(cgroup_create("kill-me", 0, &cg, &cause), 0);
	pid = child(cg, 1, 1, &go);
	/* it waits on the pipe forever: destroy must kill it */
	snprintf(path, sizeof path, "%s", cgroup_path(cg));
	while (1) {
		char buf[4200];
		FILE *f;
		int found;

		snprintf(buf, sizeof buf, "%s/cgroup.procs", path);
		f = fopen(buf, "re");
		assert_non_null(f);
		found = fgets(buf, sizeof buf, f) != NULL;
		fclose(f);
		if (found)
			break;
		usleep(1000);
	}
	assert_int_equal(cgroup_destroy(cg, &cause), 0);
	status = reap(pid);
	assert_true(WIFSIGNALED(status));
	close(go);
	assert_int_equal(stat(path, &sb), -1);
}

/* Names with slashes or dots are refused. */
static void
test_bad_name(void **state)
{
	struct cgroup *cg = (struct cgroup *)&cg;
	char *cause = NULL;

	assert_int_equal(cgroup_create("a/b", 0, &cg, &cause), -1);
	assert_null(cg);
	assert_non_null(strstr(cause, "bad cgroup name"));
	free(cause);
	cause = NULL;
	assert_int_equal(cgroup_create("..", 0, &cg, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(cgroup_create("", 0, &cg, &cause), -1);
	free(cause);
}

/* Last, in a child: BENCH_CGROUP=none turns cgroups off. */
static void
test_forced_none(void **state)
{
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cgroup *cg = NULL;
		char *why = NULL, *cause = NULL;

		/* the first test: nothing detected yet in this process */
		setenv("BENCH_CGROUP", "none", 1);
		if (cgroup_available(&why) || strcmp(cgroup_kind(), "none") != 0)
			_exit(3);
		if (why == NULL || strstr(why, "BENCH_CGROUP=none") == NULL)
			_exit(1);
		if (cgroup_create("x", 0, &cg, &cause) != -1 || cg != NULL)
			_exit(2);
		_exit(0);
	}
	status = reap(pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Write text into dir/file, making dir. */
static void
put(const char *dir, const char *file, const char *text)
{
	char path[4096];
	FILE *f;

	(void)mkdir(dir, 0755);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* Remove a fake tree (the test's temp dir). */
static void
rmtree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * A fake v2 tree: the limit is on the group above bench's, "max" on
 * bench's own is no limit; usage less inactive file cache; the OOM kills
 * summed from bench's group up to the limit's. Then the same as v1, where
 * the kernel's "unlimited" is no limit.
 */
static void
test_limit_walk(void **state)
{
	char top[] = "/tmp/test-cgroup.XXXXXX", a[4200], b[4200], info[4400];
	struct cgroup_limit lim;
	char *mnt, *own;
	int v2;

	(void)state;
	assert_non_null(mkdtemp(top));
	snprintf(a, sizeof a, "%s/box", top);
	snprintf(b, sizeof b, "%s/box/job", top);
	snprintf(info, sizeof info, "30 25 0:26 / %s rw - cgroup2 cgroup2 "
	    "rw\n", top);
	put(top, "cgroup.controllers", "cpu io memory pids\n");
	put(a, "memory.max", "734003200\n");
	put(a, "memory.current", "209715200\n");
	put(a, "memory.stat", "anon 1\ninactive_file 104857600\n");
	put(a, "memory.events", "low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n");
	put(b, "memory.max", "max\n");
	put(b, "memory.events", "oom 1\noom_kill 1\n");
	assert_int_equal(cgroup_locate(info, "0::/box/job\n", &mnt, &own,
	    &v2), 0);
	assert_string_equal(mnt, top);
	assert_string_equal(own, b);
	assert_int_equal(v2, 1);
	cgroup_limit_walk(mnt, own, v2, &lim);
	assert_string_equal(lim.dir, a);
	assert_string_equal(lim.kind, "v2");
	assert_int_equal(lim.limit_kb, 700 * 1024);
	assert_int_equal(lim.usage_kb, 100 * 1024);
	assert_int_equal(cgroup_oom_kills_walk(own, lim.dir, v2), 3);
	assert_int_equal(cgroup_oom_kills_walk(own, "", v2), 1);
	/* no limit anywhere */
	put(a, "memory.max", "max\n");
	cgroup_limit_walk(mnt, own, v2, &lim);
	assert_int_equal(lim.limit_kb, -1);
	assert_string_equal(lim.dir, "");
	free(mnt);
	free(own);

	/* v2 without the memory controller: v1's memory hierarchy */
	put(top, "cgroup.controllers", "hugetlb\n");
	snprintf(info, sizeof info, "30 25 0:26 / %s/none rw - cgroup2 "
	    "cgroup2 rw\n31 25 0:27 / %s rw - cgroup cgroup rw,memory\n",
	    top, top);
	put(a, "memory.limit_in_bytes", "734003200\n");
	put(a, "memory.usage_in_bytes", "104857600\n");
	put(a, "memory.stat", "cache 0\ntotal_inactive_file 0\n");
	put(a, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\n"
	    "oom_kill 4\n");
	put(b, "memory.limit_in_bytes", "9223372036854771712\n");
	put(b, "memory.oom_control", "oom_kill_disable 0\noom_kill 2\n");
	assert_int_equal(cgroup_locate(info, "4:memory:/box/job\n0::/\n",
	    &mnt, &own, &v2), 0);
	assert_int_equal(v2, 0);
	assert_string_equal(own, b);
	cgroup_limit_walk(mnt, own, v2, &lim);
	assert_string_equal(lim.dir, a);
	assert_string_equal(lim.kind, "v1");
	assert_int_equal(lim.limit_kb, 700 * 1024);
	assert_int_equal(lim.usage_kb, 100 * 1024);
	assert_int_equal(cgroup_oom_kills_walk(own, lim.dir, v2), 6);
	free(mnt);
	free(own);
	/* no memory hierarchy at all */
	assert_int_equal(cgroup_locate("30 25 0:26 / /x rw - tmpfs t rw\n",
	    "0::/\n", &mnt, &own, &v2), -1);
	rmtree(top);
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forced_none),
		cmocka_unit_test(test_bad_name),
		cmocka_unit_test(test_limit_walk),
		cmocka_unit_test(test_oom),
		cmocka_unit_test(test_peak),
		cmocka_unit_test(test_destroy_kills),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
