/*
 * memhog: builtin:memhog, a memory load. The unit allocates `mib` MiB,
 * writes every page so all of it is resident, and holds it for `seconds`
 * (sleeping in steps of at most 10 ms), then reports touched_mib and the
 * process's peak RSS (peak_rss_kb, from getrusage; a timing metric, since it
 * varies from run to run). When the allocation fails the unit fails with a
 * message containing "ENOMEM", which the controller classifies as oom.
 */
#include "config.h"

#include <sys/resource.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bench/testcase.h>

#include "banned.h"

#define MEMHOG_MIB_MAX		(INT64_C(1) << 22)	/* 4 TiB */
#define MEMHOG_SECONDS_MAX	86400.0
#define MEMHOG_STEP		0.01

static const struct bench_param_spec memhog_params[] = {
	{ "mib", BENCH_PARAM_INT, "64", "memory to touch, MiB" },
	{ "seconds", BENCH_PARAM_REAL, "0.5", "how long to hold it" },
	{ NULL, 0, NULL, NULL },
};

/* Sleep for about s seconds (s <= 1), EINTR included. */
static void
memhog_sleep(double s)
{
	struct timespec ts;

	ts.tv_sec = 0;
	ts.tv_nsec = (long)(s * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	if (ts.tv_nsec > 0)
		(void)nanosleep(&ts, NULL);	/* the caller loops */
}

/* Allocate, touch every page, hold, report. */
static int
memhog_run(struct bench_ctx *ctx, void *state)
{
	int64_t mib;
	double seconds, t0, left;
	size_t bytes, page, i;
	volatile unsigned char *mem;
	struct rusage ru;
	long ps;

	(void)state;
	mib = bench_param_int(ctx, "mib", 64);
	seconds = bench_param_real(ctx, "seconds", 0.5);
	if (mib < 0 || mib > MEMHOG_MIB_MAX) {
		bench_fail(ctx, "mib must be 0..%lld, not %lld",
		    (long long)MEMHOG_MIB_MAX, (long long)mib);
		return BENCH_FAILED;
	}
	if (!(seconds >= 0 && seconds <= MEMHOG_SECONDS_MAX)) {
		bench_fail(ctx, "seconds must be 0..%g, not %g",
		    MEMHOG_SECONDS_MAX, seconds);
		return BENCH_FAILED;
	}
	if ((uint64_t)mib > SIZE_MAX >> 20) {
		bench_fail(ctx, "cannot allocate %lld MiB: ENOMEM "
		    "(larger than the address space)", (long long)mib);
		return BENCH_FAILED;
	}
	ps = sysconf(_SC_PAGESIZE);
	page = ps > 0 ? (size_t)ps : 4096;
	bytes = (size_t)mib << 20;

	mem = malloc(bytes > 0 ? bytes : 1);
	if (mem == NULL) {
		bench_fail(ctx, "cannot allocate %lld MiB: ENOMEM (%s)",
		    (long long)mib, strerror(ENOMEM));
		return BENCH_FAILED;
	}
	for (i = 0; i < bytes; i += page)
		mem[i] = (unsigned char)(i / page + 1);

	t0 = ctx->now();
	while ((left = seconds - (ctx->now() - t0)) > 0)
		memhog_sleep(left < MEMHOG_STEP ? left : MEMHOG_STEP);

	/* read back, so the writes cannot be elided */
	for (i = 0; i < bytes; i += page) {
		if (mem[i] != (unsigned char)(i / page + 1)) {
			free((void *)mem);
			bench_fail(ctx, "page %zu lost its contents", i / page);
			return BENCH_FAILED;
		}
	}
	free((void *)mem);

	bench_report(ctx, "touched_mib", (double)bytes / (1024.0 * 1024.0));
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		bench_report_timing(ctx, "peak_rss_kb", (double)ru.ru_maxrss);
	bench_report_timing(ctx, "seconds", ctx->now() - t0);
	return BENCH_OK;
}

const struct bench_testcase testcase_memhog = {
	.abi_version = BENCH_TESTCASE_ABI_VERSION,
	.name = "memhog",
	.description = "allocate and touch mib MiB, hold it for a while",
	.params = memhog_params,
	.setup = NULL,
	.run = memhog_run,
	.teardown = NULL,
	.merge = NULL,
};
