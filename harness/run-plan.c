/*
 * run-plan: the setting up of a run: its state, the launcher, the units planned
 * into the database (or kept from the run it resumes), the first pool, and
 * the merge of finished test cases (see run-int.h).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "budget.h"
#include "cgroup.h"
#include "err.h"
#include "gpus.h"
#include "host.h"
#include "hwinfo.h"
#include "job.h"
#include "plan.h"
#include "launch.h"
#include "loop.h"
#include "merge.h"
#include "resume.h"
#include "run.h"
#include "run-int.h"
#include "safe.h"
#include "spawn.h"
#include "sample.h"
#include "sched.h"
#include "slot.h"
#include "store.h"
#include "term.h"
#include "unitenv.h"
#include "xalloc.h"
#include "banned.h"

/* bench's own oom_score_adj while it runs units here. */
#define RUN_OOM_ADJ	(-500)

/* A problem with a whole test case's merge: an event and a line. */
static void
run_merge_warn(const char *msg, void *data)
{
	struct run_state *rs = data;
	char *cause = NULL;

	if (rs->cfg->term != NULL)
		term_message(rs->cfg->term, "bench: %s", msg);
	else
		fprintf(stderr, "bench: %s\n", msg);
	if (run_tx(rs) != 0 || store_event_add(rs->st, rs->run_id, -1,
	    loop_walltime(), "merge", msg, &cause) != 0)
		free(cause);
}

/* Merge a finished test case's metrics into testcase_metrics, when every
   unit of it ended ok; its units' metrics are freed either way. */
int
run_merge(struct run_state *rs, size_t tci)
{
	const struct job_testcase *tc = job_testcase(rs->job, tci);
	struct merge_env env = { .self_exe = rs->cfg->self_exe,
	    .dir = rs->work_dir, .timeout_s = MERGE_TIMEOUT };
	json_t *res = NULL, *m;
	const char *name;
	char *cause = NULL;
	size_t i;
	int rc = 0;

	if (!rs->tc_bad[tci])
		res = merge_testcase(rs->job, tci, rs->unit_metrics, &env,
		    run_merge_warn, rs);
	json_object_foreach(res, name, m) {
		if (run_tx(rs) != 0 ||
		    store_testcase_metric_set(rs->st, rs->run_id, tc->name,
		    name, json_real_value(json_array_get(m, 0)),
		    json_is_true(json_array_get(m, 1)), &cause) != 0) {
			rc = cause != NULL ? run_env_error(rs, cause) : -1;
			break;
		}
	}
	json_decref(res);
	for (i = 0; i < tc->nunits; i++) {
		json_decref(rs->unit_metrics[tc->first_unit + i]);
		rs->unit_metrics[tc->first_unit + i] = NULL;
	}
	return rc;
}

/* Keep unit i of an old run as it ended (--resume). */
static int
run_keep(struct run_state *rs, const struct resume *old, size_t i,
    int64_t old_id, enum unit_status status)
{
	const struct job_unit *u = job_unit(rs->job, i);

	if (store_unit_copy(rs->st, old_id, rs->run_id, &rs->unit_ids[i],
	    &rs->cause) != 0)
		return -1;
	rs->kept++;
	rs->tot->count[status]++;
	if (status == UNIT_ST_OK)
		rs->unit_metrics[i] = resume_metrics(old, old_id);
	else
		rs->tc_bad[u->testcase] = 1;
	return 0;
}

