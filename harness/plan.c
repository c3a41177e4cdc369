/*
 * plan: test cases into units. A test case has nparts x repeat units,
 * part-major; every unit's id, seed and key are pure functions of the job
 * name, the test case and the unit's place in it, so a unit computes the
 * same whichever worker runs it and whenever. Also the -k filter, which
 * renumbers units. The arrays belong to the job (job.c).
 */
#include "config.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "job.h"
#include "paradigm.h"
#include "plan.h"
#include "sha256.h"
#include "xalloc.h"
#include "banned.h"

/* SHA-256 of strings joined with NUL bytes, as a digest. */
static void
hash_fields(unsigned char digest[32], const char *a, const char *b,
    unsigned part, unsigned nparts, unsigned rep, int with_nparts)
{
	struct sha256 s;
	char num[32];
	int len;

	sha256_init(&s);
	sha256_update(&s, a, strlen(a));
	sha256_update(&s, "", 1);
	if (b != NULL) {
		sha256_update(&s, b, strlen(b));
		sha256_update(&s, "", 1);
	}
	len = snprintf(num, sizeof num, "%u", part);
	sha256_update(&s, num, len);
	sha256_update(&s, "", 1);
	if (with_nparts) {
		len = snprintf(num, sizeof num, "%u", nparts);
		sha256_update(&s, num, len);
		sha256_update(&s, "", 1);
	}
	len = snprintf(num, sizeof num, "%u", rep);
	sha256_update(&s, num, len);
	sha256_final(&s, digest);
}

/* A unit's id from its index: "u0003" style. */
static void
unit_id(struct job_unit *u)
{
	snprintf(u->id, sizeof u->id, "u%04" PRIu32, u->index);
}

/* Fill in unit u, of test case tc (number i), from its place in it. */
static void
unit_fill(struct job_unit *u, const char *job_name,
    const struct job_testcase *tc, size_t i, unsigned part, unsigned nparts,
    unsigned rep)
{
	unsigned char digest[32];
	int k;

	u->testcase = (uint32_t)i;
	u->part = part;
	u->nparts = nparts;
	u->rep = rep;
	hash_fields(digest, job_name, tc->name, part, nparts, rep, 0);
	u->seed = 0;
	for (k = 0; k < 8; k++)
		u->seed = (u->seed << 8) | digest[k];
	unit_id(u);
}

/* A unit's key; see plan.h. */
void
plan_unit_key(const struct job_testcase *tc, const struct job_unit *u,
    char out[65])
{
	unsigned char digest[32];
	char key[65];

	hash_fields(digest, job_testcase_key(tc, key), NULL, u->part,
	    u->nparts, u->rep, 1);
	sha256_digest_hex(digest, out);
}

/* Number of data partitions of a test case: partitions or 1. */
static unsigned
testcase_nparts(const struct job_testcase *tc, unsigned partitions)
{
	const struct paradigm *pd = paradigm_find(tc->paradigm);

	if (pd == NULL)
		BUG("test case %s: unknown paradigm '%s'", tc->name,
		    tc->paradigm);
	/* A Python test case runs Ianvs's flow whole in one unit. */
	return pd->partitioned && tc->runner != JOB_RUNNER_PYTHON ?
	    partitions : 1;
}

/* Count the units of the test cases; see plan.h. */
int
plan_count(const struct job_testcase *tcs, size_t ntcs, unsigned partitions,
    unsigned repeat, size_t *nunits)
{
	size_t i, total = 0, per;

	for (i = 0; i < ntcs; i++) {
		per = (size_t)testcase_nparts(&tcs[i], partitions) * repeat;
		if (per > PLAN_MAX_UNITS || total + per > PLAN_MAX_UNITS)
			return -1;
		total += per;
	}
	*nunits = total;
	return 0;
}

