/*
 * test-run: spawning workers (process group, descriptors, exec errors) and
 * the engine's bookkeeping on small jobs written to a scratch directory.
 */
#include "config.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "job.h"
#include "loop.h"
#include "run.h"
#include "spawn.h"
#include "store.h"

/* Read a whole small file into buf. */
static size_t
slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;
	size_t got = 0;

	assert_true(fd >= 0);
	while ((n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	return got;
}

static void
test_which(void **state)
{
	char *p, *cause = NULL;

	(void)state;
	p = spawn_which("sh", &cause);
	assert_non_null(p);
	assert_true(p[0] == '/');
	free(p);
	assert_null(spawn_which("no-such-command-xyz", &cause));
	assert_non_null(strstr(cause, "not found in PATH"));
	free(cause);
	cause = NULL;
	assert_null(spawn_which("/etc/passwd", &cause));
	assert_non_null(cause);
	free(cause);
}

/* Once pid runs the sleep, it holds exactly descriptors 0, 1 and 2. EOF
   came when the shell closed fd 3, a moment before it execs the sleep:
   wait for the sleep, whose descriptors are the test. */
static void
assert_std_fds_only(pid_t pid)
{
	char path[64], comm[64] = "";
	char leaked[sizeof ((struct dirent *)0)->d_name] = "";
	struct dirent *de;
	int tries, nfd = 0;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
	for (tries = 0; tries < 500; tries++) {
		slurp(path, comm, sizeof comm);
		if (strncmp(comm, "sleep", 5) == 0)
			break;
		usleep(10 * 1000);
	}
	assert_memory_equal(comm, "sleep", 5);
	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (strcmp(de->d_name, "0") != 0 &&
		    strcmp(de->d_name, "1") != 0 &&
		    strcmp(de->d_name, "2") != 0)
			snprintf(leaked, sizeof leaked, "%s", de->d_name);
		nfd++;
	}
	closedir(d);
	if (leaked[0] != '\0')
		fail_msg("descriptor %s leaked into the unit", leaked);
	assert_int_equal(nfd, 3);
}

