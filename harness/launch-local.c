/*
 * launch-local: units as processes of this machine, each in its own process
 * group, capped by a memory cgroup or RLIMIT_AS and bound to cores when the
 * engine asks (spawn_start).
 */
#include "config.h"

#include <stdlib.h>

#include "launch.h"
#include "spawn.h"
#include "banned.h"

/* A unit's oom_score_adj: well above bench's own (run-plan.c). */
#define LAUNCH_LOCAL_OOM_ADJ	500

/* Start a unit here. */
static int
launch_local_start(const struct launcher *l, const struct launch_unit *u,
    pid_t *pid, char **cause)
{
	struct spawn_opts so = SPAWN_OPTS_INIT;

	(void)l;
	so.argv = u->argv;
	so.envp = u->envp;
	so.log_fd = u->out_fd;
	so.status_fd = u->status_fd;
	so.child_status_fd = u->child_status_fd;
	so.cgroup_fd = u->cgroup_fd;
	so.rlimit_as = u->rlimit_as;
	so.affinity = u->affinity;
	so.die_with_parent = 1;	/* units die with bench */
	/* the OOM killer takes a unit before bench (which sets -500) */
	so.oom_score_adj = LAUNCH_LOCAL_OOM_ADJ;
	return spawn_start(&so, pid, cause);
}

const struct launch_ops launch_local_ops = {
	.name = "local",
	.flags = 0,
	.prepare = NULL,
	.start = launch_local_start,
	.end = NULL,
	.cancel = NULL,
	.sweep = NULL,
};
