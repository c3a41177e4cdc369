/*
 * cgroup: one memory cgroup per unit, for an exact peak of the whole
 * process tree, an OOM count and a memory cap (DESIGN.md "Memory
 * accounting").
 *
 * Which hierarchy: cgroup v2 where the memory controller is in its
 * cgroup.controllers and bench can enable it for a child (it writes
 * cgroup.subtree_control); else cgroup v1 where a "memory" hierarchy is
 * mounted and writable; else none (the caller falls back to sampling /proc
 * and RLIMIT_AS). Mounts come from /proc/self/mountinfo and bench's own
 * group from /proc/self/cgroup: groups are made below the group bench runs
 * in, never elsewhere (so they count against its container's limits; the
 * root would escape them): on v2, when bench's group holds processes
 * (which forbids enabling a controller for its children), they are first
 * moved into a leaf child "leaf", as systemd does. The environment variable
 * BENCH_CGROUP=none|v1|v2 forbids cgroups or forces one kind (tests, and
 * machines where the automatic choice is wrong).
 *
 * Layout: BASE/bench.<pid>/<name>. bench.<pid> is created with the first
 * group and removed with the last (cgroup_destroy).
 *
 * Not thread-safe (the controller is single-threaded).
 */
#ifndef BENCH_CGROUP_H
#define BENCH_CGROUP_H

#include <sys/types.h>

#include <stdint.h>

struct cgroup;

/*
 * 1 if a memory cgroup can be made here, else 0 with *why (allocated,
 * the caller frees; why may be NULL). The answer is computed once.
 */
int	cgroup_available(char **why);
/* "v2", "v1" or "none": which one measures, to store with the run. */
const char *cgroup_kind(void);

/*
 * Make group name (letters, digits, '-', '_', '.'; no "/"), capped at
 * limit_bytes (0: no cap). v2 writes memory.max and memory.swap.max = 0
 * and memory.oom.group = 1 (an OOM kills the whole unit); v1 writes
 * memory.limit_in_bytes and memory.memsw.limit_in_bytes where swap
 * accounting exists. Returns 0 and *out, or -1 with *cause.
 */
int	cgroup_create(const char *name, uint64_t limit_bytes,
	    struct cgroup **out, char **cause);
/*
 * Move pid (all its threads) into the group: v2 cgroup.procs, v1
 * cgroup.procs. Its later children inherit the group. 0 or -1 with *cause.
 */
int	cgroup_attach(struct cgroup *cg, pid_t pid, char **cause);
/*
 * A descriptor open (O_WRONLY, O_CLOEXEC) on the group's cgroup.procs, for
 * a child to join the group itself between fork and exec, before it
 * allocates anything: write(fd, "0", 1) ("0" means the writer; both
 * versions accept it; async-signal-safe). Owned by cg: do not close it in
 * the parent; it closes at exec in the child.
 */
int	cgroup_procs_fd(struct cgroup *cg);
/* The group's directory (owned by cg). */
const char *cgroup_path(struct cgroup *cg);

/*
 * Peak memory of the group since it was made, in KiB: v2 memory.peak
 * (Linux 5.19+), v1 memory.max_usage_in_bytes. Counts page cache and
 * kernel memory charged to the group, not only RSS. -1 with *cause if the
 * kernel does not say.
 */
long long cgroup_peak_kb(struct cgroup *cg, char **cause);
/* Usage now in KiB: v2 memory.current, v1 memory.usage_in_bytes; or -1. */
long long cgroup_current_kb(struct cgroup *cg, char **cause);
/*
 * Processes the kernel's OOM killer killed in this group: the oom_kill
 * field of v2 memory.events or of v1 memory.oom_control (Linux 4.13+).
 * This is the evidence for an `oom` end. -1 with *cause if absent.
 */
long long cgroup_oom_kills(struct cgroup *cg, char **cause);
/*
 * How often usage hit the cap: v2 memory.events "max" (times the group
 * was pushed to reclaim at memory.max), v1 memory.failcnt plus
 * memory.memsw.failcnt (times a charge failed at the memory or the
 * memory+swap limit; the latter is charged first). Pressure, not death: a unit can hit its cap
 * many times and finish. Not evidence of anything: on Linux 6.18 the v1
 * counters stayed 0 through an OOM kill. -1 with *cause if absent.
 */
long long cgroup_limit_hits(struct cgroup *cg, char **cause);

/*
 * Kill whatever is still in the group (v2 cgroup.kill where the kernel
 * has it, else SIGKILL to each pid in cgroup.procs, repeated until empty
 * for up to 2 s), rmdir it, and rmdir bench.<pid> after the last group.
 * The caller should have reaped its child first (a zombie can keep the
 * group busy). Frees cg in every case; returns 0, or -1 with *cause if a
 * directory stayed. NULL is a no-op.
 */
int	cgroup_destroy(struct cgroup *cg, char **cause);

/*
 * The memory limit around bench (a container's): the nearest group with a
 * limit, walking up from bench's own group to the top of the hierarchy.
 * v2 reads memory.max ("max": none), v1 memory.limit_in_bytes (the
 * kernel's "unlimited", 2^63 rounded down to a page, or anything from
 * 2^62 up: none). This does not need a writable hierarchy: a container
 * that may not make groups still shows its own limit. Plain data.
 */
struct cgroup_limit {
	char		 dir[1024];	/* the group with the limit; "" none */
	const char	*kind;		/* "v2", "v1"; NULL: no hierarchy */
	long long	 limit_kb;	/* -1: no limit on the way up */
	long long	 usage_kb;	/* its usage now less its inactive
					   file cache (what the kernel can
					   drop first); -1 unknown */
};

/*
 * Where bench's memory hierarchy is, from the text of /proc/self/mountinfo
 * and /proc/self/cgroup: v2 when its mount lists "memory" in
 * cgroup.controllers, else the v1 "memory" hierarchy. Sets *mnt (the
 * mount point), *own (bench's group's directory under it), both
 * allocated, and *v2. 0, or -1 when neither is there. Reads only
 * MNT/cgroup.controllers (tests pass a fake tree).
 */
int	cgroup_locate(const char *mountinfo, const char *self, char **mnt,
	    char **own, int *v2);
/*
 * Walk from own up to mnt (both directories, own at or under mnt) and fill
 * *out with the nearest limit and its usage. Always succeeds: what cannot
 * be read is absent.
 */
void	cgroup_limit_walk(const char *mnt, const char *own, int v2,
	    struct cgroup_limit *out);
/*
 * The limit around bench now (its hierarchy located once, the limit and
 * usage read on every call). 0, or -1 without a memory hierarchy
 * (out->kind NULL, limit_kb -1).
 */
int	cgroup_enclosing(struct cgroup_limit *out);
/*
 * OOM kills counted in bench's own group and every group above it up to
 * the one with the limit (its own only when there is none): the oom_kill
 * field of v2 memory.events or v1 memory.oom_control, summed. A unit's
 * processes live in bench's group or below it, and v1 counts a kill only
 * in the victim's group, v2 in every group above it too: the sum moves
 * whenever the OOM killer killed one of them. Only its change means
 * anything. -1 when unknown.
 */
long long cgroup_enclosing_oom_kills(void);
/* The same from own up to stop (a walk's dir; "" or NULL: own only). */
long long cgroup_oom_kills_walk(const char *own, const char *stop, int v2);

#endif
