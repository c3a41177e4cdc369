/*
 * runstats: the samples behind a run's statistics, read from the store.
 * One value per measured unit (units that ended ok and are not warm-up):
 * each metric the unit reported, plus its wall time as "wall_s".
 */
#ifndef BENCH_RUNSTATS_H
#define BENCH_RUNSTATS_H

#include <stdint.h>

#include <jansson.h>

struct store;

/*
 * Load run_id's samples into a new object *out:
 * {"TESTCASE": {"METRIC": [value...]...}...}, test cases in unit order,
 * "wall_s" first. Returns 0, or -1 with *cause.
 */
int runstats_load(struct store *st, int64_t run_id, json_t **out,
    char **cause);

/* The values of an array of reals as a new C array (caller frees);
   *n gets how many. */
double *runstats_values(json_t *a, size_t *n);

#endif
