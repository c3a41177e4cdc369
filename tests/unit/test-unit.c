/*
 * test-unit: harness/unit, the life of a unit as data. Every (state,
 * event) cell of unit_table against a table written out here, the
 * impossible pairs BUG()ing in a forked child, the lifecycle invariants
 * (START before DONE, EXIT and EOF in either order, resources given back
 * on the way out), the timers, the precedence of unit_classify one rule at
 * a time with its notes, and the status names.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bugtest.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "banned.h"

/* The evidence flag an event sets, for the expected table. */
enum flag {
	F_NONE = 0,
	F_TIMED_OUT,
	F_ESCALATED,
	F_INTERRUPTED,
	F_EVICTED,
	F_PIPE_HELD
};

/* One legal cell as it must be: written out, not read from unit_table. */
struct cell_want {
	enum unit_state	 state;
	enum unit_event	 event;
	enum unit_state	 next;
	unsigned	 effects;
	enum flag	 flag;
};

static const struct cell_want want_table[] = {
	{ UNIT_QUEUED, UNIT_EV_START, UNIT_STARTING,
	    UNIT_DO_TAKE, F_NONE },

	{ UNIT_STARTING, UNIT_EV_LAUNCHED, UNIT_RUNNING,
	    UNIT_DO_ARM, F_NONE },
	{ UNIT_STARTING, UNIT_EV_LAUNCH_FAILED, UNIT_DONE,
	    UNIT_DO_FINISH | UNIT_DO_GIVE, F_NONE },
	{ UNIT_STARTING, UNIT_EV_WAIT, UNIT_QUEUED,
	    UNIT_DO_GIVE, F_NONE },

	{ UNIT_RUNNING, UNIT_EV_EXIT, UNIT_EXITED,
	    UNIT_DO_KILL | UNIT_DO_ARM_EOF, F_NONE },
	{ UNIT_RUNNING, UNIT_EV_EOF, UNIT_DRAINED,
	    UNIT_DO_NOTHING, F_NONE },
	{ UNIT_RUNNING, UNIT_EV_DEADLINE, UNIT_RUNNING,
	    UNIT_DO_TERM | UNIT_DO_DISARM, F_TIMED_OUT },
	{ UNIT_RUNNING, UNIT_EV_KILL_AT, UNIT_RUNNING,
	    UNIT_DO_KILL | UNIT_DO_DISARM, F_ESCALATED },
	{ UNIT_RUNNING, UNIT_EV_INTERRUPT, UNIT_RUNNING,
	    UNIT_DO_TERM | UNIT_DO_DISARM, F_INTERRUPTED },
	{ UNIT_RUNNING, UNIT_EV_INTERRUPT_HARD, UNIT_RUNNING,
	    UNIT_DO_KILL | UNIT_DO_DISARM, F_INTERRUPTED },
	{ UNIT_RUNNING, UNIT_EV_EVICT, UNIT_RUNNING,
	    UNIT_DO_KILL | UNIT_DO_DISARM, F_EVICTED },

	{ UNIT_EXITED, UNIT_EV_EOF, UNIT_DONE,
	    UNIT_DO_FINISH | UNIT_DO_GIVE, F_NONE },
	{ UNIT_EXITED, UNIT_EV_EOF_WAIT, UNIT_DONE,
	    UNIT_DO_CUT | UNIT_DO_FINISH | UNIT_DO_GIVE, F_PIPE_HELD },
	{ UNIT_EXITED, UNIT_EV_DEADLINE, UNIT_EXITED,
	    UNIT_DO_NOTHING, F_NONE },
	{ UNIT_EXITED, UNIT_EV_KILL_AT, UNIT_EXITED,
	    UNIT_DO_NOTHING, F_NONE },
	{ UNIT_EXITED, UNIT_EV_INTERRUPT, UNIT_EXITED,
	    UNIT_DO_NOTHING, F_NONE },
	{ UNIT_EXITED, UNIT_EV_INTERRUPT_HARD, UNIT_EXITED,
	    UNIT_DO_NOTHING, F_NONE },
	{ UNIT_EXITED, UNIT_EV_EVICT, UNIT_EXITED,
	    UNIT_DO_NOTHING, F_NONE },

	{ UNIT_DRAINED, UNIT_EV_EXIT, UNIT_DONE,
	    UNIT_DO_KILL | UNIT_DO_FINISH | UNIT_DO_GIVE, F_NONE },
	{ UNIT_DRAINED, UNIT_EV_DEADLINE, UNIT_DRAINED,
	    UNIT_DO_TERM | UNIT_DO_DISARM, F_TIMED_OUT },
	{ UNIT_DRAINED, UNIT_EV_KILL_AT, UNIT_DRAINED,
	    UNIT_DO_KILL | UNIT_DO_DISARM, F_ESCALATED },
	{ UNIT_DRAINED, UNIT_EV_INTERRUPT, UNIT_DRAINED,
	    UNIT_DO_TERM | UNIT_DO_DISARM, F_INTERRUPTED },
	{ UNIT_DRAINED, UNIT_EV_INTERRUPT_HARD, UNIT_DRAINED,
	    UNIT_DO_KILL | UNIT_DO_DISARM, F_INTERRUPTED },
	{ UNIT_DRAINED, UNIT_EV_EVICT, UNIT_DRAINED,
	    UNIT_DO_KILL | UNIT_DO_DISARM, F_EVICTED },

	{ UNIT_DONE, UNIT_EV_RETRY, UNIT_QUEUED,
	    UNIT_DO_NOTHING, F_NONE },
};

