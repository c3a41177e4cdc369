/*
 * test-safe: profiles/safe, the safe worker count, against fixed inputs:
 * each cap binding in turn, unknown peaks, zero RAM, GPUs absent and
 * present, an explicit -w, and the line's arithmetic.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "safe.h"
#include "banned.h"

/* Cores bind: 4 cores, plenty of RAM, 8 units. */
static void
test_cores(void **state)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result r;

	in.cores = 4;
	in.mem_available_kb = 64LL << 20;
	in.peak_rss_kb = 100 << 10;
	in.nunits = 8;
	safe_workers(&in, &r);
	assert_int_equal(r.workers, 3);
	assert_int_equal(r.limit, SAFE_CORES);
	assert_string_equal(safe_limit_name(r.limit), "cores");
	assert_int_equal(r.ram_cap, (64LL << 20) * 8 / ((100 << 10) * 10));
	assert_int_equal(r.vram_cap, -1);
	assert_true(r.fits);
	assert_non_null(strstr(r.line, "3 workers (cores):"));
	assert_non_null(strstr(r.line, "cores-1 = 3 of 4 cores"));
	assert_non_null(strstr(r.line, "units 8"));
}

/* The example from the brief: RAM binds at 2 of 8 cores. */
static void
test_ram(void **state)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result r;

	in.cores = 8;
	in.mem_available_kb = 20480LL * 1024;
	in.peak_rss_kb = 6000LL * 1024;
	in.nunits = 8;
	safe_workers(&in, &r);
	assert_int_equal(r.workers, 2);	/* floor(16384 / 6000) */
	assert_int_equal(r.limit, SAFE_RAM);
	assert_string_equal(r.line, "2 workers (RAM): cores-1 = 7 of 8 cores;"
	    " RAM floor(0.8 x 20480 MiB / 6000 MiB) = 2; units 8");
}

/* One core: cores-1 is still 1. */
static void
test_one_core(void **state)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result r;

	in.cores = 1;
	safe_workers(&in, &r);
	assert_int_equal(r.workers, 1);
	assert_int_equal(r.cores_cap, 1);
	assert_non_null(strstr(r.line, "1 worker (cores): cores-1 = 1 of 1 core;"));
	assert_non_null(strstr(r.line, "RAM available unknown"));
	/* cores 0 (unknown) counts as 1 */
	in.cores = 0;
	safe_workers(&in, &r);
	assert_int_equal(r.workers, 1);
}

/* Units bind. */
static void
test_units(void **state)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result r;

	in.cores = 16;
	in.mem_available_kb = 1LL << 30;
	in.nunits = 2;
	safe_workers(&in, &r);
	assert_int_equal(r.workers, 2);
	assert_int_equal(r.limit, SAFE_UNITS);
	assert_non_null(strstr(r.line, "RAM peak unknown"));
	assert_int_equal(r.ram_cap, -1);
}

/* Zero RAM available: the cap is 0, the count 1, fits says no. */
static void
test_zero_ram(void **state)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result r;

	in.cores = 8;
	in.mem_available_kb = 0;
	in.peak_rss_kb = 1024;
	in.nunits = 10;
	safe_workers(&in, &r);
	assert_int_equal(r.workers, 1);
	assert_int_equal(r.limit, SAFE_RAM);
	assert_int_equal(r.ram_cap, 0);
	assert_false(r.fits);
	assert_non_null(strstr(r.line, "= 0"));
	assert_non_null(strstr(r.line, "one unit may not fit"));
}

/* Two GPUs: the per-GPU caps add up and bind. */
static void
test_vram(void **state)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result r;
	long long gpus[2] = { 80000, 20000 };

	in.cores = 64;
	in.mem_available_kb = 512LL << 20;
	in.peak_rss_kb = 1 << 20;
	in.gpu_free_mb = gpus;
	in.ngpus = 2;
	in.peak_vram_mb = 10000;
	in.nunits = 100;
	safe_workers(&in, &r);
	/* floor(72000/10000) + floor(18000/10000) = 7 + 1 */
	assert_int_equal(r.vram_cap, 8);
	assert_int_equal(r.workers, 8);
	assert_int_equal(r.limit, SAFE_VRAM);
	assert_true(r.fits);
	assert_non_null(strstr(r.line,
	    "VRAM GPU0 floor(0.9 x 80000 MiB / 10000 MiB) = 7 +"
	    " GPU1 floor(0.9 x 20000 MiB / 10000 MiB) = 1 = 8"));

	/* a unit bigger than any GPU */
	in.peak_vram_mb = 90000;
	safe_workers(&in, &r);
	assert_int_equal(r.vram_cap, 0);
	assert_int_equal(r.workers, 1);
	assert_false(r.fits);

	/* VRAM peak unknown: no cap */
	in.peak_vram_mb = 0;
	safe_workers(&in, &r);
	assert_int_equal(r.vram_cap, -1);
	assert_int_equal(r.workers, 63);
	assert_int_equal(r.limit, SAFE_CORES);
	assert_non_null(strstr(r.line, "VRAM peak unknown"));
}

/* A VRAM peak with no GPU visible sets no cap and says so. */
static void
test_no_gpu(void **state)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result r;

	in.cores = 4;
	in.peak_vram_mb = 1000;
	safe_workers(&in, &r);
	assert_int_equal(r.workers, 3);
	assert_int_equal(r.vram_cap, -1);
	assert_non_null(strstr(r.line, "VRAM no GPU visible"));
	/* no GPU and no VRAM peak: VRAM not mentioned */
	in.peak_vram_mb = 0;
	safe_workers(&in, &r);
	assert_null(strstr(r.line, "VRAM"));
}

/* Many GPUs are summarised. */
static void
test_many_gpus(void **state)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result r;
	long long gpus[8];
	size_t i;

	for (i = 0; i < 8; i++)
		gpus[i] = 40000;
	in.cores = 128;
	in.gpu_free_mb = gpus;
	in.ngpus = 8;
	in.peak_vram_mb = 12000;
	safe_workers(&in, &r);
	assert_int_equal(r.workers, 24);	/* 8 x floor(36000/12000) */
	assert_non_null(strstr(r.line, "sum over 8 GPUs"));
}

/* -w wins, the safe count is reported beside it. */
static void
test_explicit(void **state)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result r;

	in.cores = 8;
	in.mem_available_kb = 20480LL * 1024;
	in.peak_rss_kb = 6000LL * 1024;
	in.explicit_workers = 6;
	safe_workers(&in, &r);
	assert_int_equal(r.workers, 6);
	assert_int_equal(r.limit, SAFE_EXPLICIT);
	assert_string_equal(safe_limit_name(r.limit), "explicit");
	assert_non_null(strstr(r.line, "6 workers (-w 6; safe 2 by RAM):"));
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cores),
		cmocka_unit_test(test_ram),
		cmocka_unit_test(test_one_core),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_zero_ram),
		cmocka_unit_test(test_vram),
		cmocka_unit_test(test_no_gpu),
		cmocka_unit_test(test_many_gpus),
		cmocka_unit_test(test_explicit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
