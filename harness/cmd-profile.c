/*
 * cmd-profile: `bench profile -f JOB`: run the first unit of every test
 * case alone (`bench run --profile-only`, which stores each test case's
 * profile), measure per test case its peak RSS, peak VRAM and wall time
 * and the safe worker count of the whole job (profiles/safe.h), and hand
 * them to the renderer in reports/profile.c.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "session.h"
#include "gpus.h"
#include "hwinfo.h"
#include "job.h"
#include "profile.h"
#include "safe.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

#define CMD_PROFILE_USAGE \
    "-f JOB [--db FILE] [-k PATTERN] [--timeout S] [--format term|json]"

/* The rows of a job (one per test case, job order), and the host of the
   run. */
struct profile_ctx {
	const struct job	*job;
	struct profile_row	*rows;
	size_t			 n;
	char			 host[256];
};

/* Run-row callback: the host the run measured. */
static int
profile_run_cb(const struct store_run_row *row, void *data)
{
	struct profile_ctx *c = data;

	snprintf(c->host, sizeof c->host, "%s", row->host != NULL ?
	    row->host : "");
	return 0;
}

/* Unit callback: the measured units of each test case. */
static int
profile_unit_cb(const struct store_unit_row *row, void *data)
{
	struct profile_ctx *c = data;
	struct profile_row *r = NULL;
	size_t i;

	if (strcmp(row->status, "skipped") == 0 ||
	    strcmp(row->status, "pending") == 0)
		return 0;
	for (i = 0; i < c->n; i++) {
		if (strcmp(c->rows[i].name, row->testcase) == 0) {
			r = &c->rows[i];
			break;
		}
	}
	if (r == NULL)
		return 0;
	if (strcmp(r->status, "-") == 0 || strcmp(row->status, "ok") != 0)
		snprintf(r->status, sizeof r->status, "%s", row->status);
	if (row->maxrss_kb > r->peak_rss_kb)
		r->peak_rss_kb = row->maxrss_kb;
	if (!isnan(row->vram_peak_mb) && (isnan(r->peak_vram_mb) ||
	    row->vram_peak_mb > r->peak_vram_mb))
		r->peak_vram_mb = row->vram_peak_mb;
	if (!isnan(row->wall_s) && (isnan(r->wall_s) || row->wall_s > r->wall_s))
		r->wall_s = row->wall_s;
	return 0;
}

/* Fill the rows from the run's units, then from the stored profiles
   (which may hold the sampler's larger peaks). */
static int
profile_measure(struct store *st, int64_t run_id, struct profile_ctx *c,
    char **cause)
{
	struct store_profile p;
	struct profile_row *r;
	char key[65];
	size_t i;
	int found;

	if (store_run_get(st, run_id, profile_run_cb, c, cause) != 0 ||
	    store_units_list(st, run_id, profile_unit_cb, c, cause) != 0)
		return -1;
	for (i = 0; i < c->n; i++) {
		r = &c->rows[i];
		found = store_profile_get(st, job_testcase_key(
		    job_testcase(c->job, i), key), c->host, &p, cause);
		if (found < 0)
			return -1;
		if (found == 0)
			continue;
		if (p.peak_rss_kb > r->peak_rss_kb)
			r->peak_rss_kb = p.peak_rss_kb;
		if (!isnan(p.peak_vram_mb) && (isnan(r->peak_vram_mb) ||
		    p.peak_vram_mb > r->peak_vram_mb))
			r->peak_vram_mb = p.peak_vram_mb;
		if (isnan(r->wall_s))
			r->wall_s = p.wall_s;
	}
	return 0;
}

/* The safe worker count of the job from the rows' peaks and the machine
   as it is now (profiles/safe.h); nunits is the job's. */
static void
profile_safe(const struct profile_ctx *c, size_t nunits,
    struct safe_result *out)
{
	struct safe_input in = SAFE_INPUT_INIT;
	const struct profile_row *r;
	long long *gpu_free = NULL;
	char *cause = NULL;
	size_t i, ngpus = 0;

	for (i = 0; i < c->n; i++) {
		r = &c->rows[i];
		if (r->peak_rss_kb > in.peak_rss_kb)
			in.peak_rss_kb = r->peak_rss_kb;
		if (!isnan(r->peak_vram_mb) && r->peak_vram_mb > 0 &&
		    (long long)ceil(r->peak_vram_mb) > in.peak_vram_mb)
			in.peak_vram_mb = (long long)ceil(r->peak_vram_mb);
	}
	gpu_free = gpus_free_now(SAFE_MAX_GPUS, &ngpus, &cause);
	if (cause != NULL) {
		fprintf(stderr, "bench profile: %s\n", cause);
		free(cause);
	}
	in.cores = hwinfo_cores();
	in.mem_available_kb = hwinfo_mem_available_kb();
	in.gpu_free_mb = gpu_free;
	in.ngpus = ngpus;
	in.nunits = nunits;
	safe_workers(&in, out);
	free(gpu_free);
}

/*
 * Run the first unit of every test case alone: -1 when the run was made
 * (*run_id_out, *rc_out its id and exit code), else the exit code that
 * ends the command.
 */
static int
profile_run(const struct session_opts *o, int64_t *run_id_out, int *rc_out)
{
	int64_t run_id = 0;
	int rc;

	rc = (int)session_run(o, &run_id);
	if (run_id == 0 || rc == CMD_EXIT_INTERRUPTED || rc == CMD_EXIT_ENV ||
	    rc == CMD_EXIT_USAGE)
		return rc != CMD_EXIT_OK ? rc : CMD_EXIT_ENV;
	*run_id_out = run_id;
	*rc_out = rc;
	return -1;
}

