/*
 * paradigm: the table of paradigms and the settings lookup they share. The
 * table is the only list of paradigm names: the job loader and the worker's
 * messages read it through paradigm_find(), paradigm_at() and
 * paradigm_names().
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "paradigm.h"
#include "banned.h"

static const struct paradigm *const paradigm_table[] = {
	&paradigm_singletask,
	&paradigm_jointinference,
	&paradigm_incremental,
	&paradigm_lifelong,
	&paradigm_federated,
	NULL,
};

/* Look a paradigm up by its Ianvs name. */
const struct paradigm *
paradigm_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; paradigm_table[i] != NULL; i++) {
		if (strcmp(paradigm_table[i]->name, name) == 0)
			return paradigm_table[i];
	}
	return NULL;
}

/* Number of paradigms in the table. */
size_t
paradigm_count(void)
{
	return sizeof paradigm_table / sizeof paradigm_table[0] - 1;
}

/* Paradigm i of the table, or NULL past the end. */
const struct paradigm *
paradigm_at(size_t i)
{
	if (i >= paradigm_count())
		return NULL;
	return paradigm_table[i];
}

/* The list of names, built from the table on first use. */
const char *
paradigm_names(void)
{
	static char names[256];
	size_t i, len = 0, n;

	if (names[0] != '\0')
		return names;
	for (i = 0; paradigm_table[i] != NULL; i++) {
		n = strlen(paradigm_table[i]->name);
		if (len + n + 3 > sizeof names)
			break;
		if (i > 0) {
			memcpy(names + len, ", ", 2);
			len += 2;
		}
		memcpy(names + len, paradigm_table[i]->name, n);
		len += n;
	}
	names[len] = '\0';
	return names;
}

/* An integer setting. */
int
paradigm_int(struct bench_ctx *ctx, json_t *config, const char *name,
    int64_t dflt, int64_t lo, int64_t hi, int64_t *out)
{
	json_t *v;
	double d;

	if (ctx->param_int(ctx, name, out) != 0) {
		if (ctx->param_real(ctx, name, &d) == 0 ||
		    ctx->param_string(ctx, name, &(const char *){ NULL }) == 0) {
			ctx->fail(ctx, "%s must be an integer", name);
			return -1;
		}
		v = json_object_get(config, name);
		if (v == NULL)
			*out = dflt;
		else if (json_is_integer(v))
			*out = json_integer_value(v);
		else {
			ctx->fail(ctx, "testenv %s must be an integer", name);
			return -1;
		}
	}
	if (*out < lo || *out > hi) {
		ctx->fail(ctx, "%s must be %lld..%lld, not %lld", name,
		    (long long)lo, (long long)hi, (long long)*out);
		return -1;
	}
	return 0;
}

/* A real setting. */
int
paradigm_real(struct bench_ctx *ctx, json_t *config, const char *name,
    double dflt, double lo, double hi, double *out)
{
	json_t *v;

	if (ctx->param_real(ctx, name, out) != 0) {
		if (ctx->param_string(ctx, name, &(const char *){ NULL }) == 0) {
			ctx->fail(ctx, "%s must be a number", name);
			return -1;
		}
		v = json_object_get(config, name);
		if (v == NULL)
			*out = dflt;
		else if (json_is_number(v))
			*out = json_number_value(v);
		else {
			ctx->fail(ctx, "testenv %s must be a number", name);
			return -1;
		}
	}
	if (!(*out >= lo && *out <= hi)) {
		ctx->fail(ctx, "%s must be %g..%g, not %g", name, lo, hi, *out);
		return -1;
	}
	return 0;
}
