/*
 * job: the benchmark-job loader. It reads a job YAML in KubeEdge Ianvs's
 * layout with libyaml's document API (so every node keeps its line and
 * column for messages), follows the testenv and algorithm files it names,
 * checks every key and type, and expands the algorithms' hyperparameter grids
 * into test cases and the test cases into units with stable ids, seeds and
 * keys. The job owns everything it returns; the YAML documents live only
 * while loading.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <yaml.h>

#include "err.h"
#include "job.h"
#include "paradigm.h"
#include "sha256.h"
#include "xalloc.h"
#include "banned.h"

#define JOB_MAX_TESTCASES	(1U << 20)
#define JOB_MAX_UNITS		(1U << 20)
#define JOB_MAX_DEPTH		64
#define JOB_MAX_NODES		(1U << 20)
#define JOB_MAX_FILE		(64U << 20)

struct job {
	char			*name;
	char			*path;
	char			*workspace;
	char			*output_dir;
	char			 sha256[65];
	struct job_settings	 settings;

	struct job_testcase	*testcases;
	size_t			 ntestcases;
	struct job_unit		*units;
	size_t			 nunits;

	struct job_sort_key	*sort_keys;
	size_t			 nsort_keys;
	json_t			*selected_dataitem;
	char			*save_mode;
	json_t			*testenv;
	json_t			*metric_names;
};

/* One YAML file read while loading. */
struct yfile {
	char		*path;		/* as opened; the FILE of messages */
	yaml_document_t	 doc;
};

/* A module of the algorithm being loaded (borrows from the documents). */
struct mod {
	struct yfile	*f;
	yaml_node_t	*node;
	const char	*type;
	const char	*name;
	const char	*url;		/* as written, or NULL */
	yaml_node_t	*urlnode;
	char		*so;		/* absolute .so path when url is one */
	yaml_node_t	*cmd;		/* command: sequence node, or NULL */
	size_t		 hp_first;
	size_t		 hp_count;
};

/* A hyperparameter of the algorithm being loaded. */
struct hp {
	const char	*name;
	json_t		*values;	/* array, at least one value */
};

/* Loader state. */
struct loader {
	struct job	 *job;
	char		**cause;
	struct yfile	**files;
	size_t		  nfiles;
	size_t		  nodes;	/* converted to JSON so far */
	char		 *cwd;

	/* For each test case, the algorithm entry it came from. */
	size_t		 *tc_alg;
	/* For each algorithm entry, its name node. */
	struct yfile	**alg_file;
	yaml_node_t	**alg_name;
	size_t		  nalgs;
};

static const char *const root_keys[] = { "benchmarkingjob", NULL };
static const char *const job_keys[] = {
	"name", "workspace", "testenv", "test_object", "rank",
	"parallel_execution", "num_workers", "timeout", "retries", "resources",
	"launcher", "slurm_partition", "partitions", "repeat", "db", NULL
};
static const char *const test_object_keys[] = { "type", "algorithms", NULL };
static const char *const entry_keys[] = { "name", "url", "algorithm", NULL };
static const char *const algorithm_root_keys[] = { "algorithm", NULL };
static const char *const algorithm_keys[] = {
	"paradigm_type", "initial_model_url", "modules",
	"incremental_learning_data_setting", "lifelong_learning_data_setting",
	"fl_data_setting", "third_party_packages", NULL
};
static const char *const module_keys[] = {
	"type", "name", "url", "command", "hyperparameters", NULL
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
	sb->s = NULL;
	sb->len = sb->cap = 0;
	return s;
}

/* Abort on a jansson allocation failure: like xmalloc, not an error. */
static json_t *
jcheck(json_t *v)
{
	if (v == NULL)
		BUG("jansson allocation failed");
	return v;
}

/* Edit distance with transpositions (optimal string alignment). */
static size_t
edit_distance(const char *a, const char *b)
{
	unsigned short d[64][64];
	size_t la = strlen(a), lb = strlen(b), i, j, v;

	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1U < v)
				v = d[i - 1][j] + 1U;
			if (d[i][j - 1] + 1U < v)
				v = d[i][j - 1] + 1U;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1U < v)
				v = d[i - 2][j - 2] + 1U;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* The known word nearest to word, when it is near enough, else NULL. */
static const char *
suggest(const char *word, const char *const *known)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX, dist, longest;

	for (; *known != NULL; known++) {
		dist = edit_distance(word, *known);
		longest = strlen(word);
		if (strlen(*known) > longest)
			longest = strlen(*known);
		if (dist <= 2 && dist * 2 <= longest && dist < bestd) {
			best = *known;
			bestd = dist;
		}
	}
	return best;
}

/* Whether word is in the NULL-terminated list. */
static int
in_list(const char *word, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(word, *list) == 0)
			return 1;
	}
	return 0;
}

/* Report an error at a node: "FILE:LINE:COL: message"; return -1. */
static int __attribute__((format(printf, 4, 5)))
ld_err(struct loader *ld, struct yfile *f, yaml_node_t *n, const char *fmt,
    ...)
{
	va_list ap;
	char *msg;
	size_t line = 0, col = 0;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (n != NULL) {
		line = n->start_mark.line;
		col = n->start_mark.column;
	}
	err_set(ld->cause, "%s:%zu:%zu: %s", f->path, line + 1, col + 1, msg);
	free(msg);
	return -1;
}

/* Node number i of a file's document. */
static yaml_node_t *
node_at(struct yfile *f, int i)
{
	yaml_node_t *n = yaml_document_get_node(&f->doc, i);

	if (n == NULL)
		BUG("yaml node %d missing", i);
	return n;
}

/* A scalar node's text, or NULL for other nodes. */
static const char *
scalar(yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

/* A node for messages: "'text'", "a sequence", "a mapping". */
static char *
describe(yaml_node_t *n)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return xstrdup("a sequence");
	if (n->type == YAML_MAPPING_NODE)
		return xstrdup("a mapping");
	return xasprintf("'%s'", scalar(n));
}

/* Report that key's value has the wrong type or form; return -1. */
static int
ld_bad(struct loader *ld, struct yfile *f, yaml_node_t *n, const char *key,
    const char *expected)
{
	char *got = describe(n);

	ld_err(ld, f, n, "'%s' must be %s, got %s", key, expected, got);
	free(got);
	return -1;
}

/* A string scalar's text (non-empty when nonempty is set), else an error. */
static int
get_string(struct loader *ld, struct yfile *f, yaml_node_t *n,
    const char *key, int nonempty, const char **out)
{
	const char *s = scalar(n);

	if (s == NULL || (nonempty && *s == '\0'))
		return ld_bad(ld, f, n, key,
		    nonempty ? "a non-empty string" : "a string");
	if (strlen(s) != n->data.scalar.length)
		return ld_err(ld, f, n, "'%s' contains a NUL byte", key);
	*out = s;
	return 0;
}

/*
 * Check a mapping's keys: scalars, known (else suggest the nearest known
 * key), no duplicates. known NULL allows any key.
 */
