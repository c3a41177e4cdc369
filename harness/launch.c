/*
 * launch: the table of launchers and the calls through their operations
 * (see launch.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "launch.h"
#include "strvec.h"
#include "xalloc.h"
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

/* The launcher's kinds of node. */
int
launch_nodes(const struct launcher *l, struct launch_nodes *out,
    char **cause)
{
	memset(out, 0, sizeof *out);
	if (l->ops->nodes == NULL)
		return 0;
	if (l->ops->nodes(l, out, cause) != 0) {
		launch_nodes_release(out);
		return -1;
	}
	return 0;
}

/* Free the node names; nothing is known any more. */
void
launch_nodes_release(struct launch_nodes *n)
{
	strv_free(n->names);
	memset(n, 0, sizeof *n);
}

/* Whether kind k holds the need. */
static int
launch_kind_fits(const struct launch_node_kind *k, unsigned cpus,
    uint64_t mem_mb, unsigned gpus)
{
	return k->cpus >= cpus && k->mem_mb >= mem_mb && k->gpus >= gpus;
}

/* Whether some kind of node holds the need; else why not. */
int
launch_nodes_fit(const struct launch_nodes *n, unsigned cpus,
    uint64_t mem_mb, unsigned gpus, char **why)
{
	struct launch_node_kind big = { 0, 0, 0 };
	size_t i;

	if (n->nkinds == 0)
		return 1;
	for (i = 0; i < n->nkinds; i++) {
		if (launch_kind_fits(&n->kinds[i], cpus, mem_mb, gpus))
			return 1;
		if (n->kinds[i].cpus > big.cpus)
			big.cpus = n->kinds[i].cpus;
		if (n->kinds[i].mem_mb > big.mem_mb)
			big.mem_mb = n->kinds[i].mem_mb;
		if (n->kinds[i].gpus > big.gpus)
			big.gpus = n->kinds[i].gpus;
	}
	if (cpus > big.cpus)
		*why = xasprintf("no node has %u CPUs (largest: %u)", cpus,
		    big.cpus);
	else if (mem_mb > big.mem_mb)
		*why = xasprintf("no node has %" PRIu64 " MiB of memory "
		    "(largest: %" PRIu64 " MiB)", mem_mb, big.mem_mb);
	else if (gpus > big.gpus)
		*why = xasprintf("no node has %u GPUs (largest: %u)", gpus,
		    big.gpus);
	else
		*why = xasprintf("no node has %u CPUs, %" PRIu64 " MiB and %u "
		    "GPUs together", cpus, mem_mb, gpus);
	return 0;
}
