/*
 * test-spawn: spawn_finish, the reaping half of harness/spawn (exit codes,
 * signal deaths as 128+N with the raw status beside them, SPAWN_NOHANG,
 * ECHILD), and the errno spawn_start leaves on failure, which callers turn
 * into execvp-like messages. spawn_start itself is tested in test-run.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "banned.h"

/* Start sh -c script; return its pid. */
static pid_t
start_sh(const char *script)
{
	char sh[] = "sh", c[] = "-c", *s = strdup(script);
	char *argv[] = { sh, c, s, NULL };
	struct spawn_opts so = SPAWN_OPTS_INIT;
	char *cause = NULL;
	pid_t pid = -1;

	assert_non_null(s);
	so.argv = argv;
	assert_int_equal(spawn_start(&so, &pid, &cause), 0);
	assert_null(cause);
	free(s);
	return pid;
}

/* Exit codes come back as they are, with the raw status. */
static void
test_exit(void **unused)
{
	int wstatus = -1;

	assert_int_equal(spawn_finish(start_sh("exit 0"), 0, NULL, NULL), 0);
	assert_int_equal(spawn_finish(start_sh("exit 3"), 0, &wstatus, NULL),
	    3);
	assert_true(WIFEXITED(wstatus));
	assert_int_equal(WEXITSTATUS(wstatus), 3);
	/* exit 137 and SIGKILL give the same code; wstatus tells them apart */
	assert_int_equal(spawn_finish(start_sh("exit 137"), 0, &wstatus,
	    NULL), 137);
	assert_true(WIFEXITED(wstatus));
}

/* A signal death is 128+N. */
static void
test_signal(void **unused)
{
	int wstatus = -1;

	assert_int_equal(spawn_finish(start_sh("kill -KILL $$"), 0, &wstatus,
	    NULL), 128 + SIGKILL);
	assert_true(WIFSIGNALED(wstatus));
	assert_int_equal(WTERMSIG(wstatus), SIGKILL);
}

/* SPAWN_NOHANG: SPAWN_RUNNING while it runs, its code once it ended. */
static void
test_nohang(void **unused)
{
	int wstatus = -1, rc;
	pid_t pid = start_sh("exec sleep 30");

	assert_int_equal(spawn_finish(pid, SPAWN_NOHANG, &wstatus, NULL),
	    SPAWN_RUNNING);
	assert_int_equal(wstatus, -1);	/* untouched */
	assert_int_equal(kill(pid, SIGTERM), 0);
	while ((rc = spawn_finish(pid, SPAWN_NOHANG, &wstatus, NULL)) ==
	    SPAWN_RUNNING)
		usleep(1000);
	assert_int_equal(rc, 128 + SIGTERM);
}

/* Reaping twice, or something that is not our child: -1 with a cause. */
static void
test_echild(void **unused)
{
	pid_t pid = start_sh("exit 0");
	char *cause = NULL;

	assert_int_equal(spawn_finish(pid, 0, NULL, NULL), 0);
	assert_int_equal(spawn_finish(pid, 0, NULL, &cause), -1);
	assert_int_equal(errno, ECHILD);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "waitpid"));
	free(cause);
}

/* spawn_start's errno on failure: what execvp would have said. */
static void
test_start_errno(void **unused)
{
	char missing[] = "no-such-command-xyz", abs[] = "/nonexistent/prog";
	char notexec[] = "/etc/passwd", dir[] = "/tmp";
	char *argv[] = { NULL, NULL };
	struct spawn_opts so = SPAWN_OPTS_INIT;
	char *cause = NULL;
	pid_t pid;

	so.argv = argv;
	argv[0] = missing;
	errno = 0;
	assert_int_equal(spawn_start(&so, &pid, &cause), -1);
	assert_int_equal(errno, ENOENT);
	free(cause);
	argv[0] = abs;
	errno = 0;
	assert_int_equal(spawn_start(&so, &pid, &cause), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(cause, "No such file or directory"));
	free(cause);
	argv[0] = notexec;
	errno = 0;
	assert_int_equal(spawn_start(&so, &pid, &cause), -1);
	assert_int_equal(errno, EACCES);
	free(cause);
	argv[0] = dir;
	errno = 0;
	assert_int_equal(spawn_start(&so, &pid, &cause), -1);
	assert_int_equal(errno, EACCES);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_nohang),
		cmocka_unit_test(test_echild),
		cmocka_unit_test(test_start_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
