/*
 * run: the controller's event loop. One poll() over a self-pipe (SIGCHLD,
 * SIGINT, SIGTERM) and every worker's status pipe; deadlines from
 * CLOCK_MONOTONIC; a unit is finished once its pipe reached EOF *and* it was
 * reaped, in either order.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "budget.h"
#include "cgroup.h"
#include "chan.h"
#include "err.h"
#include "gpus.h"
#include "hwinfo.h"
#include "job.h"
#include "launch.h"
#include "nvml.h"
#include "plugin.h"
#include "procstat.h"
#include "run.h"
#include "safe.h"
#include "spawn.h"
#include "store.h"
#include "term.h"
#include "xalloc.h"
#include "banned.h"

#define RUN_STATUS_FD		3	/* the status pipe in every worker */
#define RUN_MAX_METRICS		256	/* distinct metric names per unit */
#define RUN_MAX_SAMPLES		20000	/* sample rows per unit */
#define RUN_READ_BUDGET		(256 * 1024) /* bytes read per pipe per wake */
#define RUN_COMMIT_EVERY	0.25	/* seconds a transaction stays open */
#define RUN_EOF_GRACE		2.0	/* pipe held open after the exit */
#define RUN_INTERRUPT_GRACE	2.0
#define RUN_LOG_MAX		(64UL * 1024 * 1024) /* bytes kept per unit */
#define RUN_MAX_CORES		1024
#define RUN_MAX_PIDS		256	/* pids of a group asked NVML about */
#define RUN_BACKOFF_BASE	0.5	/* seconds before the first retry */
#define RUN_BACKOFF_MAX		30.0
#define RUN_PRESSURE_STOP	0.10	/* MemAvailable / MemTotal */
#define RUN_BUDGET_MIN_MB	64	/* smaller units are not reserved */
#define RUN_PRESSURE_KILL	0.05
#define RUN_TAIL_MAX		4096	/* srun stderr kept to classify */

/* What a unit needs, declared or from its profile. */
struct run_need {
	uint64_t	ram_mb;		/* admission; 0 unknown */
	uint64_t	cap_mb;		/* the memory cap: declared ram only */
	uint64_t	vram_mb;
	unsigned	gpus;
	unsigned	cpus;		/* cores to bind to; 0 none */
};

struct run_metric {
	char	*name;
	double	 value;
	int	 timing;
};

/* One worker slot. */
struct run_slot {
	int		 busy;
	size_t		 unit;		/* job unit index */
	pid_t		 pid;		/* also the process group */
	int		 fd;		/* read end of the status pipe, -1 at EOF */
	int		 out_fd;	/* read end of stdout+stderr, -1 at EOF */
	int		 log_fd;	/* the log, opened on first output */
	int		 log_failed;	/* the log could not be created */
	size_t		 log_bytes;
	int		 log_capped;
	struct chan	*chan;
	double		 start_mono, start_wall;
	double		 deadline;	/* 0: none */
	double		 kill_at;	/* 0: none; SIGKILL then */
	double		 eof_deadline;	/* 0: none */
	int		 reaped;
	int		 wstatus;
	struct rusage	 ru;
	int		 timed_out;
	int		 interrupted;
	int		 pipe_held;	/* EOF forced after the exit */
	int		 have_end;
	char		 end_status[16];
	char		*end_error;
	char		*proto_error;	/* first bad record */
	size_t		 nproto;
	struct run_metric metrics[RUN_MAX_METRICS];
	size_t		 nmetrics;
	size_t		 dropped_metrics;
	size_t		 nsamples;
	int		 co_running;
	struct run_state *rs;
	int		 attempt;	/* from 1 */
	struct run_need	 need;
	struct procstat	*ps;		/* sampler, made at the first tick */
	double		 next_sample;	/* monotonic; 0 none */
	long		 peak_rss_kb;
	double		 peak_vram_mb;	/* NAN: none */
	struct cgroup	*cg;		/* the unit's memory cgroup */
	int		 rlimited;	/* capped by RLIMIT_AS instead */
	int		 gpu[BUDGET_MAX_GPUS];	/* GPU indices it holds */
	unsigned	 ngpu;
	unsigned	 core[64];	/* cores it is bound to */
	unsigned	 ncore;
	int64_t		 budget_id;	/* host budget reservation, 0 none */
	int		 evicted;	/* killed for memory pressure */
	int		 have_usage;	/* the worker's own usage record */
	double		 usage_user_s, usage_sys_s;
	long		 usage_maxrss_kb;
	char		 tail[RUN_TAIL_MAX];	/* Slurm: the last of srun's
						   stderr */
	size_t		 tail_len;
	char		 host[CHAN_HOST_MAX + 1];	/* from the start
							   record */
};

struct run_state {
	struct job		*job;
	struct store		*st;
	int64_t			 run_id;
	const struct run_config	*cfg;
	struct run_totals	*tot;
	int64_t			*unit_ids;
	size_t			*tc_left;	/* units left per test case */
	int			*tc_bad;	/* a unit of it did not end ok */
	json_t			**unit_metrics;	/* {name:[value,timing]} */
	size_t			 next;		/* next unit to start */
	struct run_slot		*slots;
	int			 nslots;
	int			 running;
	int			 in_tx;
	double			 tx_since;
	char			*logs_dir;
	char			*work_dir;
	char			**base_env;	/* environ without BENCH_* */
	size_t			 nbase_env;
	char			*cause;		/* first environment error */
	/* scheduling */
	unsigned char		*ustate;	/* 0 queued, 1 running, 2 done */
	int			*attempts;	/* attempts started per unit */
	double			*ready_at;	/* monotonic: not before (backoff) */
	size_t			*order;		/* units in start order */
	size_t			 norder;
	size_t			 queued;	/* units queued */
	size_t			 head_skips;	/* backfills past the head */
	int			 pool;		/* current worker limit */
	int			 streak;	/* oks since the last change */
	int			 profiling;	/* first units of unprofiled test
						   cases run alone first */
	int			 paused;	/* memory pressure: no admission */
	int			 budget_wait;	/* the host budget said not now */
	size_t			 kept;		/* units kept from a resumed run */
	/* profiles, per test case */
	long			*tc_peak_kb;	/* 0 unknown */
	double			*tc_peak_vram;	/* NAN unknown */
	double			*tc_wall;	/* NAN unknown */
	char			 host[256];
	/* resources */
	uint64_t		 ram_budget_mb;
	uint64_t		 ram_used_mb;
	unsigned		 ncores;
	unsigned char		 core_used[RUN_MAX_CORES];
	struct gpus		*gpus;
	size_t			 ngpus;
	uint64_t		 gpu_budget_mb[BUDGET_MAX_GPUS];
	uint64_t		 gpu_used_mb[BUDGET_MAX_GPUS];
	unsigned		 gpu_units[BUDGET_MAX_GPUS];
	struct budget_totals	 totals;	/* the host, for the shared budget */
	int			 cgroups;	/* per-unit memory cgroups work */
	struct nvml		*nvml;
	long			 mem_total_kb;
	double			 next_sample;
	/* the launcher */
	struct launcher		 local;		/* when cfg->launcher is NULL */
	const struct launcher	*launcher;
	int			 slurm;		/* units go through srun */
	size_t			 ncancel;	/* units whose job was cancelled */
};

static void run_kill(struct run_slot *sl, int sig);
static int run_merge_testcase(struct run_state *rs, size_t tci);

static int run_sigpipe[2] = { -1, -1 };
static volatile sig_atomic_t run_signalled;

/* Monotonic seconds. */
double
run_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall-clock seconds since the epoch. */
double
run_walltime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Signal handler: note it and wake the loop. Does no other work. */
static void
run_on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;
	ssize_t w;

	if (sig == SIGINT || sig == SIGTERM)
		run_signalled++;
	w = write(run_sigpipe[1], &c, 1);
	(void)w;
	errno = saved;
}

/* mkdir -p with mode 0700. */
static int
run_mkdirs(const char *path, char **cause)
{
	char *p = xstrdup(path), *s;

	for (s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) != 0 && errno != EEXIST) {
				err_errno(cause, "cannot create directory "
				    "'%s'", p);
				free(p);
				return -1;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return 0;
}

/* Commit the open transaction, if any. */
static int
run_commit(struct run_state *rs)
{
	if (!rs->in_tx)
		return 0;
	rs->in_tx = 0;
	if (store_commit(rs->st, &rs->cause) != 0)
		return -1;
	return 0;
}

/* Make sure a transaction is open. */
static int
run_tx(struct run_state *rs)
{
	if (rs->in_tx)
		return 0;
	if (store_begin(rs->st, &rs->cause) != 0)
		return -1;
	rs->in_tx = 1;
	rs->tx_since = run_monotonic();
	return 0;
}

/* Record an environment error (first wins) from a store call. */
static int
run_env_error(struct run_state *rs, char *cause)
{
	if (rs->cause == NULL)
		rs->cause = cause;
	else
		free(cause);
	return -1;
}

/* Copy the environment without BENCH_* variables. */
static void
run_base_env(struct run_state *rs)
{
	extern char **environ;
	size_t n = 0, i;

	for (i = 0; environ[i] != NULL; i++)
		n++;
	rs->base_env = xcalloc(n + 1, sizeof *rs->base_env);
	for (i = 0; environ[i] != NULL; i++) {
		if (strncmp(environ[i], "BENCH_", 6) == 0)
			continue;
		rs->base_env[rs->nbase_env++] = environ[i];
	}
}

/* The params object of a test case as compact JSON text. */
static char *
run_params_text(const struct job_testcase *tc)
{
	char *s = json_dumps(tc->params, JSON_COMPACT | JSON_PRESERVE_ORDER);

	return s != NULL ? s : xstrdup("{}");
}

/* What a resumed run keeps: the finished units of the old run by key. */
struct run_resume {
	json_t	*units;		/* key -> [id, status] */
	json_t	*metrics;	/* "id" -> {name: [value, timing]} */
	const char *job;
	int	 job_ok;
};

/* Collect the old run. */
static int
run_resume_run(const struct store_run_row *r, void *data)
{
	struct run_resume *rr = data;

	rr->job_ok = strcmp(r->job_name, rr->job) == 0;
	return 0;
}

/* Collect an old unit. */
static int
run_resume_unit(const struct store_unit_row *u, void *data)
{
	struct run_resume *rr = data;

	if (u->key != NULL)
		json_object_set_new(rr->units, u->key, json_pack("[I,s]",
		    (json_int_t)u->id, u->status));
	return 0;
}

/* Collect an old unit's metric. */
static int
run_resume_metric(const struct store_metric_row *m, void *data)
{
	struct run_resume *rr = data;
	json_t *obj;
	char id[32];

	snprintf(id, sizeof id, "%" PRId64, m->unit_id);
	obj = json_object_get(rr->metrics, id);
	if (obj == NULL) {
		obj = json_object();
		json_object_set_new(rr->metrics, id, obj);
	}
	json_object_set_new(obj, m->name, json_pack("[f,b]", m->value,
	    m->timing));
	return 0;
}

/* Whether an old unit's status is an end worth keeping. */
static int
run_resume_final(const char *status)
{
	return strcmp(status, "ok") == 0 || strcmp(status, "skipped") == 0 ||
	    strcmp(status, "failed") == 0 || strcmp(status, "crashed") == 0 ||
	    strcmp(status, "timeout") == 0 || strcmp(status, "oom") == 0;
}

