/*
 * test-slurm: the pure parts of the Slurm launcher: srun argv, the
 * classification of an srun's end on messages captured from a real Slurm
 * 22.05 (tests/slurm/up.sh cluster), and the error paths of the client
 * command wrappers. No cluster needed.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "launch-slurm.h"
#include "strvec.h"
#include "launch.h"
#include "xalloc.h"

/* srun's wait status for exit code c. */
#define EXITED(c)	(((c) & 0xff) << 8)

#define S(x)	((char *)(x))	/* a literal in a char *const argv */
static char *const worker[] = {
	S("/opt/bench/bin/bench"), S("worker"), S("--url"), S("builtin:gemm"),
	S("--unit"), S("u0001"), S("--seed"), S("42"), S("--status-fd"),
	S("1"), NULL
};

/* Join argv with single spaces, for comparing. */
static char *
join(char **argv)
{
	size_t len = 1, i;
	char *s;

	for (i = 0; argv[i] != NULL; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	assert_non_null(s);
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			memcpy(s + strlen(s), " ", 2);
		memcpy(s + strlen(s), argv[i], strlen(argv[i]) + 1);
	}
	return s;
}

static void
test_argv_defaults(void **state)
{
	struct slurm_unit_opts o = SLURM_UNIT_OPTS_INIT;
	char **argv, *s, *cause = NULL;

	(void)state;
	o.run_id = 7;
	o.unit_id = "u0001";
	o.worker_argv = worker;
	argv = slurm_srun_argv(&o, &cause);
	assert_non_null(argv);
	s = join(argv);
	assert_string_equal(s, "srun --ntasks=1 --nodes=1 --cpus-per-task=1 "
	    "--job-name=bench-7-u0001 --kill-on-bad-exit=1 --quiet "
	    "/opt/bench/bin/bench worker --url builtin:gemm --unit u0001 "
	    "--seed 42 --status-fd 1");
	free(s);
	strv_free(argv);
}

static void
test_argv_everything(void **state)
{
	struct slurm_unit_opts o = SLURM_UNIT_OPTS_INIT;
	char **argv, *s, *cause = NULL;

	(void)state;
	o.srun = "/usr/bin/srun";
	o.run_id = 12;
	o.unit_id = "u0003";
	o.cpus = 4;
	o.mem_mb = 2048;
	o.gpus = 2;
	o.partition = "gpu";
	o.timeout_s = 90;
	o.extra_args = "  --account=ml\t--qos  high \n";
	o.worker_argv = worker;
	argv = slurm_srun_argv(&o, &cause);
	assert_non_null(argv);
	s = join(argv);
	assert_string_equal(s, "/usr/bin/srun --ntasks=1 --nodes=1 "
	    "--cpus-per-task=4 --mem=2048M --gres=gpu:2 --partition=gpu "
	    "--time=3 --job-name=bench-12-u0003 --kill-on-bad-exit=1 "
	    "--quiet --account=ml --qos high /opt/bench/bin/bench worker "
	    "--url builtin:gemm --unit u0001 --seed 42 --status-fd 1");
	free(s);
	strv_free(argv);
	/* the nodes a unit failed on are excluded from its retries */
	o.exclude = "n2,n3";
	o.extra_args = NULL;
	argv = slurm_srun_argv(&o, &cause);
	assert_non_null(argv);
	s = join(argv);
	assert_string_equal(s, "/usr/bin/srun --ntasks=1 --nodes=1 "
	    "--cpus-per-task=4 --mem=2048M --gres=gpu:2 --partition=gpu "
	    "--time=3 --exclude=n2,n3 --job-name=bench-12-u0003 "
	    "--kill-on-bad-exit=1 --quiet /opt/bench/bin/bench worker "
	    "--url builtin:gemm --unit u0001 --seed 42 --status-fd 1");
	free(s);
	strv_free(argv);
	o.exclude = "";
	argv = slurm_srun_argv(&o, &cause);
	s = join(argv);
	assert_null(strstr(s, "--exclude"));
	free(s);
	strv_free(argv);
}

