/*
 * test-strvec: harness/strvec, the NULL-terminated string arrays behind
 * every argv and environment bench builds: push, pushf, pushv, split, the
 * terminating NULL after every append, detach (never NULL), clear and
 * reuse. Run under valgrind or ASan, it also shows nothing leaks.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strvec.h"
#include "banned.h"

/* Assert sv holds exactly the strings of want (NULL-terminated). */
static void
assert_strvec(const struct strvec *sv, const char *const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		assert_true(i < sv->n);
		assert_string_equal(sv->items[i], want[i]);
	}
	assert_int_equal(sv->n, i);
	assert_non_null(sv->items);
	assert_null(sv->items[sv->n]);
	assert_true(sv->alloc > sv->n);
}

/* STRVEC_INIT is empty; strvec_init makes the same. */
static void
test_init(void **unused)
{
	struct strvec a = STRVEC_INIT, b;

	assert_null(a.items);
	assert_int_equal(a.n, 0);
	assert_int_equal(a.alloc, 0);
	memset(&b, 0xff, sizeof b);
	strvec_init(&b);
	assert_null(b.items);
	assert_int_equal(b.n, 0);
	assert_int_equal(b.alloc, 0);
	strvec_clear(&a);	/* clearing an empty one is fine */
	assert_null(a.items);
}

/* push copies, pushf formats, pushv appends an array; order is kept. */
static void
test_push(void **unused)
{
	static const char *const want[] = { "srun", "--cpus-per-task=4",
	    "--job-name=bench-7-u0001", "sh", "-c", "exit 0", NULL };
	char sh[] = "sh", c[] = "-c", script[] = "exit 0";
	char *cmd[] = { sh, c, script, NULL };
	struct strvec sv = STRVEC_INIT;
	char buf[8];
	const char *p;

	snprintf(buf, sizeof buf, "srun");
	p = strvec_push(&sv, buf);
	assert_string_equal(p, "srun");
	assert_ptr_not_equal(p, buf);	/* a copy */
	buf[0] = 'X';
	p = strvec_pushf(&sv, "--cpus-per-task=%d", 4);
	assert_string_equal(p, "--cpus-per-task=4");
	strvec_pushf(&sv, "--job-name=bench-%d-%s", 7, "u0001");
	strvec_pushv(&sv, cmd);
	assert_ptr_not_equal(sv.items[3], cmd[0]);
	assert_strvec(&sv, want);
	strvec_clear(&sv);
	assert_null(sv.items);
	assert_int_equal(sv.n, 0);
}

/* pushv of NULL or of an empty array appends nothing. */
static void
test_pushv_empty(void **unused)
{
	static const char *const want[] = { "a", NULL };
	char *empty[] = { NULL };
	struct strvec sv = STRVEC_INIT;

	strvec_pushv(&sv, NULL);
	strvec_pushv(&sv, empty);
	assert_null(sv.items);
	strvec_push(&sv, "a");
	strvec_pushv(&sv, NULL);
	strvec_pushv(&sv, empty);
	assert_strvec(&sv, want);
	strvec_clear(&sv);
}

/* Many pushes: the array grows and stays NULL-terminated throughout. */
static void
test_grow(void **unused)
{
	struct strvec sv = STRVEC_INIT;
	char want[32];
	size_t i;

	for (i = 0; i < 1000; i++) {
		strvec_pushf(&sv, "arg%zu", i);
		assert_int_equal(sv.n, i + 1);
		assert_null(sv.items[sv.n]);
	}
	for (i = 0; i < 1000; i++) {
		snprintf(want, sizeof want, "arg%zu", i);
		assert_string_equal(sv.items[i], want);
	}
	strvec_clear(&sv);
}

/* split: blank-separated words, any run of blanks, no quoting. */
static void
test_split(void **unused)
{
	static const char *const want[] = { "--exclusive", "-A", "proj",
	    "'a", "b'", "x=1", NULL };
	struct strvec sv = STRVEC_INIT;

	strvec_split(&sv, "");
	strvec_split(&sv, " \t\n\r\v\f ");
	assert_null(sv.items);
	strvec_split(&sv, "  --exclusive\t-A proj\n'a b'   x=1 ");
	assert_strvec(&sv, want);
	strvec_clear(&sv);
}

/* detach hands the array over, leaves sv empty and reusable; an empty
   strvec detaches as an array of just NULL. */
static void
test_detach(void **unused)
{
	static const char *const want[] = { "again", NULL };
	struct strvec sv = STRVEC_INIT;
	char **v;

	v = strvec_detach(&sv);
	assert_non_null(v);
	assert_null(v[0]);
	strv_free(v);

	strvec_push(&sv, "one");
	strvec_push(&sv, "two");
	v = strvec_detach(&sv);
	assert_null(sv.items);
	assert_int_equal(sv.n, 0);
	assert_int_equal(sv.alloc, 0);
	assert_string_equal(v[0], "one");
	assert_string_equal(v[1], "two");
	assert_null(v[2]);

	strvec_push(&sv, "again");	/* sv is reusable, v untouched */
	assert_strvec(&sv, want);
	assert_string_equal(v[0], "one");
	strvec_clear(&sv);
	strv_free(v);
	strv_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_push),
		cmocka_unit_test(test_pushv_empty),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_detach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
