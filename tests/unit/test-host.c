/*
 * test-host: profiles/host's memory-left arithmetic behind the pressure
 * check: the host's MemAvailable / MemTotal, or inside a container its
 * cgroup's room (limit - usage) / limit when that is lower; unknowns.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "host.h"
#include "banned.h"

/* No container limit: the host's fraction. */
static void
test_host_only(void **unused)
{
	(void)unused;
	assert_float_equal(host_ram_left(500, 1000, -1, -1), 0.5, 1e-12);
	assert_float_equal(host_ram_left(500, 1000, -1, 100), 0.5, 1e-12);
	/* a limit whose usage is unknown does not count */
	assert_float_equal(host_ram_left(500, 1000, 700, -1), 0.5, 1e-12);
}

/* A container whose limit is nearly used: its room, not the host's. */
static void
test_container_lower(void **unused)
{
	(void)unused;
	/* 24 GiB host mostly free, 700 MiB container with 650 used */
	assert_float_equal(host_ram_left(20L << 20, 24L << 20, 700 << 10,
	    650 << 10), 50.0 / 700.0, 1e-12);
	/* used past the limit (charged cache): nothing left */
	assert_float_equal(host_ram_left(900, 1000, 700, 800), 0.0, 1e-12);
	/* the host lower than the container: the host's */
	assert_float_equal(host_ram_left(50, 1000, 700, 100), 0.05, 1e-12);
}

/* Unknown host figures: unknown, whatever the container says. */
static void
test_unknown(void **unused)
{
	(void)unused;
	assert_true(host_ram_left(-1, 1000, 700, 100) < 0);
	assert_true(host_ram_left(500, 0, 700, 100) < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_only),
		cmocka_unit_test(test_container_lower),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