static int
check_keys(struct loader *ld, struct yfile *f, yaml_node_t *map,
    const char *where, const char *const *known)
{
	yaml_node_pair_t *p, *q;
	const char *k, *near;

	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = scalar(node_at(f, p->key));
		if (k == NULL)
			return ld_err(ld, f, node_at(f, p->key),
			    "mapping keys must be scalars");
		for (q = map->data.mapping.pairs.start; q < p; q++) {
			if (strcmp(k, scalar(node_at(f, q->key))) == 0)
				return ld_err(ld, f, node_at(f, p->key),
				    "duplicate key '%s' %s", k, where);
		}
		if (known == NULL || in_list(k, known))
			continue;
		near = suggest(k, known);
		if (near != NULL)
			return ld_err(ld, f, node_at(f, p->key),
			    "unknown key '%s' %s (did you mean '%s'?)", k,
			    where, near);
		return ld_err(ld, f, node_at(f, p->key),
		    "unknown key '%s' %s", k, where);
	}
	return 0;
}

/* The value of key in a mapping, or NULL. */
static yaml_node_t *
map_get(struct yfile *f, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	const char *k;

	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = scalar(node_at(f, p->key));
		if (k != NULL && strcmp(k, key) == 0)
			return node_at(f, p->value);
	}
	return NULL;
}

/* A mapping's value for a required key, else an error at the mapping. */
static int
map_need(struct loader *ld, struct yfile *f, yaml_node_t *map,
    const char *key, const char *where, yaml_node_t **out)
{
	*out = map_get(f, map, key);
	if (*out == NULL)
		return ld_err(ld, f, map, "missing key '%s' %s", key, where);
	return 0;
}

/* Error unless n is a mapping. */
static int
need_map(struct loader *ld, struct yfile *f, yaml_node_t *n, const char *key)
{
	if (n->type != YAML_MAPPING_NODE)
		return ld_bad(ld, f, n, key, "a mapping");
	return 0;
}

/* Error unless n is a sequence. */
static int
need_seq(struct loader *ld, struct yfile *f, yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return ld_bad(ld, f, n, key, "a list");
	return 0;
}

/* Number of items of a sequence node. */
static size_t
seq_len(yaml_node_t *n)
{
	return n->data.sequence.items.top - n->data.sequence.items.start;
}

/* Item i of a sequence node. */
static yaml_node_t *
seq_item(struct yfile *f, yaml_node_t *n, size_t i)
{
	return node_at(f, n->data.sequence.items.start[i]);
}

/* Whether s is a decimal integer: [-+]?[0-9]+. */
static int
looks_integer(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
	}
	return 1;
}

/* Whether s is a decimal real: [-+]?(D+(.D*)?|.D+)([eE][-+]?D+)?. */
static int
looks_real(const char *s)
{
	size_t digits = 0;

	if (*s == '-' || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	}
	if (digits == 0)
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* Parse a decimal integer into *out; -1 when it is not one or overflows. */
static int
parse_ll(const char *s, long long *out)
{
	char *end;

	if (!looks_integer(s))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

/* Parse a finite decimal real into *out. */
static int
parse_real(const char *s, double *out)
{
	char *end;

	if (!looks_real(s))
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

/*
 * A scalar as JSON, keeping its YAML type: plain integers, reals, booleans
 * and nulls; strings for quoted and all other scalars.
 */
static int
scalar_json(struct loader *ld, struct yfile *f, yaml_node_t *n, json_t **out)
{
	const char *s = scalar(n);
	long long ll;
	double d;

	if (strlen(s) != n->data.scalar.length)
		return ld_err(ld, f, n, "string contains a NUL byte");
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (parse_ll(s, &ll) == 0) {
			*out = jcheck(json_integer(ll));
			return 0;
		}
		if (parse_real(s, &d) == 0) {
			*out = jcheck(json_real(d));
			return 0;
		}
		if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
		    strcmp(s, "TRUE") == 0) {
			*out = json_true();
			return 0;
		}
		if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
		    strcmp(s, "FALSE") == 0) {
			*out = json_false();
			return 0;
		}
		if (*s == '\0' || strcmp(s, "~") == 0 ||
		    strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
		    strcmp(s, "NULL") == 0) {
			*out = json_null();
			return 0;
		}
	}
	*out = json_string(s);
	if (*out == NULL)
		return ld_err(ld, f, n, "string is not valid UTF-8");
	return 0;
}

