/*
 * wsample: the samples `bench worker --sample S` takes of its own unit on
 * the node it runs on, sent as sample records on the unit's record stream
 * (chan.h), so a unit started through srun gets the same `samples` rows as
 * a local one (the controller samples local units itself).
 *
 * The sampler is a forked child of the worker in a process group of its
 * own (so it does not count itself): every period it reads the unit's
 * process group through profiles/sample.c (RSS, CPU; with NVML the GPU
 * memory of the group's processes and the utilisation of the unit's first
 * GPU, $SLURM_STEP_GPUS, else $SLURM_JOB_GPUS, else none) and writes one
 * {"t":"sample",...} line with one write(2), so its lines never mix with
 * the worker's. It dies with the worker (PR_SET_PDEATHSIG), and when a
 * write fails (the controller is gone).
 *
 * Call order: wsample_start after the start record, wsample_stop before
 * the records that end the stream (usage, end): stop kills and reaps it.
 */
#ifndef BENCH_WSAMPLE_H
#define BENCH_WSAMPLE_H

#include <sys/types.h>

struct wsample;

/*
 * Sample process group pgid every period_s seconds (> 0) onto fd. 0 and
 * *out, or -1 with *cause (fork failed).
 */
int wsample_start(pid_t pgid, int fd, double period_s, struct wsample **out,
    char **cause);
/* Stop the sampler and reap it; NULL is a no-op. */
void wsample_stop(struct wsample *w);

/* The NVML index of the unit's first GPU from the Slurm environment
   ($SLURM_STEP_GPUS, else $SLURM_JOB_GPUS: "2,3" gives 2); -1 none. */
int wsample_gpu(void);

#endif
