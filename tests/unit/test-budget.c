/*
 * test-budget: profiles/budget, the host-wide reservation file, with two
 * processes sharing one file: what fits, what waits, per-GPU VRAM, CPUs,
 * release, dead owners (exited, or a pid whose start time does not
 * match) cleaned, a torn file, and needs that can never fit.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budget.h"
#include "banned.h"

static char dir[64];
static char file[128];

/* A private state file per test. */
static int
setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/test-budget.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(file, sizeof file, "%s/budget.json", dir);
	setenv("BENCH_BUDGET_FILE", file, 1);
	return 0;
}

/* Remove it. */
static int
teardown(void **state)
{
	unlink(file);
	rmdir(dir);
	unsetenv("BENCH_BUDGET_FILE");
	return 0;
}

/* 1000 MiB, 4 cpus, two GPUs of 1000 MiB. */
static void
totals(struct budget_totals *t)
{
	memset(t, 0, sizeof *t);
	t->ram_mb = 1000;
	t->cpus = 4;
	t->ngpus = 2;
	t->vram_mb[0] = 1000;
	t->vram_mb[1] = 1000;
}

/* Wait for pid and return its exit code. */
static int
reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		assert_int_equal(errno, EINTR);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Two processes: the second waits for RAM, then its leftovers are cleaned. */
static void
test_two_processes(void **state)
{
	struct budget_totals t, used;
	struct budget_need n;
	char *cause = NULL;
	int64_t id, id2;
	size_t nres;
	pid_t pid;

	assert_string_equal(budget_path(), file);
	totals(&t);
	memset(&n, 0, sizeof n);
	n.ram_mb = 600;
	n.cpus = 1;
	assert_int_equal(budget_reserve(&t, &n, &id, NULL, &cause), 0);
	assert_true(id > 0);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct budget_need m;
		char *why = NULL, *c = NULL;
		int64_t mine;

		memset(&m, 0, sizeof m);
		m.ram_mb = 600;
		/* the parent holds 600 of 1000 */
		if (budget_reserve(&t, &m, &mine, &why, &c) != 1)
			_exit(1);
		if (why == NULL || strstr(why, "ram") == NULL)
			_exit(2);
		free(why);
		m.ram_mb = 300;
		if (budget_reserve(&t, &m, &mine, NULL, &c) != 0)
			_exit(3);
		/* exit holding it: the parent must clean it */
		_exit(0);
	}
	assert_int_equal(reap(pid), 0);

	/* the child is gone: only ours is left */
	assert_int_equal(budget_used(&used, &nres, &cause), 0);
	assert_int_equal(nres, 1);
	assert_int_equal(used.ram_mb, 600);
	assert_int_equal(used.cpus, 1);

	/* 400 fit now */
	n.ram_mb = 400;
	assert_int_equal(budget_reserve(&t, &n, &id2, NULL, &cause), 0);
	assert_true(id2 != id);
	n.ram_mb = 1;
	assert_int_equal(budget_reserve(&t, &n, &id2, NULL, &cause), 1);
	assert_int_equal(budget_release(id, &cause), 0);
	assert_int_equal(budget_reserve(&t, &n, &id2, NULL, &cause), 0);
	assert_int_equal(budget_release_all(&cause), 0);
	assert_int_equal(budget_used(&used, &nres, &cause), 0);
	assert_int_equal(nres, 0);
	assert_null(cause);
}

/* VRAM is per GPU; CPUs add up. */
static void
test_gpus_cpus(void **state)
{
	struct budget_totals t, used;
	struct budget_need n;
	char *cause = NULL, *why = NULL;
	int64_t id;

	totals(&t);
	memset(&n, 0, sizeof n);
	n.ngpus = 1;
	n.gpus[0] = 1;
	n.vram_mb[0] = 800;
	assert_int_equal(budget_reserve(&t, &n, &id, NULL, &cause), 0);
	n.vram_mb[0] = 300;
	assert_int_equal(budget_reserve(&t, &n, &id, &why, &cause), 1);
	assert_non_null(strstr(why, "gpu 1"));
	free(why);
	why = NULL;
	n.gpus[0] = 0;
	assert_int_equal(budget_reserve(&t, &n, &id, NULL, &cause), 0);
	assert_int_equal(budget_used(&used, NULL, &cause), 0);
	assert_int_equal(used.ngpus, 2);
	assert_int_equal(used.vram_mb[0], 300);
	assert_int_equal(used.vram_mb[1], 800);

	memset(&n, 0, sizeof n);
	n.cpus = 3;
	assert_int_equal(budget_reserve(&t, &n, &id, NULL, &cause), 0);
	n.cpus = 2;
	assert_int_equal(budget_reserve(&t, &n, &id, &why, &cause), 1);
	assert_non_null(strstr(why, "cpus"));
	free(why);
	assert_int_equal(budget_release_all(&cause), 0);
}

