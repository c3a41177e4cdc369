/*
 * fakeworker: a command test case that misbehaves on request, for the
 * fault-injection suite (tests/faults/). Run as
 *
 *	fakeworker MODE [N] [MARKER...]
 *
 * It writes records to the descriptor in $BENCH_STATUS_FD (if any) and does
 * what MODE says; N is a count whose meaning depends on the mode, and any
 * further arguments are ignored (the tests put a marker there to find
 * leftover processes with pgrep). Modes:
 *
 *	ok		report a metric and end ok
 *	segv		die of SIGSEGV
 *	abort		die of SIGABRT (abort())
 *	exit N		exit with status N, no records
 *	hang		sleep forever
 *	ignore-term	ignore SIGTERM, then sleep forever
 *	bad-json	write malformed records, then a good metric, end ok
 *	binary		write N KiB (default 64) of binary bytes, then end ok
 *	long-line	write one line of N MiB (default 10), then end ok
 *	flood		write N records (default 1000000) over 300 names
 *	close-early	report a metric, close the pipe, run N s (default 1)
 *	no-end		report a metric and exit 0 without an end record
 *	grandchild	leave a child in the process group, sleeping N s
 *			(default 30) with the pipes open, and exit
 *	escape		same, but the child leaves the group with setsid()
 *	escape-closed	same, and the child closes every descriptor first
 *	stdout		write N MiB (default 100) to stdout, then end ok
 *
 * Deliberately standalone: it links nothing from bench, so that it talks to
 * the controller only through the protocol, like a user's program.
 */
#include "config.h"

#include <sys/resource.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

static int fw_fd = -1;

/* Write all of buf to fd; give up silently on error (EPIPE included). */
static void
fw_write(int fd, const char *buf, size_t len)
{
	ssize_t w;

	if (fd < 0)
		return;
	while (len > 0) {
		w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		len -= (size_t)w;
	}
}

/* Write a string to the status pipe. */
static void
fw_status(const char *s)
{
	fw_write(fw_fd, s, strlen(s));
}

/* Report the metric every well-behaved mode reports. */
static void
fw_metric(void)
{
	fw_status("{\"t\":\"metric\",\"name\":\"fw\",\"value\":42}\n");
}

/* End ok. */
static void
fw_end_ok(void)
{
	fw_status("{\"t\":\"end\",\"status\":\"ok\"}\n");
}

/* Sleep for s seconds, EINTR included. */
static void
fw_sleep(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Sleep until killed. */
static void
fw_forever(void)
{
	for (;;)
		pause();
}

/* Die of signal sig, whatever its handler was. */
static void
fw_die(int sig)
{
	signal(sig, SIG_DFL);
	kill(getpid(), sig);
	fw_forever();
}

/* Flood the status pipe with n metric records over 300 names. */
static void
fw_flood(long n)
{
	char buf[65536];
	size_t used = 0;
	long i;
	int len;

	for (i = 0; i < n; i++) {
		len = snprintf(buf + used, sizeof buf - used,
		    "{\"t\":\"metric\",\"name\":\"m%ld\",\"value\":%ld}\n",
		    i % 300, i);
		if (len < 0)
			return;
		if ((size_t)len >= sizeof buf - used) {
			fw_write(fw_fd, buf, used);
			used = 0;
			i--;
			continue;
		}
		used += (size_t)len;
	}
	fw_write(fw_fd, buf, used);
}

/* Write n bytes of c to fd, in chunks; a final newline if nl. */
static void
fw_fill(int fd, size_t n, char c, int nl)
{
	char buf[65536];
	size_t k;

	memset(buf, c, sizeof buf);
	while (n > 0) {
		k = n < sizeof buf ? n : sizeof buf;
		fw_write(fd, buf, k);
		n -= k;
	}
	if (nl)
		fw_write(fd, "\n", 1);
}

/* Write n KiB of pseudo-random bytes, NULs and newlines included. */
static void
fw_binary(long n)
{
	unsigned char buf[1024];
	unsigned long x = 88172645463325252UL;
	long i;
	size_t k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof buf; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[k] = (unsigned char)x;
		}
		fw_write(fw_fd, (const char *)buf, sizeof buf);
	}
	/* invalid UTF-8 inside an otherwise valid record, too */
	fw_status("\n{\"t\":\"log\",\"msg\":\"\xff\xfe\xc0\x80\"}\n");
}

/*
 * Leave a child behind that sleeps for secs seconds; how depends on mode.
 * The parent returns 0 once the child is set up (out of the group for the
 * escape modes), so that bench cannot kill it with the group by luck; -1
 * when it could not make one.
 */