#define NWANT		(sizeof want_table / sizeof want_table[0])
#define NCELLS		(UNIT_NSTATES * UNIT_NEVENTS)
/* Cells unit_step must refuse; a change to the table changes this. */
#define NIMPOSSIBLE	53

/* The expected cell for (s, e), or NULL when the pair is impossible. */
static const struct cell_want *
want_cell(enum unit_state s, enum unit_event e)
{
	size_t i;

	for (i = 0; i < NWANT; i++) {
		if (want_table[i].state == s && want_table[i].event == e)
			return &want_table[i];
	}
	return NULL;
}

/* Evidence as unit_step would leave it after setting flag f only. */
static void
evidence_with(struct unit_evidence *ev, enum flag f)
{
	memset(ev, 0, sizeof *ev);
	switch (f) {
	case F_NONE:
		break;
	case F_TIMED_OUT:
		ev->timed_out = 1;
		break;
	case F_ESCALATED:
		ev->escalated = 1;
		break;
	case F_INTERRUPTED:
		ev->interrupted = 1;
		break;
	case F_EVICTED:
		ev->evicted = 1;
		break;
	case F_PIPE_HELD:
		ev->pipe_held = 1;
		break;
	}
}

/* The pair unit_step is called with in a child. */
struct pair {
	int		 state;
	int		 event;
};

/* Step a fresh unit through the pair *arg (a struct pair). */
static void
step_pair(const void *arg)
{
	const struct pair *p = arg;
	enum unit_state s = (enum unit_state)p->state;
	struct unit_evidence ev;

	memset(&ev, 0, sizeof ev);
	unit_step(&s, &ev, (enum unit_event)p->event);
}

/*
 * Every legal cell: unit_step on fresh evidence gives the next state and
 * effects of the written-out table and sets exactly the expected flag (none
 * for a cell that only ignores the event).
 */
static void
test_legal_cells(void **state)
{
	struct unit_evidence ev, want_ev;
	enum unit_state s;
	unsigned effects;
	size_t i;

	for (i = 0; i < NWANT; i++) {
		const struct cell_want *w = &want_table[i];

		/* no duplicate rows in the expected table */
		assert_ptr_equal(want_cell(w->state, w->event), w);
		if (w->effects == UNIT_DO_NOTHING)
			assert_int_equal(w->flag, F_NONE);

		memset(&ev, 0, sizeof ev);
		s = w->state;
		effects = unit_step(&s, &ev, w->event);
		evidence_with(&want_ev, w->flag);
		if (s != w->next || effects != w->effects ||
		    memcmp(&ev, &want_ev, sizeof ev) != 0)
			fail_msg("%s x %s: next %s, effects %#x",
			    unit_state_name(w->state),
			    unit_event_name(w->event), unit_state_name(s),
			    effects);
		assert_int_equal(s, w->next);
		assert_int_equal(effects, w->effects);
		assert_memory_equal(&ev, &want_ev, sizeof ev);

		/* the table itself says the same */
		assert_int_equal(unit_table[w->state][w->event].next,
		    w->next);
		assert_int_equal(unit_table[w->state][w->event].effects,
		    w->effects);
	}
}

/* A flag already set stays set, and an ignored event clears nothing. */
static void
test_flags_accumulate(void **state)
{
	struct unit_evidence ev;
	enum unit_state s = UNIT_RUNNING;

	memset(&ev, 0, sizeof ev);
	unit_step(&s, &ev, UNIT_EV_DEADLINE);
	unit_step(&s, &ev, UNIT_EV_KILL_AT);
	unit_step(&s, &ev, UNIT_EV_EXIT);
	assert_int_equal(s, UNIT_EXITED);
	/* reaped: these are ignored and record nothing */
	unit_step(&s, &ev, UNIT_EV_INTERRUPT);
	unit_step(&s, &ev, UNIT_EV_EVICT);
	assert_int_equal(s, UNIT_EXITED);
	assert_int_equal(ev.timed_out, 1);
	assert_int_equal(ev.escalated, 1);
	assert_int_equal(ev.interrupted, 0);
	assert_int_equal(ev.evicted, 0);
	assert_int_equal(ev.pipe_held, 0);
}

/*
 * Every other cell is impossible: effects 0 in unit_table, and unit_step
 * BUG()s (aborts) in a child. Their count is pinned, so a change to the
 * table shows up here.
 */
static void
test_impossible_cells(void **state)
{
	struct pair p;
	size_t n = 0;
	int s, e;

	for (s = 0; s < UNIT_NSTATES; s++) {
		for (e = 0; e < UNIT_NEVENTS; e++) {
			if (want_cell((enum unit_state)s,
			    (enum unit_event)e) != NULL)
				continue;
			n++;
			assert_int_equal(unit_table[s][e].effects, 0);
			p.state = s;
			p.event = e;
			if (!dies_of_bug(step_pair, &p))
				fail_msg("%s x %s did not BUG()",
				    unit_state_name((enum unit_state)s),
				    unit_event_name((enum unit_event)e));
		}
	}
	assert_int_equal(n, NIMPOSSIBLE);
	assert_int_equal(NWANT + NIMPOSSIBLE, NCELLS);
}

