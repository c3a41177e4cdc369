/*
 * test-spawn: spawn_finish, the reaping half of harness/spawn (exit codes,
 * signal deaths as 128+N with the raw status beside them, SPAWN_NOHANG,
 * ECHILD), and the errno spawn_start leaves on failure, which callers turn
 * into execvp-like messages; the command cache (a command that moved in
 * PATH is found again) and a failed set-up step on the clone path. The
 * rest of spawn_start is tested in test-run.
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
#include <stdio.h>
#include <sys/stat.h>
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

/* Write an executable script at dir/name that exits with code. */
static void
put_script(const char *dir, const char *name, int code)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "#!/bin/sh\nexit %d\n", code);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

/* Start name from PATH, the clone path (die_with_parent) or posix_spawn;
   its exit code, or -1 with errno and *cause. */
static int
run_named(char *name, int clone_path, char **cause)
{
	char *argv[] = { name, NULL };
	struct spawn_opts so = SPAWN_OPTS_INIT;
	pid_t pid;

	so.argv = argv;
	so.die_with_parent = clone_path;
	if (spawn_start(&so, &pid, cause) != 0)
		return -1;
	return spawn_finish(pid, 0, NULL, NULL);
}

/*
 * The command cache: a command found in PATH is started again without a
 * lookup; when it moved to another PATH entry the next start still finds
 * it, and when it is gone the error is PATH's, on both spawn paths.
 */
static void
test_which_cache_moved(void **unused)
{
	char d1[] = "/tmp/test-spawn-a.XXXXXX", d2[] = "/tmp/test-spawn-b.XXXXXX";
	char name[] = "bench-test-spawn-cmd", path[512], *cause = NULL;
	char *old = getenv("PATH") != NULL ? strdup(getenv("PATH")) : NULL;
	int clone_path;

	assert_non_null(mkdtemp(d1));
	assert_non_null(mkdtemp(d2));
	snprintf(path, sizeof path, "%s:%s:/usr/bin:/bin", d1, d2);
	assert_int_equal(setenv("PATH", path, 1), 0);
	for (clone_path = 0; clone_path <= 1; clone_path++) {
		put_script(d1, name, 5);
		assert_int_equal(run_named(name, clone_path, &cause), 5);
		assert_int_equal(run_named(name, clone_path, &cause), 5);
		snprintf(path, sizeof path, "%s/%s", d1, name);
		assert_int_equal(unlink(path), 0);
		put_script(d2, name, 6);
		assert_int_equal(run_named(name, clone_path, &cause), 6);
		assert_null(cause);
		snprintf(path, sizeof path, "%s/%s", d2, name);
		assert_int_equal(unlink(path), 0);
		errno = 0;
		assert_int_equal(run_named(name, clone_path, &cause), -1);
		assert_int_equal(errno, ENOENT);
		assert_non_null(cause);
		assert_non_null(strstr(cause, "not found in PATH"));
		free(cause);
		cause = NULL;
	}
	assert_int_equal(rmdir(d1), 0);
	assert_int_equal(rmdir(d2), 0);
	if (old != NULL)
		setenv("PATH", old, 1);
	free(old);
}

/* A step of the child that fails is reported with its errno, and the
   child is reaped (the clone path reports through shared memory). */
static void
test_step_failure(void **unused)
{
	char sh[] = "sh", c[] = "-c", script[] = "exit 0";
	char *argv[] = { sh, c, script, NULL }, *cause = NULL;
	struct spawn_opts so = SPAWN_OPTS_INIT;
	pid_t pid = 0;
	int status;

	so.argv = argv;
	so.die_with_parent = 1;
	so.cwd = "/nonexistent/dir";
	errno = 0;
	assert_int_equal(spawn_start(&so, &pid, &cause), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "chdir: No such file or directory"));
	free(cause);
	/* nothing left to reap */
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	so.cwd = "/";
	assert_int_equal(spawn_start(&so, &pid, &cause), 0);
	assert_int_equal(spawn_finish(pid, 0, NULL, NULL), 0);
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
		cmocka_unit_test(test_which_cache_moved),
		cmocka_unit_test(test_step_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