/* Lay out the units of the test cases; see plan.h. */
int
plan_units(const char *job_name, struct job_testcase *tcs, size_t ntcs,
    unsigned partitions, unsigned repeat, struct job_unit **units,
    size_t *nunits)
{
	struct job_testcase *tc;
	struct job_unit *all, *u;
	unsigned nparts, part, rep;
	size_t i, total = 0, per;

	for (i = 0; i < ntcs; i++) {
		tc = &tcs[i];
		per = (size_t)testcase_nparts(tc, partitions) * repeat;
		if (per > PLAN_MAX_UNITS || total + per > PLAN_MAX_UNITS)
			return -1;
		tc->first_unit = (uint32_t)total;
		tc->nunits = (uint32_t)per;
		total += per;
	}
	all = xcalloc(total + 1, sizeof *all);
	for (i = 0; i < ntcs; i++) {
		tc = &tcs[i];
		nparts = tc->nunits / repeat;
		u = &all[tc->first_unit];
		for (part = 0; part < nparts; part++) {
			for (rep = 0; rep < repeat; rep++, u++) {
				u->index = (uint32_t)(u - all);
				unit_fill(u, job_name, tc, i, part, nparts,
				    rep);
			}
		}
	}
	*units = all;
	*nunits = total;
	return 0;
}

/* How a -k pattern is matched, tried in this order. */
enum plan_match {
	PLAN_MATCH_EXACT,	/* a name copied from the output, brackets and all */
	PLAN_MATCH_GLOB,	/* fnmatch, when the pattern has *, ? or [ */
	PLAN_MATCH_SUBSTRING,
	PLAN_MATCH_COUNT,
};

/* Whether a test case name matches a -k pattern the way mode says. */
static int
name_matches(const char *name, const char *pattern, enum plan_match mode)
{
	switch (mode) {
	case PLAN_MATCH_EXACT:
		return strcmp(name, pattern) == 0;
	case PLAN_MATCH_GLOB:
		return strpbrk(pattern, "*?[") != NULL &&
		    fnmatch(pattern, name, 0) == 0;
	default:
		return strstr(name, pattern) != NULL;
	}
}

/* The first way of matching that keeps a test case, and how many it keeps. */
static size_t
match_mode(const struct job_testcase *tcs, size_t ntcs, const char *pattern,
    enum plan_match *mode)
{
	size_t i, n;
	int m;

	for (m = 0; m < PLAN_MATCH_COUNT; m++) {
		for (i = n = 0; i < ntcs; i++)
			n += name_matches(tcs[i].name, pattern, m);
		if (n > 0) {
			*mode = m;
			return n;
		}
	}
	return 0;
}

/* Keep the matching test cases and their units; see plan.h. */
size_t
plan_filter(struct job_testcase *tcs, size_t ntcs, struct job_unit **units,
    size_t *nunits, const char *pattern)
{
	struct job_testcase *order;
	struct job_unit *kept;
	enum plan_match mode;
	size_t i, j, n, nu = 0, dropped;

	if ((n = match_mode(tcs, ntcs, pattern, &mode)) == 0)
		return 0;
	order = xcalloc(ntcs, sizeof *order);
	kept = xcalloc(*nunits + 1, sizeof *kept);
	dropped = n;
	n = 0;
	for (i = 0; i < ntcs; i++) {
		if (!name_matches(tcs[i].name, pattern, mode)) {
			order[dropped++] = tcs[i];
			continue;
		}
		order[n] = tcs[i];
		for (j = 0; j < order[n].nunits; j++) {
			kept[nu] = (*units)[order[n].first_unit + j];
			kept[nu].index = (uint32_t)nu;
			kept[nu].testcase = (uint32_t)n;
			unit_id(&kept[nu]);
			nu++;
		}
		order[n].first_unit = (uint32_t)(nu - order[n].nunits);
		n++;
	}
	memcpy(tcs, order, ntcs * sizeof *tcs);
	free(order);
	free(*units);
	*units = kept;
	*nunits = nu;
	return n;
}
