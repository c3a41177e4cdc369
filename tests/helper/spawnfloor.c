/*
 * spawnfloor: the floor of dispatch for tests/perf/dispatch.sh. Runs N
 * copies of a command, at most P at a time, with posix_spawn and waitpid
 * and nothing else (no pipes, no records, no database): what starting and
 * reaping processes costs on this machine.
 *	usage: spawnfloor N P COMMAND [ARG...]
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

extern char **environ;

/* Start one copy; 0, or -1 after printing why. */
static int
floor_start(char **argv)
{
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);

	if (rc != 0) {
		errno = rc;
		perror("spawnfloor: posix_spawnp");
		return -1;
	}
	return 0;
}

/* Reap one child; 0, or -1 when it did not exit 0. */
static int
floor_reap(void)
{
	int status;

	while (waitpid(-1, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("spawnfloor: waitpid");
			return -1;
		}
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	long n, p, started = 0, running = 0, bad = 0;

	if (argc < 4 || (n = strtol(argv[1], NULL, 10)) < 1 ||
	    (p = strtol(argv[2], NULL, 10)) < 1) {
		fprintf(stderr, "usage: spawnfloor N P COMMAND [ARG...]\n");
		return 2;
	}
	while (started < n || running > 0) {
		while (started < n && running < p) {
			if (floor_start(argv + 3) != 0)
				return 1;
			started++;
			running++;
		}
		bad += floor_reap() != 0;
		running--;
	}
	return bad > 0 ? 1 : 0;
}
