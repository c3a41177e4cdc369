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
#include <unistd.h>

#include "cmd.h"
#include "session.h"
#include "gpus.h"
#include "hwinfo.h"
#include "job.h"
#include "safe.h"
#include "scale.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

#define CMD_SCALE_USAGE "-f JOB -w N,N,... [--db FILE] [-k PATTERN] " \
	"[--metric NAME]\n" \
	"                   [--max-latency-x X] [--timeout S]"
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

/* Compare doubles for qsort. */
static int
scale_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* The q-quantile (0..1) of sorted v by linear interpolation; NAN if empty. */
static double
scale_quantile(const double *v, size_t n, double q)
{
	double pos, frac;
	size_t lo;

	if (n == 0)
		return NAN;
	pos = q * (double)(n - 1);
	lo = (size_t)pos;
	if (lo + 1 >= n)
		return v[n - 1];
	frac = pos - (double)lo;
	return v[lo] + frac * (v[lo + 1] - v[lo]);
}

/* Run-row callback: the wall time of the run. */
static int
scale_run_cb(const struct store_run_row *row, void *data)
{
	struct scale_level *l = data;

	l->run_wall_s = row->finished_at - row->started_at;
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

/* Read what the run of level l measured. */
static int
scale_measure(struct store *st, struct scale_level *l, const char *metric,
    char **cause)
{
	struct scale_walls w = { NULL, NULL, 0 };
	struct scale_metric_ctx mc = { l, &w };
	int rc;

	l->peak_rss_kb = -1;
	l->peak_vram_mb = NAN;
	l->run_wall_s = NAN;
	if (store_run_get(st, l->run_id, scale_run_cb, l, cause) != 0 ||
	    store_units_list(st, l->run_id, scale_unit_cb, l, cause) != 0 ||
	    store_samples_list(st, l->run_id, scale_sample_cb, l, cause) != 0)
		return -1;
	qsort(l->lat, l->nlat, sizeof *l->lat, scale_cmp_double);
	l->p50 = scale_quantile(l->lat, l->nlat, 0.50);
	l->p90 = scale_quantile(l->lat, l->nlat, 0.90);
	l->p95 = scale_quantile(l->lat, l->nlat, 0.95);
	l->p99 = scale_quantile(l->lat, l->nlat, 0.99);
	l->throughput = l->run_wall_s > 0 ? (double)l->nlat / l->run_wall_s :
	    NAN;

	if (metric != NULL)
		snprintf(l->metric, sizeof l->metric, "%s", metric);
	else {
		rc = store_unit_metrics_list(st, l->run_id,
		    scale_pick_metric_cb, l->metric, cause);
		if (rc < 0)
			return -1;
	}
	if (l->metric[0] == '\0')
		return 0;
	rc = store_units_list(st, l->run_id, scale_walls_cb, &w, cause);
	if (rc == 0)
		rc = store_unit_metrics_list(st, l->run_id, scale_metric_cb,
		    &mc, cause);
	free(w.ids);
	free(w.wall);
	return rc;
}

/* Run the job at one level (no summary on stdout). */
static int
scale_run_level(const struct session_opts *base, struct scale_level *l)
{
	struct session_opts o = *base;

	fprintf(stderr, "bench scale: level %d\n", l->workers);
	o.parallel = 1;
	o.workers = l->workers;
	l->rc = (int)session_run(&o, &l->run_id);
	return l->rc;
}

/*
 * Run every level in turn; *failed is set when a unit failed. -1 when all
 * ran, else the exit code that ends the sweep (interrupted, environment,
 * usage, or no run made).
 */
static int
scale_run_levels(const struct session_opts *base, struct scale_level *lv,
    size_t n, int *failed)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = scale_run_level(base, &lv[i]);
		if (lv[i].run_id == 0 || rc == CMD_EXIT_INTERRUPTED ||
		    rc == CMD_EXIT_ENV || rc == CMD_EXIT_USAGE)
			return rc != CMD_EXIT_OK ? rc : CMD_EXIT_ENV;
		fprintf(stderr, "bench scale: level %d: run %" PRId64 "%s\n",
		    lv[i].workers, lv[i].run_id, rc == CMD_EXIT_OK ? "" :
		    " (a unit failed)");
		if (rc != CMD_EXIT_OK)
			*failed = 1;
	}
	return -1;
}

/* What the command line asks for. */
struct cmd_scale_args {
	const char	*file, *wlist, *db, *metric, *pattern;
	double		 timeout_s;	/* < 0: the job's */
	double		 max_lat_x;
	int		 levels[CMD_SCALE_MAX_LEVELS];
	size_t		 nlevels;
};

/* Parse --max-latency-x into *out; prints why and returns -1 unless it is
   a number >= 1. */
static int
cmd_scale_latency_x(const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(*out) ||
	    *out < 1) {
		fprintf(stderr, "bench scale: --max-latency-x must be a number "
		    ">= 1, got '%s'\n", arg);
		return -1;
	}
	return 0;
}

