/*
 * launch-slurm: srun argv for a unit, classification of an srun's end, the
 * shared-workspace check, and listing/cancelling our jobs by name. See
 * launch-slurm.h. The Slurm client commands run through spawn_start (no
 * shell, own process group, stdin on /dev/null) with a bounded wait.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "launch.h"
#include "launch-slurm.h"
#include "spawn.h"
#include "strvec.h"
#include "xalloc.h"
#include "banned.h"

#define SLURM_CMD_TIMEOUT	30.0	/* squeue, scancel */
#define SLURM_OUT_MAX		(1024 * 1024)

/* The job name of a unit. */
char *
slurm_job_name(int64_t run_id, const char *unit_id)
{
	return xasprintf("bench-%" PRId64 "-%s", run_id, unit_id);
}

/* The srun argv of one unit. */
char **
slurm_srun_argv(const struct slurm_unit_opts *o, char **cause)
{
	struct strvec sv = STRVEC_INIT;
	double minutes;

	if (o->unit_id == NULL || o->unit_id[0] == '\0') {
		err_set(cause, "srun: no unit id");
		return NULL;
	}
	if (o->worker_argv == NULL || o->worker_argv[0] == NULL) {
		err_set(cause, "srun: nothing to run for unit %s", o->unit_id);
		return NULL;
	}
	if (o->cpus < 0 || o->gpus < 0) {
		err_set(cause, "srun: negative cpus or gpus for unit %s",
		    o->unit_id);
		return NULL;
	}
	if (!(o->timeout_s >= 0) || o->timeout_s > 1e9) {
		err_set(cause, "srun: bad timeout %g for unit %s",
		    o->timeout_s, o->unit_id);
		return NULL;
	}
	strvec_push(&sv, o->srun != NULL && o->srun[0] != '\0' ? o->srun :
	    "srun");
	strvec_push(&sv, "--ntasks=1");
	strvec_push(&sv, "--nodes=1");
	strvec_pushf(&sv, "--cpus-per-task=%d", o->cpus > 0 ? o->cpus : 1);
	if (o->mem_mb > 0)
		strvec_pushf(&sv, "--mem=%" PRIu64 "M", o->mem_mb);
	if (o->gpus > 0)
		strvec_pushf(&sv, "--gres=gpu:%d", o->gpus);
	if (o->partition != NULL && o->partition[0] != '\0')
		strvec_pushf(&sv, "--partition=%s", o->partition);
	if (o->timeout_s > 0) {
		minutes = ceil(o->timeout_s / 60.0) + 1;
		strvec_pushf(&sv, "--time=%.0f", minutes);
	}
	if (o->exclude != NULL && o->exclude[0] != '\0')
		strvec_pushf(&sv, "--exclude=%s", o->exclude);
	strvec_pushf(&sv, "--job-name=bench-%" PRId64 "-%s", o->run_id,
	    o->unit_id);
	strvec_push(&sv, "--kill-on-bad-exit=1");
	strvec_push(&sv, "--quiet");
	if (o->extra_args != NULL)
		strvec_split(&sv, o->extra_args);
	strvec_pushv(&sv, o->worker_argv);
	return strvec_detach(&sv);
}

/* BENCH worker --exec [--sample S] -- CMD... */
char **
slurm_exec_argv(const char *bench_exe, double sample_s, char *const *cmd)
{
	struct strvec sv = STRVEC_INIT;

	strvec_push(&sv, bench_exe);
	strvec_push(&sv, "worker");
	strvec_push(&sv, "--exec");
	strvec_push(&sv, "--status-fd");
	strvec_push(&sv, "1");
	if (sample_s > 0)
		strvec_pushf(&sv, "--sample=%g", sample_s);
	strvec_push(&sv, "--");
	strvec_pushv(&sv, cmd);
	return strvec_detach(&sv);
}

