/*
 * run-end: the end of a unit (evidence, classification, the retry decision,
 * the rows, giving back what it held) and the end of a run (abandon,
 * orphans, the launcher's sweep) (see run-int.h).
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
#include "guard.h"
#include "gpus.h"
#include "host.h"
#include "hwinfo.h"
#include "job.h"
#include "launch.h"
#include "loop.h"
#include "merge.h"
#include "resume.h"
#include "run.h"
#include "run-int.h"
#include "safe.h"
#include "sample.h"
#include "sched.h"
#include "slot.h"
#include "store.h"
#include "term.h"
#include "unitenv.h"
#include "xalloc.h"
#include "banned.h"

/* The evidence of a unit's end: the launcher's reading of its status, its
   cgroup, its records. */
static void
run_evidence(struct run_state *rs, struct run_unit *ru, struct launch_end *le)
{
	const struct slot_report *r = slot_report(ru->io);
	struct unit_evidence *ev = &ru->ev;
	char *cause = NULL;
	long long n;

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
	/*
	 * The group around bench: did the OOM killer kill in it meanwhile.
	 * It only counts for a SIGKILL (unit_classify), so the other ends,
	 * nearly all, skip reading the counters.
	 */
	if (ru->encl_oom0 >= 0 && WIFSIGNALED(ev->wstatus) &&
	    WTERMSIG(ev->wstatus) == SIGKILL &&
	    (n = cgroup_enclosing_oom_kills()) >= 0) {
		ev->encl_oom_kills = n - ru->encl_oom0;
		ev->encl_limit_mb = rs->host.limit.limit_kb >= 0 ?
		    rs->host.limit.limit_kb / 1024 : -1;
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
	if (rs->remote) {
		/* the peaks of the samples the worker took on the node */
		if (r->sample_rss_kb > peak)
			peak = r->sample_rss_kb;
		if (isnan(vram))
			vram = r->sample_vram_mb;
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
	/* the times of the exit as the loop saw it, not of this call (a
	   locked database may have held the record back) */
	end->finished_at = ru->end_wall > 0 ? ru->end_wall : loop_walltime();
	end->wall_s = (ru->end_mono > 0 ? ru->end_mono : loop_monotonic()) -
	    ru->start_mono;
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
	if (ru->start_unrecorded) {
		end->started = 1;
		end->attempt = ru->attempt;
		end->worker_slot = (int)(ru - rs->units);
		end->pid = slot_pid(ru->io);
		end->started_at = ru->start_wall;
		ru->start_unrecorded = 0;
	}
}

/* A unit's end kept until run_flush_ends writes it. */
struct run_ended {
	int64_t			 id;		/* its row */
	struct store_unit_end	 end;		/* error and host: owned */
	struct slot_metric	*metrics;	/* names owned */
	size_t			 nmetrics;
	int			 has_profile;
	struct store_profile	 prof;
	char			 key[65];	/* its test case's */
};

/* Free what an end owns. */
static void
run_ended_free(struct run_ended *e)
{
	size_t i;

	free((char *)e->end.error);
	free((char *)e->end.host);
	for (i = 0; i < e->nmetrics; i++)
		free(e->metrics[i].name);
	free(e->metrics);
}

void
run_ended_clear(struct run_state *rs)
{
	size_t i;

	for (i = 0; i < rs->nended; i++)
		run_ended_free(&rs->ended[i]);
	free(rs->ended);
	rs->ended = NULL;
	rs->nended = rs->ended_cap = 0;
}

/* Write one end. */
static int
run_ended_write(struct run_state *rs, const struct run_ended *e)
{
	char *cause = NULL;
	size_t i;

	if (store_unit_finish(rs->st, e->id, &e->end, &cause) != 0)
		return run_env_error(rs, cause);
	for (i = 0; i < e->nmetrics; i++) {
		if (store_metric_add(rs->st, e->id, e->metrics[i].name,
		    e->metrics[i].value, e->metrics[i].timing, &cause) != 0)
			return run_env_error(rs, cause);
	}
	if (e->has_profile && store_profile_put(rs->st, e->key,
	    e->end.host, &e->prof, &cause) != 0)
		return run_env_error(rs, cause);
	return 0;
}

int
run_flush_ends(struct run_state *rs)
{
	size_t i;
	int rc = 0;

	if (rs->nended == 0)
		return 0;
	if (run_tx(rs) != 0)
		return -1;
	for (i = 0; i < rs->nended && rc == 0; i++)
		rc = run_ended_write(rs, &rs->ended[i]);
	/* a failed write ends the run: what is left is dropped */
	for (i = 0; i < rs->nended; i++)
		run_ended_free(&rs->ended[i]);
	rs->nended = 0;
	return rc;
}

/* Keep a copy of end, with the unit's metrics unless it runs again. */
static struct run_ended *
run_ended_add(struct run_state *rs, struct run_unit *ru,
    const struct store_unit_end *end, int retry)
{
	const struct slot_report *r = slot_report(ru->io);
	struct run_ended *e;
	size_t i;

	if (rs->nended == rs->ended_cap) {
		rs->ended_cap = rs->ended_cap == 0 ? 16 : 2 * rs->ended_cap;
		rs->ended = xreallocarray(rs->ended, rs->ended_cap,
		    sizeof *rs->ended);
	}
	e = &rs->ended[rs->nended++];
	*e = (struct run_ended){ .id = rs->unit_ids[ru->unit], .end = *end };
	e->end.error = end->error != NULL ? xstrdup(end->error) : NULL;
	e->end.host = end->host != NULL ? xstrdup(end->host) : NULL;
	if (!retry && r->nmetrics > 0) {
		e->metrics = xcalloc(r->nmetrics, sizeof *e->metrics);
		for (i = 0; i < r->nmetrics; i++) {
			e->metrics[i] = r->metrics[i];
			e->metrics[i].name = xstrdup(r->metrics[i].name);
		}
		e->nmetrics = r->nmetrics;
	}
	return e;
}

/* Record a unit's end, its metrics (unless it runs again) and, when it
   ended ok here, its test case's profile: in the scheduler now, in the
   database by run_flush_ends. */
static int
run_record(struct run_state *rs, struct run_unit *ru,
    const struct store_unit_end *end, int retry)
{
	size_t tci = job_unit(rs->job, ru->unit)->testcase;
	struct run_ended *e = run_ended_add(rs, ru, end, retry);
	struct store_profile *prof = &e->prof;

	if (strcmp(end->status, "ok") == 0 && end->maxrss_kb > 0 &&
	    end->host != NULL) {
		prof->peak_rss_kb = end->maxrss_kb;
		prof->peak_vram_mb = end->vram_peak_mb;
		prof->wall_s = ru->co_running == 0 ? end->wall_s :
		    sched_profile_wall(rs->sched, tci);
		prof->measured_at = end->finished_at;
		/* kept per host: the node the unit ran on, for a remote one */
		e->has_profile = 1;
		job_testcase_key(job_testcase(rs->job, tci), e->key);
		/* remote: the next unit may land on any node: the largest
		   peak */
		if (!rs->remote || sched_profile_peak_kb(rs->sched, tci) <=
		    prof->peak_rss_kb)
			sched_profile_set(rs->sched, tci, end->maxrss_kb,
			    end->vram_peak_mb, prof->wall_s);
	}
	if (rs->nended >= RUN_ENDED_MAX)
		return run_flush_ends(rs);
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
	if (rs->pool_max > 0 && d->pool_after > rs->pool_max) {
		/* starting more ran out of descriptors or processes */
		sched_set_pool(rs->sched, rs->pool_max);
		d->pool_after = rs->pool_max;
	}
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

/* The number of nodes in a list "a,b,c" (0 for NULL). */
static size_t
run_count_nodes(const char *list)
{
	size_t n = list != NULL && list[0] != '\0';

	for (; list != NULL && *list != '\0'; list++)
		n += *list == ',';
	return n;
}

/*
 * The node a unit ran on failed (le->node_failed) and it will be retried:
 * its next attempts exclude that node (the worker's start record named
 * it), so the retry does not land there while the node is still listed as
 * up, or once it comes back flapping. A node is never excluded when that
 * would leave the unit no node: it waits for one to come back instead.
 */
static void
run_avoid_node(struct run_state *rs, struct run_unit *ru,
    const struct launch_end *le, const struct sched_decision *d)
{
	const char *host = slot_report(ru->io)->host;
	char **list;

	if (rs->avoid == NULL || !le->node_failed || !d->retry ||
	    host[0] == '\0')
		return;
	list = &rs->avoid[ru->unit];
	if (run_count_nodes(*list) + 1 >= rs->nodes.nnodes) {
		run_event(rs, ru->unit, "exclude", "%s: its node %s failed; "
		    "not excluded: sinfo listed no other node", job_unit(
		    rs->job, ru->unit)->id, host);
		return;
	}
	if (*list == NULL)
		*list = xstrdup(host);
	else {
		char *more = xasprintf("%s,%s", *list, host);

		free(*list);
		*list = more;
	}
	run_event(rs, ru->unit, "exclude", "%s: its node %s failed: its "
	    "retries run with --exclude=%s", job_unit(rs->job, ru->unit)->id,
	    host, *list);
}

/* Give back what the unit held: the launcher's remains, its cgroup, its
   host budget share, what sched granted. The one place this happens. */
static void
run_release(struct run_state *rs, struct run_unit *ru)
{
	char *cause = NULL;

	if (rs->cfg->term != NULL)
		term_running_remove(rs->cfg->term, job_unit(rs->job,
		    ru->unit)->id);
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

/* Output that did not reach the unit's log (a full disk, a log that
   cannot be created): an event and a line, and said in its error. */
static void
run_log_lost(struct run_state *rs, struct run_unit *ru,
    struct unit_verdict *v)
{
	const struct slot_report *r = slot_report(ru->io);
	char *lost;

	if (r->log_lost == NULL)
		return;
	lost = xasprintf("log output lost (%zu byte%s): %s",
	    r->log_lost_bytes, r->log_lost_bytes == 1 ? "" : "s",
	    r->log_lost);
	run_event(rs, ru->unit, "log", "%s: %s", job_unit(rs->job,
	    ru->unit)->id, lost);
	if (v->error != NULL) {
		char *both = xasprintf("%s; %s", v->error, lost);

		free(lost);
		lost = both;
	}
	free(v->error);
	v->error = lost;
}

/* Classify and record the end of the unit in ru; free its slot. */
int
run_finish(struct run_state *rs, struct run_unit *ru)
{
	struct store_unit_end end;
	struct sched_decision d;
	struct unit_verdict v;
	struct launch_end le;
	int rc;

	run_evidence(rs, ru, &le);
	unit_classify(&ru->ev, &v);
	run_log_lost(rs, ru, &v);
	if (v.status != UNIT_ST_OK)
		slot_log(ru->io, "unit ended %s%s%s",
		    unit_status_name(v.status), v.error ? ": " : "",
		    v.error ? v.error : "");
	run_decide(rs, ru, &v, &d);
	run_avoid_node(rs, ru, &le, &d);
	if (rs->remote)
		run_store_samples(rs, ru);	/* the last ones */
	run_end_row(rs, ru, &v, &end);
	rc = run_record(rs, ru, &end, d.retry);
	run_release(rs, ru);
	if (d.retry)
		unit_step(&ru->state, &ru->ev, UNIT_EV_RETRY);
	else if (rc == 0)
		rc = run_done(rs, ru, &v, end.wall_s);
	ru->state = UNIT_DONE;
	ru->finish = 0;
	guard_remove(rs->guard, slot_pid(ru->io));
	slot_clear(ru->io);
	free(le.error);
	free(v.error);
	return rc;
}

/* A unit that could not start: give back, requeue (not its attempt). */
void
run_unstart(struct run_state *rs, struct run_unit *ru, int started)
{
	struct sched_end e = { .status = UNIT_ST_INTERRUPTED,
	    .attempt = ru->attempt, .evicted = 1 };
	struct sched_decision d;

	run_release(rs, ru);
	if (started)
		sched_ended(rs->sched, ru->unit, &e, loop_monotonic(), &d);
	ru->state = UNIT_DONE;
	ru->finish = 0;
	guard_remove(rs->guard, slot_pid(ru->io));
	slot_clear(ru->io);
}

/* Kill and reap every unit after an environment error. */
void
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
		ru->start_unrecorded = 0;
		guard_remove(rs->guard, slot_pid(ru->io));
		slot_clear(ru->io);
	}
}

/* At the end: no child of bench survives (units' orphans included), and
   this process's host-budget reservations are dropped. */
void
run_end_children(struct run_state *rs)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char *cause = NULL;
	pid_t pid;
	int i;

	/* every unit ended: the guard has nothing left to guard */
	guard_stop(rs->guard);
	rs->guard = NULL;
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
void
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

/* After an environment error: kill everything, keep what was recorded. */
void
run_fail(struct run_state *rs)
{
	char *ignored = NULL;

	run_abandon(rs);
	run_sweep(rs, 1);
	run_end_children(rs);
	/* what ended before the error, if the database takes it */
	if (rs->nended > 0 && run_flush_ends(rs) != 0)
		run_ended_clear(rs);
	if (rs->in_tx) {
		if (store_commit(rs->st, &ignored) != 0) {
			free(ignored);
			store_rollback(rs->st);
		}
		rs->in_tx = 0;
	}
}
