/*
 * test-procstat: profiles/procstat on a real process group: a child leads
 * a new group with a grandchild; they touch 64 and 32 MiB, the grandchild
 * burns CPU. The samples must find both, their RSS, the peak and the CPU
 * use; a group with nobody in it samples as empty.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "procstat.h"
#include "banned.h"

#define MIB	(1024L * 1024L)

/* Monotonic seconds. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Touch mib MiB, say so on fd, then spin or sleep until killed. */
static void __attribute__((noreturn))
member(int fd, long mib, int spin)
{
	volatile unsigned long x = 0;
	volatile char *p;
	long i;

	/* volatile: the compiler may not drop the allocation */
	if ((p = malloc((size_t)(mib * MIB))) == NULL)
		_exit(1);
	for (i = 0; i < mib * MIB; i += 4096)
		p[i] = 1;
	if (write(fd, "r", 1) != 1)
		_exit(1);
	for (;;) {
		if (spin)
			x++;
		else
			pause();
	}
}

/* Sleep for s seconds. */
static void
nap(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Two processes in a fresh group: RSS, peak, CPU, nprocs. */
static void
test_group(void **state)
{
	struct procstat_sample s1, s2, s3;
	double cpu1, t1, t2;
	struct procstat *ps;
	char *cause = NULL, buf[2];
	int fds[2], status;
	pid_t pid;
	size_t got = 0;
	ssize_t n;

	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		close(fds[0]);
		if (fork() == 0)
			member(fds[1], 32, 1);
		member(fds[1], 64, 0);
	}
	setpgid(pid, pid);
	close(fds[1]);
	while (got < 2) {
		n = read(fds[0], buf, sizeof buf - got);
		if (n == -1 && errno == EINTR)
			continue;
		assert_true(n > 0);
		got += (size_t)n;
	}

	ps = procstat_new(pid, &cause);
	assert_non_null(ps);
	assert_int_equal(procstat_sample(ps, now_s(), &s1, &cause), 0);
	assert_int_equal(s1.nprocs, 2);
	assert_true(isnan(s1.cpu_pct));
	assert_true(s1.rss_kb >= 96 * 1024);
	assert_true(s1.rss_kb < 200 * 1024);
	assert_true(s1.hwm_kb >= 64 * 1024);
	cpu1 = procstat_cpu_s(ps);
	t1 = now_s();
	nap(0.5);
	t2 = now_s();
	assert_int_equal(procstat_sample(ps, t2, &s2, &cause), 0);
	assert_int_equal(s2.nprocs, 2);
	/*
	 * the grandchild spins: up to one core, less on a loaded machine;
	 * cpu_pct is the CPU time gained over the wall time
	 */
	print_message("cpu %.1f%%\n", s2.cpu_pct);
	assert_true(s2.cpu_pct > 5.0);
	assert_true(s2.cpu_pct < 250.0);
	assert_true(fabs(s2.cpu_pct - 100.0 * (procstat_cpu_s(ps) - cpu1) /
	    (t2 - t1)) < 10.0);
	assert_true(procstat_peak_rss_kb(ps) >= s1.rss_kb);
	/* the members, for NVML's per-process memory: the leader and its
	   child (this was empty once: the list had been rotated away) */
	{
		pid_t pids[8];
		size_t np = procstat_pids(ps, pids, 8), k, leader = 0;

		assert_int_equal(np, 2);
		for (k = 0; k < np; k++)
			leader += pids[k] == pid;
		assert_int_equal(leader, 1);
		assert_int_equal(procstat_pids(ps, pids, 1), 1);
	}

	kill(-pid, SIGKILL);
	while (waitpid(-1, &status, 0) > 0 || errno == EINTR)
		;
	assert_int_equal(procstat_sample(ps, now_s(), &s3, &cause), 0);
	assert_int_equal(s3.nprocs, 0);
	assert_int_equal(s3.rss_kb, 0);
	assert_true(s3.cpu_pct == 0.0);
	/* the peak survives */
	assert_true(procstat_peak_rss_kb(ps) >= 96 * 1024);
	procstat_free(ps);
	close(fds[0]);
	assert_null(cause);
}

/* A group nobody is in: empty samples, peak 0. */
static void
test_empty(void **state)
{
	struct procstat_sample s;
	struct procstat *ps;
	char *cause = NULL;

	/* pgid 0x7ffffff0 is above pid_max */
	ps = procstat_new((pid_t)0x7ffffff0, &cause);
	assert_non_null(ps);
	assert_int_equal(procstat_sample(ps, 1.0, &s, &cause), 0);
	assert_int_equal(s.nprocs, 0);
	assert_int_equal(s.rss_kb, 0);
	assert_int_equal(procstat_sample(ps, 2.0, &s, &cause), 0);
	assert_true(s.cpu_pct == 0.0);
	assert_int_equal(procstat_peak_rss_kb(ps), 0);
	procstat_free(ps);
	procstat_free(NULL);
}

/* Our own group: this process is found, with its RSS. */
static void
test_self(void **state)
{
	struct procstat_sample s;
	struct procstat *ps;
	char *cause = NULL;

	ps = procstat_new(getpgrp(), &cause);
	assert_non_null(ps);
	assert_int_equal(procstat_sample(ps, 1.0, &s, &cause), 0);
	assert_true(s.nprocs >= 1);
	assert_true(s.rss_kb > 0);
	procstat_free(ps);
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