/* What the command line asks for. */
struct cmd_profile_args {
	const char	*file, *db, *pattern;
	double		 timeout_s;	/* < 0: the job's */
	int		 json;		/* --format json */
};

/* The --help text. */
static int
cmd_profile_help(void)
{
	printf("usage: bench profile %s\n\nRun the first unit of every test "
	    "case alone (a run in the database;\neach test case's profile is "
	    "kept for later runs) and print per test case\nits peak RSS, peak "
	    "VRAM and wall time, then the safe worker count of the\njob with "
	    "the arithmetic that gave it.\n--format json prints one object "
	    "instead (testcases: the rows;\nsafe: workers, limit, line); the "
	    "run's own lines go to stderr.\nexit: 0 ok, 1 a unit failed, 2 bad "
	    "usage or job file, 3 environment\n", CMD_PROFILE_USAGE);
	return CMD_EXIT_OK;
}

/* Parse the command line into *a: -1 to go on, else the exit code. */
static int
cmd_profile_options(int argc, char **argv, struct cmd_profile_args *a)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:d:k:t:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			a->file = optarg;
			break;
		case 'd':
			a->db = optarg;
			break;
		case 'k':
			a->pattern = optarg;
			break;
		case 't':
			if (cmd_opt_seconds("--timeout", optarg,
			    &a->timeout_s) != 0)
				return CMD_EXIT_USAGE;
			break;
		case 'F':
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "term") != 0) {
				fprintf(stderr, "bench profile: --format: "
				    "unknown '%s' (use term or json)\n", optarg);
				return CMD_EXIT_USAGE;
			}
			a->json = strcmp(optarg, "json") == 0;
			break;
		case 'h':
			return cmd_profile_help();
		default:
			return cmd_usage(&cmd_profile_entry);
		}
	}
	if (a->file == NULL || optind < argc)
		return cmd_usage(&cmd_profile_entry);
	return -1;
}

/* Load and filter the job into *job: -1 to go on, else the exit code. */
static int
cmd_profile_job(const struct cmd_profile_args *a, struct job **job)
{
	char *cause = NULL;

	if (job_load(a->file, job, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return CMD_EXIT_USAGE;
	}
	if (a->pattern != NULL && job_filter(*job, a->pattern, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		job_free(*job);
		*job = NULL;
		return CMD_EXIT_USAGE;
	}
	return -1;
}

/* Measure run_id (whose exit code was rc) and print what each test case
   needs; returns the exit code. */
static int
cmd_profile_report(const struct cmd_profile_args *a, const char *dbpath,
    const struct job *job, int64_t run_id, int rc)
{
	struct profile_ctx ctx;
	struct safe_result safe;
	struct store *st = NULL;
	char *cause = NULL;
	size_t i;
	int ret;

	memset(&ctx, 0, sizeof ctx);
	ctx.job = job;
	ctx.n = job_ntestcases(job);
	ctx.rows = xcalloc(ctx.n, sizeof *ctx.rows);
	for (i = 0; i < ctx.n; i++) {
		ctx.rows[i].name = job_testcase(job, i)->name;
		ctx.rows[i].peak_rss_kb = -1;
		ctx.rows[i].peak_vram_mb = NAN;
		ctx.rows[i].wall_s = NAN;
		snprintf(ctx.rows[i].status, sizeof ctx.rows[i].status, "-");
	}
	if (store_open(dbpath, &st, &cause) != 0 ||
	    profile_measure(st, run_id, &ctx, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		ret = CMD_EXIT_ENV;
		goto out;
	}
	profile_safe(&ctx, job_nunits(job), &safe);
	if (a->json)
		profile_print_json(stdout, a->file, run_id, ctx.host, ctx.rows,
		    ctx.n, safe.workers, safe_limit_name(safe.limit), safe.line);
	else
		profile_print(stdout, a->file, run_id, ctx.host, ctx.rows,
		    ctx.n, safe.line);
	ret = rc == CMD_EXIT_OK ? CMD_EXIT_OK : CMD_EXIT_FAIL;
out:
	store_close(st);
	free(ctx.rows);
	return ret;
}

/* Profile every test case and print what it needs. */
static int
cmd_profile_exec(int argc, char **argv)
{
	struct session_opts o = SESSION_OPTS_INIT;
	struct cmd_profile_args a = { .timeout_s = -1 };
	struct job *job = NULL;
	char *dbpath;
	int64_t run_id = 0;
	int rc = CMD_EXIT_OK, ret;

	if ((ret = cmd_profile_options(argc, argv, &a)) >= 0 ||
	    (ret = cmd_profile_job(&a, &job)) >= 0)
		return ret;
	dbpath = session_db_path(a.db, job);
	o.file = a.file;
	o.db = dbpath;
	o.pattern = a.pattern;
	o.timeout_s = a.timeout_s;
	o.profile_only = 1;
	o.quiet = 1;
	o.summary = a.json ? stderr : stdout;
	o.argc = argc;
	o.argv = argv;
	ret = profile_run(&o, &run_id, &rc);
	if (ret < 0)
		ret = cmd_profile_report(&a, dbpath, job, run_id, rc);
	job_free(job);
	free(dbpath);
	return ret;
}

const struct cmd_entry cmd_profile_entry = {
	"profile", CMD_PROFILE_USAGE,
	"peak RAM/VRAM per test case and the safe worker count",
	cmd_profile_exec,
};
