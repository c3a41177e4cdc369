/*
 * worker: runs one unit in the worker process. It owns the unit's
 * struct bench_ctx (parameter lookups over the params JSON, metric and
 * failure reporting) and the unit's records on the status fd.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "chan.h"
#include "err.h"
#include "paradigm.h"
#include "plugin.h"
#include "registry.h"
#include "worker.h"
#include "xalloc.h"
#include "banned.h"

/* What the context's functions share, in ctx->bench_private. */
struct worker_priv {
	const struct worker_unit *u;
	json_t		*params;
	int		 fd;
	int		 broken;	/* status fd failed */
	int		 failed;	/* fail() or bad metric */
	char		*error;		/* first failure reason */
	int		 skipped;	/* skip() called */
	char		*skip_reason;
};

/* The private state of ctx. */
static struct worker_priv *
worker_priv(struct bench_ctx *ctx)
{
	return ctx->bench_private;
}

/* A line of the worker's own to the unit log. */
static void
worker_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
worker_note(const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "bench worker: %s\n", msg);
	free(msg);
}

/* After a failed write to the status fd: remember, say it once. */
static void
worker_broken(struct worker_priv *p)
{
	if (p->broken)
		return;
	p->broken = 1;
	if (errno == EPIPE)
		worker_note("status fd %d: controller gone (%s), stopping",
		    p->fd, strerror(errno));
	else
		worker_note("status fd %d: %s, stopping", p->fd,
		    strerror(errno));
}

/* Record the unit as failed; the first reason is the one reported. */
static void
worker_failed(struct worker_priv *p, const char *msg)
{
	fprintf(stderr, "failed: %s\n", msg);
	if (!p->failed) {
		p->failed = 1;
		p->error = xstrdup(msg);
	}
}

/* The JSON member name of the parameters, or NULL. */
static json_t *
worker_param(struct bench_ctx *ctx, const char *name)
{
	struct worker_priv *p = worker_priv(ctx);

	if (name == NULL || p->params == NULL)
		return NULL;
	return json_object_get(p->params, name);
}

/* v as an int64: integers, and reals with an exact integer value. */
static int
worker_json_int(json_t *v, int64_t *out)
{
	double d;

	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		d = json_real_value(v);
		/* [-2^63, 2^63): every double here converts exactly */
		if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
			return -1;
		if ((double)(int64_t)d != d)
			return -1;
		*out = (int64_t)d;
		return 0;
	}
	return -1;
}

/* ctx->param_int */
static int
worker_param_int(struct bench_ctx *ctx, const char *name, int64_t *out)
{
	json_t *v = worker_param(ctx, name);

	return v == NULL ? -1 : worker_json_int(v, out);
}

/* ctx->param_real: any JSON number. */
static int
worker_param_real(struct bench_ctx *ctx, const char *name, double *out)
{
	json_t *v = worker_param(ctx, name);

	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return 0;
}

/* ctx->param_string: JSON strings only; valid until the unit ends. */
static int
worker_param_string(struct bench_ctx *ctx, const char *name,
    const char **out)
{
	json_t *v = worker_param(ctx, name);

	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

/* ctx->param_bool: true and false only. */
static int
worker_param_bool(struct bench_ctx *ctx, const char *name, int *out)
{
	json_t *v = worker_param(ctx, name);

	if (!json_is_boolean(v))
		return -1;
	*out = json_is_true(v);
	return 0;
}

/* ctx->report: one metric record, written now. */
static void
worker_report(struct bench_ctx *ctx, const char *name, double value,
    int timing)
{
	struct worker_priv *p = worker_priv(ctx);
	char *msg;

	if (p->broken)
		return;
	if (name == NULL || name[0] == '\0') {
		worker_failed(p, "a metric was reported with an empty name");
		return;
	}
	if (strlen(name) > CHAN_NAME_MAX) {
		msg = xasprintf("metric name '%.32s...' is longer than %d "
		    "bytes", name, CHAN_NAME_MAX);
		worker_failed(p, msg);
		free(msg);
		return;
	}
	if (!isfinite(value)) {
		msg = xasprintf("metric '%s' is not finite (%f)", name, value);
		worker_failed(p, msg);
		free(msg);
		return;
	}
	if (chan_write_metric(p->fd, name, value, timing) != 0)
		worker_broken(p);
}

/* ctx->fail */
static void
worker_ctx_fail(struct bench_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	worker_failed(worker_priv(ctx), msg);
	free(msg);
}

/* ctx->skip */
static void
worker_ctx_skip(struct bench_ctx *ctx, const char *fmt, ...)
{
	struct worker_priv *p = worker_priv(ctx);
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "skipped: %s\n", msg);
	if (!p->skipped) {
		p->skipped = 1;
		p->skip_reason = msg;
	} else
		free(msg);
}

