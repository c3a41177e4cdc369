/*
 * unit: the state x event table of a unit, the names of its states,
 * events and statuses, and the classification of its end (see unit.h).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "err.h"
#include "unit.h"
#include "xalloc.h"
#include "banned.h"

/* Effects of the events that stop a live unit. */
#define STOP_TERM	(UNIT_DO_TERM | UNIT_DO_DISARM)
#define STOP_KILL	(UNIT_DO_KILL | UNIT_DO_DISARM)
#define END		(UNIT_DO_FINISH | UNIT_DO_GIVE)
#define IGNORE(s)	{ .next = (s), .effects = UNIT_DO_NOTHING }

/* The lifecycle: rows are states, columns events; empty cells are BUGs. */
const struct unit_cell unit_table[UNIT_NSTATES][UNIT_NEVENTS] = {
	[UNIT_QUEUED] = {
		[UNIT_EV_START] = { UNIT_STARTING, UNIT_DO_TAKE },
	},
	[UNIT_STARTING] = {
		[UNIT_EV_LAUNCHED] = { UNIT_RUNNING, UNIT_DO_ARM },
		[UNIT_EV_LAUNCH_FAILED] = { UNIT_DONE, END },
		[UNIT_EV_WAIT] = { UNIT_QUEUED, UNIT_DO_GIVE },
	},
	[UNIT_RUNNING] = {
		[UNIT_EV_EXIT] = { UNIT_EXITED,
		    UNIT_DO_KILL | UNIT_DO_ARM_EOF },
		[UNIT_EV_EOF] = IGNORE(UNIT_DRAINED),
		[UNIT_EV_DEADLINE] = { UNIT_RUNNING, STOP_TERM },
		[UNIT_EV_KILL_AT] = { UNIT_RUNNING, STOP_KILL },
		[UNIT_EV_INTERRUPT] = { UNIT_RUNNING, STOP_TERM },
		[UNIT_EV_INTERRUPT_HARD] = { UNIT_RUNNING, STOP_KILL },
		[UNIT_EV_EVICT] = { UNIT_RUNNING, STOP_KILL },
	},
	[UNIT_EXITED] = {
		[UNIT_EV_EOF] = { UNIT_DONE, END },
		[UNIT_EV_EOF_WAIT] = { UNIT_DONE, UNIT_DO_CUT | END },
		[UNIT_EV_DEADLINE] = IGNORE(UNIT_EXITED),
		[UNIT_EV_KILL_AT] = IGNORE(UNIT_EXITED),
		[UNIT_EV_INTERRUPT] = IGNORE(UNIT_EXITED),
		[UNIT_EV_INTERRUPT_HARD] = IGNORE(UNIT_EXITED),
		[UNIT_EV_EVICT] = IGNORE(UNIT_EXITED),
	},
	[UNIT_DRAINED] = {
		[UNIT_EV_EXIT] = { UNIT_DONE, UNIT_DO_KILL | END },
		[UNIT_EV_DEADLINE] = { UNIT_DRAINED, STOP_TERM },
		[UNIT_EV_KILL_AT] = { UNIT_DRAINED, STOP_KILL },
		[UNIT_EV_INTERRUPT] = { UNIT_DRAINED, STOP_TERM },
		[UNIT_EV_INTERRUPT_HARD] = { UNIT_DRAINED, STOP_KILL },
		[UNIT_EV_EVICT] = { UNIT_DRAINED, STOP_KILL },
	},
	[UNIT_DONE] = {
		[UNIT_EV_RETRY] = IGNORE(UNIT_QUEUED),
	},
};

static const char *const unit_state_names[UNIT_NSTATES] = {
	[UNIT_QUEUED] = "queued",
	[UNIT_STARTING] = "starting",
	[UNIT_RUNNING] = "running",
	[UNIT_EXITED] = "exited",
	[UNIT_DRAINED] = "drained",
	[UNIT_DONE] = "done",
};

