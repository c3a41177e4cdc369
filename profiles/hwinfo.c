/*
 * hwinfo: what machine this is. Owns the process's one hwloc topology,
 * loaded on first use and kept until exit; everything else (meminfo,
 * cpuinfo, os-release, uname, NVML) is read afresh on each call.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/utsname.h>

#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <hwloc/glibc-sched.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "hwinfo.h"
#include "nvml.h"
#include "sha256.h"
#include "xalloc.h"
#include "banned.h"

#ifndef BENCH_VERSION
#define BENCH_VERSION "unknown"
#endif

/* Most bytes read from one /proc or /etc file. */
#define HWINFO_READ_MAX	(256 * 1024)

static pthread_once_t	hwinfo_once = PTHREAD_ONCE_INIT;
/* NULL until loaded, and if loading failed */
static hwloc_topology_t	hwinfo_topology;

/* Load the topology once; on failure leave it NULL and fall back. */
static void
hwinfo_load(void)
{
	hwloc_topology_t topology;

	if (hwloc_topology_init(&topology) != 0)
		return;
	/* cores and PUs are all bench asks: skip the caches */
	hwloc_topology_set_cache_types_filter(topology,
	    HWLOC_TYPE_FILTER_KEEP_NONE);
	hwloc_topology_set_icache_types_filter(topology,
	    HWLOC_TYPE_FILTER_KEEP_NONE);
	if (hwloc_topology_load(topology) != 0) {
		hwloc_topology_destroy(topology);
		return;
	}
	hwinfo_topology = topology;
}

/* The cached topology, or NULL. */
static hwloc_topology_t
hwinfo_get_topology(void)
{
	pthread_once(&hwinfo_once, hwinfo_load);
	return hwinfo_topology;
}

/* How many objects of type the topology has, 0 without one. */
static unsigned
hwinfo_count(hwloc_obj_type_t type)
{
	hwloc_topology_t topology;
	int n;

	topology = hwinfo_get_topology();
	if (topology == NULL)
		return 0;
	n = hwloc_get_nbobjs_by_type(topology, type);
	return n > 0 ? (unsigned)n : 0;
}

/* Logical processors. */
unsigned
hwinfo_pus(void)
{
	unsigned n;
	long online;

	n = hwinfo_count(HWLOC_OBJ_PU);
	if (n == 0) {
		online = sysconf(_SC_NPROCESSORS_ONLN);
		n = online > 0 ? (unsigned)online : 1;
	}
	return n;
}

/* Physical cores. */
unsigned
hwinfo_cores(void)
{
	unsigned n, pus;

	n = hwinfo_count(HWLOC_OBJ_CORE);
	pus = hwinfo_pus();
	if (n == 0 || n > pus)
		n = pus;
	return n;
}

/*
 * Read at most max bytes of a small text file into an allocated,
 * NUL-terminated string; NULL if it cannot be read.
 */