/* --time: minutes rounded up, plus one. */
static void
test_argv_time(void **state)
{
	static const struct {
		double	 t;
		const char *want;
	} cases[] = {
		{ 0.5, "--time=2" }, { 60, "--time=2" }, { 60.001, "--time=3" },
		{ 3600, "--time=61" },
	};
	struct slurm_unit_opts o = SLURM_UNIT_OPTS_INIT;
	char **argv, *cause = NULL;
	size_t i, k;
	int found;

	(void)state;
	o.unit_id = "u";
	o.worker_argv = worker;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		o.timeout_s = cases[i].t;
		argv = slurm_srun_argv(&o, &cause);
		assert_non_null(argv);
		found = 0;
		for (k = 0; argv[k] != NULL; k++) {
			if (strncmp(argv[k], "--time=", 7) == 0) {
				assert_string_equal(argv[k], cases[i].want);
				found = 1;
			}
		}
		assert_true(found);
		strv_free(argv);
	}
}

static void
test_argv_errors(void **state)
{
	struct slurm_unit_opts o = SLURM_UNIT_OPTS_INIT;
	char *const empty[] = { NULL };
	char *cause = NULL;

	(void)state;
	o.worker_argv = worker;
	assert_null(slurm_srun_argv(&o, &cause));
	assert_non_null(strstr(cause, "no unit id"));
	free(cause);
	cause = NULL;

	o.unit_id = "u1";
	o.worker_argv = empty;
	assert_null(slurm_srun_argv(&o, &cause));
	assert_non_null(strstr(cause, "nothing to run"));
	free(cause);
	cause = NULL;

	o.worker_argv = worker;
	o.cpus = -1;
	assert_null(slurm_srun_argv(&o, &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;

	o.cpus = 0;
	o.timeout_s = -5;
	assert_null(slurm_srun_argv(&o, &cause));
	assert_non_null(strstr(cause, "bad timeout"));
	free(cause);
}

static void
test_exec_argv(void **state)
{
	char *const cmd[] = { S("python3"), S("train.py"), S("--lr"),
	    S("0.1"), NULL };
	char **argv, *s;

	(void)state;
	argv = slurm_exec_argv("/usr/bin/bench", 0, cmd);
	s = join(argv);
	assert_string_equal(s, "/usr/bin/bench worker --exec --status-fd 1 "
	    "-- python3 train.py --lr 0.1");
	free(s);
	strv_free(argv);
	/* the worker samples the command on the node */
	argv = slurm_exec_argv("/usr/bin/bench", 0.5, cmd);
	s = join(argv);
	assert_string_equal(s, "/usr/bin/bench worker --exec --status-fd 1 "
	    "--sample=0.5 -- python3 train.py --lr 0.1");
	free(s);
	strv_free(argv);
}

/* sinfo -N's lines become distinct kinds of node */
static void
test_parse_nodes(void **state)
{
	struct launch_nodes n;

	(void)state;
	assert_int_equal(slurm_parse_nodes("a 64 21694 (null)\n"
	    "b 64 21694 (null)\n"
	    "a 64 21694 (null)\n"	/* a again, in another partition */
	    "c 128 512000 gpu:a100:4(S:0-1)\n"
	    "d 32 64000 gpu:2,mps:100\n"
	    "not a line\n"
	    "e 16+ 8000+ gpu:v100:1,gpu:t4:2\n", &n), 4);
	assert_int_equal(n.nnodes, 5);
	assert_int_equal(n.kinds[0].cpus, 64);
	assert_int_equal(n.kinds[0].mem_mb, 21694);
	assert_int_equal(n.kinds[0].gpus, 0);
	assert_int_equal(n.kinds[1].cpus, 128);
	assert_int_equal(n.kinds[1].gpus, 4);
	assert_int_equal(n.kinds[2].gpus, 2);
	assert_int_equal(n.kinds[3].cpus, 16);
	assert_int_equal(n.kinds[3].mem_mb, 8000);
	assert_int_equal(n.kinds[3].gpus, 3);
	/* each node named once, for the profiles kept per node */
	assert_non_null(n.names);
	assert_string_equal(n.names[0], "a");
	assert_string_equal(n.names[1], "b");
	assert_string_equal(n.names[2], "c");
	assert_string_equal(n.names[4], "e");
	assert_null(n.names[5]);
	launch_nodes_release(&n);
	assert_null(n.names);
	assert_int_equal(slurm_parse_nodes("", &n), 0);
	assert_int_equal(n.nnodes, 0);
	assert_null(n.names);
}

/* a unit that no kind of node holds is refused with the reason */
static void
test_nodes_fit(void **state)
{
	struct launch_nodes n;
	char *why = NULL;

	(void)state;
	slurm_parse_nodes("a 8 16000 (null)\nb 4 64000 gpu:2\n", &n);
	assert_true(launch_nodes_fit(&n, 8, 16000, 0, &why));
	assert_true(launch_nodes_fit(&n, 4, 0, 2, &why));
	assert_true(launch_nodes_fit(&n, 0, 0, 0, &why));
	assert_false(launch_nodes_fit(&n, 64, 0, 0, &why));
	assert_string_equal(why, "no node has 64 CPUs (largest: 8)");
	free(why);
	assert_false(launch_nodes_fit(&n, 1, 100000, 0, &why));
	assert_string_equal(why, "no node has 100000 MiB of memory "
	    "(largest: 64000 MiB)");
	free(why);
	assert_false(launch_nodes_fit(&n, 1, 0, 4, &why));
	assert_string_equal(why, "no node has 4 GPUs (largest: 2)");
	free(why);
	/* each alone fits some node, together none */
	assert_false(launch_nodes_fit(&n, 8, 0, 1, &why));
	assert_string_equal(why, "no node has 8 CPUs, 0 MiB and 1 GPUs "
	    "together");
	free(why);
	/* unknown nodes: every unit is tried */
	launch_nodes_release(&n);
	assert_true(launch_nodes_fit(&n, 1000, 1, 1, &why));
}

static void
test_job_name(void **state)
{
	char *n;

	(void)state;
	n = slurm_job_name(3, "u0042");
	assert_string_equal(n, "bench-3-u0042");
	free(n);
}

/* Real messages from srun 22.05.8 (tests/slurm/up.sh, one node "vm"). */
static const struct {
	const char	*what;
	int		 status;	/* srun's wait status */
	const char	*tail;
	enum slurm_end	 want;
	int		 unit_status;	/* for SLURM_END_UNIT */
} real[] = {
	{ "exit 0", EXITED(0), "", SLURM_END_UNIT, EXITED(0) },
	{ "exit 3", EXITED(3), "srun: error: vm: task 0: Exited with exit "
	    "code 3\n", SLURM_END_UNIT, EXITED(3) },
	{ "task SIGKILL", EXITED(137), "srun: error: vm: task 0: Killed\n",
	    SLURM_END_UNIT, 9 },
	{ "task SIGSEGV", EXITED(139), "srun: error: vm: task 0: "
	    "Segmentation fault\n", SLURM_END_UNIT, 11 },
	{ "exit 137 by hand", EXITED(137), "srun: error: vm: task 0: Exited "
	    "with exit code 137\n", SLURM_END_UNIT, EXITED(137) },
	{ "unit prints fake slurm words", EXITED(1), "training...\n"
	    "error: Node failure on vm (just a joke)\nPREEMPTED\n"
	    "srun: error: vm: task 0: Exited with exit code 1\n",
	    SLURM_END_UNIT, EXITED(1) },
	{ "too many cpus", EXITED(1), "srun: error: Unable to allocate "
	    "resources: More processors requested than permitted\n",
	    SLURM_END_REFUSED, 0 },
	{ "too much memory", EXITED(1), "srun: error: Memory specification "
	    "can not be satisfied\nsrun: error: Unable to allocate resources: "
	    "Requested node configuration is not available\n",
	    SLURM_END_REFUSED, 0 },
	{ "bad gres", EXITED(1), "srun: error: Invalid generic resource "
	    "(gres) specification\n", SLURM_END_REFUSED, 0 },
	{ "bad partition", EXITED(1), "srun: error: invalid partition "
	    "specified: nope\nsrun: error: Unable to allocate resources: "
	    "Invalid partition name specified\n", SLURM_END_REFUSED, 0 },
	{ "controller away", EXITED(1), "srun: error: Unable to allocate "
	    "resources: Unable to contact slurm controller (connect "
	    "failure)\n", SLURM_END_ALLOC, 0 },
	{ "no bench on the node", EXITED(2), "slurmstepd-vm: error: "
	    "execve(): /nonexistent/x: No such file or directory\n"
	    "srun: error: vm: task 0: Exited with exit code 2\n",
	    SLURM_END_EXEC, 0 },
	{ "scancel", EXITED(143), "slurmstepd-vm: error: *** STEP 7.0 ON vm "
	    "CANCELLED AT 2026-11-22T16:01:04 ***\n"
	    "srun: error: vm: task 0: Terminated\n", SLURM_END_CANCELLED, 0 },
	/* seen in CI: scancel while srun still waited for its allocation */
	{ "scancel before the allocation", EXITED(1), "srun: error: Unable to "
	    "allocate resources: Job/step already completing or completed\n",
	    SLURM_END_CANCELLED, 0 },
	{ "scancel, not quiet", EXITED(143), "srun: Job step aborted: "
	    "Waiting up to 7 seconds for job step to finish.\n"
	    "slurmstepd-vm: error: *** STEP 11.0 ON vm CANCELLED AT "
	    "2026-11-22T16:01:13 ***\nsrun: error: vm: task 0: Terminated\n",
	    SLURM_END_CANCELLED, 0 },
	{ "srun got SIGTERM", EXITED(137), "slurmstepd-vm: error: *** STEP "
	    "8.0 ON vm CANCELLED AT 2026-11-22T16:01:05 ***\n"
	    "srun: error: vm: task 0: Killed\n", SLURM_END_CANCELLED, 0 },
	{ "node failure (srun exits 0)", EXITED(0), "srun: error: Node "
	    "failure on vm\nslurmstepd-vm: error: *** STEP 14.0 ON vm "
	    "CANCELLED AT 2026-11-22T16:01:16 DUE TO NODE FAILURE, SEE "
	    "SLURMCTLD LOG FOR DETAILS ***\nsrun: error: Node failure on vm\n",
	    SLURM_END_NODE_FAIL, 0 },
	{ "time limit", EXITED(143), "slurmstepd-vm: error: *** STEP 15.0 ON "
	    "vm CANCELLED AT 2026-11-22T16:05:55 DUE TO TIME LIMIT ***\n"
	    "srun: error: vm: task 0: Terminated\n", SLURM_END_TIMELIMIT, 0 },
	{ "preempted", EXITED(143), "slurmstepd-vm: error: *** STEP 1.0 ON "
	    "vm CANCELLED AT 2026-11-22T16:09:02 DUE TO PREEMPTION ***\n"
	    "srun: error: vm: task 0: Terminated\n", SLURM_END_PREEMPTED, 0 },
	{ "srun killed", 9, "", SLURM_END_LAUNCH, 0 },
	{ "step creation failed", EXITED(1), "srun: error: Unable to create "
	    "step for job 5: Job/step already completing or completed\n",
	    SLURM_END_LAUNCH, 0 },
	{ "passing srun error, task ok", EXITED(0), "srun: error: Slurm "
	    "controller not responding, sleeping and retrying.\n",
	    SLURM_END_UNIT, EXITED(0) },
};

static void
test_classify_real(void **state)
{
	size_t i;
	enum slurm_end e;

	(void)state;
	for (i = 0; i < sizeof real / sizeof real[0]; i++) {
		e = slurm_classify(real[i].status, real[i].tail);
		if (e != real[i].want)
			fail_msg("%s: got %s, want %s", real[i].what,
			    slurm_end_name(e), slurm_end_name(real[i].want));
		if (e == SLURM_END_UNIT)
			assert_int_equal(slurm_unit_wstatus(real[i].status,
			    real[i].tail), real[i].unit_status);
	}
	assert_int_equal(slurm_classify(EXITED(0), NULL), SLURM_END_UNIT);
}

static void
test_unit_wstatus(void **state)
{
	int w;

	(void)state;
	w = slurm_unit_wstatus(EXITED(137), "srun: error: vm: task 0: "
	    "Killed\n");
	assert_true(WIFSIGNALED(w));
	assert_int_equal(WTERMSIG(w), 9);
	w = slurm_unit_wstatus(EXITED(3), "srun: error: vm: task 0: Exited "
	    "with exit code 3");	/* no final newline */
	assert_true(WIFEXITED(w));
	assert_int_equal(WEXITSTATUS(w), 3);
	/* 137 without a task line: an exit code, not a signal */
	w = slurm_unit_wstatus(EXITED(137), "");
	assert_true(WIFEXITED(w));
	assert_int_equal(WEXITSTATUS(w), 137);
	/* a task's own line that merely looks like srun's does not count */
	w = slurm_unit_wstatus(EXITED(137), "my: task 0: Killed\n");
	assert_true(WIFEXITED(w));
	/* srun killed itself: passed through */
	assert_int_equal(slurm_unit_wstatus(15, ""), 15);
}

static void
test_end_names(void **state)
{
	(void)state;
	assert_string_equal(slurm_end_name(SLURM_END_UNIT), "unit");
	assert_string_equal(slurm_end_name(SLURM_END_NODE_FAIL), "node_fail");
	assert_string_equal(slurm_end_name(SLURM_END_PREEMPTED), "preempted");
	assert_true(slurm_end_retryable(SLURM_END_ALLOC));
	assert_true(slurm_end_retryable(SLURM_END_NODE_FAIL));
	assert_true(slurm_end_retryable(SLURM_END_PREEMPTED));
	assert_true(slurm_end_retryable(SLURM_END_LAUNCH));
	assert_false(slurm_end_retryable(SLURM_END_UNIT));
	assert_false(slurm_end_retryable(SLURM_END_REFUSED));
	assert_false(slurm_end_retryable(SLURM_END_CANCELLED));
	assert_false(slurm_end_retryable(SLURM_END_TIMELIMIT));
	assert_false(slurm_end_retryable(SLURM_END_EXEC));
}

static void
test_node_local(void **state)
{
	(void)state;
	assert_true(slurm_path_node_local("/tmp"));
	assert_true(slurm_path_node_local("/tmp/ws"));
	assert_true(slurm_path_node_local("/dev/shm/x"));
	assert_false(slurm_path_node_local("/tmpfoo/ws"));
	assert_false(slurm_path_node_local("/home/a/ws"));
	assert_false(slurm_path_node_local("/scratch/ws"));
}

/* Client commands missing: each wrapper says so. */
static void
test_clients_missing(void **state)
{
	char *old, *cause = NULL, **ids = NULL;
	size_t n = 99;

	(void)state;
	old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	setenv("PATH", "/nonexistent-bench-test", 1);
	assert_int_equal(slurm_list_jobs("bench-1-u1", &ids, &n, &cause), -1);
	assert_non_null(strstr(cause, "squeue"));
	assert_null(ids);
	free(cause);
	cause = NULL;
	assert_int_equal(slurm_cancel_job_name("bench-1-u1", &cause), -1);
	assert_non_null(strstr(cause, "scancel"));
	free(cause);
	cause = NULL;
	assert_int_equal(slurm_check_shared(".", 5, &cause), -1);
	assert_non_null(strstr(cause, "srun"));
	free(cause);
	cause = NULL;
	if (old != NULL) {
		setenv("PATH", old, 1);
		free(old);
	}
	assert_int_equal(slurm_check_shared("/nonexistent-bench-ws", 5,
	    &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent-bench-ws"));
	free(cause);
	cause = NULL;
	assert_int_equal(slurm_check_shared("/dev/null", 5, &cause), -1);
	assert_non_null(strstr(cause, "not a directory"));
	free(cause);
}

/* Read a pipe to EOF into buf (NUL-terminated). */
static void
slurp(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
}

/* Start through a launcher; the records and output pipes' contents. */
static int
start_and_read(const struct launcher *l, struct launch_unit *u, char *rec,
    char *out, size_t len, int *status, char **cause)
{
	int p[2], o[2];
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(pipe2(o, O_CLOEXEC), 0);
	u->status_fd = p[1];
	u->out_fd = o[1];
	if (launch_start(l, u, &pid, cause) != 0) {
		close(p[0]);
		close(p[1]);
		close(o[0]);
		close(o[1]);
		return -1;
	}
	close(p[1]);
	close(o[1]);
	slurp(p[0], rec, len);
	slurp(o[0], out, len);
	close(p[0]);
	close(o[0]);
	assert_int_equal(waitpid(pid, status, 0), pid);
	return 0;
}

/* launch: names, local and Slurm starts (a fake srun on PATH), ends. */
static void
test_launch(void **state)
{
	struct launcher l = { .ops = &launch_local_ops, .self_exe = "/opt/bench",
	    .run_id = 7 };
	struct launch_unit u = LAUNCH_UNIT_INIT;
	struct launch_end e;
	const struct launch_ops *k;
	char *cause = NULL, *warning = NULL, *note = NULL, rec[4096];
	char out[4096];
	char dir[] = "/tmp/test-launch.XXXXXX", *path, *old;
	char c0[] = "sh", c1[] = "-c";
	char c2[] = "echo out; echo err >&2; echo rec >&3";
	char w0[] = "/opt/bench", w1[] = "worker", w2[] = "--url";
	char w3[] = "builtin:x";
	char *cmd[] = { c0, c1, c2, NULL };
	char *wk[] = { w0, w1, w2, w3, NULL };
	const char *ids[] = { "u1" };
	size_t found = 9;
	int status;
	FILE *fp;

	(void)state;
	assert_int_equal(launch_find("slurm", &k, &cause), 0);
	assert_ptr_equal(k, &launch_slurm_ops);
	assert_string_equal(k->name, "slurm");
	assert_true(k->flags & LAUNCH_REMOTE);
	assert_int_equal(launch_find("local", &k, &cause), 0);
	assert_false(k->flags & LAUNCH_REMOTE);
	assert_int_equal(launch_find("pbs", &k, &cause), -1);
	assert_non_null(strstr(cause, "unknown launcher 'pbs'"));
	free(cause);
	cause = NULL;

	/* local: the status pipe at fd 3, stdout and stderr together */
	assert_int_equal(launch_prepare(&l, "/nonexistent", &note, &warning,
	    &cause), 0);
	assert_null(note);
	assert_null(warning);
	u.unit_id = "u1";
	u.argv = cmd;
	u.command = 1;
	assert_int_equal(start_and_read(&l, &u, rec, out, sizeof rec, &status,
	    &cause), 0);
	assert_string_equal(rec, "rec\n");
	assert_string_equal(out, "out\nerr\n");
	launch_end(&l, 9, "srun: error: Node failure on vm\n", &e);
	assert_false(e.fault);
	assert_int_equal(e.wstatus, 9);
	assert_null(e.error);
	assert_int_equal(launch_cancel(&l, "u1", &cause), 0);
	assert_int_equal(launch_sweep(&l, ids, 1, &found, &cause), 0);
	assert_int_equal(found, 0);

	/* slurm: srun's stdout is the record stream, its stderr the output */
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/srun", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\nfor a; do echo \"$a\"; done\n"
	    "echo srun-stderr >&2\nexit 0\n");
	fclose(fp);
	assert_int_equal(chmod(path, 0755), 0);
	old = strdup(getenv("PATH"));
	free(path);
	path = xasprintf("%s:%s", dir, old);
	setenv("PATH", path, 1);
	l.ops = &launch_slurm_ops;
	u.argv = wk;
	u.command = 0;
	u.cpus = 2;
	u.mem_mb = 100;
	assert_int_equal(start_and_read(&l, &u, rec, out, sizeof rec, &status,
	    &cause), 0);
	assert_non_null(strstr(rec, "\n--cpus-per-task=2\n"));
	assert_non_null(strstr(rec, "\n--mem=100M\n"));
	assert_null(strstr(rec, "--exclude"));
	assert_non_null(strstr(rec, "\n--job-name=bench-7-u1\n"));
	assert_non_null(strstr(rec, "\nbuiltin:x\n--status-fd\n1\n"));
	assert_string_equal(out, "srun-stderr\n");
	/* a command goes through bench worker --exec; a retry after a node
	   failure excludes that node */
	u.argv = cmd;
	u.command = 1;
	u.exclude = "n2";
	assert_int_equal(start_and_read(&l, &u, rec, out, sizeof rec, &status,
	    &cause), 0);
	assert_non_null(strstr(rec, "\n/opt/bench\nworker\n--exec\n"));
	assert_non_null(strstr(rec, "\n--exclude=n2\n"));
	setenv("PATH", old, 1);
	free(old);
	free(path);
	path = xasprintf("%s/srun", dir);
	unlink(path);
	free(path);
	rmdir(dir);

	/* ends */
	launch_end(&l, 0, "srun: error: Node failure on vm\n", &e);
	assert_true(e.fault);
	assert_false(e.timelimit);
	assert_true(e.retryable);
	assert_string_equal(e.error,
	    "slurm node_fail: srun: error: Node failure on vm");
	assert_true(e.node_failed);
	free(e.error);
	launch_end(&l, 137 << 8, "srun: error: vm: task 0: Killed\n", &e);
	assert_false(e.fault);
	assert_true(WIFSIGNALED(e.wstatus));
	assert_int_equal(WTERMSIG(e.wstatus), 9);
	assert_null(e.error);
	launch_end(&l, 3 << 8, NULL, &e);
	assert_false(e.fault);
	assert_int_equal(WEXITSTATUS(e.wstatus), 3);
	launch_end(&l, 0, "slurmstepd: error: *** STEP 5.0 ON vm CANCELLED AT "
	    "2026-01-01T00:00:00 DUE TO TIME LIMIT ***\n", &e);
	assert_true(e.fault);
	assert_true(e.timelimit);
	assert_false(e.node_failed);
	free(e.error);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv_defaults),
		cmocka_unit_test(test_argv_everything),
		cmocka_unit_test(test_argv_time),
		cmocka_unit_test(test_argv_errors),
		cmocka_unit_test(test_exec_argv),
		cmocka_unit_test(test_parse_nodes),
		cmocka_unit_test(test_nodes_fit),
		cmocka_unit_test(test_job_name),
		cmocka_unit_test(test_classify_real),
		cmocka_unit_test(test_unit_wstatus),
		cmocka_unit_test(test_end_names),
		cmocka_unit_test(test_node_local),
		cmocka_unit_test(test_clients_missing),
		cmocka_unit_test(test_launch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
