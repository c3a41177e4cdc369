/*
 * session: one run of a job, from the job file to the summary (see
 * session.h).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "err.h"
#include "host.h"
#include "hwinfo.h"
#include "job.h"
#include "launch.h"
#include "loop.h"
#include "quiet.h"
#include "report.h"
#include "run.h"
#include "runlock.h"
#include "session.h"
#include "store.h"
#include "term.h"
#include "xalloc.h"
#include "banned.h"

/* What a session holds while it runs. */
struct session {
	const struct session_opts *o;
	struct job	*job;
	struct store	*st;
	struct term	*term;
	struct launcher	 launcher;
	char		*self;		/* bench's executable */
	char		*db;
	char		*run_dir;
	int		 lock_fd;	/* run_dir/lock, held while we live */
	json_t		*sort_by;	/* [{"metric": "descend"}...] */
	int64_t		 run_id;
	int		 parallel;
	int		 workers;
	int		 auto_workers;
	char		 why[512];	/* how the worker count was chosen */
	struct quiet	*quiet;		/* the machine's state, being taken
					   while the run starts */
};

/* The database of a command. */
char *
session_db_path(const char *opt, const struct job *job)
{
	if (opt != NULL)
		return xstrdup(opt);
	if (job != NULL && job_settings(job)->db != NULL)
		return xstrdup(job_settings(job)->db);
	if (job != NULL)
		return xasprintf("%s/bench.db", job_workspace(job));
	return xstrdup("workspace/bench.db");
}

