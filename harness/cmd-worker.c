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
#include "guard.h"
#include "merge.h"
#include "spawn.h"
#include "worker.h"
#include "wsample.h"
#include "banned.h"

/* The command of --exec gets its status pipe at this number. */
#define EXEC_STATUS_FD		3
/* After the command exits, how long a leftover child may hold the pipe. */
#define EXEC_EOF_GRACE		2.0

static volatile sig_atomic_t cmd_worker_child = -1;

#define USAGE "--url URL --unit ID --seed N [--testcase NAME] " \
	"[--params JSON] [--part P] [--nparts N] [--rep R] " \
	"[--workspace DIR] [--status-fd FD] [--paradigm NAME] " \
	"[--paradigm-config JSON] [--sample S]\n" \
	"       bench worker --exec [--status-fd FD] [--sample S] -- COMMAND " \
	"[ARG...]\n" \
	"       bench worker --merge IN --merge-out OUT --url URL " \
	"--testcase NAME\n" \
	"       bench worker --guard"

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
	OPT_MERGE,
	OPT_MERGE_OUT,
	OPT_SAMPLE,
	OPT_GUARD,
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
	{ "merge", required_argument, NULL, OPT_MERGE },
	{ "merge-out", required_argument, NULL, OPT_MERGE_OUT },
	{ "paradigm", required_argument, NULL, OPT_PARADIGM },
	{ "paradigm-config", required_argument, NULL, OPT_PARADIGM_CONFIG },
	{ "sample", required_argument, NULL, OPT_SAMPLE },
	{ "guard", no_argument, NULL, OPT_GUARD },
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

/* One command run by --exec. */
struct cmd_worker_run {
	char		**cmd;
	pid_t		  pid;
	int		  rd;		/* our end of its status pipe */
	int		  err;		/* errno of a failed start; 0 */
	int		  wstatus;	/* its wait status, once reaped */
	int		  reaped;
	double		  eof_deadline;	/* once reaped: EOF by then */
	int		  held;		/* a leftover process kept the
					   pipe open past the deadline */
	struct cmd_worker_relay r;
};

/*
 * Start the command through spawn_start: its status pipe at
 * EXEC_STATUS_FD (BENCH_STATUS_FD says so), stdin on /dev/null, stdout
 * and stderr on our stderr (the unit's log). 0, with x->err set when the
 * command could not be started; -1 when --exec itself failed (a message
 * on stderr, and when the pipe failed, a failed end record).
 */
static int
cmd_worker_run_start(struct cmd_worker_run *x)
{
	struct spawn_opts so = SPAWN_OPTS_INIT;
	char *cause = NULL;
	int sp[2];

	if (pipe2(sp, O_CLOEXEC) != 0) {
		fprintf(stderr, "bench worker: pipe: %s\n", strerror(errno));
		chan_write_start(x->r.out, (long)getpid());
		chan_write_end(x->r.out, "failed", "bench worker --exec: pipe "
		    "failed");
		return -1;
	}
	/* ours, for the command: it overrides what srun passed on */
	if (setenv("BENCH_STATUS_FD", "3", 1) != 0) {
		fprintf(stderr, "bench worker: setenv: %s\n", strerror(errno));
		close(sp[0]);
		close(sp[1]);
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	fflush(stderr);
	so.argv = x->cmd;
	so.log_fd = STDERR_FILENO;
	so.status_fd = sp[1];
	so.child_status_fd = EXEC_STATUS_FD;
	if (spawn_start(&so, &x->pid, &cause) != 0) {
		x->err = errno != 0 ? errno : ENOENT;
		x->pid = -1;
		free(cause);	/* reported as "cannot run" with x->err */
	}
	close(sp[1]);
	x->rd = sp[0];
	return 0;
}

/* Install the handlers that pass SIGTERM, SIGINT and SIGHUP on to the
   command, saving the old ones in old[], or (restore) put those back. */
static void
cmd_worker_run_signals(struct sigaction old[3], int restore)
{
	static const int sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_worker_forward;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < 3; i++) {
		if (restore)
			sigaction(sigs[i], &old[i], NULL);
		else
			sigaction(sigs[i], &sa, &old[i]);
	}
}

/*
 * Relay the command's records until its pipe's EOF, and reap it. Once it
 * has exited, a leftover process (a grandchild) may hold the pipe open
 * EXEC_EOF_GRACE seconds at most; then x->held is set.
 */
