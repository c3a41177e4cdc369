/*
 * test-guard: harness/guard, the table of live process groups bench keeps
 * in memory shared with the guard: guard_main, given the table over a
 * socket, kills exactly the groups still listed at end of file, across
 * the table's growth; no table, nothing killed.
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
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"
#include "banned.h"

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

/* Reset what guard_main ignores. */
static void
signals_default(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
}

/* Kill and reap a sleeper guard_main left alive. */
static void
reap_alive(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

/* Wait for a sleeper guard_main killed. */
static void
reap_killed(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* A table passed over a socket pair: fds[0] is the guard's end. */
static struct guard *
attach(int fds[2])
{
	struct guard *g = NULL;
	char *cause = NULL;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	assert_int_equal(guard_attach(fds[1], -1, &g, &cause), 0);
	assert_null(cause);
	return g;
}

/*
 * guard_main kills the groups listed at end of file, and only those: one
 * added twice (listed once), one removed, one never added.
 */
static void
test_main_kills_listed(void **unused)
{
	pid_t a = sleeper(), b = sleeper(), c = sleeper();
	int fds[2];
	struct guard *g = attach(fds);

	(void)unused;
	assert_int_equal(guard_pid(g), -1);
	guard_add(g, a);
	guard_add(g, b);
	guard_remove(g, b);
	guard_remove(g, 99999999);	/* not listed: fine */
	/* bench's end closes: the guard reads end of file */
	guard_stop(g);
	assert_int_equal(guard_main(fds[0]), 1);
	close(fds[0]);
	reap_killed(a);
	reap_alive(b);
	reap_alive(c);
	signals_default();
}

/*
 * A table that outgrows its first page (1024 entries): what was listed
 * before and after the growth is killed; free entries are reused.
 */
static void
test_table_grows(void **unused)
{
	pid_t a = sleeper(), b = sleeper(), fake;
	int fds[2];
	struct guard *g = attach(fds);

	(void)unused;
	guard_add(g, a);
	/* groups that do not exist (killpg fails: not counted) */
	for (fake = 4000000; fake < 4000000 + 3000; fake++)
		guard_add(g, fake);
	guard_add(g, b);
	for (fake = 4000000; fake < 4000000 + 3000; fake++)
		guard_remove(g, fake);
	guard_stop(g);
	assert_int_equal(guard_main(fds[0]), 2);
	close(fds[0]);
	reap_killed(a);
	reap_killed(b);
	signals_default();
}

/* A socket closed before the table came: nothing to kill. */
static void
test_no_table(void **unused)
{
	int fds[2];

	(void)unused;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	close(fds[1]);
	assert_int_equal(guard_main(fds[0]), 0);
	close(fds[0]);
	signals_default();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_main_kills_listed),
		cmocka_unit_test(test_table_grows),
		cmocka_unit_test(test_no_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
