/*
 * cmd-scale: `bench scale -f JOB -w 1,2,4,8`, a concurrency sweep: run the
 * job's units at each worker count (each level a run in the database),
 * measure each level from the database, and hand the levels to the
 * renderer in reports/scale.c (throughput, latency percentiles, memory per
 * worker, utilization, efficiency, budget, latency bound, saturation).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "session.h"
#include "gpus.h"
#include "hwinfo.h"
#include "job.h"
#include "safe.h"
#include "scale.h"
#include "stats.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

#define CMD_SCALE_USAGE "-f JOB -w N,N,... [--db FILE] [-k PATTERN] " \
	"[--metric NAME]\n" \
	"                   [--max-latency-x X] [--timeout S] [--budget S]\n" \
	"                   [--precision PCT] [--max-runs N] " \
	"[--format term|json]\n" \
	"                   [--report html=FILE]"
#define CMD_SCALE_MAX_LEVELS	32

/* Parse "1,2,4,8" into ascending distinct levels; -1 if malformed. */
static int
scale_parse_levels(const char *s, int *levels, size_t *n)
{
	const char *p = s;
	char *end;
	long v;
	size_t i, j;
	int t;

	*n = 0;
	for (;;) {
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		v = strtol(p, &end, 10);
		if (errno != 0 || v < 1 || v > SCALE_MAX_WORKERS ||
		    *n == CMD_SCALE_MAX_LEVELS)
			return -1;
		levels[(*n)++] = (int)v;
		if (*end == '\0')
			break;
		if (*end != ',')
			return -1;
		p = end + 1;
	}
	for (i = 1; i < *n; i++) {
		for (j = i; j > 0 && levels[j - 1] > levels[j]; j--) {
			t = levels[j];
			levels[j] = levels[j - 1];
			levels[j - 1] = t;
		}
	}
	for (i = 1; i < *n; i++) {
		if (levels[i] == levels[i - 1])
			return -1;
	}
	return 0;
}

/* Run-row callback: the wall time of the run (into *l->tput's next). */
static int
scale_run_cb(const struct store_run_row *row, void *data)
{
	struct scale_level *l = data;

	l->tput[l->ntput] = row->finished_at - row->started_at;
	l->ran_workers = row->workers;
	return 0;
}

/* Unit callback: latencies, CPU, peaks. */
static int
scale_unit_cb(const struct store_unit_row *row, void *data)
{
	struct scale_level *l = data;

	if (strcmp(row->status, "skipped") == 0)
		return 0;
	l->nunits++;
	if (strcmp(row->status, "ok") != 0)
		l->nfailed++;
	if (isnan(row->wall_s))
		return 0;
	l->lat = xreallocarray(l->lat, l->nlat + 1, sizeof *l->lat);
	l->lat[l->nlat++] = row->wall_s;
	l->busy_s += row->wall_s;
	if (!isnan(row->cpu_user_s))
		l->cpu_s += row->cpu_user_s;
	if (!isnan(row->cpu_sys_s))
		l->cpu_s += row->cpu_sys_s;
	if (row->maxrss_kb > l->peak_rss_kb)
		l->peak_rss_kb = row->maxrss_kb;
	if (!isnan(row->vram_peak_mb) && (isnan(l->peak_vram_mb) ||
	    row->vram_peak_mb > l->peak_vram_mb))
		l->peak_vram_mb = row->vram_peak_mb;
	return 0;
}

/* Sample callback: GPU utilization. */
static int
scale_sample_cb(const struct store_sample_row *row, void *data)
{
	struct scale_level *l = data;

	if (!isnan(row->gpu_util)) {
		l->gpu_util_sum += row->gpu_util;
		l->gpu_util_n++;
	}
	return 0;
}

/* Does name end in suffix? */
static int
scale_ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), m = strlen(suffix);

	return n >= m && strcmp(name + n - m, suffix) == 0;
}

/* Metric callback: choose the default throughput metric. */
static int
scale_pick_metric_cb(const struct store_metric_row *row, void *data)
{
	char *name = data;

	if (!row->timing)
		return 0;
	if (scale_ends_with(row->name, "_per_s")) {
		snprintf(name, 64, "%s", row->name);
		return 1;		/* the first _per_s wins: stop */
	}
	if (*name == '\0' && strcmp(row->name, "gflops") == 0)
		snprintf(name, 64, "%s", row->name);
	return 0;
}

/* The unit wall times of a run, looked up by unit id for the metric. */
struct scale_walls {
	int64_t	*ids;
	double	*wall;
	size_t	 n;
};