/* Count a kept unit in the totals. */
static void
run_count(struct run_totals *tot, const char *status)
{
	if (strcmp(status, "ok") == 0)
		tot->ok++;
	else if (strcmp(status, "skipped") == 0)
		tot->skipped++;
	else if (strcmp(status, "failed") == 0)
		tot->failed++;
	else if (strcmp(status, "crashed") == 0)
		tot->crashed++;
	else if (strcmp(status, "timeout") == 0)
		tot->timeout++;
	else if (strcmp(status, "oom") == 0)
		tot->oom++;
	else
		tot->interrupted++;
}

/* Insert every unit as 'pending'. */
static int
run_plan(struct run_state *rs)
{
	size_t n = job_nunits(rs->job), i;
	const struct job_unit *u;
	const struct job_testcase *tc;
	struct store_unit_info info;
	char *params, *log;

	size_t ntc = job_ntestcases(rs->job), t, k;
	struct store_profile prof;
	struct run_resume rr;
	char *cause = NULL;
	int r;

	rs->unit_ids = xcalloc(n, sizeof *rs->unit_ids);
	rs->tc_left = xcalloc(ntc, sizeof *rs->tc_left);
	rs->tc_bad = xcalloc(ntc, sizeof *rs->tc_bad);
	rs->unit_metrics = xcalloc(n, sizeof *rs->unit_metrics);
	rs->ustate = xcalloc(n, sizeof *rs->ustate);
	rs->attempts = xcalloc(n, sizeof *rs->attempts);
	rs->ready_at = xcalloc(n, sizeof *rs->ready_at);
	rs->order = xcalloc(n, sizeof *rs->order);
	rs->tc_peak_kb = xcalloc(ntc, sizeof *rs->tc_peak_kb);
	rs->tc_peak_vram = xcalloc(ntc, sizeof *rs->tc_peak_vram);
	rs->tc_wall = xcalloc(ntc, sizeof *rs->tc_wall);
	for (t = 0; t < ntc; t++) {
		rs->tc_peak_vram[t] = NAN;
		rs->tc_wall[t] = NAN;
		r = store_profile_get(rs->st, job_testcase(rs->job, t)->key,
		    rs->host, &prof, &cause);
		if (r < 0)
			return run_env_error(rs, cause);
		if (r == 1) {
			rs->tc_peak_kb[t] = prof.peak_rss_kb > 0 ?
			    prof.peak_rss_kb : 0;
			rs->tc_peak_vram[t] = prof.peak_vram_mb;
			rs->tc_wall[t] = prof.wall_s;
		}
	}
	memset(&rr, 0, sizeof rr);
	if (rs->cfg->resume_from > 0) {
		rr.units = json_object();
		rr.metrics = json_object();
		rr.job = job_name(rs->job);
		if (store_run_get(rs->st, rs->cfg->resume_from, run_resume_run,
		    &rr, &cause) != 0 ||
		    store_units_list(rs->st, rs->cfg->resume_from,
		    run_resume_unit, &rr, &cause) != 0 ||
		    store_unit_metrics_list(rs->st, rs->cfg->resume_from,
		    run_resume_metric, &rr, &cause) != 0) {
			json_decref(rr.units);
			json_decref(rr.metrics);
			return run_env_error(rs, cause);
		}
		if (!rr.job_ok) {
			json_decref(rr.units);
			json_decref(rr.metrics);
			return run_env_error(rs, xasprintf("run %" PRId64 " is "
			    "not a run of job '%s'", rs->cfg->resume_from,
			    job_name(rs->job)));
		}
	}
	if (run_tx(rs) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *old;

		u = job_unit(rs->job, i);
		tc = job_testcase(rs->job, u->testcase);
		if (rs->cfg->profile_only && i != tc->first_unit) {
			rs->ustate[i] = 2;	/* not part of this run */
			continue;
		}
		old = rr.units != NULL ? json_object_get(rr.units, u->key) :
		    NULL;
		if (old != NULL && run_resume_final(json_string_value(
		    json_array_get(old, 1)))) {
			/* finished in the old run: keep it as it ended */
			const char *st = json_string_value(json_array_get(old,
			    1));
			char id[32];

			snprintf(id, sizeof id, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(json_array_get(old, 0)));
			if (store_unit_copy(rs->st, json_integer_value(
			    json_array_get(old, 0)), rs->run_id,
			    &rs->unit_ids[i], &rs->cause) != 0) {
				json_decref(rr.units);
				json_decref(rr.metrics);
				return -1;
			}
			rs->ustate[i] = 2;
			rs->kept++;
			run_count(rs->tot, st);
			if (strcmp(st, "ok") == 0) {
				json_t *m = json_object_get(rr.metrics, id);

				rs->unit_metrics[i] = m != NULL ?
				    json_deep_copy(m) : json_object();
			} else
				rs->tc_bad[u->testcase] = 1;
			continue;
		}
		rs->order[rs->norder++] = i;
		rs->queued++;
		rs->tc_left[u->testcase]++;
		params = run_params_text(tc);
		log = xasprintf("%s/%s.log", rs->logs_dir, u->id);
		memset(&info, 0, sizeof info);
		info.testcase = tc->name;
		info.algorithm = tc->algorithm;
		info.paradigm = tc->paradigm;
		info.params = params;
		info.key = u->key;
		info.log_path = log;
		info.part = u->part;
		info.nparts = u->nparts;
		info.rep = u->rep;
		info.seed = u->seed;
		if (store_unit_add(rs->st, rs->run_id, &info, &rs->unit_ids[i],
		    &rs->cause) != 0) {
			free(params);
			free(log);
			return -1;
		}
		free(params);
		free(log);
	}
	json_decref(rr.units);
	json_decref(rr.metrics);
	/* test cases the old run finished whole: merge them now */
	for (t = 0; t < ntc && rs->kept > 0; t++) {
		if (rs->tc_left[t] == 0 && run_merge_testcase(rs, t) != 0)
			return -1;
	}
	/* the longest units first, when the profiles say how long they take
	   (ties and unknowns keep job order: insertion sort is stable) */
	for (k = 1; k < rs->norder; k++) {
		size_t x = rs->order[k], j = k;
		double wx = rs->tc_wall[job_unit(rs->job, x)->testcase];

		while (j > 0 && !isnan(wx)) {
			double wy = rs->tc_wall[job_unit(rs->job,
			    rs->order[j - 1])->testcase];

			if (!isnan(wy) && wy >= wx)
				break;
			rs->order[j] = rs->order[j - 1];
			j--;
		}
		rs->order[j] = x;
	}
	return run_commit(rs);
}

/* Free what a slot holds and mark it free. */
static void
run_slot_clear(struct run_slot *sl)
{
	size_t i;

	if (sl->fd >= 0)
		close(sl->fd);
	if (sl->out_fd >= 0)
		close(sl->out_fd);
	if (sl->log_fd >= 0)
		close(sl->log_fd);
	chan_free(sl->chan);
	procstat_free(sl->ps);
	free(sl->end_error);
	free(sl->proto_error);
	for (i = 0; i < sl->nmetrics; i++)
		free(sl->metrics[i].name);
	memset(sl, 0, sizeof *sl);
	sl->fd = sl->out_fd = sl->log_fd = -1;
}

/*
 * Append bytes to a unit's log, creating it on first use: a unit that
 * prints nothing costs no file (creating thousands of files is what made
 * dispatch slow). At most RUN_LOG_MAX bytes are kept.
 */
static void
run_log_write(struct run_state *rs, struct run_slot *sl, const char *buf,
    size_t len)
{
	static const char capped[] = "\n[bench] log truncated: more than "
	    "64 MiB of output\n";
	const struct job_unit *u;
	char *path;
	ssize_t w;

	if (sl->log_capped || sl->log_failed || len == 0)
		return;
	if (sl->log_fd < 0) {
		u = job_unit(rs->job, sl->unit);
		path = xasprintf("%s/%s.log", rs->logs_dir, u->id);
		sl->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND |
		    O_CLOEXEC, 0600);
		free(path);
		if (sl->log_fd < 0) {
			sl->log_failed = 1;
			return;
		}
	}
	if (sl->log_bytes + len > RUN_LOG_MAX) {
		len = RUN_LOG_MAX - sl->log_bytes;
		sl->log_capped = 1;
	}
	while (len > 0) {
		w = write(sl->log_fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		buf += w;
		len -= (size_t)w;
		sl->log_bytes += (size_t)w;
	}
	if (sl->log_capped) {
		w = write(sl->log_fd, capped, sizeof capped - 1);
		(void)w;
	}
}

/* Append a line from bench to a unit's log. */
static void
run_log(struct run_slot *sl, const char *fmt, ...)
{
	char buf[1200];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof buf, "[bench] ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 2)
		n = (int)sizeof buf - 2;
	buf[n++] = '\n';
	run_log_write(sl->rs, sl, buf, (size_t)n);
}

/* A record arrived from a worker. */
static void
run_on_record(const struct chan_record *rec, void *data)
{
	struct run_slot *sl = data;
	size_t i;

	switch (rec->type) {
	case CHAN_START:
		if (rec->host[0] != '\0' && sl->host[0] == '\0')
			snprintf(sl->host, sizeof sl->host, "%s", rec->host);
		break;
	case CHAN_METRIC:
		for (i = 0; i < sl->nmetrics; i++) {
			if (strcmp(sl->metrics[i].name, rec->name) == 0)
				break;
		}
		if (i == sl->nmetrics) {
			if (sl->nmetrics == RUN_MAX_METRICS) {
				sl->dropped_metrics++;
				return;
			}
			sl->metrics[i].name = xstrdup(rec->name);
			sl->nmetrics++;
		}
		sl->metrics[i].value = rec->value;
		sl->metrics[i].timing = rec->timing;
		break;
	case CHAN_SAMPLE:
		/* the sampler of profiles/ stores these; counted here */
		sl->nsamples++;
		break;
	case CHAN_END:
		sl->have_end = 1;
		snprintf(sl->end_status, sizeof sl->end_status, "%s",
		    rec->status);
		free(sl->end_error);
		sl->end_error = rec->text[0] != '\0' ? xstrdup(rec->text) :
		    NULL;
		break;
	case CHAN_LOG:
		run_log(sl, "%s", rec->text);
		break;
	case CHAN_USAGE:
		sl->have_usage = 1;
		sl->usage_user_s = isnan(rec->cpu_user_s) ? 0 : rec->cpu_user_s;
		sl->usage_sys_s = isnan(rec->cpu_sys_s) ? 0 : rec->cpu_sys_s;
		sl->usage_maxrss_kb = isnan(rec->maxrss_kb) ? 0 :
		    (long)rec->maxrss_kb;
		break;
	}
}

/* A bad record arrived from a worker. */
static void
run_on_proto_error(const char *reason, void *data)
{
	struct run_slot *sl = data;

	sl->nproto++;
	if (sl->proto_error == NULL)
		sl->proto_error = xstrdup(reason);
	if (sl->nproto <= 5)
		run_log(sl, "bad status record ignored: %s", reason);
}

/* Build argv for a unit. Returns a NULL-terminated array; strings in
   *owned are freed by run_argv_free. */
