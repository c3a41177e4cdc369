/*
 * run-start: starting a unit: the host budget, its caps and cores, its
 * pipes, its argv and environment, the launcher (see run-int.h).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "budget.h"
#include "cgroup.h"
#include "err.h"
#include "guard.h"
#include "gpus.h"
#include "host.h"
#include "hwinfo.h"
#include "job.h"
#include "launch.h"
#include "loop.h"
#include "merge.h"
#include "resume.h"
#include "run.h"
#include "run-int.h"
#include "safe.h"
#include "sample.h"
#include "sched.h"
#include "slot.h"
#include "store.h"
#include "term.h"
#include "unitenv.h"
#include "xalloc.h"
#include "banned.h"

/* Reserve unit ru's share of the host budget shared with other bench
   processes: 0, or 1 when it must wait. Units needing less than
   RUN_BUDGET_MIN_MB and no cores or GPUs are not reserved: a reservation is
   a locked file rewrite, too dear per tiny unit. */
static int
run_reserve(struct run_state *rs, struct run_unit *ru)
{
	const struct sched_grant *g = &ru->grant;
	struct budget_need bn = { .ram_mb = g->need.ram_mb,
	    .cpus = g->ncore, .ngpus = g->ngpu };
	char *why = NULL, *cause = NULL;
	unsigned c;
	int rc;

	if (rs->remote || (g->need.ram_mb < RUN_BUDGET_MIN_MB &&
	    g->need.cpus == 0 && g->ngpu == 0))
		return 0;
	for (c = 0; c < g->ngpu; c++) {
		bn.gpus[c] = (unsigned)g->gpu[c];
		bn.vram_mb[c] = g->need.vram_mb;
	}
	rc = budget_reserve(&rs->host.totals, &bn, &ru->budget_id, &why,
	    &cause);
	if (rc == 1 && !rs->budget_wait)
		run_event(rs, ru->unit, "budget", "%s waits: %s (other bench "
		    "processes hold the host budget %s)", job_unit(rs->job,
		    ru->unit)->id, why, budget_path());
	free(why);
	free(cause);	/* < 0: larger than the host: runs alone */
	if (rc < 0)
		ru->budget_id = 0;
	return rc == 1;
}

/* The memory cap and core binding of a local unit. */
static void
run_caps(struct run_state *rs, struct run_unit *ru, struct launch_unit *lu,
    cpu_set_t *cpus)
{
	const struct sched_grant *g = &ru->grant;
	char name[96], *cause = NULL;
	unsigned c;

	if (g->need.cap_mb > 0 && !rs->remote) {
		snprintf(name, sizeof name, "%s-a%d", job_unit(rs->job,
		    ru->unit)->id, ru->attempt);
		if (rs->host.cgroups && cgroup_create(name, g->need.cap_mb <<
		    20, &ru->cg, &cause) == 0) {
			lu->cgroup_fd = cgroup_procs_fd(ru->cg);
		} else {
			if (cause != NULL)
				slot_log(ru->io, "no memory cgroup (%s): "
				    "capping the address space instead", cause);
			free(cause);
			lu->rlimit_as = (unsigned long long)g->need.cap_mb << 20;
		}
	}
	if (g->ncore > 0 && !rs->remote) {
		CPU_ZERO(cpus);
		for (c = 0; c < g->ncore; c++)
			hwinfo_core_cpuset(g->core[c], cpus);
		if (CPU_COUNT(cpus) > 0)
			lu->affinity = cpus;
	}
}

/* Every running unit has run alongside at least this many others. */
static void
run_co_running(struct run_state *rs)
{
	int k, n = sched_running(rs->sched) - 1;

	for (k = 0; k < rs->nslots; k++) {
		if (rs->units[k].state != UNIT_DONE &&
		    rs->units[k].co_running < n)
			rs->units[k].co_running = n;
	}
}

/* Launch the unit in ru, its pipes open: 0, or -1 with *cause and *err
   the errno of the failed step (0 unknown). */
static int
run_launch(struct run_state *rs, struct run_unit *ru, int status_w,
    int out_w, int *err, char **cause)
{
	const struct job_unit *u = job_unit(rs->job, ru->unit);
	const struct job_testcase *tc = job_testcase(rs->job, u->testcase);
	struct launch_unit lu = LAUNCH_UNIT_INIT;
	struct unitenv_unit ue;
	cpu_set_t cpus;
	pid_t pid = 0;
	int rc;

	unitenv_build(rs->env, u, tc, &ru->grant, sched_pool(rs->sched),
	    &ue);
	run_caps(rs, ru, &lu, &cpus);
	lu.unit_id = u->id;
	lu.argv = ue.argv;
	lu.command = tc->runner == JOB_RUNNER_COMMAND ||
	    tc->runner == JOB_RUNNER_PYTHON;
	lu.envp = ue.envp;
	lu.status_fd = status_w;
	lu.out_fd = out_w;
	lu.cpus = (int)ru->grant.need.cpus;
	lu.mem_mb = ru->grant.need.cap_mb;
	lu.gpus = (int)ru->grant.need.gpus;
	lu.timeout_s = rs->cfg->timeout_s;
	lu.exclude = rs->avoid != NULL ? rs->avoid[ru->unit] : NULL;
	errno = 0;
	if (rs->remote && !launch_nodes_fit(&rs->nodes, (unsigned)lu.cpus,
	    lu.mem_mb, (unsigned)lu.gpus, cause))
		rc = -1;	/* it would wait in the queue for ever */
	else
		rc = launch_start(rs->launcher, &lu, &pid, cause);
	*err = rc != 0 ? errno : 0;
	unitenv_release(&ue);
	slot_set_pid(ru->io, rc == 0 ? pid : 0);
	if (rc == 0)
		guard_add(rs->guard, pid);
	return rc;
}