/* What can never fit is an error, not a wait. */
static void
test_never_fits(void **state)
{
	struct budget_totals t;
	struct budget_need n;
	char *cause = NULL;
	int64_t id;

	totals(&t);
	memset(&n, 0, sizeof n);
	n.ram_mb = 2000;
	assert_int_equal(budget_reserve(&t, &n, &id, NULL, &cause), -1);
	assert_non_null(strstr(cause, "RAM"));
	free(cause);
	cause = NULL;
	n.ram_mb = 0;
	n.ngpus = 1;
	n.gpus[0] = 5;
	n.vram_mb[0] = 1;
	assert_int_equal(budget_reserve(&t, &n, &id, NULL, &cause), -1);
	assert_non_null(strstr(cause, "gpu 5"));
	free(cause);
}

/* A pid reused (start time differs) and a torn file. */
static void
test_stale_and_torn(void **state)
{
	struct budget_totals used;
	char *cause = NULL;
	size_t nres;
	FILE *f;

	f = fopen(file, "we");
	assert_non_null(f);
	/* our pid, but a start time that is not ours; and pid 1 likewise */
	fprintf(f, "{\"version\":1,\"next_id\":7,\"reservations\":["
	    "{\"id\":1,\"pid\":%ld,\"start\":1,\"ram_mb\":5,\"cpus\":1,"
	    "\"gpus\":[],\"vram_mb\":[]},"
	    "{\"id\":2,\"pid\":1,\"start\":99999999999,\"ram_mb\":5}]}",
	    (long)getpid());
	fclose(f);
	assert_int_equal(budget_used(&used, &nres, &cause), 0);
	assert_int_equal(nres, 0);
	assert_int_equal(used.ram_mb, 0);

	f = fopen(file, "we");
	assert_non_null(f);
	fputs("{\"version\":1,\"reserv", f);
	fclose(f);
	assert_int_equal(budget_used(&used, &nres, &cause), 0);
	assert_int_equal(nres, 0);
	assert_null(cause);
}

/* An unopenable file is an error. */
static void
test_bad_path(void **state)
{
	struct budget_totals t;
	struct budget_need n;
	char *cause = NULL;
	int64_t id;

	setenv("BENCH_BUDGET_FILE", "/nonexistent-dir/budget.json", 1);
	totals(&t);
	memset(&n, 0, sizeof n);
	assert_int_equal(budget_reserve(&t, &n, &id, NULL, &cause), -1);
	assert_non_null(strstr(cause, "cannot open"));
	free(cause);
}

/* Two processes racing for 100 MiB slots: exactly ten fit, never more. */
static void
test_race(void **state)
{
	struct budget_totals t, used;
	char *cause = NULL;
	pid_t pids[2];
	int i, got, status, done[2], hold[2];
	size_t nres;
	char c2[2];

	totals(&t);
	assert_int_equal(pipe(done), 0);
	assert_int_equal(pipe(hold), 0);
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct budget_need n;
			char *c = NULL;
			int64_t id;
			int k, rc, mine = 0;
			char b;

			close(hold[1]);
			close(done[0]);
			memset(&n, 0, sizeof n);
			n.ram_mb = 100;
			for (k = 0; k < 50; k++) {
				rc = budget_reserve(&t, &n, &id, NULL, &c);
				if (rc == -1)
					_exit(255);
				mine += rc == 0;
			}
			/* hold them until both are done, then say how many */
			if (write(done[1], "d", 1) != 1)
				_exit(254);
			while (read(hold[0], &b, 1) == -1 && errno == EINTR)
				;
			_exit(mine);
		}
	}
	close(done[1]);
	close(hold[0]);
	got = 0;
	while (got < 2) {
		ssize_t r = read(done[0], c2, (size_t)(2 - got));

		if (r == -1 && errno == EINTR)
			continue;
		assert_true(r > 0);
		got += (int)r;
	}
	/* both hold what they got: exactly ten in the file */
	assert_int_equal(budget_used(&used, &nres, &cause), 0);
	assert_int_equal(nres, 10);
	assert_int_equal(used.ram_mb, 1000);
	close(hold[1]);
	close(done[0]);
	got = 0;
	for (i = 0; i < 2; i++) {
		while (waitpid(pids[i], &status, 0) == -1)
			assert_int_equal(errno, EINTR);
		assert_true(WIFEXITED(status));
		assert_true(WEXITSTATUS(status) <= 10);
		got += WEXITSTATUS(status);
	}
	assert_int_equal(got, 10);
	/* both owners are gone: nothing left */
	assert_int_equal(budget_used(&used, &nres, &cause), 0);
	assert_int_equal(nres, 0);
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_processes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_gpus_cpus, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_never_fits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stale_and_torn, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_path, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
