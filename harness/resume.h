/*
 * resume: what `--resume RUN` keeps of an earlier run of the same job: its
 * units that finished (ok, skipped, failed, crashed, timeout, oom), found
 * by key, with their metrics. The new run copies those rows and runs only
 * the rest.
 */
#ifndef BENCH_RESUME_H
#define BENCH_RESUME_H

#include <stdint.h>

#include <jansson.h>

#include "unit.h"

struct store;
struct resume;

/* Load run run_id, which must be a run of job_name. 0 and *out, or -1
   with *cause. */
int resume_load(struct store *st, int64_t run_id, const char *job_name,
    struct resume **out, char **cause);
void resume_free(struct resume *r);

/* The finished unit with this key: 1 with its id and status, else 0. */
int resume_find(const struct resume *r, const char *key, int64_t *id,
    enum unit_status *status);
/* The metrics {name: [value, timing]} of an old unit: a new reference
   (an empty object when it had none). */
json_t *resume_metrics(const struct resume *r, int64_t id);

#endif