static void
test_spawn_env_and_fds(void **state)
{
	char dir[] = "/tmp/test-run-XXXXXX", log[256], buf[4096];
	char *const argv[] = {
		(char *)"sh", (char *)"-c",
		(char *)"echo pgid=$(ps -o pgid= -p $$ | tr -d ' ') pid=$$; "
		"echo fd3 >&3; read x; echo read=$?; "
		"echo err >&2; exec 3>&-; exec sleep 5",
		NULL,
	};
	struct spawn_opts so = SPAWN_OPTS_INIT;
	char *cause = NULL;
	int p[2], logfd, status, stray;
	pid_t pid;
	char expect[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(log, sizeof log, "%s/u.log", dir);
	logfd = open(log, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	stray = open("/dev/null", O_RDONLY);	/* not close-on-exec */
	assert_true(stray >= 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	so.argv = argv;
	so.log_fd = logfd;
	so.status_fd = p[1];
	assert_int_equal(spawn_start(&so, &pid, &cause), 0);
	close(p[1]);
	assert_int_equal(read(p[0], buf, sizeof buf), 4);
	assert_memory_equal(buf, "fd3\n", 4);
	/* EOF once the script closed fd 3; the sleep it then execs must
	   have exactly 0, 1, 2: nothing of ours leaked into it */
	assert_int_equal(read(p[0], buf, sizeof buf), 0);
	close(p[0]);
	assert_std_fds_only(pid);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(logfd);
	slurp(log, buf, sizeof buf);
	snprintf(expect, sizeof expect, "pgid=%ld pid=%ld", (long)pid,
	    (long)pid);
	assert_non_null(strstr(buf, expect));	/* own process group */
	assert_non_null(strstr(buf, "read=1"));	/* stdin is /dev/null */
	assert_non_null(strstr(buf, "err"));	/* stderr to the log */
	close(stray);
	unlink(log);
	rmdir(dir);
}

static void
test_spawn_errors(void **state)
{
	char *const missing[] = { (char *)"no-such-command-xyz", NULL };
	char *const notexec[] = { (char *)"/etc/passwd", NULL };
	struct spawn_opts so = SPAWN_OPTS_INIT;
	char *cause = NULL;
	pid_t pid = 0;

	(void)state;
	so.argv = missing;
	assert_int_equal(spawn_start(&so, &pid, &cause), -1);
	assert_non_null(strstr(cause, "no-such-command-xyz"));
	free(cause);
	cause = NULL;
	so.argv = notexec;
	assert_int_equal(spawn_start(&so, &pid, &cause), -1);
	free(cause);
	cause = NULL;
	/* exec of a file that is not a program: reported from the child */
	{
		char dir[] = "/tmp/test-run-XXXXXX", path[256];
		char *const argv[] = { path, NULL };
		int fd;

		assert_non_null(mkdtemp(dir));
		snprintf(path, sizeof path, "%s/bad", dir);
		fd = open(path, O_WRONLY | O_CREAT, 0700);
		assert_true(write(fd, "\x7f" "ELF garbage", 12) == 12);
		close(fd);
		so.argv = argv;
		assert_int_equal(spawn_start(&so, &pid, &cause), -1);
		assert_non_null(strstr(cause, "exec"));
		free(cause);
		unlink(path);
		rmdir(dir);
	}
	/* no child left behind */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* Write a job file into dir; returns its path (static buffer). */
static const char *
write_job(const char *dir, const char *body)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/job.yaml", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "benchmarkingjob:\n  name: t\n  workspace: %s/ws\n"
	    "  testenv: {dataset: {}, metrics: []}\n"
	    "  test_object:\n    type: algorithms\n    algorithms:\n%s",
	    dir, body);
	fclose(fp);
	return path;
}

struct unit_seen {
	int	n, ok, failed, timeout, max_co, bad_slot;
	int	workers;
};

static int
on_unit(const struct store_unit_row *u, void *data)
{
	struct unit_seen *s = data;

	s->n++;
	if (strcmp(u->status, "ok") == 0)
		s->ok++;
	else if (strcmp(u->status, "failed") == 0)
		s->failed++;
	else if (strcmp(u->status, "timeout") == 0)
		s->timeout++;
	if (u->co_running > s->max_co)
		s->max_co = u->co_running;
	if (u->worker_slot < 0 || u->worker_slot >= s->workers)
		s->bad_slot++;
	return 0;
}

static int
on_tcmetric(const struct store_metric_row *m, void *data)
{
	double *v = data;

	if (strcmp(m->name, "rep") == 0)
		*v = m->value;
	return 0;
}

/* The engine on a real job: totals, slots, co-running and the merge of
   repeated units' metrics into the test case's (their mean). */
static void
test_execute_bookkeeping(void **state)
{
	char dir[] = "/tmp/test-run-XXXXXX", db[512], rundir[512];
	struct run_config cfg = RUN_CONFIG_INIT;
	struct run_totals tot;
	struct unit_seen seen;
	struct job *job = NULL;
	struct store *st = NULL;
	struct store_run_info ri;
	char *cause = NULL, cmd[256];
	int64_t run_id;
	double rep = -1;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(job_load(write_job(dir,
	    "      - name: reps\n"
	    "        algorithm:\n"
	    "          paradigm_type: singletasklearning\n"
	    "          modules:\n"
	    "            - type: basemodel\n"
	    "              name: r\n"
	    "              command: [sh, -c, 'echo \"{\\\"t\\\":\\\"metric\\\",\\\"name\\\":\\\"rep\\\",\\\"value\\\":$BENCH_REP}\" >&3']\n"
	    "      - name: bad\n"
	    "        algorithm:\n"
	    "          paradigm_type: singletasklearning\n"
	    "          modules:\n"
	    "            - {type: basemodel, name: b, command: [\"false\"]}\n"
	    "      - name: slow\n"
	    "        algorithm:\n"
	    "          paradigm_type: singletasklearning\n"
	    "          modules:\n"
	    "            - {type: basemodel, name: s, command: [sleep, '30']}\n"
	    "  repeat: 3\n"), &job, &cause), 0);
	assert_int_equal(job_nunits(job), 9);
	snprintf(db, sizeof db, "%s/bench.db", dir);
	assert_int_equal(store_open(db, &st, &cause), 0);
	memset(&ri, 0, sizeof ri);
	ri.job_name = "t";
	ri.job_sha256 = job_sha256(job);
	ri.mode = "parallel";
	ri.workers = 2;
	ri.launcher = "local";
	ri.started_at = loop_walltime();
	assert_int_equal(store_run_create(st, &ri, &run_id, &cause), 0);
	snprintf(rundir, sizeof rundir, "%s/run", dir);
	cfg.workers = 2;
	cfg.timeout_s = 0.5;
	cfg.grace_s = 0.5;
	cfg.self_exe = "/bin/false";
	cfg.run_dir = rundir;
	assert_int_equal(run_execute(job, st, run_id, &cfg, &tot, &cause), 0);
	assert_int_equal(tot.total, 9);
	assert_int_equal(tot.count[UNIT_ST_OK], 3);
	assert_int_equal(tot.count[UNIT_ST_FAILED], 3);
	assert_int_equal(tot.count[UNIT_ST_TIMEOUT], 3);
	assert_int_equal(tot.not_run, 0);
	assert_int_equal(tot.was_interrupted, 0);

	memset(&seen, 0, sizeof seen);
	seen.workers = 2;
	assert_int_equal(store_units_list(st, run_id, on_unit, &seen, &cause),
	    0);
	assert_int_equal(seen.n, 9);
	assert_int_equal(seen.ok, 3);
	assert_int_equal(seen.bad_slot, 0);
	assert_true(seen.max_co <= 1);	/* never more than 2 at once */
	assert_true(seen.max_co == 1);	/* and they did overlap */
	assert_int_equal(store_testcase_metrics_list(st, run_id, on_tcmetric,
	    &rep, &cause), 0);
	assert_true(rep == 1.0);	/* mean of reps 0, 1, 2 */
	store_close(st);
	job_free(job);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which),
		cmocka_unit_test(test_spawn_env_and_fds),
		cmocka_unit_test(test_spawn_errors),
		cmocka_unit_test(test_execute_bookkeeping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