/* A state or event out of range BUG()s too. */
static void
test_out_of_range(void **state)
{
	struct pair p;

	p.state = UNIT_NSTATES;
	p.event = UNIT_EV_START;
	assert_true(dies_of_bug(step_pair, &p));
	p.state = UNIT_QUEUED;
	p.event = UNIT_NEVENTS;
	assert_true(dies_of_bug(step_pair, &p));
	p.state = -1;
	assert_true(dies_of_bug(step_pair, &p));
	assert_string_equal(unit_state_name(UNIT_NSTATES), "?");
	assert_string_equal(unit_event_name(UNIT_NEVENTS), "?");
	assert_string_equal(unit_state_name(UNIT_DRAINED), "drained");
	assert_string_equal(unit_event_name(UNIT_EV_EOF_WAIT), "eof-wait");
}

/*
 * From QUEUED, DONE cannot be reached without START: a search over the
 * table that never takes a START edge never reaches DONE, one that does
 * reaches it.
 */
static void
test_done_needs_start(void **state)
{
	int seen[UNIT_NSTATES], with_start;
	int s, e, more;

	for (with_start = 0; with_start <= 1; with_start++) {
		memset(seen, 0, sizeof seen);
		seen[UNIT_QUEUED] = 1;
		do {
			more = 0;
			for (s = 0; s < UNIT_NSTATES; s++) {
				for (e = 0; seen[s] && e < UNIT_NEVENTS; e++) {
					const struct unit_cell *c =
					    &unit_table[s][e];

					if (c->effects == 0 || (!with_start &&
					    e == UNIT_EV_START) ||
					    seen[c->next])
						continue;
					seen[c->next] = 1;
					more = 1;
				}
			}
		} while (more);
		assert_int_equal(seen[UNIT_DONE], with_start);
		if (!with_start) {
			for (s = 0; s < UNIT_NSTATES; s++)
				assert_int_equal(seen[s], s == UNIT_QUEUED);
		}
	}
}

/* Step s by e and check where it lands. */
static unsigned
step(enum unit_state *s, struct unit_evidence *ev, enum unit_event e,
    enum unit_state want)
{
	unsigned effects = unit_step(s, ev, e);

	assert_int_equal(*s, want);
	return effects;
}

/* DONE needs both EXIT and EOF, in either order; one alone is not enough. */
static void
test_exit_and_eof(void **state)
{
	struct unit_evidence ev, none;
	enum unit_state s;

	memset(&ev, 0, sizeof ev);

	/* reaped first, then the pipes close */
	s = UNIT_QUEUED;
	step(&s, &ev, UNIT_EV_START, UNIT_STARTING);
	step(&s, &ev, UNIT_EV_LAUNCHED, UNIT_RUNNING);
	step(&s, &ev, UNIT_EV_EXIT, UNIT_EXITED);
	assert_true(step(&s, &ev, UNIT_EV_EOF, UNIT_DONE) & UNIT_DO_FINISH);

	/* the pipes close first, then it is reaped */
	s = UNIT_QUEUED;
	step(&s, &ev, UNIT_EV_START, UNIT_STARTING);
	step(&s, &ev, UNIT_EV_LAUNCHED, UNIT_RUNNING);
	assert_false(step(&s, &ev, UNIT_EV_EOF, UNIT_DRAINED) &
	    UNIT_DO_FINISH);
	assert_true(step(&s, &ev, UNIT_EV_EXIT, UNIT_DONE) & UNIT_DO_FINISH);

	/* a second EOF or EXIT is not a way to DONE: it is a bug */
	assert_int_equal(unit_table[UNIT_DRAINED][UNIT_EV_EOF].effects, 0);
	assert_int_equal(unit_table[UNIT_EXITED][UNIT_EV_EXIT].effects, 0);

	/* and a retried unit starts over; nothing recorded a flag */
	step(&s, &ev, UNIT_EV_RETRY, UNIT_QUEUED);
	memset(&none, 0, sizeof none);
	assert_memory_equal(&ev, &none, sizeof ev);
}

/* Whether s is a state in which the unit holds its resources. */
static int
holds(int s)
{
	return s == UNIT_STARTING || s == UNIT_RUNNING || s == UNIT_EXITED ||
	    s == UNIT_DRAINED;
}

/*
 * GIVE is on every cell that leaves a state holding resources for DONE or
 * QUEUED, and on no other; TAKE is on START alone.
 */
static void
test_take_and_give(void **state)
{
	size_t ngive = 0;
	int s, e;

	for (s = 0; s < UNIT_NSTATES; s++) {
		for (e = 0; e < UNIT_NEVENTS; e++) {
			const struct unit_cell *c = &unit_table[s][e];
			int leaves = holds(s) && (c->next == UNIT_DONE ||
			    c->next == UNIT_QUEUED);

			if (c->effects == 0)
				continue;
			if (!!(c->effects & UNIT_DO_GIVE) != leaves ||
			    !!(c->effects & UNIT_DO_TAKE) != (s ==
			    UNIT_QUEUED && e == UNIT_EV_START))
				fail_msg("%s x %s: effects %#x",
				    unit_state_name((enum unit_state)s),
				    unit_event_name((enum unit_event)e),
				    c->effects);
			ngive += leaves;
		}
	}
	/* LAUNCH_FAILED, WAIT, EXITED's EOF and EOF_WAIT, DRAINED's EXIT */
	assert_int_equal(ngive, 5);
}

