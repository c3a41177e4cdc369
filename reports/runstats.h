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

/* The summary of one sample as a new object {"n", "mean", "median", "sd",
   "min", "max", "lo", "hi", "outliers"} (stats.h: lo/hi the 95% t
   interval of the mean, null with n < 2; unknowns are null). */
struct stats;
json_t *runstats_stats_json(const struct stats *s);

/*
 * Summarise samples (runstats_load) into a new object
 * {"TESTCASE": {"METRIC": runstats_stats_json...}...}, same order.
 */
json_t *runstats_summary(json_t *samples);

/* 1 when some test case of samples has a metric measured twice or more
   (the run had repeats). */
int runstats_has_repeats(json_t *samples);

#endif