static char **
run_argv(struct run_state *rs, const struct job_unit *u,
    const struct job_testcase *tc, const char *work)
{
	char **argv;
	size_t i, n;

	if (tc->runner == JOB_RUNNER_COMMAND) {
		for (n = 0; tc->argv[n] != NULL; n++)
			;
		argv = xcalloc(n + 1, sizeof *argv);
		for (i = 0; i < n; i++)
			argv[i] = xstrdup(tc->argv[i]);
		return argv;
	}
	argv = xcalloc(26, sizeof *argv);
	n = 0;
	argv[n++] = xstrdup(rs->cfg->self_exe);
	argv[n++] = xstrdup("worker");
	argv[n++] = xstrdup("--url");
	argv[n++] = tc->runner == JOB_RUNNER_BUILTIN ?
	    xasprintf("builtin:%s", tc->url) : xstrdup(tc->url);
	argv[n++] = xstrdup("--testcase");
	argv[n++] = xstrdup(tc->name);
	argv[n++] = xstrdup("--unit");
	argv[n++] = xstrdup(u->id);
	argv[n++] = xstrdup("--params");
	argv[n++] = run_params_text(tc);
	argv[n++] = xstrdup("--seed");
	argv[n++] = xasprintf("%" PRIu64, u->seed);
	argv[n++] = xstrdup("--part");
	argv[n++] = xasprintf("%u", u->part);
	argv[n++] = xstrdup("--nparts");
	argv[n++] = xasprintf("%u", u->nparts);
	argv[n++] = xstrdup("--rep");
	argv[n++] = xasprintf("%u", u->rep);
	argv[n++] = xstrdup("--workspace");
	argv[n++] = xstrdup(work);
	argv[n++] = xstrdup("--paradigm");
	argv[n++] = xstrdup(tc->paradigm);
	argv[n++] = xstrdup("--paradigm-config");
	argv[n++] = json_dumps(job_testenv(rs->job), JSON_COMPACT);
	argv[n] = NULL;
	return argv;
}

/* Free a NULL-terminated string array. */
static void
run_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* The environment of a unit: bench's, less BENCH_*, plus the unit's. */
static char **
run_env(struct run_state *rs, const struct run_slot *sl,
    const struct job_unit *u, const struct job_testcase *tc,
    const char *work, char ***owned)
{
	char **env, **own;
	size_t i, n, k = 0;
	unsigned threads = sl->need.cpus;

	if (threads == 0 && rs->cfg->parallel)
		threads = rs->ncores / (unsigned)(rs->pool > 0 ? rs->pool : 1);
	if (rs->cfg->parallel && threads == 0)
		threads = 1;

	own = xcalloc(16, sizeof *own);
	own[k++] = xasprintf("BENCH_STATUS_FD=%d", RUN_STATUS_FD);
	own[k++] = xasprintf("BENCH_UNIT=%s", u->id);
	own[k++] = xasprintf("BENCH_SEED=%" PRIu64, u->seed);
	own[k++] = xasprintf("BENCH_PART=%u", u->part);
	own[k++] = xasprintf("BENCH_NPARTS=%u", u->nparts);
	own[k++] = xasprintf("BENCH_REP=%u", u->rep);
	own[k++] = xasprintf("BENCH_TESTCASE=%s", tc->name);
	own[k++] = xasprintf("BENCH_WORKSPACE=%s", work);
	own[k++] = xasprintf("BENCH_RUN=%" PRId64, rs->run_id);
	if (sl->ngpu > 0) {
		char *list = NULL, *more;
		unsigned g;

		for (g = 0; g < sl->ngpu; g++) {
			more = xasprintf("%s%s%s", list ? list : "",
			    list ? "," : "", gpus_get(rs->gpus,
			    (size_t)sl->gpu[g])->uuid);
			free(list);
			list = more;
		}
		own[k++] = xasprintf("CUDA_VISIBLE_DEVICES=%s", list);
		free(list);
	}
	if (threads > 0) {
		/* so workers do not oversubscribe the cores */
		if (getenv("OMP_NUM_THREADS") == NULL)
			own[k++] = xasprintf("OMP_NUM_THREADS=%u", threads);
		if (getenv("MKL_NUM_THREADS") == NULL)
			own[k++] = xasprintf("MKL_NUM_THREADS=%u", threads);
		if (getenv("OPENBLAS_NUM_THREADS") == NULL)
			own[k++] = xasprintf("OPENBLAS_NUM_THREADS=%u",
			    threads);
	}
	own[k] = NULL;
	env = xcalloc(rs->nbase_env + k + 1, sizeof *env);
	for (i = 0, n = 0; i < rs->nbase_env; i++) {
		if (sl->ngpu > 0 && strncmp(rs->base_env[i],
		    "CUDA_VISIBLE_DEVICES=", 21) == 0)
			continue;
		env[n++] = rs->base_env[i];
	}
	for (i = 0; i < k; i++)
		env[n++] = own[i];
	env[n] = NULL;
	*owned = own;
	return env;
}


/* An event: a row in the database and a line on the terminal. u is a job
   unit index, or SIZE_MAX for the run. */
static void
run_event(struct run_state *rs, size_t u, const char *kind,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void
run_event(struct run_state *rs, size_t u, const char *kind,
    const char *fmt, ...)
{
	char *msg, *cause = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (rs->cfg->term != NULL)
		term_message(rs->cfg->term, "bench: %s", msg);
	else
		fprintf(stderr, "bench: %s\n", msg);
	if (run_tx(rs) != 0 || store_event_add(rs->st, rs->run_id,
	    u == SIZE_MAX ? -1 : rs->unit_ids[u], run_walltime(), kind, msg,
	    &cause) != 0)
		free(cause);
	free(msg);
}

/* MiB, rounded up, with 10% headroom, of a peak in KiB. */
static uint64_t
run_mib_headroom(double kib)
{
	return kib > 0 ? (uint64_t)ceil(kib * 1.1 / 1024.0) : 0;
}

/* What unit i needs: declared resources, else its test case's profile. */
static void
run_need(struct run_state *rs, size_t i, struct run_need *need)
{
	const struct job_settings *js = job_settings(rs->job);
	size_t tci = job_unit(rs->job, i)->testcase;

	memset(need, 0, sizeof *need);
	need->cap_mb = js->ram_mb;
	need->ram_mb = js->ram_mb > 0 ? js->ram_mb :
	    run_mib_headroom((double)rs->tc_peak_kb[tci]);
	need->vram_mb = js->vram_mb > 0 ? js->vram_mb :
	    (isnan(rs->tc_peak_vram[tci]) ? 0 :
	    run_mib_headroom(rs->tc_peak_vram[tci] * 1024.0));
	need->gpus = js->gpus > 0 ? (unsigned)js->gpus : 0;
	need->cpus = js->cpus > 0 ? (unsigned)js->cpus : 0;
}

/* Whether a GPU can take one more unit needing vram MiB. */
static int
run_gpu_free(struct run_state *rs, size_t g, uint64_t vram)
{
	if (vram == 0)
		return rs->gpu_units[g] == 0;	/* unknown need: exclusive */
	return rs->gpu_used_mb[g] + vram <= rs->gpu_budget_mb[g];
}

/* Whether need can never fit this machine, even alone. */
static int
run_never_fits(struct run_state *rs, const struct run_need *need)
{
	size_t g, ok = 0;

	if (need->ram_mb > rs->ram_budget_mb || need->cpus > rs->ncores ||
	    need->gpus > rs->ngpus)
		return 1;
	for (g = 0; g < rs->ngpus; g++)
		ok += need->vram_mb <= rs->gpu_budget_mb[g];
	return need->gpus > 0 && ok < need->gpus;
}

/* Whether need fits what is free now. */
static int
run_fits(struct run_state *rs, const struct run_need *need)
{
	unsigned c, freec = 0;
	size_t g, freeg = 0;

	if (need->ram_mb > 0 && rs->ram_used_mb + need->ram_mb >
	    rs->ram_budget_mb)
		return 0;
	for (c = 0; c < rs->ncores && freec < need->cpus; c++)
		freec += !rs->core_used[c];
	if (freec < need->cpus)
		return 0;
	for (g = 0; g < rs->ngpus && freeg < need->gpus; g++)
		freeg += run_gpu_free(rs, g, need->vram_mb);
	return freeg >= need->gpus;
}

/* Take the resources of need for slot sl: RAM, cores, GPUs. */
static void
run_take(struct run_state *rs, struct run_slot *sl)
{
	unsigned c;
	size_t g, best;

	rs->ram_used_mb += sl->need.ram_mb;
	for (c = 0; c < rs->ncores && sl->ncore < sl->need.cpus &&
	    sl->ncore < 64; c++) {
		if (!rs->core_used[c]) {
			rs->core_used[c] = 1;
			sl->core[sl->ncore++] = c;
		}
	}
	while (sl->ngpu < sl->need.gpus && sl->ngpu < BUDGET_MAX_GPUS) {
		/* the GPU with the most free budget that takes it */
		best = SIZE_MAX;
		for (g = 0; g < rs->ngpus; g++) {
			size_t k;
			int held = 0;

			for (k = 0; k < sl->ngpu; k++)
				held |= sl->gpu[k] == (int)g;
			if (held || !run_gpu_free(rs, g, sl->need.vram_mb))
				continue;
			if (best == SIZE_MAX || rs->gpu_budget_mb[g] -
			    rs->gpu_used_mb[g] > rs->gpu_budget_mb[best] -
			    rs->gpu_used_mb[best])
				best = g;
		}
		if (best == SIZE_MAX)
			break;		/* runs alone: it never fits */
		rs->gpu_used_mb[best] += sl->need.vram_mb;
		rs->gpu_units[best]++;
		sl->gpu[sl->ngpu++] = (int)best;
	}
}

/* Give back what run_take took. */
static void
run_give(struct run_state *rs, struct run_slot *sl)
{
	unsigned k;

	rs->ram_used_mb -= sl->need.ram_mb < rs->ram_used_mb ?
	    sl->need.ram_mb : rs->ram_used_mb;
	for (k = 0; k < sl->ncore; k++)
		rs->core_used[sl->core[k]] = 0;
	for (k = 0; k < sl->ngpu; k++) {
		rs->gpu_used_mb[sl->gpu[k]] -= sl->need.vram_mb;
		rs->gpu_units[sl->gpu[k]]--;
	}
	sl->ncore = sl->ngpu = 0;
}

/*
 * The next unit to start, or -1 (*next_ready: the earliest time a unit in
 * backoff becomes ready, 0 none). Units go in start order (longest stored
 * wall time first); when the head does not fit, smaller units behind it
 * may start, but at most `pool` times in a row, so the head is not starved.
 */
static ssize_t
run_pick(struct run_state *rs, double now, double *next_ready)
{
	struct run_need need;
	ssize_t head = -1;
	size_t k, i;

	*next_ready = 0;
	for (k = 0; k < rs->norder; k++) {
		i = rs->order[k];
		if (rs->ustate[i] != 0)
			continue;
		if (rs->profiling && job_unit(rs->job, i)->index !=
		    job_testcase(rs->job,
		    job_unit(rs->job, i)->testcase)->first_unit)
			continue;
		if (rs->profiling && rs->tc_peak_kb[job_unit(rs->job,
		    i)->testcase] > 0)
			continue;
		if (rs->ready_at[i] > now) {
			if (*next_ready == 0 || rs->ready_at[i] < *next_ready)
				*next_ready = rs->ready_at[i];
			continue;
		}
		run_need(rs, i, &need);
		if (rs->slurm || run_fits(rs, &need) ||
		    (rs->running == 0 && run_never_fits(rs, &need))) {
			if (head >= 0)
				rs->head_skips++;
			else
				rs->head_skips = 0;
			return (ssize_t)i;
		}
		if (head < 0) {
			head = (ssize_t)i;
			if (rs->head_skips >= (size_t)(rs->pool > 1 ?
			    rs->pool : 1))
				return -1;	/* hold the place for the head */
		}
	}
	return -1;
}

/* Set the pool from the profiles: DESIGN.md's safe worker count. */
static void
run_size_pool(struct run_state *rs)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result out;
	long long freemb[BUDGET_MAX_GPUS];
	size_t t, g;
	char *cause = NULL;

	in.cores = hwinfo_cores();
	in.mem_available_kb = hwinfo_mem_available_kb();
	for (g = 0; g < rs->ngpus; g++)
		freemb[g] = (long long)gpus_get(rs->gpus, g)->free_mb;
	in.gpu_free_mb = freemb;
	in.ngpus = rs->ngpus;
	for (t = 0; t < job_ntestcases(rs->job); t++) {
		if (rs->tc_peak_kb[t] > in.peak_rss_kb)
			in.peak_rss_kb = rs->tc_peak_kb[t];
		if (!isnan(rs->tc_peak_vram[t]) &&
		    (long long)ceil(rs->tc_peak_vram[t]) > in.peak_vram_mb)
			in.peak_vram_mb = (long long)ceil(rs->tc_peak_vram[t]);
	}
	in.nunits = rs->queued + (size_t)rs->running;
	safe_workers(&in, &out);
	rs->pool = (int)out.workers < rs->nslots ? (int)out.workers :
	    rs->nslots;
	run_event(rs, SIZE_MAX, "workers", "%s%s", out.line,
	    rs->pool < (int)out.workers ? " (capped by the slots)" : "");
	if (run_tx(rs) == 0 && store_run_set_workers(rs->st, rs->run_id,
	    rs->pool, &cause) != 0)
		free(cause);
}

