/*
 * hwinfo: what machine this is. Core counts come from hwloc, memory from
 * /proc/meminfo, GPUs from NVML (profiles/nvml.h) when it answers. The
 * fingerprint is stored with every run so results are compared only like
 * with like.
 */
#ifndef BENCH_HWINFO_H
#define BENCH_HWINFO_H

#include <sched.h>

#include <jansson.h>

/* Physical cores (hwloc), at least 1. */
unsigned hwinfo_cores(void);
/* Logical processors (hwloc PUs), at least 1. */
unsigned hwinfo_pus(void);
/* Add the logical CPUs of physical core `core` (0..hwinfo_cores()-1) to
   set, for binding a worker to its cores; 0, or -1 without hwloc. */
int hwinfo_core_cpuset(unsigned core, cpu_set_t *set);
/* MemTotal / MemAvailable from /proc/meminfo in KiB, -1 if unreadable. */
long hwinfo_mem_total_kb(void);
long hwinfo_mem_available_kb(void);

/*
 * The fingerprint as a new JSON object: hostname, cpu_model, cores, pus,
 * mem_total_kb, kernel (uname -sr), os (PRETTY_NAME of /etc/os-release),
 * gpus [{index,name,uuid,memory_mb}] and gpu_driver (null without NVML),
 * bench_version. id receives the hex SHA-256 of the fields that identify
 * the hardware and software stack (cpu_model, cores, pus, mem_total_kb,
 * kernel, gpus' names and memory, gpu_driver), not the hostname. Returns 0,
 * or -1 with *cause.
 */
int hwinfo_fingerprint(json_t **out, char id[65], char **cause);

#endif