/* Durations for the timer tests. */
static const struct unit_durations durations = {
	.timeout_s = 10, .grace_s = 3, .eof_grace_s = 2
};

/* Each effect arms or disarms its timer; CUT and FINISH disarm them all. */
static void
test_timers_apply(void **state)
{
	struct unit_durations none = durations;
	struct unit_timers t;

	unit_timers_clear(&t);
	assert_true(t.timeout_at == UNIT_NEVER);
	assert_true(t.kill_at == UNIT_NEVER);
	assert_true(t.eof_at == UNIT_NEVER);

	/* no timeout: ARM arms nothing */
	none.timeout_s = 0;
	unit_timers_apply(&t, UNIT_DO_ARM, 100, &none);
	assert_true(t.timeout_at == UNIT_NEVER);

	unit_timers_apply(&t, UNIT_DO_ARM, 100, &durations);
	assert_true(t.timeout_at == 110);
	assert_true(t.kill_at == UNIT_NEVER);
	assert_true(t.eof_at == UNIT_NEVER);

	/* DEADLINE's effects: SIGTERM arms the kill, the timeout is over */
	unit_timers_apply(&t, UNIT_DO_TERM | UNIT_DO_DISARM, 110, &durations);
	assert_true(t.timeout_at == UNIT_NEVER);
	assert_true(t.kill_at == 113);

	/* KILL_AT's effects: SIGKILL, nothing left to escalate */
	unit_timers_apply(&t, UNIT_DO_KILL | UNIT_DO_DISARM, 113, &durations);
	assert_true(t.kill_at == UNIT_NEVER);
	assert_true(t.timeout_at == UNIT_NEVER);

	/* EXIT's effects: the pipes' grace */
	unit_timers_apply(&t, UNIT_DO_KILL | UNIT_DO_ARM_EOF, 114, &durations);
	assert_true(t.eof_at == 116);

	/* DISARM alone leaves the kill armed */
	unit_timers_clear(&t);
	unit_timers_apply(&t, UNIT_DO_ARM, 0, &durations);
	unit_timers_apply(&t, UNIT_DO_TERM, 1, &durations);
	unit_timers_apply(&t, UNIT_DO_DISARM, 2, &durations);
	assert_true(t.timeout_at == UNIT_NEVER);
	assert_true(t.kill_at == 4);

	/* NOTHING changes nothing */
	unit_timers_apply(&t, UNIT_DO_NOTHING, 3, &durations);
	assert_true(t.kill_at == 4);

	/* CUT and FINISH clear every timer */
	unit_timers_apply(&t, UNIT_DO_ARM | UNIT_DO_ARM_EOF, 5, &durations);
	unit_timers_apply(&t, UNIT_DO_CUT, 6, &durations);
	assert_true(t.timeout_at == UNIT_NEVER);
	assert_true(t.kill_at == UNIT_NEVER);
	assert_true(t.eof_at == UNIT_NEVER);
	unit_timers_apply(&t, UNIT_DO_ARM | UNIT_DO_TERM | UNIT_DO_ARM_EOF, 7,
	    &durations);
	unit_timers_apply(&t, UNIT_DO_FINISH | UNIT_DO_GIVE, 8, &durations);
	assert_true(t.timeout_at == UNIT_NEVER);
	assert_true(t.kill_at == UNIT_NEVER);
	assert_true(t.eof_at == UNIT_NEVER);
}

/*
 * unit_timers_next: the earlier of kill and timeout while the process
 * lives, the pipes' grace once it is reaped, nothing otherwise.
 */
static void
test_timers_next(void **state)
{
	struct unit_timers t;

	unit_timers_clear(&t);
	assert_true(unit_timers_next(&t, UNIT_RUNNING) == UNIT_NEVER);
	assert_true(unit_timers_next(&t, UNIT_EXITED) == UNIT_NEVER);

	t.timeout_at = 110;
	t.kill_at = 105;
	t.eof_at = 103;
	assert_true(unit_timers_next(&t, UNIT_RUNNING) == 105);
	assert_true(unit_timers_next(&t, UNIT_DRAINED) == 105);
	assert_true(unit_timers_next(&t, UNIT_EXITED) == 103);
	assert_true(unit_timers_next(&t, UNIT_QUEUED) == UNIT_NEVER);
	assert_true(unit_timers_next(&t, UNIT_STARTING) == UNIT_NEVER);
	assert_true(unit_timers_next(&t, UNIT_DONE) == UNIT_NEVER);

	t.kill_at = 120;
	assert_true(unit_timers_next(&t, UNIT_RUNNING) == 110);
	t.kill_at = UNIT_NEVER;
	assert_true(unit_timers_next(&t, UNIT_DRAINED) == 110);
}

/*
 * unit_timers_due: KILL_AT before DEADLINE, EOF_WAIT only once reaped,
 * each disarmed as it is returned; nothing before its time.
 */
