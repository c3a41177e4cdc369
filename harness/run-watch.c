/*
 * run-watch: what the engine watches while units run: samples of each unit's
 * process group, and memory pressure (see run-int.h).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "budget.h"
#include "cgroup.h"
#include "err.h"
#include "gpus.h"
#include "host.h"
#include "hwinfo.h"
#include "job.h"
#include "launch.h"
#include "loop.h"
#include "merge.h"
#include "resume.h"
#include "run.h"
#include "run-int.h"
#include "safe.h"
#include "sample.h"
#include "sched.h"
#include "slot.h"
#include "store.h"
#include "term.h"
#include "unitenv.h"
#include "xalloc.h"
#include "banned.h"

/* Sample one running unit's process group. */
static void
run_sample(struct run_state *rs, struct run_unit *ru, double now)
{
	struct sample_point p;
	char *cause = NULL;
	int gpu = -1;

	if (ru->sampler == NULL && (ru->sampler = sample_new(slot_pid(ru->io),
	    &cause)) == NULL) {
		free(cause);
		return;
	}
	if (ru->grant.ngpu > 0)
		gpu = (int)gpus_get(rs->host.gpus,
		    (size_t)ru->grant.gpu[0])->nvml_index;
	if (sample_take(ru->sampler, now, rs->host.nvml, gpu, &p,
	    &cause) != 0) {
		free(cause);
		return;
	}
	if (ru->nsamples >= RUN_MAX_SAMPLES)
		return;
	ru->nsamples++;
	if (run_tx(rs) != 0 || store_sample_add(rs->st,
	    rs->unit_ids[ru->unit], now - ru->start_mono, p.rss_kb, p.cpu_pct,
	    p.vram_mb, p.gpu_util, &cause) != 0)
		free(cause);
}

/* Store the sample records a remote unit's worker sent, at their time
   since the unit started. */
void
run_store_samples(struct run_state *rs, struct run_unit *ru)
{
	struct slot_sample buf[SLOT_MAX_PENDING];
	char *cause = NULL;
	size_t i, n;

	n = slot_take_samples(ru->io, buf, SLOT_MAX_PENDING);
	for (i = 0; i < n && ru->nsamples < RUN_MAX_SAMPLES; i++) {
		ru->nsamples++;
		if (run_tx(rs) != 0)
			return;
		if (store_sample_add(rs->st, rs->unit_ids[ru->unit],
		    buf[i].at - ru->start_mono, isnan(buf[i].rss_kb) ? 0 :
		    (long)buf[i].rss_kb, buf[i].cpu_pct, buf[i].vram_mb,
		    buf[i].gpu_util, &cause) != 0) {
			free(cause);
			return;
		}
	}
}

/* Memory pressure: pause admission, resume it, evict the youngest. */
static void
run_pressure(struct run_state *rs)
{
	double left = host_memory_left(&rs->host);
	struct run_unit *young = NULL, *u;
	unsigned v;
	int k;

	if (left < 0 || rs->remote)
		return;
	v = sched_pressure(rs->sched, left);
	if (v & SCHED_PAUSE)
		run_event(rs, SIZE_MAX, "pressure", "memory left %.1f%% (RAM "
		    "or a GPU; < %.0f%%): no new unit starts", left * 100,
		    SCHED_PRESSURE_STOP * 100);
	if (v & SCHED_RESUME)
		run_event(rs, SIZE_MAX, "pressure", "memory left back at "
		    "%.1f%%: units start again", left * 100);
	if (!(v & SCHED_EVICT))
		return;
	for (k = 0; k < rs->nslots; k++) {
		u = &rs->units[k];
		if ((u->state == UNIT_RUNNING || u->state == UNIT_DRAINED) &&
		    !u->ev.evicted && (young == NULL ||
		    u->start_mono > young->start_mono))
			young = u;
	}
	if (young == NULL)
		return;
	run_step(rs, young, UNIT_EV_EVICT);
	run_event(rs, young->unit, "evict", "memory left %.1f%% (RAM or a "
	    "GPU; < %.0f%%): killed the youngest unit, %s, to requeue it",
	    left * 100, SCHED_PRESSURE_KILL * 100,
	    job_unit(rs->job, young->unit)->id);
}

/* Sample every live unit each sample_s seconds, and check the pressure. */
void
run_tick(struct run_state *rs, double now)
{
	int k;

	for (k = 0; k < rs->nslots && rs->remote; k++) {
		if (rs->units[k].state != UNIT_DONE &&
		    slot_busy(rs->units[k].io))
			run_store_samples(rs, &rs->units[k]);
	}
	if (rs->cfg->sample_s > 0 && sched_running(rs->sched) > 0 &&
	    (rs->next_sample == 0 || now >= rs->next_sample)) {
		if (rs->next_sample > 0) {
			for (k = 0; k < rs->nslots && !rs->remote; k++) {
				if (rs->units[k].state == UNIT_RUNNING ||
				    rs->units[k].state == UNIT_DRAINED)
					run_sample(rs, &rs->units[k], now);
			}
			run_pressure(rs);
		}
		rs->next_sample = now + rs->cfg->sample_s;
	} else if (sched_running(rs->sched) == 0)
		rs->next_sample = 0;
	if (sched_paused(rs->sched) && sched_running(rs->sched) == 0)
		run_pressure(rs);
}
