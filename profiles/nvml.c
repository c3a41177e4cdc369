/*
 * nvml: NVML through dlopen. No NVIDIA header is used: the few types and
 * prototypes bench needs are declared here, after NVIDIA's nvml.h, so the
 * build needs no CUDA and the binary runs where no driver is installed.
 */
#include "config.h"

#include <sys/types.h>

#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "nvml.h"
#include "xalloc.h"
#include "banned.h"

/* nvmlReturn_t values bench looks at. */
#define NVML_SUCCESS			0
#define NVML_ERROR_INSUFFICIENT_SIZE	7

/* usedGpuMemory when NVML cannot tell. */
#define NVML_VALUE_NOT_AVAILABLE	(~0ULL)
/* MIG mode "enabled" (NVML_DEVICE_MIG_ENABLE). */
#define NVML_DEVICE_MIG_ENABLE		1

/*
 * NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE; names and UUIDs fit the 96
 * bytes of struct nvml_device_info (NVML_DEVICE_*_V2_BUFFER_SIZE).
 */
#define NVML_DRIVER_SIZE	80

/* Most process entries asked for on one GPU. */
#define NVML_PROCS_MAX		65536

#define MIB			1048576ULL

/* nvmlMemory_t, in bytes. */
struct nvml_memory {
	unsigned long long total;
	unsigned long long free;
	unsigned long long used;
};

/* nvmlUtilization_t, in percent. */
struct nvml_utilization {
	unsigned int gpu;
	unsigned int memory;
};

/* nvmlProcessInfo_v1_t: nvmlDeviceGetComputeRunningProcesses. */
struct nvml_process_v1 {
	unsigned int pid;
	unsigned long long used_gpu_memory;
};

/*
 * nvmlProcessInfo_v2_t, also nvmlProcessInfo_t of current headers:
 * nvmlDeviceGetComputeRunningProcesses_v2 and _v3.
 */
struct nvml_process_v2 {
	unsigned int pid;
	unsigned long long used_gpu_memory;
	unsigned int gpu_instance_id;
	unsigned int compute_instance_id;
};

/* An open NVML: the library, its entry points, scratch space. */
struct nvml {
	void		*dl;

	int		(*init)(void);
	int		(*shutdown)(void);
	const char	*(*error_string)(int);
	int		(*device_count)(unsigned int *);
	int		(*device_handle)(unsigned int, void **);
	int		(*device_name)(void *, char *, unsigned int);
	int		(*device_uuid)(void *, char *, unsigned int);
	int		(*device_memory)(void *, struct nvml_memory *);
	int		(*driver_version)(char *, unsigned int);
	/* optional: NULL where the driver lacks them */
	int		(*device_utilization)(void *,
			    struct nvml_utilization *);
	int		(*device_mig_mode)(void *, unsigned int *,
			    unsigned int *);
	int		(*device_processes)(void *, unsigned int *, void *);

	int		 process_version;	/* 1 or 2: which struct */
	void		*procs;			/* scratch for processes */
	unsigned int	 nprocs;		/* entries it has room for */

	char		 error[256];
};

/* The entry points looked up at open. */
static const struct {
	const char	*name;
	size_t		 offset;
	int		 required;
} nvml_symbols[] = {
	{ "nvmlInit_v2", offsetof(struct nvml, init), 1 },
	{ "nvmlShutdown", offsetof(struct nvml, shutdown), 1 },
	{ "nvmlErrorString", offsetof(struct nvml, error_string), 1 },
	{ "nvmlDeviceGetCount_v2", offsetof(struct nvml, device_count), 1 },
	{ "nvmlDeviceGetHandleByIndex_v2",
	    offsetof(struct nvml, device_handle), 1 },
	{ "nvmlDeviceGetName", offsetof(struct nvml, device_name), 1 },
	{ "nvmlDeviceGetUUID", offsetof(struct nvml, device_uuid), 1 },
	{ "nvmlDeviceGetMemoryInfo", offsetof(struct nvml, device_memory), 1 },
	{ "nvmlSystemGetDriverVersion",
	    offsetof(struct nvml, driver_version), 1 },
	{ "nvmlDeviceGetUtilizationRates",
	    offsetof(struct nvml, device_utilization), 0 },
	{ "nvmlDeviceGetMigMode", offsetof(struct nvml, device_mig_mode), 0 },
};

/* The process queries, newest first, with the struct each one fills. */
static const struct {
	const char	*name;
	int		 version;
} nvml_process_symbols[] = {
	{ "nvmlDeviceGetComputeRunningProcesses_v3", 2 },
	{ "nvmlDeviceGetComputeRunningProcesses_v2", 2 },
	{ "nvmlDeviceGetComputeRunningProcesses", 1 },
};

/* Record why a call on nv failed; return -1. */
static int __attribute__((format(printf, 2, 3)))
nvml_fail(struct nvml *nv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nv->error, sizeof nv->error, fmt, ap);
	va_end(ap);
	return -1;
}