static void
cmd_worker_run_pump(struct cmd_worker_run *x)
{
	struct pollfd pfd;
	char buf[8192];
	double left;
	ssize_t n;
	int timeout;

	for (;;) {
		timeout = 200;
		if (x->reaped) {
			left = x->eof_deadline - cmd_worker_now();
			if (left <= 0) {
				x->held = 1;
				return;
			}
			timeout = (int)(left * 1000) + 1;
		}
		pfd.fd = x->rd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, timeout) > 0) {
			n = read(x->rd, buf, sizeof buf);
			if (n > 0)
				cmd_worker_relay(&x->r, buf, (size_t)n);
			else if (n == 0 || (errno != EINTR &&
			    errno != EAGAIN)) {
				/* EOF: the command is gone, or about to be */
				if (!x->reaped)
					spawn_finish(x->pid, 0, &x->wstatus,
					    NULL);
				x->reaped = 1;
				return;
			}
		}
		if (!x->reaped && spawn_finish(x->pid, SPAWN_NOHANG,
		    &x->wstatus, NULL) >= 0) {
			x->reaped = 1;
			x->eof_deadline = cmd_worker_now() + EXEC_EOF_GRACE;
		}
	}
}

/*
 * The records after the command's: the end of its last line if it had no
 * newline (so ours stand alone; the controller rejects that line as it
 * would locally), a log record if the pipe was held, our usage record and,
 * unless the command wrote one, an end record from how it ended.
 */
