/*
 * quiet: is the machine quiet enough to measure on? The state recorded in
 * runs.machine_state when a run starts (pyperf's "system is not tuned"
 * check, in small): the load averages, the CPU frequency governor where
 * /sys has one, and how many other processes were busy (over
 * QUIET_BUSY_PCT of one CPU in a QUIET_WINDOW_S window).
 */
#ifndef BENCH_QUIET_H
#define BENCH_QUIET_H

#include <jansson.h>

#define QUIET_BUSY_PCT	10.0
#define QUIET_WINDOW_S	0.1

struct quiet;

/*
 * Look at the machine in the background: a thread takes the window while
 * bench goes on (its units start). Only processes alive at both ends of
 * the window are measured, and bench is not one of them, so the units it
 * starts meanwhile do not count as busy. quiet_finish waits for the look
 * and returns what quiet_state would have (a look made there, in the
 * calling thread, when no thread could be made); it frees q.
 */
struct quiet *quiet_start(unsigned cores);
json_t *quiet_finish(struct quiet *q, char **why);

/*
 * Look at the machine now (takes QUIET_WINDOW_S) and return a new object
 * {"load1","load5","load15","cores","governor" (or null),"busy_processes",
 * "busy":[{"pid","comm","cpu_pct"}...] (at most 5)}. *why (allocated, the
 * caller frees) says why the machine is not quiet, or is NULL when it is:
 * another busy process, or load1 above half the cores (the governor is
 * recorded, not judged). Never fails: what cannot be read is null.
 */
json_t *quiet_state(unsigned cores, char **why);

#endif