/* NVML's text for a return code. */
static const char *
nvml_strerror(struct nvml *nv, int rc)
{
	const char *s;

	s = nv->error_string(rc);
	return s != NULL ? s : "unknown error";
}

/* Look name up in nv's library and store it as a function pointer at off. */
static int
nvml_symbol(struct nvml *nv, const char *name, size_t off)
{
	void *p;

	p = dlsym(nv->dl, name);
	/* memcpy: ISO C has no cast from object to function pointer */
	memcpy((char *)nv + off, &p, sizeof p);
	return p != NULL ? 0 : -1;
}

/* Open the default NVML library. */
int
nvml_open(struct nvml **out, char **cause)
{
	return nvml_open_library(NULL, out, cause);
}

/* Load the NVML at path, resolve its entry points and initialise it. */
int
nvml_open_library(const char *path, struct nvml **out, char **cause)
{
	struct nvml *nv;
	const char *e;
	size_t i;
	int rc;

	*out = NULL;
	if (path == NULL)
		path = NVML_LIBRARY;

	nv = xcalloc(1, sizeof *nv);
	dlerror();
	nv->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (nv->dl == NULL) {
		e = dlerror();
		free(nv);
		if (e == NULL || strstr(e, "No such file") != NULL)
			return err_set(cause, "%s not found: no NVIDIA driver",
			    path);
		return err_set(cause, "cannot load %s: %s", path, e);
	}

	for (i = 0; i < sizeof nvml_symbols / sizeof nvml_symbols[0]; i++) {
		if (nvml_symbol(nv, nvml_symbols[i].name,
		    nvml_symbols[i].offset) == 0 || !nvml_symbols[i].required)
			continue;
		dlclose(nv->dl);
		free(nv);
		return err_set(cause, "%s: symbol %s not found", path,
		    nvml_symbols[i].name);
	}
	for (i = 0; i < sizeof nvml_process_symbols /
	    sizeof nvml_process_symbols[0]; i++) {
		if (nvml_symbol(nv, nvml_process_symbols[i].name,
		    offsetof(struct nvml, device_processes)) == 0) {
			nv->process_version = nvml_process_symbols[i].version;
			break;
		}
	}

	rc = nv->init();
	if (rc != NVML_SUCCESS) {
		err_set(cause, "nvmlInit_v2 failed: %s", nvml_strerror(nv, rc));
		dlclose(nv->dl);
		free(nv);
		return -1;
	}
	*out = nv;
	return 0;
}

/* Shut NVML down and unload it. */
void
nvml_close(struct nvml *nv)
{
	if (nv == NULL)
		return;
	nv->shutdown();
	dlclose(nv->dl);
	free(nv->procs);
	free(nv);
}

/* Why the last call failed. */
const char *
nvml_error(struct nvml *nv)
{
	if (nv == NULL)
		return "nvml not open";
	return nv->error;
}

/* How many GPUs NVML sees. */
unsigned
nvml_count(struct nvml *nv)
{
	unsigned int n;
	int rc;

	if (nv == NULL)
		return 0;
	nv->error[0] = '\0';
	rc = nv->device_count(&n);
	if (rc != NVML_SUCCESS) {
		nvml_fail(nv, "nvmlDeviceGetCount_v2 failed: %s",
		    nvml_strerror(nv, rc));
		return 0;
	}
	return n;
}

/* Describe GPU i. */
int
nvml_device(struct nvml *nv, unsigned i, struct nvml_device_info *out)
{
	struct nvml_memory mem;
	struct nvml_utilization util;
	unsigned int cur, pending;
	void *dev;
	int rc;

	if (nv == NULL || out == NULL)
		return -1;
	nv->error[0] = '\0';
	memset(out, 0, sizeof *out);
	out->index = i;
	out->util_gpu = out->util_memory = out->mig = -1;

	rc = nv->device_handle(i, &dev);
	if (rc != NVML_SUCCESS)
		return nvml_fail(nv, "gpu %u: %s", i, nvml_strerror(nv, rc));
	rc = nv->device_name(dev, out->name, sizeof out->name);
	if (rc != NVML_SUCCESS)
		return nvml_fail(nv, "gpu %u: name: %s", i,
		    nvml_strerror(nv, rc));
	out->name[sizeof out->name - 1] = '\0';
	rc = nv->device_uuid(dev, out->uuid, sizeof out->uuid);
	if (rc != NVML_SUCCESS)
		return nvml_fail(nv, "gpu %u: uuid: %s", i,
		    nvml_strerror(nv, rc));
	out->uuid[sizeof out->uuid - 1] = '\0';
	rc = nv->device_memory(dev, &mem);
	if (rc != NVML_SUCCESS)
		return nvml_fail(nv, "gpu %u: memory: %s", i,
		    nvml_strerror(nv, rc));
	out->memory_total_mb = mem.total / MIB;
	out->memory_used_mb = mem.used / MIB;
	out->memory_free_mb = mem.free / MIB;

	if (nv->device_utilization != NULL &&
	    nv->device_utilization(dev, &util) == NVML_SUCCESS) {
		out->util_gpu = util.gpu <= 100 ? (int)util.gpu : -1;
		out->util_memory = util.memory <= 100 ? (int)util.memory : -1;
	}
	if (nv->device_mig_mode != NULL) {
		rc = nv->device_mig_mode(dev, &cur, &pending);
		/* NOT_SUPPORTED (no MIG on this GPU) and errors stay -1 */
		if (rc == NVML_SUCCESS)
			out->mig = cur == NVML_DEVICE_MIG_ENABLE;
	}
	return 0;
}