/* Insert unit i as 'pending' and queue it. */
static int
run_queue(struct run_state *rs, size_t i)
{
	const struct job_unit *u = job_unit(rs->job, i);
	const struct job_testcase *tc = job_testcase(rs->job, u->testcase);
	char key[65];
	struct store_unit_info info = {
		.testcase = tc->name, .algorithm = tc->algorithm,
		.paradigm = tc->paradigm, .key = key, .part = u->part,
		.nparts = u->nparts, .rep = u->rep, .seed = u->seed,
		.warmup = u->warmup,
	};
	char *params = unitenv_params(tc);
	int rc;

	plan_unit_key(tc, u, key);
	info.params = params;
	info.log_path = xasprintf("%s/%s.log", rs->logs_dir, u->id);
	rc = store_unit_add(rs->st, rs->run_id, &info, &rs->unit_ids[i],
	    &rs->cause);
	free(params);
	free((char *)info.log_path);
	if (rc == 0) {
		rs->tc_left[u->testcase]++;
		sched_add(rs->sched, i, u->testcase, i == tc->first_unit);
	}
	return rc;
}

/* The larger of a and b, a NAN (unknown) being smaller than any. */
static double
run_dmax(double a, double b)
{
	return isnan(a) || b > a ? b : a;
}

/*
 * The profile of test case t: on this host; for a remote run, the largest
 * of its profiles on the cluster's nodes (a unit may land on any of them).
 * 1 found, 0 none, -1 error (*cause).
 */
static int
run_profile_get(struct run_state *rs, size_t t, struct store_profile *prof,
    char **cause)
{
	char hex[65];
	const char *key = job_testcase_key(job_testcase(rs->job, t), hex);
	struct store_profile p;
	size_t i;
	int r, found = 0;

	if (!rs->remote)
		return store_profile_get(rs->st, key, rs->host.name, prof,
		    cause);
	prof->peak_rss_kb = 0;
	prof->peak_vram_mb = prof->wall_s = NAN;
	for (i = 0; i < rs->nodes.nnodes && rs->nodes.names != NULL; i++) {
		r = store_profile_get(rs->st, key, rs->nodes.names[i], &p,
		    cause);
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		found = 1;
		if (p.peak_rss_kb > prof->peak_rss_kb)
			prof->peak_rss_kb = p.peak_rss_kb;
		prof->peak_vram_mb = run_dmax(prof->peak_vram_mb,
		    p.peak_vram_mb);
		prof->wall_s = run_dmax(prof->wall_s, p.wall_s);
	}
	return found;
}

/* The stored profiles of the job's test cases on this host, or on the
   cluster's nodes. */
static int
run_profiles(struct run_state *rs)
{
	struct store_profile prof;
	char *cause = NULL;
	size_t t, n = 0;
	int r;

	for (t = 0; t < job_ntestcases(rs->job); t++) {
		r = run_profile_get(rs, t, &prof, &cause);
		if (r < 0)
			return run_env_error(rs, cause);
		if (r == 1) {
			sched_profile_set(rs->sched, t, prof.peak_rss_kb,
			    prof.peak_vram_mb, prof.wall_s);
			n++;
		}
	}
	if (rs->remote && n > 0)
		run_event(rs, SIZE_MAX, "workers", "%s: profiles on the "
		    "cluster's nodes for %zu of %zu test case%s: their units "
		    "ask for the largest peak + 10%% (at least %d MiB) unless "
		    "resources.ram says", rs->launcher->ops->name, n,
		    job_ntestcases(rs->job), job_ntestcases(rs->job) == 1 ?
		    "" : "s", SCHED_REMOTE_MEM_MIN_MB);
	return 0;
}

/* Plan the run: every unit 'pending' and queued, or kept from the run it
   resumes; test cases that run finished whole are merged now. */
