/*
 * job: the benchmark-job loader. It reads a job YAML in KubeEdge Ianvs's
 * layout through yaml.c (so every message has the node's FILE:LINE:COL),
 * follows the testenv and algorithm files it names, checks every key and
 * type of the schema, and expands the algorithms' hyperparameter grids
 * into test cases, which plan.c turns into units with stable ids, seeds
 * and keys. The job owns everything it returns; the YAML documents live
 * only while loading.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "err.h"
#include "job.h"
#include "paradigm.h"
#include "plan.h"
#include "registry.h"
#include "sha256.h"
#include "strvec.h"
#include "xalloc.h"
#include "yaml.h"
#include "banned.h"

#define JOB_MAX_TESTCASES	(1U << 20)

struct job {
	char			*name;
	char			*path;
	char			*workspace;
	char			*output_dir;
	char			 sha256[65];
	struct job_settings	 settings;

	struct job_testcase	*testcases;
	size_t			 ntestcases;
	struct strvec		 shared;	/* the algorithm entries'
						   strings (names, paradigm,
						   module names and urls), one
						   copy per entry */
	struct alg		*algs;		/* the algorithm entries, for
						   job_testcase_argv() */
	size_t			 nalgs;
	struct pool		*pool;		/* the test cases' names and
						   params (pool_move) */
	struct job_unit		*units;
	size_t			 nunits;

	struct job_sort_key	*sort_keys;
	size_t			 nsort_keys;
	json_t			*selected_dataitem;
	char			*save_mode;
	json_t			*testenv;
	json_t			*metric_names;
	json_t			*modules;	/* job_modules() */
};

/*
 * The strings every test case keeps (name, params), packed end to end
 * into big chunks freed with the job: one malloc each would add its
 * header and rounding to every one of them, at a million test cases.
 */
#define POOL_CHUNK	(64 * 1024)
struct pool {
	struct pool	*next;
	size_t		 used, size;
	char		 data[];
};

/* n bytes for a string (unaligned) from job's pool. */
static char *
pool_alloc(struct job *job, size_t n)
{
	struct pool *p = job->pool;
	size_t at = p != NULL ? p->used : 0;

	if (p == NULL || at + n > p->size) {
		/* a string bigger than a chunk gets a chunk of its own,
		   behind the current one so its room is not lost */
		size_t size = n > POOL_CHUNK / 4 ? n : POOL_CHUNK;

		p = xmalloc(sizeof *p + size);
		p->used = 0;
		p->size = size;
		if (job->pool != NULL && size != POOL_CHUNK) {
			p->next = job->pool->next;
			job->pool->next = p;
		} else {
			p->next = job->pool;
			job->pool = p;
		}
		at = 0;
	}
	p->used = at + n;
	return p->data + at;
}

/* A copy of the allocated string s in job's pool; s is freed. */
static char *
pool_move(struct job *job, char *s)
{
	size_t n;
	char *c;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	c = pool_alloc(job, n);
	memcpy(c, s, n);
	free(s);
	return c;
}

/* Free job's pool. */
static void
pool_free(struct job *job)
{
	struct pool *p, *next;

	for (p = job->pool; p != NULL; p = next) {
		next = p->next;
		free(p);
	}
	job->pool = NULL;
}

/* Ianvs's paradigm_type values bench does not run (core/common/constant.py
   ParadigmType): refused at load, by name. */
static const char *const ianvs_only_paradigms[] = {
	"multiedgeinference", "federatedclassincrementallearning", NULL
};

/* The paradigms whose Ianvs flow the Python adapter runs (python/
   bench_ianvs/flow.py), each with the type of the module Ianvs builds its
   job from: the one that runs. */
static const char *const python_paradigms[] = {
	"singletasklearning", "incrementallearning", "jointinference", NULL
};
static const char *const python_run_types[] = {
	"basemodel", "basemodel", "edgemodel", NULL
};

/*
 * A module of the algorithm being loaded. It borrows from the documents
 * until alg_detach(), which copies what the expansion reads (type, name,
 * url, tmpl) and forgets the nodes.
 */
struct mod {
	struct yfile	*f;
	yaml_node_t	*node;
	const char	*type;
	const char	*name;
	const char	*url;		/* as written, or NULL */
	yaml_node_t	*urlnode;
	char		*so;		/* absolute .so path when url is one */
	char		*py;		/* absolute .py path when url is one */
	yaml_node_t	*cmd;		/* command: sequence node, or NULL */
	char		**tmpl;		/* its templates as written (owned),
					   or NULL */
	size_t		 hp_first;
	size_t		 hp_count;
};

/* A hyperparameter of the algorithm being loaded. */
struct hp {
	const char	*name;		/* as written in its module (borrowed
					   until alg_detach()) */
	char		*key;		/* in the test case's parameters: the
					   name, or TYPE-NAME when another
					   module has the same name (Ianvs's
					   rank column), NULL until set */
	yaml_node_t	*node;		/* the name's node, for errors (NULL
					   after alg_detach()) */
	json_t		*values;	/* array, at least one value; NULL
					   once the job is expanded */
	/*
	 * Each value's text as written, what argv gets: value i's is at
	 * texts + text_at[i], NUL-terminated, or none (UINT32_MAX: a list
	 * or a mapping, written as JSON). Copied, packed, so that the grid
	 * is expanded after the documents are freed (the two together
	 * were a big grid's peak), and kept with the job, which builds a
	 * command's argv when asked (job_testcase_argv()). The values
	 * are freed after the expansion; nvalues stays.
	 */
	char		*texts;
	uint32_t	*text_at;
	size_t		 nvalues;
};

/*
 * An algorithm entry: loaded and checked while the documents live, then
 * detached from them (alg_detach(): name and paradigm point to the job's
 * copies, f and node are NULL) and expanded into test cases once they
 * are freed.
 */
struct alg {
	size_t		 index;		/* in test_object.algorithms */
	const char	*name;
	struct yfile	*f;		/* the file of its `algorithm:` */
	yaml_node_t	*node;		/* that mapping */
	const char	*paradigm;
	struct mod	*mods;
	size_t		 nmods;
	size_t		 run;		/* the module that runs */
	struct hp	*hps;		/* every module's, in file order */
	size_t		 nhps;
	size_t		 total;		/* grid points: test cases */
	json_t		*kwargs;	/* Ianvs's paradigm keyword arguments
					   for the Python adapter, or NULL */
	size_t		 first;		/* its first test case */
};

/* Loader state. */
struct loader {
	struct yload	  yl;		/* the files read; errors */
	struct job	 *job;
	char		 *cwd;

	/* The first testenv metric with a .py url, for its mark. */
	struct yfile	 *pymetric_f;
	yaml_node_t	 *pymetric;
	/* The job's hard_example_mining_mode, or NULL. */
	const char	 *hem_mode;
	/* testenv's dataset mapping, or NULL. */
	struct yfile	 *dataset_f;
	yaml_node_t	 *dataset;

	/* The algorithm entries, loaded and detached, to expand. */
	struct alg	 *algs;
	size_t		  nalgs;
	size_t		  ntotal;	/* their test cases */
	/* For each algorithm entry, its name node, and its mark
	   ("FILE:LINE:COL") for errors found after the expansion. */
	struct yfile	**alg_file;
	yaml_node_t	**alg_name;
	char		**alg_mark;
	/* Errors found while the documents lived, reported after the
	   expansion's own (check_unique), in this order; or NULL. */
	char		 *py_err;
	char		 *units_err;
};

static const char *const root_keys[] = { "benchmarkingjob", NULL };
static const char *const job_keys[] = {
	"name", "workspace", "testenv", "test_object", "rank",
	"parallel_execution", "num_workers", "timeout", "retries", "resources",
	"launcher", "slurm_partition", "partitions", "repeat", "warmup", "db",
	"python",
	/* read by Ianvs itself (benchmarkingjob.py, the paradigms); bench
	   accepts them and has no use for them */
	"hard_example_mining_mode", "simulation", "sandbox", NULL
};
static const char *const test_object_keys[] = { "type", "algorithms", NULL };
static const char *const entry_keys[] = { "name", "url", "algorithm", NULL };
static const char *const algorithm_root_keys[] = { "algorithm", NULL };
static const char *const algorithm_keys[] = {
	"paradigm_type", "initial_model_url", "modules",
	"incremental_learning_data_setting", "lifelong_learning_data_setting",
	"fl_data_setting", "third_party_packages",
	/* written in Ianvs's own trees (TAB) and dropped by its core, which
	   ignores keys it does not read: accepted, unused */
	"model_path", "privacy_protection", NULL
};
static const char *const module_keys[] = {
	"type", "name", "url", "command", "hyperparameters",
	/* as above (TAB's hard_example_mining names its models) */
	"dependencies", NULL
};
static const char *const hp_keys[] = { "values", NULL };
static const char *const rank_keys[] = {
	"sort_by", "visualization", "selected_dataitem", "save_mode", NULL
};
static const char *const visualization_keys[] = { "mode", "method", NULL };
static const char *const dataitem_keys[] = {
	"paradigms", "modules", "hyperparameters", "metrics", NULL
};
static const char *const resources_keys[] = {
	"ram", "vram", "gpus", "cpus", NULL
};
static const char *const testenv_root_keys[] = { "testenv", NULL };
static const char *const save_modes[] = {
	"selected_and_all", "selected_only", NULL
};

/* A growable string. */
struct sbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

/* Append n bytes to a string buffer. */
static void
sb_addn(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		while (sb->len + n + 1 > sb->cap)
			sb->cap = sb->cap ? sb->cap * 2 : 64;
		sb->s = xreallocarray(sb->s, sb->cap, 1);
	}
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

/* Append a string to a string buffer. */
static void
sb_add(struct sbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}

/* Hand over the buffer's string (never NULL). */
static char *
sb_detach(struct sbuf *sb)
{
	char *s = sb->s;

	if (s == NULL)
		s = xstrdup("");
	else if (sb->cap > sb->len + 1)
		/* kept per test case (names, argv): no slack */
		s = xreallocarray(s, sb->len + 1, 1);
	sb->s = NULL;
	sb->len = sb->cap = 0;
	return s;
}

/* The shortest text that reads back as d, always looking like a real. */
static char *
real_text(double d)
{
	char buf[64];
	int prec;

	if (d > -1e15 && d < 1e15 && d == (double)(long long)d)
		return xasprintf("%.1f", d);
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (strpbrk(buf, ".eEn") == NULL)
		return xasprintf("%s.0", buf);
	return xstrdup(buf);
}

/* A parameter value as text: for placeholders and test case names. */
static char *
value_text(json_t *v)
{
	char *s, *copy;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return xstrdup(json_string_value(v));
	case JSON_INTEGER:
		return xasprintf("%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	case JSON_REAL:
		return real_text(json_real_value(v));
	case JSON_TRUE:
		return xstrdup("true");
	case JSON_FALSE:
		return xstrdup("false");
	case JSON_NULL:
		return xstrdup("null");
	default:
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (s == NULL)
			BUG("json_dumps failed");
		copy = xstrdup(s);
		free(s);
		return copy;
	}
}

/* Join a directory and a relative path ("" and "." mean the cwd). */
static char *
path_join(const char *dir, const char *rel)
{
	if (*dir == '\0' || strcmp(dir, ".") == 0)
		return xstrdup(rel);
	return xasprintf("%s/%s", dir, rel);
}

/*
 * Tidy a path without touching the file system: drop empty and "."
 * components, fold "x/..". A relative path stays relative.
 */