static const char *const unit_event_names[UNIT_NEVENTS] = {
	[UNIT_EV_START] = "start",
	[UNIT_EV_LAUNCHED] = "launched",
	[UNIT_EV_LAUNCH_FAILED] = "launch-failed",
	[UNIT_EV_WAIT] = "wait",
	[UNIT_EV_EXIT] = "exit",
	[UNIT_EV_EOF] = "eof",
	[UNIT_EV_DEADLINE] = "deadline",
	[UNIT_EV_KILL_AT] = "kill-at",
	[UNIT_EV_EOF_WAIT] = "eof-wait",
	[UNIT_EV_INTERRUPT] = "interrupt",
	[UNIT_EV_INTERRUPT_HARD] = "interrupt-hard",
	[UNIT_EV_EVICT] = "evict",
	[UNIT_EV_RETRY] = "retry",
};

/* The one list of status names: the database's, the terminal's. */
static const char *const unit_status_names[UNIT_NSTATUSES] = {
	[UNIT_ST_PENDING] = "pending",
	[UNIT_ST_RUNNING] = "running",
	[UNIT_ST_OK] = "ok",
	[UNIT_ST_FAILED] = "failed",
	[UNIT_ST_CRASHED] = "crashed",
	[UNIT_ST_TIMEOUT] = "timeout",
	[UNIT_ST_OOM] = "oom",
	[UNIT_ST_SKIPPED] = "skipped",
	[UNIT_ST_INTERRUPTED] = "interrupted",
};

/* The name of a state. */
const char *
unit_state_name(enum unit_state s)
{
	return (unsigned)s < UNIT_NSTATES ? unit_state_names[s] : "?";
}

/* The name of an event. */
const char *
unit_event_name(enum unit_event e)
{
	return (unsigned)e < UNIT_NEVENTS ? unit_event_names[e] : "?";
}

/* The flag of ev an event that acts on a live unit records. */
static int *
unit_event_flag(struct unit_evidence *ev, enum unit_event e)
{
	switch (e) {
	case UNIT_EV_DEADLINE:
		return &ev->timed_out;
	case UNIT_EV_KILL_AT:
		return &ev->escalated;
	case UNIT_EV_INTERRUPT:
	case UNIT_EV_INTERRUPT_HARD:
		return &ev->interrupted;
	case UNIT_EV_EVICT:
		return &ev->evicted;
	case UNIT_EV_EOF_WAIT:
		return &ev->pipe_held;
	default:
		return NULL;
	}
}

/* Move a unit along the table. */
unsigned
unit_step(enum unit_state *state, struct unit_evidence *ev,
    enum unit_event e)
{
	const struct unit_cell *c;
	int *flag;

	if ((unsigned)*state >= UNIT_NSTATES || (unsigned)e >= UNIT_NEVENTS)
		BUG("unit: state %d, event %d out of range", (int)*state,
		    (int)e);
	c = &unit_table[*state][e];
	if (c->effects == 0)
		BUG("unit: event %s in state %s", unit_event_name(e),
		    unit_state_name(*state));
	if (c->effects != UNIT_DO_NOTHING &&
	    (flag = unit_event_flag(ev, e)) != NULL)
		*flag = 1;
	*state = c->next;
	return c->effects;
}

/* Disarm every timer. */
void
unit_timers_clear(struct unit_timers *t)
{
	t->timeout_at = t->kill_at = t->eof_at = UNIT_NEVER;
}

/* Arm and disarm timers for a transition's effects. */
void
unit_timers_apply(struct unit_timers *t, unsigned effects, double now,
    const struct unit_durations *d)
{
	if ((effects & UNIT_DO_ARM) && d->timeout_s > 0)
		t->timeout_at = now + d->timeout_s;
	if (effects & UNIT_DO_DISARM)
		t->timeout_at = UNIT_NEVER;
	if (effects & UNIT_DO_TERM)
		t->kill_at = now + d->grace_s;
	if (effects & UNIT_DO_KILL)
		t->kill_at = UNIT_NEVER;
	if (effects & UNIT_DO_ARM_EOF)
		t->eof_at = now + d->eof_grace_s;
	if (effects & (UNIT_DO_CUT | UNIT_DO_FINISH))
		unit_timers_clear(t);
}

/* Whether the process of a unit in state s still lives. */
static int
unit_alive(enum unit_state s)
{
	return s == UNIT_RUNNING || s == UNIT_DRAINED;
}