static int
fw_leave_child(const char *mode, double secs)
{
	pid_t pid;
	int fd, sync[2];
	char c = 0;
	ssize_t r;

	if (pipe(sync) != 0) {
		perror("fakeworker: pipe");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		perror("fakeworker: fork");
		return -1;
	}
	if (pid > 0) {
		close(sync[1]);
		while ((r = read(sync[0], &c, 1)) < 0 && errno == EINTR)
			;
		close(sync[0]);
		return 0;
	}
	close(sync[0]);
	if (strcmp(mode, "grandchild") != 0)
		setsid();
	if (strcmp(mode, "escape-closed") == 0) {
		for (fd = 0; fd < 1024; fd++) {
			if (fd != sync[1])
				close(fd);
		}
	}
	fw_write(sync[1], &c, 1);
	close(sync[1]);
	fw_sleep(secs);
	_exit(0);
}

/* Parse the optional count argument, or return def. */
static long
fw_count(int argc, char **argv, long def)
{
	char *end;
	long n;

	if (argc < 3)
		return def;
	errno = 0;
	n = strtol(argv[2], &end, 10);
	if (errno != 0 || end == argv[2] || *end != '\0' || n < 0)
		return def;
	return n;
}

/* Entry point. */
int
main(int argc, char **argv)
{
	struct rlimit rl = { 0, 0 };
	const char *mode, *s;
	char *end;
	long n;

	if (argc < 2) {
		fprintf(stderr, "usage: fakeworker MODE [N] [MARKER...]\n");
		return 64;
	}
	mode = argv[1];
	/* no core files in the workspace from the crash modes */
	setrlimit(RLIMIT_CORE, &rl);
	s = getenv("BENCH_STATUS_FD");
	if (s != NULL) {
		n = strtol(s, &end, 10);
		if (end != s && *end == '\0' && n >= 0 && n < 1024)
			fw_fd = (int)n;
	}
	fw_status("{\"t\":\"start\",\"pid\":1}\n");

	if (strcmp(mode, "ok") == 0) {
		fw_metric();
		fw_end_ok();
	} else if (strcmp(mode, "segv") == 0) {
		fw_metric();
		fw_die(SIGSEGV);
	} else if (strcmp(mode, "abort") == 0) {
		fprintf(stderr, "fakeworker: aborting\n");
		abort();
	} else if (strcmp(mode, "exit") == 0) {
		fprintf(stderr, "fakeworker: exiting with %ld\n",
		    fw_count(argc, argv, 1));
		return (int)(fw_count(argc, argv, 1) & 0xff);
	} else if (strcmp(mode, "hang") == 0) {
		fw_forever();
	} else if (strcmp(mode, "ignore-term") == 0) {
		signal(SIGTERM, SIG_IGN);
		fw_forever();
	} else if (strcmp(mode, "bad-json") == 0) {
		fw_status("{not json\n");
		fw_status("[1,2,3]\n");
		fw_status("null\n");
		fw_status("{\"t\":\"metric\",\"name\":5,\"value\":1}\n");
		fw_status("{\"t\":\"metric\",\"name\":\"x\",\"value\":\"1\"}\n");
		fw_status("{\"t\":\"no-such-type\"}\n");
		fw_status("{\"t\":\"end\",\"status\":\"splendid\"}\n");
		fw_status("{\"t\":\"metric\",\"name\":\"x\",\"value\":1e999}\n");
		fw_status("\n\n\r\n");
		fw_metric();
		fw_end_ok();
	} else if (strcmp(mode, "binary") == 0) {
		fw_binary(fw_count(argc, argv, 64));
		fw_metric();
		fw_end_ok();
	} else if (strcmp(mode, "long-line") == 0) {
		fw_status("{\"t\":\"log\",\"msg\":\"");
		fw_fill(fw_fd, (size_t)fw_count(argc, argv, 10) << 20, 'x',
		    0);
		fw_status("\"}\n");
		fw_metric();
		fw_end_ok();
	} else if (strcmp(mode, "flood") == 0) {
		fw_flood(fw_count(argc, argv, 1000000));
		fw_end_ok();
	} else if (strcmp(mode, "close-early") == 0) {
		fw_metric();
		close(fw_fd);
		fw_fd = -1;
		fw_sleep((double)fw_count(argc, argv, 1));
	} else if (strcmp(mode, "no-end") == 0) {
		fw_metric();
	} else if (strcmp(mode, "grandchild") == 0 ||
	    strcmp(mode, "escape") == 0 ||
	    strcmp(mode, "escape-closed") == 0) {
		if (fw_leave_child(mode, (double)fw_count(argc, argv, 30)) != 0)
			return 70;
		fw_metric();
		fw_end_ok();
	} else if (strcmp(mode, "stdout") == 0) {
		fw_fill(1, (size_t)fw_count(argc, argv, 100) << 20, 'o', 1);
		fw_metric();
		fw_end_ok();
	} else {
		fprintf(stderr, "fakeworker: unknown mode '%s'\n", mode);
		return 64;
	}
	return 0;
}