static char *
path_clean(const char *path)
{
	struct sbuf sb = { NULL, 0, 0 };
	const char *p = path, *e;
	size_t len, keep, *marks = NULL, nmarks = 0, up = 0;
	int absolute = (*path == '/');

	if (absolute)
		sb_add(&sb, "/");
	marks = xreallocarray(NULL, strlen(path) + 1, sizeof *marks);
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len == 1 && p[0] == '.')
			;
		else if (len == 2 && p[0] == '.' && p[1] == '.' &&
		    nmarks > up) {
			keep = marks[--nmarks];
			sb.len = keep;
			sb.s[keep] = '\0';
		} else if (len == 2 && p[0] == '.' && p[1] == '.' &&
		    absolute)
			;
		else {
			keep = sb.len;
			if (sb.len > 0 && sb.s[sb.len - 1] != '/')
				sb_add(&sb, "/");
			sb_addn(&sb, p, len);
			if (len == 2 && p[0] == '.' && p[1] == '.') {
				/* a leading ".." of a relative path stays */
				up++;
			}
			marks[nmarks++] = keep;
		}
		p += len;
	}
	free(marks);
	if (sb.len == 0)
		sb_add(&sb, absolute ? "/" : ".");
	return sb_detach(&sb);
}

/* An absolute, tidied path: relative ones are taken from the cwd. */
static char *
path_abs(const char *cwd, const char *path)
{
	char *joined, *clean;

	if (*path == '/')
		return path_clean(path);
	joined = xasprintf("%s/%s", cwd, path);
	clean = path_clean(joined);
	free(joined);
	return clean;
}

/* The directory part of a path, "" when it has none. */
static char *
path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup("");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, slash - path);
}

/* The working directory, allocated. */
static char *
get_cwd(char **cause)
{
	size_t size = 256;
	char *buf = NULL;

	for (;;) {
		buf = xreallocarray(buf, size, 1);
		if (getcwd(buf, size) != NULL)
			return buf;
		if (errno != ERANGE) {
			free(buf);
			err_errno(cause, "getcwd");
			return NULL;
		}
		size *= 2;
	}
}

/* Whether path names an existing regular file. */
static int
is_file(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/*
 * Find the file named by node: an absolute path as is; a relative one in the
 * cwd first, then in the directory of the file that names it (as Ianvs).
 */
static int
resolve_file(struct yfile *f, yaml_node_t *n, const char *what,
    const char *name, char **out)
{
	char *first, *dir, *joined, *second;

	first = path_clean(name);
	if (is_file(first)) {
		*out = first;
		return 0;
	}
	if (*name == '/') {
		yfile_err(f, n, "%s '%s' not found", what, name);
		free(first);
		return -1;
	}
	dir = path_dir(f->path);
	joined = path_join(dir, name);
	second = path_clean(joined);
	free(joined);
	free(dir);
	if (is_file(second)) {
		free(first);
		*out = second;
		return 0;
	}
	if (strcmp(first, second) == 0)
		yfile_err(f, n, "%s '%s' not found (tried '%s')", what, name,
		    first);
	else
		yfile_err(f, n, "%s '%s' not found (tried '%s' and '%s')",
		    what, name, first, second);
	free(first);
	free(second);
	return -1;
}

/* Parse a duration: seconds, or a number with s, m, h or ms. */
int
job_parse_duration(const char *s, double *out)
{
	static const struct {
		const char	*suffix;
		double		 factor;
	} units[] = {
		{ "", 1 }, { "s", 1 }, { "ms", 0.001 }, { "m", 60 },
		{ "h", 3600 },
	};
	size_t i, len = strlen(s), n;
	char *num;
	double d;

	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		n = strlen(units[i].suffix);
		if (n >= len || strcmp(s + len - n, units[i].suffix) != 0)
			continue;
		num = xstrndup(s, len - n);
		if (ytext_real(num, &d) == 0 && d >= 0 && isfinite(d)) {
			free(num);
			*out = d * units[i].factor;
			return 0;
		}
		free(num);
	}
	return -1;
}

/*
 * Parse a size into MiB: a number is MiB; a number with K, M, G or T
 * (optionally followed by "i" and/or "B"; binary units) is converted,
 * rounding up to whole MiB.
 */
static int
parse_size(const char *s, uint64_t *out)
{
	const char *p;
	char *num;
	double d, factor = 1;

	for (p = s; *p != '\0' && (strchr("0123456789.+-eE", *p) != NULL);
	    p++) {
		if ((*p == 'e' || *p == 'E') && p[1] != '\0' &&
		    strchr("0123456789+-", p[1]) == NULL)
			break;
	}
	num = xstrndup(s, p - s);
	if (ytext_real(num, &d) != 0 || d < 0) {
		free(num);
		return -1;
	}
	free(num);
	if (*p == ' ')
		p++;
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		factor = 1.0 / 1024;
		p++;
		break;
	case 'm': case 'M':
		p++;
		break;
	case 'g': case 'G':
		factor = 1024;
		p++;
		break;
	case 't': case 'T':
		factor = 1024.0 * 1024;
		p++;
		break;
	case 'b': case 'B':
		factor = 1.0 / (1024 * 1024);
		p++;
		break;
	default:
		return -1;
	}
	if (factor != 1.0 / (1024 * 1024) && *p == 'i')
		p++;
	if (factor != 1.0 / (1024 * 1024) && (*p == 'B' || *p == 'b'))
		p++;
	if (*p != '\0')
		return -1;
	d *= factor;
	if (d > 9007199254740992.0)
		return -1;
	*out = (uint64_t)d;
	if ((double)*out < d)
		(*out)++;
	return 0;
}

/* Load `resources`: ram, vram, gpus, cpus per unit. */
static int
load_resources(struct loader *ld, struct yfile *f, yaml_node_t *map)
{
	struct job_settings *st = &ld->job->settings;
	const char *s;
	yaml_node_t *n;
	static const char *const size_expected =
	    "a size (MiB, or like '512M', '4G', '1.5GiB')";

	if (yfile_need_map(f, map, "resources") != 0 ||
	    yfile_keys(f, map, "in resources", resources_keys) != 0)
		return -1;
	if ((n = yfile_get(f, map, "ram")) != NULL) {
		s = ynode_scalar(n);
		if (s == NULL || parse_size(s, &st->ram_mb) != 0)
			return yfile_bad(f, n, "ram", size_expected);
	}
	if ((n = yfile_get(f, map, "vram")) != NULL) {
		s = ynode_scalar(n);
		if (s == NULL || parse_size(s, &st->vram_mb) != 0)
			return yfile_bad(f, n, "vram", size_expected);
	}
	if ((n = yfile_get(f, map, "gpus")) != NULL &&
	    yfile_int(f, n, "gpus", 0, &st->gpus) != 0)
		return -1;
	if ((n = yfile_get(f, map, "cpus")) != NULL &&
	    yfile_int(f, n, "cpus", 0, &st->cpus) != 0)
		return -1;
	return 0;
}

/* Load our own keys at benchmarkingjob level into the settings. */
static int
load_settings(struct loader *ld, struct yfile *f, yaml_node_t *bj)
{
	struct job_settings *st = &ld->job->settings;
	const char *s;
	yaml_node_t *n;
	long long ll;

	if ((n = yfile_get(f, bj, "parallel_execution")) != NULL) {
		s = ynode_scalar(n);
		if (s != NULL && (strcmp(s, "true") == 0 ||
		    strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0))
			st->parallel = 1;
		else if (s != NULL && (strcmp(s, "false") == 0 ||
		    strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0))
			st->parallel = 0;
		else
			return yfile_bad(f, n, "parallel_execution",
			    "true or false");
	}
	if ((n = yfile_get(f, bj, "num_workers")) != NULL) {
		s = ynode_scalar(n);
		if (s != NULL && strcmp(s, "auto") == 0)
			st->num_workers = -1;
		else if (s == NULL || ytext_ll(s, &ll) != 0 || ll < 1 ||
		    ll > INT_MAX)
			return yfile_bad(f, n, "num_workers",
			    "a positive integer or 'auto'");
		else
			st->num_workers = (int)ll;
	}
	if ((n = yfile_get(f, bj, "timeout")) != NULL) {
		s = ynode_scalar(n);
		if (s == NULL || job_parse_duration(s, &st->timeout_s) != 0)
			return yfile_bad(f, n, "timeout", "a duration "
			    "(seconds, or like '90s', '5m', '1h')");
	}
	if ((n = yfile_get(f, bj, "retries")) != NULL &&
	    yfile_int(f, n, "retries", 0, &st->retries) != 0)
		return -1;
	if ((n = yfile_get(f, bj, "resources")) != NULL &&
	    load_resources(ld, f, n) != 0)
		return -1;
	if ((n = yfile_get(f, bj, "launcher")) != NULL) {
		s = ynode_scalar(n);
		if (s == NULL || (strcmp(s, "local") != 0 &&
		    strcmp(s, "slurm") != 0))
			return yfile_bad(f, n, "launcher",
			    "'local' or 'slurm'");
		free(st->launcher);
		st->launcher = xstrdup(s);
	}
	if ((n = yfile_get(f, bj, "slurm_partition")) != NULL) {
		if (yfile_string(f, n, "slurm_partition", 1, &s) != 0)
			return -1;
		free(st->slurm_partition);
		st->slurm_partition = xstrdup(s);
	}
	if ((n = yfile_get(f, bj, "partitions")) != NULL &&
	    yfile_int(f, n, "partitions", 1, &st->partitions) != 0)
		return -1;
	if ((n = yfile_get(f, bj, "repeat")) != NULL &&
	    yfile_int(f, n, "repeat", 1, &st->repeat) != 0)
		return -1;
	if ((n = yfile_get(f, bj, "warmup")) != NULL &&
	    yfile_int(f, n, "warmup", 0, &st->warmup) != 0)
		return -1;
	if ((n = yfile_get(f, bj, "db")) != NULL) {
		if (yfile_string(f, n, "db", 1, &s) != 0)
			return -1;
		st->db = path_abs(ld->cwd, s);
	}
	if ((n = yfile_get(f, bj, "python")) != NULL) {
		if (yfile_string(f, n, "python", 1, &s) != 0)
			return -1;
		free(st->python);
		st->python = xstrdup(s);
	}
	return 0;
}

/*
 * A testenv metric `{name, url}` whose url is a .py: find the file, write
 * its absolute path back into the testenv JSON (the adapter runs it from
 * the unit's directory) and remember the first one's mark.
 */
static int
load_py_metric(struct loader *ld, struct yfile *tf, yaml_node_t *m,
    json_t *jm)
{
	yaml_node_t *url = yfile_get(tf, m, "url");
	const char *s;
	char *found;
	size_t len;

	if (url == NULL || (s = ynode_scalar(url)) == NULL)
		return 0;
	len = strlen(s);
	if (len < 3 || strcmp(s + len - 3, ".py") != 0)
		return 0;
	if (resolve_file(tf, url, "python metric", s, &found) != 0)
		return -1;
	json_object_set_new(jm, "url", yjson_check(json_string(found)));
	free(found);
	if (ld->pymetric == NULL) {
		ld->pymetric_f = tf;
		ld->pymetric = url;
	}
	return 0;
}

/*
 * The testenv dataset's files (train_url, test_url, train_index,
 * test_index) that exist, found as Ianvs finds them, made absolute in the
 * testenv JSON so that a unit finds them from its own directory.
 */