static char *
hwinfo_read(const char *path, size_t max)
{
	char *buf;
	size_t len, size;
	ssize_t n;
	int fd;

	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return NULL;

	size = max + 1 < 4096 ? max + 1 : 4096;
	buf = xmalloc(size);
	len = 0;
	for (;;) {
		if (len + 1 == size) {
			if (size >= max + 1)
				break;
			size = size * 2 > max + 1 ? max + 1 : size * 2;
			buf = xreallocarray(buf, 1, size);
		}
		n = read(fd, buf + len, size - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/*
 * In text, the value of the first line that starts with key followed by
 * blanks and sep: a pointer to its first non-blank character and its
 * length without trailing blanks in *len. NULL if no line matches.
 */
static const char *
hwinfo_field(const char *text, const char *key, char sep, size_t *len)
{
	const char *line, *p, *end;
	size_t klen;

	klen = strlen(key);
	for (line = text; line != NULL && *line != '\0'; line = end) {
		end = strchr(line, '\n');
		if (end != NULL)
			end++;
		if (strncmp(line, key, klen) != 0)
			continue;
		p = line + klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != sep)
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		*len = strcspn(p, "\n");
		while (*len > 0 && (p[*len - 1] == ' ' ||
		    p[*len - 1] == '\t' || p[*len - 1] == '\r'))
			(*len)--;
		return p;
	}
	return NULL;
}

/* A "Key: N kB" line of /proc/meminfo text, -1 if absent. */
static long
hwinfo_meminfo_value(const char *text, const char *key)
{
	const char *p;
	char *end;
	size_t len;
	long v;

	p = hwinfo_field(text, key, ':', &len);
	if (p == NULL)
		return -1;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno != 0 || end == p || v < 0)
		return -1;
	return v;
}

/* MemTotal in KiB. */
long
hwinfo_mem_total_kb(void)
{
	char *text;
	long v;

	if ((text = hwinfo_read("/proc/meminfo", HWINFO_READ_MAX)) == NULL)
		return -1;
	v = hwinfo_meminfo_value(text, "MemTotal");
	free(text);
	return v;
}

/*
 * MemAvailable in KiB; on kernels before 3.14, which lack it, the
 * free + buffers + page cache estimate it replaced.
 */
long
hwinfo_mem_available_kb(void)
{
	char *text;
	long v, freekb, buffers, cached;

	if ((text = hwinfo_read("/proc/meminfo", HWINFO_READ_MAX)) == NULL)
		return -1;
	v = hwinfo_meminfo_value(text, "MemAvailable");
	if (v == -1) {
		freekb = hwinfo_meminfo_value(text, "MemFree");
		buffers = hwinfo_meminfo_value(text, "Buffers");
		cached = hwinfo_meminfo_value(text, "Cached");
		if (freekb != -1 && buffers != -1 && cached != -1)
			v = freekb + buffers + cached;
	}
	free(text);
	return v;
}

/*
 * The CPU model: /proc/cpuinfo's "model name", else hwloc's CPUModel,
 * else "unknown". Allocated.
 */
static char *
hwinfo_cpu_model(void)
{
	hwloc_topology_t topology;
	hwloc_obj_t obj;
	const char *p;
	char *text, *model;
	size_t len;

	model = NULL;
	if ((text = hwinfo_read("/proc/cpuinfo", 64 * 1024)) != NULL) {
		p = hwinfo_field(text, "model name", ':', &len);
		if (p != NULL && len > 0)
			model = xstrndup(p, len);
		free(text);
	}
	if (model == NULL && (topology = hwinfo_get_topology()) != NULL) {
		obj = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PACKAGE, 0);
		if (obj == NULL)
			obj = hwloc_get_root_obj(topology);
		p = obj != NULL ? hwloc_obj_get_info_by_name(obj, "CPUModel") :
		    NULL;
		if (p != NULL && *p != '\0')
			model = xstrdup(p);
	}
	return model != NULL ? model : xstrdup("unknown");
}

/*
 * An os-release value (shell-like: bare, '...' or "..." with backslash
 * escapes) as an allocated string.
 */
static char *
hwinfo_unquote(const char *p, size_t len)
{
	char *out, q;
	size_t i, o;

	if (len >= 2 && (p[0] == '"' || p[0] == '\'') && p[len - 1] == p[0]) {
		q = p[0];
		p++;
		len -= 2;
	} else
		q = '\0';
	out = xmalloc(len + 1);
	for (i = o = 0; i < len; i++) {
		if (q == '"' && p[i] == '\\' && i + 1 < len)
			i++;
		out[o++] = p[i];
	}
	out[o] = '\0';
	return out;
}

/* PRETTY_NAME of os-release, allocated, or NULL. */
static char *
hwinfo_os(void)
{
	static const char *paths[] = { "/etc/os-release",
	    "/usr/lib/os-release" };
	const char *p;
	char *text, *os;
	size_t i, len;

	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		if ((text = hwinfo_read(paths[i], HWINFO_READ_MAX)) == NULL)
			continue;
		os = NULL;
		p = hwinfo_field(text, "PRETTY_NAME", '=', &len);
		if (p != NULL)
			os = hwinfo_unquote(p, len);
		free(text);
		if (os != NULL && *os != '\0')
			return os;
		free(os);
	}
	return NULL;
}

/* The GPUs NVML sees, and its driver version into driver (or ""). */
static json_t *
hwinfo_gpus(char *driver, size_t len)
{
	struct nvml *nv;
	struct nvml_device_info info;
	json_t *gpus, *gpu;
	unsigned i, n;
	char *cause = NULL;

	driver[0] = '\0';
	gpus = json_array();
	if (gpus == NULL)
		return NULL;
	if (nvml_open(&nv, &cause) != 0) {
		free(cause);
		return gpus;
	}
	n = nvml_count(nv);
	for (i = 0; i < n; i++) {
		if (nvml_device(nv, i, &info) != 0)
			continue;
		gpu = json_pack("{s:I, s:s, s:s, s:I}",
		    "index", (json_int_t)info.index,
		    "name", info.name,
		    "uuid", info.uuid,
		    "memory_mb", (json_int_t)info.memory_total_mb);
		if (gpu == NULL || json_array_append_new(gpus, gpu) != 0) {
			json_decref(gpus);
			nvml_close(nv);
			return NULL;
		}
	}
	if (nvml_driver_version(nv, driver, len) != 0)
		driver[0] = '\0';
	nvml_close(nv);
	return gpus;
}