static void
cmd_worker_run_end(const struct cmd_worker_run *x)
{
	const struct cmd_worker_relay *r = &x->r;
	char msg[CHAN_LINE_MAX];
	int st = x->wstatus;

	if (r->out < 0)
		return;
	if (r->partial || r->len > 0) {
		if (r->len > 0)
			cmd_worker_write_all(r->out, r->line, r->len);
		cmd_worker_write_all(r->out, "\n", 1);
	}
	if (x->held)
		chan_write_log(r->out, "status pipe held open by a leftover "
		    "process after the command exited");
	chan_write_usage(r->out, RUSAGE_CHILDREN);
	if (r->saw_end)
		return;
	if (x->err != 0) {
		snprintf(msg, sizeof msg, "cannot run '%s': %s", x->cmd[0],
		    strerror(x->err));
		chan_write_end(r->out, "failed", msg);
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		chan_write_end(r->out, "ok", NULL);
	else if (WIFEXITED(st)) {
		snprintf(msg, sizeof msg, "exit status %d", WEXITSTATUS(st));
		chan_write_end(r->out, "failed", msg);
	} else {
		snprintf(msg, sizeof msg, "killed by signal %d (%s)",
		    WTERMSIG(st), strsignal(WTERMSIG(st)));
		chan_write_end(r->out, "failed", msg);
	}
}

/*
 * Leave the way the command did: its exit status; 127 when it could not
 * be run (as a shell says); when it died of a signal, die of the same
 * signal, without a core of our own.
 */
static int
cmd_worker_run_exit(const struct cmd_worker_run *x)
{
	struct rlimit rl;
	int sig;

	if (x->err != 0)
		return 127;
	if (WIFSIGNALED(x->wstatus)) {
		sig = WTERMSIG(x->wstatus);
		rl.rlim_cur = rl.rlim_max = 0;
		setrlimit(RLIMIT_CORE, &rl);
		signal(sig, SIG_DFL);
		fflush(stderr);
		raise(sig);
		return 128 + sig;
	}
	return WEXITSTATUS(x->wstatus);
}

/* Start sampling process group pgid onto fd (--sample); a sampler that
   cannot start is a line in the log, not a failure of the unit. */
static void
cmd_worker_sampler(pid_t pgid, int fd, double sample_s, struct wsample **ws)
{
	char *cause = NULL;

	if (wsample_start(pgid, fd, sample_s, ws, &cause) != 0) {
		fprintf(stderr, "bench worker: no samples: %s\n", cause);
		free(cause);
		*ws = NULL;
	}
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
cmd_worker_exec_cmd(char **cmd, int out, double sample_s)
{
	struct cmd_worker_run x;
	struct sigaction old[3];
	char host[CHAN_HOST_MAX + 1];
	struct wsample *ws = NULL;

	memset(&x, 0, sizeof x);
	x.cmd = cmd;
	x.r.out = out;
	if (cmd_worker_run_start(&x) != 0)
		return WORKER_EXIT_FAILED;
	if (x.err == 0) {
		cmd_worker_child = x.pid;
		cmd_worker_run_signals(old, 0);
	}
	if (chan_write_start_host(out, x.err == 0 ? (long)x.pid :
	    (long)getpid(), chan_host(host, sizeof host)) != 0)
		x.r.out = -1;
	if (x.err == 0 && x.r.out >= 0 && sample_s > 0)
		cmd_worker_sampler(x.pid, out, sample_s, &ws);
	if (x.err == 0) {
		cmd_worker_run_pump(&x);
		cmd_worker_child = -1;
		cmd_worker_run_signals(old, 1);
	}
	close(x.rd);
	/* stopped (and reaped) after the usage record: its CPU time is not
	   the command's */
	cmd_worker_run_end(&x);
	wsample_stop(ws);
	if (x.err != 0)
		fprintf(stderr, "bench worker: cannot run '%s': %s\n", cmd[0],
		    strerror(x.err));
	return cmd_worker_run_exit(&x);
}

/* What the command line of bench worker asked for. */
struct cmd_worker_args {
	struct worker_unit u;
	int		 fd;		/* --status-fd; -1: not given */
	int		 have_seed;
	int		 exec_mode;	/* --exec */
	const char	*merge_in;	/* --merge */
	const char	*merge_out;	/* --merge-out */
	double		 sample_s;	/* --sample; 0: none */
	int		 guard;		/* --guard: see guard.h */
};

/* cmd_worker_option's verdicts besides 0 (go on). */
#define CMD_WORKER_BAD	(-1)	/* bad usage: cmd_usage */
#define CMD_WORKER_HELP	1	/* --help */

/* A number option into *out (at most max); 0 or CMD_WORKER_BAD. */
static int
cmd_worker_num_opt(const char *name, uintmax_t max, uintmax_t *out)
{
	return cmd_worker_arg(name, optarg, max, out) == 0 ? 0 :
	    CMD_WORKER_BAD;
}

/* A period in seconds, > 0 and at most a day; 0 or CMD_WORKER_BAD. */
static int
cmd_worker_seconds(const char *name, const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 ||
	    !(v > 0 && v <= 86400)) {
		fprintf(stderr, "bench worker: --%s '%s': not a number of "
		    "seconds in (0, 86400]\n", name, s);
		return CMD_WORKER_BAD;
	}
	*out = v;
	return 0;
}

/* Apply one option from getopt_long (its argument in optarg). */
static int
cmd_worker_option(struct cmd_worker_args *a, int opt)
{
	uintmax_t v;
	int rc = 0;

	switch (opt) {
	case OPT_URL:
		a->u.url = optarg;
		break;
	case OPT_TESTCASE:
		a->u.testcase = optarg;
		break;
	case OPT_UNIT:
		a->u.unit_id = optarg;
		break;
	case OPT_PARAMS:
		a->u.params = optarg;
		break;
	case OPT_SEED:
		if ((rc = cmd_worker_num_opt("seed", UINT64_MAX, &v)) == 0) {
			a->u.seed = (uint64_t)v;
			a->have_seed = 1;
		}
		break;
	case OPT_PART:
		if ((rc = cmd_worker_num_opt("part", UINT_MAX, &v)) == 0)
			a->u.part = (unsigned)v;
		break;
	case OPT_NPARTS:
		if ((rc = cmd_worker_num_opt("nparts", UINT_MAX, &v)) == 0)
			a->u.nparts = (unsigned)v;
		break;
	case OPT_REP:
		if ((rc = cmd_worker_num_opt("rep", UINT_MAX, &v)) == 0)
			a->u.rep = (unsigned)v;
		break;
	case OPT_WORKSPACE:
		a->u.workspace = optarg;
		break;
	case OPT_PARADIGM:
		a->u.paradigm = optarg;
		break;
	case OPT_PARADIGM_CONFIG:
		a->u.paradigm_config = optarg;
		break;
	case OPT_STATUS_FD:
		if ((rc = cmd_worker_num_opt("status-fd", INT_MAX, &v)) == 0)
			a->fd = (int)v;
		break;
	case OPT_EXEC:
		a->exec_mode = 1;
		break;
	case OPT_GUARD:
		a->guard = 1;
		break;
	case OPT_MERGE:
		a->merge_in = optarg;
		break;
	case OPT_MERGE_OUT:
		a->merge_out = optarg;
		break;
	case OPT_SAMPLE:
		rc = cmd_worker_seconds("sample", optarg, &a->sample_s);
		break;
	case OPT_HELP:
		return CMD_WORKER_HELP;
	default:
		return CMD_WORKER_BAD;
	}
	return rc;
}

/* bench worker --exec [--status-fd FD] -- CMD...: check, then run. */
static int
cmd_worker_exec_mode(struct cmd_worker_args *a, int argc, char **argv)
{
	if (argc == 0) {
		fprintf(stderr, "bench worker: --exec needs a command\n");
		return cmd_usage(&cmd_worker_entry);
	}
	if (a->u.url != NULL) {
		fprintf(stderr, "bench worker: --exec and --url exclude each "
		    "other\n");
		return cmd_usage(&cmd_worker_entry);
	}
	if (cmd_worker_status_fd(&a->fd) != 0)
		return CMD_EXIT_USAGE;
	return cmd_worker_exec_cmd(argv, a->fd, a->sample_s);
}

/* bench worker --url ...: check, then run the unit in this process. */
static int
cmd_worker_unit_mode(struct cmd_worker_args *a, int argc, char **argv)
{
	struct wsample *ws = NULL;
	int rc;

	if (argc != 0) {
		fprintf(stderr, "bench worker: unexpected argument '%s'\n",
		    argv[0]);
		return cmd_usage(&cmd_worker_entry);
	}
	if (a->u.url == NULL || a->u.unit_id == NULL || !a->have_seed) {
		fprintf(stderr, "bench worker: --url, --unit and --seed are "
		    "required\n");
		return cmd_usage(&cmd_worker_entry);
	}
	if (a->u.nparts < 1 || a->u.part >= a->u.nparts) {
		fprintf(stderr, "bench worker: --part %u must be below "
		    "--nparts %u\n", a->u.part, a->u.nparts);
		return cmd_usage(&cmd_worker_entry);
	}
	if (cmd_worker_status_fd(&a->fd) != 0)
		return a->fd == -2 ? CMD_EXIT_ENV :
		    cmd_usage(&cmd_worker_entry);
	a->u.status_fd = a->fd;
	if (a->sample_s > 0)
		cmd_worker_sampler(getpgrp(), a->fd, a->sample_s, &ws);
	rc = worker_run(&a->u);
	wsample_stop(ws);
	return rc;
}

/*
 * bench worker --merge IN --merge-out OUT --url URL --testcase NAME: a
 * test case's merge() (plugin code) run for the controller, away from it.
 */
static int
cmd_worker_merge_mode(struct cmd_worker_args *a, int argc)
{
	char *cause = NULL;

	if (argc != 0 || a->merge_out == NULL || a->u.url == NULL ||
	    a->u.testcase == NULL) {
		fprintf(stderr, "bench worker: --merge needs --merge-out, --url "
		    "and --testcase\n");
		return cmd_usage(&cmd_worker_entry);
	}
	if (merge_serve(a->u.url, a->u.testcase, a->merge_in, a->merge_out,
	    &cause) != 0) {
		fprintf(stderr, "bench worker: merge: %s\n", cause);
		free(cause);
		return CMD_EXIT_ENV;
	}
	return CMD_EXIT_OK;
}

/* bench worker */
static int
cmd_worker_exec(int argc, char **argv)
{
	struct cmd_worker_args a = { .u = WORKER_UNIT_INIT, .fd = -1 };
	int opt, rc;

	optind = 1;
	opterr = 1;
	while ((opt = getopt_long(argc, argv, "", cmd_worker_options,
	    NULL)) != -1) {
		rc = cmd_worker_option(&a, opt);
		if (rc == CMD_WORKER_HELP) {
			printf("usage: bench worker %s\n", USAGE);
			return CMD_EXIT_OK;
		}
		if (rc != 0)
			return cmd_usage(&cmd_worker_entry);
	}
	if (a.guard) {
		/* bench's run guard: its pipe on fd 3, nothing else */
		if (optind != argc || fcntl(3, F_GETFD) == -1)
			return cmd_usage(&cmd_worker_entry);
		guard_main(3);
		return CMD_EXIT_OK;
	}
	if (a.exec_mode)
		return cmd_worker_exec_mode(&a, argc - optind, argv + optind);
	if (a.merge_in != NULL)
		return cmd_worker_merge_mode(&a, argc - optind);
	return cmd_worker_unit_mode(&a, argc - optind, argv + optind);
}

const struct cmd_entry cmd_worker_entry = {
	"worker", USAGE, NULL, cmd_worker_exec
};