static void
test_timers_due(void **state)
{
	struct unit_timers t;
	enum unit_event e = UNIT_NEVENTS;

	unit_timers_clear(&t);
	assert_int_equal(unit_timers_due(&t, UNIT_RUNNING, 1e9, &e), 0);

	t.timeout_at = 110;
	t.kill_at = 105;
	t.eof_at = 103;
	assert_int_equal(unit_timers_due(&t, UNIT_RUNNING, 104, &e), 0);
	assert_int_equal(e, UNIT_NEVENTS);

	/* both due: the kill first */
	assert_int_equal(unit_timers_due(&t, UNIT_RUNNING, 111, &e), 1);
	assert_int_equal(e, UNIT_EV_KILL_AT);
	assert_true(t.kill_at == UNIT_NEVER);
	assert_true(t.timeout_at == 110);
	assert_int_equal(unit_timers_due(&t, UNIT_DRAINED, 111, &e), 1);
	assert_int_equal(e, UNIT_EV_DEADLINE);
	assert_true(t.timeout_at == UNIT_NEVER);
	/* the pipes' grace does not apply to a live process */
	assert_int_equal(unit_timers_due(&t, UNIT_RUNNING, 111, &e), 0);
	assert_true(t.eof_at == 103);

	/* reaped: only the pipes' grace, at its time exactly */
	t.timeout_at = 100;
	t.kill_at = 100;
	assert_int_equal(unit_timers_due(&t, UNIT_EXITED, 102.5, &e), 0);
	assert_int_equal(unit_timers_due(&t, UNIT_EXITED, 103, &e), 1);
	assert_int_equal(e, UNIT_EV_EOF_WAIT);
	assert_true(t.eof_at == UNIT_NEVER);
	assert_int_equal(unit_timers_due(&t, UNIT_EXITED, 200, &e), 0);
	assert_true(t.timeout_at == 100);
	assert_true(t.kill_at == 100);

	/* neither queued, starting nor done units have deadlines */
	assert_int_equal(unit_timers_due(&t, UNIT_QUEUED, 200, &e), 0);
	assert_int_equal(unit_timers_due(&t, UNIT_STARTING, 200, &e), 0);
	assert_int_equal(unit_timers_due(&t, UNIT_DONE, 200, &e), 0);
}

/*
 * The table and the timers together: a unit that ignores SIGTERM is timed
 * out, then killed after the grace, then its pipes are cut.
 */
static void
test_timers_with_table(void **state)
{
	struct unit_evidence ev;
	struct unit_timers t;
	enum unit_state s = UNIT_STARTING;
	enum unit_event e;

	memset(&ev, 0, sizeof ev);
	unit_timers_clear(&t);
	unit_timers_apply(&t, unit_step(&s, &ev, UNIT_EV_LAUNCHED), 0,
	    &durations);
	assert_true(unit_timers_next(&t, s) == 10);
	assert_int_equal(unit_timers_due(&t, s, 10, &e), 1);
	assert_int_equal(e, UNIT_EV_DEADLINE);
	unit_timers_apply(&t, unit_step(&s, &ev, e), 10, &durations);
	assert_true(unit_timers_next(&t, s) == 13);
	assert_int_equal(unit_timers_due(&t, s, 13, &e), 1);
	assert_int_equal(e, UNIT_EV_KILL_AT);
	unit_timers_apply(&t, unit_step(&s, &ev, e), 13, &durations);
	assert_true(unit_timers_next(&t, s) == UNIT_NEVER);
	unit_timers_apply(&t, unit_step(&s, &ev, UNIT_EV_EXIT), 13.5,
	    &durations);
	assert_int_equal(s, UNIT_EXITED);
	assert_true(unit_timers_next(&t, s) == 15.5);
	assert_int_equal(unit_timers_due(&t, s, 16, &e), 1);
	assert_int_equal(e, UNIT_EV_EOF_WAIT);
	unit_timers_apply(&t, unit_step(&s, &ev, e), 16, &durations);
	assert_int_equal(s, UNIT_DONE);
	assert_true(unit_timers_next(&t, s) == UNIT_NEVER);
	assert_int_equal(ev.timed_out, 1);
	assert_int_equal(ev.escalated, 1);
	assert_int_equal(ev.pipe_held, 1);
}

/* Wait statuses, built as the W macros read them. */
#define EXITED_WITH(c)	((c) << 8)
#define KILLED_BY(s)	(s)
#define CORE_DUMPED(s)	((s) | 0x80)

/* Classify ev and check the status, the error (NULL: none), retryable. */
static void
classify_is(const struct unit_evidence *ev, enum unit_status status,
    const char *error, int retryable)
{
	struct unit_verdict v;

	unit_classify(ev, &v);
	assert_string_equal(unit_status_name(v.status),
	    unit_status_name(status));
	if (error == NULL)
		assert_null(v.error);
	else {
		assert_non_null(v.error);
		assert_string_equal(v.error, error);
	}
	assert_int_equal(v.launch_retryable, retryable);
	free(v.error);
}

/* Evidence of a unit in a v2 memory cgroup capped at cap MiB. */
static void
in_cgroup(struct unit_evidence *ev, uint64_t cap, long long peak_mb)
{
	ev->cgroup = 1;
	ev->cgroup_kind = "v2";
	ev->cap_mb = cap;
	ev->peak_kb = peak_mb << 10;
}

/*
 * Rules 1 and 2: evicted wins over interrupted and oom, interrupted over
 * oom, timeout and the rest.
 */
