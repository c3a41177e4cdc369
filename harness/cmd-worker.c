/*
 * cmd-worker: `bench worker`, one unit in this process, its records on a
 * status fd. The remote side of the Slurm launcher (srun ... bench worker
 * ...: records on stdout, read back through srun), and a way to run one
 * unit by hand. Hidden from bench --help.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"
#include "cmd.h"
#include "worker.h"
#include "banned.h"

/* The command of --exec gets its status pipe at this number. */
#define EXEC_STATUS_FD		3
/* After the command exits, how long a leftover child may hold the pipe. */
#define EXEC_EOF_GRACE		2.0

static volatile sig_atomic_t cmd_worker_child = -1;

#define USAGE "--url URL --unit ID --seed N [--testcase NAME] " \
	"[--params JSON] [--part P] [--nparts N] [--rep R] " \
	"[--workspace DIR] [--status-fd FD] [--paradigm NAME] " \
	"[--paradigm-config JSON]\n" \
	"       bench worker --exec [--status-fd FD] -- COMMAND [ARG...]"

extern const struct cmd_entry cmd_worker_entry;

enum {
	OPT_URL = 256,
	OPT_TESTCASE,
	OPT_UNIT,
	OPT_PARAMS,
	OPT_SEED,
	OPT_PART,
	OPT_NPARTS,
	OPT_REP,
	OPT_WORKSPACE,
	OPT_STATUS_FD,
	OPT_PARADIGM,
	OPT_PARADIGM_CONFIG,
	OPT_EXEC,
	OPT_HELP,
};

static const struct option cmd_worker_options[] = {
	{ "url", required_argument, NULL, OPT_URL },
	{ "testcase", required_argument, NULL, OPT_TESTCASE },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "params", required_argument, NULL, OPT_PARAMS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "part", required_argument, NULL, OPT_PART },
	{ "nparts", required_argument, NULL, OPT_NPARTS },
	{ "rep", required_argument, NULL, OPT_REP },
	{ "workspace", required_argument, NULL, OPT_WORKSPACE },
	{ "status-fd", required_argument, NULL, OPT_STATUS_FD },
	{ "exec", no_argument, NULL, OPT_EXEC },
	{ "paradigm", required_argument, NULL, OPT_PARADIGM },
	{ "paradigm-config", required_argument, NULL, OPT_PARADIGM_CONFIG },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* An unsigned decimal up to max, digits only; 0 or -1. */