static void
load_dataset_paths(struct loader *ld, struct yfile *tf, yaml_node_t *te)
{
	static const char *const keys[] = {
		"train_url", "test_url", "train_index", "test_index", NULL
	};
	yaml_node_t *ds = yfile_get(tf, te, "dataset"), *n;
	json_t *jds = json_object_get(ld->job->testenv, "dataset");
	char *dir, *path, *abs;
	const char *s;
	size_t i;

	if (ds == NULL || ds->type != YAML_MAPPING_NODE || !json_is_object(jds))
		return;
	dir = path_dir(tf->path);
	for (i = 0; keys[i] != NULL; i++) {
		if ((n = yfile_get(tf, ds, keys[i])) == NULL ||
		    (s = ynode_scalar(n)) == NULL || *s == '\0')
			continue;
		path = is_file(s) || *s == '/' ? xstrdup(s) :
		    path_join(dir, s);
		abs = path_abs(ld->cwd, is_file(path) ? path : s);
		json_object_set_new(jds, keys[i], yjson_check(json_string(abs)));
		free(abs);
		free(path);
	}
	free(dir);
}

/*
 * Incremental learning's `model_eval: {model_metric: {name, url}}`: a .py
 * url found and made absolute in the testenv JSON like a metric's.
 */
static int
load_model_metric(struct loader *ld, struct yfile *tf, yaml_node_t *te)
{
	yaml_node_t *me = yfile_get(tf, te, "model_eval"), *mm;
	json_t *jm;

	if (me == NULL || me->type != YAML_MAPPING_NODE ||
	    (mm = yfile_get(tf, me, "model_metric")) == NULL ||
	    mm->type != YAML_MAPPING_NODE)
		return 0;
	jm = json_object_get(json_object_get(ld->job->testenv,
	    "model_eval"), "model_metric");
	return load_py_metric(ld, tf, mm, jm);
}

/* Load `testenv`: a path to a file with `testenv:` or an inline mapping. */
static int
load_testenv(struct loader *ld, struct yfile *f, yaml_node_t *n)
{
	struct job *job = ld->job;
	struct yfile *tf = f;
	yaml_node_t *root, *metrics, *m, *name;
	const char *path, *s;
	char *found;
	size_t i;
	int rc;

	if (n->type == YAML_SCALAR_NODE) {
		if (yfile_string(f, n, "testenv", 1, &path) != 0 ||
		    resolve_file(f, n, "testenv file", path, &found) != 0)
			return -1;
		rc = yload_file(&ld->yl, found, &tf, &root);
		free(found);
		if (rc != 0)
			return -1;
		if (yfile_keys(tf, root, "at the top of a testenv file",
		    testenv_root_keys) != 0 ||
		    yfile_need(tf, root, "testenv",
		    "at the top of a testenv file", &n) != 0)
			return -1;
	}
	if (yfile_need_map(tf, n, "testenv") != 0)
		return -1;
	if (yfile_json(tf, n, &job->testenv) != 0)
		return -1;
	load_dataset_paths(ld, tf, n);
	ld->dataset_f = tf;
	ld->dataset = yfile_get(tf, n, "dataset");
	if (load_model_metric(ld, tf, n) != 0)
		return -1;

	metrics = yfile_get(tf, n, "metrics");
	if (metrics == NULL)
		return 0;
	if (yfile_need_seq(tf, metrics, "metrics") != 0)
		return -1;
	for (i = 0; i < ynode_len(metrics); i++) {
		m = yfile_item(tf, metrics, i);
		if (m->type == YAML_MAPPING_NODE) {
			name = yfile_get(tf, m, "name");
			if (name == NULL)
				return yfile_err(tf, m,
				    "missing key 'name' in metric");
			if (load_py_metric(ld, tf, m, json_array_get(
			    json_object_get(job->testenv, "metrics"), i)) != 0)
				return -1;
		} else
			name = m;
		if (yfile_string(tf, name, "metric name", 1, &s) != 0)
			return -1;
		json_array_append_new(job->metric_names,
		    yjson_check(json_string(s)));
	}
	return 0;
}

/* Load `rank`: sort_by, visualization, selected_dataitem, save_mode. */
static int
load_rank(struct loader *ld, struct yfile *f, yaml_node_t *rank)
{
	struct job *job = ld->job;
	yaml_node_t *n, *e, *k, *v;
	const char *metric, *order;
	size_t i;

	if (yfile_need_map(f, rank, "rank") != 0 ||
	    yfile_keys(f, rank, "in rank", rank_keys) != 0)
		return -1;
	if ((n = yfile_get(f, rank, "sort_by")) != NULL) {
		if (yfile_need_seq(f, n, "sort_by") != 0)
			return -1;
		job->sort_keys = xcalloc(ynode_len(n) + 1,
		    sizeof *job->sort_keys);
		for (i = 0; i < ynode_len(n); i++) {
			e = yfile_item(f, n, i);
			if (e->type != YAML_MAPPING_NODE ||
			    e->data.mapping.pairs.top -
			    e->data.mapping.pairs.start != 1)
				return yfile_bad(f, e, "sort_by entry",
				    "a mapping 'METRIC: descend|ascend'");
			k = yfile_node(f, e->data.mapping.pairs.start->key);
			v = yfile_node(f, e->data.mapping.pairs.start->value);
			if (yfile_string(f, k, "sort_by metric", 1,
			    &metric) != 0)
				return -1;
			order = ynode_scalar(v);
			if (order == NULL || (strcmp(order, "descend") != 0 &&
			    strcmp(order, "ascend") != 0))
				return yfile_bad(f, v, metric,
				    "'descend' or 'ascend'");
			job->sort_keys[i].metric = xstrdup(metric);
			job->sort_keys[i].descend =
			    strcmp(order, "descend") == 0;
			job->nsort_keys++;
		}
	}
	if ((n = yfile_get(f, rank, "visualization")) != NULL) {
		if (yfile_need_map(f, n, "visualization") != 0 ||
		    yfile_keys(f, n, "in visualization",
		    visualization_keys) != 0)
			return -1;
	}
	if ((n = yfile_get(f, rank, "selected_dataitem")) != NULL) {
		if (yfile_need_map(f, n, "selected_dataitem") != 0 ||
		    yfile_keys(f, n, "in selected_dataitem",
		    dataitem_keys) != 0 ||
		    yfile_json(f, n, &job->selected_dataitem) != 0)
			return -1;
	}
	if ((n = yfile_get(f, rank, "save_mode")) != NULL) {
		order = ynode_scalar(n);
		if (order == NULL || !yword_in(order, save_modes))
			return yfile_bad(f, n, "save_mode",
			    "'selected_and_all' or 'selected_only'");
		free(job->save_mode);
		job->save_mode = xstrdup(order);
	}
	return 0;
}

/* Length of the identifier at p ([A-Za-z_][A-Za-z0-9_.-]*), 0 if none. */
static size_t
ident_len(const char *p)
{
	size_t n = 0;

	if (!isalpha((unsigned char)p[0]) && p[0] != '_')
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '.' ||
	    p[n] == '-')
		n++;
	return n;
}

/* The error for an unknown placeholder name, with the nearest parameter. */
static char *
unknown_placeholder(const char *name, json_t *params)
{
	const char **known, *near, *key;
	json_t *v;
	char *why;
	size_t i = 0;

	known = xcalloc(json_object_size(params) + 1, sizeof *known);
	json_object_foreach(params, key, v)
		known[i++] = key;
	near = yword_suggest(name, known);
	if (near != NULL)
		why = xasprintf("unknown placeholder '{%s}': no hyperparameter "
		    "'%s' (did you mean '%s'?; write '{{%s}}' for literal "
		    "braces)", name, name, near, name);
	else
		why = xasprintf("unknown placeholder '{%s}': no hyperparameter "
		    "'%s' (write '{{%s}}' for literal braces)", name, name,
		    name);
	free(known);
	return why;
}

/* Add c n times. */
static void
sb_repeat(struct sbuf *sb, char c, size_t n)
{
	while (n-- > 0)
		sb_addn(sb, &c, 1);
}

/*
 * Fill one command-line template. Only identifier-shaped braces are
 * placeholders: in a run of k '{', an identifier, and m '}', the inner
 * n = min(k, m) braces pair up: n odd, "{NAME}" inside (n-1)/2 literal
 * pairs becomes the parameter's text as written in the YAML (texts) or,
 * failing that, its JSON value; n even, "{{NAME}}" is the escape for a
 * literal "{NAME}". Every other brace is literal, so a shell one-liner can
 * print JSON. On an unknown name return NULL with *why set.
 */
static char *
fill_arg(const char *tmpl, json_t *params, json_t *texts, char **why)
{
	struct sbuf sb = { NULL, 0, 0 };
	const char *p = tmpl, *id;
	size_t k, m, n, len;
	char *name, *text;
	json_t *v, *t;

	while (*p != '\0') {
		for (k = 0; p[k] == '{'; k++)
			;
		len = k > 0 ? ident_len(p + k) : 0;
		if (len == 0) {
			sb_addn(&sb, p, k > 0 ? k : 1);
			p += k > 0 ? k : 1;
			continue;
		}
		id = p + k;
		for (m = 0; id[len + m] == '}'; m++)
			;
		if (m == 0) {
			sb_addn(&sb, p, k + len);
			p = id + len;
			continue;
		}
		n = k < m ? k : m;
		sb_repeat(&sb, '{', k - n + n / 2);
		name = xstrndup(id, len);
		if (n % 2 == 0)
			sb_add(&sb, name);
		else if ((v = json_object_get(params, name)) == NULL) {
			*why = unknown_placeholder(name, params);
			free(name);
			free(sb.s);
			return NULL;
		} else if (json_is_string(t = json_object_get(texts, name)))
			sb_add(&sb, json_string_value(t));
		else {
			text = value_text(v);
			sb_add(&sb, text);
			free(text);
		}
		free(name);
		sb_repeat(&sb, '}', n / 2 + m - n);
		p = id + len + m;
	}
	return sb_detach(&sb);
}

/* Fill a command's templates with params; BUG on error (checked). */
static char **
fill_command(char *const *tmpl, json_t *params, json_t *texts)
{
	char **argv, *why = NULL;
	size_t i, n;

	for (n = 0; tmpl[n] != NULL; n++)
		;
	argv = xcalloc(n + 1, sizeof *argv);
	for (i = 0; i < n; i++) {
		argv[i] = fill_arg(tmpl[i], params, texts, &why);
		if (argv[i] == NULL)
			BUG("command template not checked: %s", why);
	}
	return argv;
}

/* SHA-256 of a test case's canonical configuration, from its
   parameters and modules as JSON and, for a command, its argv; for a
   Python module, its algorithm's kwargs. */
static void
testcase_key(struct job *job, struct job_testcase *tc, json_t *params,
    json_t *modules, char *const *argv, json_t *kwargs)
{
	static const char *const runners[] = {
		"builtin", "plugin", "command", "python"
	};
	struct sha256 h;
	json_t *o, *a;
	char *s;
	size_t i;

	o = yjson_check(json_object());
	json_object_set_new(o, "algorithm",
	    yjson_check(json_string(tc->algorithm)));
	json_object_set_new(o, "paradigm",
	    yjson_check(json_string(tc->paradigm)));
	json_object_set_new(o, "runner", yjson_check(json_string(
	    runners[tc->runner])));
	if (tc->runner == JOB_RUNNER_COMMAND) {
		a = yjson_check(json_array());
		for (i = 0; argv[i] != NULL; i++)
			json_array_append_new(a, yjson_check(json_string(
			    argv[i])));
		json_object_set_new(o, "argv", a);
	} else
		json_object_set_new(o, "url",
		    yjson_check(json_string(tc->url)));
	json_object_set(o, "params", params);
	if (tc->runner == JOB_RUNNER_PYTHON) {
		json_object_set(o, "modules", modules);
		json_object_set(o, "kwargs", kwargs);
	}
	json_object_set(o, "testenv", job->testenv);
	s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	if (s == NULL)
		BUG("json_dumps failed");
	sha256_init(&h);
	sha256_update(&h, s, strlen(s));
	sha256_final(&h, tc->key);
	free(s);
	json_decref(o);
}