/* Kill every child of bench that is not a running unit's leader: what
   units left behind and the subreaper inherited. */
static void
run_kill_orphans(struct run_state *rs)
{
	char path[64], buf[512], *p;
	struct dirent *de;
	pid_t pid, self = getpid();
	long ppid;
	DIR *d;
	int fd, k, mine;
	ssize_t n;

	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* pid (comm) state ppid ...: comm may hold anything */
		if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
			continue;
		if (sscanf(p + 2, "%*c %ld", &ppid) != 1 || ppid != self)
			continue;
		for (mine = 0, k = 0; k < rs->nslots; k++) {
			if (rs->slots[k].busy && !rs->slots[k].reaped &&
			    rs->slots[k].pid == pid)
				mine = 1;
		}
		if (mine)
			continue;
		if (getpgid(pid) == pid)
			killpg(pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	closedir(d);
}

/* Sample one running unit's process group. */
static void
run_sample(struct run_state *rs, struct run_slot *sl, double now)
{
	struct procstat_sample ps;
	struct nvml_device_info di;
	pid_t pids[RUN_MAX_PIDS];
	double vram = NAN, util = NAN, mb;
	char *cause = NULL;
	size_t n;

	if (sl->reaped || sl->pid <= 0 || rs->slurm)
		return;		/* Slurm: srun's group is not the unit */
	if (sl->ps == NULL && (sl->ps = procstat_new(sl->pid, &cause)) ==
	    NULL) {
		free(cause);
		return;
	}
	if (procstat_sample(sl->ps, now, &ps, &cause) != 0) {
		free(cause);
		return;
	}
	if (ps.rss_kb > sl->peak_rss_kb)
		sl->peak_rss_kb = ps.rss_kb;
	if (rs->nvml != NULL) {
		n = procstat_pids(sl->ps, pids, RUN_MAX_PIDS);
		if (n > 0 && nvml_process_vram_mb(rs->nvml, pids, n, &mb) == 0)
			vram = mb;
		if (sl->ngpu > 0 && nvml_device(rs->nvml, gpus_get(rs->gpus,
		    (size_t)sl->gpu[0])->nvml_index, &di) == 0 &&
		    di.util_gpu >= 0)
			util = di.util_gpu;
		if (!isnan(vram) && (isnan(sl->peak_vram_mb) ||
		    vram > sl->peak_vram_mb))
			sl->peak_vram_mb = vram;
	}
	if (sl->nsamples >= RUN_MAX_SAMPLES)
		return;
	sl->nsamples++;
	if (run_tx(rs) != 0 || store_sample_add(rs->st,
	    rs->unit_ids[sl->unit], now - sl->start_mono, ps.rss_kb,
	    ps.cpu_pct, vram, util, &cause) != 0)
		free(cause);
}

/* Memory pressure: stop admitting under 10% MemAvailable, kill the
   youngest unit under 5% (it is requeued). */
static void
run_pressure(struct run_state *rs)
{
	long avail = hwinfo_mem_available_kb();
	struct run_slot *young = NULL;
	double frac;
	int k;

	if (avail < 0 || rs->mem_total_kb <= 0 || rs->slurm)
		return;
	frac = (double)avail / (double)rs->mem_total_kb;
	/* a GPU over 90% (95%) used counts as 10% (5%) left */
	if (rs->nvml != NULL) {
		struct nvml_device_info di;
		size_t g;
		double left;

		for (g = 0; g < rs->ngpus; g++) {
			if (nvml_device(rs->nvml, gpus_get(rs->gpus,
			    g)->nvml_index, &di) != 0 ||
			    di.memory_total_mb == 0)
				continue;
			left = (double)di.memory_free_mb /
			    (double)di.memory_total_mb;
			if (left < frac)
				frac = left;
		}
	}
	if (frac < RUN_PRESSURE_STOP && !rs->paused) {
		rs->paused = 1;
		run_event(rs, SIZE_MAX, "pressure", "memory left %.1f%% (RAM "
		    "or a GPU; < %.0f%%): no new unit starts", frac * 100,
		    RUN_PRESSURE_STOP * 100);
	} else if (frac >= RUN_PRESSURE_STOP && rs->paused) {
		rs->paused = 0;
		run_event(rs, SIZE_MAX, "pressure", "memory left back at "
		    "%.1f%%: units start again", frac * 100);
	}
	if (frac >= RUN_PRESSURE_KILL || rs->running < 2)
		return;
	for (k = 0; k < rs->nslots; k++) {
		struct run_slot *sl = &rs->slots[k];

		if (sl->busy && !sl->reaped && !sl->evicted &&
		    (young == NULL || sl->start_mono > young->start_mono))
			young = sl;
	}
	if (young == NULL)
		return;
	young->evicted = 1;
	run_kill(young, SIGKILL);
	run_event(rs, young->unit, "evict", "memory left %.1f%% (RAM or a "
	    "GPU; < %.0f%%): killed the youngest unit, %s, to requeue it",
	    frac * 100, RUN_PRESSURE_KILL * 100,
	    job_unit(rs->job, young->unit)->id);
}

/* Classify and record the end of the unit in slot sl, then free the slot. */
static int run_finish(struct run_state *rs, struct run_slot *sl);

/* Start unit i in the free slot sl. A unit that cannot start ends
   'failed' at once; only environment errors return -1. */
static int
run_start(struct run_state *rs, int slot, size_t i)
{
	struct run_slot *sl = &rs->slots[slot];
	const struct job_unit *u = job_unit(rs->job, i);
	const struct job_testcase *tc = job_testcase(rs->job, u->testcase);
	struct launch_unit so = LAUNCH_UNIT_INIT;
	struct budget_need bn;
	char *work, **argv, **env, **owned, *cause = NULL, *why = NULL;
	char name[96];
	cpu_set_t cpus;
	int pfd[2], ofd[2], rc, k, cgfd = -1;
	int64_t bid = 0;
	unsigned c;

	run_slot_clear(sl);
	sl->rs = rs;
	run_need(rs, i, &sl->need);
	/* Slurm: the cluster holds the resources; this host gives none */
	if (!rs->slurm)
		run_take(rs, sl);
	/*
	 * The host budget, shared with other bench processes. A unit needing
	 * less than RUN_BUDGET_MIN_MB and no cores or GPUs is not reserved:
	 * a reservation is a locked file rewrite, too dear per tiny unit.
	 */
	if (!rs->slurm && (sl->need.ram_mb >= RUN_BUDGET_MIN_MB ||
	    sl->need.cpus > 0 || sl->ngpu > 0)) {
		memset(&bn, 0, sizeof bn);
		bn.ram_mb = sl->need.ram_mb;
		bn.cpus = sl->ncore;
		bn.ngpus = sl->ngpu;
		for (c = 0; c < sl->ngpu; c++) {
			bn.gpus[c] = (unsigned)sl->gpu[c];
			bn.vram_mb[c] = sl->need.vram_mb;
		}
		rc = budget_reserve(&rs->totals, &bn, &bid, &why, &cause);
		if (rc == 1) {
			if (!rs->budget_wait)
				run_event(rs, i, "budget", "%s waits: %s "
				    "(other bench processes hold the host "
				    "budget %s)", u->id, why, budget_path());
			rs->budget_wait = 1;
			free(why);
			run_give(rs, sl);
			run_slot_clear(sl);
			return 1;
		}
		if (rc < 0) {
			/* larger than the host: it runs alone, unreserved */
			free(cause);
			cause = NULL;
		}
		free(why);
		why = NULL;
	}
	rs->budget_wait = 0;
	sl->budget_id = bid;
	sl->attempt = ++rs->attempts[i];
	sl->peak_vram_mb = NAN;
	sl->busy = 1;
	sl->unit = i;
	sl->start_mono = run_monotonic();
	sl->start_wall = run_walltime();
	sl->next_sample = rs->cfg->sample_s > 0 ? sl->start_mono +
	    rs->cfg->sample_s : 0;
	rs->ustate[i] = 1;
	rs->queued--;
	rs->running++;
	/* the memory cap: a cgroup per unit, else RLIMIT_AS (Slurm: --mem) */
	if (sl->need.cap_mb > 0 && !rs->slurm) {
		snprintf(name, sizeof name, "%s-a%d", u->id, sl->attempt);
		if (rs->cgroups && cgroup_create(name, sl->need.cap_mb << 20,
		    &sl->cg, &cause) == 0) {
			cgfd = cgroup_procs_fd(sl->cg);
		} else {
			if (cause != NULL)
				run_log(sl, "no memory cgroup (%s): capping "
				    "the address space instead", cause);
			free(cause);
			cause = NULL;
			sl->rlimited = 1;
			so.rlimit_as = (unsigned long long)sl->need.cap_mb << 20;
		}
	}
	if (sl->ncore > 0 && !rs->slurm) {
		CPU_ZERO(&cpus);
		for (c = 0; c < sl->ncore; c++)
			hwinfo_core_cpuset(sl->core[c], &cpus);
		if (CPU_COUNT(&cpus) > 0)
			so.affinity = &cpus;
	}
	so.cgroup_fd = cgfd;
	for (k = 0; k < rs->nslots; k++) {
		if (rs->slots[k].busy &&
		    rs->slots[k].co_running < rs->running - 1)
			rs->slots[k].co_running = rs->running - 1;
	}

	/*
	 * A built-in or plugin unit gets work/UNIT, made by `bench worker`
	 * itself; a command shares the run's work/ (creating a directory per
	 * unit here would serialise thousands of mkdirs in the controller).
	 */
	work = tc->runner == JOB_RUNNER_COMMAND ? xstrdup(rs->work_dir) :
	    xasprintf("%s/%s", rs->work_dir, u->id);
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		free(work);
		return err_errno(&rs->cause, "pipe");
	}
	if (pipe2(ofd, O_CLOEXEC) != 0) {
		close(pfd[0]);
		close(pfd[1]);
		free(work);
		return err_errno(&rs->cause, "pipe");
	}
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	fcntl(ofd[0], F_SETFL, O_NONBLOCK);
	sl->fd = pfd[0];
	sl->out_fd = ofd[0];
	sl->chan = chan_new(run_on_record, run_on_proto_error, sl);

	argv = run_argv(rs, u, tc, work);
	env = run_env(rs, sl, u, tc, work, &owned);
	so.unit_id = u->id;
	so.argv = argv;
	so.command = tc->runner == JOB_RUNNER_COMMAND;
	so.envp = env;
	so.out_fd = ofd[1];
	so.status_fd = pfd[1];
	so.child_status_fd = RUN_STATUS_FD;
	so.cpus = (int)sl->need.cpus;
	so.mem_mb = sl->need.cap_mb;
	so.gpus = (int)sl->need.gpus;
	so.timeout_s = rs->cfg->timeout_s;
	rc = launch_start(rs->launcher, &so, &sl->pid, &cause);
	close(pfd[1]);
	close(ofd[1]);
	run_strv_free(argv);
	run_strv_free(owned);
	free(env);
	free(work);

	if (rc != 0) {
		/* not a bench failure: the unit could not start */
		run_log(sl, "%s", cause);
		sl->reaped = 1;
		sl->wstatus = 127 << 8;
		sl->end_error = cause;
		sl->have_end = 1;
		snprintf(sl->end_status, sizeof sl->end_status, "failed");
		close(sl->fd);
		close(sl->out_fd);
		sl->fd = sl->out_fd = -1;
		return run_finish(rs, sl);
	}
	if (rs->cfg->timeout_s > 0)
		sl->deadline = sl->start_mono + rs->cfg->timeout_s;
	if (run_tx(rs) != 0 ||
	    store_unit_start(rs->st, rs->unit_ids[i], sl->attempt, slot,
	    sl->pid, sl->start_wall, &cause) != 0)
		return run_env_error(rs, cause);
	return 0;
}