static void
test_classify_interrupted(void **state)
{
	struct unit_evidence ev;

	memset(&ev, 0, sizeof ev);
	ev.evicted = 1;
	ev.interrupted = 1;
	in_cgroup(&ev, 512, 512);
	ev.oom_kills = 1;
	ev.wstatus = KILLED_BY(SIGKILL);
	classify_is(&ev, UNIT_ST_INTERRUPTED,
	    "killed by bench under memory pressure; requeued", 0);

	ev.evicted = 0;
	classify_is(&ev, UNIT_ST_INTERRUPTED, "bench was interrupted", 0);

	memset(&ev, 0, sizeof ev);
	ev.interrupted = 1;
	ev.timed_out = 1;
	ev.timeout_s = 2;
	ev.wstatus = KILLED_BY(SIGTERM);
	classify_is(&ev, UNIT_ST_INTERRUPTED, "bench was interrupted", 0);

	/* the end record's error is not the reason here */
	ev.have_end = 1;
	ev.end_status = "failed";
	ev.end_error = "boom";
	classify_is(&ev, UNIT_ST_INTERRUPTED, "bench was interrupted", 0);
}

/*
 * Rule 3, memory: a cgroup OOM kill wins over a timeout; SIGKILL at 95%
 * of the cap is oom unless timed out; an end record saying oom, or failing
 * with ENOMEM and the like, is oom even when timed out.
 */
static void
test_classify_oom(void **state)
{
	struct unit_evidence ev;

	memset(&ev, 0, sizeof ev);
	in_cgroup(&ev, 512, 511);
	ev.oom_kills = 2;
	ev.timed_out = 1;
	ev.timeout_s = 2;
	ev.wstatus = KILLED_BY(SIGKILL);
	classify_is(&ev, UNIT_ST_OOM, "killed by the OOM killer at its 512 "
	    "MiB memory cap (cgroup v2, peak 511 MiB)", 0);

	/* SIGKILL near the cap, no OOM kill counted */
	memset(&ev, 0, sizeof ev);
	in_cgroup(&ev, 1000, 980);
	ev.wstatus = KILLED_BY(SIGKILL);
	classify_is(&ev, UNIT_ST_OOM, "SIGKILL at its 1000 MiB memory cap", 0);
	/* ... but bench's timeout killed it */
	ev.timed_out = 1;
	ev.escalated = 1;
	ev.timeout_s = 2;
	classify_is(&ev, UNIT_ST_TIMEOUT,
	    "timed out after 2s (killed after ignoring SIGTERM)", 0);
	/* ... far from the cap: a crash */
	memset(&ev, 0, sizeof ev);
	in_cgroup(&ev, 1000, 900);
	ev.wstatus = KILLED_BY(SIGKILL);
	classify_is(&ev, UNIT_ST_CRASHED, "killed by signal 9 (Killed)", 0);
	/* ... or with no cgroup to say so */
	memset(&ev, 0, sizeof ev);
	ev.peak_kb = 980 << 10;
	ev.cap_mb = 1000;
	ev.wstatus = KILLED_BY(SIGKILL);
	classify_is(&ev, UNIT_ST_CRASHED, "killed by signal 9 (Killed)", 0);
	/* ... another signal at the cap is not the OOM killer's */
	memset(&ev, 0, sizeof ev);
	in_cgroup(&ev, 1000, 999);
	ev.wstatus = KILLED_BY(SIGSEGV);
	classify_is(&ev, UNIT_ST_CRASHED,
	    "killed by signal 11 (Segmentation fault)", 0);

	/* the end record says oom, even though it timed out */
	memset(&ev, 0, sizeof ev);
	ev.have_end = 1;
	ev.end_status = "oom";
	ev.wstatus = EXITED_WITH(1);
	classify_is(&ev, UNIT_ST_OOM, "out of memory (the unit said so)", 0);
	ev.timed_out = 1;
	ev.timeout_s = 2;
	ev.end_error = "cudaMalloc: out of memory";
	classify_is(&ev, UNIT_ST_OOM, "cudaMalloc: out of memory", 0);

	/* failing with ENOMEM */
	memset(&ev, 0, sizeof ev);
	ev.have_end = 1;
	ev.end_status = "failed";
	ev.end_error = "malloc: ENOMEM";
	ev.wstatus = EXITED_WITH(1);
	classify_is(&ev, UNIT_ST_OOM, "malloc: ENOMEM", 0);
	ev.end_error = "mmap: Cannot allocate memory";
	ev.wstatus = EXITED_WITH(0);
	classify_is(&ev, UNIT_ST_OOM, "mmap: Cannot allocate memory", 0);
	/* a non-zero exit with such an error is oom whatever the record */
	ev.end_status = "ok";
	ev.end_error = "out of memory";
	ev.wstatus = EXITED_WITH(3);
	classify_is(&ev, UNIT_ST_OOM, "out of memory", 0);
	/* an ok end that mentions ENOMEM is not */
	ev.wstatus = EXITED_WITH(0);
	ev.end_error = "retried after ENOMEM";
	classify_is(&ev, UNIT_ST_OK, "retried after ENOMEM", 0);
}

/*
 * Rule 3, a container's limit: the OOM kill count of the group around
 * bench moved while a unit without a cgroup of its own ran, and it died
 * of SIGKILL: oom, retried like a unit at its own cap. Not when another
 * signal ended it, nothing moved, bench's timeout or an interrupt killed
 * it. A unit in its own uncapped cgroup whose count moved is oom too.
 */