/* Unit callback: remember every unit's wall time. */
static int
scale_walls_cb(const struct store_unit_row *row, void *data)
{
	struct scale_walls *w = data;

	w->ids = xreallocarray(w->ids, w->n + 1, sizeof *w->ids);
	w->wall = xreallocarray(w->wall, w->n + 1, sizeof *w->wall);
	w->ids[w->n] = row->id;
	w->wall[w->n++] = row->wall_s;
	return 0;
}

/* Metric summing context. */
struct scale_metric_ctx {
	struct scale_level	*l;
	struct scale_walls	*w;
};

/* Metric callback: sum metric x unit wall time. */
static int
scale_metric_cb(const struct store_metric_row *row, void *data)
{
	struct scale_metric_ctx *c = data;
	size_t i;

	if (strcmp(row->name, c->l->metric) != 0 || isnan(row->value))
		return 0;
	for (i = 0; i < c->w->n; i++) {
		if (c->w->ids[i] == row->unit_id)
			break;
	}
	if (i == c->w->n || isnan(c->w->wall[i]))
		return 0;
	c->l->metric_work += row->value * c->w->wall[i];
	c->l->metric_n++;
	return 0;
}

/* Read what run_id, a run of level l, measured, and add it to l. */
static int
scale_measure(struct store *st, struct scale_level *l, int64_t run_id,
    const char *metric, char **cause)
{
	struct scale_walls w = { NULL, NULL, 0 };
	struct scale_metric_ctx mc = { l, &w };
	size_t units0 = l->nunits;
	double wall;
	int rc;

	l->tput = xreallocarray(l->tput, l->ntput + 1, sizeof *l->tput);
	l->tput[l->ntput] = NAN;
	if (store_run_get(st, run_id, scale_run_cb, l, cause) != 0 ||
	    store_units_list(st, run_id, scale_unit_cb, l, cause) != 0 ||
	    store_samples_list(st, run_id, scale_sample_cb, l, cause) != 0)
		return -1;
	wall = l->tput[l->ntput];
	if (wall > 0) {
		l->run_wall_s += wall;
		l->tput[l->ntput++] = (double)(l->nunits - units0) / wall;
	}
	if (metric != NULL && l->metric[0] == '\0')
		snprintf(l->metric, sizeof l->metric, "%s", metric);
	else if (l->metric[0] == '\0') {
		rc = store_unit_metrics_list(st, run_id,
		    scale_pick_metric_cb, l->metric, cause);
		if (rc < 0)
			return -1;
	}
	if (l->metric[0] == '\0')
		return 0;
	rc = store_units_list(st, run_id, scale_walls_cb, &w, cause);
	if (rc == 0)
		rc = store_unit_metrics_list(st, run_id, scale_metric_cb,
		    &mc, cause);
	free(w.ids);
	free(w.wall);
	return rc;
}

/* Measure run_id into level l from the database at dbpath: 0, or -1
   after printing why. */
static int
scale_measure_db(const char *dbpath, struct scale_level *l, int64_t run_id,
    const char *metric)
{
	struct store *st = NULL;
	char *cause = NULL;
	int rc;

	rc = store_open(dbpath, &st, &cause);
	if (rc == 0)
		rc = scale_measure(st, l, run_id, metric, &cause);
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
	}
	return rc;
}

/* How a level is repeated. */
struct scale_plan {
	double	 budget_s;	/* stop repeating after this long */
	double	 precision;	/* stop at half-width / mean below this */
	size_t	 min_runs, max_runs;
	const char *dbpath;
};

/* Seconds on the monotonic clock. */
static double
scale_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 when level l's throughput interval is narrow enough to stop. */
static int
scale_converged(const struct scale_level *l, const struct scale_plan *p)
{
	struct stats s;

	if (l->ntput < p->min_runs || l->ntput < 2)
		return 0;
	stats_compute(l->tput, l->ntput, &s);
	return s.mean > 0 && (s.hi - s.mean) / s.mean < p->precision;
}

/* Run the job once at level l and measure the run (no summary on
   stdout): CMD_EXIT_OK, or the exit code that ends the sweep. */
static int
scale_run_once(const struct session_opts *base, const struct scale_plan *p,
    struct scale_level *l, const char *metric)
{
	struct session_opts o = *base;
	double t0 = scale_now();
	int64_t run_id = 0;
	int rc;

