/*
 * run: the engine's wiring (see run.h). Each running unit has a slot (its
 * pipes and records), a state and evidence (unit.h), deadlines, and what
 * sched granted it; every change of state goes through unit_step, and the
 * effects of the table's cell are carried out in run_apply, in one place.
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
#include "launch.h"
#include "loop.h"
#include "merge.h"
#include "resume.h"
#include "run.h"
#include "safe.h"
#include "sample.h"
#include "sched.h"
#include "slot.h"
#include "store.h"
#include "term.h"
#include "unitenv.h"
#include "xalloc.h"
#include "banned.h"

#define RUN_COMMIT_EVERY	0.25	/* seconds a transaction stays open */
#define RUN_EOF_GRACE		2.0	/* pipes held open after the exit */
#define RUN_INTERRUPT_GRACE	2.0
#define RUN_MAX_SAMPLES		20000	/* sample rows per unit */
#define RUN_BUDGET_MIN_MB	64	/* smaller units are not reserved */

/* A unit in a slot, from START to DONE. */
struct run_unit {
	struct slot	*io;
	size_t		 unit;		/* job unit index */
	enum unit_state	 state;		/* UNIT_DONE: the slot is free */
	struct unit_evidence ev;
	struct unit_timers tm;
	struct sched_grant grant;
	int		 finish;	/* FINISH pending this iteration */
	int		 wstatus;	/* as reaped */
	struct rusage	 ru;
	int		 attempt;
	double		 start_mono, start_wall;
	int		 co_running;
	struct cgroup	*cg;		/* its memory cgroup */
	int64_t		 budget_id;	/* host budget reservation, 0 none */
	struct sample	*sampler;	/* made at the first tick */
	size_t		 nsamples;
};

struct run_state {
	struct job		*job;
	struct store		*st;
	int64_t			 run_id;
	const struct run_config	*cfg;
	struct run_totals	*tot;
	int64_t			*unit_ids;
	size_t			*tc_left;	/* units left per test case */
	unsigned char		*tc_bad;	/* a unit did not end ok */
	json_t			**unit_metrics;	/* {name:[value,timing]} */
	struct run_unit		*units;		/* one per slot */
	struct slot		**slots;	/* units[k].io, for the loop */
	int			 nslots;
	struct sched		*sched;
	struct host		 host;
	struct loop		*loop;
	struct launcher		 local;		/* when cfg->launcher is NULL */
	const struct launcher	*launcher;
	int			 remote;	/* LAUNCH_REMOTE */
	struct unit_durations	 dur;
	struct unitenv		*env;
	int			 in_tx;
	double			 tx_since;
	char			*logs_dir;
	char			*work_dir;
	char			*cause;		/* first environment error */
	int			 seen_signals;
	int			 budget_wait;	/* the host budget said not now */
	size_t			 kept;		/* units kept from a resumed run */
	size_t			 ncancel;	/* units whose remains were
						   cancelled */
	double			 next_sample;	/* 0 none */
};

static int run_finish(struct run_state *rs, struct run_unit *ru);

/* mkdir -p with mode 0700. */
static int
run_mkdirs(const char *path, char **cause)
{
	char *p = xstrdup(path), *s, c;

	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			err_errno(cause, "cannot create directory '%s'", p);
			free(p);
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return 0;
}

/* Commit the open transaction, if any. */
static int
run_commit(struct run_state *rs)
{
	if (!rs->in_tx)
		return 0;
	rs->in_tx = 0;
	return store_commit(rs->st, &rs->cause);
}

/* Make sure a transaction is open. */
static int
run_tx(struct run_state *rs)
{
	if (rs->in_tx)
		return 0;
	if (store_begin(rs->st, &rs->cause) != 0)
		return -1;
	rs->in_tx = 1;
	rs->tx_since = loop_monotonic();
	return 0;
}

/* Record an environment error (the first wins); returns -1. */
static int
run_env_error(struct run_state *rs, char *cause)
{
	if (rs->cause == NULL)
		rs->cause = cause;
	else
		free(cause);
	return -1;
}

/* An event: a row in the database and a line on the terminal. u is a job
   unit index, or SIZE_MAX for the run. */