/* ctx->log: one line to the unit log (stderr). */
static void
worker_ctx_log(struct bench_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	size_t n;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	fprintf(stderr, "%s\n", msg);
	free(msg);
}

/* ctx->now: monotonic seconds. */
static double
worker_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether JSON value v fits a parameter of type t. */
static int
worker_type_fits(json_t *v, enum bench_param_type t)
{
	int64_t i;

	switch (t) {
	case BENCH_PARAM_INT:
		return worker_json_int(v, &i) == 0;
	case BENCH_PARAM_REAL:
		return json_is_number(v);
	case BENCH_PARAM_STRING:
		return json_is_string(v);
	case BENCH_PARAM_BOOL:
		return json_is_boolean(v);
	}
	return 1;	/* a type this bench does not know: not checked */
}

/* What a parameter of type t must be, for messages. */
static const char *
worker_type_name(enum bench_param_type t)
{
	switch (t) {
	case BENCH_PARAM_INT:
		return "an integer";
	case BENCH_PARAM_REAL:
		return "a number";
	case BENCH_PARAM_STRING:
		return "a string";
	case BENCH_PARAM_BOOL:
		return "true or false";
	}
	return "?";
}

/* What JSON value v is, for messages. */
static const char *
worker_json_name(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a non-integer number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

/*
 * Check the parameters against the test case's spec: a declared one with
 * the wrong type is an error, an undeclared one a warning.
 */
static int
worker_check_params(const struct bench_testcase *tc, json_t *params,
    char **cause)
{
	const struct bench_param_spec *ps;
	const char *key;
	json_t *v;

	if (tc->params == NULL)
		return 0;
	json_object_foreach(params, key, v) {
		for (ps = tc->params; ps->name != NULL; ps++) {
			if (strcmp(ps->name, key) == 0)
				break;
		}
		if (ps->name == NULL) {
			worker_note("warning: parameter '%s' is not declared "
			    "by test case '%s'", key, tc->name);
			continue;
		}
		if (!worker_type_fits(v, ps->type))
			return err_set(cause, "parameter '%s' of test case "
			    "'%s' must be %s, not %s", key, tc->name,
			    worker_type_name(ps->type), worker_json_name(v));
	}
	return 0;
}

/* Check the arguments that do not need the test case; parse the params. */
static int
worker_check_unit(const struct worker_unit *u, json_t **params, char **cause)
{
	json_error_t jerr;

	*params = NULL;
	if (u->unit_id == NULL || u->unit_id[0] == '\0')
		return err_set(cause, "no unit id");
	if (u->nparts < 1)
		return err_set(cause, "nparts must be at least 1");
	if (u->part >= u->nparts)
		return err_set(cause, "part %u is not below nparts %u",
		    u->part, u->nparts);
	if (u->params == NULL) {
		*params = json_object();
		return 0;
	}
	*params = json_loads(u->params, JSON_REJECT_DUPLICATES, &jerr);
	if (*params == NULL)
		return err_set(cause, "params: invalid JSON: %s", jerr.text);
	if (!json_is_object(*params)) {
		json_decref(*params);
		*params = NULL;
		return err_set(cause, "params: not a JSON object");
	}
	return 0;
}

/* The unit's end record and exit code, from what run (or setup) returned. */
static int
worker_finish(struct worker_priv *p, const struct bench_testcase *tc,
    const char *step, int ret)
{
	const char *status;
	char *error = NULL;
	int code;

	if (p->failed) {
		status = "failed";
		error = xstrdup(p->error);
	} else if (ret == BENCH_FAILED) {
		status = "failed";
		error = xasprintf("%s of test case '%s' failed without saying "
		    "why", step, tc->name);
	} else if (ret == BENCH_SKIPPED) {
		status = "skipped";
		error = xstrdup(p->skipped ? p->skip_reason :
		    "skipped without saying why");
	} else if (ret == BENCH_OK)
		status = "ok";
	else {
		status = "failed";
		error = xasprintf("%s of test case '%s' returned %d, not "
		    "BENCH_OK, BENCH_FAILED or BENCH_SKIPPED", step, tc->name,
		    ret);
	}
	code = strcmp(status, "failed") == 0 ? WORKER_EXIT_FAILED :
	    WORKER_EXIT_OK;

	fflush(stdout);	/* stray output of the test case, into the log */
	if (!p->broken && chan_write_usage(p->fd, RUSAGE_SELF) != 0)
		worker_broken(p);
	if (!p->broken && chan_write_end(p->fd, status, error) != 0)
		worker_broken(p);
	if (error != NULL)
		worker_note("unit %s: %s: %s", p->u->unit_id, status, error);
	else
		worker_note("unit %s: %s", p->u->unit_id, status);
	free(error);
	return p->broken ? WORKER_EXIT_FAILED : code;
}

/* The run step: the test case's run(), or its paradigm's loop. */
static int
worker_run_paradigm(const struct worker_unit *u,
    const struct bench_testcase *tc, struct bench_ctx *ctx, void *state)
{
	const struct paradigm *pd;
	json_error_t jerr;
	json_t *config;
	int ret;

	if (u->paradigm == NULL)
		return tc->run(ctx, state);
	pd = paradigm_find(u->paradigm);
	if (pd == NULL) {
		ctx->fail(ctx, "unknown paradigm '%s' (known: %s)", u->paradigm,
		    paradigm_names());
		return BENCH_FAILED;
	}
	if (pd->run == NULL)
		return tc->run(ctx, state);
	if (pd->learner && tc != registry_find("logreg")) {
		ctx->fail(ctx, "paradigm %s needs builtin:logreg as its "
		    "learner, not '%s'", pd->name, tc->name);
		return BENCH_FAILED;
	}
	config = json_loads(u->paradigm_config != NULL ?
	    u->paradigm_config : "{}", 0, &jerr);
	if (!json_is_object(config)) {
		json_decref(config);
		ctx->fail(ctx, "--paradigm-config is not a JSON object");
		return BENCH_FAILED;
	}
	ret = pd->run(ctx, tc, state, config);
	json_decref(config);
	return ret;
}

/* Run the unit: setup, run (through its paradigm), teardown. */
static int
worker_exec(const struct worker_unit *u, const struct bench_testcase *tc,
    json_t *params)
{
	struct worker_priv p;
	struct bench_ctx ctx;
	char *cause = NULL;
	void *state = NULL;
	const char *step;
	int ret, code;

	memset(&p, 0, sizeof p);
	p.u = u;
	p.params = params;
	p.fd = u->status_fd;

	memset(&ctx, 0, sizeof ctx);
	ctx.abi_version = BENCH_TESTCASE_ABI_VERSION;
	ctx.unit_id = u->unit_id;
	ctx.testcase = u->testcase != NULL ? u->testcase : tc->name;
	ctx.workspace = u->workspace != NULL ? u->workspace : ".";
	ctx.seed = u->seed;
	ctx.part = u->part;
	ctx.nparts = u->nparts;
	ctx.rep = u->rep;
	ctx.param_int = worker_param_int;
	ctx.param_real = worker_param_real;
	ctx.param_string = worker_param_string;
	ctx.param_bool = worker_param_bool;
	ctx.report = worker_report;
	ctx.fail = worker_ctx_fail;
	ctx.skip = worker_ctx_skip;
	ctx.log = worker_ctx_log;
	ctx.now = worker_now;
	ctx.bench_private = &p;

	worker_note("unit %s: test case '%s' (%s) seed %" PRIu64 " part %u/%u "
	    "rep %u", u->unit_id, ctx.testcase,
	    u->url != NULL ? u->url : tc->name, u->seed, u->part, u->nparts,
	    u->rep);

	step = "setup";
	ret = BENCH_OK;
	if (u->workspace != NULL && mkdir(u->workspace, 0700) != 0 &&
	    errno != EEXIST) {
		err_errno(&cause, "cannot create workspace '%s'", u->workspace);
		worker_failed(&p, cause);
		free(cause);
		ret = BENCH_FAILED;
	} else if (worker_check_params(tc, params, &cause) != 0) {
		worker_failed(&p, cause);
		free(cause);
		ret = BENCH_FAILED;
	} else if (tc->setup != NULL)
		ret = tc->setup(&ctx, &state);
	if (ret == BENCH_OK && !p.failed && !p.broken) {
		step = "run";
		ret = worker_run_paradigm(u, tc, &ctx, state);
		if (tc->teardown != NULL)
			tc->teardown(&ctx, state);
	} else if (ret == BENCH_OK && tc->teardown != NULL) {
		/* setup succeeded but the unit cannot go on */
		tc->teardown(&ctx, state);
	}

	code = worker_finish(&p, tc, step, ret);
	free(p.error);
	free(p.skip_reason);
	return code;
}

/* Whether fd is an open descriptor. */
static int
worker_fd_ok(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) != -1;
}

