/*
 * paradigm: the learning paradigms of Ianvs's paradigm_type, each deciding
 * how a test case becomes units and how a unit runs:
 *
 *	singletasklearning	one unit per test case (and repetition); the
 *				test case's run()
 *	jointinference		`partitions` units, one per dataset partition;
 *				run() on its partition; the controller merges
 *				them exactly with the test case's merge()
 *	incrementallearning	rounds of train-on-new-data / evaluate
 *	lifelonglearning	a sequence of tasks, with backward transfer
 *	federatedlearning	FedAvg / FedProx over simulated clients
 *
 * The last three are learning loops around a learner; the learner bench
 * ships is builtin:logreg (testcases/logreg.h), so they need it: the job
 * loader says so when another test case is named.
 *
 * Settings come from the test case's hyperparameters first (so a grid can
 * sweep them), then from testenv (Ianvs hands unknown testenv keys to the
 * paradigm), then the default.
 */
#ifndef BENCH_PARADIGM_H
#define BENCH_PARADIGM_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <bench/testcase.h>

struct paradigm {
	const char	*name;
	int		 learner;	/* runs only builtin:logreg */
	int		 partitioned;	/* units = partitions of the data: the
					   planner makes `partitions` units
					   per test case, else one */
	/*
	 * Run one unit (worker side) instead of tc->run, with the state
	 * tc->setup returned; NULL: tc->run. config is testenv (borrowed).
	 */
	int (*run)(struct bench_ctx *ctx, const struct bench_testcase *tc,
	    void *state, json_t *config);
};

/* The paradigm called name, or NULL. */
const struct paradigm *paradigm_find(const char *name);
/* Number of paradigms; paradigm_at(i) for i below it, else NULL (table
   order: the order of paradigm_names()). */
size_t paradigm_count(void);
const struct paradigm *paradigm_at(size_t i);
/* Names, comma-separated in table order, for error messages (static
   storage, built on the first call). */
const char *paradigm_names(void);

/* A setting: the hyperparameter NAME, else testenv's, else dflt; -1 and
   ctx->fail when present with the wrong type or outside lo..hi. */
int paradigm_int(struct bench_ctx *ctx, json_t *config, const char *name,
    int64_t dflt, int64_t lo, int64_t hi, int64_t *out);
int paradigm_real(struct bench_ctx *ctx, json_t *config, const char *name,
    double dflt, double lo, double hi, double *out);

/*
 * FedAvg's server step: out (d + 1 values: weights, then bias) = the sum
 * over clients, in client order, of n[i] / sum(n) * w[i].
 */
void federated_aggregate(size_t k, size_t d, const double *const *w,
    const size_t *n, double *out);

extern const struct paradigm paradigm_singletask;
extern const struct paradigm paradigm_jointinference;
extern const struct paradigm paradigm_incremental;
extern const struct paradigm paradigm_lifelong;
extern const struct paradigm paradigm_federated;

#endif