/* The earliest deadline that applies. */
double
unit_timers_next(const struct unit_timers *t, enum unit_state s)
{
	if (unit_alive(s))
		return t->kill_at < t->timeout_at ? t->kill_at : t->timeout_at;
	if (s == UNIT_EXITED)
		return t->eof_at;
	return UNIT_NEVER;
}

/* The event due now, if any. */
int
unit_timers_due(struct unit_timers *t, enum unit_state s, double now,
    enum unit_event *e)
{
	if (unit_alive(s) && now >= t->kill_at) {
		t->kill_at = UNIT_NEVER;
		*e = UNIT_EV_KILL_AT;
		return 1;
	}
	if (unit_alive(s) && now >= t->timeout_at) {
		t->timeout_at = UNIT_NEVER;
		*e = UNIT_EV_DEADLINE;
		return 1;
	}
	if (s == UNIT_EXITED && now >= t->eof_at) {
		t->eof_at = UNIT_NEVER;
		*e = UNIT_EV_EOF_WAIT;
		return 1;
	}
	return 0;
}

/* The name of a status. */
const char *
unit_status_name(enum unit_status s)
{
	return (unsigned)s < UNIT_NSTATUSES ? unit_status_names[s] : "?";
}

/* A status by name. */
int
unit_status_parse(const char *name, enum unit_status *s)
{
	unsigned i;

	for (i = 0; name != NULL && i < UNIT_NSTATUSES; i++) {
		if (strcmp(unit_status_names[i], name) == 0) {
			*s = (enum unit_status)i;
			return 0;
		}
	}
	return -1;
}

/* Whether a status is an end that --resume keeps. */
int
unit_status_final(enum unit_status s)
{
	return s != UNIT_ST_PENDING && s != UNIT_ST_RUNNING &&
	    s != UNIT_ST_INTERRUPTED && (unsigned)s < UNIT_NSTATUSES;
}

/* The CHECK of a status column (see unit.h). */
char *
unit_status_sql_check(const char *column)
{
	char *s = xstrdup(""), *more;
	unsigned i;

	for (i = 0; i < UNIT_NSTATUSES; i++) {
		more = xasprintf("%s%s%s = '%s'", s, i > 0 ? " OR " : "",
		    column, unit_status_names[i]);
		free(s);
		s = more;
	}
	return s;
}

/* Whether the end record says the unit ran out of memory. */
static int
unit_said_oom(const struct unit_evidence *ev, int code)
{
	const char *e = ev->end_error;

	if (!ev->have_end || ev->end_status == NULL)
		return 0;
	if (e != NULL && (strstr(e, "ENOMEM") != NULL ||
	    strstr(e, "out of memory") != NULL ||
	    strstr(e, "Cannot allocate memory") != NULL) &&
	    (code != 0 || strcmp(ev->end_status, "failed") == 0 ||
	    strcmp(ev->end_status, "oom") == 0))
		return 1;
	return strcmp(ev->end_status, "oom") == 0;
}

/* The memory verdict: an allocated reason, or NULL when not oom. */
static char *
unit_oom_reason(const struct unit_evidence *ev, int sig, int code)
{
	if (ev->cgroup && ev->oom_kills > 0 && ev->cap_mb > 0)
		return xasprintf("killed by the OOM killer at its %llu MiB "
		    "memory cap (cgroup %s, peak %lld MiB)",
		    (unsigned long long)ev->cap_mb, ev->cgroup_kind != NULL ?
		    ev->cgroup_kind : "?", ev->peak_kb / 1024);
	if (ev->cgroup && ev->oom_kills > 0)
		return xasprintf("killed by the OOM killer (cgroup %s, no cap "
		    "of its own, peak %lld MiB)", ev->cgroup_kind != NULL ?
		    ev->cgroup_kind : "?", ev->peak_kb / 1024);
	/* the group around bench ran out while it ran and it got SIGKILL */
	if (ev->encl_oom_kills > 0 && sig == SIGKILL && !ev->timed_out &&
	    !ev->interrupted && !ev->evicted) {
		if (ev->encl_limit_mb > 0)
			return xasprintf("killed by the OOM killer: the "
			    "enclosing memory cgroup's %lld MiB limit ran "
			    "out", ev->encl_limit_mb);
		return xstrdup("killed by the OOM killer (an OOM kill in "
		    "the enclosing memory cgroup)");
	}
	if (ev->cgroup && sig == SIGKILL && !ev->timed_out &&
	    !ev->interrupted && !ev->evicted &&
	    (double)ev->peak_kb >= 0.95 * (double)(ev->cap_mb << 10))
		return xasprintf("SIGKILL at its %llu MiB memory cap",
		    (unsigned long long)ev->cap_mb);
	if (!unit_said_oom(ev, code))
		return NULL;
	return xstrdup(ev->end_error != NULL ? ev->end_error :
	    "out of memory (the unit said so)");
}

