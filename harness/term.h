/*
 * term: what bench prints while and after it runs. On a terminal a live
 * progress line (done/total, running, failed, elapsed, ETA) redrawn in
 * place; elsewhere one plain line per finished unit. The summary table is
 * rendered from the database, so any stored run can be shown again.
 */
#ifndef BENCH_TERM_H
#define BENCH_TERM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct store;
struct term;

/* live: redraw one line (fp is a TTY); else plain lines. */
struct term *term_new(FILE *fp, int live, size_t total);
void term_free(struct term *t);
/* The number of units the progress line counts to. */
void term_set_total(struct term *t, size_t total);
/* A unit ended. */
void term_unit_done(struct term *t, const char *status, const char *testcase,
    const char *unit_id, double wall_s, const char *error);
/*
 * Unit unit_id of test case testcase started running: the live line names
 * the running units, oldest first, as many as fit its width. Both strings
 * are borrowed and must live until term_running_remove.
 */
void term_running_add(struct term *t, const char *unit_id,
    const char *testcase);
/* It stopped running (ended, or went back to the queue); an id that is
   not running is ignored. */
void term_running_remove(struct term *t, const char *unit_id);
/* Counts changed or time passed: redraw the live line (at most 4 Hz unless
   force). */
void term_progress(struct term *t, size_t running, int force);
/*
 * s with every byte a terminal would act on (C0 controls, DEL, UTF-8 C1
 * controls) written as \xNN, so a unit's text cannot clear the screen,
 * set the title or fake lines. Allocated.
 */
char *term_escape(const char *s);
/* Print a line above the live line (escaped: term_escape). */
void term_message(struct term *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Clear the live line for good. */
void term_finish(struct term *t);

/*
 * The ranked summary table of run_id: one row per test case, ranked by
 * sort_by (a JSON array of {"METRIC":"descend"|"ascend"}; NULL or empty
 * keeps job order), metric columns from metric_names (JSON array of
 * strings; NULL: every metric seen), then status and wall time.
 */
int term_summary(FILE *fp, struct store *st, int64_t run_id, json_t *sort_by,
    json_t *metric_names, char **cause);

/* Seconds as "1.23s", "1:05", "1:02:03" into buf. */
const char *term_duration(double s, char *buf, size_t len);

struct job;
/* The plan of a job: test cases with parameters and runner, and units. */
void term_plan(FILE *fp, const struct job *job, int verbose);
#endif