/*
 * Error unless name is a test case of testcases/registry.c's table; suggest
 * the nearest name and list them.
 */
static int
check_builtin(struct yfile *f, yaml_node_t *n, const char *name)
{
	struct sbuf list = { NULL, 0, 0 };
	const char **names, *near;
	size_t i, count = registry_count();
	int rc;

	if (*name == '\0')
		return yfile_err(f, n, "'builtin:' needs a test case name");
	if (registry_known(name))
		return 0;
	names = xcalloc(count + 1, sizeof *names);
	for (i = 0; i < count; i++) {
		names[i] = registry_name(i);
		sb_add(&list, i == 0 ? "" : ", ");
		sb_add(&list, names[i]);
	}
	near = yword_suggest(name, names);
	if (near != NULL)
		rc = yfile_err(f, n, "unknown built-in test case 'builtin:%s' "
		    "(did you mean 'builtin:%s'?)", name, near);
	else
		rc = yfile_err(f, n, "unknown built-in test case 'builtin:%s' "
		    "(built in: %s)", name, list.s != NULL ? list.s : "none");
	free(names);
	free(list.s);
	return rc;
}

/* Check a module's url: builtin:NAME, or a .so plugin found into md->so. */
static int
load_url(struct loader *ld, struct mod *md)
{
	struct yfile *f = md->f;
	const char *s;
	char *found;
	size_t len;

	if (yfile_string(f, md->urlnode, "url", 1, &md->url) != 0)
		return -1;
	s = md->url;
	len = strlen(s);
	if (strncmp(s, "builtin:", 8) == 0)
		return check_builtin(f, md->urlnode, s + 8);
	else if (len >= 3 && strcmp(s + len - 3, ".py") == 0) {
		if (resolve_file(f, md->urlnode, "python module", s,
		    &found) != 0)
			return -1;
		md->py = path_abs(ld->cwd, found);
		free(found);
	} else if (len >= 3 && strcmp(s + len - 3, ".so") == 0) {
		if (resolve_file(f, md->urlnode, "plugin", s, &found) != 0)
			return -1;
		md->so = path_abs(ld->cwd, found);
		free(found);
	} else
		return yfile_err(f, md->urlnode, "url '%s' is neither "
		    "'builtin:NAME', a .so plugin nor a .py module (use "
		    "`command: [...]` to run a program)", s);
	return 0;
}

/* Check a module's command, a non-empty list of strings, and copy it. */
static int
check_command(struct mod *md)
{
	struct yfile *f = md->f;
	yaml_node_t *e;
	const char *s;
	size_t i;

	if (md->cmd->type != YAML_SEQUENCE_NODE || ynode_len(md->cmd) == 0)
		return yfile_bad(f, md->cmd, "command",
		    "a non-empty list of strings");
	md->tmpl = xcalloc(ynode_len(md->cmd) + 1, sizeof *md->tmpl);
	for (i = 0; i < ynode_len(md->cmd); i++) {
		e = yfile_item(f, md->cmd, i);
		if (ynode_scalar(e) == NULL)
			return yfile_bad(f, e, "command argument", "a string");
		if (yfile_string(f, e, "command argument", 0, &s) != 0)
			return -1;
		md->tmpl[i] = xstrdup(s);
	}
	return 0;
}

/* The values sequence of hyperparameter name: `[...]` or `{values: [...]}`. */
static int
hp_values_node(struct yfile *f, yaml_node_t *spec, const char *name,
    yaml_node_t **out)
{
	char *where;
	int rc;

	if (spec->type == YAML_SEQUENCE_NODE) {
		*out = spec;
		return 0;
	}
	where = xasprintf("in hyperparameter '%s'", name);
	rc = yfile_need_map(f, spec, name) != 0 ||
	    yfile_keys(f, spec, where, hp_keys) != 0 ||
	    yfile_need(f, spec, "values", where, out) != 0 ||
	    yfile_need_seq(f, *out, "values") != 0 ? -1 : 0;
	free(where);
	return rc;
}

/* A value of a grid and where it is, for finding duplicates. */
struct hp_seen {
	char	*text;		/* canonical JSON: sorted keys, compact */
	size_t	 index;
};

/* Order by text, then by position. */
static int
hp_seen_cmp(const void *a, const void *b)
{
	const struct hp_seen *x = a, *y = b;
	int c = strcmp(x->text, y->text);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * The position of the first value of arr that equals an earlier one (the
 * second of its kind, in file order), or SIZE_MAX. Values are compared as
 * canonical JSON text (json_equal's equality: 1 and 1.0 differ, key order
 * does not matter), sorted: n log n, not n^2.
 */
static size_t
hp_first_duplicate(json_t *arr)
{
	size_t n = json_array_size(arr), i, dup = SIZE_MAX;
	struct hp_seen *seen = xcalloc(n + 1, sizeof *seen);

	for (i = 0; i < n; i++) {
		seen[i].text = json_dumps(json_array_get(arr, i), JSON_COMPACT |
		    JSON_SORT_KEYS | JSON_ENCODE_ANY);
		if (seen[i].text == NULL)
			BUG("job: a grid value cannot be encoded");
		seen[i].index = i;
	}
	qsort(seen, n, sizeof *seen, hp_seen_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(seen[i].text, seen[i - 1].text) == 0 &&
		    seen[i].index < dup)
			dup = seen[i].index;
	}
	for (i = 0; i < n; i++)
		free(seen[i].text);
	free(seen);
	return dup;
}

/* A hyperparameter's values as a JSON array: not empty, no value twice. */
static int
hp_values(struct yfile *f, yaml_node_t *vals, const char *name,
    json_t **out)
{
	json_t *arr;
	size_t j;

	if (ynode_len(vals) == 0)
		return yfile_err(f, vals, "hyperparameter '%s' has an empty "
		    "grid (values: [])", name);
	if (yfile_json(f, vals, &arr) != 0)
		return -1;
	if ((j = hp_first_duplicate(arr)) != SIZE_MAX) {
		json_decref(arr);
		return yfile_err(f, yfile_item(f, vals, j), "duplicate "
		    "value in hyperparameter '%s'", name);
	}
	*out = arr;
	return 0;
}

/* Copy each value's text as written into h (see struct hp), packed. */
static void
hp_texts(struct yfile *f, yaml_node_t *vals, struct hp *h)
{
	struct sbuf sb = { NULL, 0, 0 };
	size_t i, n = ynode_len(vals);
	const char *text;

	h->nvalues = n;
	h->text_at = xcalloc(n, sizeof *h->text_at);
	for (i = 0; i < n; i++) {
		text = ynode_scalar(yfile_item(f, vals, i));
		/* a file is at most YLOAD_MAX_FILE bytes: offsets fit */
		h->text_at[i] = text != NULL ? (uint32_t)sb.len : UINT32_MAX;
		if (text != NULL)
			sb_addn(&sb, text, strlen(text) + 1);
	}
	h->texts = sb_detach(&sb);
}

/* Load one `NAME: spec` pair of a hyperparameters entry into *hps. */
static int
load_hp(struct yfile *f, yaml_node_pair_t *p, size_t first, struct hp **hps,
    size_t *nhps)
{
	yaml_node_t *k = yfile_node(f, p->key), *vals;
	const char *name;
	json_t *arr = NULL;
	size_t h;

	if (yfile_string(f, k, "hyperparameter name", 1, &name) != 0)
		return -1;
	for (h = first; h < *nhps; h++) {
		if (strcmp((*hps)[h].name, name) == 0)
			return yfile_err(f, k, "hyperparameter '%s' is "
			    "defined twice in this module", name);
	}
	if (hp_values_node(f, yfile_node(f, p->value), name, &vals) != 0 ||
	    hp_values(f, vals, name, &arr) != 0)
		return -1;
	*hps = xreallocarray(*hps, *nhps + 1, sizeof **hps);
	(*hps)[*nhps].name = name;
	(*hps)[*nhps].key = NULL;
	(*hps)[*nhps].node = k;
	(*hps)[*nhps].values = arr;
	hp_texts(f, vals, &(*hps)[*nhps]);
	(*nhps)++;
	return 0;
}