/* Whether the line [p, end) was written by Slurm, not by the task. */
static int
slurm_is_own_line(const char *p, const char *end)
{
	size_t len = (size_t)(end - p);

	if (len >= 6 && memcmp(p, "srun: ", 6) == 0)
		return 1;
	/* "slurmstepd: error: ..." and "slurmstepd-NODE: error: ..." */
	return len >= 11 && memcmp(p, "slurmstepd", 10) == 0 &&
	    (p[10] == ':' || p[10] == '-');
}

/* Whether needle occurs in [p, end). */
static int
slurm_has(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; (size_t)(end - p) >= n; p++) {
		if (memcmp(p, needle, n) == 0)
			return 1;
	}
	return 0;
}

/* Kinds of Slurm line, as bits. */
#define SL_NODE_FAIL	0x001
#define SL_PREEMPT	0x002
#define SL_TIMELIMIT	0x004
#define SL_CANCELLED	0x008
#define SL_ALLOC	0x010
#define SL_REFUSED	0x020
#define SL_EXEC		0x040
#define SL_TASK		0x080	/* "task 0: ..." : the task's own end */
#define SL_ERROR	0x100	/* any other "srun: error:" */
#define SL_ABORTED	0x200	/* "Job step aborted", "forcing termination" */

/* The reasons an allocation can never succeed. */
static const char *const slurm_refused[] = {
	"More processors requested than permitted",
	"Requested node configuration is not available",
	"Invalid partition name specified",
	"invalid partition specified",
	"Invalid generic resource (gres) specification",
	"Invalid Trackable RESource (TRES) specification",
	"Memory specification can not be satisfied",
	"Requested time limit is invalid",
	"Node count specification invalid",
	"Invalid account or account/partition combination",
	"Invalid qos specification",
	"Access/permission denied",
	"Job violates accounting/QOS policy",
	"Invalid job credential",
	NULL
};

/* Which kinds of Slurm line the tail holds. */
static unsigned
slurm_scan(const char *tail)
{
	const char *p = tail, *end;
	unsigned bits = 0;
	size_t i;

	while (p != NULL && *p != '\0') {
		end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if (slurm_is_own_line(p, end)) {
			if (slurm_has(p, end, "Node failure") ||
			    slurm_has(p, end, "DUE TO NODE FAILURE"))
				bits |= SL_NODE_FAIL;
			else if (slurm_has(p, end, "PREEMPT"))
				bits |= SL_PREEMPT;
			else if (slurm_has(p, end, "DUE TO TIME LIMIT") ||
			    slurm_has(p, end, "time limit exceeded"))
				bits |= SL_TIMELIMIT;
			else if (slurm_has(p, end, "CANCELLED") ||
			    slurm_has(p, end, "Job cancelled") ||
			    slurm_has(p, end, "job cancelled") ||
			    /* scancel before the allocation was granted (a
			       step that cannot be created is a launch
			       failure) */
			    (slurm_has(p, end, "Unable to allocate") &&
			    slurm_has(p, end, "already completing or "
			    "completed")))
				bits |= SL_CANCELLED;
			else if (slurm_has(p, end, "execve()"))
				bits |= SL_EXEC;
			else if (slurm_has(p, end, ": task ") &&
			    !slurm_has(p, end, "Unable"))
				bits |= SL_TASK;
			else if (slurm_has(p, end, "Job step aborted") ||
			    slurm_has(p, end, "forcing job termination"))
				bits |= SL_ABORTED;
			else if (slurm_has(p, end, "Unable to allocate") ||
			    slurm_has(p, end, "srun: error:")) {
				for (i = 0; slurm_refused[i] != NULL; i++) {
					if (slurm_has(p, end, slurm_refused[i]))
						break;
				}
				if (slurm_refused[i] != NULL)
					bits |= SL_REFUSED;
				else if (slurm_has(p, end,
				    "Unable to allocate"))
					bits |= SL_ALLOC;
				else
					bits |= SL_ERROR;
			}
		}
		p = *end == '\n' ? end + 1 : end;
	}
	return bits;
}

