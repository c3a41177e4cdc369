/*
 * test-paradigms: the learning paradigms' maths (FedAvg, backward
 * transfer) and each paradigm run end to end through the worker.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "chan.h"
#include "paradigm.h"
#include "worker.h"

/* FedAvg weights by sample count; the result is the same whatever order
   the client models were produced in, since they are summed in client
   order. */
static void
test_fedavg(void **state)
{
	double a[3] = { 1, 2, 3 }, b[3] = { 3, 4, 5 }, c[3] = { 0, 0, 9 };
	const double *w[3] = { a, b, c };
	size_t n[3] = { 1, 3, 0 };
	double out[3], out2[3];
	double a2[3], b2[3], c2[3];
	const double *w2[3] = { a2, b2, c2 };

	(void)state;
	federated_aggregate(3, 2, w, n, out);
	assert_true(out[0] == 0.25 * 1 + 0.75 * 3);
	assert_true(out[1] == 0.25 * 2 + 0.75 * 4);
	assert_true(out[2] == 0.25 * 3 + 0.75 * 5);
	/* clients "finishing" in another order fill their slots later */
	memcpy(c2, c, sizeof c);
	memcpy(b2, b, sizeof b);
	memcpy(a2, a, sizeof a);
	federated_aggregate(3, 2, w2, n, out2);
	assert_memory_equal(out, out2, sizeof out);
	n[0] = n[1] = 0;
	federated_aggregate(3, 2, w, n, out);
	assert_true(out[0] == 0 && out[2] == 0);
}

static void
test_find(void **state)
{
	(void)state;
	assert_non_null(paradigm_find("singletasklearning"));
	assert_true(paradigm_find("jointinference")->partitioned);
	assert_true(paradigm_find("federatedlearning")->learner);
	assert_null(paradigm_find("deeplearning"));
}

/* The table is the one list: paradigm_at() and paradigm_names() follow it. */
static void
test_names(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(paradigm_count(), 5);
	for (i = 0; i < paradigm_count(); i++)
		assert_ptr_equal(paradigm_find(paradigm_at(i)->name),
		    paradigm_at(i));
	assert_null(paradigm_at(paradigm_count()));
	assert_string_equal(paradigm_names(), "singletasklearning, "
	    "jointinference, incrementallearning, lifelonglearning, "
	    "federatedlearning");
	/* a second call gives the same text */
	assert_string_equal(paradigm_names(), "singletasklearning, "
	    "jointinference, incrementallearning, lifelonglearning, "
	    "federatedlearning");
}

struct got {
	json_t	*metrics;
	char	 status[16];
	char	 error[CHAN_TEXT_MAX + 1];
};

static void
on_rec(const struct chan_record *rec, void *data)
{
	struct got *g = data;

	if (rec->type == CHAN_METRIC)
		json_object_set_new(g->metrics, rec->name,
		    json_real(rec->value));
	else if (rec->type == CHAN_END) {
		snprintf(g->status, sizeof g->status, "%s", rec->status);
		snprintf(g->error, sizeof g->error, "%s", rec->text);
	}
}

/* Run builtin:logreg under a paradigm; metrics into g. */
static void
run_paradigm(const char *paradigm, const char *params, const char *config,
    struct got *g)
{
	struct worker_unit u = WORKER_UNIT_INIT;
	struct chan *ch;
	char buf[65536];
	int p[2], saved;
	ssize_t n;

	memset(g, 0, sizeof *g);
	g->metrics = json_object();
	assert_int_equal(pipe(p), 0);
	u.url = "builtin:logreg";
	u.unit_id = "u0";
	u.params = params;
	u.paradigm = paradigm;
	u.paradigm_config = config;
	u.status_fd = p[1];
	u.seed = 1;
	saved = dup(2);
	assert_non_null(freopen("/dev/null", "w", stderr));
	(void)worker_run(&u);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(p[1]);
	ch = chan_new(on_rec, NULL, g);
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		chan_feed(ch, buf, (size_t)n);
	chan_eof(ch);
	chan_free(ch);
	close(p[0]);
}

static double
metric(struct got *g, const char *name)
{
	json_t *v = json_object_get(g->metrics, name);

	assert_non_null(v);
	return json_real_value(v);
}