/* Load a module's hyperparameters, appending them to *hps. */
static int
load_hyperparameters(struct mod *md, struct hp **hps, size_t *nhps)
{
	struct yfile *f = md->f;
	yaml_node_pair_t *p;
	yaml_node_t *n, *e;
	size_t i;

	md->hp_first = *nhps;
	if ((n = yfile_get(f, md->node, "hyperparameters")) == NULL)
		return 0;
	if (n->type == YAML_SCALAR_NODE && *ynode_scalar(n) == '\0' &&
	    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return 0;		/* `hyperparameters:` left empty */
	if (yfile_need_seq(f, n, "hyperparameters") != 0)
		return -1;
	for (i = 0; i < ynode_len(n); i++) {
		e = yfile_item(f, n, i);
		if (yfile_need_map(f, e, "hyperparameters entry") != 0 ||
		    yfile_keys(f, e, "in hyperparameters entry", NULL) != 0)
			return -1;
		for (p = e->data.mapping.pairs.start;
		    p < e->data.mapping.pairs.top; p++) {
			if (load_hp(f, p, md->hp_first, hps, nhps) != 0)
				return -1;
			md->hp_count++;
		}
	}
	return 0;
}

/* The module that hyperparameter h belongs to. */
static const struct mod *
hp_module(const struct alg *a, size_t h)
{
	size_t i;

	for (i = 0; i < a->nmods; i++)
		if (h >= a->mods[i].hp_first &&
		    h < a->mods[i].hp_first + a->mods[i].hp_count)
			return &a->mods[i];
	BUG("hyperparameter %zu belongs to no module", h);
}

/*
 * Name each hyperparameter in the test case's parameters: its own name, or
 * TYPE-NAME where another module of the algorithm has one of the same name,
 * as Ianvs names it in its rank (e.g. edgemodel-model, cloudmodel-model);
 * the modules still get their own names. Error if the keys still collide.
 */
static int
name_hps(struct alg *a)
{
	size_t h, o;
	int shared;

	for (h = 0; h < a->nhps; h++) {
		shared = 0;
		for (o = 0; o < a->nhps && !shared; o++)
			shared = o != h &&
			    strcmp(a->hps[o].name, a->hps[h].name) == 0;
		a->hps[h].key = shared ? xasprintf("%s-%s",
		    hp_module(a, h)->type, a->hps[h].name) :
		    xstrdup(a->hps[h].name);
	}
	for (h = 0; h < a->nhps; h++)
		for (o = 0; o < h; o++)
			if (strcmp(a->hps[o].key, a->hps[h].key) == 0)
				return yfile_err(hp_module(a, h)->f,
				    a->hps[h].node, "hyperparameter '%s' is "
				    "defined twice in this algorithm",
				    a->hps[h].key);
	return 0;
}

/* Load one module of an algorithm, appending its hyperparameters. */
static int
load_module(struct loader *ld, struct yfile *f, yaml_node_t *m,
    struct mod *md, struct hp **hps, size_t *nhps)
{
	yaml_node_t *n;

	md->f = f;
	md->node = m;
	if (yfile_need_map(f, m, "module") != 0 ||
	    yfile_keys(f, m, "in module", module_keys) != 0)
		return -1;
	if (yfile_need(f, m, "type", "in module", &n) != 0 ||
	    yfile_string(f, n, "type", 1, &md->type) != 0)
		return -1;
	if ((n = yfile_get(f, m, "name")) != NULL &&
	    yfile_string(f, n, "name", 1, &md->name) != 0)
		return -1;
	md->urlnode = yfile_get(f, m, "url");
	md->cmd = yfile_get(f, m, "command");
	if (md->urlnode != NULL && md->cmd != NULL)
		return yfile_err(f, md->cmd, "module has both 'url' and "
		    "'command': give one");
	if (md->urlnode != NULL && load_url(ld, md) != 0)
		return -1;
	if (md->cmd != NULL && check_command(md) != 0)
		return -1;
	return load_hyperparameters(md, hps, nhps);
}

/* The type of the module that runs a Python algorithm of a paradigm. */
static const char *
python_run_type(const char *paradigm)
{
	size_t i;

	for (i = 0; python_paradigms[i] != NULL; i++)
		if (strcmp(paradigm, python_paradigms[i]) == 0)
			return python_run_types[i];
	return "basemodel";
}

/*
 * An algorithm with .py modules runs the one of the type Ianvs's paradigm
 * builds its job from (basemodel; edgemodel for jointinference), or its only
 * .py module; the others go to the adapter with it. 0 picked, 1 none is
 * Python, -1 error.
 */
static int
pick_python(struct alg *a, size_t *out)
{
	const char *want = python_run_type(a->paradigm);
	struct mod *mods = a->mods;
	size_t i, npy = 0, py = 0, nbase = 0, base = 0;

	for (i = 0; i < a->nmods; i++) {
		if (mods[i].py == NULL)
			continue;
		if (npy++ == 0)
			py = i;
		if (strcmp(mods[i].type, want) == 0 && nbase++ == 0)
			base = i;
	}
	if (npy == 0)
		return 1;
	for (i = 0; i < a->nmods; i++) {
		if (mods[i].cmd != NULL || mods[i].so != NULL ||
		    (mods[i].url != NULL && mods[i].py == NULL))
			return yfile_err(mods[i].f, mods[i].node, "algorithm "
			    "'%s' mixes .py modules with a command, .so or "
			    "builtin: module: give .py modules only", a->name);
	}
	if (npy == 1 || nbase == 1) {
		*out = npy == 1 ? py : base;
		return 0;
	}
	return yfile_err(a->f, a->node, "algorithm '%s' has several .py "
	    "modules and not one of type '%s' to run", a->name, want);
}

/* Pick the module that runs: .py, command or .so first, then builtin. */
static int
pick_runnable(struct alg *a)
{
	struct yfile *af = a->f;
	yaml_node_t *alg = a->node;
	const char *algname = a->name;
	struct mod *mods = a->mods;
	size_t i, found = SIZE_MAX, nbuiltin = 0, nbase = 0, base = 0;
	size_t builtin = 0, nmods = a->nmods, *out = &a->run;
	int rc = pick_python(a, out);

	if (rc <= 0)
		return rc;
	for (i = 0; i < nmods; i++) {
		if (mods[i].cmd == NULL && mods[i].so == NULL)
			continue;
		if (found != SIZE_MAX)
			return yfile_err(mods[i].f, mods[i].node, "algorithm "
			    "'%s' has more than one module that runs (a "
			    "command or a .so): give one", algname);
		found = i;
	}
	if (found != SIZE_MAX) {
		*out = found;
		return 0;
	}
	for (i = 0; i < nmods; i++) {
		if (mods[i].url == NULL)
			continue;
		if (nbuiltin++ == 0)
			builtin = i;
		if (strcmp(mods[i].type, "basemodel") == 0 && nbase++ == 0)
			base = i;
	}
	if (nbuiltin == 0)
		return yfile_err(af, alg, "algorithm '%s' has no module that "
		    "runs: give one module `url: builtin:NAME`, a .so path "
		    "or `command: [...]`", algname);
	if (nbuiltin == 1) {
		*out = builtin;
		return 0;
	}
	if (nbase == 1) {
		*out = base;
		return 0;
	}
	return yfile_err(af, alg, "algorithm '%s' has several builtin: "
	    "modules and not one of type 'basemodel' to run", algname);
}

/* Append a test case to the array expand_all() sized. */
static struct job_testcase *
add_testcase(struct loader *ld)
{
	struct job *job = ld->job;
	struct job_testcase *tc;

	if (job->ntestcases == ld->ntotal)
		BUG("test case %zu of %zu", job->ntestcases, ld->ntotal);
	tc = &job->testcases[job->ntestcases++];
	memset(tc, 0, sizeof *tc);
	return tc;
}

/* A test case's name: "ALGO", or "ALGO[k=v,...]" for a grid of several. */
static char *
testcase_name(struct alg *a, const size_t *idx)
{
	struct sbuf sb = { NULL, 0, 0 };
	char *text;
	size_t i;

	sb_add(&sb, a->name);
	if (a->total == 1)
		return sb_detach(&sb);
	for (i = 0; i < a->nhps; i++) {
		sb_add(&sb, i == 0 ? "[" : ",");
		sb_add(&sb, a->hps[i].key);
		sb_add(&sb, "=");
		text = value_text(json_array_get(a->hps[i].values, idx[i]));
		sb_add(&sb, text);
		free(text);
	}
	sb_add(&sb, "]");
	return sb_detach(&sb);
}

/* Each parameter's text as written at grid point idx (NULL: the first). */
static json_t *
point_texts(const struct alg *a, const size_t *idx)
{
	json_t *o = yjson_check(json_object());
	uint32_t at;
	size_t i;

	for (i = 0; i < a->nhps; i++) {
		at = a->hps[i].text_at[idx != NULL ? idx[i] : 0];
		json_object_set_new(o, a->hps[i].key, yjson_check(
		    at != UINT32_MAX ? json_string(a->hps[i].texts + at) :
		    json_null()));
	}
	return o;
}

/* A module's type, name and url (the .so or .py as resolved) as JSON,
   what a test case's modules and the job's share. */
static json_t *
module_head_json(const struct mod *md)
{
	json_t *mj = yjson_check(json_object());

	json_object_set_new(mj, "type", yjson_check(json_string(md->type)));
	if (md->name != NULL)
		json_object_set_new(mj, "name",
		    yjson_check(json_string(md->name)));
	if (md->url != NULL)
		json_object_set_new(mj, "url", yjson_check(json_string(
		    md->so != NULL ? md->so : md->py != NULL ? md->py :
		    md->url)));
	return mj;
}

/* Module j of a test case as JSON; the running module's argv goes to
   *run_argv (allocated), for the test case's key. */
static json_t *
module_json(struct alg *a, size_t j, json_t *params, const size_t *idx,
    char ***run_argv)
{
	struct mod *md = &a->mods[j];
	json_t *mj, *mh, *arr, *texts;
	char **argv;
	size_t i;

	mj = module_head_json(md);
	if (md->tmpl != NULL) {
		texts = point_texts(a, idx);
		argv = fill_command(md->tmpl, params, texts);
		json_decref(texts);
		arr = yjson_check(json_array());
		for (i = 0; argv[i] != NULL; i++)
			json_array_append_new(arr,
			    yjson_check(json_string(argv[i])));
		json_object_set_new(mj, "command", arr);
		if (j == a->run)
			*run_argv = argv;
		else
			strv_free(argv);
	}
	mh = yjson_check(json_object());
	for (i = md->hp_first; i < md->hp_first + md->hp_count; i++)
		json_object_set(mh, a->hps[i].name,
		    json_array_get(a->hps[i].values, idx[i]));
	json_object_set_new(mj, "hyperparameters", mh);
	return mj;
}

/* What runs an algorithm's test cases: its running module's command,
   .py, .so or builtin. */
static enum job_runner
alg_runner(const struct alg *a)
{
	const struct mod *md = &a->mods[a->run];

	if (md->tmpl != NULL)
		return JOB_RUNNER_COMMAND;
	if (md->py != NULL)
		return JOB_RUNNER_PYTHON;
	return md->so != NULL ? JOB_RUNNER_PLUGIN : JOB_RUNNER_BUILTIN;
}

/* How a test case runs: alg_runner() and its url, shared with the
   algorithm entry (which the job keeps). */
static void
set_runner(struct alg *a, struct job_testcase *tc)
{
	struct mod *md = &a->mods[a->run];

	tc->runner = alg_runner(a);
	switch (tc->runner) {
	case JOB_RUNNER_COMMAND:
		tc->url = NULL;
		break;
	case JOB_RUNNER_PYTHON:
		tc->url = md->py;
		break;
	case JOB_RUNNER_PLUGIN:
		tc->url = md->so;
		break;
	case JOB_RUNNER_BUILTIN:
		tc->url = md->url + 8;
		break;
	}
}

/* Compact JSON text of v, which it consumes. */
static char *
dump_compact(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s == NULL)
		BUG("json_dumps failed");
	json_decref(v);
	return s;
}

/*
 * Add the test case at grid point idx (one value index per parameter). Its
 * parameters and modules are built as JSON for its key, then kept as text:
 * a jansson tree per test case costs over a kilobyte.
 */
static void
add_point(struct loader *ld, struct alg *a, size_t k, const size_t *idx)
{
	struct job_testcase *tc;
	json_t *params, *modules;
	char **argv = NULL;
	size_t i, j;

	tc = add_testcase(ld);
	tc->algorithm = a->name;
	tc->paradigm = a->paradigm;
	tc->alg = (uint32_t)a->index;
	tc->point = (uint32_t)k;
	params = yjson_check(json_object());
	for (i = 0; i < a->nhps; i++)
		json_object_set(params, a->hps[i].key,
		    json_array_get(a->hps[i].values, idx[i]));
	tc->name = testcase_name(a, idx);
	modules = yjson_check(json_array());
	for (j = 0; j < a->nmods; j++)
		json_array_append_new(modules,
		    module_json(a, j, params, idx, &argv));
	set_runner(a, tc);
	testcase_key(ld->job, tc, params, modules, argv, a->kwargs);
	json_decref(modules);
	strv_free(argv);
	tc->params = pool_move(ld->job, dump_compact(params));
	tc->name = pool_move(ld->job, tc->name);
}

/*
 * The algorithm's modules without values, for job_modules(): type, name,
 * url (the .so or .py path as resolved) or the command as written, and
 * each hyperparameter's name mapped to its key in the test cases' params.
 */
static json_t *
alg_modules_json(struct alg *a)
{
	json_t *mods = yjson_check(json_array()), *mj, *mh, *arr;
	struct mod *md;
	size_t i, j;

	for (j = 0; j < a->nmods; j++) {
		md = &a->mods[j];
		mj = module_head_json(md);
		if (md->tmpl != NULL) {
			arr = yjson_check(json_array());
			for (i = 0; md->tmpl[i] != NULL; i++)
				json_array_append_new(arr, yjson_check(
				    json_string(md->tmpl[i])));
			json_object_set_new(mj, "command", arr);
		}
		mh = yjson_check(json_object());
		for (i = md->hp_first; i < md->hp_first + md->hp_count; i++)
			json_object_set_new(mh, a->hps[i].name,
			    yjson_check(json_string(a->hps[i].key)));
		json_object_set_new(mj, "hyperparameters", mh);
		if (j == a->run)
			json_object_set_new(mj, "runs", json_true());
		json_array_append_new(mods, mj);
	}
	return mods;
}

/* The value indexes (one per parameter) of grid point k of a, last
   parameter fastest. */
static void
grid_point(const struct alg *a, size_t k, size_t *idx)
{
	size_t i;

	for (i = a->nhps; i > 0; i--) {
		idx[i - 1] = k % a->hps[i - 1].nvalues;
		k /= a->hps[i - 1].nvalues;
	}
}

