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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "worker.h"
#include "banned.h"

#define USAGE "--url URL --unit ID --seed N [--testcase NAME] " \
	"[--params JSON] [--part P] [--nparts N] [--rep R] " \
	"[--workspace DIR] [--status-fd FD] [--paradigm NAME] " \
	"[--paradigm-config JSON]"

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

/* bench worker */
static int
cmd_worker_exec(int argc, char **argv)
{
	struct worker_unit u = WORKER_UNIT_INIT;
	const char *env;
	uintmax_t v;
	int opt, fd = -1, have_seed = 0, flags;

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
		case OPT_HELP:
			printf("usage: bench worker %s\n", USAGE);
			return CMD_EXIT_OK;
		default:
			return cmd_usage(&cmd_worker_entry);
		}
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

	if (fd == -1 && (env = getenv("BENCH_STATUS_FD")) != NULL &&
	    env[0] != '\0') {
		if (cmd_worker_arg("status-fd (BENCH_STATUS_FD)", env, INT_MAX,
		    &v) != 0)
			return cmd_usage(&cmd_worker_entry);
		fd = (int)v;
	}
	if (fd == -1)
		fd = STDOUT_FILENO;
	flags = fcntl(fd, F_GETFD);
	if (flags == -1) {
		fprintf(stderr, "bench worker: status fd %d: %s\n", fd,
		    strerror(errno));
		return cmd_usage(&cmd_worker_entry);
	}
	if (fd == STDOUT_FILENO) {
		if (cmd_worker_move_stdout(&fd) != 0)
			return CMD_EXIT_ENV;
	} else if (fd > STDERR_FILENO) {
		/* not for the test case's own children */
		fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
	}
	u.status_fd = fd;
	return worker_run(&u);
}

const struct cmd_entry cmd_worker_entry = {
	"worker", USAGE, NULL, cmd_worker_exec
};