/* A problem with a whole test case: an event in the database and a line
   on the terminal. */
static void
run_log_testcase(struct run_state *rs, const struct job_testcase *tc,
    const char *msg)
{
	char *cause = NULL;

	if (rs->cfg->term != NULL)
		term_message(rs->cfg->term, "bench: %s: %s", tc->name, msg);
	else
		fprintf(stderr, "bench: %s: %s\n", tc->name, msg);
	if (run_tx(rs) != 0 || store_event_add(rs->st, rs->run_id, -1,
	    run_walltime(), "merge", msg, &cause) != 0)
		free(cause);
}

/* What a test case's merge() sees: the units of one repetition. */
struct run_merge {
	struct run_state	*rs;
	size_t			*units;		/* job unit indices, part order */
	json_t			*out;		/* name -> [value, timing] */
	char			*error;
};

/* bench_merge_ctx.unit_metric */
static int
run_merge_unit_metric(struct bench_merge_ctx *ctx, size_t i,
    const char *name, double *out)
{
	struct run_merge *mg = ctx->bench_private;
	json_t *v;

	if (i >= ctx->nunits)
		return -1;
	v = json_object_get(mg->rs->unit_metrics[mg->units[i]], name);
	if (v == NULL)
		return -1;
	*out = json_real_value(json_array_get(v, 0));
	return 0;
}

/* bench_merge_ctx.report */
static void
run_merge_report(struct bench_merge_ctx *ctx, const char *name, double value,
    int timing)
{
	struct run_merge *mg = ctx->bench_private;

	if (name == NULL || *name == '\0' || !isfinite(value)) {
		if (mg->error == NULL)
			mg->error = xasprintf("merge reported a bad metric "
			    "'%s'", name != NULL ? name : "");
		return;
	}
	json_object_set_new(mg->out, name, json_pack("[f,b]", value, timing));
}

/* bench_merge_ctx.fail */
static void
run_merge_fail(struct bench_merge_ctx *ctx, const char *fmt, ...)
{
	struct run_merge *mg = ctx->bench_private;
	va_list ap;

	if (mg->error != NULL)
		return;
	va_start(ap, fmt);
	mg->error = xvasprintf(fmt, ap);
	va_end(ap);
}

/* The mean of each metric every object of objs has; timing OR'd. */
static json_t *
run_mean(json_t *const *objs, size_t n)
{
	json_t *out = json_object(), *m, *v;
	const char *name;
	double sum;
	int timing;
	size_t i;

	if (n == 0)
		return out;
	json_object_foreach(objs[0], name, m) {
		sum = 0;
		timing = 0;
		for (i = 0; i < n; i++) {
			v = json_object_get(objs[i], name);
			if (v == NULL)
				break;
			sum += json_real_value(json_array_get(v, 0));
			timing |= json_is_true(json_array_get(v, 1));
		}
		if (i < n)
			continue;	/* not reported by every one */
		json_object_set_new(out, name, json_pack("[f,b]",
		    n == 1 ? sum : sum / (double)n, timing));
	}
	return out;
}

/*
 * Merge the metrics of a finished test case into testcase_metrics, only
 * when every unit ended ok. Per repetition, the partitions of the data
 * (jointinference) are merged by the test case's merge() when it has one
 * (exact: sums of counts, then the metric), else by their mean; the
 * repetitions are then averaged. Units are taken in unit order, so the
 * result does not depend on the order they finished in.
 */
static int
run_merge_testcase(struct run_state *rs, size_t tci)
{
	const struct job_testcase *tc = job_testcase(rs->job, tci);
	const struct job_unit *u0 = job_unit(rs->job, tc->first_unit);
	const struct bench_testcase *desc = NULL;
	struct bench_merge_ctx mctx;
	struct run_merge mg;
	json_t **reps, **parts, *res, *m;
	unsigned nparts = u0->nparts, nreps, r;
	void *handle = NULL;
	const char *name;
	char *cause = NULL, *url;
	size_t i, k;
	int rc = 0;

	if (rs->tc_bad[tci])
		goto free;
	nreps = (unsigned)(tc->nunits / nparts);
	if (nparts > 1 && tc->runner != JOB_RUNNER_COMMAND) {
		url = tc->runner == JOB_RUNNER_BUILTIN ?
		    xasprintf("builtin:%s", tc->url) : xstrdup(tc->url);
		if (testcase_open(url, &desc, &handle, &cause) != 0) {
			/* the units ran it: this should not happen */
			run_log_testcase(rs, tc, cause);
			free(cause);
			cause = NULL;
			desc = NULL;
		}
		free(url);
	}
	reps = xcalloc(nreps, sizeof *reps);
	parts = xcalloc(nparts, sizeof *parts);
	mg.units = xcalloc(nparts, sizeof *mg.units);
	for (r = 0; r < nreps; r++) {
		for (k = 0, i = 0; i < tc->nunits; i++) {
			const struct job_unit *u = job_unit(rs->job,
			    tc->first_unit + i);

			if (u->rep == r && k < nparts) {
				mg.units[k] = u->index;
				parts[k++] = rs->unit_metrics[u->index];
			}
		}
		if (desc != NULL && desc->merge != NULL) {
			memset(&mctx, 0, sizeof mctx);
			mg.rs = rs;
			mg.out = json_object();
			mg.error = NULL;
			mctx.abi_version = BENCH_TESTCASE_ABI_VERSION;
			mctx.testcase = tc->name;
			mctx.nunits = k;
			mctx.unit_metric = run_merge_unit_metric;
			mctx.report = run_merge_report;
			mctx.fail = run_merge_fail;
			mctx.bench_private = &mg;
			if (desc->merge(&mctx) != BENCH_OK || mg.error != NULL) {
				cause = xasprintf("merge of test case '%s' "
				    "failed: %s", tc->name, mg.error != NULL ?
				    mg.error : "no reason given");
				run_log_testcase(rs, tc, cause);
				free(cause);
				cause = NULL;
				json_decref(mg.out);
				mg.out = json_object();
			}
			free(mg.error);
			reps[r] = mg.out;
		} else
			reps[r] = run_mean(parts, k);
	}
	res = run_mean(reps, nreps);
	json_object_foreach(res, name, m) {
		if (run_tx(rs) != 0 ||
		    store_testcase_metric_set(rs->st, rs->run_id, tc->name,
		    name, json_real_value(json_array_get(m, 0)),
		    json_is_true(json_array_get(m, 1)), &cause) != 0) {
			rc = cause != NULL ? run_env_error(rs, cause) : -1;
			break;
		}
	}
	json_decref(res);
	for (r = 0; r < nreps; r++)
		json_decref(reps[r]);
	free(reps);
	free(parts);
	free(mg.units);
	testcase_close(handle);
free:
	for (i = 0; i < tc->nunits; i++) {
		json_decref(rs->unit_metrics[tc->first_unit + i]);
		rs->unit_metrics[tc->first_unit + i] = NULL;
	}
	return rc;
}

/* Keep a finished unit's metrics until its test case is complete. */
static void
run_keep_metrics(struct run_state *rs, struct run_slot *sl)
{
	json_t *obj = json_object();
	size_t i;

	for (i = 0; i < sl->nmetrics; i++)
		json_object_set_new(obj, sl->metrics[i].name,
		    json_pack("[f,b]", sl->metrics[i].value,
		    sl->metrics[i].timing));
	json_decref(rs->unit_metrics[sl->unit]);
	rs->unit_metrics[sl->unit] = obj;
}