/* Expand an algorithm's grid into test cases; then free its values. */
static void
expand_grid(struct loader *ld, struct alg *a)
{
	size_t k, i, *idx;

	idx = xcalloc(a->nhps + 1, sizeof *idx);
	for (k = 0; k < a->total; k++) {
		grid_point(a, k, idx);
		add_point(ld, a, k, idx);
	}
	free(idx);
	for (i = 0; i < a->nhps; i++) {
		json_decref(a->hps[i].values);
		a->hps[i].values = NULL;
	}
}

/* Expand every algorithm's grid, in order, into one array of the size
   their grids add up to. */
static void
expand_all(struct loader *ld)
{
	struct job *job = ld->job;
	size_t i;

	job->testcases = xcalloc(ld->ntotal, sizeof *job->testcases);
	for (i = 0; i < ld->nalgs; i++) {
		ld->algs[i].first = job->ntestcases;
		expand_grid(ld, &ld->algs[i]);
	}
}

/*
 * Error unless name is a paradigm of paradigms/paradigm.c's table; suggest
 * the nearest name of the table.
 */
static int
check_paradigm(struct yfile *f, yaml_node_t *n, const char *name)
{
	const char **names, *near;
	size_t i, count = paradigm_count();

	if (paradigm_find(name) != NULL)
		return 0;
	if (yword_in(name, ianvs_only_paradigms))
		return yfile_err(f, n, "paradigm_type '%s' is an Ianvs paradigm "
		    "bench does not support yet (bench runs: %s)", name,
		    paradigm_names());
	names = xcalloc(count + 1, sizeof *names);
	for (i = 0; i < count; i++)
		names[i] = paradigm_at(i)->name;
	near = yword_suggest(name, names);
	if (near != NULL)
		yfile_err(f, n, "unknown paradigm_type '%s' (did you mean "
		    "'%s'?)", name, near);
	else
		yfile_err(f, n, "unknown paradigm_type '%s'", name);
	free(names);
	return -1;
}

/* Check an algorithms entry and its name, unique in the job; record it. */
static int
load_entry(struct loader *ld, struct yfile *ef, yaml_node_t *entry,
    struct alg *a)
{
	yaml_node_t *n;
	size_t i;

	if (yfile_need_map(ef, entry, "algorithms entry") != 0 ||
	    yfile_keys(ef, entry, "in algorithms entry", entry_keys) != 0 ||
	    yfile_need(ef, entry, "name", "in algorithms entry", &n) != 0 ||
	    yfile_string(ef, n, "name", 1, &a->name) != 0)
		return -1;
	for (i = 0; i < a->index; i++) {
		if (strcmp(ynode_scalar(ld->alg_name[i]), a->name) == 0)
			return yfile_err(ef, n, "duplicate algorithm name "
			    "'%s'", a->name);
	}
	ld->alg_file[a->index] = ef;
	ld->alg_name[a->index] = n;
	ld->alg_mark[a->index] = yfile_mark(ef, n);
	ld->nalgs = a->index + 1;
	return 0;
}

/* Find an entry's `algorithm:` mapping: inline, or in the file of `url:`. */
static int
find_algorithm(struct loader *ld, struct yfile *ef, yaml_node_t *entry,
    struct alg *a)
{
	yaml_node_t *url, *root;
	const char *path;
	char *found;
	int rc;

	url = yfile_get(ef, entry, "url");
	a->f = ef;
	a->node = yfile_get(ef, entry, "algorithm");
	if (url != NULL && a->node != NULL)
		return yfile_err(ef, a->node, "algorithm '%s' has both 'url' "
		    "and 'algorithm': give one", a->name);
	if (url == NULL && a->node == NULL)
		return yfile_err(ef, entry, "missing key 'url' in algorithms "
		    "entry");
	if (url == NULL)
		return 0;
	if (yfile_string(ef, url, "url", 1, &path) != 0 ||
	    resolve_file(ef, url, "algorithm file", path, &found) != 0)
		return -1;
	rc = yload_file(&ld->yl, found, &a->f, &root);
	free(found);
	if (rc != 0)
		return -1;
	return yfile_keys(a->f, root, "at the top of an algorithm file",
	    algorithm_root_keys) != 0 ||
	    yfile_need(a->f, root, "algorithm", "at the top of an algorithm "
	    "file", &a->node) != 0 ? -1 : 0;
}

/* Check the `algorithm:` mapping's keys and paradigm_type. */
static int
load_paradigm(struct alg *a)
{
	yaml_node_t *n;

	if (yfile_need_map(a->f, a->node, "algorithm") != 0 ||
	    yfile_keys(a->f, a->node, "in algorithm", algorithm_keys) != 0 ||
	    yfile_need(a->f, a->node, "paradigm_type", "in algorithm",
	    &n) != 0 ||
	    yfile_string(a->f, n, "paradigm_type", 1, &a->paradigm) != 0)
		return -1;
	return check_paradigm(a->f, n, a->paradigm);
}

/*
 * A path as Ianvs's paradigm would open it: in the cwd, else beside the
 * file that names it, made absolute; a path found in neither (a URL, a
 * file the module makes) as written.
 */
static char *
path_found(struct loader *ld, struct yfile *f, const char *s)
{
	struct stat sb;
	char *dir, *joined, *abs;

	if (*s == '\0' || strstr(s, "://") != NULL)
		return xstrdup(s);
	if (stat(s, &sb) == 0)
		return path_abs(ld->cwd, s);
	if (*s == '/')
		return xstrdup(s);
	dir = path_dir(f->path);
	joined = path_join(dir, s);
	free(dir);
	abs = stat(joined, &sb) == 0 ? path_abs(ld->cwd, joined) :
	    xstrdup(s);
	free(joined);
	return abs;
}

/*
 * The keyword arguments Ianvs hands the paradigm from the algorithm and the
 * job, for the Python adapter: initial_model_url (found as Ianvs would),
 * incremental_learning_data_setting and hard_example_mining_mode.
 */
static int
load_kwargs(struct loader *ld, struct alg *a)
{
	yaml_node_t *n;
	json_t *setting;
	const char *s;
	char *path;

	a->kwargs = yjson_check(json_object());
	if ((n = yfile_get(a->f, a->node, "initial_model_url")) != NULL) {
		if (yfile_string(a->f, n, "initial_model_url", 0, &s) != 0)
			return -1;
		path = path_found(ld, a->f, s);
		json_object_set_new(a->kwargs, "initial_model_url",
		    yjson_check(json_string(path)));
		free(path);
	}
	if ((n = yfile_get(a->f, a->node,
	    "incremental_learning_data_setting")) != NULL) {
		if (yfile_need_map(a->f, n,
		    "incremental_learning_data_setting") != 0 ||
		    yfile_json(a->f, n, &setting) != 0)
			return -1;
		json_object_set_new(a->kwargs,
		    "incremental_learning_data_setting", setting);
	}
	if (ld->hem_mode != NULL)
		json_object_set_new(a->kwargs, "hard_example_mining_mode",
		    yjson_check(json_string(ld->hem_mode)));
	return 0;
}

/*
 * Error unless the algorithm's .py modules, if any, are under a paradigm
 * whose Ianvs flow the adapter runs (python_paradigms). Checked before
 * picking the module to run, so that a paradigm with several .py modules
 * (Ianvs's lifelonglearning: task_definition, task_allocation, ...) is
 * refused for what it is.
 */
static int
check_python(const struct alg *a)
{
	size_t i;

	if (yword_in(a->paradigm, python_paradigms))
		return 0;
	for (i = 0; i < a->nmods; i++)
		if (a->mods[i].py != NULL)
			return yfile_err(a->mods[i].f, a->mods[i].urlnode,
			    "paradigm %s with Python modules is not supported "
			    "yet: bench runs .py modules under "
			    "singletasklearning, incrementallearning and "
			    "jointinference only", a->paradigm);
	return 0;
}

/* Error unless a learner paradigm runs bench's learner, builtin:logreg,
   or a Python module (the adapter runs Ianvs's flow around it). */
static int
check_learner(struct alg *a)
{
	const struct paradigm *pd = paradigm_find(a->paradigm);
	struct mod *md = &a->mods[a->run];

	if (pd == NULL || !pd->learner || md->py != NULL ||
	    (md->url != NULL && strcmp(md->url, "builtin:logreg") == 0))
		return 0;
	return yfile_err(md->f, md->urlnode != NULL ? md->urlnode : md->node,
	    "paradigm %s trains a learner, and bench's learner is "
	    "builtin:logreg: use url: builtin:logreg", a->paradigm);
}

/*
 * Error unless a Python jointinference algorithm has what the adapter's
 * flow needs: the modules Ianvs's JointInference requires, and its samples
 * in testenv dataset's test_url or test_index.
 */
static int
check_joint(struct loader *ld, const struct alg *a)
{
	static const char *const need[] = {
		"edgemodel", "cloudmodel", "hard_example_mining", NULL
	};
	json_t *ds = json_object_get(ld->job->testenv, "dataset");
	size_t i, j;

	if (strcmp(a->paradigm, "jointinference") != 0 ||
	    a->mods[a->run].py == NULL)
		return 0;
	for (i = 0; need[i] != NULL; i++) {
		for (j = 0; j < a->nmods; j++)
			if (strcmp(a->mods[j].type, need[i]) == 0)
				break;
		if (j == a->nmods)
			return yfile_err(a->f, a->node, "jointinference with "
			    "Python modules needs modules of type edgemodel, "
			    "cloudmodel and hard_example_mining, as Ianvs's "
			    "JointInference does: '%s' has no %s", a->name,
			    need[i]);
	}
	if (json_object_get(ds, "test_url") != NULL ||
	    json_object_get(ds, "test_index") != NULL)
		return 0;
	return yfile_err(ld->dataset != NULL ? ld->dataset_f : a->f,
	    ld->dataset != NULL ? ld->dataset : a->node, "jointinference "
	    "with Python modules reads its samples from testenv dataset "
	    "test_url or test_index%s", json_object_get(ds, "test_data_info")
	    != NULL ? "; test_data_info (Ianvs's LLM dataset layout) is not "
	    "supported yet" : "");
}

/* Load the algorithm's modules and pick the one that runs. */
static int
load_modules(struct loader *ld, struct alg *a)
{
	yaml_node_t *modules;
	size_t i, n;

	if (yfile_need(a->f, a->node, "modules", "in algorithm",
	    &modules) != 0 ||
	    yfile_need_seq(a->f, modules, "modules") != 0)
		return -1;
	n = ynode_len(modules);
	if (n == 0)
		return yfile_err(a->f, modules, "algorithm '%s' has no "
		    "modules", a->name);
	a->mods = xcalloc(n, sizeof *a->mods);
	for (i = 0; i < n; i++) {
		a->nmods++;
		if (load_module(ld, a->f, yfile_item(a->f, modules, i),
		    &a->mods[i], &a->hps, &a->nhps) != 0)
			return -1;
	}
	if (name_hps(a) != 0 || check_python(a) != 0 ||
	    pick_runnable(a) != 0 || check_joint(ld, a) != 0)
		return -1;
	return check_learner(a);
}

/* The number of grid points, within what the job may still add. */
static int
grid_size(struct loader *ld, struct alg *a)
{
	size_t i, room = JOB_MAX_TESTCASES - ld->ntotal;

	a->total = 1;
	for (i = 0; i < a->nhps; i++) {
		a->total *= json_array_size(a->hps[i].values);
		if (a->total > room)
			return yfile_err(a->f, a->node, "algorithm '%s' makes "
			    "more than %u test cases", a->name,
			    JOB_MAX_TESTCASES);
	}
	if (a->total > room)
		return yfile_err(a->f, a->node, "more than %u test cases",
		    JOB_MAX_TESTCASES);
	return 0;
}