/* The path of the running bench executable. */
static char *
session_self(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

/* The command line as a JSON array text. */
static char *
session_argv_json(int argc, char **argv)
{
	json_t *a = json_array(), *v;
	char *s;
	int i;

	json_array_append_new(a, json_string("bench"));
	for (i = 0; i < argc; i++) {
		v = json_string(argv[i]);
		json_array_append_new(a, v != NULL ? v : json_string("?"));
	}
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/* Append the RAM the automatic count is sized within to s->why. */
static void
session_ram_why(struct session *s)
{
	struct host h;
	size_t n = strlen(s->why);
	char *src;

	memset(&h, 0, sizeof h);
	host_ram_available(&h);
	src = host_ram_source(&h);
	snprintf(s->why + n, sizeof s->why - n, " within 80%% of %s", src);
	free(src);
}

/* Decide the worker count and say why in s->why. */
static void
session_workers(struct session *s)
{
	const struct session_opts *o = s->o;
	const struct job_settings *js = job_settings(s->job);
	int w, units = (int)(job_nunits(s->job) > INT_MAX ? INT_MAX :
	    job_nunits(s->job));
	size_t n, len = sizeof s->why;
	unsigned cores;

	s->workers = 1;
	s->parallel = o->parallel >= 0 ? o->parallel :
	    (o->workers > 1 || o->workers == -1) ? 1 : js->parallel > 0;
	if (o->profile_only) {
		s->parallel = 0;
		snprintf(s->why, len, "--profile-only: one unit alone per "
		    "test case");
		return;
	}
	if (!s->parallel) {
		snprintf(s->why, len, "serial%s", o->parallel == 0 ?
		    " (--serial)" : " (the default; --parallel to change)");
		return;
	}
	w = o->workers != 0 ? o->workers : js->num_workers;
	if (w > 0) {
		snprintf(s->why, len, "parallel: %s %d", o->workers > 0 ?
		    "-w" : "num_workers", w);
	} else {
		cores = hwinfo_cores();
		w = cores > 1 ? (int)cores - 1 : 1;
		s->auto_workers = 1;
		snprintf(s->why, len, "parallel: at most cores-1 of %u hwloc "
		    "core%s%s, sized from measured memory", cores,
		    cores == 1 ? "" : "s", cores <= 1 ? ", at least 1" : "");
		if (!launch_has(&s->launcher, LAUNCH_REMOTE))
			session_ram_why(s);
	}
	if (w > units && units > 0) {
		n = strlen(s->why);
		snprintf(s->why + n, len - n, ", capped at %d unit%s", units,
		    units == 1 ? "" : "s");
		w = units;
	}
	s->workers = w;
}

/* Load the job and apply the options: SESSION_OK or SESSION_USAGE. */
static enum session_rc
session_load(struct session *s)
{
	const struct session_opts *o = s->o;
	struct job_settings *js;
	char *cause = NULL;

	if (job_load(o->file, &s->job, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return SESSION_USAGE;
	}
	if (o->pattern != NULL && job_filter(s->job, o->pattern,
	    &cause) != 0)
		goto usage;
	if ((o->repeat > 0 || o->warmup >= 0) && job_set_repeat(s->job,
	    o->repeat, o->warmup, &cause) != 0)
		goto usage;
	if (o->python != NULL)
		job_set_python(s->job, o->python);
	js = job_settings_mut(s->job);
	if (o->timeout_s >= 0)
		js->timeout_s = o->timeout_s;
	if (o->retries >= 0)
		js->retries = o->retries;
	if (o->launcher != NULL) {
		free(js->launcher);
		js->launcher = xstrdup(o->launcher);
	}
	if (launch_find(js->launcher, &s->launcher.ops, &cause) != 0) {
		fprintf(stderr, "bench: %s: %s\n", o->launcher != NULL ?
		    "--launcher" : o->file, cause);
		free(cause);
		return SESSION_USAGE;
	}
	if (!(s->launcher.ops->flags & LAUNCH_CLUSTER_OPTS) &&
	    (o->cluster_args != NULL || o->partition != NULL)) {
		fprintf(stderr, "bench: --slurm-args and --partition need "
		    "--launcher slurm\n");
		return SESSION_USAGE;
	}
	return SESSION_OK;
usage:
	fprintf(stderr, "bench: %s\n", cause);
	free(cause);
	return SESSION_USAGE;
}

/*
 * The job's ranking and report settings for runs.rank (report.h). The
 * test cases' modules are stored once per algorithm, without values
 * (job_modules()): each test case's values are in its units' params, and
 * a copy of every test case's modules would cost the controller tens of
 * megabytes at the start of a run of 10^5 test cases.
 */
static char *
session_rank(const struct session *s)
{
	const struct job *job = s->job;
	json_t *o = json_object();
	char *text;

	json_object_set(o, "sort_by", s->sort_by);
	json_object_set_new(o, "metrics", json_copy(job_metric_names(job)));
	if (job_selected_dataitem(job) != NULL)
		json_object_set(o, "selected_dataitem",
		    job_selected_dataitem(job));
	json_object_set_new(o, "save_mode", json_string(job_save_mode(job)));
	json_object_set_new(o, "ram_mb",
	    json_integer((json_int_t)job_settings(job)->ram_mb));
	json_object_set_new(o, "vram_mb",
	    json_integer((json_int_t)job_settings(job)->vram_mb));
	json_object_set(o, "algorithms", job_modules(job));
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}

/* The job's sort keys as [{"m":"descend"}...]. */
static json_t *
session_sort_by(const struct job *job)
{
	const struct job_sort_key *k;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < job_nsort_keys(job); i++) {
		k = job_sort_key(job, i);
		json_array_append_new(a, json_pack("{s:s}", k->metric,
		    k->descend ? "descend" : "ascend"));
	}
	return a;
}

/* What --resume needs of the old run. */
struct session_old {
	struct store	*st;
	char		*name;
	const char	*status;	/* as shown: runlock_status */
};

/* The job name of a run and whether its controller lives, for --resume. */
static int
session_resume_row(const struct store_run_row *r, void *data)
{
	struct session_old *old = data;

	old->name = xstrdup(r->job_name);
	old->status = runlock_status(old->st, r->id, r->workspace, r->status);
	if (old->status != r->status)
		return 0;	/* a static string: "abandoned" */
	old->status = strcmp(r->status, "running") == 0 ? "running" : "";
	return 0;
}

/* --resume RUN must name a stored run of this job whose controller is
   gone: resuming a live run would run its units twice at once. */
static int
session_check_resume(struct session *s, char **cause)
{
	struct session_old old = { .st = s->st };
	int rc = 0;

	if (store_run_get(s->st, s->o->resume, session_resume_row, &old,
	    cause) != 0)
		return -1;
	if (strcmp(old.name, job_name(s->job)) != 0)
		rc = err_set(cause, "run %" PRId64 " is a run of job '%s', not "
		    "'%s'", s->o->resume, old.name, job_name(s->job));
	else if (strcmp(old.status, "running") == 0)
		rc = err_set(cause, "run %" PRId64 " is still running (its "
		    "controller holds its lock); stop it first",
		    s->o->resume);
	free(old.name);
	return rc;
}

/* Check and add a --label; see session.h. */
int
session_opts_label(struct session_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		fprintf(stderr, "bench: --label wants KEY=VALUE, got '%s'\n",
		    arg);
		return -1;
	}
	if (o->nlabels == SESSION_LABELS_MAX) {
		fprintf(stderr, "bench: at most %d --label options\n",
		    SESSION_LABELS_MAX);
		return -1;
	}
	o->labels[o->nlabels++] = arg;
	return 0;
}

/* The --label pairs as a JSON object text, NULL when there are none. */
static char *
session_labels(const struct session_opts *o)
{
	json_t *obj, *v;
	char *text, *key;
	const char *eq;
	int i;

	if (o->nlabels == 0)
		return NULL;
	obj = json_object();
	for (i = 0; i < o->nlabels; i++) {
		eq = strchr(o->labels[i], '=');
		key = xstrndup(o->labels[i], (size_t)(eq - o->labels[i]));
		if ((v = json_string(eq + 1)) == NULL)	/* not UTF-8 */
			v = json_string("?");
		json_object_set_new(obj, key, v);
		free(key);
	}
	text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	return text;
}

/*
 * The machine's state, taken by a thread over the run's first
 * QUIET_WINDOW_S (see quiet.h), into the run's row; warns when it was not
 * quiet. It took that long before any unit started: a tenth of a second
 * on every run.
 */
static void
session_machine_state(struct session *s)
{
	char *why = NULL, *text, *cause = NULL;
	json_t *st;

	if (s->quiet == NULL)
		return;
	st = quiet_finish(s->quiet, &why);
	s->quiet = NULL;
	if (why != NULL)
		fprintf(stderr, "bench: warning: the machine was not quiet as "
		    "the run started: %s; timings will be noisy\n", why);
	free(why);
	text = json_dumps(st, JSON_COMPACT);
	json_decref(st);
	if (s->run_id > 0 && store_run_set_machine_state(s->st, s->run_id,
	    text, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
	}
	free(text);
}

/*
 * Make the run's directory, WORKSPACE/runs/ID, exclusively: another
 * database on the same workspace may have a run ID too, and its logs are
 * not ours. On a collision take ID-2, ID-3...; the units' log paths say
 * which. Then lock it for as long as this process lives (runlock.h).
 */
static enum session_rc
session_run_dir(struct session *s)
{
	const char *out = job_output_dir(s->job);
	char *base = xasprintf("%s/runs", out), *cause = NULL, *ws, *slash;
	int k;

	/* the workspace is the user's; NAME and runs/ are bench's */
	ws = xstrdup(out);
	if ((slash = strrchr(ws, '/')) != NULL && slash != ws)
		*slash = '\0';
	k = slash != NULL && slash != ws && run_mkdirs(ws, &cause) != 0;
	free(ws);
	if (k || run_mkdir_own(out, 0, &cause) != 0 ||
	    run_mkdir_own(base, 0, &cause) != 0)
		goto fail;
	for (k = 1; k <= 1000; k++) {
		s->run_dir = k == 1 ? xasprintf("%s/%" PRId64, base, s->run_id) :
		    xasprintf("%s/%" PRId64 "-%d", base, s->run_id, k);
		if (run_mkdir_own(s->run_dir, 1, &cause) == 0)
			break;
		if (errno != EEXIST)
			goto fail;
		free(cause);
		cause = NULL;
		free(s->run_dir);
		s->run_dir = NULL;
	}
	if (s->run_dir == NULL) {
		cause = xasprintf("%s: no free name for run %" PRId64, base,
		    s->run_id);
		goto fail;
	}
	if (runlock_take(s->run_dir, &s->lock_fd, &cause) != 0)
		goto fail;
	free(base);
	return SESSION_OK;
fail:
	fprintf(stderr, "bench: %s\n", cause);
	free(cause);
	free(base);
	return SESSION_ENV;
}

/* Record the run: the machine, the command line, the ranking. */
static enum session_rc
session_create(struct session *s)
{
	struct store_run_info ri = {
		.job_name = job_name(s->job), .job_sha256 = job_sha256(s->job),
		.job_path = job_path(s->job),
		.mode = s->parallel ? "parallel" : "serial",
		.workers = s->workers,
		.launcher = job_settings(s->job)->launcher,
		.workspace = job_output_dir(s->job),
		.bench_version = PACKAGE_VERSION,
		.started_at = loop_walltime(),
	};
	char *cause = NULL, *fptext, *argvj, *rank, fpid[65], host[256];
	char *labels = session_labels(s->o);
	json_t *fp = NULL;
	int rc;

	if (hwinfo_fingerprint(&fp, fpid, &cause) != 0) {
		fprintf(stderr, "bench: machine fingerprint: %s\n", cause);
		free(cause);
		cause = NULL;
		fp = json_object();
		snprintf(fpid, sizeof fpid, "unknown");
	}
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "unknown");
	host[sizeof host - 1] = '\0';
	ri.fingerprint = fptext = json_dumps(fp, JSON_COMPACT |
	    JSON_SORT_KEYS);
	ri.fingerprint_id = fpid;
	ri.host = host;
	ri.argv = argvj = session_argv_json(s->o->argc, s->o->argv);
	ri.labels = labels;
	s->sort_by = session_sort_by(s->job);
	rank = session_rank(s);
	rc = store_run_create(s->st, &ri, &s->run_id, &cause) != 0 ||
	    store_run_set_rank(s->st, s->run_id, rank, &cause) != 0;
	if (rc != 0)
		fprintf(stderr, "bench: %s\n", cause);
	free(cause);
	free(fptext);
	free(argvj);
	free(rank);
	free(labels);
	json_decref(fp);
	return rc != 0 ? SESSION_ENV : SESSION_OK;
}

/* Open the database and check --resume: SESSION_OK or an exit code. */
static enum session_rc
session_open(struct session *s)
{
	char *cause = NULL;

	if ((s->self = session_self()) == NULL) {
		fprintf(stderr, "bench: cannot find its own executable "
		    "(/proc/self/exe)\n");
		return SESSION_ENV;
	}
	s->db = session_db_path(s->o->db, s->job);
	if (store_open(s->db, &s->st, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		return SESSION_ENV;
	}
	if (s->o->resume > 0 && session_check_resume(s, &cause) != 0) {
		fprintf(stderr, "bench: --resume: %s\n", cause);
		free(cause);
		return SESSION_USAGE;
	}
	return SESSION_OK;
}

/* "run N STATUS: N units: N ok, N failed, ..." and where things are. */
static void
session_totals(const struct session *s, const char *status,
    const struct run_totals *tot, double secs)
{
	static const enum unit_status order[] = {
		UNIT_ST_FAILED, UNIT_ST_CRASHED, UNIT_ST_TIMEOUT, UNIT_ST_OOM,
		UNIT_ST_SKIPPED, UNIT_ST_INTERRUPTED,
	};
	FILE *fp = s->o->summary;
	char d[32];
	size_t i;

	fprintf(fp, "\nrun %" PRId64 " %s: %zu unit%s: %zu ok", s->run_id,
	    status, tot->total, tot->total == 1 ? "" : "s",
	    tot->count[UNIT_ST_OK]);
	for (i = 0; i < sizeof order / sizeof order[0]; i++) {
		if (tot->count[order[i]] > 0)
			fprintf(fp, ", %zu %s", tot->count[order[i]],
			    unit_status_name(order[i]));
	}
	if (tot->not_run)
		fprintf(fp, ", %zu not run", tot->not_run);
	fprintf(fp, " in %s\ndatabase %s, logs %s/logs\n",
	    term_duration(secs, d, sizeof d), s->db, s->run_dir);
	fflush(fp);
}

/* Lines of a log's tail shown for a unit that did not end ok. */
#define SESSION_TAIL_LINES 5
#define SESSION_TAIL_BYTES 4096

/* Print the last lines of a log, indented, escaped (term_escape). */
static void
session_log_tail(FILE *fp, const char *path)
{
	char buf[SESSION_TAIL_BYTES + 1], *p, *line, *esc;
	size_t n, nl = 0;
	FILE *in;

	if ((in = fopen(path, "re")) == NULL)
		return;
	if (fseek(in, 0, SEEK_END) == 0 && ftell(in) > SESSION_TAIL_BYTES)
		fseek(in, -SESSION_TAIL_BYTES, SEEK_END);
	else
		rewind(in);
	n = fread(buf, 1, SESSION_TAIL_BYTES, in);
	fclose(in);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	for (p = buf + n; p > buf && nl < SESSION_TAIL_LINES; p--)
		nl += p[-1] == '\n';
	if (n == 0)
		return;
	for (line = strtok_r(p, "\n", &p); line != NULL;
	    line = strtok_r(NULL, "\n", &p)) {
		esc = term_escape(line);
		fprintf(fp, "      | %.200s\n", esc);
		free(esc);
	}
}

/* Print one unit that did not end ok: what, why, where its log is. */
static int
session_failure(const struct store_unit_row *u, void *data)
{
	FILE *fp = data;
	char *name, *error;

	if (strcmp(u->status, "ok") == 0 || strcmp(u->status, "skipped") == 0 ||
	    strcmp(u->status, "pending") == 0)
		return 0;
	name = term_escape(u->testcase != NULL ? u->testcase : "");
	error = term_escape(u->error != NULL ? u->error : "(no error "
	    "recorded)");
	fprintf(fp, "  %-11s %s", u->status, name);
	if (u->nparts > 1)
		fprintf(fp, " part %u/%u", u->part + 1, u->nparts);
	if (u->rep > 0)
		fprintf(fp, " rep %u", u->rep);
	fprintf(fp, ": %s\n", error);
	free(name);
	free(error);
	if (u->log_path != NULL) {
		fprintf(fp, "    log %s\n", u->log_path);
		session_log_tail(fp, u->log_path);
	}
	return 0;
}

/*
 * The units that did not end ok, with their error, log and its last lines
 * (pytest's short summary), and how to resume an interrupted run.
 */
static void
session_failures(const struct session *s, const char *status,
    const struct run_totals *tot)
{
	FILE *fp = s->o->summary;
	char *cause = NULL;

	if (tot->count[UNIT_ST_OK] + tot->count[UNIT_ST_SKIPPED] +
	    tot->not_run < tot->total) {
		fprintf(fp, "\nunits that did not end ok:\n");
		if (store_units_list(s->st, s->run_id, session_failure, fp,
		    &cause) != 0) {
			fprintf(stderr, "bench: summary: %s\n", cause);
			free(cause);
		}
	}
	if (strcmp(status, "interrupted") == 0)
		fprintf(fp, "\nrun %" PRId64 " was interrupted; to run the "
		    "units it did not finish:\n  bench -f %s --resume %"
		    PRId64 "\n", s->run_id, s->o->file, s->run_id);
}

/* The ranked table and the totals. */
static void
session_summary(const struct session *s, const char *status,
    const struct run_totals *tot, double secs)
{
	char *cause = NULL;

	if (s->o->summary == NULL)
		return;
	fputc('\n', s->o->summary);
	if (term_summary(s->o->summary, s->st, s->run_id, s->sort_by,
	    job_metric_names(s->job), &cause) != 0) {
		fprintf(stderr, "bench: summary: %s\n", cause);
		free(cause);
	}
	session_failures(s, status, tot);
	session_totals(s, status, tot, secs);
}

/* Write the --report reports; -1 if one failed. */
static int
session_reports(const struct session *s)
{
	const char *eq;
	char *fmt, *cause = NULL;
	int i, ret = 0;

	for (i = 0; i < s->o->nreports; i++) {
		eq = strchr(s->o->reports[i], '=');
		fmt = eq == NULL ? xstrdup(s->o->reports[i]) :
		    xstrndup(s->o->reports[i], (size_t)(eq - s->o->reports[i]));
		if (report_write(s->st, s->run_id, fmt, eq == NULL ? NULL :
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

/* The engine's configuration for this session. */
static void
session_config(struct session *s, struct run_config *cfg)
{
	const struct session_opts *o = s->o;

	cfg->workers = s->workers;
	cfg->auto_workers = s->auto_workers;
	cfg->profile_only = o->profile_only;
	cfg->parallel = s->parallel;
	cfg->retries = job_settings(s->job)->retries;
	cfg->sample_s = o->sample_s;
	cfg->resume_from = o->resume;
	cfg->timeout_s = job_settings(s->job)->timeout_s;
	cfg->grace_s = o->grace_s;
	cfg->self_exe = s->self;
	cfg->run_dir = s->run_dir;
	cfg->term = s->term;
	s->launcher.self_exe = s->self;
	s->launcher.run_id = s->run_id;
	s->launcher.partition = o->partition != NULL ? o->partition :
	    job_settings(s->job)->slurm_partition;
	s->launcher.extra_args = o->cluster_args;
	s->launcher.sample_s = o->sample_s;
	cfg->launcher = &s->launcher;
}

/* Run the units and record how the run ended. */
static enum session_rc
session_execute(struct session *s)
{
	struct run_config cfg = RUN_CONFIG_INIT;
	struct run_totals tot;
	const char *status;
	char *cause = NULL;
	double t0 = loop_monotonic();
	int live = isatty(STDERR_FILENO);

	if (!s->o->quiet || live)
		s->term = term_new(stderr, live, job_nunits(s->job));
	session_config(s, &cfg);
	if (run_execute(s->job, s->st, s->run_id, &cfg, &tot, &cause) != 0) {
		if (s->term != NULL)
			term_finish(s->term);
		session_machine_state(s);
		fprintf(stderr, "bench: run %" PRId64 " stopped: %s\n",
		    s->run_id, cause);
		free(cause);
		cause = NULL;
		if (store_run_finish(s->st, s->run_id, "error",
		    loop_walltime(), &cause) != 0)
			fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		return SESSION_ENV;
	}
	if (s->term != NULL)
		term_finish(s->term);
	session_machine_state(s);
	status = tot.was_interrupted ? "interrupted" :
	    tot.count[UNIT_ST_OK] + tot.count[UNIT_ST_SKIPPED] == tot.total ?
	    "ok" : "failed";
	if (store_run_finish(s->st, s->run_id, status, loop_walltime(),
	    &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		return SESSION_ENV;
	}
	session_summary(s, status, &tot, loop_monotonic() - t0);
	if (tot.was_interrupted)
		return SESSION_INTERRUPTED;
	return strcmp(status, "ok") == 0 ? SESSION_OK : SESSION_FAIL;
}

/* Free what a session holds. */
static void
session_release(struct session *s)
{
	char *why = NULL;

	if (s->quiet != NULL)
		json_decref(quiet_finish(s->quiet, &why));
	free(why);
	term_free(s->term);
	store_close(s->st);
	job_free(s->job);
	json_decref(s->sort_by);
	free(s->self);
	free(s->db);
	free(s->run_dir);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
}

/* One run of a job. */
enum session_rc
session_run(const struct session_opts *o, int64_t *run_id)
{
	struct session s = { .o = o, .lock_fd = -1 };
	enum session_rc rc;

	if (run_id != NULL)
		*run_id = 0;
	if ((rc = session_load(&s)) != SESSION_OK)
		goto out;
	if (o->dry_run) {
		term_plan(stdout, s.job, 1);
		goto out;
	}
	session_workers(&s);
	if ((rc = session_open(&s)) != SESSION_OK)
		goto out;
	s.quiet = quiet_start(hwinfo_cores());
	if ((rc = session_create(&s)) != SESSION_OK)
		goto out;
	if (run_id != NULL)
		*run_id = s.run_id;
	if ((rc = session_run_dir(&s)) != SESSION_OK) {
		store_run_finish(s.st, s.run_id, "error", loop_walltime(),
		    NULL);
		goto out;
	}
	fprintf(stderr, "bench: run %" PRId64 " of job '%s': %zu test case%s, "
	    "%zu unit%s, %d worker%s (%s)\n", s.run_id, job_name(s.job),
	    job_ntestcases(s.job), job_ntestcases(s.job) == 1 ? "" : "s",
	    job_nunits(s.job), job_nunits(s.job) == 1 ? "" : "s", s.workers,
	    s.workers == 1 ? "" : "s", s.why);
	rc = session_execute(&s);
	if (rc != SESSION_ENV && session_reports(&s) != 0 && rc == SESSION_OK)
		rc = SESSION_ENV;
out:
	session_release(&s);
	return rc;
}