static void
test_classify_enclosing_oom(void **state)
{
	struct unit_evidence ev;

	memset(&ev, 0, sizeof ev);
	ev.encl_oom_kills = 1;
	ev.encl_limit_mb = 700;
	ev.wstatus = KILLED_BY(SIGKILL);
	classify_is(&ev, UNIT_ST_OOM, "killed by the OOM killer: the "
	    "enclosing memory cgroup's 700 MiB limit ran out", 0);
	ev.encl_limit_mb = -1;
	classify_is(&ev, UNIT_ST_OOM, "killed by the OOM killer (an OOM "
	    "kill in the enclosing memory cgroup)", 0);
	/* nothing counted (or unknown): a crash, as before */
	ev.encl_oom_kills = 0;
	classify_is(&ev, UNIT_ST_CRASHED, "killed by signal 9 (Killed)", 0);
	ev.encl_oom_kills = -1;
	classify_is(&ev, UNIT_ST_CRASHED, "killed by signal 9 (Killed)", 0);
	/* another signal: not the OOM killer's */
	ev.encl_oom_kills = 1;
	ev.wstatus = KILLED_BY(SIGSEGV);
	classify_is(&ev, UNIT_ST_CRASHED,
	    "killed by signal 11 (Segmentation fault)", 0);
	/* bench's own SIGKILL after its timeout */
	ev.wstatus = KILLED_BY(SIGKILL);
	ev.timed_out = 1;
	ev.escalated = 1;
	ev.timeout_s = 2;
	classify_is(&ev, UNIT_ST_TIMEOUT,
	    "timed out after 2s (killed after ignoring SIGTERM)", 0);
	/* its own cgroup without a cap counted the kill */
	memset(&ev, 0, sizeof ev);
	in_cgroup(&ev, 0, 690);
	ev.cgroup_kind = "v1";
	ev.oom_kills = 1;
	ev.wstatus = KILLED_BY(SIGKILL);
	classify_is(&ev, UNIT_ST_OOM, "killed by the OOM killer (cgroup v1, "
	    "no cap of its own, peak 690 MiB)", 0);
}

/*
 * Rules 4 to 6: bench's timeout wins over the launcher's; the launcher's
 * time limit is a timeout, its other faults a failure, retryable when it
 * says so, and both win over the signal it reports.
 */
static void
test_classify_timeout_and_launcher(void **state)
{
	struct unit_evidence ev;

	memset(&ev, 0, sizeof ev);
	ev.timed_out = 1;
	ev.timeout_s = 2;
	ev.escalated = 1;
	ev.wstatus = KILLED_BY(SIGKILL);
	ev.launch_fault = 1;
	ev.launch_timelimit = 1;
	ev.launch_error = "slurm: DUE TO TIME LIMIT";
	classify_is(&ev, UNIT_ST_TIMEOUT,
	    "timed out after 2s (killed after ignoring SIGTERM)", 0);

	/* SIGTERM was enough */
	ev.escalated = 0;
	ev.wstatus = KILLED_BY(SIGTERM);
	classify_is(&ev, UNIT_ST_TIMEOUT, "timed out after 2s", 0);
	/* escalated, but the exit was its own */
	ev.escalated = 1;
	ev.timeout_s = 1.5;
	ev.wstatus = EXITED_WITH(0);
	classify_is(&ev, UNIT_ST_TIMEOUT, "timed out after 1.5s", 0);

	/* the launcher's time limit */
	ev.timed_out = 0;
	ev.escalated = 0;
	ev.wstatus = KILLED_BY(SIGTERM);
	ev.launch_retryable = 1;
	classify_is(&ev, UNIT_ST_TIMEOUT, "slurm: DUE TO TIME LIMIT", 0);

	/* another fault of the launcher's */
	ev.launch_timelimit = 0;
	ev.launch_error = "slurm: NODE_FAIL";
	ev.wstatus = KILLED_BY(SIGKILL);
	classify_is(&ev, UNIT_ST_FAILED, "slurm: NODE_FAIL", 1);
	ev.launch_retryable = 0;
	ev.launch_error = NULL;
	ev.wstatus = EXITED_WITH(1);
	classify_is(&ev, UNIT_ST_FAILED, "the launcher failed", 0);
}

/*
 * Rules 7 to 10: a signal (core dumped or not) wins over an exit code and
 * the end record; a non-zero exit over the end record, whose error then
 * replaces "exit status N"; then the end record; else ok.
 */
static void
test_classify_exit(void **state)
{
	struct unit_evidence ev;

	memset(&ev, 0, sizeof ev);
	ev.wstatus = KILLED_BY(SIGSEGV);
	classify_is(&ev, UNIT_ST_CRASHED,
	    "killed by signal 11 (Segmentation fault)", 0);
	ev.wstatus = CORE_DUMPED(SIGSEGV);
	ev.have_end = 1;
	ev.end_status = "ok";
	classify_is(&ev, UNIT_ST_CRASHED,
	    "killed by signal 11 (Segmentation fault), core dumped", 0);

	memset(&ev, 0, sizeof ev);
	ev.wstatus = EXITED_WITH(3);
	classify_is(&ev, UNIT_ST_FAILED, "exit status 3", 0);
	ev.have_end = 1;
	ev.end_status = "skipped";
	classify_is(&ev, UNIT_ST_FAILED, "exit status 3", 0);
	ev.end_status = "failed";
	ev.end_error = "bad input 'x'";
	classify_is(&ev, UNIT_ST_FAILED, "bad input 'x'", 0);

	/* exit 0: the end record decides */
	ev.wstatus = EXITED_WITH(0);
	classify_is(&ev, UNIT_ST_FAILED, "bad input 'x'", 0);
	ev.end_error = NULL;
	classify_is(&ev, UNIT_ST_FAILED, NULL, 0);
	ev.end_status = "skipped";
	ev.end_error = "no GPU";
	classify_is(&ev, UNIT_ST_SKIPPED, "no GPU", 0);
	ev.end_status = "ok";
	ev.end_error = NULL;
	classify_is(&ev, UNIT_ST_OK, NULL, 0);
	/* no end record at all */
	memset(&ev, 0, sizeof ev);
	classify_is(&ev, UNIT_ST_OK, NULL, 0);
	/* an end status without have_end is not read */
	ev.end_status = "failed";
	classify_is(&ev, UNIT_ST_OK, NULL, 0);
}

