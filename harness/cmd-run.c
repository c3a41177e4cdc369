/*
 * cmd-run: `bench [run] -f JOB ...`, the controller's main command: load
 * the job, choose the worker count, create the run in the database, run
 * every unit, print the ranked summary.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "err.h"
#include "hwinfo.h"
#include "job.h"
#include "report.h"
#include "launch.h"
#include "loop.h"
#include "run.h"
#include "store.h"
#include "term.h"
#include "xalloc.h"
#include "banned.h"

#define CMD_RUN_USAGE "-f JOB [--parallel|--serial] [-w N|auto] " \
	"[--db FILE] [-k PATTERN]\n" \
	"                 [--timeout S] [--grace S] [--retries N] " \
	"[--resume RUN] [--dry-run] [--profile-only] [--sample S] [-q]\n" \
	"                 [--report FORMAT[=FILE]]... [--launcher local|slurm] " \
	"[--slurm-args ARGS]\n" \
	"                 [--partition P]"
#define CMD_RUN_REPORTS_MAX	8

/* Options of a run. */
struct cmd_run_opts {
	const char	*file;
	int		 parallel;	/* -1 from the job file */
	int		 workers;	/* 0 unset, -1 auto */
	const char	*db;
	const char	*pattern;
	double		 timeout_s;	/* < 0 unset */
	double		 grace_s;
	int		 retries;	/* < 0 unset */
	int		 dry_run;
	int		 profile_only;
	double		 sample_s;
	int64_t		 resume;	/* --resume RUN; 0 none */
	int		 quiet;
	const char	*reports[CMD_RUN_REPORTS_MAX];	/* FORMAT[=FILE] */
	int		 nreports;
	const char	*launcher;	/* NULL: the job's */
	const char	*slurm_args;
	const char	*partition;
};

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
	    "  -k PATTERN          only test cases whose name matches (glob "
	    "or substring)\n"
	    "      --timeout S     per-unit time limit in seconds (0: none)\n"
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
	    "                      json, csv, junit) from the database; "
	    "repeatable\n"
	    "      --launcher L    local (default, or the job's launcher:) "
	    "or slurm: one\n"
	    "                      srun per unit; the workspace must be "
	    "shared\n"
	    "      --slurm-args ARGS  more srun options, split on blanks\n"
	    "      --partition P   the Slurm partition\n"
	    "  -h, --help          this text\n\n"
	    "exit: 0 all ok, 1 a unit failed, 2 bad usage or job file, "
	    "3 environment error,\n      130 interrupted\n");
}

/* Parse a non-negative number of seconds. */
static int
cmd_run_seconds(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno != 0 || end == s || *end != '\0' || !isfinite(*out) ||
	    *out < 0 ? -1 : 0;
}