/* The end status and its reason before the notes (precedence: unit.h). */
static enum unit_status
unit_status_of(const struct unit_evidence *ev, char **error)
{
	int st = ev->wstatus, sig = 0, code = -1;
	char *oom;

	if (WIFEXITED(st))
		code = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		sig = WTERMSIG(st);
	*error = NULL;
	if (ev->evicted) {
		*error = xstrdup("killed by bench under memory pressure; "
		    "requeued");
		return UNIT_ST_INTERRUPTED;
	}
	if (ev->interrupted) {
		*error = xstrdup("bench was interrupted");
		return UNIT_ST_INTERRUPTED;
	}
	if ((oom = unit_oom_reason(ev, sig, code)) != NULL) {
		*error = oom;
		return UNIT_ST_OOM;
	}
	if (ev->timed_out) {
		*error = xasprintf("timed out after %gs%s", ev->timeout_s,
		    ev->escalated && sig == SIGKILL ?
		    " (killed after ignoring SIGTERM)" : "");
		return UNIT_ST_TIMEOUT;
	}
	if (ev->launch_fault) {
		*error = xstrdup(ev->launch_error != NULL ? ev->launch_error :
		    "the launcher failed");
		return ev->launch_timelimit ? UNIT_ST_TIMEOUT : UNIT_ST_FAILED;
	}
	if (sig != 0) {
		*error = xasprintf("killed by signal %d (%s)%s", sig,
		    strsignal(sig), WCOREDUMP(st) ? ", core dumped" : "");
		return UNIT_ST_CRASHED;
	}
	if (code != 0) {
		if (!(ev->have_end && ev->end_error != NULL))
			*error = xasprintf("exit status %d", code);
		return UNIT_ST_FAILED;
	}
	if (ev->have_end && ev->end_status != NULL &&
	    strcmp(ev->end_status, "failed") == 0)
		return UNIT_ST_FAILED;
	if (ev->have_end && ev->end_status != NULL &&
	    strcmp(ev->end_status, "skipped") == 0)
		return UNIT_ST_SKIPPED;
	return UNIT_ST_OK;
}

/* Append "; note" to *error. */
static void
unit_note(char **error, const char *note)
{
	char *more = xasprintf("%s%s%s", *error != NULL ? *error : "",
	    *error != NULL ? "; " : "", note);

	free(*error);
	*error = more;
}

/* Classify a unit's end. */
void
unit_classify(const struct unit_evidence *ev, struct unit_verdict *v)
{
	char *note;

	memset(v, 0, sizeof *v);
	v->status = unit_status_of(ev, &v->error);
	v->launch_retryable = v->status == UNIT_ST_FAILED &&
	    ev->launch_fault && ev->launch_retryable;
	if (v->error == NULL && ev->end_error != NULL)
		v->error = xstrdup(ev->end_error);
	if (ev->pipe_held)
		unit_note(&v->error, "status pipe held open by a leftover "
		    "process after the unit exited");
	if (ev->nproto > 0) {
		note = xasprintf("%zu bad status record%s ignored (first: %s)",
		    ev->nproto, ev->nproto == 1 ? "" : "s",
		    ev->proto_error != NULL ? ev->proto_error : "?");
		unit_note(&v->error, note);
		free(note);
	}
	if (ev->dropped_metrics > 0) {
		note = xasprintf("more than %d metrics: %zu dropped",
		    ev->max_metrics, ev->dropped_metrics);
		unit_note(&v->error, note);
		free(note);
	}
}