	o.parallel = 1;
	o.workers = l->workers;
	rc = (int)session_run(&o, &run_id);
	if (rc > l->rc)
		l->rc = rc;
	if (run_id == 0 || rc == CMD_EXIT_INTERRUPTED || rc == CMD_EXIT_ENV ||
	    rc == CMD_EXIT_USAGE)
		return rc != CMD_EXIT_OK ? rc : CMD_EXIT_ENV;
	l->runs = xreallocarray(l->runs, l->nruns + 1, sizeof *l->runs);
	l->runs[l->nruns++] = run_id;
	if (scale_measure_db(p->dbpath, l, run_id, metric) != 0)
		return CMD_EXIT_ENV;
	l->spent_s += scale_now() - t0;
	return CMD_EXIT_OK;
}

/* Whether level l wants another run: no unit failed, its throughput has
   not converged, and neither max_runs nor the budget is used up. */
static int
scale_level_open(const struct scale_level *l, const struct scale_plan *p)
{
	return l->rc == CMD_EXIT_OK && l->nruns < p->max_runs &&
	    !scale_converged(l, p) && l->spent_s < p->budget_s;
}

/* One line on stderr: where level l stands. */
static void
scale_progress(const struct scale_level *l, size_t round)
{
	struct stats s;

	stats_compute(l->tput, l->ntput, &s);
	fprintf(stderr, "bench scale: round %zu: level %d: %zu run%s, %.3f "
	    "units/s +- %.1f%%%s\n", round, l->workers, l->nruns,
	    l->nruns == 1 ? "" : "s", s.mean, s.n >= 2 ?
	    100 * (s.hi - s.mean) / s.mean : NAN, l->rc == CMD_EXIT_OK ?
	    "" : " (a unit failed)");
}

/*
 * Run the levels in rounds, each open level once per round (1, 2, 4, 1,
 * 2, 4, ...), until none is open: a change in the machine's load then
 * falls on every level alike instead of on whichever ran at the time.
 * *failed is set when a unit failed. -1 when all ran, else the exit code
 * that ends the sweep (interrupted, environment, usage, or no run made).
 */
static int
scale_run_levels(const struct session_opts *base, const struct scale_plan *p,
    struct scale_level *lv, size_t n, const char *metric, int *failed)
{
	size_t i, round, open = 1;
	int rc;

	for (round = 1; open > 0; round++) {
		for (i = 0, open = 0; i < n; i++) {
			if (!scale_level_open(&lv[i], p))
				continue;
			open++;
			rc = scale_run_once(base, p, &lv[i], metric);
			if (rc != CMD_EXIT_OK)
				return rc;
			/* the metric the lowest level chose is every level's */
			if (metric == NULL && lv[i].metric[0] != '\0')
				metric = lv[i].metric;
			scale_progress(&lv[i], round);
		}
	}
	for (i = 0; i < n; i++) {
		if (lv[i].rc != CMD_EXIT_OK || lv[i].nfailed > 0)
			*failed = 1;
	}
	return -1;
}

/* What the command line asks for. */
struct cmd_scale_args {
	const char	*file, *wlist, *db, *metric, *pattern, *format;
	const char	*html;		/* --report html=FILE; NULL none */
	double		 timeout_s;	/* < 0: the job's */
	double		 max_lat_x;
	double		 budget_s, precision_pct;
	long		 max_runs;
	int		 levels[CMD_SCALE_MAX_LEVELS];
	size_t		 nlevels;
};

/* Parse a number >= min for option opt into *out; prints why and returns
   -1 unless it is one. */
static int
cmd_scale_number(const char *opt, const char *arg, double min, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(*out) ||
	    *out < min) {
		fprintf(stderr, "bench scale: %s must be a number >= %g, got "
		    "'%s'\n", opt, min, arg);
		return -1;
	}
	return 0;
}