static int
run_plan(struct run_state *rs)
{
	struct resume *old = NULL;
	enum unit_status status;
	size_t i, t;
	int64_t old_id;
	int rc = 0;

	if (run_profiles(rs) != 0)
		return -1;
	if (rs->cfg->resume_from > 0 && resume_load(rs->st,
	    rs->cfg->resume_from, job_name(rs->job), &old, &rs->cause) != 0)
		return -1;
	if (run_tx(rs) != 0) {
		resume_free(old);
		return -1;
	}
	for (i = 0; rc == 0 && i < job_nunits(rs->job); i++) {
		const struct job_unit *u = job_unit(rs->job, i);
		const struct job_testcase *tc = job_testcase(rs->job,
		    u->testcase);
		char key[65];

		if (rs->cfg->profile_only && i != tc->first_unit)
			continue;	/* not part of this run */
		if (old != NULL)
			plan_unit_key(tc, u, key);
		if (old != NULL && resume_find(old, key, &old_id, &status))
			rc = run_keep(rs, old, i, old_id, status);
		else
			rc = run_queue(rs, i);
	}
	resume_free(old);
	for (t = 0; rc == 0 && rs->kept > 0 && t < job_ntestcases(rs->job);
	    t++) {
		if (rs->tc_left[t] == 0)
			rc = run_merge(rs, t);
	}
	if (rc != 0)
		return -1;
	sched_order(rs->sched);
	return run_commit(rs);
}

/* Set the pool from the profiles: DESIGN.md's safe worker count. */
void
run_size_pool(struct run_state *rs)
{
	const struct job_settings *js = job_settings(rs->job);
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result out;
	long long freemb[BUDGET_MAX_GPUS];
	long peak_kb;
	char *cause = NULL;
	size_t g;

	in.cores = hwinfo_cores();
	in.mem_available_kb = host_ram_available(&rs->host);
	in.mem_source = host_ram_label(&rs->host);
	for (g = 0; g < rs->host.ngpus; g++)
		freemb[g] = (long long)gpus_get(rs->host.gpus, g)->free_mb;
	in.gpu_free_mb = freemb;
	in.ngpus = rs->host.ngpus;
	sched_profile_max(rs->sched, &peak_kb, &in.peak_vram_mb);
	in.peak_rss_kb = peak_kb;
	in.nunits = sched_queued(rs->sched) +
	    (size_t)sched_running(rs->sched);
	safe_workers(&in, &out);
	sched_set_pool(rs->sched, (int)out.workers);
	/* never grow past the memory-safe count */
	sched_set_pool_cap(rs->sched, (int)out.workers);
	run_event(rs, SIZE_MAX, "workers", "%s%s", out.line,
	    sched_pool(rs->sched) < (int)out.workers ?
	    " (capped by the slots)" : "");
	if (js->ram_mb > 0)
		run_event(rs, SIZE_MAX, "workers", "resources.ram %llu MiB "
		    "per unit: units start while they fit the RAM budget of "
		    "%llu MiB", (unsigned long long)js->ram_mb,
		    (unsigned long long)rs->host.ram_budget_mb);
	if (run_tx(rs) == 0 && store_run_set_workers(rs->st, rs->run_id,
	    sched_pool(rs->sched), &cause) != 0)
		free(cause);
}

/* The scheduler of the run, from the job's resources and the host. */
static void
run_sched(struct run_state *rs)
{
	const struct job_settings *js = job_settings(rs->job);
	struct sched_config sc = {
		.nslots = rs->nslots, .retries = rs->cfg->retries,
		.remote = rs->remote, .ram_budget_mb = rs->host.ram_budget_mb,
		.ncores = rs->host.ncores, .ngpus = rs->host.ngpus,
		.declared = {
			.ram_mb = js->ram_mb, .vram_mb = js->vram_mb,
			.gpus = js->gpus > 0 ? (unsigned)js->gpus : 0,
			.cpus = js->cpus > 0 ? (unsigned)js->cpus : 0,
		},
	};
	size_t g;

	for (g = 0; g < rs->host.ngpus && g < SCHED_MAX_GPUS; g++)
		sc.gpu_budget_mb[g] = rs->host.gpu_budget_mb[g];
	rs->sched = sched_new(&sc, job_nunits(rs->job),
	    job_ntestcases(rs->job));
}

/*
 * Lower bench's own oom_score_adj so that the OOM killer takes a unit (they
 * get +500, launch-local.c), not the controller; where that is not
 * permitted, say so. Returns line with that said, freeing line.
 */
