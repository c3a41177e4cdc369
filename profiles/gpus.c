/*
 * gpus: usable GPUs and MIG instances, from NVML and the
 * CUDA_VISIBLE_DEVICES bench was started with.
 */
#include "config.h"

#include <ctype.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gpus.h"
#include "nvml.h"
#include "xalloc.h"
#include "banned.h"

#define MIB		(1024ULL * 1024ULL)
/* NVML_ERROR_NOT_FOUND: an empty MIG slot */
#define GPUS_NOT_FOUND	6

/* nvmlMemory_t */
struct gpus_memory {
	unsigned long long total, free, used;
};

struct gpus {
	struct nvml		*nv;
	void			*dl;	/* the same library, for MIG */
	int (*handle)(unsigned int, void **);
	int (*uuid)(void *, char *, unsigned int);
	int (*memory)(void *, struct gpus_memory *);
	int (*mig_max)(void *, unsigned int *);
	int (*mig_handle)(void *, unsigned int, void **);

	struct gpu_info		*v;
	void			**mig;	/* MIG handle per entry, or NULL */
	size_t			 n;
	char			 why[256];
};

/* Look up a symbol as a function pointer into *fp (NULL if absent). */
static void
gpus_sym(void *dl, const char *name, void *fp)
{
	void *p = dlsym(dl, name);

	/* memcpy: ISO C has no cast from object to function pointer */
	memcpy(fp, &p, sizeof p);
}

/* Append an entry. */
static struct gpu_info *
gpus_add(struct gpus *g, void *mig)
{
	g->v = xreallocarray(g->v, g->n + 1, sizeof *g->v);
	g->mig = xreallocarray(g->mig, g->n + 1, sizeof *g->mig);
	memset(&g->v[g->n], 0, sizeof g->v[g->n]);
	g->mig[g->n] = mig;
	return &g->v[g->n++];
}

/* Every GPU or MIG instance NVML has, in NVML order. */
static int
gpus_all(struct gpus *g, char **cause)
{
	struct nvml_device_info d;
	struct gpus_memory mem;
	struct gpu_info *e;
	unsigned i, j, n, max;
	void *dev, *mig;

	n = nvml_count(g->nv);
	for (i = 0; i < n; i++) {
		if (nvml_device(g->nv, i, &d) != 0)
			return err_set(cause, "%s", nvml_error(g->nv));
		if (d.mig == 1 && g->mig_max != NULL && g->mig_handle != NULL &&
		    g->handle != NULL && g->handle(i, &dev) == 0 &&
		    g->mig_max(dev, &max) == 0) {
			for (j = 0; j < max; j++) {
				if (g->mig_handle(dev, j, &mig) != 0)
					continue;	/* empty slot */
				e = gpus_add(g, mig);
				e->nvml_index = i;
				e->mig_index = (int)j;
				snprintf(e->name, sizeof e->name, "%s", d.name);
				snprintf(e->gpu_uuid, sizeof e->gpu_uuid, "%s",
				    d.uuid);
				if (g->uuid(mig, e->uuid, sizeof e->uuid) != 0)
					e->uuid[0] = '\0';
				if (g->memory(mig, &mem) == 0) {
					e->total_mb = mem.total / MIB;
					e->free_mb = mem.free / MIB;
				}
			}
			/* MIG on without instances: nothing CUDA can use */
			continue;
		}
		e = gpus_add(g, NULL);
		e->nvml_index = i;
		e->mig_index = -1;
		snprintf(e->name, sizeof e->name, "%s", d.name);
		snprintf(e->uuid, sizeof e->uuid, "%s", d.uuid);
		snprintf(e->gpu_uuid, sizeof e->gpu_uuid, "%s", d.uuid);
		e->total_mb = d.memory_total_mb;
		e->free_mb = d.memory_free_mb;
	}
	return 0;
}

/*
 * Fill order[] with the entries the CUDA_VISIBLE_DEVICES list names, in
 * its order, each once, stopping at the first that names nothing; return
 * how many.
 */
static size_t
gpus_select(struct gpus *g, const char *visible, size_t *order)
{
	char *copy, *tok, *next, *end, *keep;
	size_t k, norder = 0, matches, hit;
	long idx;

	keep = xcalloc(g->n + 1, 1);
	copy = xstrdup(visible);
	for (tok = copy; tok != NULL; tok = next) {
		if ((next = strchr(tok, ',')) != NULL)
			*next++ = '\0';
		while (isspace((unsigned char)*tok))
			tok++;
		end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*tok == '\0')
			break;
		if (isdigit((unsigned char)*tok)) {
			idx = strtol(tok, &end, 10);
			if (*end != '\0')
				break;
			matches = 0;
			for (k = 0; k < g->n; k++) {
				if ((long)g->v[k].nvml_index != idx)
					continue;
				matches++;
				if (!keep[k]) {
					keep[k] = 1;
					order[norder++] = k;
				}
			}
			if (matches == 0)
				break;
			continue;
		}
		if (strncmp(tok, "GPU-", 4) != 0 && strncmp(tok, "MIG-", 4) != 0)
			break;
		/* a UUID or a unique prefix of one */
		matches = 0;
		hit = 0;
		for (k = 0; k < g->n; k++) {
			if (strncmp(g->v[k].uuid, tok, strlen(tok)) == 0) {
				matches++;
				hit = k;
			}
		}
		if (matches != 1)
			break;
		if (!keep[hit]) {
			keep[hit] = 1;
			order[norder++] = hit;
		}
	}
	free(copy);
	free(keep);
	return norder;
}