static void
run_event(struct run_state *rs, size_t u, const char *kind,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void
run_event(struct run_state *rs, size_t u, const char *kind,
    const char *fmt, ...)
{
	char *msg, *cause = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (rs->cfg->term != NULL)
		term_message(rs->cfg->term, "bench: %s", msg);
	else
		fprintf(stderr, "bench: %s\n", msg);
	if (run_tx(rs) != 0 || store_event_add(rs->st, rs->run_id,
	    u == SIZE_MAX ? -1 : rs->unit_ids[u], loop_walltime(), kind, msg,
	    &cause) != 0)
		free(cause);
	free(msg);
}

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
static int
run_merge(struct run_state *rs, size_t tci)
{
	const struct job_testcase *tc = job_testcase(rs->job, tci);
	json_t *res = NULL, *m;
	const char *name;
	char *cause = NULL;
	size_t i;
	int rc = 0;

	if (!rs->tc_bad[tci])
		res = merge_testcase(rs->job, tci, rs->unit_metrics,
		    rs->cfg->self_exe, run_merge_warn, rs);
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
	struct store_unit_info info = {
		.testcase = tc->name, .algorithm = tc->algorithm,
		.paradigm = tc->paradigm, .key = u->key, .part = u->part,
		.nparts = u->nparts, .rep = u->rep, .seed = u->seed,
	};
	char *params = unitenv_params(tc);
	int rc;

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

/* The stored profiles of the job's test cases on this host. */
static int
run_profiles(struct run_state *rs)
{
	struct store_profile prof;
	char *cause = NULL;
	size_t t;
	int r;

	for (t = 0; t < job_ntestcases(rs->job); t++) {
		r = store_profile_get(rs->st, job_testcase(rs->job, t)->key,
		    rs->host.name, &prof, &cause);
		if (r < 0)
			return run_env_error(rs, cause);
		if (r == 1)
			sched_profile_set(rs->sched, t, prof.peak_rss_kb,
			    prof.peak_vram_mb, prof.wall_s);
	}
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

		if (rs->cfg->profile_only &&
		    i != job_testcase(rs->job, u->testcase)->first_unit)
			continue;	/* not part of this run */
		if (old != NULL && resume_find(old, u->key, &old_id, &status))
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
static void
run_size_pool(struct run_state *rs)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result out;
	long long freemb[BUDGET_MAX_GPUS];
	long peak_kb;
	char *cause = NULL;
	size_t g;

	in.cores = hwinfo_cores();
	in.mem_available_kb = hwinfo_mem_available_kb();
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
	run_event(rs, SIZE_MAX, "workers", "%s%s", out.line,
	    sched_pool(rs->sched) < (int)out.workers ?
	    " (capped by the slots)" : "");
	if (run_tx(rs) == 0 && store_run_set_workers(rs->st, rs->run_id,
	    sched_pool(rs->sched), &cause) != 0)
		free(cause);
}

/* Reserve unit ru's share of the host budget shared with other bench
   processes: 0, or 1 when it must wait. Units needing less than
   RUN_BUDGET_MIN_MB and no cores or GPUs are not reserved: a reservation is
   a locked file rewrite, too dear per tiny unit. */
static int
run_reserve(struct run_state *rs, struct run_unit *ru)
{
	const struct sched_grant *g = &ru->grant;
	struct budget_need bn = { .ram_mb = g->need.ram_mb,
	    .cpus = g->ncore, .ngpus = g->ngpu };
	char *why = NULL, *cause = NULL;
	unsigned c;
	int rc;

	if (rs->remote || (g->need.ram_mb < RUN_BUDGET_MIN_MB &&
	    g->need.cpus == 0 && g->ngpu == 0))
		return 0;
	for (c = 0; c < g->ngpu; c++) {
		bn.gpus[c] = (unsigned)g->gpu[c];
		bn.vram_mb[c] = g->need.vram_mb;
	}
	rc = budget_reserve(&rs->host.totals, &bn, &ru->budget_id, &why,
	    &cause);
	if (rc == 1 && !rs->budget_wait)
		run_event(rs, ru->unit, "budget", "%s waits: %s (other bench "
		    "processes hold the host budget %s)", job_unit(rs->job,
		    ru->unit)->id, why, budget_path());
	free(why);
	free(cause);	/* < 0: larger than the host: runs alone */
	if (rc < 0)
		ru->budget_id = 0;
	return rc == 1;
}

/* The memory cap and core binding of a local unit. */
static void
run_caps(struct run_state *rs, struct run_unit *ru, struct launch_unit *lu,
    cpu_set_t *cpus)
{
	const struct sched_grant *g = &ru->grant;
	char name[96], *cause = NULL;
	unsigned c;

	if (g->need.cap_mb > 0 && !rs->remote) {
		snprintf(name, sizeof name, "%s-a%d", job_unit(rs->job,
		    ru->unit)->id, ru->attempt);
		if (rs->host.cgroups && cgroup_create(name, g->need.cap_mb <<
		    20, &ru->cg, &cause) == 0) {
			lu->cgroup_fd = cgroup_procs_fd(ru->cg);
		} else {
			if (cause != NULL)
				slot_log(ru->io, "no memory cgroup (%s): "
				    "capping the address space instead", cause);
			free(cause);
			lu->rlimit_as = (unsigned long long)g->need.cap_mb << 20;
		}
	}
	if (g->ncore > 0 && !rs->remote) {
		CPU_ZERO(cpus);
		for (c = 0; c < g->ncore; c++)
			hwinfo_core_cpuset(g->core[c], cpus);
		if (CPU_COUNT(cpus) > 0)
			lu->affinity = cpus;
	}
}

/* Every running unit has run alongside at least this many others. */
static void
run_co_running(struct run_state *rs)
{
	int k, n = sched_running(rs->sched) - 1;

	for (k = 0; k < rs->nslots; k++) {
		if (rs->units[k].state != UNIT_DONE &&
		    rs->units[k].co_running < n)
			rs->units[k].co_running = n;
	}
}

/* Launch the unit in ru, its pipes open: 0, or -1 with *cause. */
static int
run_launch(struct run_state *rs, struct run_unit *ru, int status_w,
    int out_w, char **cause)
{
	const struct job_unit *u = job_unit(rs->job, ru->unit);
	const struct job_testcase *tc = job_testcase(rs->job, u->testcase);
	struct launch_unit lu = LAUNCH_UNIT_INIT;
	struct unitenv_unit ue;
	cpu_set_t cpus;
	pid_t pid = 0;
	int rc;

	unitenv_build(rs->env, u, tc, &ru->grant, sched_pool(rs->sched),
	    &ue);
	run_caps(rs, ru, &lu, &cpus);
	lu.unit_id = u->id;
	lu.argv = ue.argv;
	lu.command = tc->runner == JOB_RUNNER_COMMAND;
	lu.envp = ue.envp;
	lu.status_fd = status_w;
	lu.out_fd = out_w;
	lu.cpus = (int)ru->grant.need.cpus;
	lu.mem_mb = ru->grant.need.cap_mb;
	lu.gpus = (int)ru->grant.need.gpus;
	lu.timeout_s = rs->cfg->timeout_s;
	rc = launch_start(rs->launcher, &lu, &pid, cause);
	unitenv_release(&ue);
	slot_set_pid(ru->io, rc == 0 ? pid : 0);
	return rc;
}

/* Kill every child of bench that is not a running unit's leader. */
static void
run_kill_orphans(struct run_state *rs)
{
	pid_t live[64] = { 0 }, *pids = rs->nslots <= 64 ? live :
	    xcalloc((size_t)rs->nslots, sizeof *pids);
	size_t n = 0;
	int k;

	for (k = 0; k < rs->nslots; k++) {
		enum unit_state s = rs->units[k].state;

		if ((s == UNIT_RUNNING || s == UNIT_DRAINED) &&
		    slot_pid(rs->units[k].io) > 0)
			pids[n++] = slot_pid(rs->units[k].io);
	}
	loop_kill_orphans(pids, n);
	if (pids != live)
		free(pids);
}

/* Carry out the effects of a transition of the unit in ru. */
static void
run_apply(struct run_state *rs, struct run_unit *ru, enum unit_event e,
    unsigned fx)
{
	if (fx & UNIT_DO_TERM) {
		if (e == UNIT_EV_DEADLINE)
			slot_log(ru->io, "timeout after %gs: SIGTERM to "
			    "process group %ld", rs->cfg->timeout_s,
			    (long)slot_pid(ru->io));
		slot_kill(ru->io, SIGTERM);
		slot_kill(ru->io, SIGCONT);
	}
	if ((fx & UNIT_DO_KILL) && e == UNIT_EV_KILL_AT)
		slot_log(ru->io, "still running %gs after SIGTERM: SIGKILL",
		    rs->cfg->grace_s);
	if (fx & UNIT_DO_KILL)
		slot_kill(ru->io, SIGKILL);
	if (fx & UNIT_DO_CUT) {
		slot_cut(ru->io);
		run_kill_orphans(rs);	/* whoever held them escaped */
	}
	if (fx & UNIT_DO_FINISH)
		ru->finish = 1;
}

/* Move the unit in ru along the table and carry out the effects. */
static void
run_step(struct run_state *rs, struct run_unit *ru, enum unit_event e)
{
	struct unit_durations d = rs->dur;
	unsigned fx = unit_step(&ru->state, &ru->ev, e);

	if (e == UNIT_EV_INTERRUPT)
		d.grace_s = RUN_INTERRUPT_GRACE;
	unit_timers_apply(&ru->tm, fx, loop_monotonic(), &d);
	run_apply(rs, ru, e, fx);
}

/* Start unit i in the free slot k: 0 started (or ended at once: it could
   not start), 1 the host budget says later, -1 an environment error. */
static int
run_start(struct run_state *rs, int k, size_t i)
{
	struct run_unit *ru = &rs->units[k];
	const struct job_unit *u = job_unit(rs->job, i);
	char *log, *cause = NULL;
	int status_w, out_w, rc;

	memset(&ru->ev, 0, sizeof ru->ev);
	unit_timers_clear(&ru->tm);
	ru->unit = i;
	ru->state = UNIT_QUEUED;
	ru->finish = ru->co_running = 0;
	ru->nsamples = 0;
	ru->budget_id = 0;
	ru->wstatus = 0;
	memset(&ru->ru, 0, sizeof ru->ru);
	unit_step(&ru->state, &ru->ev, UNIT_EV_START);
	sched_take(rs->sched, i, &ru->grant);
	if (run_reserve(rs, ru) != 0) {
		rs->budget_wait = 1;
		unit_step(&ru->state, &ru->ev, UNIT_EV_WAIT);
		sched_give(rs->sched, &ru->grant);
		return 1;
	}
	rs->budget_wait = 0;
	log = xasprintf("%s/%s.log", rs->logs_dir, u->id);
	rc = slot_open(ru->io, log, launch_has(rs->launcher,
	    LAUNCH_READS_TAIL), &status_w, &out_w, &rs->cause);
	free(log);
	if (rc != 0) {
		/* nothing started: give everything back, stop the run */
		if (ru->budget_id != 0 && budget_release(ru->budget_id,
		    &cause) != 0)
			free(cause);
		sched_give(rs->sched, &ru->grant);
		ru->state = UNIT_DONE;
		return -1;
	}
	ru->attempt = sched_started(rs->sched, i);
	ru->start_mono = loop_monotonic();
	ru->start_wall = loop_walltime();
	run_co_running(rs);
	rc = run_launch(rs, ru, status_w, out_w, &cause);
	close(status_w);
	close(out_w);
	if (rc != 0) {
		/* not a bench failure: the unit could not start */
		slot_log(ru->io, "%s", cause);
		slot_cut(ru->io);
		ru->wstatus = 127 << 8;
		ru->ev.have_end = 1;
		ru->ev.end_status = "failed";
		ru->ev.end_error = cause;
		unit_step(&ru->state, &ru->ev, UNIT_EV_LAUNCH_FAILED);
		rc = run_finish(rs, ru);
		free(cause);
		return rc;
	}
	run_step(rs, ru, UNIT_EV_LAUNCHED);
	if (run_tx(rs) != 0 || store_unit_start(rs->st, rs->unit_ids[i],
	    ru->attempt, k, slot_pid(ru->io), ru->start_wall, &cause) != 0)
		return run_env_error(rs, cause);
	return 0;
}

/* The evidence of a unit's end: the launcher's reading of its status, its
   cgroup, its records. */
static void
run_evidence(struct run_state *rs, struct run_unit *ru, struct launch_end *le)
{
	const struct slot_report *r = slot_report(ru->io);
	struct unit_evidence *ev = &ru->ev;
	char *cause = NULL;

	launch_end(rs->launcher, ru->wstatus, r->tail, le);
	ev->wstatus = le->wstatus;
	ev->launch_fault = le->fault;
	ev->launch_timelimit = le->timelimit;
	ev->launch_retryable = le->retryable;
	ev->launch_error = le->error;
	if (ru->cg != NULL) {
		ev->cgroup = 1;
		ev->oom_kills = cgroup_oom_kills(ru->cg, &cause);
		free(cause);
		cause = NULL;
		ev->peak_kb = cgroup_peak_kb(ru->cg, &cause);
		free(cause);
		ev->cap_mb = ru->grant.need.cap_mb;
		ev->cgroup_kind = cgroup_kind();
	}
	if (r->have_end) {
		ev->have_end = 1;
		ev->end_status = r->end_status;
		ev->end_error = r->end_error;
	}
	ev->nproto = r->nproto;
	ev->proto_error = r->proto_error;
	ev->dropped_metrics = r->dropped_metrics;
	ev->max_metrics = SLOT_MAX_METRICS;
	ev->timeout_s = rs->cfg->timeout_s;
}

/* The row of a unit's end: times, usage, peaks. */
static void
run_end_row(struct run_state *rs, struct run_unit *ru,
    const struct unit_verdict *v, struct store_unit_end *end)
{
	const struct slot_report *r = slot_report(ru->io);
	struct rusage *u = &ru->ru;
	long peak = ru->sampler != NULL ? sample_peak_rss_kb(ru->sampler) : 0;
	double vram = ru->sampler != NULL ? sample_peak_vram_mb(ru->sampler) :
	    NAN;
	size_t i;

	if (rs->remote && r->have_usage) {
		/* the launcher's usage is its own: take the worker's */
		u->ru_utime.tv_sec = (time_t)r->usage_user_s;
		u->ru_utime.tv_usec = (suseconds_t)((r->usage_user_s -
		    (double)u->ru_utime.tv_sec) * 1e6);
		u->ru_stime.tv_sec = (time_t)r->usage_sys_s;
		u->ru_stime.tv_usec = (suseconds_t)((r->usage_sys_s -
		    (double)u->ru_stime.tv_sec) * 1e6);
		u->ru_maxrss = r->usage_maxrss_kb;
	}
	if (ru->ev.cgroup && ru->ev.peak_kb > peak)
		peak = (long)ru->ev.peak_kb;
	if (peak > u->ru_maxrss)
		u->ru_maxrss = peak;
	/* no NVML figure: the unit's own, from the CUDA runtime */
	for (i = 0; isnan(vram) && i < r->nmetrics; i++) {
		if (strcmp(r->metrics[i].name, "vram_used_mb") == 0)
			vram = r->metrics[i].value;
	}
	memset(end, 0, sizeof *end);
	end->status = unit_status_name(v->status);
	end->finished_at = loop_walltime();
	end->wall_s = loop_monotonic() - ru->start_mono;
	end->cpu_user_s = (double)u->ru_utime.tv_sec +
	    (double)u->ru_utime.tv_usec / 1e6;
	end->cpu_sys_s = (double)u->ru_stime.tv_sec +
	    (double)u->ru_stime.tv_usec / 1e6;
	end->maxrss_kb = slot_pid(ru->io) > 0 ? u->ru_maxrss : -1;
	end->vram_peak_mb = vram;
	end->exit_code = WIFEXITED(ru->ev.wstatus) ?
	    WEXITSTATUS(ru->ev.wstatus) : -1;
	end->signal = WIFSIGNALED(ru->ev.wstatus) ?
	    WTERMSIG(ru->ev.wstatus) : 0;
	end->co_running = ru->co_running;
	end->error = v->error;
	end->host = !rs->remote ? rs->host.name : r->host[0] != '\0' ?
	    r->host : NULL;
}

/* Record a unit's end, its metrics (unless it runs again) and, when it
   ended ok here, its test case's profile. */
static int
run_record(struct run_state *rs, struct run_unit *ru,
    const struct store_unit_end *end, int retry)
{
	const struct slot_report *r = slot_report(ru->io);
	size_t tci = job_unit(rs->job, ru->unit)->testcase;
	int64_t id = rs->unit_ids[ru->unit];
	struct store_profile prof;
	char *cause = NULL;
	size_t i;

	if (run_tx(rs) != 0)
		return -1;
	if (store_unit_finish(rs->st, id, end, &cause) != 0)
		return run_env_error(rs, cause);
	for (i = 0; !retry && i < r->nmetrics; i++) {
		if (store_metric_add(rs->st, id, r->metrics[i].name,
		    r->metrics[i].value, r->metrics[i].timing, &cause) != 0)
			return run_env_error(rs, cause);
	}
	if (strcmp(end->status, "ok") != 0 || end->maxrss_kb <= 0 ||
	    rs->remote)
		return 0;
	prof.peak_rss_kb = end->maxrss_kb;
	prof.peak_vram_mb = end->vram_peak_mb;
	prof.wall_s = ru->co_running == 0 ? end->wall_s :
	    sched_profile_wall(rs->sched, tci);
	prof.measured_at = end->finished_at;
	if (store_profile_put(rs->st, job_testcase(rs->job, tci)->key,
	    rs->host.name, &prof, &cause) != 0)
		return run_env_error(rs, cause);
	sched_profile_set(rs->sched, tci, end->maxrss_kb, end->vram_peak_mb,
	    prof.wall_s);
	return 0;
}

/* What sched decided about an end: events for the pool and retries. */
static void
run_decide(struct run_state *rs, struct run_unit *ru,
    const struct unit_verdict *v, struct sched_decision *d)
{
	const char *id = job_unit(rs->job, ru->unit)->id;
	struct sched_end e = {
		.status = v->status, .attempt = ru->attempt,
		.launch_retryable = v->launch_retryable,
		.evicted = ru->ev.evicted,
		.stopping = rs->tot->was_interrupted,
	};

	sched_ended(rs->sched, ru->unit, &e, loop_monotonic(), d);
	if (d->pool_after < d->pool_before)
		run_event(rs, ru->unit, "pool", "%s ended oom: %d worker%s "
		    "now", id, d->pool_after, d->pool_after == 1 ? "" : "s");
	else if (d->pool_after > d->pool_before)
		run_event(rs, ru->unit, "pool", "%d units ok in a row: %d "
		    "workers now", d->pool_before, d->pool_after);
	if (d->retry && !ru->ev.evicted)
		run_event(rs, ru->unit, "retry", "%s: attempt %d of %d in "
		    "%.1fs (%s)", id, ru->attempt + 1, rs->cfg->retries + 1,
		    d->backoff, v->error);
}

/* Give back what the unit held: the launcher's remains, its cgroup, its
   host budget share, what sched granted. The one place this happens. */
static void
run_release(struct run_state *rs, struct run_unit *ru)
{
	char *cause = NULL;

	if (launch_has(rs->launcher, LAUNCH_REMOTE) &&
	    slot_pid(ru->io) > 0 && (ru->ev.timed_out || ru->ev.interrupted ||
	    ru->ev.launch_fault || (WIFSIGNALED(ru->wstatus) &&
	    WTERMSIG(ru->wstatus) == SIGKILL))) {
		rs->ncancel++;
		if (launch_cancel(rs->launcher, job_unit(rs->job,
		    ru->unit)->id, &cause) != 0) {
			slot_log(ru->io, "%s", cause);
			free(cause);
			cause = NULL;
		}
	}
	if (ru->cg != NULL && cgroup_destroy(ru->cg, &cause) != 0) {
		slot_log(ru->io, "%s", cause);
		free(cause);
		cause = NULL;
	}
	ru->cg = NULL;
	if (ru->budget_id != 0 && budget_release(ru->budget_id, &cause) != 0)
		free(cause);
	ru->budget_id = 0;
	sched_give(rs->sched, &ru->grant);
	sample_free(ru->sampler);
	ru->sampler = NULL;
}

/* Count a unit that ended for good; merge its test case when complete. */
static int
run_done(struct run_state *rs, struct run_unit *ru,
    const struct unit_verdict *v, double wall_s)
{
	const struct job_unit *u = job_unit(rs->job, ru->unit);
	const struct job_testcase *tc = job_testcase(rs->job, u->testcase);
	const struct slot_report *r = slot_report(ru->io);
	json_t *obj;
	size_t i;

	rs->tot->count[v->status]++;
	if (v->status == UNIT_ST_OK) {
		obj = json_object();
		for (i = 0; i < r->nmetrics; i++)
			json_object_set_new(obj, r->metrics[i].name,
			    json_pack("[f,b]", r->metrics[i].value,
			    r->metrics[i].timing));
		json_decref(rs->unit_metrics[ru->unit]);
		rs->unit_metrics[ru->unit] = obj;
	} else
		rs->tc_bad[u->testcase] = 1;
	if (rs->cfg->term != NULL)
		term_unit_done(rs->cfg->term, unit_status_name(v->status),
		    tc->name, u->id, wall_s, v->error);
	if (--rs->tc_left[u->testcase] == 0 &&
	    !(rs->cfg->profile_only && tc->nunits > 1) &&
	    run_merge(rs, u->testcase) != 0)
		return -1;
	/* the profiling phase ends when every unprofiled test case has its
	   profile: size the pool from them */
	if (sched_profiling_over(rs->sched))
		run_size_pool(rs);
	return 0;
}

/* Classify and record the end of the unit in ru; free its slot. */
static int
run_finish(struct run_state *rs, struct run_unit *ru)
{
	struct store_unit_end end;
	struct sched_decision d;
	struct unit_verdict v;
	struct launch_end le;
	int rc;

	run_evidence(rs, ru, &le);
	unit_classify(&ru->ev, &v);
	if (v.status != UNIT_ST_OK)
		slot_log(ru->io, "unit ended %s%s%s",
		    unit_status_name(v.status), v.error ? ": " : "",
		    v.error ? v.error : "");
	run_decide(rs, ru, &v, &d);
	run_end_row(rs, ru, &v, &end);
	rc = run_record(rs, ru, &end, d.retry);
	run_release(rs, ru);
	if (d.retry)
		unit_step(&ru->state, &ru->ev, UNIT_EV_RETRY);
	else if (rc == 0)
		rc = run_done(rs, ru, &v, end.wall_s);
	ru->state = UNIT_DONE;
	ru->finish = 0;
	slot_clear(ru->io);
	free(le.error);
	free(v.error);
	return rc;
}

/* loop: the last pipe of slot k closed. */
static void
run_on_eof(int k, void *data)
{
	struct run_state *rs = data;

	run_step(rs, &rs->units[k], UNIT_EV_EOF);
}

/* loop: a child was reaped; grandchildren left go with its group. */
static void
run_on_exit(pid_t pid, int wstatus, const struct rusage *ru, void *data)
{
	struct run_state *rs = data;
	struct run_unit *u;
	int k;

	for (k = 0; k < rs->nslots; k++) {
		u = &rs->units[k];
		if ((u->state == UNIT_RUNNING || u->state == UNIT_DRAINED) &&
		    slot_pid(u->io) == pid) {
			u->wstatus = wstatus;
			u->ru = *ru;
			run_step(rs, u, UNIT_EV_EXIT);
			return;
		}
	}
}

/* loop: about to wait: commit. */
static int
run_on_idle(void *data)
{
	return run_commit(data);
}

/* Apply e to every unit whose process lives. */
static void
run_broadcast(struct run_state *rs, enum unit_event e)
{
	int k;

	for (k = 0; k < rs->nslots; k++) {
		if (rs->units[k].state == UNIT_RUNNING ||
		    rs->units[k].state == UNIT_DRAINED ||
		    rs->units[k].state == UNIT_EXITED)
			run_step(rs, &rs->units[k], e);
	}
}

/* Fire every deadline that is due. */
static void
run_deadlines(struct run_state *rs, double now)
{
	enum unit_event e;
	int k;

	for (k = 0; k < rs->nslots; k++) {
		while (rs->units[k].state != UNIT_DONE &&
		    unit_timers_due(&rs->units[k].tm, rs->units[k].state, now,
		    &e))
			run_step(rs, &rs->units[k], e);
	}
}

/* How long the loop may wait: the earliest deadline, backoff or sample;
   < 0 forever. */
static double
run_wait(struct run_state *rs, double now, double ready)
{
	double next = ready > 0 ? ready : UNIT_NEVER, d, wait;
	int k;

	for (k = 0; k < rs->nslots; k++) {
		d = unit_timers_next(&rs->units[k].tm, rs->units[k].state);
		if (d < next)
			next = d;
	}
	if (rs->next_sample > 0 && rs->next_sample < next)
		next = rs->next_sample;
	wait = next < UNIT_NEVER ? (next > now ? next - now : 0) : -1;
	if (rs->cfg->term != NULL && (wait < 0 || wait > 0.25))
		wait = 0.25;
	if ((rs->budget_wait || sched_paused(rs->sched)) &&
	    (wait < 0 || wait > 0.5))
		wait = 0.5;
	return wait;
}

/* Sample one running unit's process group. */
static void
run_sample(struct run_state *rs, struct run_unit *ru, double now)
{
	struct sample_point p;
	char *cause = NULL;
	int gpu = -1;

	if (ru->sampler == NULL && (ru->sampler = sample_new(slot_pid(ru->io),
	    &cause)) == NULL) {
		free(cause);
		return;
	}
	if (ru->grant.ngpu > 0)
		gpu = (int)gpus_get(rs->host.gpus,
		    (size_t)ru->grant.gpu[0])->nvml_index;
	if (sample_take(ru->sampler, now, rs->host.nvml, gpu, &p,
	    &cause) != 0) {
		free(cause);
		return;
	}
	if (ru->nsamples >= RUN_MAX_SAMPLES)
		return;
	ru->nsamples++;
	if (run_tx(rs) != 0 || store_sample_add(rs->st,
	    rs->unit_ids[ru->unit], now - ru->start_mono, p.rss_kb, p.cpu_pct,
	    p.vram_mb, p.gpu_util, &cause) != 0)
		free(cause);
}

/* Memory pressure: pause admission, resume it, evict the youngest. */
static void
run_pressure(struct run_state *rs)
{
	double left = host_memory_left(&rs->host);
	struct run_unit *young = NULL, *u;
	unsigned v;
	int k;

	if (left < 0 || rs->remote)
		return;
	v = sched_pressure(rs->sched, left);
	if (v & SCHED_PAUSE)
		run_event(rs, SIZE_MAX, "pressure", "memory left %.1f%% (RAM "
		    "or a GPU; < %.0f%%): no new unit starts", left * 100,
		    SCHED_PRESSURE_STOP * 100);
	if (v & SCHED_RESUME)
		run_event(rs, SIZE_MAX, "pressure", "memory left back at "
		    "%.1f%%: units start again", left * 100);
	if (!(v & SCHED_EVICT))
		return;
	for (k = 0; k < rs->nslots; k++) {
		u = &rs->units[k];
		if ((u->state == UNIT_RUNNING || u->state == UNIT_DRAINED) &&
		    !u->ev.evicted && (young == NULL ||
		    u->start_mono > young->start_mono))
			young = u;
	}
	if (young == NULL)
		return;
	run_step(rs, young, UNIT_EV_EVICT);
	run_event(rs, young->unit, "evict", "memory left %.1f%% (RAM or a "
	    "GPU; < %.0f%%): killed the youngest unit, %s, to requeue it",
	    left * 100, SCHED_PRESSURE_KILL * 100,
	    job_unit(rs->job, young->unit)->id);
}

/* Sample every live unit each sample_s seconds, and check the pressure. */
static void
run_tick(struct run_state *rs, double now)
{
	int k;

	if (rs->cfg->sample_s > 0 && sched_running(rs->sched) > 0 &&
	    (rs->next_sample == 0 || now >= rs->next_sample)) {
		if (rs->next_sample > 0) {
			for (k = 0; k < rs->nslots && !rs->remote; k++) {
				if (rs->units[k].state == UNIT_RUNNING ||
				    rs->units[k].state == UNIT_DRAINED)
					run_sample(rs, &rs->units[k], now);
			}
			run_pressure(rs);
		}
		rs->next_sample = now + rs->cfg->sample_s;
	} else if (sched_running(rs->sched) == 0)
		rs->next_sample = 0;
	if (sched_paused(rs->sched) && sched_running(rs->sched) == 0)
		run_pressure(rs);
}

/* Start what fits; *ready: when a unit in backoff becomes ready. */
static int
run_admit(struct run_state *rs, double *ready)
{
	ssize_t pick;
	int k, r;

	*ready = 0;
	while (!loop_signalled(rs->loop)) {
		pick = sched_pick(rs->sched, loop_monotonic(), ready);
		if (pick < 0)
			break;
		for (k = 0; k < rs->nslots && rs->units[k].state != UNIT_DONE;
		    k++)
			;
		if (k == rs->nslots)
			BUG("run: sched picked a unit with every slot busy");
		if ((r = run_start(rs, k, (size_t)pick)) < 0)
			return -1;
		if (r > 0)
			break;	/* the host budget: later */
	}
	return 0;
}

/* Finish the units whose end came this iteration. */
static int
run_finish_pending(struct run_state *rs)
{
	int k;

	for (k = 0; k < rs->nslots; k++) {
		if (rs->units[k].finish && run_finish(rs,
		    &rs->units[k]) != 0)
			return -1;
	}
	return 0;
}

/* One iteration: wait, read, reap, signals, deadlines, samples. */
static int
run_iterate(struct run_state *rs, double ready)
{
	int n;

	if (rs->cfg->term != NULL)
		term_progress(rs->cfg->term, (size_t)sched_running(rs->sched),
		    0);
	if (loop_wait(rs->loop, rs->slots, rs->nslots, run_wait(rs,
	    loop_monotonic(), ready), run_on_idle, run_on_eof, rs,
	    &rs->cause) != 0)
		return -1;
	if (rs->in_tx && loop_monotonic() - rs->tx_since >=
	    RUN_COMMIT_EVERY && run_commit(rs) != 0)
		return -1;
	loop_reap(run_on_exit, rs);
	if ((n = loop_signalled(rs->loop)) > rs->seen_signals) {
		run_broadcast(rs, rs->seen_signals > 0 ?
		    UNIT_EV_INTERRUPT_HARD : UNIT_EV_INTERRUPT);
		rs->seen_signals = n;
		rs->tot->was_interrupted = 1;
	}
	run_deadlines(rs, loop_monotonic());
	run_tick(rs, loop_monotonic());
	return run_finish_pending(rs);
}

/* The loop: until every unit ended, or a signal and nothing runs. */
static int
run_loop(struct run_state *rs)
{
	double ready;

	for (;;) {
		if (run_admit(rs, &ready) != 0)
			return -1;
		if (sched_running(rs->sched) == 0 &&
		    (sched_queued(rs->sched) == 0 || loop_signalled(rs->loop)))
			return 0;
		if (run_iterate(rs, ready) != 0)
			return -1;
	}
}

/* Kill and reap every unit after an environment error. */
static void
run_abandon(struct run_state *rs)
{
	struct run_unit *ru;
	int k, status;

	for (k = 0; k < rs->nslots; k++) {
		ru = &rs->units[k];
		if (ru->state == UNIT_DONE)
			continue;
		if (slot_pid(ru->io) > 0 && (ru->state == UNIT_RUNNING ||
		    ru->state == UNIT_DRAINED)) {
			slot_kill(ru->io, SIGKILL);
			while (waitpid(slot_pid(ru->io), &status, 0) < 0 &&
			    errno == EINTR)
				;
		}
		slot_kill(ru->io, SIGKILL);
		run_release(rs, ru);
		ru->state = UNIT_DONE;
		slot_clear(ru->io);
	}
}

/* At the end: no child of bench survives (units' orphans included), and
   this process's host-budget reservations are dropped. */
static void
run_end_children(struct run_state *rs)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char *cause = NULL;
	pid_t pid;
	int i;

	run_kill_orphans(rs);
	for (i = 0; i < 300; i++) {
		pid = waitpid(-1, NULL, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;		/* ECHILD: none left */
		if (pid == 0) {
			nanosleep(&ts, NULL);
			if (i % 20 == 19)
				run_kill_orphans(rs);
		}
	}
	if (budget_release_all(&cause) != 0)
		free(cause);
}

/* When the run was interrupted, cancelled remains, or (all) failed: ask
   the launcher to cancel what it still holds of the started units. */
static void
run_sweep(struct run_state *rs, int all)
{
	size_t n = job_nunits(rs->job), i, k = 0, found = 0;
	const char **ids;
	char *cause = NULL;

	if (rs->launcher->ops->sweep == NULL || (!all &&
	    !rs->tot->was_interrupted && rs->ncancel == 0))
		return;
	ids = xcalloc(n + 1, sizeof *ids);
	for (i = 0; i < n; i++) {
		if (sched_attempts(rs->sched, i) > 0)
			ids[k++] = job_unit(rs->job, i)->id;
	}
	if (launch_sweep(rs->launcher, ids, k, &found, &cause) != 0) {
		run_event(rs, SIZE_MAX, "launcher", "%s: %s",
		    rs->launcher->ops->name, cause);
		free(cause);
	} else if (found > 0)
		run_event(rs, SIZE_MAX, "launcher", "%s: cancelled %zu job%s "
		    "it still listed", rs->launcher->ops->name, found,
		    found == 1 ? "" : "s");
	free(ids);
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

/* The first pool: 1 for --profile-only or while profiling, else from the
   profiles when the worker count is automatic. */
static void
run_first_pool(struct run_state *rs)
{
	char *cause = NULL, *line;

	if (!rs->remote) {
		line = host_describe(&rs->host);
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

/* Prepare the launcher, plan the units, say what will happen. */
static int
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
static int
run_setup(struct run_state *rs, char **cause)
{
	size_t n = job_nunits(rs->job), ntc = job_ntestcases(rs->job);
	int k;

	rs->logs_dir = xasprintf("%s/logs", rs->cfg->run_dir);
	rs->work_dir = xasprintf("%s/work", rs->cfg->run_dir);
	if (run_mkdirs(rs->logs_dir, cause) != 0 ||
	    run_mkdirs(rs->work_dir, cause) != 0)
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
	    job_testenv(rs->job), rs->cfg->parallel, rs->host.ncores,
	    rs->host.gpus);
	rs->unit_ids = xcalloc(n + 1, sizeof *rs->unit_ids);
	rs->tc_left = xcalloc(ntc + 1, sizeof *rs->tc_left);
	rs->tc_bad = xcalloc(ntc + 1, sizeof *rs->tc_bad);
	rs->unit_metrics = xcalloc(n + 1, sizeof *rs->unit_metrics);
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
static void
run_teardown(struct run_state *rs)
{
	size_t i;
	int k;

	for (k = 0; rs->slots != NULL && k < rs->nslots; k++)
		slot_free(rs->slots[k]);
	for (i = 0; rs->unit_metrics != NULL && i < job_nunits(rs->job); i++)
		json_decref(rs->unit_metrics[i]);
	free(rs->unit_metrics);
	free(rs->units);
	free(rs->slots);
	free(rs->unit_ids);
	free(rs->tc_left);
	free(rs->tc_bad);
	sched_free(rs->sched);
	unitenv_free(rs->env);
	host_release(&rs->host);
	free(rs->logs_dir);
	free(rs->work_dir);
	free(rs->cause);
}

/* After an environment error: kill everything, keep what was recorded. */
static void
run_fail(struct run_state *rs)
{
	char *ignored = NULL;

	run_abandon(rs);
	run_sweep(rs, 1);
	run_end_children(rs);
	if (rs->in_tx) {
		if (store_commit(rs->st, &ignored) != 0) {
			free(ignored);
			store_rollback(rs->st);
		}
		rs->in_tx = 0;
	}
}

/* Run a job. */
int
run_execute(struct job *job, struct store *st, int64_t run_id,
    const struct run_config *cfg, struct run_totals *tot, char **cause)
{
	struct run_state rs = {
		.job = job, .st = st, .run_id = run_id, .cfg = cfg,
		.tot = tot, .nslots = cfg->workers > 0 ? cfg->workers : 1,
	};
	int rc = -1;

	memset(tot, 0, sizeof *tot);
	tot->total = job_nunits(job);
	if (run_setup(&rs, &rs.cause) != 0 || run_prepare(&rs) != 0 ||
	    loop_open(&rs.loop, rs.nslots, &rs.cause) != 0)
		goto out;
	/* orphans of units (setsid and double forks) become our children,
	   so none outlives the run */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (run_loop(&rs) != 0) {
		run_fail(&rs);
		goto out;
	}
	run_sweep(&rs, 0);
	run_end_children(&rs);
	if (run_commit(&rs) != 0) {
		run_fail(&rs);
		goto out;
	}
	tot->not_run = sched_queued(rs.sched);
	rc = 0;
out:
	loop_close(rs.loop);
	if (rc != 0) {
		*cause = rs.cause != NULL ? rs.cause : xstrdup("run failed");
		rs.cause = NULL;
	}
	run_teardown(&rs);
	return rc;
}