/* The driver version string. */
int
nvml_driver_version(struct nvml *nv, char *buf, size_t len)
{
	char version[NVML_DRIVER_SIZE];
	int rc, n;

	if (nv == NULL || buf == NULL || len == 0)
		return -1;
	nv->error[0] = '\0';
	rc = nv->driver_version(version, sizeof version);
	if (rc != NVML_SUCCESS)
		return nvml_fail(nv, "nvmlSystemGetDriverVersion failed: %s",
		    nvml_strerror(nv, rc));
	version[sizeof version - 1] = '\0';
	n = snprintf(buf, len, "%s", version);
	if (n < 0 || (size_t)n >= len)
		return nvml_fail(nv, "driver version too long");
	return 0;
}

/*
 * Ask GPU dev for its compute processes into nv->procs, growing it as
 * NVML says; *n is how many entries came back. 0 or -1.
 */
static int
nvml_processes(struct nvml *nv, void *dev, unsigned int *n)
{
	size_t size;
	unsigned int want;
	int rc, tries;

	size = nv->process_version == 1 ? sizeof(struct nvml_process_v1) :
	    sizeof(struct nvml_process_v2);
	for (tries = 0; tries < 4; tries++) {
		*n = nv->nprocs;
		rc = nv->device_processes(dev, n, nv->procs);
		if (rc == NVML_SUCCESS) {
			if (*n > nv->nprocs)
				*n = nv->nprocs;
			return 0;
		}
		if (rc != NVML_ERROR_INSUFFICIENT_SIZE)
			return nvml_fail(nv, "process list: %s",
			    nvml_strerror(nv, rc));
		/* more may have started since: leave room */
		want = *n > nv->nprocs ? *n : nv->nprocs;
		if (want > NVML_PROCS_MAX - 32)
			return nvml_fail(nv, "process list: too many");
		want += 32;
		nv->procs = xreallocarray(nv->procs, want, size);
		nv->nprocs = want;
	}
	return nvml_fail(nv, "process list: keeps growing");
}

/* Whether pid is among pids. */
static int
nvml_has_pid(const pid_t *pids, size_t npids, unsigned int pid)
{
	size_t i;

	for (i = 0; i < npids; i++) {
		if (pids[i] >= 0 && (unsigned int)pids[i] == pid)
			return 1;
	}
	return 0;
}

/* Sum the GPU memory that pids use, over all GPUs, in MiB. */
int
nvml_process_vram_mb(struct nvml *nv, const pid_t *pids, size_t npids,
    double *mb)
{
	const struct nvml_process_v1 *p1;
	const struct nvml_process_v2 *p2;
	unsigned long long bytes, used;
	unsigned int count, i, j, n, pid;
	void *dev;
	int asked, rc;

	if (mb != NULL)
		*mb = 0;
	if (nv == NULL || mb == NULL || (pids == NULL && npids != 0))
		return -1;
	nv->error[0] = '\0';
	if (nv->device_processes == NULL)
		return nvml_fail(nv, "no process query in this driver");
	rc = nv->device_count(&count);
	if (rc != NVML_SUCCESS)
		return nvml_fail(nv, "nvmlDeviceGetCount_v2 failed: %s",
		    nvml_strerror(nv, rc));

	bytes = 0;
	asked = 0;
	for (i = 0; i < count; i++) {
		rc = nv->device_handle(i, &dev);
		if (rc != NVML_SUCCESS) {
			nvml_fail(nv, "gpu %u: %s", i, nvml_strerror(nv, rc));
			continue;
		}
		if (nvml_processes(nv, dev, &n) != 0)
			continue;
		asked++;
		p1 = nv->procs;
		p2 = nv->procs;
		for (j = 0; j < n; j++) {
			if (nv->process_version == 1) {
				pid = p1[j].pid;
				used = p1[j].used_gpu_memory;
			} else {
				pid = p2[j].pid;
				used = p2[j].used_gpu_memory;
			}
			if (used == NVML_VALUE_NOT_AVAILABLE)
				continue;
			if (nvml_has_pid(pids, npids, pid))
				bytes += used;
		}
	}
	if (count != 0 && asked == 0)
		return -1;	/* nv->error says why */
	nv->error[0] = '\0';
	*mb = (double)bytes / (double)MIB;
	return 0;
}