/*
 * The identifying part of a fingerprint: everything but the hostname, the
 * GPUs' indices and UUIDs, the OS name and bench's version.
 */
static json_t *
hwinfo_identity(json_t *fp)
{
	json_t *id, *gpus, *gpu;
	size_t i;

	gpus = json_array();
	if (gpus == NULL)
		return NULL;
	for (i = 0; i < json_array_size(json_object_get(fp, "gpus")); i++) {
		gpu = json_array_get(json_object_get(fp, "gpus"), i);
		if (json_array_append_new(gpus, json_pack("{s:O, s:O}",
		    "name", json_object_get(gpu, "name"),
		    "memory_mb", json_object_get(gpu, "memory_mb"))) != 0) {
			json_decref(gpus);
			return NULL;
		}
	}
	id = json_pack("{s:O, s:O, s:O, s:O, s:O, s:o, s:O}",
	    "cpu_model", json_object_get(fp, "cpu_model"),
	    "cores", json_object_get(fp, "cores"),
	    "pus", json_object_get(fp, "pus"),
	    "mem_total_kb", json_object_get(fp, "mem_total_kb"),
	    "kernel", json_object_get(fp, "kernel"),
	    "gpus", gpus,
	    "gpu_driver", json_object_get(fp, "gpu_driver"));
	return id;
}

/* Build the fingerprint and its id. */
int
hwinfo_fingerprint(json_t **out, char id[65], char **cause)
{
	struct utsname u;
	json_t *fp, *gpus, *mem, *ident;
	char host[256], driver[96], *model, *kernel, *os, *text;
	long total;

	*out = NULL;
	id[0] = '\0';

	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	if (uname(&u) == 0)
		kernel = xasprintf("%s %s", u.sysname, u.release);
	else
		kernel = xstrdup("unknown");
	model = hwinfo_cpu_model();
	os = hwinfo_os();
	total = hwinfo_mem_total_kb();
	mem = total >= 0 ? json_integer(total) : json_null();
	gpus = hwinfo_gpus(driver, sizeof driver);

	fp = json_pack("{s:s, s:s, s:I, s:I, s:o, s:s, s:s?, s:o, s:s?, s:s}",
	    "hostname", host,
	    "cpu_model", model,
	    "cores", (json_int_t)hwinfo_cores(),
	    "pus", (json_int_t)hwinfo_pus(),
	    "mem_total_kb", mem,
	    "kernel", kernel,
	    "os", os,
	    "gpus", gpus,
	    "gpu_driver", driver[0] != '\0' ? driver : NULL,
	    "bench_version", BENCH_VERSION);
	free(model);
	free(kernel);
	free(os);
	if (fp == NULL)
		return err_set(cause, "cannot build the machine fingerprint");

	ident = hwinfo_identity(fp);
	text = ident != NULL ?
	    json_dumps(ident, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	json_decref(ident);
	if (text == NULL) {
		json_decref(fp);
		return err_set(cause, "cannot encode the machine fingerprint");
	}
	sha256_hex(text, strlen(text), id);
	free(text);
	*out = fp;
	return 0;
}

/* Add the PUs of physical core `core` (hwloc's logical index) to set. */
int
hwinfo_core_cpuset(unsigned core, cpu_set_t *set)
{
	hwloc_topology_t topology = hwinfo_get_topology();
	hwloc_obj_t obj;
	cpu_set_t one;

	if (topology == NULL)
		return -1;
	obj = hwloc_get_obj_by_type(topology, HWLOC_OBJ_CORE, core);
	if (obj == NULL || obj->cpuset == NULL)
		return -1;
	CPU_ZERO(&one);
	if (hwloc_cpuset_to_glibc_sched_affinity(topology, obj->cpuset, &one,
	    sizeof one) != 0)
		return -1;
	CPU_OR(set, set, &one);
	return 0;
}