/* Whether errno e says the machine ran out of what starting a unit takes
   (descriptors, processes, memory): the environment's fault, not the
   unit's. */
static int
run_starved(int e)
{
	return e == EMFILE || e == ENFILE || e == EAGAIN || e == ENOMEM;
}

/*
 * Unit i could not start for want of descriptors, processes or memory
 * (cause, taken): nothing of it runs and it is queued, no attempt counted.
 * Lower the pool to the units that run, and say so: 1. When none runs,
 * nothing will free what is missing: stop the run, -1 (rs->cause).
 */
static int
run_starve(struct run_state *rs, size_t i, char *cause)
{
	const char *id = job_unit(rs->job, i)->id;
	int n = sched_running(rs->sched);
	char *why;

	if (n == 0) {
		why = xasprintf("cannot start %s, and no unit runs: %s", id,
		    cause);
		free(cause);
		return run_env_error(rs, why);
	}
	sched_set_pool(rs->sched, n);
	rs->pool_max = n;
	run_event(rs, i, "pool", "%s could not start (%s): %d worker%s now, "
	    "the units that run", id, cause, n, n == 1 ? "" : "s");
	free(cause);
	return 1;
}

/* Start unit i in the free slot k: 0 started (or ended at once: it could
   not start), 1 the host budget or a lowered pool says later, -1 an
   environment error. */
int
run_start(struct run_state *rs, int k, size_t i)
{
	struct run_unit *ru = &rs->units[k];
	const struct job_unit *u = job_unit(rs->job, i);
	char *log, *cause = NULL;
	int status_w, out_w, rc, err;

	memset(&ru->ev, 0, sizeof ru->ev);
	unit_timers_clear(&ru->tm);
	ru->unit = i;
	ru->state = UNIT_QUEUED;
	ru->finish = ru->co_running = 0;
	ru->nsamples = 0;
	ru->budget_id = 0;
	ru->wstatus = 0;
	ru->end_mono = ru->end_wall = 0;
	memset(&ru->ru, 0, sizeof ru->ru);
	unit_step(&ru->state, &ru->ev, UNIT_EV_START);
	sched_take(rs->sched, i, &ru->grant);
	if (run_reserve(rs, ru) != 0) {
		rs->budget_wait = 1;
		unit_step(&ru->state, &ru->ev, UNIT_EV_WAIT);
		sched_give(rs->sched, &ru->grant);
		ru->state = UNIT_DONE;	/* back in sched's queue: the slot is
					   free */
		return 1;
	}
	rs->budget_wait = 0;
	log = xasprintf("%s/%s.log", rs->logs_dir, u->id);
	rc = slot_open(ru->io, log, launch_has(rs->launcher,
	    LAUNCH_READS_TAIL), &status_w, &out_w, &cause);
	err = errno;
	free(log);
	if (rc != 0) {
		/* nothing started: give everything back; it stays queued */
		run_unstart(rs, ru, 0);
		return run_starved(err) ? run_starve(rs, i, cause) :
		    run_env_error(rs, cause);
	}
	ru->attempt = sched_started(rs->sched, i);
	ru->start_mono = loop_monotonic();
	ru->start_wall = loop_walltime();
	ru->encl_oom0 = rs->remote ? -1 : cgroup_enclosing_oom_kills();
	run_co_running(rs);
	rc = run_launch(rs, ru, status_w, out_w, &err, &cause);
	close(status_w);
	close(out_w);
	if (rc != 0 && run_starved(err)) {
		run_unstart(rs, ru, 1);
		return run_starve(rs, i, cause);
	}
	if (rc != 0) {
		/* not a bench failure: the unit could not start */
		slot_log(ru->io, "%s", cause);
		slot_cut(ru->io);
		ru->wstatus = 127 << 8;
		ru->ev.have_end = 1;
		ru->ev.end_status = "failed";
		ru->ev.end_error = cause;
		unit_step(&ru->state, &ru->ev, UNIT_EV_LAUNCH_FAILED);
		rc = run_finish(rs, ru);
		free(cause);
		return rc;
	}
	run_step(rs, ru, UNIT_EV_LAUNCHED);
	if (rs->cfg->term != NULL)
		term_running_add(rs->cfg->term, u->id,
		    job_testcase(rs->job, u->testcase)->name);
	/* written by the next commit (run_commit), or with its end when
	   that comes first: nobody could have seen it running */
	ru->start_unrecorded = 1;
	return run_tx(rs);
}