/* Classify and record the end of a unit; frees the slot. */
static int
run_finish(struct run_state *rs, struct run_slot *sl)
{
	const struct job_unit *u = job_unit(rs->job, sl->unit);
	const struct job_testcase *tc = job_testcase(rs->job, u->testcase);
	struct store_unit_end end;
	struct store_profile prof;
	const char *status = "ok";
	char *error = NULL, *cause = NULL, *extra, *oom = NULL;
	struct launch_end le;
	int st, sig = 0, code = -1, rc = 0, retry = 0, slurm_retry = 0;
	double backoff = 0;
	size_t i;

	/* Slurm: an end of srun's own (node failure, preemption, no
	   allocation...) or the unit's status as if it had run here */
	launch_end(rs->launcher, sl->wstatus, sl->tail, &le);
	st = le.wstatus;
	if (WIFEXITED(st))
		code = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		sig = WTERMSIG(st);

	/* memory evidence: the cgroup's OOM kills and peak */
	if (sl->cg != NULL) {
		long long kills = cgroup_oom_kills(sl->cg, &cause);
		long long peak;

		free(cause);
		cause = NULL;
		peak = cgroup_peak_kb(sl->cg, &cause);
		free(cause);
		cause = NULL;
		if (peak > sl->peak_rss_kb)
			sl->peak_rss_kb = (long)peak;
		if (kills > 0)
			oom = xasprintf("killed by the OOM killer at its %llu "
			    "MiB memory cap (cgroup %s, peak %lld MiB)",
			    (unsigned long long)sl->need.cap_mb,
			    cgroup_kind(), peak / 1024);
		else if (sig == SIGKILL && !sl->timed_out &&
		    !sl->interrupted && !sl->evicted &&
		    (double)peak >= 0.95 * (double)(sl->need.cap_mb << 10))
			oom = xasprintf("SIGKILL at its %llu MiB memory cap",
			    (unsigned long long)sl->need.cap_mb);
	}
	if (oom == NULL && sl->have_end && sl->end_error != NULL &&
	    (strstr(sl->end_error, "ENOMEM") != NULL ||
	    strstr(sl->end_error, "out of memory") != NULL ||
	    strstr(sl->end_error, "Cannot allocate memory") != NULL) &&
	    (code != 0 || strcmp(sl->end_status, "failed") == 0 ||
	    strcmp(sl->end_status, "oom") == 0))
		oom = xstrdup(sl->end_error);
	if (oom == NULL && sl->have_end && strcmp(sl->end_status, "oom") == 0)
		oom = xstrdup(sl->end_error != NULL ? sl->end_error :
		    "out of memory (the unit said so)");

	if (sl->evicted) {
		status = "interrupted";
		error = xstrdup("killed by bench under memory pressure; "
		    "requeued");
	} else if (sl->interrupted) {
		status = "interrupted";
		error = xstrdup("bench was interrupted");
	} else if (oom != NULL) {
		status = "oom";
		error = xstrdup(oom);
	} else if (sl->timed_out) {
		status = "timeout";
		error = xasprintf("timed out after %gs%s", rs->cfg->timeout_s,
		    sl->kill_at == 0 && sig == SIGKILL ?
		    " (killed after ignoring SIGTERM)" : "");
	} else if (le.why == SLURM_END_TIMELIMIT) {
		status = "timeout";
		error = xstrdup(le.error);
	} else if (le.why != SLURM_END_UNIT) {
		status = "failed";
		error = xstrdup(le.error);
		slurm_retry = le.retryable;
	} else if (sig != 0) {
		status = "crashed";
		error = xasprintf("killed by signal %d (%s)%s", sig,
		    strsignal(sig), WCOREDUMP(st) ? ", core dumped" : "");
	} else if (code != 0) {
		status = "failed";
		if (!(sl->have_end && sl->end_error != NULL))
			error = xasprintf("exit status %d", code);
	} else if (sl->have_end && strcmp(sl->end_status, "failed") == 0) {
		status = "failed";
	} else if (sl->have_end && strcmp(sl->end_status, "skipped") == 0) {
		status = "skipped";
	}
	if (error == NULL && sl->end_error != NULL)
		error = xstrdup(sl->end_error);
	if (sl->pipe_held) {
		extra = xasprintf("%s%sstatus pipe held open by a leftover "
		    "process after the unit exited", error ? error : "",
		    error ? "; " : "");
		free(error);
		error = extra;
	}
	if (sl->nproto > 0) {
		extra = xasprintf("%s%s%zu bad status record%s ignored "
		    "(first: %s)", error ? error : "", error ? "; " : "",
		    sl->nproto, sl->nproto == 1 ? "" : "s", sl->proto_error);
		free(error);
		error = extra;
	}
	if (sl->dropped_metrics > 0) {
		extra = xasprintf("%s%smore than %d metrics: %zu dropped",
		    error ? error : "", error ? "; " : "", RUN_MAX_METRICS,
		    sl->dropped_metrics);
		free(error);
		error = extra;
	}
	if (strcmp(status, "ok") != 0)
		run_log(sl, "unit ended %s%s%s", status, error ? ": " : "",
		    error ? error : "");

	/* oom: halve the pool and, within `retries`, try again later;
	   evicted under pressure: requeue without counting an attempt */
	if (strcmp(status, "oom") == 0) {
		if (rs->pool > 1) {
			rs->pool /= 2;
			run_event(rs, sl->unit, "pool", "%s ended oom: %d "
			    "worker%s now", u->id, rs->pool,
			    rs->pool == 1 ? "" : "s");
		}
		rs->streak = 0;
		if (sl->attempt <= rs->cfg->retries &&
		    !rs->tot->was_interrupted) {
			retry = 1;
			backoff = RUN_BACKOFF_BASE *
			    pow(2, (double)(sl->attempt - 1));
			if (backoff > RUN_BACKOFF_MAX)
				backoff = RUN_BACKOFF_MAX;
			run_event(rs, sl->unit, "retry", "%s: attempt %d of "
			    "%d in %.1fs (%s)", u->id, sl->attempt + 1,
			    rs->cfg->retries + 1, backoff, error);
		}
	} else if (slurm_retry) {
		/* the launcher's fault, not the unit's: within `retries` */
		if (sl->attempt <= rs->cfg->retries &&
		    !rs->tot->was_interrupted) {
			retry = 1;
			backoff = RUN_BACKOFF_BASE *
			    pow(2, (double)(sl->attempt - 1));
			if (backoff > RUN_BACKOFF_MAX)
				backoff = RUN_BACKOFF_MAX;
			run_event(rs, sl->unit, "retry", "%s: attempt %d of "
			    "%d in %.1fs (%s)", u->id, sl->attempt + 1,
			    rs->cfg->retries + 1, backoff, error);
		}
	} else if (sl->evicted && !rs->tot->was_interrupted) {
		retry = 1;
		rs->attempts[sl->unit]--;
		backoff = RUN_BACKOFF_BASE;
	} else if (strcmp(status, "ok") == 0 && rs->pool < rs->nslots &&
	    !rs->profiling && ++rs->streak >= rs->pool) {
		rs->pool++;
		rs->streak = 0;
		run_event(rs, sl->unit, "pool", "%d units ok in a row: %d "
		    "workers now", rs->pool - 1, rs->pool);
	}

	if (rs->slurm && sl->have_usage) {
		/* srun's rusage is srun's: take the worker's own figures */
		sl->ru.ru_utime.tv_sec = (time_t)sl->usage_user_s;
		sl->ru.ru_utime.tv_usec = (suseconds_t)((sl->usage_user_s -
		    (double)sl->ru.ru_utime.tv_sec) * 1e6);
		sl->ru.ru_stime.tv_sec = (time_t)sl->usage_sys_s;
		sl->ru.ru_stime.tv_usec = (suseconds_t)((sl->usage_sys_s -
		    (double)sl->ru.ru_stime.tv_sec) * 1e6);
		sl->ru.ru_maxrss = sl->usage_maxrss_kb;
	}
	if (sl->peak_rss_kb > sl->ru.ru_maxrss)
		sl->ru.ru_maxrss = sl->peak_rss_kb;
	/* no NVML figure: the unit's own, from the CUDA runtime */
	for (i = 0; isnan(sl->peak_vram_mb) && i < sl->nmetrics; i++) {
		if (strcmp(sl->metrics[i].name, "vram_used_mb") == 0)
			sl->peak_vram_mb = sl->metrics[i].value;
	}
	memset(&end, 0, sizeof end);
	end.status = status;
	end.finished_at = run_walltime();
	end.wall_s = run_monotonic() - sl->start_mono;
	end.cpu_user_s = (double)sl->ru.ru_utime.tv_sec +
	    (double)sl->ru.ru_utime.tv_usec / 1e6;
	end.cpu_sys_s = (double)sl->ru.ru_stime.tv_sec +
	    (double)sl->ru.ru_stime.tv_usec / 1e6;
	end.maxrss_kb = sl->pid > 0 ? sl->ru.ru_maxrss : -1;
	end.vram_peak_mb = sl->peak_vram_mb;
	end.exit_code = code;
	end.signal = sig;
	end.co_running = sl->co_running;
	end.error = error;
	end.host = !rs->slurm ? rs->host : sl->host[0] != '\0' ? sl->host :
	    NULL;

	if (run_tx(rs) != 0)
		rc = -1;
	if (rc == 0 && store_unit_finish(rs->st, rs->unit_ids[sl->unit],
	    &end, &cause) != 0)
		rc = run_env_error(rs, cause);
	for (i = 0; rc == 0 && !retry && i < sl->nmetrics; i++) {
		if (store_metric_add(rs->st, rs->unit_ids[sl->unit],
		    sl->metrics[i].name, sl->metrics[i].value,
		    sl->metrics[i].timing, &cause) != 0)
			rc = run_env_error(rs, cause);
	}
	/* the profile of its test case, on this host (Slurm: srun's usage
	   is not the unit's) */
	if (rc == 0 && strcmp(status, "ok") == 0 && end.maxrss_kb > 0 &&
	    !rs->slurm) {
		prof.peak_rss_kb = end.maxrss_kb;
		prof.peak_vram_mb = end.vram_peak_mb;
		prof.wall_s = sl->co_running == 0 ? end.wall_s :
		    rs->tc_wall[u->testcase];
		prof.measured_at = end.finished_at;
		if (store_profile_put(rs->st, tc->key, rs->host, &prof,
		    &cause) != 0)
			rc = run_env_error(rs, cause);
		rs->tc_peak_kb[u->testcase] = end.maxrss_kb;
		if (!isnan(end.vram_peak_mb))
			rs->tc_peak_vram[u->testcase] = end.vram_peak_mb;
		if (!isnan(prof.wall_s))
			rs->tc_wall[u->testcase] = prof.wall_s;
	}

	/* Slurm: what may remain of a job srun did not end by itself */
	if (rs->slurm && sl->pid > 0 && (sl->timed_out || sl->interrupted ||
	    le.why != SLURM_END_UNIT || (WIFSIGNALED(sl->wstatus) &&
	    WTERMSIG(sl->wstatus) == SIGKILL))) {
		rs->ncancel++;
		if (launch_cancel(rs->launcher, u->id, &cause) != 0) {
			run_log(sl, "%s", cause);
			free(cause);
			cause = NULL;
		}
	}
	free(le.error);

	/* give back what it held */
	if (sl->cg != NULL && cgroup_destroy(sl->cg, &cause) != 0) {
		run_log(sl, "%s", cause);
		free(cause);
		cause = NULL;
	}
	sl->cg = NULL;
	if (sl->budget_id != 0 && budget_release(sl->budget_id, &cause) != 0) {
		free(cause);
		cause = NULL;
	}
	run_give(rs, sl);

	if (retry) {
		rs->ustate[sl->unit] = 0;
		rs->queued++;
		rs->ready_at[sl->unit] = run_monotonic() + backoff;
		free(error);
		free(oom);
		rs->running--;
		run_slot_clear(sl);
		return rc;
	}
	rs->ustate[sl->unit] = 2;
	if (strcmp(status, "ok") == 0)
		run_keep_metrics(rs, sl);
	else
		rs->tc_bad[u->testcase] = 1;
	if (strcmp(status, "ok") == 0)
		rs->tot->ok++;
	else if (strcmp(status, "skipped") == 0)
		rs->tot->skipped++;
	else if (strcmp(status, "failed") == 0)
		rs->tot->failed++;
	else if (strcmp(status, "crashed") == 0)
		rs->tot->crashed++;
	else if (strcmp(status, "timeout") == 0)
		rs->tot->timeout++;
	else if (strcmp(status, "oom") == 0)
		rs->tot->oom++;
	else
		rs->tot->interrupted++;
	if (rs->cfg->term != NULL)
		term_unit_done(rs->cfg->term, status, tc->name, u->id,
		    end.wall_s, error);
	free(error);
	free(oom);

	if (--rs->tc_left[u->testcase] == 0 && rc == 0 &&
	    !(rs->cfg->profile_only && tc->nunits > 1) &&
	    run_merge_testcase(rs, u->testcase) != 0)
		rc = -1;
	/* the profiling phase ends when every unprofiled test case has its
	   profile: size the pool from them */
	if (rs->profiling && rc == 0) {
		size_t t;

		for (t = 0; t < job_ntestcases(rs->job); t++) {
			const struct job_testcase *x = job_testcase(rs->job, t);

			if (rs->tc_peak_kb[t] == 0 &&
			    rs->ustate[x->first_unit] != 2)
				break;
		}
		if (t == job_ntestcases(rs->job)) {
			rs->profiling = 0;
			run_size_pool(rs);
		}
	}
	rs->running--;
	run_slot_clear(sl);
	return rc;
}