/* Classify an srun's end. */
enum slurm_end
slurm_classify(int wait_status, const char *stderr_tail)
{
	unsigned bits = slurm_scan(stderr_tail);

	if (bits & SL_NODE_FAIL)
		return SLURM_END_NODE_FAIL;
	if (bits & SL_PREEMPT)
		return SLURM_END_PREEMPTED;
	if (bits & SL_TIMELIMIT)
		return SLURM_END_TIMELIMIT;
	if (bits & SL_CANCELLED)
		return SLURM_END_CANCELLED;
	if (bits & SL_REFUSED)
		return SLURM_END_REFUSED;
	if (bits & SL_ALLOC)
		return SLURM_END_ALLOC;
	if (bits & SL_EXEC)
		return SLURM_END_EXEC;
	if (WIFSIGNALED(wait_status))	/* srun itself was killed */
		return SLURM_END_LAUNCH;
	/* srun's own errors count when it failed and no task end explains
	   it; a passing "controller not responding" does not */
	if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) != 0 &&
	    !(bits & SL_TASK) && (bits & (SL_ABORTED | SL_ERROR)))
		return SLURM_END_LAUNCH;
	return SLURM_END_UNIT;
}

/* The name of an end kind. */
const char *
slurm_end_name(enum slurm_end e)
{
	switch (e) {
	case SLURM_END_UNIT:
		return "unit";
	case SLURM_END_ALLOC:
		return "alloc";
	case SLURM_END_REFUSED:
		return "refused";
	case SLURM_END_NODE_FAIL:
		return "node_fail";
	case SLURM_END_PREEMPTED:
		return "preempted";
	case SLURM_END_TIMELIMIT:
		return "timelimit";
	case SLURM_END_CANCELLED:
		return "cancelled";
	case SLURM_END_EXEC:
		return "exec";
	case SLURM_END_LAUNCH:
		return "launch";
	}
	return "unknown";
}

/* Whether a retry may help. */
int
slurm_end_retryable(enum slurm_end e)
{
	return e == SLURM_END_ALLOC || e == SLURM_END_NODE_FAIL ||
	    e == SLURM_END_PREEMPTED || e == SLURM_END_LAUNCH;
}

/* The task's own wait status from srun's. */
int
slurm_unit_wstatus(int wait_status, const char *stderr_tail)
{
	const char *p = stderr_tail, *end;
	int code, signalled = 0, exited = 0;

	if (!WIFEXITED(wait_status))
		return wait_status;
	code = WEXITSTATUS(wait_status);
	while (p != NULL && *p != '\0') {
		end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if (slurm_is_own_line(p, end) && slurm_has(p, end, ": task ")) {
			if (slurm_has(p, end, "Exited with exit code"))
				exited = 1;
			else
				signalled = 1;
		}
		p = *end == '\n' ? end + 1 : end;
	}
	if (signalled && !exited && code > 128 && code < 128 + 65)
		return (code - 128) & 0x7f;	/* as WIFSIGNALED */
	return (code & 0xff) << 8;		/* as WIFEXITED */
}

/* Whether path is under dir (a path prefix ending at a component). */
static int
slurm_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '/' ||
	    path[n] == '\0');
}

/* Whether a path is node-local on clusters. */
int
slurm_path_node_local(const char *path)
{
	static const char *const local[] = {
		"/tmp", "/var/tmp", "/dev/shm", "/run", NULL
	};
	size_t i;

	for (i = 0; local[i] != NULL; i++) {
		if (slurm_under(path, local[i]))
			return 1;
	}
	return 0;
}

/* Seconds on CLOCK_MONOTONIC. */
static double
slurm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Run argv (no shell), collecting stdout and stderr together in *out
 * (allocated, NUL-terminated, at most SLURM_OUT_MAX bytes kept); kill it
 * after timeout_s. Returns 0 with *wstatus, or -1 with *cause when it could
 * not run or timed out.
 */
