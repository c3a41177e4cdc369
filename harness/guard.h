/*
 * guard: units' process groups die with the controller, grandchildren
 * included.
 *
 * A unit is SIGKILLed by the kernel when bench dies (PR_SET_PDEATHSIG, see
 * spawn.h), but that reaches only the unit's own process: what it forked
 * is reparented to PID 1 and runs on. So bench starts one small process
 * per run, the guard (`bench worker --guard`, its own process group, no
 * PR_SET_PDEATHSIG), connected by a socket. Over it bench passes, once, a
 * table in shared memory (a memfd) of the live process groups, which it
 * then keeps by writing: a unit's group goes in when it starts and out
 * once it has been reaped, without a system call and without waking the
 * guard. The guard sleeps in read() until end of file, which comes when
 * bench closes the socket or dies however it dies (the kernel closes its
 * descriptors); then it SIGKILLs every process group the table still
 * lists and exits. A normal end lists none. A unit that leaves its
 * process group (setsid) escapes the guard as it escapes killpg; while
 * bench lives the subreaper sweep gets those.
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

/*
 * Make the table and pass it over the socket sock (bench's end; the guard
 * holds the other): guard_start's second half, for tests without a guard
 * process. The guard owns sock from here. 0 and *out, or -1 with *cause.
 */
int guard_attach(int sock, pid_t pid, struct guard **out, char **cause);

/* List / unlist process group pgid. Never blocks nor makes a system call
   but to grow the table. g may be NULL. */
void guard_add(struct guard *g, pid_t pgid);
void guard_remove(struct guard *g, pid_t pgid);

/* The guard's pid (a child of bench that is not a unit), -1 none. */
pid_t guard_pid(const struct guard *g);

/* The guard process was reaped by someone else (the loop's reaper): it
   no longer guards anything; guard_pid returns -1 from here. */
void guard_lost(struct guard *g);

/* Close the socket, reap the guard, free g (NULL is fine). */
void guard_stop(struct guard *g);

/*
 * The guard's side: receive the table over fd, read until end of file,
 * then SIGKILL the process groups the table lists. Returns how many it
 * signalled. Run by `bench worker --guard` with fd 3.
 */
size_t guard_main(int fd);

#endif