/* Convert a node and everything under it to JSON. */
static int
node_json(struct loader *ld, struct yfile *f, yaml_node_t *n, int depth,
    json_t **out)
{
	yaml_node_item_t *it;
	yaml_node_pair_t *p;
	yaml_node_t *k;
	json_t *v, *c;

	if (depth > JOB_MAX_DEPTH)
		return ld_err(ld, f, n, "nesting deeper than %d levels",
		    JOB_MAX_DEPTH);
	if (++ld->nodes > JOB_MAX_NODES)
		return ld_err(ld, f, n, "more than %u nodes", JOB_MAX_NODES);
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return scalar_json(ld, f, n, out);
	case YAML_SEQUENCE_NODE:
		v = jcheck(json_array());
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			if (node_json(ld, f, node_at(f, *it), depth + 1,
			    &c) != 0) {
				json_decref(v);
				return -1;
			}
			json_array_append_new(v, c);
		}
		*out = v;
		return 0;
	case YAML_MAPPING_NODE:
		if (check_keys(ld, f, n, "in mapping", NULL) != 0)
			return -1;
		v = jcheck(json_object());
		for (p = n->data.mapping.pairs.start;
		    p < n->data.mapping.pairs.top; p++) {
			k = node_at(f, p->key);
			if (strlen(scalar(k)) != k->data.scalar.length) {
				json_decref(v);
				return ld_err(ld, f, k,
				    "key contains a NUL byte");
			}
			if (node_json(ld, f, node_at(f, p->value), depth + 1,
			    &c) != 0) {
				json_decref(v);
				return -1;
			}
			if (json_object_set_new(v, scalar(k), c) != 0) {
				json_decref(v);
				return ld_err(ld, f, k,
				    "key is not valid UTF-8");
			}
		}
		*out = v;
		return 0;
	default:
		return ld_err(ld, f, n, "empty node");
	}
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
resolve_file(struct loader *ld, struct yfile *f, yaml_node_t *n,
    const char *what, const char *name, char **out)
{
	char *first, *dir, *joined, *second;

	first = path_clean(name);
	if (is_file(first)) {
		*out = first;
		return 0;
	}
	if (*name == '/') {
		ld_err(ld, f, n, "%s '%s' not found", what, name);
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
		ld_err(ld, f, n, "%s '%s' not found (tried '%s')", what, name,
		    first);
	else
		ld_err(ld, f, n, "%s '%s' not found (tried '%s' and '%s')",
		    what, name, first, second);
	free(first);
	free(second);
	return -1;
}

/* Read a whole file into memory (NUL-terminated). */
static int
read_file(struct loader *ld, const char *path, char **out, size_t *outlen)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return err_errno(ld->cause, "%s", path);
	for (;;) {
		if (cap - len < 4096) {
			if (cap >= JOB_MAX_FILE) {
				close(fd);
				free(buf);
				return err_set(ld->cause, "%s: larger than %u "
				    "bytes", path, JOB_MAX_FILE);
			}
			cap = cap ? cap * 2 : 8192;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_errno(ld->cause, "%s", path);
			close(fd);
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

/* Format a libyaml parser error as "FILE:LINE:COL: yaml: ...". */
static int
yaml_error(struct loader *ld, const char *path, yaml_parser_t *p,
    const char *text, size_t len)
{
	yaml_mark_t mark = p->problem_mark;
	size_t i;

	if (p->error == YAML_MEMORY_ERROR)
		BUG("libyaml out of memory");
	if (p->error == YAML_READER_ERROR) {
		/* the reader gives a byte offset, not a mark */
		mark.line = mark.column = 0;
		for (i = 0; i < p->problem_offset && i < len; i++) {
			if (text[i] == '\n') {
				mark.line++;
				mark.column = 0;
			} else
				mark.column++;
		}
	}
	return err_set(ld->cause, "%s:%zu:%zu: yaml: %s%s%s", path,
	    mark.line + 1, mark.column + 1,
	    p->problem != NULL ? p->problem : "error",
	    p->context != NULL ? " " : "",
	    p->context != NULL ? p->context : "");
}

/*
 * Read and parse a YAML file holding one document with a mapping at the top.
 * The file is kept in the loader until the end of the load.
 */
static int
load_file(struct loader *ld, const char *path, struct yfile **out,
    yaml_node_t **root)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	struct yfile *f;
	yaml_node_t *r;
	char *text = NULL;
	size_t len = 0;
	int more;

	if (read_file(ld, path, &text, &len) != 0)
		return -1;
	if (!yaml_parser_initialize(&parser))
		BUG("yaml_parser_initialize failed");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    len);
	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	if (!yaml_parser_load(&parser, &f->doc)) {
		yaml_error(ld, path, &parser, text, len);
		yaml_parser_delete(&parser);
		free(text);
		free(f->path);
		free(f);
		return -1;
	}
	ld->files = xreallocarray(ld->files, ld->nfiles + 1,
	    sizeof *ld->files);
	ld->files[ld->nfiles++] = f;

	r = yaml_document_get_root_node(&f->doc);
	if (r != NULL) {
		if (!yaml_parser_load(&parser, &extra)) {
			yaml_error(ld, path, &parser, text, len);
			goto fail;
		}
		more = yaml_document_get_root_node(&extra) != NULL;
		if (more) {
			err_set(ld->cause, "%s:%zu:%zu: yaml: expected a "
			    "single document", path,
			    extra.start_mark.line + 1,
			    extra.start_mark.column + 1);
		}
		yaml_document_delete(&extra);
		if (more)
			goto fail;
	}
	yaml_parser_delete(&parser);
	free(text);

	if (r == NULL)
		return err_set(ld->cause, "%s:1:1: empty file", path);
	if (r->type != YAML_MAPPING_NODE)
		return ld_err(ld, f, r, "expected a mapping at the top");
	*out = f;
	*root = r;
	return 0;

fail:
	yaml_parser_delete(&parser);
	free(text);
	return -1;
}

/* Parse an integer setting in [min, INT_MAX]. */
static int
get_int(struct loader *ld, struct yfile *f, yaml_node_t *n, const char *key,
    int min, int *out)
{
	const char *s = scalar(n);
	long long ll;

	if (s == NULL || parse_ll(s, &ll) != 0 || ll < min || ll > INT_MAX)
		return ld_bad(ld, f, n, key, min > 0 ? "a positive integer" :
		    "a non-negative integer");
	*out = (int)ll;
	return 0;
}

/* Parse a duration: seconds, or a number with s, m, h or ms. */
static int
parse_duration(const char *s, double *out)
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
		if (parse_real(num, &d) == 0 && d >= 0) {
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
	if (parse_real(num, &d) != 0 || d < 0) {
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

	if (need_map(ld, f, map, "resources") != 0 ||
	    check_keys(ld, f, map, "in resources", resources_keys) != 0)
		return -1;
	if ((n = map_get(f, map, "ram")) != NULL) {
		s = scalar(n);
		if (s == NULL || parse_size(s, &st->ram_mb) != 0)
			return ld_bad(ld, f, n, "ram", size_expected);
	}
	if ((n = map_get(f, map, "vram")) != NULL) {
		s = scalar(n);
		if (s == NULL || parse_size(s, &st->vram_mb) != 0)
			return ld_bad(ld, f, n, "vram", size_expected);
	}
	if ((n = map_get(f, map, "gpus")) != NULL &&
	    get_int(ld, f, n, "gpus", 0, &st->gpus) != 0)
		return -1;
	if ((n = map_get(f, map, "cpus")) != NULL &&
	    get_int(ld, f, n, "cpus", 0, &st->cpus) != 0)
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

	if ((n = map_get(f, bj, "parallel_execution")) != NULL) {
		s = scalar(n);
		if (s != NULL && (strcmp(s, "true") == 0 ||
		    strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0))
			st->parallel = 1;
		else if (s != NULL && (strcmp(s, "false") == 0 ||
		    strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0))
			st->parallel = 0;
		else
			return ld_bad(ld, f, n, "parallel_execution",
			    "true or false");
	}
	if ((n = map_get(f, bj, "num_workers")) != NULL) {
		s = scalar(n);
		if (s != NULL && strcmp(s, "auto") == 0)
			st->num_workers = -1;
		else if (s == NULL || parse_ll(s, &ll) != 0 || ll < 1 ||
		    ll > INT_MAX)
			return ld_bad(ld, f, n, "num_workers",
			    "a positive integer or 'auto'");
		else
			st->num_workers = (int)ll;
	}
	if ((n = map_get(f, bj, "timeout")) != NULL) {
		s = scalar(n);
		if (s == NULL || parse_duration(s, &st->timeout_s) != 0)
			return ld_bad(ld, f, n, "timeout", "a duration "
			    "(seconds, or like '90s', '5m', '1h')");
	}
	if ((n = map_get(f, bj, "retries")) != NULL &&
	    get_int(ld, f, n, "retries", 0, &st->retries) != 0)
		return -1;
	if ((n = map_get(f, bj, "resources")) != NULL &&
	    load_resources(ld, f, n) != 0)
		return -1;
	if ((n = map_get(f, bj, "launcher")) != NULL) {
		s = scalar(n);
		if (s == NULL || (strcmp(s, "local") != 0 &&
		    strcmp(s, "slurm") != 0))
			return ld_bad(ld, f, n, "launcher",
			    "'local' or 'slurm'");
		free(st->launcher);
		st->launcher = xstrdup(s);
	}
	if ((n = map_get(f, bj, "slurm_partition")) != NULL) {
		if (get_string(ld, f, n, "slurm_partition", 1, &s) != 0)
			return -1;
		free(st->slurm_partition);
		st->slurm_partition = xstrdup(s);
	}
	if ((n = map_get(f, bj, "partitions")) != NULL &&
	    get_int(ld, f, n, "partitions", 1, &st->partitions) != 0)
		return -1;
	if ((n = map_get(f, bj, "repeat")) != NULL &&
	    get_int(ld, f, n, "repeat", 1, &st->repeat) != 0)
		return -1;
	if ((n = map_get(f, bj, "db")) != NULL) {
		if (get_string(ld, f, n, "db", 1, &s) != 0)
			return -1;
		st->db = path_abs(ld->cwd, s);
	}
	return 0;
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
		if (get_string(ld, f, n, "testenv", 1, &path) != 0 ||
		    resolve_file(ld, f, n, "testenv file", path, &found) != 0)
			return -1;
		rc = load_file(ld, found, &tf, &root);
		free(found);
		if (rc != 0)
			return -1;
		if (check_keys(ld, tf, root, "at the top of a testenv file",
		    testenv_root_keys) != 0 ||
		    map_need(ld, tf, root, "testenv",
		    "at the top of a testenv file", &n) != 0)
			return -1;
	}
	if (need_map(ld, tf, n, "testenv") != 0)
		return -1;
	if (node_json(ld, tf, n, 0, &job->testenv) != 0)
		return -1;

	metrics = map_get(tf, n, "metrics");
	if (metrics == NULL)
		return 0;
	if (need_seq(ld, tf, metrics, "metrics") != 0)
		return -1;
	for (i = 0; i < seq_len(metrics); i++) {
		m = seq_item(tf, metrics, i);
		if (m->type == YAML_MAPPING_NODE) {
			name = map_get(tf, m, "name");
			if (name == NULL)
				return ld_err(ld, tf, m,
				    "missing key 'name' in metric");
		} else
			name = m;
		if (get_string(ld, tf, name, "metric name", 1, &s) != 0)
			return -1;
		json_array_append_new(job->metric_names,
		    jcheck(json_string(s)));
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

	if (need_map(ld, f, rank, "rank") != 0 ||
	    check_keys(ld, f, rank, "in rank", rank_keys) != 0)
		return -1;
	if ((n = map_get(f, rank, "sort_by")) != NULL) {
		if (need_seq(ld, f, n, "sort_by") != 0)
			return -1;
		job->sort_keys = xcalloc(seq_len(n) + 1,
		    sizeof *job->sort_keys);
		for (i = 0; i < seq_len(n); i++) {
			e = seq_item(f, n, i);
			if (e->type != YAML_MAPPING_NODE ||
			    e->data.mapping.pairs.top -
			    e->data.mapping.pairs.start != 1)
				return ld_bad(ld, f, e, "sort_by entry",
				    "a mapping 'METRIC: descend|ascend'");
			k = node_at(f, e->data.mapping.pairs.start->key);
			v = node_at(f, e->data.mapping.pairs.start->value);
			if (get_string(ld, f, k, "sort_by metric", 1,
			    &metric) != 0)
				return -1;
			order = scalar(v);
			if (order == NULL || (strcmp(order, "descend") != 0 &&
			    strcmp(order, "ascend") != 0))
				return ld_bad(ld, f, v, metric,
				    "'descend' or 'ascend'");
			job->sort_keys[i].metric = xstrdup(metric);
			job->sort_keys[i].descend =
			    strcmp(order, "descend") == 0;
			job->nsort_keys++;
		}
	}
	if ((n = map_get(f, rank, "visualization")) != NULL) {
		if (need_map(ld, f, n, "visualization") != 0 ||
		    check_keys(ld, f, n, "in visualization",
		    visualization_keys) != 0)
			return -1;
	}
	if ((n = map_get(f, rank, "selected_dataitem")) != NULL) {
		if (need_map(ld, f, n, "selected_dataitem") != 0 ||
		    check_keys(ld, f, n, "in selected_dataitem",
		    dataitem_keys) != 0 ||
		    node_json(ld, f, n, 0, &job->selected_dataitem) != 0)
			return -1;
	}
	if ((n = map_get(f, rank, "save_mode")) != NULL) {
		order = scalar(n);
		if (order == NULL || !in_list(order, save_modes))
			return ld_bad(ld, f, n, "save_mode",
			    "'selected_and_all' or 'selected_only'");
		free(job->save_mode);
		job->save_mode = xstrdup(order);
	}
	return 0;
}

/*
 * Fill one command-line template: "{NAME}" becomes the parameter's text,
 * "{{" and "}}" literal braces. On error return NULL with *why set.
 */
static char *
fill_arg(const char *tmpl, json_t *params, char **why)
{
	struct sbuf sb = { NULL, 0, 0 };
	const char *p = tmpl, *end, **known, *near;
	const char *key;
	json_t *v;
	char *name, *text;
	size_t n, i;

	while (*p != '\0') {
		if ((p[0] == '{' && p[1] == '{') ||
		    (p[0] == '}' && p[1] == '}')) {
			sb_addn(&sb, p, 1);
			p += 2;
			continue;
		}
		if (*p == '}') {
			*why = xasprintf("single '}' in '%s' (write '}}' for "
			    "a literal brace)", tmpl);
			goto fail;
		}
		if (*p != '{') {
			sb_addn(&sb, p++, 1);
			continue;
		}
		end = strchr(p + 1, '}');
		if (end == NULL) {
			*why = xasprintf("unterminated '{' in '%s' (write "
			    "'{{' for a literal brace)", tmpl);
			goto fail;
		}
		name = xstrndup(p + 1, end - p - 1);
		v = json_object_get(params, name);
		if (v == NULL) {
			n = json_object_size(params);
			known = xcalloc(n + 1, sizeof *known);
			i = 0;
			json_object_foreach(params, key, v)
				known[i++] = key;
			near = suggest(name, known);
			if (near != NULL)
				*why = xasprintf("unknown placeholder '{%s}': "
				    "no hyperparameter '%s' (did you mean "
				    "'%s'?)", name, name, near);
			else
				*why = xasprintf("unknown placeholder '{%s}': "
				    "no hyperparameter '%s'", name, name);
			free(known);
			free(name);
			goto fail;
		}
		free(name);
		text = value_text(v);
		sb_add(&sb, text);
		free(text);
		p = end + 1;
	}
	return sb_detach(&sb);

fail:
	free(sb.s);
	return NULL;
}

/* Free a NULL-terminated argv. */
static void
argv_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* Fill a command node's templates with params; BUG on error (checked). */
static char **
fill_command(struct yfile *f, yaml_node_t *cmd, json_t *params)
{
	char **argv, *why = NULL;
	size_t i, n = seq_len(cmd);

	argv = xcalloc(n + 1, sizeof *argv);
	for (i = 0; i < n; i++) {
		argv[i] = fill_arg(scalar(seq_item(f, cmd, i)), params, &why);
		if (argv[i] == NULL)
			BUG("command template not checked: %s", why);
	}
	return argv;
}

/* Free the parts of a test case. */
static void
testcase_clear(struct job_testcase *tc)
{
	free(tc->name);
	free(tc->algorithm);
	free(tc->paradigm);
	json_decref(tc->params);
	json_decref(tc->modules);
	free(tc->url);
	argv_free(tc->argv);
}

/* Hex SHA-256 of a test case's canonical configuration. */
static void
testcase_key(struct job *job, struct job_testcase *tc)
{
	static const char *const runners[] = { "builtin", "plugin", "command" };
	json_t *o, *a;
	char *s;
	size_t i;

	o = jcheck(json_object());
	json_object_set_new(o, "algorithm", jcheck(json_string(tc->algorithm)));
	json_object_set_new(o, "paradigm", jcheck(json_string(tc->paradigm)));
	json_object_set_new(o, "runner", jcheck(json_string(
	    runners[tc->runner])));
	if (tc->runner == JOB_RUNNER_COMMAND) {
		a = jcheck(json_array());
		for (i = 0; tc->argv[i] != NULL; i++)
			json_array_append_new(a, jcheck(json_string(
			    tc->argv[i])));
		json_object_set_new(o, "argv", a);
	} else
		json_object_set_new(o, "url", jcheck(json_string(tc->url)));
	json_object_set(o, "params", tc->params);
	json_object_set(o, "testenv", job->testenv);
	s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	if (s == NULL)
		BUG("json_dumps failed");
	sha256_hex(s, strlen(s), tc->key);
	free(s);
	json_decref(o);
}

/* Load one module of an algorithm, appending its hyperparameters. */
static int
load_module(struct loader *ld, struct yfile *f, yaml_node_t *m,
    struct mod *md, struct hp **hps, size_t *nhps)
{
	yaml_node_t *n, *e, *k, *spec, *vals;
	yaml_node_pair_t *p;
	const char *s, *name;
	size_t i, j, h;
	json_t *v, *arr;
	char *found;

	md->f = f;
	md->node = m;
	if (need_map(ld, f, m, "module") != 0 ||
	    check_keys(ld, f, m, "in module", module_keys) != 0)
		return -1;
	if (map_need(ld, f, m, "type", "in module", &n) != 0 ||
	    get_string(ld, f, n, "type", 1, &md->type) != 0)
		return -1;
	if ((n = map_get(f, m, "name")) != NULL &&
	    get_string(ld, f, n, "name", 1, &md->name) != 0)
		return -1;
	md->urlnode = map_get(f, m, "url");
	md->cmd = map_get(f, m, "command");
	if (md->urlnode != NULL && md->cmd != NULL)
		return ld_err(ld, f, md->cmd, "module has both 'url' and "
		    "'command': give one");
	if (md->urlnode != NULL) {
		if (get_string(ld, f, md->urlnode, "url", 1, &md->url) != 0)
			return -1;
		s = md->url;
		i = strlen(s);
		if (strncmp(s, "builtin:", 8) == 0) {
			if (s[8] == '\0')
				return ld_err(ld, f, md->urlnode,
				    "'builtin:' needs a test case name");
		} else if (i >= 3 && strcmp(s + i - 3, ".py") == 0)
			return ld_err(ld, f, md->urlnode, "python module "
			    "'%s' cannot run in bench: use `command: "
			    "[python3, %s, ...]` or a builtin:/.so test case",
			    s, s);
		else if (i >= 3 && strcmp(s + i - 3, ".so") == 0) {
			if (resolve_file(ld, f, md->urlnode, "plugin", s,
			    &found) != 0)
				return -1;
			md->so = path_abs(ld->cwd, found);
			free(found);
		} else
			return ld_err(ld, f, md->urlnode, "url '%s' is "
			    "neither 'builtin:NAME' nor a .so plugin (use "
			    "`command: [...]` to run a program)", s);
	}
	if (md->cmd != NULL) {
		if (md->cmd->type != YAML_SEQUENCE_NODE ||
		    seq_len(md->cmd) == 0)
			return ld_bad(ld, f, md->cmd, "command",
			    "a non-empty list of strings");
		for (i = 0; i < seq_len(md->cmd); i++) {
			e = seq_item(f, md->cmd, i);
			if (scalar(e) == NULL)
				return ld_bad(ld, f, e, "command argument",
				    "a string");
			if (get_string(ld, f, e, "command argument", 0,
			    &s) != 0)
				return -1;
		}
	}

	md->hp_first = *nhps;
	if ((n = map_get(f, m, "hyperparameters")) == NULL)
		return 0;
	if (n->type == YAML_SCALAR_NODE && *scalar(n) == '\0' &&
	    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return 0;		/* `hyperparameters:` left empty */
	if (need_seq(ld, f, n, "hyperparameters") != 0)
		return -1;
	for (i = 0; i < seq_len(n); i++) {
		e = seq_item(f, n, i);
		if (need_map(ld, f, e, "hyperparameters entry") != 0 ||
		    check_keys(ld, f, e, "in hyperparameters entry",
		    NULL) != 0)
			return -1;
		for (p = e->data.mapping.pairs.start;
		    p < e->data.mapping.pairs.top; p++) {
			k = node_at(f, p->key);
			spec = node_at(f, p->value);
			if (get_string(ld, f, k, "hyperparameter name", 1,
			    &name) != 0)
				return -1;
			for (h = 0; h < *nhps; h++) {
				if (strcmp((*hps)[h].name, name) == 0)
					return ld_err(ld, f, k, "hyperparameter"
					    " '%s' is defined twice in this "
					    "algorithm", name);
			}
			if (spec->type == YAML_SEQUENCE_NODE)
				vals = spec;
			else {
				char *where = xasprintf("in hyperparameter "
				    "'%s'", name);

				if (need_map(ld, f, spec, name) != 0 ||
				    check_keys(ld, f, spec, where,
				    hp_keys) != 0 ||
				    map_need(ld, f, spec, "values", where,
				    &vals) != 0) {
					free(where);
					return -1;
				}
				free(where);
				if (need_seq(ld, f, vals, "values") != 0)
					return -1;
			}
			if (seq_len(vals) == 0)
				return ld_err(ld, f, vals, "hyperparameter "
				    "'%s' has an empty grid (values: [])",
				    name);
			if (node_json(ld, f, vals, 0, &arr) != 0)
				return -1;
			for (j = 1; j < json_array_size(arr); j++) {
				v = json_array_get(arr, j);
				for (h = 0; h < j; h++) {
					if (!json_equal(v, json_array_get(arr,
					    h)))
						continue;
					json_decref(arr);
					return ld_err(ld, f,
					    seq_item(f, vals, j), "duplicate "
					    "value in hyperparameter '%s'",
					    name);
				}
			}
			*hps = xreallocarray(*hps, *nhps + 1, sizeof **hps);
			(*hps)[*nhps].name = name;
			(*hps)[*nhps].values = arr;
			(*nhps)++;
			md->hp_count++;
		}
	}
	return 0;
}

/* Pick the module that runs: command or .so first, then builtin. */
static int
pick_runnable(struct loader *ld, struct yfile *af, yaml_node_t *alg,
    const char *algname, struct mod *mods, size_t nmods, size_t *out)
{
	size_t i, found = SIZE_MAX, nbuiltin = 0, nbase = 0, base = 0;
	size_t builtin = 0;

	for (i = 0; i < nmods; i++) {
		if (mods[i].cmd == NULL && mods[i].so == NULL)
			continue;
		if (found != SIZE_MAX)
			return ld_err(ld, mods[i].f, mods[i].node, "algorithm "
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
		return ld_err(ld, af, alg, "algorithm '%s' has no module that "
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
	return ld_err(ld, af, alg, "algorithm '%s' has several builtin: "
	    "modules and not one of type 'basemodel' to run", algname);
}

/* Append a test case (the loader remembers its algorithm entry). */
static struct job_testcase *
add_testcase(struct loader *ld, size_t alg)
{
	struct job *job = ld->job;
	struct job_testcase *tc;

	job->testcases = xreallocarray(job->testcases, job->ntestcases + 1,
	    sizeof *job->testcases);
	ld->tc_alg = xreallocarray(ld->tc_alg, job->ntestcases + 1,
	    sizeof *ld->tc_alg);
	ld->tc_alg[job->ntestcases] = alg;
	tc = &job->testcases[job->ntestcases];
	memset(tc, 0, sizeof *tc);
	tc->index = job->ntestcases++;
	return tc;
}

/* Expand an algorithm's grid into test cases, last parameter fastest. */
static void
expand_grid(struct loader *ld, size_t alg, const char *algname,
    const char *paradigm, struct mod *mods, size_t nmods, size_t run,
    struct hp *hps, size_t nhps, size_t total)
{
	struct job_testcase *tc;
	struct sbuf sb;
	struct mod *md;
	json_t *mj, *mh, *a;
	size_t k, i, r, *idx, j;
	char *text, **argv;

	idx = xcalloc(nhps + 1, sizeof *idx);
	for (k = 0; k < total; k++) {
		r = k;
		for (i = nhps; i > 0; i--) {
			idx[i - 1] = r % json_array_size(hps[i - 1].values);
			r /= json_array_size(hps[i - 1].values);
		}
		tc = add_testcase(ld, alg);
		tc->algorithm = xstrdup(algname);
		tc->paradigm = xstrdup(paradigm);
		tc->params = jcheck(json_object());
		for (i = 0; i < nhps; i++)
			json_object_set(tc->params, hps[i].name,
			    json_array_get(hps[i].values, idx[i]));

		memset(&sb, 0, sizeof sb);
		sb_add(&sb, algname);
		if (total > 1) {
			for (i = 0; i < nhps; i++) {
				sb_add(&sb, i == 0 ? "[" : ",");
				sb_add(&sb, hps[i].name);
				sb_add(&sb, "=");
				text = value_text(json_array_get(
				    hps[i].values, idx[i]));
				sb_add(&sb, text);
				free(text);
			}
			sb_add(&sb, "]");
		}
		tc->name = sb_detach(&sb);

		tc->modules = jcheck(json_array());
		for (j = 0; j < nmods; j++) {
			md = &mods[j];
			mj = jcheck(json_object());
			json_object_set_new(mj, "type",
			    jcheck(json_string(md->type)));
			if (md->name != NULL)
				json_object_set_new(mj, "name",
				    jcheck(json_string(md->name)));
			if (md->url != NULL)
				json_object_set_new(mj, "url",
				    jcheck(json_string(md->so != NULL ?
				    md->so : md->url)));
			if (md->cmd != NULL) {
				argv = fill_command(md->f, md->cmd,
				    tc->params);
				a = jcheck(json_array());
				for (i = 0; argv[i] != NULL; i++)
					json_array_append_new(a,
					    jcheck(json_string(argv[i])));
				json_object_set_new(mj, "command", a);
				if (j == run)
					tc->argv = argv;
				else
					argv_free(argv);
			}
			mh = jcheck(json_object());
			for (i = md->hp_first; i < md->hp_first + md->hp_count;
			    i++)
				json_object_set(mh, hps[i].name,
				    json_array_get(hps[i].values, idx[i]));
			json_object_set_new(mj, "hyperparameters", mh);
			json_array_append_new(tc->modules, mj);
		}

		md = &mods[run];
		if (md->cmd != NULL)
			tc->runner = JOB_RUNNER_COMMAND;
		else if (md->so != NULL) {
			tc->runner = JOB_RUNNER_PLUGIN;
			tc->url = xstrdup(md->so);
		} else {
			tc->runner = JOB_RUNNER_BUILTIN;
			tc->url = xstrdup(md->url + 8);
		}
		testcase_key(ld->job, tc);
	}
	free(idx);
}

/*
 * Error unless name is a paradigm of paradigms/paradigm.c's table; suggest
 * the nearest name of the table.
 */
static int
check_paradigm(struct loader *ld, struct yfile *f, yaml_node_t *n,
    const char *name)
{
	const char **names, *near;
	size_t i, count = paradigm_count();

	if (paradigm_find(name) != NULL)
		return 0;
	names = xcalloc(count + 1, sizeof *names);
	for (i = 0; i < count; i++)
		names[i] = paradigm_at(i)->name;
	near = suggest(name, names);
	if (near != NULL)
		ld_err(ld, f, n, "unknown paradigm_type '%s' (did you mean "
		    "'%s'?)", name, near);
	else
		ld_err(ld, f, n, "unknown paradigm_type '%s'", name);
	free(names);
	return -1;
}

/* Load one test_object.algorithms entry and expand it into test cases. */
static int
load_algorithm(struct loader *ld, struct yfile *ef, yaml_node_t *entry,
    size_t ai)
{
	struct yfile *af = ef;
	yaml_node_t *n, *url, *alg, *root, *modules, *e;
	const char *algname, *path, *paradigm;
	const struct paradigm *pd;
	struct mod *mods = NULL;
	struct hp *hps = NULL;
	size_t nmods = 0, nhps = 0, i, j, run = 0, total;
	char *found, *arg, *why;
	json_t *first;
	int rc = -1;

	if (need_map(ld, ef, entry, "algorithms entry") != 0 ||
	    check_keys(ld, ef, entry, "in algorithms entry",
	    entry_keys) != 0 ||
	    map_need(ld, ef, entry, "name", "in algorithms entry", &n) != 0 ||
	    get_string(ld, ef, n, "name", 1, &algname) != 0)
		return -1;
	for (i = 0; i < ai; i++) {
		if (strcmp(scalar(ld->alg_name[i]), algname) == 0)
			return ld_err(ld, ef, n, "duplicate algorithm name "
			    "'%s'", algname);
	}
	ld->alg_file[ai] = ef;
	ld->alg_name[ai] = n;
	ld->nalgs = ai + 1;

	url = map_get(ef, entry, "url");
	alg = map_get(ef, entry, "algorithm");
	if (url != NULL && alg != NULL)
		return ld_err(ld, ef, alg, "algorithm '%s' has both 'url' and "
		    "'algorithm': give one", algname);
	if (url == NULL && alg == NULL)
		return ld_err(ld, ef, entry, "missing key 'url' in algorithms "
		    "entry");
	if (url != NULL) {
		if (get_string(ld, ef, url, "url", 1, &path) != 0 ||
		    resolve_file(ld, ef, url, "algorithm file", path,
		    &found) != 0)
			return -1;
		rc = load_file(ld, found, &af, &root);
		free(found);
		if (rc != 0)
			return -1;
		rc = -1;
		if (check_keys(ld, af, root, "at the top of an algorithm "
		    "file", algorithm_root_keys) != 0 ||
		    map_need(ld, af, root, "algorithm", "at the top of an "
		    "algorithm file", &alg) != 0)
			return -1;
	}
	if (need_map(ld, af, alg, "algorithm") != 0 ||
	    check_keys(ld, af, alg, "in algorithm", algorithm_keys) != 0 ||
	    map_need(ld, af, alg, "paradigm_type", "in algorithm", &n) != 0 ||
	    get_string(ld, af, n, "paradigm_type", 1, &paradigm) != 0)
		return -1;
	if (check_paradigm(ld, af, n, paradigm) != 0)
		return -1;
	if (map_need(ld, af, alg, "modules", "in algorithm", &modules) != 0 ||
	    need_seq(ld, af, modules, "modules") != 0)
		return -1;
	if (seq_len(modules) == 0)
		return ld_err(ld, af, modules, "algorithm '%s' has no modules",
		    algname);

	mods = xcalloc(seq_len(modules), sizeof *mods);
	for (i = 0; i < seq_len(modules); i++) {
		nmods++;
		if (load_module(ld, af, seq_item(af, modules, i), &mods[i],
		    &hps, &nhps) != 0)
			goto out;
	}
	if (pick_runnable(ld, af, alg, algname, mods, nmods, &run) != 0)
		goto out;
	pd = paradigm_find(paradigm);
	if (pd != NULL && pd->learner && (mods[run].url == NULL ||
	    strcmp(mods[run].url, "builtin:logreg") != 0)) {
		ld_err(ld, mods[run].f, mods[run].urlnode != NULL ?
		    mods[run].urlnode : mods[run].node, "paradigm %s trains "
		    "a learner, and bench's learner is builtin:logreg: use "
		    "url: builtin:logreg", paradigm);
		goto out;
	}

	total = 1;
	for (i = 0; i < nhps; i++) {
		total *= json_array_size(hps[i].values);
		if (total > JOB_MAX_TESTCASES - ld->job->ntestcases) {
			ld_err(ld, af, alg, "algorithm '%s' makes more than %u "
			    "test cases", algname, JOB_MAX_TESTCASES);
			goto out;
		}
	}
	if (total > JOB_MAX_TESTCASES - ld->job->ntestcases) {
		ld_err(ld, af, alg, "more than %u test cases",
		    JOB_MAX_TESTCASES);
		goto out;
	}

	/* Check the command templates once, against the first grid point. */
	first = jcheck(json_object());
	for (i = 0; i < nhps; i++)
		json_object_set(first, hps[i].name,
		    json_array_get(hps[i].values, 0));
	for (i = 0; i < nmods; i++) {
		if (mods[i].cmd == NULL)
			continue;
		for (j = 0; j < seq_len(mods[i].cmd); j++) {
			e = seq_item(af, mods[i].cmd, j);
			arg = fill_arg(scalar(e), first, &why);
			if (arg == NULL) {
				ld_err(ld, af, e, "%s", why);
				free(why);
				json_decref(first);
				goto out;
			}
			free(arg);
		}
	}
	json_decref(first);

	expand_grid(ld, ai, algname, paradigm, mods, nmods, run, hps, nhps,
	    total);
	rc = 0;

out:
	for (i = 0; i < nmods; i++)
		free(mods[i].so);
	free(mods);
	for (i = 0; i < nhps; i++)
		json_decref(hps[i].values);
	free(hps);
	return rc;
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

/* Error on two test cases with the same name. */
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
		a = ld->tc_alg[order[i].index];
		rc = ld_err(ld, ld->alg_file[a], ld->alg_name[a], "test case "
		    "name '%s' is not unique", order[i].name);
		break;
	}
	free(order);
	return rc;
}

/* SHA-256 of strings joined with NUL bytes, as a digest. */
static void
hash_fields(unsigned char digest[32], const char *a, const char *b,
    unsigned part, unsigned nparts, unsigned rep, int with_nparts)
{
	struct sha256 s;
	char num[32];
	int len;

	sha256_init(&s);
	sha256_update(&s, a, strlen(a));
	sha256_update(&s, "", 1);
	if (b != NULL) {
		sha256_update(&s, b, strlen(b));
		sha256_update(&s, "", 1);
	}
	len = snprintf(num, sizeof num, "%u", part);
	sha256_update(&s, num, len);
	sha256_update(&s, "", 1);
	if (with_nparts) {
		len = snprintf(num, sizeof num, "%u", nparts);
		sha256_update(&s, num, len);
		sha256_update(&s, "", 1);
	}
	len = snprintf(num, sizeof num, "%u", rep);
	sha256_update(&s, num, len);
	sha256_final(&s, digest);
}

/*
 * Expand the test cases into units: nparts (settings.partitions when the
 * paradigm's units are data partitions, i.e. jointinference, else 1) x
 * repeat each, part-major.
 */
static int
build_units(struct loader *ld, struct yfile *f, yaml_node_t *bj)
{
	struct job *job = ld->job;
	struct job_testcase *tc;
	struct job_unit *u;
	unsigned nparts, part, rep, repeat = job->settings.repeat;
	unsigned char digest[32];
	size_t i, total = 0, per;
	int k;

	for (i = 0; i < job->ntestcases; i++) {
		tc = &job->testcases[i];
		nparts = paradigm_find(tc->paradigm)->partitioned ?
		    (unsigned)job->settings.partitions : 1;
		per = (size_t)nparts * repeat;
		if (per > JOB_MAX_UNITS || total + per > JOB_MAX_UNITS)
			return ld_err(ld, f, bj, "job makes more than %u units",
			    JOB_MAX_UNITS);
		tc->first_unit = total;
		tc->nunits = per;
		total += per;
	}
	job->units = xcalloc(total + 1, sizeof *job->units);
	job->nunits = total;
	for (i = 0; i < job->ntestcases; i++) {
		tc = &job->testcases[i];
		nparts = tc->nunits / repeat;
		u = &job->units[tc->first_unit];
		for (part = 0; part < nparts; part++) {
			for (rep = 0; rep < repeat; rep++, u++) {
				u->index = u - job->units;
				u->testcase = i;
				u->part = part;
				u->nparts = nparts;
				u->rep = rep;
				hash_fields(digest, job->name, tc->name, part,
				    nparts, rep, 0);
				u->seed = 0;
				for (k = 0; k < 8; k++)
					u->seed = (u->seed << 8) | digest[k];
				snprintf(u->id, sizeof u->id, "u%04zu",
				    u->index);
				hash_fields(digest, tc->key, NULL, part,
				    nparts, rep, 1);
				sha256_digest_hex(digest, u->key);
			}
		}
	}
	return 0;
}

/* job_sha256: the hash over every test case's key, in order. */
static void
job_hash(struct job *job)
{
	struct sha256 s;
	unsigned char digest[32];
	size_t i;

	sha256_init(&s);
	for (i = 0; i < job->ntestcases; i++)
		sha256_update(&s, job->testcases[i].key, 64);
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

	if (need_map(ld, f, bj, "benchmarkingjob") != 0 ||
	    check_keys(ld, f, bj, "in benchmarkingjob", job_keys) != 0 ||
	    map_need(ld, f, bj, "name", "in benchmarkingjob", &n) != 0 ||
	    get_string(ld, f, n, "name", 1, &s) != 0)
		return -1;
	if (strchr(s, '/') != NULL || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return ld_bad(ld, f, n, "name", "usable as a directory name");
	job->name = xstrdup(s);

	s = "./workspace";
	if ((n = map_get(f, bj, "workspace")) != NULL &&
	    get_string(ld, f, n, "workspace", 1, &s) != 0)
		return -1;
	job->workspace = path_abs(ld->cwd, s);
	if (strcmp(job->workspace, "/") == 0)
		job->output_dir = xasprintf("/%s", job->name);
	else
		job->output_dir = xasprintf("%s/%s", job->workspace,
		    job->name);

	if (load_settings(ld, f, bj) != 0)
		return -1;
	if ((n = map_get(f, bj, "testenv")) != NULL &&
	    load_testenv(ld, f, n) != 0)
		return -1;
	if (job->testenv == NULL)
		job->testenv = jcheck(json_object());
	if ((n = map_get(f, bj, "rank")) != NULL && load_rank(ld, f, n) != 0)
		return -1;

	if (map_need(ld, f, bj, "test_object", "in benchmarkingjob",
	    &to) != 0 ||
	    need_map(ld, f, to, "test_object") != 0 ||
	    check_keys(ld, f, to, "in test_object", test_object_keys) != 0)
		return -1;
	if ((n = map_get(f, to, "type")) != NULL) {
		s = scalar(n);
		if (s == NULL || strcmp(s, "algorithms") != 0)
			return ld_bad(ld, f, n, "type", "'algorithms'");
	}
	if (map_need(ld, f, to, "algorithms", "in test_object",
	    &algs) != 0 ||
	    need_seq(ld, f, algs, "algorithms") != 0)
		return -1;
	if (seq_len(algs) == 0)
		return ld_err(ld, f, algs, "test_object has no algorithms");
	ld->alg_file = xcalloc(seq_len(algs), sizeof *ld->alg_file);
	ld->alg_name = xcalloc(seq_len(algs), sizeof *ld->alg_name);
	for (i = 0; i < seq_len(algs); i++) {
		if (load_algorithm(ld, f, seq_item(f, algs, i), i) != 0)
			return -1;
	}
	if (check_unique(ld) != 0 || build_units(ld, f, bj) != 0)
		return -1;
	job_hash(job);
	return 0;
}

/* Load a job file; see job.h. */
int
job_load(const char *path, struct job **out, char **cause)
{
	struct loader ld;
	struct job *job;
	struct yfile *f;
	yaml_node_t *root, *bj;
	size_t i;
	int rc = -1;

	memset(&ld, 0, sizeof ld);
	ld.cause = cause;
	if ((ld.cwd = get_cwd(cause)) == NULL)
		return -1;
	job = xcalloc(1, sizeof *job);
	ld.job = job;
	job->settings.parallel = -1;
	job->settings.launcher = xstrdup("local");
	job->settings.partitions = 1;
	job->settings.repeat = 1;
	job->save_mode = xstrdup("selected_and_all");
	job->metric_names = jcheck(json_array());
	job->path = path_abs(ld.cwd, path);

	if (load_file(&ld, path, &f, &root) != 0)
		goto out;
	if (check_keys(&ld, f, root, "at the top of the job file",
	    root_keys) != 0 ||
	    map_need(&ld, f, root, "benchmarkingjob", "at the top of the job "
	    "file", &bj) != 0)
		goto out;
	rc = load_job(&ld, f, bj);

out:
	for (i = 0; i < ld.nfiles; i++) {
		yaml_document_delete(&ld.files[i]->doc);
		free(ld.files[i]->path);
		free(ld.files[i]);
	}
	free(ld.files);
	free(ld.tc_alg);
	free(ld.alg_file);
	free(ld.alg_name);
	free(ld.cwd);
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
	for (i = 0; i < job->ntestcases; i++)
		testcase_clear(&job->testcases[i]);
	free(job->testcases);
	free(job->units);
	for (i = 0; i < job->nsort_keys; i++)
		free(job->sort_keys[i].metric);
	free(job->sort_keys);
	json_decref(job->selected_dataitem);
	free(job->save_mode);
	json_decref(job->testenv);
	json_decref(job->metric_names);
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
const struct job_testcase *
job_testcase(const struct job *job, size_t i)
{
	if (i >= job->ntestcases)
		BUG("test case %zu of %zu", i, job->ntestcases);
	return &job->testcases[i];
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

/* Whether a test case name matches a -k pattern. */
static int
name_matches(const char *name, const char *pattern)
{
	if (strpbrk(pattern, "*?[") != NULL)
		return fnmatch(pattern, name, 0) == 0;
	return strstr(name, pattern) != NULL;
}

/* Keep the matching test cases; see job.h. */
int
job_filter(struct job *job, const char *pattern, char **cause)
{
	struct job_testcase *tcs;
	struct job_unit *units;
	size_t i, j, n = 0, nu = 0;

	for (i = 0; i < job->ntestcases; i++) {
		if (name_matches(job->testcases[i].name, pattern))
			n++;
	}
	if (n == 0)
		return err_set(cause, "no test case matches '%s'", pattern);

	tcs = xcalloc(n, sizeof *tcs);
	units = xcalloc(job->nunits + 1, sizeof *units);
	n = 0;
	for (i = 0; i < job->ntestcases; i++) {
		if (!name_matches(job->testcases[i].name, pattern)) {
			testcase_clear(&job->testcases[i]);
			continue;
		}
		tcs[n] = job->testcases[i];
		tcs[n].index = n;
		for (j = 0; j < tcs[n].nunits; j++) {
			units[nu] = job->units[tcs[n].first_unit + j];
			units[nu].index = nu;
			units[nu].testcase = n;
			snprintf(units[nu].id, sizeof units[nu].id, "u%04zu",
			    nu);
			nu++;
		}
		tcs[n].first_unit = nu - tcs[n].nunits;
		n++;
	}
	free(job->testcases);
	free(job->units);
	job->testcases = tcs;
	job->ntestcases = n;
	job->units = units;
	job->nunits = nu;
	job_hash(job);
	return 0;
}
