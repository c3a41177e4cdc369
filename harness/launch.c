/*
 * launch: the table of launchers and the calls through their operations
 * (see launch.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "launch.h"
#include "banned.h"

/* Every launcher, NULL-terminated. */
static const struct launch_ops *const launch_table[] = {
	&launch_local_ops,
	&launch_slurm_ops,
	NULL,
};

/* A launcher by name. */
int
launch_find(const char *name, const struct launch_ops **ops, char **cause)
{
	size_t i;

	for (i = 0; name != NULL && launch_table[i] != NULL; i++) {
		if (strcmp(launch_table[i]->name, name) == 0) {
			*ops = launch_table[i];
			return 0;
		}
	}
	return err_set(cause, "unknown launcher '%s' (%s or %s)",
	    name != NULL ? name : "", launch_table[0]->name,
	    launch_table[1]->name);
}

/* Before the first unit. */
int
launch_prepare(const struct launcher *l, const char *dir, char **note,
    char **warning, char **cause)
{
	*note = *warning = NULL;
	if (l->ops->prepare == NULL)
		return 0;
	return l->ops->prepare(l, dir, note, warning, cause);
}

/* Start a unit. */
int
launch_start(const struct launcher *l, const struct launch_unit *u,
    pid_t *pid, char **cause)
{
	return l->ops->start(l, u, pid, cause);
}

/* Interpret an end: the status as is unless the launcher knows better. */
void
launch_end(const struct launcher *l, int wstatus, const char *tail,
    struct launch_end *e)
{
	memset(e, 0, sizeof *e);
	e->wstatus = wstatus;
	if (l->ops->end != NULL)
		l->ops->end(l, wstatus, tail != NULL ? tail : "", e);
}

/* Cancel what may remain of a unit. */
int
launch_cancel(const struct launcher *l, const char *unit_id, char **cause)
{
	if (l->ops->cancel == NULL)
		return 0;
	return l->ops->cancel(l, unit_id, cause);
}

/* Cancel what remains of the run's units. */
int
launch_sweep(const struct launcher *l, const char *const *unit_ids,
    size_t n, size_t *found, char **cause)
{
	*found = 0;
	if (l->ops->sweep == NULL)
		return 0;
	return l->ops->sweep(l, unit_ids, n, found, cause);
}

/* Whether the launcher has a flag. */
int
launch_has(const struct launcher *l, unsigned f)
{
	return (l->ops->flags & f) != 0;
}