/* The --help text. */
static int
cmd_scale_help(void)
{
	printf("usage: bench scale %s\n\nRun the job at each worker count of "
	    "the -w list, in rounds (1, 2, 4, 1, 2, 4,\n...: a change in the "
	    "machine's load falls on every level alike; one run\neach in the "
	    "database), a level until the 95%% interval of its throughput\n"
	    "(units/s) is within --precision PCT of the mean (default 5, at "
	    "least 3\nruns), or --budget S seconds are spent on it (default "
	    "120), or --max-runs N\nran (default 30). Per level: units/s with its interval, the "
	    "test cases'\nthroughput metric, unit latency p50/p90/p95/p99, "
	    "per-user loss (the change\nof the mean unit latency against the "
	    "lowest level, percent), peak RSS and\nVRAM per worker, CPU and "
	    "GPU utilization, efficiency. The recommendation\nstarts at the "
	    "lowest level and moves up only on a clear gain (intervals\napart "
	    "and +5%% or more), inside the memory budget, the latency bound "
	    "(p95\nat most X times the lowest level's, X = --max-latency-x, "
	    "default 2), and\nno more workers than cores when the units are "
	    "CPU-bound.\n--format json prints the sweep as JSON; --report "
	    "html=FILE writes a page\nwith throughput and loss against "
	    "workers.\nexit: 0 ok, 1 a unit failed at some level, 2 bad "
	    "usage, 3 environment\n", CMD_SCALE_USAGE);
	return CMD_EXIT_OK;
}

/* One option with an argument into *a; -1 to go on, else the exit code. */
static int
cmd_scale_option(int c, const char *arg, struct cmd_scale_args *a)
{
	double v;

	switch (c) {
	case 'f': a->file = arg; break;
	case 'w': a->wlist = arg; break;
	case 'd': a->db = arg; break;
	case 'k': a->pattern = arg; break;
	case 'm': a->metric = arg; break;
	case 'F': a->format = arg; break;
	case 'x':
		return cmd_scale_number("--max-latency-x", arg, 1,
		    &a->max_lat_x) == 0 ? -1 : CMD_EXIT_USAGE;
	case 'b':
		return cmd_scale_number("--budget", arg, 0, &a->budget_s) ==
		    0 ? -1 : CMD_EXIT_USAGE;
	case 'p':
		return cmd_scale_number("--precision", arg, 0.01,
		    &a->precision_pct) == 0 ? -1 : CMD_EXIT_USAGE;
	case 'r':
		if (cmd_scale_number("--max-runs", arg, 1, &v) != 0)
			return CMD_EXIT_USAGE;
		a->max_runs = v > 1000 ? 1000 : (long)v;
		return -1;
	case 'R':
		if (strncmp(arg, "html=", 5) != 0 || arg[5] == '\0') {
			fprintf(stderr, "bench scale: --report takes "
			    "html=FILE, got '%s'\n", arg);
			return CMD_EXIT_USAGE;
		}
		a->html = arg + 5;
		return -1;
	case 't':
		return cmd_opt_seconds("--timeout", arg, &a->timeout_s) == 0 ?
		    -1 : CMD_EXIT_USAGE;
	case 'h':
		return cmd_scale_help();
	default:
		return cmd_usage(&cmd_scale_entry);
	}
	return -1;
}

/* Parse the command line into *a: -1 to go on, else the exit code. */
static int
cmd_scale_options(int argc, char **argv, struct cmd_scale_args *a)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "workers", required_argument, NULL, 'w' },
		{ "db", required_argument, NULL, 'd' },
		{ "metric", required_argument, NULL, 'm' },
		{ "max-latency-x", required_argument, NULL, 'x' },
		{ "timeout", required_argument, NULL, 't' },
		{ "budget", required_argument, NULL, 'b' },
		{ "precision", required_argument, NULL, 'p' },
		{ "max-runs", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'F' },
		{ "report", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:w:d:k:m:x:t:h", longopts,
	    NULL)) != -1) {
		if ((rc = cmd_scale_option(c, optarg, a)) >= 0)
			return rc;
	}
	if (a->file == NULL || a->wlist == NULL || optind < argc)
		return cmd_usage(&cmd_scale_entry);
	if (strcmp(a->format, "term") != 0 && strcmp(a->format, "json") != 0) {
		fprintf(stderr, "bench scale: --format must be term or json, "
		    "got '%s'\n", a->format);
		return CMD_EXIT_USAGE;
	}
	if (scale_parse_levels(a->wlist, a->levels, &a->nlevels) != 0) {
		fprintf(stderr, "bench scale: -w must be a comma-separated "
		    "list of distinct worker counts 1..%d (at most %d), got "
		    "'%s'\n", SCALE_MAX_WORKERS, CMD_SCALE_MAX_LEVELS,
		    a->wlist);
		return CMD_EXIT_USAGE;
	}
	return -1;
}

/* Load and filter the job to check it and find its database (*dbpath,
   allocated): -1 to go on, else the exit code. */