static int
cmd_worker_number(const char *s, uintmax_t max, uintmax_t *out)
{
	char *end;
	uintmax_t v;

	if (s[0] < '0' || s[0] > '9')	/* strtoumax takes "-1" and " 1" */
		return -1;
	errno = 0;
	v = strtoumax(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Parse the value of option name into *out (at most max), or complain. */
static int
cmd_worker_arg(const char *name, const char *s, uintmax_t max,
    uintmax_t *out)
{
	if (cmd_worker_number(s, max, out) == 0)
		return 0;
	fprintf(stderr, "bench worker: --%s '%s': not a number in 0..%ju\n",
	    name, s, max);
	return -1;
}

/*
 * Make fd 1 safe: the records move to a duplicate of it, and stdout
 * becomes stderr, so what a test case prints cannot corrupt them.
 */
static int
cmd_worker_move_stdout(int *fd)
{
	int newfd;

	fflush(stdout);
	newfd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (newfd == -1) {
		fprintf(stderr, "bench worker: dup stdout: %s\n",
		    strerror(errno));
		return -1;
	}
	if (dup2(STDERR_FILENO, STDOUT_FILENO) == -1) {
		fprintf(stderr, "bench worker: dup2 stderr: %s\n",
		    strerror(errno));
		close(newfd);
		return -1;
	}
	*fd = newfd;
	return 0;
}

/*
 * The status fd: --status-fd (*fd != -1), else BENCH_STATUS_FD, else
 * stdout, which is then moved aside (cmd_worker_move_stdout). Sets
 * close-on-exec on it. 0, or -1 with a message (*fd -2: an environment
 * error, else a usage error).
 */
static int
cmd_worker_status_fd(int *fd)
{
	const char *env;
	uintmax_t v;
	int flags;

	if (*fd == -1 && (env = getenv("BENCH_STATUS_FD")) != NULL &&
	    env[0] != '\0') {
		if (cmd_worker_arg("status-fd (BENCH_STATUS_FD)", env, INT_MAX,
		    &v) != 0)
			return -1;
		*fd = (int)v;
	}
	if (*fd == -1)
		*fd = STDOUT_FILENO;
	flags = fcntl(*fd, F_GETFD);
	if (flags == -1) {
		fprintf(stderr, "bench worker: status fd %d: %s\n", *fd,
		    strerror(errno));
		return -1;
	}
	if (*fd == STDOUT_FILENO) {
		if (cmd_worker_move_stdout(fd) != 0) {
			*fd = -2;
			return -1;
		}
	} else if (*fd > STDERR_FILENO) {
		/* not for the test case's own children */
		fcntl(*fd, F_SETFD, flags | FD_CLOEXEC);
	}
	return 0;
}

/* Seconds on CLOCK_MONOTONIC. */
static double
cmd_worker_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SIGTERM, SIGINT, SIGHUP to --exec: passed on to the command. */
static void
cmd_worker_forward(int sig)
{
	int saved = errno;

	if (cmd_worker_child > 0)
		kill((pid_t)cmd_worker_child, sig);
	errno = saved;
}

/* Write all of buf to fd; 0 or -1 (EPIPE: the reader is gone). */
static int
cmd_worker_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The relay state of --exec. */
struct cmd_worker_relay {
	int	 out;		/* our status fd; -1 once broken */
	char	 line[CHAN_LINE_MAX + 1];
	size_t	 len;		/* bytes of the current line in line[] */
	int	 long_line;	/* the current line is over CHAN_LINE_MAX */
	int	 saw_end;	/* the command wrote an end record itself */
	int	 partial;	/* bytes passed on since the last newline */
};

/* Pass a complete line (with its newline) on, noting end records. */
static void
cmd_worker_relay_line(struct cmd_worker_relay *r, const char *p,
    size_t len)
{
	struct chan_record rec;

	if (len > 0 && chan_parse_line(p, len - 1, &rec, NULL) == 0 &&
	    rec.type == CHAN_END)
		r->saw_end = 1;
	if (r->out >= 0 && cmd_worker_write_all(r->out, p, len) != 0)
		r->out = -1;
}

/*
 * Relay the command's bytes to our status fd unchanged, so the controller
 * sees exactly what a local command would have written; whole lines are
 * written at once. Over-long lines pass through in pieces (the controller
 * rejects them as it would locally).
 */
static void
cmd_worker_relay(struct cmd_worker_relay *r, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (r->long_line) {
			if (r->out >= 0 && cmd_worker_write_all(r->out,
			    buf + i, 1) != 0)
				r->out = -1;
			if (buf[i] == '\n') {
				r->long_line = 0;
				r->partial = 0;
			}
			continue;
		}
		r->line[r->len++] = buf[i];
		if (buf[i] == '\n') {
			cmd_worker_relay_line(r, r->line, r->len);
			r->len = 0;
			r->partial = 0;
		} else if (r->len == sizeof r->line) {
			if (r->out >= 0 && cmd_worker_write_all(r->out,
			    r->line, r->len) != 0)
				r->out = -1;
			r->len = 0;
			r->long_line = 1;
			r->partial = 1;
		}
	}
}

/*
 * The child side of --exec: status pipe at EXEC_STATUS_FD, stdout to
 * stderr (the unit's log), exec the command. Reports errno on errfd.
 */
static void
cmd_worker_exec_child(char **cmd, int pipe_w, int errfd)
{
	int e;

	if (pipe_w == EXEC_STATUS_FD) {
		if (fcntl(pipe_w, F_SETFD, 0) == -1)
			goto fail;
	} else if (dup2(pipe_w, EXEC_STATUS_FD) == -1)
		goto fail;
	if (dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
		goto fail;
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	execvp(cmd[0], cmd);
fail:
	e = errno;
	while (write(errfd, &e, sizeof e) == -1 && errno == EINTR)
		;
	_exit(127);
}

/*
 * bench worker --exec -- CMD...: run a command unit and give its records
 * on out (normally srun's stdout): a start record with the command's pid,
 * the records it writes to BENCH_STATUS_FD passed on unchanged, and, when
 * it wrote no end record itself, an end record from its exit status (ok;
 * failed "exit status N"; failed "killed by signal N (NAME)"; failed
 * "cannot run 'CMD': ERROR"). Its stdout and stderr go to our stderr.
 * Returns its exit status; when it died of a signal, dies of the same
 * signal (no core), so srun reports it as for any task.
 */
static int
cmd_worker_exec_cmd(char **cmd, int out)
{
	struct cmd_worker_relay *r;
	struct sigaction sa, old[3];
	struct pollfd pfd;
	struct rlimit rl;
	char buf[8192], *error = NULL, host[CHAN_HOST_MAX + 1];
	int sp[2], ep[2], status = 0, e = 0, reaped = 0, sig, held = 0;
	double eof_deadline = 0;
	ssize_t n;
	pid_t pid, w;

	if (pipe2(sp, O_CLOEXEC) != 0 || pipe2(ep, O_CLOEXEC) != 0) {
		fprintf(stderr, "bench worker: pipe: %s\n", strerror(errno));
		chan_write_start(out, (long)getpid());
		chan_write_end(out, "failed", "bench worker --exec: pipe failed");
		return WORKER_EXIT_FAILED;
	}
	/* ours, for the command: it overrides what srun passed on */
	if (setenv("BENCH_STATUS_FD", "3", 1) != 0) {
		fprintf(stderr, "bench worker: setenv: %s\n", strerror(errno));
		return WORKER_EXIT_FAILED;
	}
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == -1) {
		e = errno;
		fprintf(stderr, "bench worker: fork: %s\n", strerror(e));
		chan_write_start(out, (long)getpid());
		chan_write_end(out, "failed", "bench worker --exec: fork "
		    "failed");
		return WORKER_EXIT_FAILED;
	}
	if (pid == 0)
		cmd_worker_exec_child(cmd, sp[1], ep[1]);
	cmd_worker_child = pid;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_worker_forward;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, &old[0]);
	sigaction(SIGINT, &sa, &old[1]);
	sigaction(SIGHUP, &sa, &old[2]);
	close(sp[1]);
	close(ep[1]);
	while ((n = read(ep[0], &e, sizeof e)) == -1 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof e)
		e = 0;
	close(ep[0]);

	r = calloc(1, sizeof *r);
	if (r == NULL) {
		fprintf(stderr, "bench worker: out of memory\n");
		kill(pid, SIGKILL);
	} else
		r->out = out;
	if (r != NULL && chan_write_start_host(out, (long)pid,
	    chan_host(host, sizeof host)) != 0)
		r->out = -1;
	for (;;) {
		int timeout = 200;

		if (reaped) {
			double left = eof_deadline - cmd_worker_now();

			if (left <= 0) {
				held = 1;	/* a leftover process */
				break;
			}
			timeout = (int)(left * 1000) + 1;
		}
		pfd.fd = sp[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, timeout) > 0) {
			n = read(sp[0], buf, sizeof buf);
			if (n > 0 && r != NULL)
				cmd_worker_relay(r, buf, (size_t)n);
			else if (n == 0 || (n < 0 && errno != EINTR &&
			    errno != EAGAIN)) {
				if (reaped)
					break;
				pfd.fd = -1;	/* EOF: just wait for it */
				do
					w = waitpid(pid, &status, 0);
				while (w == -1 && errno == EINTR);
				reaped = 1;
				break;
			}
		}
		if (!reaped) {
			w = waitpid(pid, &status, WNOHANG);
			if (w == pid) {
				reaped = 1;
				eof_deadline = cmd_worker_now() +
				    EXEC_EOF_GRACE;
			}
		}
	}
	close(sp[0]);
	cmd_worker_child = -1;
	sigaction(SIGTERM, &old[0], NULL);
	sigaction(SIGINT, &old[1], NULL);
	sigaction(SIGHUP, &old[2], NULL);

	if (r != NULL && r->out >= 0 && (r->partial || r->len > 0)) {
		/* finish the command's last line so our record stands
		   alone; the controller rejects that line as it would */
		if (r->len > 0)
			cmd_worker_write_all(r->out, r->line, r->len);
		cmd_worker_write_all(r->out, "\n", 1);
	}
	if (held && r != NULL && r->out >= 0)
		chan_write_log(r->out, "status pipe held open by a leftover "
		    "process after the command exited");
	if (e != 0)
		error = strerror(e);
	if (r != NULL && r->out >= 0)
		chan_write_usage(r->out, RUSAGE_CHILDREN);
	if (r != NULL && r->out >= 0 && !r->saw_end) {
		if (e != 0) {
			snprintf(buf, sizeof buf, "cannot run '%s': %s",
			    cmd[0], error);
			chan_write_end(r->out, "failed", buf);
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			chan_write_end(r->out, "ok", NULL);
		else if (WIFEXITED(status)) {
			snprintf(buf, sizeof buf, "exit status %d",
			    WEXITSTATUS(status));
			chan_write_end(r->out, "failed", buf);
		} else {
			snprintf(buf, sizeof buf, "killed by signal %d (%s)",
			    WTERMSIG(status), strsignal(WTERMSIG(status)));
			chan_write_end(r->out, "failed", buf);
		}
	}
	if (e != 0)
		fprintf(stderr, "bench worker: cannot run '%s': %s\n", cmd[0],
		    error);
	free(r);
	if (WIFSIGNALED(status)) {
		/* die the same way, without a core of our own */
		sig = WTERMSIG(status);
		rl.rlim_cur = rl.rlim_max = 0;
		setrlimit(RLIMIT_CORE, &rl);
		signal(sig, SIG_DFL);
		fflush(stderr);
		raise(sig);
		return 128 + sig;
	}
	return WEXITSTATUS(status);
}