/* Run the unit with tc, or with the test case u->url names when tc is NULL. */
static int
worker_main(const struct worker_unit *u, const struct bench_testcase *tc)
{
	json_t *params = NULL;
	char *cause = NULL;
	void *handle = NULL;
	char host[CHAN_HOST_MAX + 1];
	int code;

	if (!worker_fd_ok(u->status_fd)) {
		worker_note("status fd %d is not open", u->status_fd);
		return WORKER_EXIT_USAGE;
	}
	if (chan_write_start_host(u->status_fd, (long)getpid(),
	    chan_host(host, sizeof host)) != 0) {
		worker_note("status fd %d: %s", u->status_fd, strerror(errno));
		return WORKER_EXIT_FAILED;
	}

	code = WORKER_EXIT_USAGE;
	if (tc == NULL && (u->url == NULL || u->url[0] == '\0'))
		err_set(&cause, "no test-case url");
	else if (worker_check_unit(u, &params, &cause) == 0 && tc == NULL) {
		code = WORKER_EXIT_OPEN;
		if (testcase_open(u->url, &tc, &handle, &cause) ==
		    TESTCASE_UNAVAILABLE)
			code = WORKER_EXIT_OK;	/* skipped */
	}
	if (cause != NULL) {
		worker_note("%s", cause);
		if (chan_write_end(u->status_fd, code == WORKER_EXIT_OK ?
		    "skipped" : "failed", cause) != 0) {
			worker_note("status fd %d: %s", u->status_fd,
			    strerror(errno));
			code = WORKER_EXIT_FAILED;
		}
		free(cause);
		json_decref(params);
		return code;
	}

	code = worker_exec(u, tc, params);
	json_decref(params);
	testcase_close(handle);
	return code;
}

/* Run one unit, opening its test case by url. */
int
worker_run(const struct worker_unit *u)
{
	return worker_main(u, NULL);
}

/* Run one unit with a descriptor the caller has. */
int
worker_run_testcase(const struct worker_unit *u,
    const struct bench_testcase *tc)
{
	if (tc == NULL)
		return worker_run(u);
	return worker_main(u, tc);
}