static int
slurm_run(char *const *argv, double timeout_s, int *wstatus, char **out,
    char **cause)
{
	struct spawn_opts so = SPAWN_OPTS_INIT;
	struct pollfd pfd;
	char buf[4096], *acc = NULL;
	size_t len = 0;
	double deadline = slurm_now() + timeout_s, left;
	int p[2], rc, killed = 0, status;
	ssize_t n;
	pid_t pid, w;

	if (pipe2(p, O_CLOEXEC) != 0)
		return err_errno(cause, "pipe");
	so.argv = argv;
	so.log_fd = p[1];
	if (spawn_start(&so, &pid, cause) != 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	acc = xmalloc(1);
	for (;;) {
		left = deadline - slurm_now();
		if (left <= 0) {
			killpg(pid, SIGKILL);
			killed = 1;
			break;
		}
		pfd.fd = p[0];
		pfd.events = POLLIN;
		rc = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			continue;
		n = read(p[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len + (size_t)n <= SLURM_OUT_MAX) {
			acc = xreallocarray(acc, len + (size_t)n + 1, 1);
			memcpy(acc + len, buf, (size_t)n);
			len += (size_t)n;
		}
	}
	close(p[0]);
	acc[len] = '\0';
	do
		w = waitpid(pid, &status, 0);
	while (w == -1 && errno == EINTR);
	if (killed) {
		free(acc);
		return err_set(cause, "%s did not finish within %gs", argv[0],
		    timeout_s);
	}
	*wstatus = status;
	*out = acc;
	return 0;
}

/* The first line of text, for a message. Allocated. */
static char *
slurm_first_line(const char *text)
{
	size_t n = strcspn(text, "\n");

	if (n == 0)
		return xstrdup("no output");
	return xstrndup(text, n > 300 ? 300 : n);
}

/* Describe a failed command's status and output. Returns -1. */
static int
slurm_failed(char **cause, const char *what, int status, const char *out)
{
	char *line = slurm_first_line(out);

	if (WIFSIGNALED(status))
		err_set(cause, "%s: killed by signal %d: %s", what,
		    WTERMSIG(status), line);
	else
		err_set(cause, "%s: exit status %d: %s", what,
		    WEXITSTATUS(status), line);
	free(line);
	return -1;
}

/* Check that the nodes see the workspace. */
int
slurm_check_shared(const char *workspace, double timeout_s, char **cause)
{
	struct strvec argv = STRVEC_INIT;
	char *abs, *out = NULL;
	struct stat sb;
	int status, rc;

	if (timeout_s <= 0)
		timeout_s = 120;
	abs = realpath(workspace, NULL);
	if (abs == NULL)
		return err_errno(cause, "workspace %s", workspace);
	if (stat(abs, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		rc = err_set(cause, "workspace %s: not a directory", abs);
		free(abs);
		return rc;
	}
	strvec_push(&argv, "srun");
	strvec_push(&argv, "--ntasks=1");
	strvec_push(&argv, "--nodes=1");
	strvec_pushf(&argv, "--immediate=%d", (int)ceil(timeout_s));
	strvec_push(&argv, "--job-name=bench-check-workspace");
	strvec_push(&argv, "--quiet");
	strvec_push(&argv, "test");
	strvec_push(&argv, "-d");
	strvec_push(&argv, abs);
	strvec_push(&argv, "-a");
	strvec_push(&argv, "-w");
	strvec_push(&argv, abs);
	rc = slurm_run(argv.items, timeout_s + 10, &status, &out, cause);
	strvec_clear(&argv);
	if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
		    slurm_classify(status, out) == SLURM_END_UNIT)
			rc = err_set(cause, "workspace %s is not a writable "
			    "directory on the Slurm node: it must be on a "
			    "path every node shares", abs);
		else
			rc = slurm_failed(cause, "srun test -d workspace",
			    status, out);
	}
	free(out);
	free(abs);
	return rc;
}

/* List our jobs with this name. */
int
slurm_list_jobs(const char *name, char ***ids, size_t *n, char **cause)
{
	struct strvec argv = STRVEC_INIT, sv = STRVEC_INIT;
	char *out = NULL;
	int status, rc;

	strvec_push(&argv, "squeue");
	strvec_push(&argv, "-h");
	strvec_pushf(&argv, "--name=%s", name);
	strvec_push(&argv, "--format=%i");
	rc = slurm_run(argv.items, SLURM_CMD_TIMEOUT, &status, &out, cause);
	strvec_clear(&argv);
	if (rc != 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		slurm_failed(cause, "squeue", status, out);
		free(out);
		return -1;
	}
	strvec_split(&sv, out);
	free(out);
	*n = sv.n;
	*ids = strvec_detach(&sv);
	return 0;
}

/* scancel --name=NAME. */
int
slurm_cancel_job_name(const char *name, char **cause)
{
	struct strvec argv = STRVEC_INIT;
	char *out = NULL;
	int status, rc = 0;

	strvec_push(&argv, "scancel");
	strvec_push(&argv, "--quiet");
	strvec_pushf(&argv, "--name=%s", name);
	if (slurm_run(argv.items, SLURM_CMD_TIMEOUT, &status, &out, cause) != 0)
		rc = -1;
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = slurm_failed(cause, "scancel", status, out);
	strvec_clear(&argv);
	free(out);
	return rc;
}

/* The GPUs of a gres list: the sum of the counts N of its "gpu:N" and
   "gpu:TYPE:N" entries, each maybe followed by "(S:0-1)". */
static unsigned
slurm_gres_gpus(const char *g)
{
	unsigned long total = 0;
	const char *p = g, *end, *last;
	size_t len, i;

	while (p != NULL && *p != '\0') {
		len = strcspn(p, ",(");
		end = p + len;
		if (strncmp(p, "gpu:", 4) == 0) {
			for (last = end; last > p && last[-1] != ':'; last--)
				;
			for (i = 0; last + i < end && last[i] >= '0' &&
			    last[i] <= '9'; i++)
				;
			if (i > 0 && i < 6 && last + i == end)
				total += strtoul(last, NULL, 10);
		}
		p = strchr(end, ',');
		if (p != NULL)
			p++;
	}
	return total > 65536 ? 65536 : (unsigned)total;
}

/* Whether an earlier line of text (before p) names the node of line. */
static int
slurm_seen_before(const char *text, const char *p, const char *line)
{
	size_t n = strcspn(line, " ");
	const char *q;

	for (q = text; q < p; q = strchr(q, '\n') + 1) {
		if (strncmp(q, line, n) == 0 && q[n] == ' ')
			return 1;
	}
	return 0;
}

/* Parse sinfo's node kinds. */
size_t
slurm_parse_nodes(const char *text, struct launch_nodes *n)
{
	struct launch_node_kind k;
	struct strvec names = STRVEC_INIT;
	char line[512], gres[400];
	const char *p = text, *e;
	unsigned long cpus;
	unsigned long long mem;
	size_t i, len;

	memset(n, 0, sizeof *n);
	for (; p != NULL && *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		len = (size_t)(e - p) < sizeof line - 1 ? (size_t)(e - p) :
		    sizeof line - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		gres[0] = '\0';
		if (sscanf(line, "%*s %lu%*[+] %llu%*[+] %399s", &cpus, &mem,
		    gres) < 2 && sscanf(line, "%*s %lu %llu %399s", &cpus,
		    &mem, gres) < 2)
			continue;
		/* a node in several partitions is listed once for each */
		if (slurm_seen_before(text, p, line))
			continue;
		k.cpus = cpus > UINT_MAX ? UINT_MAX : (unsigned)cpus;
		k.mem_mb = mem;
		k.gpus = slurm_gres_gpus(gres);
		n->nnodes++;
		strvec_pushf(&names, "%.*s", (int)strcspn(line, " "), line);
		for (i = 0; i < n->nkinds; i++) {
			if (memcmp(&n->kinds[i], &k, sizeof k) == 0)
				break;
		}
		if (i == n->nkinds && n->nkinds < LAUNCH_MAX_KINDS)
			n->kinds[n->nkinds++] = k;
	}
	n->names = n->nnodes > 0 ? strvec_detach(&names) : NULL;
	strvec_clear(&names);
	return n->nkinds;
}

/* sinfo's node kinds. */
int
slurm_nodes(const char *partition, struct launch_nodes *n, char **cause)
{
	struct strvec argv = STRVEC_INIT;
	char *out = NULL;
	int status, rc = 0;

	strvec_push(&argv, "sinfo");
	strvec_push(&argv, "-h");
	strvec_push(&argv, "-N");
	if (partition != NULL && partition[0] != '\0')
		strvec_pushf(&argv, "--partition=%s", partition);
	strvec_push(&argv, "--format=%N %c %m %G");
	if (slurm_run(argv.items, SLURM_CMD_TIMEOUT, &status, &out,
	    cause) != 0)
		rc = -1;
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = slurm_failed(cause, "sinfo", status, out);
	else if (slurm_parse_nodes(out, n) == 0)
		rc = err_set(cause, "sinfo lists no node%s%s",
		    partition != NULL ? " in partition " : "",
		    partition != NULL ? partition : "");
	strvec_clear(&argv);
	free(out);
	return rc;
}

/* --- the launcher: ops for launch.c --- */

#define LAUNCH_SLURM_CHUNK	64	/* job names per squeue call */

/* Check the run directory is shared with the nodes. */
static int
launch_slurm_prepare(const struct launcher *l, const char *dir, char **note,
    char **warning, char **cause)
{
	char *abs;

	(void)l;
	if (slurm_check_shared(dir, 0, cause) != 0)
		return -1;
	*note = xasprintf("one srun per unit; the node srun picked sees %s",
	    dir);
	abs = realpath(dir, NULL);
	if (abs != NULL && slurm_path_node_local(abs))
		*warning = xasprintf("%s is node-local on most clusters: "
		    "units on other nodes will not see it", abs);
	free(abs);
	return 0;
}

/* The kinds of node of the run's partition. */
static int
launch_slurm_nodes(const struct launcher *l, struct launch_nodes *out,
    char **cause)
{
	return slurm_nodes(l->partition, out, cause);
}

/* The worker srun runs: `bench worker ... --status-fd 1`, or `bench
   worker --exec -- CMD` for a command; either samples its unit every
   l->sample_s seconds. */
static char **
launch_slurm_worker(const struct launcher *l, const struct launch_unit *u)
{
	struct strvec worker = STRVEC_INIT;

	if (u->command)
		return slurm_exec_argv(l->self_exe, l->sample_s, u->argv);
	strvec_pushv(&worker, u->argv);
	strvec_push(&worker, "--status-fd");
	strvec_push(&worker, "1");
	if (l->sample_s > 0)
		strvec_pushf(&worker, "--sample=%g", l->sample_s);
	return strvec_detach(&worker);
}

/* Start a unit as srun around `bench worker`. */
static int
launch_slurm_start(const struct launcher *l, const struct launch_unit *u,
    pid_t *pid, char **cause)
{
	struct slurm_unit_opts so = SLURM_UNIT_OPTS_INIT;
	struct spawn_opts sp = SPAWN_OPTS_INIT;
	char **worker, **srun;
	int rc;

	worker = launch_slurm_worker(l, u);
	so.run_id = l->run_id;
	so.unit_id = u->unit_id;
	so.cpus = u->cpus;
	so.mem_mb = u->mem_mb;
	so.gpus = u->gpus;
	so.partition = l->partition;
	so.timeout_s = u->timeout_s;
	so.exclude = u->exclude;
	so.extra_args = l->extra_args;
	so.worker_argv = worker;
	srun = slurm_srun_argv(&so, cause);
	strv_free(worker);
	if (srun == NULL)
		return -1;
	sp.argv = srun;
	sp.envp = u->envp;
	sp.stdout_fd = u->status_fd;
	sp.log_fd = u->out_fd;
	rc = spawn_start(&sp, pid, cause);
	strv_free(srun);
	return rc;
}

/* The first line Slurm wrote in tail ("srun: ..." or "slurmstepd..."). */
static char *
launch_slurm_line(const char *tail)
{
	const char *p = tail, *e;

	while (p != NULL && *p != '\0') {
		e = strchr(p, '\n');
		if (strncmp(p, "srun: ", 6) == 0 ||
		    strncmp(p, "slurmstepd", 10) == 0)
			return e != NULL ? xstrndup(p, (size_t)(e - p)) :
			    xstrdup(p);
		p = e != NULL ? e + 1 : NULL;
	}
	return xstrdup("no message from srun");
}

/* Interpret an srun's end. */
static void
launch_slurm_end(const struct launcher *l, int wstatus, const char *tail,
    struct launch_end *e)
{
	enum slurm_end why = slurm_classify(wstatus, tail);
	char *line;

	(void)l;
	if (why == SLURM_END_UNIT) {
		e->wstatus = slurm_unit_wstatus(wstatus, tail);
		return;
	}
	e->fault = 1;
	e->timelimit = why == SLURM_END_TIMELIMIT;
	e->retryable = slurm_end_retryable(why);
	e->node_failed = why == SLURM_END_NODE_FAIL;
	line = launch_slurm_line(tail);
	e->error = xasprintf("slurm %s: %s", slurm_end_name(why), line);
	free(line);
}

/* scancel a unit's job. */
static int
launch_slurm_cancel(const struct launcher *l, const char *unit_id,
    char **cause)
{
	char *name = slurm_job_name(l->run_id, unit_id);
	int rc = slurm_cancel_job_name(name, cause);

	free(name);
	return rc;
}

/* squeue --name=A,B,...: how many jobs of these units it lists. */
static int
launch_slurm_count(const struct launcher *l, const char *const *unit_ids,
    size_t n, size_t *count, char **cause)
{
	char *names = NULL, *name, *more, **ids;
	size_t j, nids;

	for (j = 0; j < n; j++) {
		name = slurm_job_name(l->run_id, unit_ids[j]);
		more = xasprintf("%s%s%s", names != NULL ? names : "",
		    names != NULL ? "," : "", name);
		free(name);
		free(names);
		names = more;
	}
	if (slurm_list_jobs(names, &ids, &nids, cause) != 0) {
		free(names);
		return -1;
	}
	free(names);
	strv_free(ids);
	*count = nids;
	return 0;
}

/* Cancel one chunk of units squeue lists, and wait until it lists none. */
static int
launch_slurm_sweep_chunk(const struct launcher *l, const char *const *ids,
    size_t m, size_t *found, char **cause)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	double waited;
	size_t k, count;

	if (launch_slurm_count(l, ids, m, &count, cause) != 0)
		return -1;
	*found += count;
	for (k = 0; count > 0 && k < m; k++) {
		if (launch_slurm_cancel(l, ids[k], cause) != 0)
			return -1;
	}
	/* a cancelled job stays listed while it completes */
	for (waited = 0; count > 0; waited += 0.2) {
		if (waited >= LAUNCH_SWEEP_WAIT)
			return err_set(cause, "%zu Slurm job%s of run %lld "
			    "still listed by squeue %gs after scancel", count,
			    count == 1 ? "" : "s", (long long)l->run_id,
			    LAUNCH_SWEEP_WAIT);
		nanosleep(&ts, NULL);
		if (launch_slurm_count(l, ids, m, &count, cause) != 0)
			return -1;
	}
	return 0;
}

/* Cancel the jobs of these units that squeue still lists. */
static int
launch_slurm_sweep(const struct launcher *l, const char *const *unit_ids,
    size_t n, size_t *found, char **cause)
{
	size_t i, m;

	for (i = 0; i < n; i += m) {
		m = n - i < LAUNCH_SLURM_CHUNK ? n - i : LAUNCH_SLURM_CHUNK;
		if (launch_slurm_sweep_chunk(l, unit_ids + i, m, found,
		    cause) != 0)
			return -1;
	}
	return 0;
}

const struct launch_ops launch_slurm_ops = {
	.name = "slurm",
	.flags = LAUNCH_REMOTE | LAUNCH_READS_TAIL | LAUNCH_CLUSTER_OPTS,
	.prepare = launch_slurm_prepare,
	.nodes = launch_slurm_nodes,
	.start = launch_slurm_start,
	.end = launch_slurm_end,
	.cancel = launch_slurm_cancel,
	.sweep = launch_slurm_sweep,
};
