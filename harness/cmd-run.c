/*
 * cmd-run: `bench [run] -f JOB ...`, the controller's main command: its
 * options become a session (session.h), which does the rest.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "report.h"
#include "session.h"
#include "banned.h"

#define CMD_RUN_USAGE "-f JOB [--parallel|--serial] [-w N|auto] " \
	"[--db FILE] [-k PATTERN]\n" \
	"                 [--timeout S] [--grace S] [--retries N] " \
	"[--resume RUN] [--dry-run] [--profile-only] [--sample S] [-q]\n" \
	"                 [--report FORMAT[=FILE]]... [--launcher local|slurm] " \
	"[--slurm-args ARGS]\n" \
	"                 [--partition P] [--repeat N] [--warmup K] " \
	"[--label KEY=VALUE]... [--python PATH]"

/* The full usage text. */
static void
cmd_run_help(FILE *fp)
{
	fprintf(fp, "usage: bench [run] " CMD_RUN_USAGE "\n\n"
	    "Run every unit of a benchmark job and record the results.\n\n"
	    "  -f, --file JOB      the job YAML (Ianvs benchmarkingjob layout)\n"
	    "      --parallel      run units in parallel (default: serial)\n"
	    "      --serial        one unit at a time, whatever the job says\n"
	    "  -w, --workers N     units in flight (implies --parallel); "
	    "auto = cores-1\n"
	    "      --db FILE       database (default WORKSPACE/bench.db)\n"
	    "  -k PATTERN          only test cases named PATTERN, else whose "
	    "name matches\n"
	    "                      it (glob or substring)\n"
	    "      --timeout S     per-unit time limit: seconds, or 90s, 5m, "
	    "1h (0: none)\n"
	    "      --grace S       SIGTERM to SIGKILL delay on timeout "
	    "(default 5)\n"
	    "      --retries N     attempts after an oom end or one caused "
	    "by Slurm\n"
	    "      --dry-run       print the expanded test cases and units, "
	    "run nothing\n"
	    "      --resume RUN    run only the units RUN (a run of this job, "
	    "killed or\n"
	    "                      interrupted) did not finish; the rest are "
	    "kept as they\n"
	    "                      ended, matched by key, in a new run\n"
	    "      --profile-only  run the first unit of each test case alone "
	    "and store\n"
	    "                      its profile (peak RSS/VRAM, time)\n"
	    "      --sample S      resource sampling interval (default 0.5, "
	    "0 off)\n"
	    "  -q, --quiet         no per-unit lines, only the summary\n"
	    "      --report FORMAT[=FILE]  when the run ends, write a report "
	    "(term, html,\n"
	    "                      json, csv, junit, md) from the database; "
	    "repeatable\n"
	    "      --launcher L    local (default, or the job's launcher:) "
	    "or slurm: one\n"
	    "                      srun per unit; the workspace must be "
	    "shared\n"
	    "      --slurm-args ARGS  more srun options, split on blanks\n"
	    "      --partition P   the Slurm partition\n"
	    "      --repeat N      run every unit N times (the job's repeat:)"
	    "; statistics\n"
	    "                      (n, mean, sigma, 95%% interval) over them\n"
	    "      --warmup K      run K warm-up repetitions first (the job's "
	    "warmup:);\n"
	    "                      stored marked, left out of statistics\n"
	    "      --label KEY=VALUE  stored with the run (bench runs, bench "
	    "compare\n"
	    "                      KEY=VALUE); repeatable\n"
	    "      --python PATH   the interpreter of .py (Ianvs) modules "
	    "(default: the job's\n"
	    "                      python:, else python3 from PATH)\n"
	    "  -h, --help          this text\n\n"
	    "exit: 0 all ok, 1 a unit failed, 2 bad usage or job file, "
	    "3 environment error,\n      130 interrupted\n");
}

/* Check the format of a --report FORMAT[=FILE] argument. */
static int
cmd_run_report_check(const char *arg)
{
	size_t n = strcspn(arg, "=");
	char fmt[32];

	snprintf(fmt, sizeof fmt, "%.*s", (int)(n < 31 ? n : 31), arg);
	if (n >= sizeof fmt || report_find(fmt) == NULL) {
		fprintf(stderr, "bench: --report: unknown format '%.*s' (use "
		    "%s)\n", (int)n, arg, report_names());
		return -1;
	}
	return 0;
}

