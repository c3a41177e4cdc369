/*
 * test-run: spawning workers (process group, descriptors, exec errors) and
 * the engine's bookkeeping on small jobs written to a scratch directory.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "job.h"
#include "run.h"
#include "spawn.h"
#include "store.h"

/* Read a whole small file into buf. */
static size_t
slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;
	size_t got = 0;

	assert_true(fd >= 0);
	while ((n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	return got;
}

static void
test_which(void **state)
{
	char *p, *cause = NULL;

	(void)state;
	p = spawn_which("sh", &cause);
	assert_non_null(p);
	assert_true(p[0] == '/');
	free(p);
	assert_null(spawn_which("no-such-command-xyz", &cause));
	assert_non_null(strstr(cause, "not found in PATH"));
	free(cause);
	cause = NULL;
	assert_null(spawn_which("/etc/passwd", &cause));
	assert_non_null(cause);
	free(cause);
}

static void
test_spawn_env_and_fds(void **state)
{
	char dir[] = "/tmp/test-run-XXXXXX", log[256], buf[4096];
	char *const argv[] = {
		(char *)"sh", (char *)"-c",
		(char *)"echo pgid=$(ps -o pgid= -p $$ | tr -d ' ') pid=$$; "
		"echo fd3 >&3; read x; echo read=$?; "
		"ls /proc/$$/fd | tr '\\n' ' '; echo; echo err >&2",
		NULL,
	};
	struct spawn_opts so = SPAWN_OPTS_INIT;
	char *cause = NULL;
	int p[2], logfd, status, stray;
	pid_t pid;
	char expect[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(log, sizeof log, "%s/u.log", dir);
	logfd = open(log, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	stray = open("/dev/null", O_RDONLY);	/* not close-on-exec */
	assert_true(stray >= 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	so.argv = argv;
	so.log_fd = logfd;
	so.status_fd = p[1];
	assert_int_equal(spawn_start(&so, &pid, &cause), 0);
	close(p[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read(p[0], buf, sizeof buf), 4);
	assert_memory_equal(buf, "fd3\n", 4);
	close(p[0]);
	close(logfd);
	slurp(log, buf, sizeof buf);
	snprintf(expect, sizeof expect, "pgid=%ld pid=%ld", (long)pid,
	    (long)pid);
	assert_non_null(strstr(buf, expect));	/* own process group */
	assert_non_null(strstr(buf, "read=1"));	/* stdin is /dev/null */
	assert_non_null(strstr(buf, "err"));	/* stderr to the log */
	/* only 0 1 2 3 (and the fd ls itself opens) */
	snprintf(expect, sizeof expect, " %d ", stray);
	assert_null(strstr(buf, expect));
	close(stray);
	unlink(log);
	rmdir(dir);
}

static void
test_spawn_errors(void **state)
{
	char *const missing[] = { (char *)"no-such-command-xyz", NULL };
	char *const notexec[] = { (char *)"/etc/passwd", NULL };
	struct spawn_opts so = SPAWN_OPTS_INIT;
	char *cause = NULL;
	pid_t pid = 0;

	(void)state;
	so.argv = missing;
	assert_int_equal(spawn_start(&so, &pid, &cause), -1);
	assert_non_null(strstr(cause, "no-such-command-xyz"));
	free(cause);
	cause = NULL;
	so.argv = notexec;
	assert_int_equal(spawn_start(&so, &pid, &cause), -1);
	free(cause);
	cause = NULL;
	/* exec of a file that is not a program: reported from the child */
	{
		char dir[] = "/tmp/test-run-XXXXXX", path[256];
		char *const argv[] = { path, NULL };
		int fd;

		assert_non_null(mkdtemp(dir));
		snprintf(path, sizeof path, "%s/bad", dir);
		fd = open(path, O_WRONLY | O_CREAT, 0700);
		assert_true(write(fd, "\x7f" "ELF garbage", 12) == 12);
		close(fd);
		so.argv = argv;
		assert_int_equal(spawn_start(&so, &pid, &cause), -1);
		assert_non_null(strstr(cause, "exec"));
		free(cause);
		unlink(path);
		rmdir(dir);
	}
	/* no child left behind */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which),
		cmocka_unit_test(test_spawn_env_and_fds),
		cmocka_unit_test(test_spawn_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