/* Read what a worker wrote; EOF closes the pipe. */
static void
run_read(struct run_slot *sl)
{
	char buf[16384];
	size_t budget = RUN_READ_BUDGET;
	ssize_t n;

	while (budget > 0) {
		n = read(sl->fd, buf, sizeof buf);
		if (n > 0) {
			chan_feed(sl->chan, buf, (size_t)n);
			budget -= (size_t)n < budget ? (size_t)n : budget;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		/* EOF or a real error: the stream is over */
		chan_eof(sl->chan);
		close(sl->fd);
		sl->fd = -1;
		return;
	}
}

/* Keep the last RUN_TAIL_MAX - 1 bytes of srun's stderr, NUL-terminated. */
static void
run_tail(struct run_slot *sl, const char *buf, size_t len)
{
	size_t keep = RUN_TAIL_MAX - 1, drop;

	if (len >= keep) {
		memcpy(sl->tail, buf + len - keep, keep);
		sl->tail_len = keep;
	} else {
		if (sl->tail_len + len > keep) {
			drop = sl->tail_len + len - keep;
			memmove(sl->tail, sl->tail + drop, sl->tail_len - drop);
			sl->tail_len -= drop;
		}
		memcpy(sl->tail + sl->tail_len, buf, len);
		sl->tail_len += len;
	}
	sl->tail[sl->tail_len] = '\0';
}

/* Move a unit's output to its log; EOF closes the pipe. */
static void
run_read_out(struct run_state *rs, struct run_slot *sl)
{
	char buf[65536];
	size_t budget = RUN_READ_BUDGET;
	ssize_t n;

	while (budget > 0) {
		n = read(sl->out_fd, buf, sizeof buf);
		if (n > 0) {
			run_log_write(rs, sl, buf, (size_t)n);
			if (rs->slurm)
				run_tail(sl, buf, (size_t)n);
			budget -= (size_t)n < budget ? (size_t)n : budget;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close(sl->out_fd);
		sl->out_fd = -1;
		return;
	}
}

/* Whether a slot still has a pipe open. */
static int
run_pipes_open(const struct run_slot *sl)
{
	return sl->fd >= 0 || sl->out_fd >= 0;
}

/* Signal a worker's whole process group. */
static void
run_kill(struct run_slot *sl, int sig)
{
	if (sl->pid > 0)
		killpg(sl->pid, sig);
}

/* Reap every exited child and dispatch by pid. */
static void
run_reap(struct run_state *rs)
{
	struct rusage ru;
	int status, k;
	pid_t pid;

	for (;;) {
		pid = wait4(-1, &status, WNOHANG, &ru);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		for (k = 0; k < rs->nslots; k++) {
			struct run_slot *sl = &rs->slots[k];

			if (!sl->busy || sl->pid != pid || sl->reaped)
				continue;
			sl->reaped = 1;
			sl->wstatus = status;
			sl->ru = ru;
			/* grandchildren left behind go with their group */
			killpg(pid, SIGKILL);
			if (run_pipes_open(sl))
				sl->eof_deadline = run_monotonic() +
				    RUN_EOF_GRACE;
			break;
		}
	}
}

/* Act on deadlines: timeouts, kill escalation, pipes held open. */
static void
run_deadlines(struct run_state *rs, double now)
{
	int k;

	for (k = 0; k < rs->nslots; k++) {
		struct run_slot *sl = &rs->slots[k];

		if (!sl->busy)
			continue;
		if (!sl->reaped && sl->deadline > 0 && now >= sl->deadline &&
		    !sl->timed_out && !sl->interrupted) {
			sl->timed_out = 1;
			run_log(sl, "timeout after %gs: SIGTERM to process "
			    "group %ld", rs->cfg->timeout_s, (long)sl->pid);
			run_kill(sl, SIGTERM);
			run_kill(sl, SIGCONT);
			sl->kill_at = now + rs->cfg->grace_s;
		}
		if (!sl->reaped && sl->kill_at > 0 && now >= sl->kill_at) {
			run_log(sl, "still running %gs after SIGTERM: SIGKILL",
			    rs->cfg->grace_s);
			run_kill(sl, SIGKILL);
			sl->kill_at = 0;
		}
		if (sl->reaped && run_pipes_open(sl) && sl->eof_deadline > 0 &&
		    now >= sl->eof_deadline) {
			if (sl->fd >= 0) {
				chan_eof(sl->chan);
				close(sl->fd);
				sl->fd = -1;
			}
			if (sl->out_fd >= 0) {
				close(sl->out_fd);
				sl->out_fd = -1;
			}
			sl->pipe_held = 1;
			/* whoever holds them escaped the group: find it */
			run_kill_orphans(rs);
		}
	}
}

/* The earliest deadline, or 0. */
static double
run_next_deadline(struct run_state *rs)
{
	double next = 0, d;
	int k;

	for (k = 0; k < rs->nslots; k++) {
		struct run_slot *sl = &rs->slots[k];

		if (!sl->busy)
			continue;
		d = 0;
		if (!sl->reaped && sl->kill_at > 0)
			d = sl->kill_at;
		else if (!sl->reaped && !sl->timed_out && sl->deadline > 0)
			d = sl->deadline;
		else if (sl->reaped && run_pipes_open(sl))
			d = sl->eof_deadline;
		if (d > 0 && (next == 0 || d < next))
			next = d;
	}
	return next;
}

/* First signal: stop starting units, TERM every group, KILL soon after.
   Second: KILL now. */
static void
run_interrupt(struct run_state *rs, int hard)
{
	double now = run_monotonic();
	int k;

	for (k = 0; k < rs->nslots; k++) {
		struct run_slot *sl = &rs->slots[k];

		if (!sl->busy || sl->reaped)
			continue;
		sl->interrupted = 1;
		if (hard) {
			run_kill(sl, SIGKILL);
			sl->kill_at = 0;
		} else {
			run_kill(sl, SIGTERM);
			run_kill(sl, SIGCONT);
			sl->kill_at = now + RUN_INTERRUPT_GRACE;
		}
	}
}

/* Install the self-pipe handlers; old ones saved in old[3]. */
static int
run_signals_on(struct sigaction old[3], char **cause)
{
	struct sigaction sa;

	if (pipe2(run_sigpipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return err_errno(cause, "pipe");
	run_signalled = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = run_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, &old[0]);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, &old[1]);
	sigaction(SIGTERM, &sa, &old[2]);
	return 0;
}

/* Restore the handlers and close the self-pipe. */
static void
run_signals_off(struct sigaction old[3])
{
	sigaction(SIGCHLD, &old[0], NULL);
	sigaction(SIGINT, &old[1], NULL);
	sigaction(SIGTERM, &old[2], NULL);
	close(run_sigpipe[0]);
	close(run_sigpipe[1]);
	run_sigpipe[0] = run_sigpipe[1] = -1;
}

/* Kill and reap every worker after an environment error. */
static void
run_abandon(struct run_state *rs)
{
	int k, status;

	for (k = 0; k < rs->nslots; k++) {
		struct run_slot *sl = &rs->slots[k];

		if (!sl->busy)
			continue;
		if (!sl->reaped) {
			run_kill(sl, SIGKILL);
			while (waitpid(sl->pid, &status, 0) < 0 &&
			    errno == EINTR)
				;
		}
		killpg(sl->pid, SIGKILL);
		if (sl->cg != NULL) {
			char *ignored = NULL;

			if (cgroup_destroy(sl->cg, &ignored) != 0)
				free(ignored);
			sl->cg = NULL;
		}
		run_slot_clear(sl);
	}
}


/* What this machine offers: the RAM budget, cores, GPUs, memory caps. */
static void
run_resources(struct run_state *rs)
{
	long avail = hwinfo_mem_available_kb();
	char *cause = NULL, *why = NULL;
	const struct gpu_info *gi;
	size_t g;

	if (rs->slurm)
		return;		/* the cluster's; threads follow --cpus-per-task */
	rs->mem_total_kb = hwinfo_mem_total_kb();
	rs->ram_budget_mb = avail > 0 ? (uint64_t)(0.8 * (double)avail /
	    1024.0) : 0;
	rs->ncores = hwinfo_cores();
	if (rs->ncores > RUN_MAX_CORES)
		rs->ncores = RUN_MAX_CORES;
	if (gpus_discover(NULL, getenv("CUDA_VISIBLE_DEVICES"), &rs->gpus,
	    &cause) != 0) {
		free(cause);
		cause = NULL;
		rs->gpus = NULL;
	}
	rs->ngpus = rs->gpus != NULL ? gpus_count(rs->gpus) : 0;
	if (rs->ngpus > BUDGET_MAX_GPUS)
		rs->ngpus = BUDGET_MAX_GPUS;
	memset(&rs->totals, 0, sizeof rs->totals);
	rs->totals.ram_mb = rs->mem_total_kb > 0 ?
	    (uint64_t)(0.8 * (double)rs->mem_total_kb / 1024.0) : 0;
	rs->totals.cpus = rs->ncores;
	rs->totals.ngpus = rs->ngpus;
	for (g = 0; g < rs->ngpus; g++) {
		gi = gpus_get(rs->gpus, g);
		rs->gpu_budget_mb[g] = (uint64_t)(0.9 * (double)gi->free_mb);
		rs->totals.vram_mb[g] = (uint64_t)(0.9 * (double)gi->total_mb);
	}
	if (rs->ngpus > 0 && nvml_open(&rs->nvml, &cause) != 0) {
		free(cause);
		cause = NULL;
		rs->nvml = NULL;
	}
	rs->cgroups = cgroup_available(&why);
	if (run_tx(rs) == 0 && store_event_add(rs->st, rs->run_id, -1,
	    run_walltime(), "resources", why = xasprintf("RAM budget %llu "
	    "MiB (80%% of MemAvailable), %u cores, %zu GPU%s; memory caps "
	    "by %s; peaks by wait4 and /proc sampling%s",
	    (unsigned long long)rs->ram_budget_mb, rs->ncores, rs->ngpus,
	    rs->ngpus == 1 ? "" : "s", rs->cgroups ? cgroup_kind() :
	    "RLIMIT_AS", rs->cgroups ? " and the cgroup" : ""), &cause) != 0)
		free(cause);
	free(why);
}

/* At the end: no child of bench survives (units' orphans included), and
   this process's host-budget reservations are dropped. */
static void
run_end_children(struct run_state *rs)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char *cause = NULL;
	pid_t pid;
	int i;

	run_kill_orphans(rs);
	for (i = 0; i < 300; i++) {
		pid = waitpid(-1, NULL, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;		/* ECHILD: none left */
		if (pid == 0) {
			nanosleep(&ts, NULL);
			if (i % 20 == 19)
				run_kill_orphans(rs);
		}
	}
	if (budget_release_all(&cause) != 0)
		free(cause);
}

/*
 * Slurm: when the run was interrupted, cancelled jobs, or (all) failed,
 * cancel the jobs of its started units that squeue still lists, and wait
 * until it lists none.
 */
static void
run_sweep(struct run_state *rs, int all)
{
	size_t n = job_nunits(rs->job), i, k = 0, found = 0;
	const char **ids;
	char *cause = NULL;

	if (!rs->slurm || (!all && !rs->tot->was_interrupted &&
	    rs->ncancel == 0))
		return;
	ids = xcalloc(n + 1, sizeof *ids);
	for (i = 0; i < n; i++) {
		if (rs->attempts[i] > 0)
			ids[k++] = job_unit(rs->job, i)->id;
	}
	if (launch_sweep(rs->launcher, ids, k, &found, &cause) != 0) {
		run_event(rs, SIZE_MAX, "launcher", "slurm: %s", cause);
		free(cause);
	} else if (found > 0)
		run_event(rs, SIZE_MAX, "launcher", "slurm: cancelled %zu job%s "
		    "squeue still listed", found, found == 1 ? "" : "s");
	free(ids);
}

/* The loop. */
int
run_execute(struct job *job, struct store *st, int64_t run_id,
    const struct run_config *cfg, struct run_totals *tot, char **cause)
{
	struct run_state rs;
	struct sigaction old[3];
	struct pollfd *pfds;
	int *pslot, k, n, rc = -1, seen_signals = 0;
	size_t nunits = job_nunits(job);
	double now, next, wait, ready = 0;
	ssize_t pick;
	char drain[64], *warning = NULL;

	memset(tot, 0, sizeof *tot);
	memset(&rs, 0, sizeof rs);
	rs.job = job;
	rs.st = st;
	rs.run_id = run_id;
	rs.cfg = cfg;
	rs.tot = tot;
	rs.nslots = cfg->workers;
	tot->total = nunits;
	rs.logs_dir = xasprintf("%s/logs", cfg->run_dir);
	rs.work_dir = xasprintf("%s/work", cfg->run_dir);
	if (run_mkdirs(rs.logs_dir, cause) != 0 ||
	    run_mkdirs(rs.work_dir, cause) != 0) {
		free(rs.logs_dir);
		free(rs.work_dir);
		return -1;
	}
	run_base_env(&rs);
	rs.slots = xcalloc((size_t)rs.nslots, sizeof *rs.slots);
	for (k = 0; k < rs.nslots; k++)
		rs.slots[k].fd = rs.slots[k].out_fd = rs.slots[k].log_fd = -1;
	pfds = xcalloc(2 * (size_t)rs.nslots + 1, sizeof *pfds);
	pslot = xcalloc(2 * (size_t)rs.nslots + 1, sizeof *pslot);

	if (gethostname(rs.host, sizeof rs.host) != 0)
		snprintf(rs.host, sizeof rs.host, "unknown");
	rs.host[sizeof rs.host - 1] = '\0';
	rs.launcher = cfg->launcher;
	if (rs.launcher == NULL) {
		rs.local.kind = LAUNCH_LOCAL;
		rs.local.self_exe = cfg->self_exe;
		rs.local.run_id = run_id;
		rs.launcher = &rs.local;
	}
	rs.slurm = rs.launcher->kind == LAUNCH_SLURM;
	if (launch_prepare(rs.launcher, cfg->run_dir, &warning,
	    &rs.cause) != 0) {
		char *c = xasprintf("launcher slurm: %s", rs.cause);

		free(rs.cause);
		rs.cause = c;
		goto out;
	}
	if (run_plan(&rs) != 0) {
		free(warning);
		goto out;
	}
	if (rs.slurm)
		run_event(&rs, SIZE_MAX, "launcher", "slurm: one srun per unit, "
		    "at most %d in flight; the node srun picked sees %s",
		    rs.nslots, cfg->run_dir);
	if (warning != NULL) {
		run_event(&rs, SIZE_MAX, "launcher", "warning: %s", warning);
		free(warning);
	}
	if (cfg->resume_from > 0) {
		run_event(&rs, SIZE_MAX, "resume", "resuming run %" PRId64
		    ": %zu unit%s kept as they ended, %zu to run",
		    cfg->resume_from, rs.kept, rs.kept == 1 ? "" : "s",
		    rs.queued);
		if (cfg->term != NULL)
			term_set_total(cfg->term, rs.queued);
	}
	run_resources(&rs);
	rs.pool = rs.nslots;
	if (cfg->profile_only)
		rs.pool = 1;
	else if (cfg->auto_workers && !rs.slurm) {
		size_t t;

		for (t = 0; t < job_ntestcases(job); t++)
			rs.profiling |= rs.tc_peak_kb[t] == 0;
		if (rs.profiling && rs.nslots > 1) {
			rs.pool = 1;
			run_event(&rs, SIZE_MAX, "workers", "profiling first: "
			    "one unit alone of each test case with no stored "
			    "profile on %s", rs.host);
		} else {
			rs.profiling = 0;
			run_size_pool(&rs);
		}
	}
	if (run_signals_on(old, &rs.cause) != 0)
		goto out;
	/* orphans of units (setsid and double forks) become our children,
	   so none outlives the run */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	for (;;) {
		/* start what fits */
		now = run_monotonic();
		ready = 0;
		while (!run_signalled && !rs.paused && rs.running < rs.pool) {
			pick = run_pick(&rs, now, &ready);
			if (pick < 0)
				break;
			for (k = 0; k < rs.nslots && rs.slots[k].busy; k++)
				;
			k = run_start(&rs, k, (size_t)pick);
			if (k < 0)
				goto fail;
			if (k > 0)
				break;	/* the host budget: later */
		}
		if (rs.running == 0 && (rs.queued == 0 || run_signalled))
			break;
		if (cfg->term != NULL)
			term_progress(cfg->term, (size_t)rs.running, 0);

		n = 0;
		pfds[n].fd = run_sigpipe[0];
		pfds[n].events = POLLIN;
		pslot[n++] = -1;
		for (k = 0; k < rs.nslots; k++) {
			if (!rs.slots[k].busy)
				continue;
			if (rs.slots[k].fd >= 0) {
				pfds[n].fd = rs.slots[k].fd;
				pfds[n].events = POLLIN;
				pslot[n++] = k;
			}
			if (rs.slots[k].out_fd >= 0) {
				pfds[n].fd = rs.slots[k].out_fd;
				pfds[n].events = POLLIN;
				pslot[n++] = -2 - k;	/* output, not status */
			}
		}
		/* Poll once without waiting; commit before any real wait. */
		k = poll(pfds, (nfds_t)n, 0);
		if (k == 0 || (rs.in_tx &&
		    run_monotonic() - rs.tx_since >= RUN_COMMIT_EVERY)) {
			if (run_commit(&rs) != 0)
				goto fail;
		}
		if (k == 0) {
			now = run_monotonic();
			next = run_next_deadline(&rs);
			if (ready > 0 && (next == 0 || ready < next))
				next = ready;
			if (rs.next_sample > 0 && (next == 0 ||
			    rs.next_sample < next))
				next = rs.next_sample;
			wait = next > 0 ? next - now : -1;
			if (wait < 0 && next > 0)
				wait = 0;
			if (cfg->term != NULL && (wait < 0 || wait > 0.25))
				wait = 0.25;
			if ((rs.budget_wait || rs.paused) &&
			    (wait < 0 || wait > 0.5))
				wait = 0.5;
			k = poll(pfds, (nfds_t)n, wait < 0 ? -1 :
			    (int)ceil(wait * 1000));
		}
		if (k < 0 && errno != EINTR) {
			err_errno(&rs.cause, "poll");
			goto fail;
		}
		for (k = 0; k < n; k++) {
			if (pfds[k].revents == 0)
				continue;
			if (pslot[k] == -1) {
				while (read(run_sigpipe[0], drain,
				    sizeof drain) > 0)
					;
				continue;
			}
			if (pslot[k] < -1)
				run_read_out(&rs, &rs.slots[-2 - pslot[k]]);
			else
				run_read(&rs.slots[pslot[k]]);
		}
		run_reap(&rs);
		if (run_signalled > seen_signals) {
			run_interrupt(&rs, seen_signals > 0);
			seen_signals = run_signalled;
			tot->was_interrupted = 1;
		}
		run_deadlines(&rs, run_monotonic());
		now = run_monotonic();
		if (cfg->sample_s > 0 && rs.running > 0 &&
		    (rs.next_sample == 0 || now >= rs.next_sample)) {
			if (rs.next_sample > 0) {
				for (k = 0; k < rs.nslots; k++) {
					if (rs.slots[k].busy)
						run_sample(&rs, &rs.slots[k],
						    now);
				}
				run_pressure(&rs);
			}
			rs.next_sample = now + cfg->sample_s;
		} else if (rs.running == 0)
			rs.next_sample = 0;
		if (rs.paused && rs.running == 0)
			run_pressure(&rs);
		for (k = 0; k < rs.nslots; k++) {
			struct run_slot *sl = &rs.slots[k];

			if (sl->busy && sl->reaped && !run_pipes_open(sl) &&
			    run_finish(&rs, sl) != 0)
				goto fail;
		}
	}
	run_sweep(&rs, 0);
	run_end_children(&rs);
	if (run_commit(&rs) != 0)
		goto fail;
	tot->not_run = rs.queued;
	rc = 0;
	goto done;
fail:
	run_abandon(&rs);
	run_sweep(&rs, 1);
	run_end_children(&rs);
	if (rs.in_tx) {
		/* keep what was recorded, if the database still lets us */
		char *ignored = NULL;

		if (store_commit(st, &ignored) != 0) {
			free(ignored);
			store_rollback(st);
		}
		rs.in_tx = 0;
	}
done:
	run_signals_off(old);
out:
	if (rc != 0 && rs.cause != NULL) {
		*cause = rs.cause;
		rs.cause = NULL;
	}
	free(rs.cause);
	free(rs.unit_ids);
	free(rs.tc_left);
	free(rs.tc_bad);
	free(rs.ustate);
	free(rs.attempts);
	free(rs.ready_at);
	free(rs.order);
	free(rs.tc_peak_kb);
	free(rs.tc_peak_vram);
	free(rs.tc_wall);
	gpus_free(rs.gpus);
	nvml_close(rs.nvml);
	for (k = 0; rs.unit_metrics != NULL && (size_t)k < nunits; k++)
		json_decref(rs.unit_metrics[k]);
	free(rs.unit_metrics);
	free(rs.slots);
	free(rs.base_env);
	free(rs.logs_dir);
	free(rs.work_dir);
	free(pfds);
	free(pslot);
	return rc;
}