/* -w N|auto */
static int
cmd_run_workers(const char *arg, struct session_opts *o)
{
	if (strcmp(arg, "auto") == 0) {
		o->workers = -1;
		return 0;
	}
	if (cmd_parse_int(arg, 1, &o->workers) == 0)
		return 0;
	fprintf(stderr, "bench: -w must be a positive integer or 'auto', got "
	    "'%s'\n", arg);
	return -1;
}

/* --report FORMAT[=FILE] */
static int
cmd_run_report(const char *arg, struct session_opts *o)
{
	if (cmd_run_report_check(arg) != 0)
		return -1;
	if (o->nreports == SESSION_REPORTS_MAX) {
		fprintf(stderr, "bench: at most %d --report options\n",
		    SESSION_REPORTS_MAX);
		return -1;
	}
	o->reports[o->nreports++] = arg;
	return 0;
}

/* One option with a value or a flag; -1 after printing why. */
static int
cmd_run_option(int c, const char *arg, struct session_opts *o)
{
	switch (c) {
	case 'f': o->file = arg; return 0;
	case 'P': o->parallel = 1; return 0;
	case 'S': o->parallel = 0; return 0;
	case 'w': return cmd_run_workers(arg, o);
	case 'd': o->db = arg; return 0;
	case 'k': o->pattern = arg; return 0;
	case 't': return cmd_opt_seconds("--timeout", arg, &o->timeout_s);
	case 'g': return cmd_opt_seconds("--grace", arg, &o->grace_s);
	case 's': return cmd_opt_seconds("--sample", arg, &o->sample_s);
	case 'r': return cmd_opt_int("--retries", arg, 0, &o->retries);
	case 'n': o->dry_run = 1; return 0;
	case 'p': o->profile_only = 1; return 0;
	case 'u': return cmd_opt_run_id("--resume", arg, &o->resume);
	case 'q': o->quiet = 1; return 0;
	case 'R': return cmd_run_report(arg, o);
	case 'L': o->launcher = arg; return 0;
	case 'A': o->cluster_args = arg; return 0;
	case 'T': o->partition = arg; return 0;
	case 'e': return cmd_opt_int("--repeat", arg, 1, &o->repeat);
	case 'W': return cmd_opt_int("--warmup", arg, 0, &o->warmup);
	case 'l': return session_opts_label(o, arg);
	case 'Y': o->python = arg; return 0;
	default:
		fprintf(stderr, "usage: bench [run] %s\n", CMD_RUN_USAGE);
		return -1;
	}
}

/* Parse argv into o: 0, 1 after --help, -1 after printing why. */
static int
cmd_run_parse(int argc, char **argv, struct session_opts *o)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "parallel", no_argument, NULL, 'P' },
		{ "serial", no_argument, NULL, 'S' },
		{ "workers", required_argument, NULL, 'w' },
		{ "db", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "grace", required_argument, NULL, 'g' },
		{ "retries", required_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "profile-only", no_argument, NULL, 'p' },
		{ "resume", required_argument, NULL, 'u' },
		{ "sample", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "report", required_argument, NULL, 'R' },
		{ "launcher", required_argument, NULL, 'L' },
		{ "slurm-args", required_argument, NULL, 'A' },
		{ "partition", required_argument, NULL, 'T' },
		{ "repeat", required_argument, NULL, 'e' },
		{ "warmup", required_argument, NULL, 'W' },
		{ "label", required_argument, NULL, 'l' },
		{ "python", required_argument, NULL, 'Y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "f:w:k:qh", longopts,
	    NULL)) != -1) {
		if (c == 'h') {
			cmd_run_help(stdout);
			return 1;
		}
		if (cmd_run_option(c, optarg, o) != 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "bench: unexpected argument '%s'\n",
		    argv[optind]);
		return -1;
	}
	if (o->file == NULL) {
		fprintf(stderr, "bench: no job file: use -f JOB\n");
		return -1;
	}
	return 0;
}

/* bench run */
static int
cmd_run_exec(int argc, char **argv)
{
	struct session_opts o = SESSION_OPTS_INIT;
	int rc = cmd_run_parse(argc, argv, &o);

	if (rc != 0)
		return rc > 0 ? CMD_EXIT_OK : CMD_EXIT_USAGE;
	o.summary = stdout;
	o.argc = argc - 1;
	o.argv = argv + 1;
	return (int)session_run(&o, NULL);
}

const struct cmd_entry cmd_run_entry = {
	"run", CMD_RUN_USAGE, "run a job (the default: bench -f JOB)",
	cmd_run_exec,
};
