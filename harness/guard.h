/*
 * guard: units' process groups die with the controller, grandchildren
 * included.
 *
 * A unit is SIGKILLed by the kernel when bench dies (PR_SET_PDEATHSIG, see
 * spawn.h), but that reaches only the unit's own process: what it forked
 * is reparented to PID 1 and runs on. So bench starts one small process
 * per run, the guard (`bench worker --guard`, its own process group, no
 * PR_SET_PDEATHSIG), and tells it over a socket which process groups are
 * live: "+PGID\n" when a unit starts, "-PGID\n" once it has been reaped.
 * The guard reads until end of file, which comes when bench closes the
 * socket or dies however it dies (the kernel closes its descriptors); then it
 * SIGKILLs every process group still listed and exits. A normal end lists
 * none. A unit that leaves its process group (setsid) escapes the guard as
 * it escapes killpg; while bench lives the subreaper sweep gets those.
 *
 *	guard_start -> guard_add / guard_remove ... -> guard_stop
 */
#ifndef BENCH_GUARD_H
#define BENCH_GUARD_H

#include <stddef.h>
#include <sys/types.h>

struct guard;

/*
 * Start the guard: self_exe is bench's own executable. 0 and *out, or -1
 * with *cause (the run goes on without one: the caller says so).
 */
int guard_start(const char *self_exe, struct guard **out, char **cause);

/* Tell the guard process group pgid lives / is gone. Never blocks; a
   guard that stopped listening is dropped (guard_pid then returns -1).
   g may be NULL. */
void guard_add(struct guard *g, pid_t pgid);
void guard_remove(struct guard *g, pid_t pgid);

/* The guard's pid (a child of bench that is not a unit), -1 none. */
pid_t guard_pid(const struct guard *g);

/* Close the socket, reap the guard, free g (NULL is fine). */
void guard_stop(struct guard *g);

/*
 * The guard's side: read messages from fd until end of file, then SIGKILL
 * the process groups still listed. Returns how many it signalled. Run by
 * `bench worker --guard` with fd 3.
 */
size_t guard_main(int fd);

/*
 * The listed set, for guard_main and its tests: apply one message (one
 * line, "+N" or "-N", without the newline) to pgids[0..*n) of room cap.
 * 0, or -1 for a malformed line or no room (the line is ignored).
 */
int guard_apply(pid_t *pgids, size_t *n, size_t cap, const char *line);

#endif