/* The notes: a held pipe, bad records, dropped metrics, after the reason. */
static void
test_classify_notes(void **state)
{
	struct unit_evidence ev;

	memset(&ev, 0, sizeof ev);
	ev.pipe_held = 1;
	classify_is(&ev, UNIT_ST_OK, "status pipe held open by a leftover "
	    "process after the unit exited", 0);

	memset(&ev, 0, sizeof ev);
	ev.nproto = 2;
	ev.proto_error = "X";
	classify_is(&ev, UNIT_ST_OK, "2 bad status records ignored "
	    "(first: X)", 0);
	ev.nproto = 1;
	ev.proto_error = NULL;
	classify_is(&ev, UNIT_ST_OK, "1 bad status record ignored "
	    "(first: ?)", 0);

	memset(&ev, 0, sizeof ev);
	ev.dropped_metrics = 5;
	ev.max_metrics = 64;
	classify_is(&ev, UNIT_ST_OK, "more than 64 metrics: 5 dropped", 0);

	/* all three, in order, after the reason */
	ev.wstatus = EXITED_WITH(3);
	ev.pipe_held = 1;
	ev.nproto = 2;
	ev.proto_error = "X";
	classify_is(&ev, UNIT_ST_FAILED, "exit status 3; status pipe held "
	    "open by a leftover process after the unit exited; 2 bad status "
	    "records ignored (first: X); more than 64 metrics: 5 dropped", 0);
	/* ... or after the end record's error */
	ev.wstatus = EXITED_WITH(0);
	ev.pipe_held = 0;
	ev.dropped_metrics = 0;
	ev.have_end = 1;
	ev.end_status = "skipped";
	ev.end_error = "no GPU";
	classify_is(&ev, UNIT_ST_SKIPPED, "no GPU; 2 bad status records "
	    "ignored (first: X)", 0);
}

/*
 * Status names: every status round-trips through its name, unknown names
 * are refused, which statuses are final, and the SQL list.
 */
static void
test_status_names(void **state)
{
	static const char *const names[UNIT_NSTATUSES] = {
		"pending", "running", "ok", "failed", "crashed", "timeout",
		"oom", "skipped", "interrupted"
	};
	static const int final[UNIT_NSTATUSES] = {
		[UNIT_ST_OK] = 1, [UNIT_ST_FAILED] = 1,
		[UNIT_ST_CRASHED] = 1, [UNIT_ST_TIMEOUT] = 1,
		[UNIT_ST_OOM] = 1, [UNIT_ST_SKIPPED] = 1,
	};
	enum unit_status st;
	char *sql;
	int i;

	for (i = 0; i < UNIT_NSTATUSES; i++) {
		assert_string_equal(unit_status_name((enum unit_status)i),
		    names[i]);
		st = UNIT_NSTATUSES;
		assert_int_equal(unit_status_parse(names[i], &st), 0);
		assert_int_equal(st, i);
		assert_int_equal(unit_status_final((enum unit_status)i),
		    final[i]);
	}
	st = UNIT_ST_OK;
	assert_int_equal(unit_status_parse("bogus", &st), -1);
	assert_int_equal(unit_status_parse("OK", &st), -1);
	assert_int_equal(unit_status_parse("", &st), -1);
	assert_int_equal(unit_status_parse(NULL, &st), -1);
	assert_int_equal(st, UNIT_ST_OK);
	assert_string_equal(unit_status_name(UNIT_NSTATUSES), "?");
	assert_int_equal(unit_status_final(UNIT_NSTATUSES), 0);

	sql = unit_status_sql_check("status");
	assert_string_equal(sql, "status = 'pending' OR status = 'running' OR "
	    "status = 'ok' OR status = 'failed' OR status = 'crashed' OR "
	    "status = 'timeout' OR status = 'oom' OR status = 'skipped' OR "
	    "status = 'interrupted'");
	free(sql);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legal_cells),
		cmocka_unit_test(test_flags_accumulate),
		cmocka_unit_test(test_impossible_cells),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_done_needs_start),
		cmocka_unit_test(test_exit_and_eof),
		cmocka_unit_test(test_take_and_give),
		cmocka_unit_test(test_timers_apply),
		cmocka_unit_test(test_timers_next),
		cmocka_unit_test(test_timers_due),
		cmocka_unit_test(test_timers_with_table),
		cmocka_unit_test(test_classify_interrupted),
		cmocka_unit_test(test_classify_oom),
		cmocka_unit_test(test_classify_enclosing_oom),
		cmocka_unit_test(test_classify_timeout_and_launcher),
		cmocka_unit_test(test_classify_exit),
		cmocka_unit_test(test_classify_notes),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