/* bench worker */
static int
cmd_worker_exec(int argc, char **argv)
{
	struct worker_unit u = WORKER_UNIT_INIT;
	uintmax_t v;
	int opt, fd = -1, have_seed = 0, exec_mode = 0;

	optind = 1;
	opterr = 1;
	while ((opt = getopt_long(argc, argv, "", cmd_worker_options,
	    NULL)) != -1) {
		switch (opt) {
		case OPT_URL:
			u.url = optarg;
			break;
		case OPT_TESTCASE:
			u.testcase = optarg;
			break;
		case OPT_UNIT:
			u.unit_id = optarg;
			break;
		case OPT_PARAMS:
			u.params = optarg;
			break;
		case OPT_SEED:
			if (cmd_worker_arg("seed", optarg, UINT64_MAX, &v) != 0)
				return cmd_usage(&cmd_worker_entry);
			u.seed = (uint64_t)v;
			have_seed = 1;
			break;
		case OPT_PART:
			if (cmd_worker_arg("part", optarg, UINT_MAX, &v) != 0)
				return cmd_usage(&cmd_worker_entry);
			u.part = (unsigned)v;
			break;
		case OPT_NPARTS:
			if (cmd_worker_arg("nparts", optarg, UINT_MAX, &v) != 0)
				return cmd_usage(&cmd_worker_entry);
			u.nparts = (unsigned)v;
			break;
		case OPT_REP:
			if (cmd_worker_arg("rep", optarg, UINT_MAX, &v) != 0)
				return cmd_usage(&cmd_worker_entry);
			u.rep = (unsigned)v;
			break;
		case OPT_WORKSPACE:
			u.workspace = optarg;
			break;
		case OPT_PARADIGM:
			u.paradigm = optarg;
			break;
		case OPT_PARADIGM_CONFIG:
			u.paradigm_config = optarg;
			break;
		case OPT_STATUS_FD:
			if (cmd_worker_arg("status-fd", optarg, INT_MAX,
			    &v) != 0)
				return cmd_usage(&cmd_worker_entry);
			fd = (int)v;
			break;
		case OPT_EXEC:
			exec_mode = 1;
			break;
		case OPT_HELP:
			printf("usage: bench worker %s\n", USAGE);
			return CMD_EXIT_OK;
		default:
			return cmd_usage(&cmd_worker_entry);
		}
	}
	if (exec_mode) {
		if (optind == argc) {
			fprintf(stderr, "bench worker: --exec needs a "
			    "command\n");
			return cmd_usage(&cmd_worker_entry);
		}
		if (u.url != NULL) {
			fprintf(stderr, "bench worker: --exec and --url "
			    "exclude each other\n");
			return cmd_usage(&cmd_worker_entry);
		}
		if (cmd_worker_status_fd(&fd) != 0)
			return CMD_EXIT_USAGE;
		return cmd_worker_exec_cmd(argv + optind, fd);
	}
	if (optind != argc) {
		fprintf(stderr, "bench worker: unexpected argument '%s'\n",
		    argv[optind]);
		return cmd_usage(&cmd_worker_entry);
	}
	if (u.url == NULL || u.unit_id == NULL || !have_seed) {
		fprintf(stderr, "bench worker: --url, --unit and --seed are "
		    "required\n");
		return cmd_usage(&cmd_worker_entry);
	}
	if (u.nparts < 1 || u.part >= u.nparts) {
		fprintf(stderr, "bench worker: --part %u must be below "
		    "--nparts %u\n", u.part, u.nparts);
		return cmd_usage(&cmd_worker_entry);
	}

	if (cmd_worker_status_fd(&fd) != 0)
		return fd == -2 ? CMD_EXIT_ENV : cmd_usage(&cmd_worker_entry);
	u.status_fd = fd;
	return worker_run(&u);
}

const struct cmd_entry cmd_worker_entry = {
	"worker", USAGE, NULL, cmd_worker_exec
};