/* Discover. */
int
gpus_discover(const char *library, const char *visible, struct gpus **out,
    char **cause)
{
	struct gpus *g;
	struct gpu_info *v;
	void **mig;
	size_t *order, n, i;
	char *why = NULL;

	g = xcalloc(1, sizeof *g);
	*out = g;
	if (nvml_open_library(library, &g->nv, &why) != 0) {
		snprintf(g->why, sizeof g->why, "%s", why);
		free(why);
		return 0;
	}
	g->dl = dlopen(library != NULL ? library : NVML_LIBRARY,
	    RTLD_NOW | RTLD_LOCAL);
	if (g->dl != NULL) {
		gpus_sym(g->dl, "nvmlDeviceGetHandleByIndex_v2", &g->handle);
		gpus_sym(g->dl, "nvmlDeviceGetUUID", &g->uuid);
		gpus_sym(g->dl, "nvmlDeviceGetMemoryInfo", &g->memory);
		gpus_sym(g->dl, "nvmlDeviceGetMaxMigDeviceCount", &g->mig_max);
		gpus_sym(g->dl, "nvmlDeviceGetMigDeviceHandleByIndex",
		    &g->mig_handle);
		if (g->uuid == NULL || g->memory == NULL)
			g->mig_max = NULL;
	}
	if (gpus_all(g, cause) != 0) {
		gpus_free(g);
		*out = NULL;
		return -1;
	}
	if (g->n == 0)
		snprintf(g->why, sizeof g->why, "nvml lists no usable gpu");

	if (visible != NULL && g->n > 0) {
		order = xreallocarray(NULL, g->n, sizeof *order);
		n = gpus_select(g, visible, order);
		v = xreallocarray(NULL, n + 1, sizeof *v);
		mig = xreallocarray(NULL, n + 1, sizeof *mig);
		for (i = 0; i < n; i++) {
			v[i] = g->v[order[i]];
			mig[i] = g->mig[order[i]];
		}
		free(order);
		free(g->v);
		free(g->mig);
		g->v = v;
		g->mig = mig;
		g->n = n;
		if (n == 0)
			snprintf(g->why, sizeof g->why,
			    "CUDA_VISIBLE_DEVICES=\"%s\" names no gpu", visible);
	}
	return 0;
}

/* Free. */
void
gpus_free(struct gpus *g)
{
	if (g == NULL)
		return;
	nvml_close(g->nv);
	if (g->dl != NULL)
		dlclose(g->dl);
	free(g->v);
	free(g->mig);
	free(g);
}

/* How many. */
size_t
gpus_count(const struct gpus *g)
{
	return g->n;
}

/* Entry i. */
const struct gpu_info *
gpus_get(const struct gpus *g, size_t i)
{
	return i < g->n ? &g->v[i] : NULL;
}

/* Why empty. */
const char *
gpus_why(const struct gpus *g)
{
	return g->why;
}

/* Re-read free memory. */
int
gpus_refresh(struct gpus *g, char **cause)
{
	struct nvml_device_info d;
	struct gpus_memory mem;
	size_t i;

	for (i = 0; i < g->n; i++) {
		if (g->mig[i] != NULL) {
			if (g->memory(g->mig[i], &mem) != 0)
				return err_set(cause, "gpu %u mig %d: cannot "
				    "read memory", g->v[i].nvml_index,
				    g->v[i].mig_index);
			g->v[i].free_mb = mem.free / MIB;
			continue;
		}
		if (nvml_device(g->nv, g->v[i].nvml_index, &d) != 0)
			return err_set(cause, "%s", nvml_error(g->nv));
		g->v[i].free_mb = d.memory_free_mb;
	}
	return 0;
}

/* The free MiB of each usable GPU, now. */
long long *
gpus_free_now(size_t max, size_t *n, char **cause)
{
	struct gpus *g = NULL;
	long long *free_mb = NULL;
	size_t i;

	*n = 0;
	if (gpus_discover(NULL, getenv("CUDA_VISIBLE_DEVICES"), &g,
	    cause) != 0)
		return NULL;
	*n = gpus_count(g) < max ? gpus_count(g) : max;
	if (*n > 0) {
		free_mb = xcalloc(*n, sizeof *free_mb);
		for (i = 0; i < *n; i++)
			free_mb[i] = (long long)gpus_get(g, i)->free_mb;
	}
	gpus_free(g);
	return free_mb;
}
