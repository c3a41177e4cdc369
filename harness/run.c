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
#include "guard.h"
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

/* mkdir -p with mode 0700. */
int
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

/* Make a directory of bench's own. */
int
run_mkdir_own(const char *path, int excl, char **cause)
{
	struct stat sb;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST || excl)
		return err_errno(cause, "cannot create directory '%s'", path);
	if (lstat(path, &sb) != 0)
		return err_errno(cause, "cannot stat '%s'", path);
	if (!S_ISDIR(sb.st_mode) || sb.st_uid != geteuid()) {
		errno = EPERM;
		return err_set(cause, "'%s' is %s, not a directory of bench's: "
		    "refusing to write there", path, S_ISLNK(sb.st_mode) ?
		    "a symbolic link" : !S_ISDIR(sb.st_mode) ? "not a "
		    "directory" : "another user's");
	}
	return 0;
}

/*
 * Commit the open transaction, if any, with the ends not written yet
 * (run_flush_ends) and then the starts of the units still running that
 * were not written yet: a unit that starts and ends between two commits
 * is written once, at its end (store_unit_end.started), after the end of
 * its earlier attempt if it had one.
 */
int
run_commit(struct run_state *rs)
{
	struct run_unit *ru;
	int k;

	if (run_flush_ends(rs) != 0)
		return -1;
	if (!rs->in_tx)
		return 0;
	for (k = 0; k < rs->nslots; k++) {
		ru = &rs->units[k];
		if (ru->state == UNIT_DONE || !ru->start_unrecorded)
			continue;
		if (store_unit_start(rs->st, rs->unit_ids[ru->unit],
		    ru->attempt, k, slot_pid(ru->io), ru->start_wall,
		    &rs->cause) != 0)
			return -1;
		ru->start_unrecorded = 0;
	}
	rs->in_tx = 0;
	return store_commit(rs->st, &rs->cause);
}

/* Make sure a transaction is open. */
int
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
int
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
void
run_event(struct run_state *rs, size_t u, const char *kind,
    const char *fmt, ...)
{
	char *msg, *shown, *cause = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (rs->cfg->term != NULL)
		term_message(rs->cfg->term, "bench: %s", msg);
	else {
		shown = term_escape(msg);
		fprintf(stderr, "bench: %s\n", shown);
		free(shown);
	}
	if (run_tx(rs) != 0 || store_event_add(rs->st, rs->run_id,
	    u == SIZE_MAX ? -1 : rs->unit_ids[u], loop_walltime(), kind, msg,
	    &cause) != 0)
		free(cause);
	free(msg);
}

/* Kill every child of bench that is not a running unit's leader. */
void
run_kill_orphans(struct run_state *rs)
{
	pid_t live[64] = { 0 }, *pids = rs->nslots < 64 ? live :
	    xcalloc((size_t)rs->nslots + 1, sizeof *pids);
	size_t n = 0;
	int k;

	if (guard_pid(rs->guard) > 0)
		pids[n++] = guard_pid(rs->guard);

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
void
run_step(struct run_state *rs, struct run_unit *ru, enum unit_event e)
{
	struct unit_durations d = rs->dur;
	unsigned fx = unit_step(&ru->state, &ru->ev, e);

	if (e == UNIT_EV_INTERRUPT)
		d.grace_s = RUN_INTERRUPT_GRACE;
	unit_timers_apply(&ru->tm, fx, loop_monotonic(), &d);
	run_apply(rs, ru, e, fx);
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

	if (pid == guard_pid(rs->guard)) {
		/* it died before bench: units may now outlive a killed
		   bench */
		guard_lost(rs->guard);
		run_event(rs, SIZE_MAX, "guard", "the guard ended (%s %d): "
		    "what units start may outlive a killed bench",
		    WIFSIGNALED(wstatus) ? "signal" : "exit",
		    WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) :
		    WEXITSTATUS(wstatus));
		return;
	}
	for (k = 0; k < rs->nslots; k++) {
		u = &rs->units[k];
		if ((u->state == UNIT_RUNNING || u->state == UNIT_DRAINED) &&
		    slot_pid(u->io) == pid) {
			u->wstatus = wstatus;
			u->ru = *ru;
			u->end_mono = loop_monotonic();
			u->end_wall = loop_walltime();
			run_step(rs, u, UNIT_EV_EXIT);
			return;
		}
	}
}

/* loop: about to wait: write the units' ends, commit what is
   RUN_COMMIT_IDLE old (run_wait ends the wait in time for the rest). */
static int
run_on_idle(void *data)
{
	struct run_state *rs = data;

	/* the units run: write what they left */
	if (run_flush_ends(rs) != 0)
		return -1;
	if (rs->in_tx && loop_monotonic() - rs->tx_since < RUN_COMMIT_IDLE)
		return 0;
	return run_commit(rs);
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
	if (rs->in_tx && rs->tx_since + RUN_COMMIT_IDLE < next)
		next = rs->tx_since + RUN_COMMIT_IDLE;
	wait = next < UNIT_NEVER ? (next > now ? next - now : 0) : -1;
	if (rs->cfg->term != NULL && (wait < 0 || wait > 0.25))
		wait = 0.25;
	if ((rs->budget_wait || sched_paused(rs->sched)) &&
	    (wait < 0 || wait > 0.5))
		wait = 0.5;
	return wait;
}

/* loop, while the database is locked: nothing to commit. */
static int
run_on_idle_busy(void *data)
{
	(void)data;
	return 0;
}

/* Signals seen since the last look: interrupt every unit. */
static void
run_signals(struct run_state *rs)
{
	int n;

	if ((n = loop_signalled(rs->loop)) > rs->seen_signals) {
		run_broadcast(rs, rs->seen_signals > 0 ?
		    UNIT_EV_INTERRUPT_HARD : UNIT_EV_INTERRUPT);
		rs->seen_signals = n;
		rs->tot->was_interrupted = 1;
	}
}

/*
 * store: another process holds the database and a write waits. Go on with
 * what must not wait for it -- pipes, reaping, signals, deadlines (their
 * kills and the times measured) -- without touching the store: ends are
 * recorded once the write went through (run_finish_pending).
 */
static void
run_on_busy(void *data, double max_s)
{
	struct run_state *rs = data;
	char *cause = NULL;

	if (rs->in_busy)
		return;
	rs->in_busy = 1;
	if (loop_wait(rs->loop, rs->slots, rs->nslots, max_s,
	    run_on_idle_busy, run_on_eof, rs, &cause) != 0)
		free(cause);
	loop_reap(run_on_exit, rs);
	run_signals(rs);
	run_deadlines(rs, loop_monotonic());
	rs->in_busy = 0;
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
	run_signals(rs);
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

/* Start the guard, so units' groups die with bench (see guard.h). */
static void
run_guard(struct run_state *rs)
{
	char *cause = NULL;

	if (rs->cfg->self_exe == NULL)
		return;
	if (guard_start(rs->cfg->self_exe, &rs->guard, &cause) != 0) {
		run_event(rs, SIZE_MAX, "guard", "no guard: what units start "
		    "may outlive a killed bench: %s", cause);
		free(cause);
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
	run_guard(&rs);
	store_set_busy_wait(st, run_on_busy, &rs);
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
	store_set_busy_wait(st, NULL, NULL);
	loop_close(rs.loop);
	if (rc != 0) {
		*cause = rs.cause != NULL ? rs.cause : xstrdup("run failed");
		rs.cause = NULL;
	}
	run_ended_clear(&rs);
	run_teardown(&rs);
	return rc;
}
