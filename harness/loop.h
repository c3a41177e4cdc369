/*
 * loop: the controller's wait. One poll() over a self-pipe (SIGCHLD;
 * SIGINT, SIGTERM, SIGHUP, SIGALRM stop the run; SIGUSR1, SIGUSR2 are
 * dropped: the handlers only write a byte and count) and every
 * open pipe of the busy slots; reading what poll reports into the slots;
 * reaping every exited child with wait4(WNOHANG) and handing each to the
 * engine by pid. Deadlines are the engine's: it passes how long the loop
 * may wait.
 *
 * At most one loop exists at a time (signal handlers are process-wide).
 */
#ifndef BENCH_LOOP_H
#define BENCH_LOOP_H

#include <sys/resource.h>
#include <sys/types.h>

struct slot;
struct loop;

/* Install the handlers (old ones kept) and the self-pipe. 0, or -1 with
   *cause. */
int loop_open(struct loop **out, int nslots, char **cause);
/* Restore the handlers, close the self-pipe, free. NULL is fine. */
void loop_close(struct loop *l);

/* How many SIGINT/SIGTERM/SIGHUP/SIGALRM arrived since loop_open. */
int loop_signalled(const struct loop *l);

/* Called for a slot whose last pipe closed while reading. */
typedef void (*loop_eof_cb)(int slot, void *data);
/* Called before the loop really waits (nothing was ready): commit. 0, or
   -1 to stop with the engine's error. */
typedef int (*loop_idle_cb)(void *data);

/*
 * Wait for the pipes of the busy slots[0..n) and the signals: poll once
 * without waiting; when nothing is ready call idle, then wait at most
 * wait_s seconds (< 0: until something happens). Read what is ready into
 * the slots; eof(k) for each slot k whose last pipe closed. 0, or -1 with
 * *cause (poll failed) or from idle.
 */
int loop_wait(struct loop *l, struct slot *const *slots, int n,
    double wait_s, loop_idle_cb idle, loop_eof_cb eof, void *data,
    char **cause);

/* Called for every reaped child. */
typedef void (*loop_exit_cb)(pid_t pid, int wstatus, const struct rusage *ru,
    void *data);
/* Reap every exited child (WNOHANG, EINTR retried) and report each. */
void loop_reap(loop_exit_cb fn, void *data);

/* Kill every child of this process that is not in live[0..n): what units
   left behind and the subreaper inherited. */
void loop_kill_orphans(const pid_t *live, size_t n);

/* Seconds on CLOCK_MONOTONIC / CLOCK_REALTIME. */
double loop_monotonic(void);
double loop_walltime(void);

#endif
