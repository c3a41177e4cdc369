/*
 * diff: compare two stored runs unit by unit, the proof behind `bench
 * verify` and `bench diff`. Units are matched by their key (a hash of the
 * test case's configuration, partition and repetition), so runs of the
 * same job in any mode, order or worker count line up. Every metric not
 * declared timing-dependent must be bit-identical; statuses must agree;
 * test-case (merged) metrics are compared the same way.
 */
#ifndef BENCH_DIFF_H
#define BENCH_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct store;

struct diff_result {
	size_t	units_a, units_b;	/* units in each run */
	size_t	matched;		/* units present in both */
	size_t	compared;		/* metric values compared */
	size_t	timing_skipped;		/* timing metrics left out */
	size_t	mismatches;		/* rows printed (or counted) */
	size_t	not_ok;			/* matched units that did not end ok
					   or skipped in both runs */
};

/*
 * Compare run a with run b and print a table of mismatches to out (NULL:
 * count only), at most max_rows rows (then a count of the rest). Returns
 * 0, or -1 with *cause when the database cannot be read or a run does not
 * exist.
 */
int diff_runs(struct store *st, int64_t a, int64_t b, FILE *out,
    size_t max_rows, struct diff_result *res, char **cause);
/*
 * As diff_runs, but every mismatch is appended to rows (a JSON array, the
 * caller's) as {"what": "TESTCASE pP rR" | "TESTCASE (merged)", "metric":
 * NAME | "(unit)" | "(status)", "a": .., "b": ..}: the values are numbers
 * (null when absent) for a metric, text ("present", "missing", a status)
 * otherwise. Nothing is printed.
 */
int diff_runs_json(struct store *st, int64_t a, int64_t b, json_t *rows,
    struct diff_result *res, char **cause);

#endif
