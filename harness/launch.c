/*
 * launch: start a unit locally (spawn) or through srun, interpret its end,
 * and cancel what Slurm may still hold of it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "err.h"
#include "launch.h"
#include "spawn.h"
#include "xalloc.h"
#include "banned.h"

#define LAUNCH_SWEEP_CHUNK	64	/* job names per squeue call */

/* Parse a launcher name. */
int
launch_kind_parse(const char *name, enum launch_kind *kind, char **cause)
{
	if (name != NULL && strcmp(name, "local") == 0)
		*kind = LAUNCH_LOCAL;
	else if (name != NULL && strcmp(name, "slurm") == 0)
		*kind = LAUNCH_SLURM;
	else
		return err_set(cause, "unknown launcher '%s' (local or slurm)",
		    name != NULL ? name : "");
	return 0;
}

/* The name of a launcher kind. */
const char *
launch_kind_name(enum launch_kind kind)
{
	return kind == LAUNCH_SLURM ? "slurm" : "local";
}

/* Check the run directory is shared with the nodes. */
int
launch_prepare(const struct launcher *l, const char *dir, char **warning,
    char **cause)
{
	char *abs;

	*warning = NULL;
	if (l->kind != LAUNCH_SLURM)
		return 0;
	if (slurm_check_shared(dir, 0, cause) != 0)
		return -1;
	abs = realpath(dir, NULL);
	if (abs != NULL && slurm_path_node_local(abs))
		*warning = xasprintf("%s is node-local on most clusters: "
		    "units on other nodes will not see it", abs);
	free(abs);
	return 0;
}

/* Start a unit as srun around `bench worker`. */
static int
launch_slurm(const struct launcher *l, const struct launch_unit *u,
    pid_t *pid, char **cause)
{
	struct slurm_unit_opts so = SLURM_UNIT_OPTS_INIT;
	struct spawn_opts sp = SPAWN_OPTS_INIT;
	char **worker = NULL, **srun;
	size_t n, i;
	int rc;

	if (u->command)
		worker = slurm_exec_argv(l->self_exe, u->argv);
	else {
		/* bench worker ... --status-fd 1: records on srun's stdout */
		for (n = 0; u->argv[n] != NULL; n++)
			;
		worker = xcalloc(n + 3, sizeof *worker);
		for (i = 0; i < n; i++)
			worker[i] = xstrdup(u->argv[i]);
		worker[n++] = xstrdup("--status-fd");
		worker[n++] = xstrdup("1");
		worker[n] = NULL;
	}
	so.run_id = l->run_id;
	so.unit_id = u->unit_id;
	so.cpus = u->cpus;
	so.mem_mb = u->mem_mb;
	so.gpus = u->gpus;
	so.partition = l->partition;
	so.timeout_s = u->timeout_s;
	so.extra_args = l->slurm_args;
	so.worker_argv = worker;
	srun = slurm_srun_argv(&so, cause);
	slurm_argv_free(worker);
	if (srun == NULL)
		return -1;
	sp.argv = srun;
	sp.envp = u->envp;
	sp.stdout_fd = u->status_fd;
	sp.log_fd = u->out_fd;
	rc = spawn_start(&sp, pid, cause);
	slurm_argv_free(srun);
	return rc;
}

/* Start a unit. */
int
launch_start(const struct launcher *l, const struct launch_unit *u,
    pid_t *pid, char **cause)
{
	struct spawn_opts so = SPAWN_OPTS_INIT;

	if (l->kind == LAUNCH_SLURM)
		return launch_slurm(l, u, pid, cause);
	so.argv = u->argv;
	so.envp = u->envp;
	so.log_fd = u->out_fd;
	so.status_fd = u->status_fd;
	so.child_status_fd = u->child_status_fd;
	so.cgroup_fd = u->cgroup_fd;
	so.rlimit_as = u->rlimit_as;
	so.affinity = u->affinity;
	return spawn_start(&so, pid, cause);
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

/* Interpret an end. */
void
launch_end(const struct launcher *l, int wstatus, const char *tail,
    struct launch_end *e)
{
	char *line;

	memset(e, 0, sizeof *e);
	e->wstatus = wstatus;
	e->why = SLURM_END_UNIT;
	if (l->kind != LAUNCH_SLURM)
		return;
	if (tail == NULL)
		tail = "";
	e->why = slurm_classify(wstatus, tail);
	if (e->why == SLURM_END_UNIT) {
		e->wstatus = slurm_unit_wstatus(wstatus, tail);
		return;
	}
	e->retryable = slurm_end_retryable(e->why);
	line = launch_slurm_line(tail);
	e->error = xasprintf("slurm %s: %s", slurm_end_name(e->why), line);
	free(line);
}

/* scancel a unit's job. */
int
launch_cancel(const struct launcher *l, const char *unit_id, char **cause)
{
	char *name;
	int rc;

	if (l->kind != LAUNCH_SLURM)
		return 0;
	name = slurm_job_name(l->run_id, unit_id);
	rc = slurm_cancel_job_name(name, cause);
	free(name);
	return rc;
}

/* squeue --name=A,B,...: how many jobs of these units it lists. */
static int
launch_count(const struct launcher *l, const char *const *unit_ids,
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
	slurm_argv_free(ids);
	*count = nids;
	return 0;
}

/* Cancel the jobs of these units that squeue still lists. */
int
launch_sweep(const struct launcher *l, const char *const *unit_ids,
    size_t n, size_t *found, char **cause)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	double waited;
	size_t i, k, m, count;

	*found = 0;
	if (l->kind != LAUNCH_SLURM)
		return 0;
	for (i = 0; i < n; i += m) {
		m = n - i < LAUNCH_SWEEP_CHUNK ? n - i : LAUNCH_SWEEP_CHUNK;
		if (launch_count(l, unit_ids + i, m, &count, cause) != 0)
			return -1;
		if (count == 0)
			continue;
		*found += count;
		for (k = i; k < i + m; k++) {
			if (launch_cancel(l, unit_ids[k], cause) != 0)
				return -1;
		}
		/* a cancelled job stays listed while it completes */
		for (waited = 0; count > 0; waited += 0.2) {
			if (waited >= LAUNCH_SWEEP_WAIT)
				return err_set(cause, "%zu Slurm job%s of run "
				    "%lld still listed by squeue %gs after "
				    "scancel", count, count == 1 ? "" : "s",
				    (long long)l->run_id, LAUNCH_SWEEP_WAIT);
			nanosleep(&ts, NULL);
			if (launch_count(l, unit_ids + i, m, &count,
			    cause) != 0)
				return -1;
		}
	}
	return 0;
}
