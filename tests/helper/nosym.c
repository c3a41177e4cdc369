/*
 * nosym: a shared object without the bench_testcase_v1 entry point, so the
 * loader must refuse it (tests/unit/test-testcase.c).
 */
int nosym_something(void);

/* Some symbol, not the one bench looks for. */
int
nosym_something(void)
{
	return 42;
}