/* Check the command templates once, against the first grid point. */
static int
check_templates(struct alg *a)
{
	yaml_node_t *e;
	json_t *first, *texts;
	char *arg, *why;
	size_t i, j;
	int rc = 0;

	first = yjson_check(json_object());
	for (i = 0; i < a->nhps; i++)
		json_object_set(first, a->hps[i].key,
		    json_array_get(a->hps[i].values, 0));
	texts = point_texts(a, NULL);
	for (i = 0; i < a->nmods && rc == 0; i++) {
		if (a->mods[i].cmd == NULL)
			continue;
		for (j = 0; j < ynode_len(a->mods[i].cmd) && rc == 0; j++) {
			e = yfile_item(a->f, a->mods[i].cmd, j);
			arg = fill_arg(ynode_scalar(e), first, texts, &why);
			if (arg == NULL) {
				rc = yfile_err(a->f, e, "%s", why);
				free(why);
			}
			free(arg);
		}
	}
	json_decref(first);
	json_decref(texts);
	return rc;
}

/* Free what an algorithm entry owns. */
static void
alg_clear(struct alg *a)
{
	size_t i;

	for (i = 0; i < a->nmods; i++) {
		free(a->mods[i].so);
		free(a->mods[i].py);
		strv_free(a->mods[i].tmpl);
	}
	free(a->mods);
	for (i = 0; i < a->nhps; i++) {
		free(a->hps[i].key);
		json_decref(a->hps[i].values);
		free(a->hps[i].texts);
		free(a->hps[i].text_at);
	}
	free(a->hps);
	json_decref(a->kwargs);
	memset(a, 0, sizeof *a);
}

/* Copy what the expansion reads from the documents and forget the nodes:
   the name and paradigm go to the job (its test cases share them), the
   rest to the loader. */
static void
alg_detach(struct loader *ld, struct alg *a)
{
	struct mod *md;
	size_t i;

	a->name = strvec_push(&ld->job->shared, a->name);
	a->paradigm = strvec_push(&ld->job->shared, a->paradigm);
	a->f = NULL;
	a->node = NULL;
	for (i = 0; i < a->nmods; i++) {
		md = &a->mods[i];
		md->type = strvec_push(&ld->job->shared, md->type);
		if (md->name != NULL)
			md->name = strvec_push(&ld->job->shared, md->name);
		if (md->url != NULL)
			md->url = strvec_push(&ld->job->shared, md->url);
		md->f = NULL;
		md->node = md->urlnode = md->cmd = NULL;
	}
	for (i = 0; i < a->nhps; i++) {
		a->hps[i].name = strvec_push(&ld->job->shared, a->hps[i].name);
		a->hps[i].node = NULL;
	}
}

/* Load and check one test_object.algorithms entry into ld->algs[ai],
   detached from the documents; job_load() expands it once they are
   freed. */
static int
load_algorithm(struct loader *ld, struct yfile *ef, yaml_node_t *entry,
    size_t ai)
{
	struct alg *a = &ld->algs[ai];

	a->index = ai;
	if (load_entry(ld, ef, entry, a) != 0 ||
	    find_algorithm(ld, ef, entry, a) != 0 ||
	    load_paradigm(a) != 0 || load_kwargs(ld, a) != 0 ||
	    load_modules(ld, a) != 0 || grid_size(ld, a) != 0 ||
	    check_templates(a) != 0)
		return -1;
	ld->ntotal += a->total;
	alg_detach(ld, a);
	json_object_set_new(ld->job->modules, a->name, alg_modules_json(a));
	return 0;
}

/* A test case name and its index, for sorting. */
struct tc_name {
	const char	*name;
	size_t		 index;
};

/* Compare two test case names; ties by index. */
static int
cmp_tc_name(const void *a, const void *b)
{
	const struct tc_name *ta = a, *tb = b;
	int c = strcmp(ta->name, tb->name);

	if (c != 0)
		return c;
	return ta->index < tb->index ? -1 : ta->index > tb->index;
}

/* Error on two test cases with the same name, at the mark of the later
   one's algorithm entry. */
static int
check_unique(struct loader *ld)
{
	struct job *job = ld->job;
	struct tc_name *order;
	size_t i, a;
	int rc = 0;

	if (job->ntestcases < 2)
		return 0;
	order = xcalloc(job->ntestcases, sizeof *order);
	for (i = 0; i < job->ntestcases; i++) {
		order[i].name = job->testcases[i].name;
		order[i].index = i;
	}
	qsort(order, job->ntestcases, sizeof *order, cmp_tc_name);
	for (i = 1; i < job->ntestcases; i++) {
		if (strcmp(order[i - 1].name, order[i].name) != 0)
			continue;
		for (a = ld->nalgs - 1; ld->algs[a].first > order[i].index;
		    a--)
			;
		rc = err_set(ld->yl.cause, "%s: test case name '%s' is not "
		    "unique", ld->alg_mark[a], order[i].name);
		break;
	}
	free(order);
	return rc;
}

/* Lay out warmup + repeat repetitions of every unit (plan.c) and mark
   the first warmup ones: 0, or -1 when there would be too many. */
static int
job_plan(struct job *job)
{
	struct job_unit *units;
	size_t n, i;

	if (plan_units(job->name, job->testcases, job->ntestcases,
	    job->settings.partitions, (unsigned)(job->settings.repeat +
	    job->settings.warmup), &units, &n) != 0)
		return -1;
	for (i = 0; i < n; i++)
		units[i].warmup = units[i].rep < (unsigned)job->settings.warmup;
	free(job->units);
	job->units = units;
	job->nunits = n;
	return 0;
}

/*
 * A .py metric is run by the Python adapter: every test case must be one
 * of its units, never silently left without it. The error names the first
 * test case that is not, the first of its algorithm's grid; it waits in
 * ld->py_err for the expansion's own.
 */
static void
check_py_metrics(struct loader *ld)
{
	struct alg *a;
	size_t i, *zero;
	char *name, *mark;

	if (ld->pymetric == NULL)
		return;
	for (i = 0; i < ld->nalgs; i++) {
		a = &ld->algs[i];
		if (alg_runner(a) == JOB_RUNNER_PYTHON)
			continue;
		zero = xcalloc(a->nhps + 1, sizeof *zero);
		name = testcase_name(a, zero);
		mark = yfile_mark(ld->pymetric_f, ld->pymetric);
		ld->py_err = xasprintf("%s: this .py metric runs only in "
		    "Python-module test cases, and test case '%s' is not one "
		    "(give its algorithm a .py module, or the metric no url)",
		    mark, name);
		free(mark);
		free(name);
		free(zero);
		return;
	}
}

/*
 * Error, at the job's mark, when the test cases would make too many units
 * (counted per algorithm: its test cases make as many each); it waits in
 * ld->units_err. job_load lays them out once the documents are gone.
 */
static void
check_units(struct loader *ld, struct yfile *f, yaml_node_t *bj)
{
	const struct job_settings *st = &ld->job->settings;
	struct job_testcase tc;
	size_t i, n = 0, per;
	char *mark;

	for (i = 0; i < ld->nalgs; i++) {
		memset(&tc, 0, sizeof tc);
		tc.name = (char *)ld->algs[i].name;
		tc.paradigm = ld->algs[i].paradigm;
		tc.runner = alg_runner(&ld->algs[i]);
		if (plan_count(&tc, 1, st->partitions, (unsigned)(st->repeat +
		    st->warmup), &per) != 0 ||
		    (n += per * ld->algs[i].total) > PLAN_MAX_UNITS)
			break;
	}
	if (i == ld->nalgs)
		return;
	mark = yfile_mark(f, bj);
	ld->units_err = xasprintf("%s: job makes more than %u units", mark,
	    PLAN_MAX_UNITS);
	free(mark);
}

/* job_sha256: the hash over every test case's key, in order. */
static void
job_hash(struct job *job)
{
	struct sha256 s;
	unsigned char digest[32];
	char hex[65];
	size_t i;

	sha256_init(&s);
	for (i = 0; i < job->ntestcases; i++)
		sha256_update(&s, job_testcase_key(&job->testcases[i], hex),
		    64);
	sha256_final(&s, digest);
	sha256_digest_hex(digest, job->sha256);
}