static int
cmd_scale_job(const struct cmd_scale_args *a, char **dbpath)
{
	struct job *job = NULL;
	char *cause = NULL;
	size_t top = (size_t)a->levels[a->nlevels - 1];

	if (job_load(a->file, &job, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return CMD_EXIT_USAGE;
	}
	if (a->pattern != NULL && job_filter(job, a->pattern, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		job_free(job);
		return CMD_EXIT_USAGE;
	}
	if (top > job_nunits(job))
		fprintf(stderr, "bench scale: warning: the job has %zu unit%s; "
		    "levels above it run with fewer workers\n",
		    job_nunits(job), job_nunits(job) == 1 ? "" : "s");
	*dbpath = session_db_path(a->db, job);
	job_free(job);
	return -1;
}

/* Analyse the measured levels and print them; returns the exit code. */
static int
cmd_scale_report(const struct cmd_scale_args *a, struct scale_level *lv,
    const struct scale_budget *budget, int failed)
{
	struct scale_verdict v;
	FILE *fp;

	scale_analyse(lv, a->nlevels, a->max_lat_x, hwinfo_cores(), budget,
	    &v);
	if (strcmp(a->format, "json") == 0)
		scale_json(stdout, a->file, lv, a->nlevels, &v);
	else
		scale_print(stdout, a->file, lv, a->nlevels, &v, budget);
	if (a->html != NULL) {
		if ((fp = fopen(a->html, "we")) == NULL) {
			fprintf(stderr, "bench scale: cannot write '%s': %s\n",
			    a->html, strerror(errno));
			return CMD_EXIT_ENV;
		}
		scale_html(fp, a->file, lv, a->nlevels, &v);
		if (fclose(fp) != 0) {
			fprintf(stderr, "bench scale: cannot write '%s': %s\n",
			    a->html, strerror(errno));
			return CMD_EXIT_ENV;
		}
	}
	return failed ? CMD_EXIT_FAIL : CMD_EXIT_OK;
}

/* The memory budget as it is before the sweep, with nothing of ours
   running; b->gpu_free is allocated. */
static void
cmd_scale_budget(struct scale_budget *b)
{
	long long *gpu_free;
	char *cause = NULL;
	size_t ngpus = 0;

	b->mem_kb = hwinfo_mem_available_kb();
	gpu_free = gpus_free_now(SAFE_MAX_GPUS, &ngpus, &cause);
	if (cause != NULL) {
		fprintf(stderr, "bench scale: %s\n", cause);
		free(cause);
	}
	b->gpu_free = gpu_free;
	b->ngpus = ngpus;
}

/* The sweep. */
static int
cmd_scale_exec(int argc, char **argv)
{
	struct session_opts base = SESSION_OPTS_INIT;
	struct cmd_scale_args a = { .max_lat_x = 2, .timeout_s = -1,
	    .budget_s = 120, .precision_pct = 5, .max_runs = 30,
	    .format = "term" };
	struct scale_level lv[CMD_SCALE_MAX_LEVELS];
	struct scale_budget budget;
	struct scale_plan plan;
	char *dbpath = NULL;
	size_t i;
	int failed = 0, ret;

	if ((ret = cmd_scale_options(argc, argv, &a)) >= 0 ||
	    (ret = cmd_scale_job(&a, &dbpath)) >= 0)
		return ret;
	cmd_scale_budget(&budget);
	memset(lv, 0, sizeof lv);
	for (i = 0; i < a.nlevels; i++) {
		lv[i].workers = a.levels[i];
		lv[i].peak_rss_kb = -1;
		lv[i].peak_vram_mb = NAN;
	}
	plan = (struct scale_plan){ .budget_s = a.budget_s,
	    .precision = a.precision_pct / 100, .min_runs = 3,
	    .max_runs = (size_t)a.max_runs, .dbpath = dbpath };
	base.file = a.file;
	base.db = dbpath;
	base.pattern = a.pattern;
	base.timeout_s = a.timeout_s;
	base.quiet = 1;
	base.argc = argc;
	base.argv = argv;
	ret = scale_run_levels(&base, &plan, lv, a.nlevels, a.metric, &failed);
	if (ret < 0)
		ret = cmd_scale_report(&a, lv, &budget, failed);
	for (i = 0; i < a.nlevels; i++) {
		free(lv[i].lat);
		free(lv[i].tput);
		free(lv[i].runs);
	}
	free((long long *)budget.gpu_free);
	free(dbpath);
	return ret;
}

const struct cmd_entry cmd_scale_entry = {
	"scale", CMD_SCALE_USAGE,
	"concurrency sweep: throughput with intervals, per-user loss, memory",
	cmd_scale_exec,
};