static void
test_incremental(void **state)
{
	struct got g, g2;

	(void)state;
	run_paradigm("incrementallearning", "{\"epochs\":2}",
	    "{\"incremental_rounds\":4,\"train_ratio\":0.75}", &g);
	assert_string_equal(g.status, "ok");
	assert_true(metric(&g, "rounds") == 4);
	assert_true(metric(&g, "accuracy") == metric(&g, "accuracy_round_4"));
	assert_true(metric(&g, "accuracy") > 0.8);
	assert_null(json_object_get(g.metrics, "accuracy_round_5"));
	/* the hyperparameter wins over testenv */
	run_paradigm("incrementallearning",
	    "{\"epochs\":2,\"incremental_rounds\":2}",
	    "{\"incremental_rounds\":4}", &g2);
	assert_true(metric(&g2, "rounds") == 2);
	json_decref(g.metrics);
	json_decref(g2.metrics);
	run_paradigm("incrementallearning", "{}",
	    "{\"incremental_rounds\":\"many\"}", &g);
	assert_string_equal(g.status, "failed");
	assert_non_null(strstr(g.error, "incremental_rounds"));
	json_decref(g.metrics);
}

static void
test_lifelong(void **state)
{
	struct got g;
	double sum = 0;

	(void)state;
	run_paradigm("lifelonglearning", "{\"epochs\":2}", "{\"tasks\":3}",
	    &g);
	assert_string_equal(g.status, "ok");
	sum = metric(&g, "accuracy_task_1") + metric(&g, "accuracy_task_2") +
	    metric(&g, "accuracy_task_3");
	assert_true(fabs(metric(&g, "accuracy") - sum / 3) < 1e-12);
	/* later tasks pull the one model away from earlier ones */
	assert_true(metric(&g, "bwt") <= 0);
	assert_true(metric(&g, "forgetting") >= -metric(&g, "bwt") - 1e-12);
	json_decref(g.metrics);
}

static void
test_federated(void **state)
{
	struct got a, b, prox;

	(void)state;
	run_paradigm("federatedlearning", "{}",
	    "{\"clients\":4,\"rounds\":3,\"non_iid\":0.2}", &a);
	run_paradigm("federatedlearning", "{}",
	    "{\"clients\":4,\"rounds\":3,\"non_iid\":0.2}", &b);
	assert_string_equal(a.status, "ok");
	assert_true(metric(&a, "accuracy") == metric(&b, "accuracy"));
	assert_true(metric(&a, "loss") == metric(&b, "loss"));
	assert_true(metric(&a, "accuracy") > 0.7);
	/* non-IID: clients hold very different amounts */
	assert_true(metric(&a, "client_samples_min") <
	    metric(&a, "client_samples_max"));
	assert_true(metric(&a, "clients") == 4);
	run_paradigm("federatedlearning", "{\"mu\":1.0}",
	    "{\"clients\":4,\"rounds\":3,\"non_iid\":0.2}", &prox);
	assert_string_equal(prox.status, "ok");
	assert_true(metric(&prox, "loss") != metric(&a, "loss"));
	json_decref(a.metrics);
	json_decref(b.metrics);
	json_decref(prox.metrics);
}

static void
test_learner_required(void **state)
{
	struct worker_unit u = WORKER_UNIT_INIT;
	struct got g;
	struct chan *ch;
	char buf[8192];
	int p[2];
	ssize_t n;

	(void)state;
	memset(&g, 0, sizeof g);
	g.metrics = json_object();
	assert_int_equal(pipe(p), 0);
	u.url = "builtin:gemm";
	u.unit_id = "u0";
	u.params = "{\"n\":8}";
	u.paradigm = "lifelonglearning";
	u.status_fd = p[1];
	(void)worker_run(&u);
	close(p[1]);
	ch = chan_new(on_rec, NULL, &g);
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		chan_feed(ch, buf, (size_t)n);
	chan_free(ch);
	close(p[0]);
	assert_string_equal(g.status, "failed");
	assert_non_null(strstr(g.error, "builtin:logreg"));
	json_decref(g.metrics);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fedavg),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_lifelong),
		cmocka_unit_test(test_federated),
		cmocka_unit_test(test_learner_required),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