static char *
run_oom_protect(char *line)
{
	char *cause = NULL, *out;

	if (spawn_oom_protect(RUN_OOM_ADJ, &cause) == 0)
		out = xasprintf("%s; bench's oom_score_adj %d, units' +500",
		    line, RUN_OOM_ADJ);
	else if (cause == NULL)
		out = xasprintf("%s; bench's oom_score_adj unchanged (lowering "
		    "it is not permitted: %s), units' +500", line,
		    strerror(errno));
	else {
		out = xasprintf("%s; bench's oom_score_adj unchanged (%s), "
		    "units' +500", line, cause);
		free(cause);
	}
	free(line);
	return out;
}

/* The first pool: 1 for --profile-only or while profiling, else from the
   profiles when the worker count is automatic. */
static void
run_first_pool(struct run_state *rs)
{
	char *cause = NULL, *line;

	if (!rs->remote) {
		line = run_oom_protect(host_describe(&rs->host));
		if (run_tx(rs) == 0 && store_event_add(rs->st, rs->run_id, -1,
		    loop_walltime(), "resources", line, &cause) != 0)
			free(cause);
		free(line);
	}
	if (rs->cfg->profile_only)
		sched_set_pool(rs->sched, 1);
	else if (rs->cfg->auto_workers && !rs->remote) {
		if (rs->nslots > 1 && sched_profiling_begin(rs->sched))
			run_event(rs, SIZE_MAX, "workers", "profiling first: "
			    "one unit alone of each test case with no stored "
			    "profile on %s", rs->host.name);
		else
			run_size_pool(rs);
	}
}

/* A remote launcher's kinds of node, read once, to refuse at start the
   units none can hold; when it cannot say, every unit is tried. */
static void
run_nodes(struct run_state *rs)
{
	const struct launch_node_kind *k;
	char *cause = NULL;
	size_t i, big = 0;

	launch_nodes_release(&rs->nodes);
	if (launch_nodes(rs->launcher, &rs->nodes, &cause) != 0) {
		run_event(rs, SIZE_MAX, "launcher", "warning: %s: the node "
		    "sizes are unknown: %s", rs->launcher->ops->name, cause);
		free(cause);
		return;
	}
	if (rs->nodes.nkinds == 0)
		return;
	for (i = 1; i < rs->nodes.nkinds; i++) {
		if (rs->nodes.kinds[i].cpus > rs->nodes.kinds[big].cpus)
			big = i;
	}
	k = &rs->nodes.kinds[big];
	run_event(rs, SIZE_MAX, "launcher", "%s: %u node%s, the largest %u "
	    "CPUs, %" PRIu64 " MiB, %u GPU%s", rs->launcher->ops->name,
	    rs->nodes.nnodes, rs->nodes.nnodes == 1 ? "" : "s", k->cpus,
	    k->mem_mb, k->gpus, k->gpus == 1 ? "" : "s");
}

/* Prepare the launcher, plan the units, say what will happen. */
int
run_prepare(struct run_state *rs)
{
	char *note = NULL, *warning = NULL, *cause = NULL;

	if (launch_prepare(rs->launcher, rs->cfg->run_dir, &note, &warning,
	    &cause) != 0) {
		rs->cause = xasprintf("launcher %s: %s",
		    rs->launcher->ops->name, cause);
		free(cause);
		return -1;
	}
	if (rs->remote)
		run_nodes(rs);	/* before the plan: the nodes' profiles */
	if (run_plan(rs) != 0) {
		free(note);
		free(warning);
		return -1;
	}
	if (note != NULL)
		run_event(rs, SIZE_MAX, "launcher", "%s: %s, at most %d in "
		    "flight", rs->launcher->ops->name, note, rs->nslots);
	if (warning != NULL)
		run_event(rs, SIZE_MAX, "launcher", "warning: %s", warning);
	free(note);
	free(warning);
	if (rs->cfg->resume_from > 0) {
		run_event(rs, SIZE_MAX, "resume", "resuming run %" PRId64
		    ": %zu unit%s kept as they ended, %zu to run",
		    rs->cfg->resume_from, rs->kept, rs->kept == 1 ? "" : "s",
		    sched_queued(rs->sched));
		if (rs->cfg->term != NULL)
			term_set_total(rs->cfg->term, sched_queued(rs->sched));
	}
	run_first_pool(rs);
	return 0;
}