/* The --help text. */
static int
cmd_scale_help(void)
{
	printf("usage: bench scale %s\n\nRun the job at each worker count of "
	    "the -w list (one run each in the\ndatabase) and print per level: "
	    "units/s, the sum of the test cases'\nthroughput metric, unit "
	    "latency p50/p90/p95/p99, peak RSS and VRAM per\nworker, CPU and "
	    "GPU utilization and efficiency against the lowest level;\nthen "
	    "the highest level inside the memory budget and the latency "
	    "bound\n(p95 at most X times the lowest level's, X = "
	    "--max-latency-x, default 2)\nand the saturation point "
	    "(throughput grows by less than 5%%).\nexit: 0 ok, 1 a unit "
	    "failed at some level, 2 bad usage, 3 environment\n",
	    CMD_SCALE_USAGE);
	return CMD_EXIT_OK;
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:w:d:k:m:x:t:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			a->file = optarg;
			break;
		case 'w':
			a->wlist = optarg;
			break;
		case 'd':
			a->db = optarg;
			break;
		case 'k':
			a->pattern = optarg;
			break;
		case 'm':
			a->metric = optarg;
			break;
		case 'x':
			if (cmd_scale_latency_x(optarg, &a->max_lat_x) != 0)
				return CMD_EXIT_USAGE;
			break;
		case 't':
			if (cmd_opt_seconds("--timeout", optarg,
			    &a->timeout_s) != 0)
				return CMD_EXIT_USAGE;
			break;
		case 'h':
			return cmd_scale_help();
		default:
			return cmd_usage(&cmd_scale_entry);
		}
	}
	if (a->file == NULL || a->wlist == NULL || optind < argc)
		return cmd_usage(&cmd_scale_entry);
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

/* Measure the levels from the database and print the result; returns the
   exit code. */
static int
cmd_scale_report(const struct cmd_scale_args *a, const char *dbpath,
    struct scale_level *lv, const struct scale_budget *budget, int failed)
{
	const char *metric = a->metric;
	struct store *st = NULL;
	char *cause = NULL;
	size_t i;
	int ret = CMD_EXIT_ENV;

	if (store_open(dbpath, &st, &cause) != 0)
		goto fail;
	for (i = 0; i < a->nlevels; i++) {
		if (scale_measure(st, &lv[i], metric, &cause) != 0)
			goto fail;
		/* the metric the lowest level chose is every level's */
		if (metric == NULL && lv[i].metric[0] != '\0')
			metric = lv[i].metric;
		if (lv[i].nfailed > 0)
			failed = 1;
	}
	scale_print(stdout, a->file, lv, a->nlevels, a->max_lat_x, budget);
	ret = failed ? CMD_EXIT_FAIL : CMD_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "bench: %s\n", cause);
	free(cause);
out:
	store_close(st);
	return ret;
}

/* The sweep. */
static int
cmd_scale_exec(int argc, char **argv)
{
	struct session_opts base = SESSION_OPTS_INIT;
	struct cmd_scale_args a;
	struct scale_level lv[CMD_SCALE_MAX_LEVELS];
	struct scale_budget budget;
	long long *gpu_free = NULL;
	char *cause = NULL, *dbpath = NULL;
	size_t i, ngpus = 0;
	int failed = 0, ret;

	memset(&a, 0, sizeof a);
	a.max_lat_x = 2;
	a.timeout_s = -1;
	if ((ret = cmd_scale_options(argc, argv, &a)) >= 0 ||
	    (ret = cmd_scale_job(&a, &dbpath)) >= 0)
		return ret;

	/* the budget as it is before the sweep, with nothing of ours running */
	budget.mem_kb = hwinfo_mem_available_kb();
	gpu_free = gpus_free_now(SAFE_MAX_GPUS, &ngpus, &cause);
	if (cause != NULL) {
		fprintf(stderr, "bench scale: %s\n", cause);
		free(cause);
	}
	budget.gpu_free = gpu_free;
	budget.ngpus = ngpus;

	memset(lv, 0, sizeof lv);
	for (i = 0; i < a.nlevels; i++)
		lv[i].workers = a.levels[i];
	base.file = a.file;
	base.db = dbpath;
	base.pattern = a.pattern;
	base.timeout_s = a.timeout_s;
	base.quiet = 1;
	base.argc = argc;
	base.argv = argv;
	ret = scale_run_levels(&base, lv, a.nlevels, &failed);
	if (ret < 0)
		ret = cmd_scale_report(&a, dbpath, lv, &budget, failed);
	for (i = 0; i < a.nlevels; i++)
		free(lv[i].lat);
	free(gpu_free);
	free(dbpath);
	return ret;
}

const struct cmd_entry cmd_scale_entry = {
	"scale", CMD_SCALE_USAGE,
	"concurrency sweep: throughput, latency, memory per worker",
	cmd_scale_exec,
};