/* Parse a positive integer. */
static int
cmd_run_int(const char *s, int min, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
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

/* Write the --report reports of run_id; returns -1 if one failed. */
static int
cmd_run_reports(const struct cmd_run_opts *o, struct store *st,
    int64_t run_id)
{
	const char *eq;
	char *fmt, *cause = NULL;
	int i, ret = 0;

	for (i = 0; i < o->nreports; i++) {
		eq = strchr(o->reports[i], '=');
		fmt = eq == NULL ? xstrdup(o->reports[i]) :
		    xstrndup(o->reports[i], (size_t)(eq - o->reports[i]));
		if (report_write(st, run_id, fmt, eq == NULL ? NULL :
		    eq + 1, &cause) != 0) {
			fprintf(stderr, "bench: report %s: %s\n", fmt, cause);
			free(cause);
			cause = NULL;
			ret = -1;
		}
		free(fmt);
	}
	return ret;
}

/* The job's ranking and report settings for runs.rank (report.h). */
static char *
cmd_run_rank(const struct job *job, json_t *sort_by)
{
	const struct job_testcase *tc;
	json_t *o, *tcs;
	char *s;
	size_t i;

	o = json_object();
	json_object_set(o, "sort_by", sort_by);
	json_object_set_new(o, "metrics", json_copy(job_metric_names(job)));
	if (job_selected_dataitem(job) != NULL)
		json_object_set(o, "selected_dataitem",
		    job_selected_dataitem(job));
	json_object_set_new(o, "save_mode", json_string(job_save_mode(job)));
	json_object_set_new(o, "ram_mb",
	    json_integer((json_int_t)job_settings(job)->ram_mb));
	json_object_set_new(o, "vram_mb",
	    json_integer((json_int_t)job_settings(job)->vram_mb));
	tcs = json_object();
	for (i = 0; i < job_ntestcases(job); i++) {
		tc = job_testcase(job, i);
		json_object_set_new(tcs, tc->name, json_pack("{s:O}",
		    "modules", tc->modules));
	}
	json_object_set_new(o, "testcases", tcs);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Parse argv into o; returns -1 after printing why. */
static int
cmd_run_parse(int argc, char **argv, struct cmd_run_opts *o)
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	o->parallel = -1;
	o->timeout_s = -1;
	o->grace_s = 5;
	o->retries = -1;
	o->sample_s = 0.5;
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "f:w:k:qh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			o->file = optarg;
			break;
		case 'P':
			o->parallel = 1;
			break;
		case 'S':
			o->parallel = 0;
			break;
		case 'w':
			if (strcmp(optarg, "auto") == 0)
				o->workers = -1;
			else if (cmd_run_int(optarg, 1, &o->workers) != 0) {
				fprintf(stderr, "bench: -w must be a positive "
				    "integer or 'auto', got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'd':
			o->db = optarg;
			break;
		case 'k':
			o->pattern = optarg;
			break;
		case 't':
			if (cmd_run_seconds(optarg, &o->timeout_s) != 0) {
				fprintf(stderr, "bench: --timeout must be a "
				    "number of seconds, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'g':
			if (cmd_run_seconds(optarg, &o->grace_s) != 0) {
				fprintf(stderr, "bench: --grace must be a "
				    "number of seconds, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'r':
			if (cmd_run_int(optarg, 0, &o->retries) != 0) {
				fprintf(stderr, "bench: --retries must be a "
				    "non-negative integer, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'n':
			o->dry_run = 1;
			break;
		case 'p':
			o->profile_only = 1;
			break;
		case 'L':
			o->launcher = optarg;
			break;
		case 'A':
			o->slurm_args = optarg;
			break;
		case 'T':
			o->partition = optarg;
			break;
		case 'u': {
			char *end;

			errno = 0;
			o->resume = strtoll(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    o->resume <= 0) {
				fprintf(stderr, "bench: --resume must be a run "
				    "id, got '%s'\n", optarg);
				return -1;
			}
			break;
		}
		case 's':
			if (cmd_run_seconds(optarg, &o->sample_s) != 0) {
				fprintf(stderr, "bench: --sample must be a "
				    "number of seconds, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'R':
			if (cmd_run_report_check(optarg) != 0)
				return -1;
			if (o->nreports == CMD_RUN_REPORTS_MAX) {
				fprintf(stderr, "bench: at most %d --report "
				    "options\n", CMD_RUN_REPORTS_MAX);
				return -1;
			}
			o->reports[o->nreports++] = optarg;
			break;
		case 'h':
			cmd_run_help(stdout);
			return 1;
		default:
			fprintf(stderr, "usage: bench [run] %s\n",
			    CMD_RUN_USAGE);
			return -1;
		}
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

/* The path of the running bench executable. */
static char *
cmd_run_self(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

/* bench's argv as a JSON array text. */
static char *
cmd_run_argv_json(int argc, char **argv)
{
	json_t *a = json_array();
	char *s;
	int i;

	json_array_append_new(a, json_string("bench"));
	for (i = 0; i < argc; i++) {
		json_t *v = json_string(argv[i]);

		json_array_append_new(a, v != NULL ? v : json_string("?"));
	}
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/* Decide the worker count and say why. */
static int
cmd_run_workers(const struct cmd_run_opts *o, const struct job *job,
    int *parallel, int *autow, char *why, size_t len)
{
	const struct job_settings *js = job_settings(job);
	int w, units = (int)(job_nunits(job) > INT_MAX ? INT_MAX :
	    job_nunits(job));
	unsigned cores;

	*autow = 0;
	*parallel = o->parallel >= 0 ? o->parallel :
	    (o->workers > 1 || o->workers == -1) ? 1 :
	    js->parallel > 0 ? 1 : 0;
	if (o->profile_only) {
		*parallel = 0;
		snprintf(why, len, "--profile-only: one unit alone per test "
		    "case");
		return 1;
	}
	if (!*parallel) {
		snprintf(why, len, "serial%s", o->parallel == 0 ?
		    " (--serial)" : " (the default; --parallel to change)");
		return 1;
	}
	w = o->workers != 0 ? o->workers : js->num_workers;
	if (w > 0) {
		snprintf(why, len, "parallel: %s %d", o->workers > 0 ? "-w" :
		    "num_workers", w);
	} else {
		cores = hwinfo_cores();
		w = cores > 1 ? (int)cores - 1 : 1;
		*autow = 1;
		snprintf(why, len, "parallel: at most cores-1 of %u hwloc "
		    "core%s%s, sized from measured memory", cores,
		    cores == 1 ? "" : "s", cores <= 1 ? ", at least 1" : "");
	}
	if (w > units && units > 0) {
		size_t n = strlen(why);

		snprintf(why + n, len - n, ", capped at %d unit%s", units,
		    units == 1 ? "" : "s");
		w = units;
	}
	return w;
}

/* The job name of a run, for --resume. */
static int
cmd_run_resume_row(const struct store_run_row *r, void *data)
{
	char **name = data;

	*name = xstrdup(r->job_name);
	return 0;
}

/* --resume RUN must name a stored run of this job. */
static int
cmd_run_check_resume(struct store *st, int64_t run, const struct job *job,
    char **cause)
{
	char *name = NULL;
	int rc = 0;

	if (store_run_get(st, run, cmd_run_resume_row, &name, cause) != 0)
		return -1;
	if (strcmp(name, job_name(job)) != 0)
		rc = err_set(cause, "run %" PRId64 " is a run of job '%s', not "
		    "'%s'", run, name, job_name(job));
	free(name);
	return rc;
}

/* Turn the job's sort keys into [{"m":"descend"}...]. */
static json_t *
cmd_run_sort_by(const struct job *job)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < job_nsort_keys(job); i++) {
		const struct job_sort_key *k = job_sort_key(job, i);

		json_array_append_new(a, json_pack("{s:s}", k->metric,
		    k->descend ? "descend" : "ascend"));
	}
	return a;
}

/* "run N STATUS: N units: N ok, N failed, ..." without the newline. */
static void
cmd_run_totals(FILE *fp, int64_t run_id, const char *status,
    const struct run_totals *tot)
{
	static const enum unit_status order[] = {
		UNIT_ST_FAILED, UNIT_ST_CRASHED, UNIT_ST_TIMEOUT, UNIT_ST_OOM,
		UNIT_ST_SKIPPED, UNIT_ST_INTERRUPTED,
	};
	size_t i;

	fprintf(fp, "\nrun %" PRId64 " %s: %zu unit%s: %zu ok", run_id,
	    status, tot->total, tot->total == 1 ? "" : "s",
	    tot->count[UNIT_ST_OK]);
	for (i = 0; i < sizeof order / sizeof order[0]; i++) {
		if (tot->count[order[i]] > 0)
			fprintf(fp, ", %zu %s", tot->count[order[i]],
			    unit_status_name(order[i]));
	}
}

/* The run command; *run_id_out (when not NULL) gets the run's id, or 0
   when no run was created. */
int
cmd_run_main(int argc, char **argv, int64_t *run_id_out)
{
	struct cmd_run_opts o;
	struct job *job = NULL;
	struct store *st = NULL;
	struct term *term = NULL;
	struct run_config cfg = RUN_CONFIG_INIT;
	struct launcher launcher;
	struct run_totals tot;
	struct store_run_info ri;
	json_t *fp = NULL, *sort_by = NULL;
	char *cause = NULL, *db = NULL, *self = NULL, *argvj = NULL;
	char *fptext = NULL, *run_dir = NULL, fpid[65], host[256];
	char *rank = NULL;
	char why[160], d[32];
	int64_t run_id = 0;
	int rc, parallel, workers, live, autow;
	double t0;
	const char *status;

	rc = cmd_run_parse(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? CMD_EXIT_OK : CMD_EXIT_USAGE;
	if (job_load(o.file, &job, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return CMD_EXIT_USAGE;
	}
	if (o.pattern != NULL && job_filter(job, o.pattern, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		rc = CMD_EXIT_USAGE;
		goto out;
	}
	if (o.timeout_s >= 0)
		job_settings_mut(job)->timeout_s = o.timeout_s;
	if (o.retries >= 0)
		job_settings_mut(job)->retries = o.retries;
	memset(&launcher, 0, sizeof launcher);
	if (o.launcher != NULL) {
		free(job_settings_mut(job)->launcher);
		job_settings_mut(job)->launcher = xstrdup(o.launcher);
	}
	if (launch_find(job_settings(job)->launcher, &launcher.ops,
	    &cause) != 0) {
		fprintf(stderr, "bench: %s: %s\n", o.launcher != NULL ?
		    "--launcher" : o.file, cause);
		rc = CMD_EXIT_USAGE;
		goto out;
	}
	if (!(launcher.ops->flags & LAUNCH_CLUSTER_OPTS) &&
	    (o.slurm_args != NULL ||
	    o.partition != NULL)) {
		fprintf(stderr, "bench: --slurm-args and --partition need "
		    "--launcher slurm\n");
		rc = CMD_EXIT_USAGE;
		goto out;
	}
	if (o.dry_run) {
		term_plan(stdout, job, 1);
		rc = CMD_EXIT_OK;
		goto out;
	}
	workers = cmd_run_workers(&o, job, &parallel, &autow, why,
	    sizeof why);

	self = cmd_run_self();
	if (self == NULL) {
		fprintf(stderr, "bench: cannot find its own executable "
		    "(/proc/self/exe)\n");
		rc = CMD_EXIT_ENV;
		goto out;
	}
	db = cmd_db_path(o.db, job);
	if (store_open(db, &st, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		rc = CMD_EXIT_ENV;
		goto out;
	}
	if (hwinfo_fingerprint(&fp, fpid, &cause) != 0) {
		fprintf(stderr, "bench: machine fingerprint: %s\n", cause);
		free(cause);
		cause = NULL;
		fp = json_object();
		snprintf(fpid, sizeof fpid, "unknown");
	}
	fptext = json_dumps(fp, JSON_COMPACT | JSON_SORT_KEYS);
	argvj = cmd_run_argv_json(argc - 1, argv + 1);
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "unknown");
	host[sizeof host - 1] = '\0';

	memset(&ri, 0, sizeof ri);
	ri.job_name = job_name(job);
	ri.job_sha256 = job_sha256(job);
	ri.job_path = job_path(job);
	ri.mode = parallel ? "parallel" : "serial";
	ri.workers = workers;
	ri.launcher = job_settings(job)->launcher;
	ri.host = host;
	ri.fingerprint = fptext;
	ri.fingerprint_id = fpid;
	ri.argv = argvj;
	ri.workspace = job_output_dir(job);
	ri.bench_version = PACKAGE_VERSION;
	ri.started_at = loop_walltime();
	if (o.resume > 0 && cmd_run_check_resume(st, o.resume, job,
	    &cause) != 0) {
		fprintf(stderr, "bench: --resume: %s\n", cause);
		rc = CMD_EXIT_USAGE;
		goto out;
	}
	if (store_run_create(st, &ri, &run_id, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		rc = CMD_EXIT_ENV;
		goto out;
	}
	if (run_id_out != NULL)
		*run_id_out = run_id;
	sort_by = cmd_run_sort_by(job);
	rank = cmd_run_rank(job, sort_by);
	if (store_run_set_rank(st, run_id, rank, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		rc = CMD_EXIT_ENV;
		goto out;
	}
	run_dir = xasprintf("%s/runs/%" PRId64, job_output_dir(job), run_id);

	fprintf(stderr, "bench: run %" PRId64 " of job '%s': %zu test case%s, "
	    "%zu unit%s, %d worker%s (%s)\n", run_id, job_name(job),
	    job_ntestcases(job), job_ntestcases(job) == 1 ? "" : "s",
	    job_nunits(job), job_nunits(job) == 1 ? "" : "s", workers,
	    workers == 1 ? "" : "s", why);

	live = isatty(STDERR_FILENO);
	if (!o.quiet || live)
		term = term_new(stderr, live, job_nunits(job));
	cfg.workers = workers;
	cfg.auto_workers = autow;
	cfg.profile_only = o.profile_only;
	cfg.parallel = parallel;
	cfg.retries = job_settings(job)->retries;
	cfg.sample_s = o.sample_s;
	cfg.resume_from = o.resume;
	cfg.timeout_s = job_settings(job)->timeout_s;
	cfg.grace_s = o.grace_s;
	cfg.self_exe = self;
	cfg.run_dir = run_dir;
	cfg.term = term;
	launcher.self_exe = self;
	launcher.run_id = run_id;
	launcher.partition = o.partition != NULL ? o.partition :
	    job_settings(job)->slurm_partition;
	launcher.extra_args = o.slurm_args;
	cfg.launcher = &launcher;
	t0 = loop_monotonic();
	if (run_execute(job, st, run_id, &cfg, &tot, &cause) != 0) {
		if (term != NULL)
			term_finish(term);
		fprintf(stderr, "bench: run %" PRId64 " stopped: %s\n", run_id,
		    cause);
		free(cause);
		cause = NULL;
		if (store_run_finish(st, run_id, "error", loop_walltime(),
		    &cause) != 0)
			fprintf(stderr, "bench: %s\n", cause);
		rc = CMD_EXIT_ENV;
		goto out;
	}
	if (term != NULL)
		term_finish(term);
	if (tot.was_interrupted)
		status = "interrupted";
	else if (tot.count[UNIT_ST_OK] + tot.count[UNIT_ST_SKIPPED] ==
	    tot.total)
		status = "ok";
	else
		status = "failed";
	if (store_run_finish(st, run_id, status, loop_walltime(),
	    &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		rc = CMD_EXIT_ENV;
		goto out;
	}

	fputc('\n', stdout);
	if (term_summary(stdout, st, run_id, sort_by, job_metric_names(job),
	    &cause) != 0) {
		fprintf(stderr, "bench: summary: %s\n", cause);
		free(cause);
		cause = NULL;
	}
	cmd_run_totals(stdout, run_id, status, &tot);
	if (tot.not_run)
		printf(", %zu not run", tot.not_run);
	printf(" in %s\ndatabase %s, logs %s/logs\n",
	    term_duration(loop_monotonic() - t0, d, sizeof d), db, run_dir);
	fflush(stdout);
	if (tot.was_interrupted)
		rc = CMD_EXIT_INTERRUPTED;
	else
		rc = strcmp(status, "ok") == 0 ? CMD_EXIT_OK : CMD_EXIT_FAIL;
	if (cmd_run_reports(&o, st, run_id) != 0 && rc == CMD_EXIT_OK)
		rc = CMD_EXIT_ENV;
out:
	free(cause);
	term_free(term);
	store_close(st);
	job_free(job);
	json_decref(fp);
	json_decref(sort_by);
	free(fptext);
	free(rank);
	free(argvj);
	free(self);
	free(db);
	free(run_dir);
	return rc;
}

/* bench run */
static int
cmd_run_exec(int argc, char **argv)
{
	return cmd_run_main(argc, argv, NULL);
}

const struct cmd_entry cmd_run_entry = {
	"run", CMD_RUN_USAGE, "run a job (the default: bench -f JOB)",
	cmd_run_exec,
};