/* Set up the state of a run. */
int
run_setup(struct run_state *rs, char **cause)
{
	size_t n = job_nunits(rs->job), ntc = job_ntestcases(rs->job);
	int k;

	rs->logs_dir = xasprintf("%s/logs", rs->cfg->run_dir);
	rs->work_dir = xasprintf("%s/work", rs->cfg->run_dir);
	if (run_mkdir_own(rs->cfg->run_dir, 0, cause) != 0 ||
	    run_mkdir_own(rs->logs_dir, 0, cause) != 0 ||
	    run_mkdir_own(rs->work_dir, 0, cause) != 0)
		return -1;
	rs->launcher = rs->cfg->launcher;
	if (rs->launcher == NULL) {
		rs->local.ops = &launch_local_ops;
		rs->local.self_exe = rs->cfg->self_exe;
		rs->local.run_id = rs->run_id;
		rs->launcher = &rs->local;
	}
	rs->remote = launch_has(rs->launcher, LAUNCH_REMOTE);
	if (rs->remote)
		host_name(&rs->host);	/* the cluster's resources */
	else
		host_probe(&rs->host);
	rs->env = unitenv_new(rs->cfg->self_exe, rs->work_dir, rs->run_id,
	    rs->job, rs->cfg->parallel, rs->host.ncores,
	    rs->host.gpus);
	rs->unit_ids = xcalloc(n + 1, sizeof *rs->unit_ids);
	rs->tc_left = xcalloc(ntc + 1, sizeof *rs->tc_left);
	rs->tc_bad = xcalloc(ntc + 1, sizeof *rs->tc_bad);
	rs->unit_metrics = xcalloc(n + 1, sizeof *rs->unit_metrics);
	if (rs->remote)
		rs->avoid = xcalloc(n + 1, sizeof *rs->avoid);
	rs->units = xcalloc((size_t)rs->nslots, sizeof *rs->units);
	rs->slots = xcalloc((size_t)rs->nslots, sizeof *rs->slots);
	for (k = 0; k < rs->nslots; k++) {
		rs->units[k].io = rs->slots[k] = slot_new();
		rs->units[k].state = UNIT_DONE;
	}
	rs->dur.timeout_s = rs->cfg->timeout_s;
	rs->dur.grace_s = rs->cfg->grace_s;
	rs->dur.eof_grace_s = RUN_EOF_GRACE;
	run_sched(rs);
	return 0;
}

/* Free the state of a run. */
void
run_teardown(struct run_state *rs)
{
	size_t i;
	int k;

	for (k = 0; rs->slots != NULL && k < rs->nslots; k++)
		slot_free(rs->slots[k]);
	for (i = 0; rs->unit_metrics != NULL && i < job_nunits(rs->job); i++)
		json_decref(rs->unit_metrics[i]);
	free(rs->unit_metrics);
	for (i = 0; rs->avoid != NULL && i < job_nunits(rs->job); i++)
		free(rs->avoid[i]);
	free(rs->avoid);
	free(rs->units);
	free(rs->slots);
	free(rs->unit_ids);
	free(rs->tc_left);
	free(rs->tc_bad);
	sched_free(rs->sched);
	launch_nodes_release(&rs->nodes);
	unitenv_free(rs->env);
	host_release(&rs->host);
	free(rs->logs_dir);
	free(rs->work_dir);
	free(rs->cause);
}