/* Load the benchmarkingjob mapping. */
static int
load_job(struct loader *ld, struct yfile *f, yaml_node_t *bj)
{
	struct job *job = ld->job;
	yaml_node_t *n, *to, *algs;
	const char *s;
	size_t i;

	if (yfile_need_map(f, bj, "benchmarkingjob") != 0 ||
	    yfile_keys(f, bj, "in benchmarkingjob", job_keys) != 0 ||
	    yfile_need(f, bj, "name", "in benchmarkingjob", &n) != 0 ||
	    yfile_string(f, n, "name", 1, &s) != 0)
		return -1;
	if (strchr(s, '/') != NULL || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return yfile_bad(f, n, "name", "usable as a directory name");
	job->name = xstrdup(s);

	s = "./workspace";
	if ((n = yfile_get(f, bj, "workspace")) != NULL &&
	    yfile_string(f, n, "workspace", 1, &s) != 0)
		return -1;
	job->workspace = path_abs(ld->cwd, s);
	if (strcmp(job->workspace, "/") == 0)
		job->output_dir = xasprintf("/%s", job->name);
	else
		job->output_dir = xasprintf("%s/%s", job->workspace,
		    job->name);

	if (load_settings(ld, f, bj) != 0)
		return -1;
	if ((n = yfile_get(f, bj, "hard_example_mining_mode")) != NULL &&
	    yfile_string(f, n, "hard_example_mining_mode", 1,
	    &ld->hem_mode) != 0)
		return -1;
	if ((n = yfile_get(f, bj, "testenv")) != NULL &&
	    load_testenv(ld, f, n) != 0)
		return -1;
	if (job->testenv == NULL)
		job->testenv = yjson_check(json_object());
	if ((n = yfile_get(f, bj, "rank")) != NULL && load_rank(ld, f, n) != 0)
		return -1;

	if (yfile_need(f, bj, "test_object", "in benchmarkingjob",
	    &to) != 0 ||
	    yfile_need_map(f, to, "test_object") != 0 ||
	    yfile_keys(f, to, "in test_object", test_object_keys) != 0)
		return -1;
	if ((n = yfile_get(f, to, "type")) != NULL) {
		s = ynode_scalar(n);
		if (s == NULL || strcmp(s, "algorithms") != 0)
			return yfile_bad(f, n, "type", "'algorithms'");
	}
	if (yfile_need(f, to, "algorithms", "in test_object",
	    &algs) != 0 ||
	    yfile_need_seq(f, algs, "algorithms") != 0)
		return -1;
	if (ynode_len(algs) == 0)
		return yfile_err(f, algs, "test_object has no algorithms");
	ld->algs = xcalloc(ynode_len(algs), sizeof *ld->algs);
	ld->alg_file = xcalloc(ynode_len(algs), sizeof *ld->alg_file);
	ld->alg_name = xcalloc(ynode_len(algs), sizeof *ld->alg_name);
	ld->alg_mark = xcalloc(ynode_len(algs), sizeof *ld->alg_mark);
	for (i = 0; i < ynode_len(algs); i++) {
		if (load_algorithm(ld, f, yfile_item(f, algs, i), i) != 0)
			return -1;
	}
	check_py_metrics(ld);
	check_units(ld, f, bj);
	return 0;
}

/*
 * Expand the loaded algorithms into test cases and units, then report the
 * errors found while loading (check_unique's first, then ld->py_err,
 * ld->units_err, the order the checks ran in when the test cases were
 * expanded before the documents were freed).
 */
static int
job_expand(struct loader *ld)
{
	struct job *job = ld->job;

	expand_all(ld);
	if (check_unique(ld) != 0)
		return -1;
	if (ld->py_err != NULL)
		return err_set(ld->yl.cause, "%s", ld->py_err);
	if (ld->units_err != NULL)
		return err_set(ld->yl.cause, "%s", ld->units_err);
	job_hash(job);
	if (job_plan(job) != 0)
		BUG("job %s: units not counted", job->name);
	job->algs = ld->algs;
	job->nalgs = ld->nalgs;
	ld->algs = NULL;
	return 0;
}

/* Free the loader's state (not its job, nor its load's files). */
static void
loader_release(struct loader *ld)
{
	size_t i;

	for (i = 0; i < ld->nalgs; i++) {
		if (ld->algs != NULL)
			alg_clear(&ld->algs[i]);
		free(ld->alg_mark[i]);
	}
	free(ld->algs);
	free(ld->alg_file);
	free(ld->alg_name);
	free(ld->alg_mark);
	free(ld->py_err);
	free(ld->units_err);
	free(ld->cwd);
}

/* Load a job file; see job.h. */
int
job_load(const char *path, struct job **out, char **cause)
{
	struct loader ld;
	struct job *job;
	struct yfile *f;
	yaml_node_t *root, *bj;
	int rc = -1;

	memset(&ld, 0, sizeof ld);
	yload_init(&ld.yl, cause);
	if ((ld.cwd = get_cwd(cause)) == NULL)
		return -1;
	job = xcalloc(1, sizeof *job);
	ld.job = job;
	job->settings.parallel = -1;
	job->settings.launcher = xstrdup("local");
	job->settings.partitions = 1;
	job->settings.repeat = 1;
	job->save_mode = xstrdup("selected_and_all");
	job->metric_names = yjson_check(json_array());
	job->modules = yjson_check(json_object());
	job->path = path_abs(ld.cwd, path);

	if (yload_file(&ld.yl, path, &f, &root) != 0)
		goto out;
	if (yfile_keys(f, root, "at the top of the job file",
	    root_keys) != 0 ||
	    yfile_need(f, root, "benchmarkingjob", "at the top of the job "
	    "file", &bj) != 0)
		goto out;
	rc = load_job(&ld, f, bj);

out:
	/* the test cases and units come after the documents are freed:
	   the two together were the peak of a big grid's load */
	yload_release(&ld.yl);
	if (rc == 0)
		rc = job_expand(&ld);
	loader_release(&ld);
	if (rc != 0) {
		job_free(job);
		return -1;
	}
	*out = job;
	return 0;
}

/* Free a job and everything it owns. */
void
job_free(struct job *job)
{
	size_t i;

	if (job == NULL)
		return;
	free(job->name);
	free(job->path);
	free(job->workspace);
	free(job->output_dir);
	free(job->settings.launcher);
	free(job->settings.slurm_partition);
	free(job->settings.db);
	free(job->settings.python);
	free(job->testcases);
	for (i = 0; i < job->nalgs; i++)
		alg_clear(&job->algs[i]);
	free(job->algs);
	strvec_clear(&job->shared);
	pool_free(job);
	free(job->units);
	for (i = 0; i < job->nsort_keys; i++)
		free(job->sort_keys[i].metric);
	free(job->sort_keys);
	json_decref(job->selected_dataitem);
	free(job->save_mode);
	json_decref(job->testenv);
	json_decref(job->metric_names);
	json_decref(job->modules);
	free(job);
}

/* The job's name. */
const char *
job_name(const struct job *job)
{
	return job->name;
}

/* Absolute path of the job file. */
const char *
job_path(const struct job *job)
{
	return job->path;
}

/* Absolute workspace. */
const char *
job_workspace(const struct job *job)
{
	return job->workspace;
}

/* Absolute workspace/name. */
const char *
job_output_dir(const struct job *job)
{
	return job->output_dir;
}

/* Hex SHA-256 over the test case keys. */
const char *
job_sha256(const struct job *job)
{
	return job->sha256;
}

/* The settings, read-only. */
const struct job_settings *
job_settings(const struct job *job)
{
	return &job->settings;
}

/* The settings, for the command line to override. */
struct job_settings *
job_settings_mut(struct job *job)
{
	return &job->settings;
}

/* Number of test cases. */
size_t
job_ntestcases(const struct job *job)
{
	return job->ntestcases;
}

/* Test case i. */
/* A test case's key in hex. */
const char *
job_testcase_key(const struct job_testcase *tc, char out[65])
{
	sha256_digest_hex(tc->key, out);
	return out;
}

const struct job_testcase *
job_testcase(const struct job *job, size_t i)
{
	if (i >= job->ntestcases)
		BUG("test case %zu of %zu", i, job->ntestcases);
	return &job->testcases[i];
}

/* A test case's position; see job.h. */
size_t
job_testcase_index(const struct job *job, const struct job_testcase *tc)
{
	if (tc < job->testcases || tc >= job->testcases + job->ntestcases)
		BUG("test case '%s' is not one of job %s's", tc->name,
		    job->name);
	return (size_t)(tc - job->testcases);
}

/* Number of units. */
size_t
job_nunits(const struct job *job)
{
	return job->nunits;
}

/* Unit i. */
const struct job_unit *
job_unit(const struct job *job, size_t i)
{
	if (i >= job->nunits)
		BUG("unit %zu of %zu", i, job->nunits);
	return &job->units[i];
}

/* Number of rank.sort_by entries. */
size_t
job_nsort_keys(const struct job *job)
{
	return job->nsort_keys;
}

/* rank.sort_by entry i. */
const struct job_sort_key *
job_sort_key(const struct job *job, size_t i)
{
	if (i >= job->nsort_keys)
		BUG("sort key %zu of %zu", i, job->nsort_keys);
	return &job->sort_keys[i];
}

/* rank.selected_dataitem, or NULL. */
json_t *
job_selected_dataitem(const struct job *job)
{
	return job->selected_dataitem;
}

/* rank.save_mode. */
const char *
job_save_mode(const struct job *job)
{
	return job->save_mode;
}

/* The testenv object. */
json_t *
job_testenv(const struct job *job)
{
	return job->testenv;
}

/* The testenv metric names. */
json_t *
job_metric_names(const struct job *job)
{
	return job->metric_names;
}

/* New repeat and warm-up counts; see job.h. */
int
job_set_repeat(struct job *job, int repeat, int warmup, char **cause)
{
	if (repeat >= 1)
		job->settings.repeat = repeat;
	if (warmup >= 0)
		job->settings.warmup = warmup;
	if (job->settings.repeat > (int)PLAN_MAX_UNITS ||
	    job->settings.warmup > (int)PLAN_MAX_UNITS || job_plan(job) != 0)
		return err_set(cause, "job makes more than %u units",
		    PLAN_MAX_UNITS);
	return 0;
}

/* The algorithms' modules without values; see job.h. */
json_t *
job_modules(const struct job *job)
{
	return job->modules;
}

/*
 * Module m of job_modules() valued at a test case's params: type, name,
 * url, the command (argv, the test case's, for the module that runs, else
 * as written)
 * and the hyperparameters with their values, in the order the job's
 * loader builds them for the test case's key.
 */
static json_t *
testcase_module(json_t *m, char *const *argv, json_t *params)
{
	json_t *mc = yjson_check(json_object()), *vals, *key, *arr;
	const char *name;
	size_t i;

	json_object_set(mc, "type", json_object_get(m, "type"));
	if (json_object_get(m, "name") != NULL)
		json_object_set(mc, "name", json_object_get(m, "name"));
	if (json_object_get(m, "url") != NULL)
		json_object_set(mc, "url", json_object_get(m, "url"));
	if (json_object_get(m, "command") != NULL &&
	    json_is_true(json_object_get(m, "runs")) && argv != NULL) {
		arr = yjson_check(json_array());
		for (i = 0; argv[i] != NULL; i++)
			json_array_append_new(arr, yjson_check(json_string(
			    argv[i])));
		json_object_set_new(mc, "command", arr);
	} else if (json_object_get(m, "command") != NULL)
		json_object_set(mc, "command", json_object_get(m, "command"));
	vals = yjson_check(json_object());
	json_object_foreach(json_object_get(m, "hyperparameters"), name, key)
		json_object_set(vals, name, json_object_get(params,
		    json_string_value(key)));
	json_object_set_new(mc, "hyperparameters", vals);
	return mc;
}

/* A test case's params as JSON (a new reference). */
static json_t *
testcase_params(const struct job_testcase *tc)
{
	json_t *params = json_loads(tc->params, 0, NULL);

	if (params == NULL)
		BUG("test case '%s' has params that do not parse", tc->name);
	return params;
}

/* A test case's modules with their values as JSON text; see job.h. */
char *
job_testcase_modules(const struct job *job, const struct job_testcase *tc)
{
	json_t *mods = json_object_get(job->modules, tc->algorithm), *m;
	json_t *params = testcase_params(tc), *out;
	char **argv = job_testcase_argv(job, tc);
	size_t j;

	out = yjson_check(json_array());
	json_array_foreach(mods, j, m)
		json_array_append_new(out, testcase_module(m, argv, params));
	json_decref(params);
	strv_free(argv);
	return dump_compact(out);
}

/* A command test case's argv, built when asked; see job.h. */
char **
job_testcase_argv(const struct job *job, const struct job_testcase *tc)
{
	const struct alg *a;
	json_t *params, *texts;
	size_t *idx;
	char **argv;

	if (tc->runner != JOB_RUNNER_COMMAND)
		return NULL;
	if (tc->alg >= job->nalgs)
		BUG("test case '%s': algorithm %u of %zu", tc->name,
		    (unsigned)tc->alg, job->nalgs);
	a = &job->algs[tc->alg];
	idx = xcalloc(a->nhps + 1, sizeof *idx);
	grid_point(a, tc->point, idx);
	params = testcase_params(tc);
	texts = point_texts(a, idx);
	argv = fill_command(a->mods[a->run].tmpl, params, texts);
	json_decref(texts);
	json_decref(params);
	free(idx);
	return argv;
}

/* Set the Python units' interpreter; see job.h. */
void
job_set_python(struct job *job, const char *python)
{
	free(job->settings.python);
	job->settings.python = xstrdup(python);
}

/* The Python units' interpreter; see job.h. */
const char *
job_python(const struct job *job)
{
	return job->settings.python != NULL ? job->settings.python :
	    "python3";
}

/* A Python test case's kwargs; see job.h. */
json_t *
job_testcase_kwargs(const struct job *job, const struct job_testcase *tc)
{
	if (tc->runner != JOB_RUNNER_PYTHON)
		return NULL;
	if (tc->alg >= job->nalgs)
		BUG("test case '%s': algorithm %u of %zu", tc->name,
		    (unsigned)tc->alg, job->nalgs);
	return job->algs[tc->alg].kwargs;
}

/* Keep the matching test cases; see job.h. */
int
job_filter(struct job *job, const char *pattern, char **cause)
{
	size_t n;

	n = plan_filter(job->testcases, job->ntestcases, &job->units,
	    &job->nunits, pattern);
	if (n == 0)
		return err_set(cause, "no test case matches '%s'", pattern);
	job->ntestcases = n;
	job_hash(job);
	return 0;
}
