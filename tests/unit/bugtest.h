/*
 * bugtest: what the cmocka tests share. dies_of_bug(fn, arg) runs fn(arg)
 * in a child with core dumps off and stderr silenced, and says whether the
 * child died of SIGABRT (a BUG()) rather than returning.
 */
#ifndef BENCH_BUGTEST_H
#define BENCH_BUGTEST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whether fn(arg) BUG()s: run in a child. */
static inline int
dies_of_bug(void (*fn)(const void *), const void *arg)
{
	struct rlimit nocore = { 0, 0 };
	int status, fd;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &nocore);
		if ((fd = open("/dev/null", O_WRONLY)) != -1)
			dup2(fd, STDERR_FILENO);
		fn(arg);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) == -1)
		assert_int_equal(errno, EINTR);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

#endif
