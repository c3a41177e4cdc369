/*
 * test-guard: harness/guard, the list of live process groups the guard
 * keeps: "+N" adds once, "-N" removes, malformed lines and a full list
 * change nothing; guard_main on a pipe kills exactly the groups still
 * listed at end of file.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"
#include "banned.h"

/* Adds once, removes, keeps the others. */
static void
test_add_remove(void **unused)
{
	pid_t p[4];
	size_t n = 0;

	(void)unused;
	assert_int_equal(guard_apply(p, &n, 4, "+10"), 0);
	assert_int_equal(guard_apply(p, &n, 4, "+20"), 0);
	assert_int_equal(guard_apply(p, &n, 4, "+10"), 0);
	assert_int_equal(n, 2);
	assert_int_equal(guard_apply(p, &n, 4, "+30"), 0);
	assert_int_equal(guard_apply(p, &n, 4, "-10"), 0);
	assert_int_equal(n, 2);
	assert_true((p[0] == 20 && p[1] == 30) || (p[0] == 30 && p[1] == 20));
	/* removing what is not listed is fine */
	assert_int_equal(guard_apply(p, &n, 4, "-99"), 0);
	assert_int_equal(n, 2);
}

/* Malformed lines and a full list are refused and change nothing. */
static void
test_refused(void **unused)
{
	static const char *const bad[] = { "", "+", "-", "10", "+x", "+10x",
	    "+-5", "+0", "-0", "+ 5", "*5", "+99999999999999999999" };
	pid_t p[2];
	size_t n = 0, i;

	(void)unused;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(guard_apply(p, &n, 2, bad[i]), -1);
	assert_int_equal(n, 0);
	assert_int_equal(guard_apply(p, &n, 2, "+1"), 0);
	assert_int_equal(guard_apply(p, &n, 2, "+2"), 0);
	assert_int_equal(guard_apply(p, &n, 2, "+3"), -1);
	assert_int_equal(n, 2);
}

/* A child in its own process group that waits to be killed. */
static pid_t
sleeper(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	setpgid(pid, pid);
	return pid;
}

/* guard_main kills the groups listed at end of file, and only those. */
static void
test_main_kills_listed(void **unused)
{
	pid_t a = sleeper(), b = sleeper();
	char msg[64];
	int fds[2], status;
	size_t killed;

	(void)unused;
	assert_int_equal(pipe(fds), 0);
	snprintf(msg, sizeof msg, "+%ld\n+%ld\n-%ld\n+%ld\n", (long)a,
	    (long)b, (long)b, (long)a);
	assert_int_equal(write(fds[1], msg, strlen(msg)), (ssize_t)strlen(msg));
	close(fds[1]);
	killed = guard_main(fds[0]);
	close(fds[0]);
	assert_int_equal(killed, 1);
	assert_int_equal(waitpid(a, &status, 0), a);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* b was removed: still alive */
	assert_int_equal(waitpid(b, &status, WNOHANG), 0);
	kill(b, SIGKILL);
	assert_int_equal(waitpid(b, &status, 0), b);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_remove),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_main_kills_listed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
