/*
 * yaml: the YAML files of one load. It reads each file whole, parses it
 * with libyaml's document API (so every node keeps its line and column for
 * messages), and owns the documents until yload_release(). On top of the
 * nodes it gives what every schema needs: errors with marks, key checks
 * with did-you-mean suggestions, typed lookups, and conversion to JSON that
 * keeps the scalars' YAML types. The job schema is in job.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "err.h"
#include "xalloc.h"
#include "yaml.h"
#include "banned.h"

/* Abort on a jansson allocation failure: like xmalloc, not an error. */
json_t *
yjson_check(json_t *v)
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
const char *
yword_suggest(const char *word, const char *const *known)
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
int
yword_in(const char *word, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(word, *list) == 0)
			return 1;
	}
	return 0;
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
int
ytext_ll(const char *s, long long *out)
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
int
ytext_real(const char *s, double *out)
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

/* Report an error at a node: "FILE:LINE:COL: message"; return -1. */
int
yfile_err(struct yfile *f, yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	char *msg, *mark;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	mark = yfile_mark(f, n);
	err_set(f->load->cause, "%s: %s", mark, msg);
	free(mark);
	free(msg);
	return -1;
}

/* Node n's place in f as "FILE:LINE:COL" (allocated). */
char *
yfile_mark(struct yfile *f, yaml_node_t *n)
{
	size_t line = 0, col = 0;

	if (n != NULL) {
		line = n->start_mark.line;
		col = n->start_mark.column;
	}
	return xasprintf("%s:%zu:%zu", f->path, line + 1, col + 1);
}

/* Node number i of a file's document. */
yaml_node_t *
yfile_node(struct yfile *f, int i)
{
	yaml_node_t *n = yaml_document_get_node(&f->doc, i);

	if (n == NULL)
		BUG("yaml node %d missing", i);
	return n;
}

/* A scalar node's text, or NULL for other nodes. */
const char *
ynode_scalar(yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

/* Number of items of a sequence node. */
size_t
ynode_len(yaml_node_t *n)
{
	return n->data.sequence.items.top - n->data.sequence.items.start;
}

/* Item i of a sequence node. */
yaml_node_t *
yfile_item(struct yfile *f, yaml_node_t *seq, size_t i)
{
	return yfile_node(f, seq->data.sequence.items.start[i]);
}

/* A node for messages: "'text'", "a sequence", "a mapping". */
static char *
describe(yaml_node_t *n)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return xstrdup("a sequence");
	if (n->type == YAML_MAPPING_NODE)
		return xstrdup("a mapping");
	return xasprintf("'%s'", ynode_scalar(n));
}

/* Report that key's value has the wrong type or form; return -1. */
int
yfile_bad(struct yfile *f, yaml_node_t *n, const char *key,
    const char *expected)
{
	char *got = describe(n);

	yfile_err(f, n, "'%s' must be %s, got %s", key, expected, got);
	free(got);
	return -1;
}

/* A string scalar's text (non-empty when nonempty is set), else an error. */
int
yfile_string(struct yfile *f, yaml_node_t *n, const char *key, int nonempty,
    const char **out)
{
	const char *s = ynode_scalar(n);

	if (s == NULL || (nonempty && *s == '\0'))
		return yfile_bad(f, n, key,
		    nonempty ? "a non-empty string" : "a string");
	if (strlen(s) != n->data.scalar.length)
		return yfile_err(f, n, "'%s' contains a NUL byte", key);
	*out = s;
	return 0;
}

/* Parse an integer setting in [min, INT_MAX]. */
int
yfile_int(struct yfile *f, yaml_node_t *n, const char *key, int min,
    int *out)
{
	const char *s = ynode_scalar(n);
	long long ll;

	if (s == NULL || ytext_ll(s, &ll) != 0 || ll < min || ll > INT_MAX)
		return yfile_bad(f, n, key, min > 0 ? "a positive integer" :
		    "a non-negative integer");
	*out = (int)ll;
	return 0;
}

/*
 * Check a mapping's keys: scalars, known (else suggest the nearest known
 * key), no duplicates. known NULL allows any key.
 */
int
yfile_keys(struct yfile *f, yaml_node_t *map, const char *where,
    const char *const *known)
{
	yaml_node_pair_t *p, *q;
	const char *k, *near;

	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = ynode_scalar(yfile_node(f, p->key));
		if (k == NULL)
			return yfile_err(f, yfile_node(f, p->key),
			    "mapping keys must be scalars");
		for (q = map->data.mapping.pairs.start; q < p; q++) {
			if (strcmp(k, ynode_scalar(yfile_node(f, q->key))) == 0)
				return yfile_err(f, yfile_node(f, p->key),
				    "duplicate key '%s' %s", k, where);
		}
		if (known == NULL || yword_in(k, known))
			continue;
		near = yword_suggest(k, known);
		if (near != NULL)
			return yfile_err(f, yfile_node(f, p->key),
			    "unknown key '%s' %s (did you mean '%s'?)", k,
			    where, near);
		return yfile_err(f, yfile_node(f, p->key),
		    "unknown key '%s' %s", k, where);
	}
	return 0;
}

/* The value of key in a mapping, or NULL. */
yaml_node_t *
yfile_get(struct yfile *f, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	const char *k;

	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = ynode_scalar(yfile_node(f, p->key));
		if (k != NULL && strcmp(k, key) == 0)
			return yfile_node(f, p->value);
	}
	return NULL;
}

/* A mapping's value for a required key, else an error at the mapping. */
int
yfile_need(struct yfile *f, yaml_node_t *map, const char *key,
    const char *where, yaml_node_t **out)
{
	*out = yfile_get(f, map, key);
	if (*out == NULL)
		return yfile_err(f, map, "missing key '%s' %s", key, where);
	return 0;
}

/* Error unless n is a mapping. */
int
yfile_need_map(struct yfile *f, yaml_node_t *n, const char *key)
{
	if (n->type != YAML_MAPPING_NODE)
		return yfile_bad(f, n, key, "a mapping");
	return 0;
}

/* Error unless n is a sequence. */
int
yfile_need_seq(struct yfile *f, yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return yfile_bad(f, n, key, "a list");
	return 0;
}

/* A plain scalar's JSON for the YAML core types, or NULL for a string. */
static json_t *
plain_json(const char *s)
{
	long long ll;
	double d;

	if (ytext_ll(s, &ll) == 0)
		return yjson_check(json_integer(ll));
	if (ytext_real(s, &d) == 0)
		return yjson_check(json_real(d));
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "TRUE") == 0)
		return json_true();
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
	    strcmp(s, "FALSE") == 0)
		return json_false();
	if (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return json_null();
	return NULL;
}

/*
 * A scalar as JSON, keeping its YAML type: plain integers, reals, booleans
 * and nulls; strings for quoted and all other scalars.
 */
static int
scalar_json(struct yfile *f, yaml_node_t *n, json_t **out)
{
	const char *s = ynode_scalar(n);

	if (strlen(s) != n->data.scalar.length)
		return yfile_err(f, n, "string contains a NUL byte");
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (*out = plain_json(s)) != NULL)
		return 0;
	*out = json_string(s);
	if (*out == NULL)
		return yfile_err(f, n, "string is not valid UTF-8");
	return 0;
}

static int node_json(struct yfile *f, yaml_node_t *n, int depth,
    json_t **out);

/* A sequence node as a JSON array. */
static int
seq_json(struct yfile *f, yaml_node_t *n, int depth, json_t **out)
{
	yaml_node_item_t *it;
	json_t *v, *c;

	v = yjson_check(json_array());
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		if (node_json(f, yfile_node(f, *it), depth + 1, &c) != 0) {
			json_decref(v);
			return -1;
		}
		json_array_append_new(v, c);
	}
	*out = v;
	return 0;
}

/* A mapping node as a JSON object, its keys checked first. */
static int
map_json(struct yfile *f, yaml_node_t *n, int depth, json_t **out)
{
	yaml_node_pair_t *p;
	yaml_node_t *k;
	json_t *v, *c;

	if (yfile_keys(f, n, "in mapping", NULL) != 0)
		return -1;
	v = yjson_check(json_object());
	for (p = n->data.mapping.pairs.start;
	    p < n->data.mapping.pairs.top; p++) {
		k = yfile_node(f, p->key);
		if (strlen(ynode_scalar(k)) != k->data.scalar.length) {
			json_decref(v);
			return yfile_err(f, k, "key contains a NUL byte");
		}
		if (node_json(f, yfile_node(f, p->value), depth + 1,
		    &c) != 0) {
			json_decref(v);
			return -1;
		}
		if (json_object_set_new(v, ynode_scalar(k), c) != 0) {
			json_decref(v);
			return yfile_err(f, k, "key is not valid UTF-8");
		}
	}
	*out = v;
	return 0;
}

/* Convert a node and everything under it to JSON. */
static int
node_json(struct yfile *f, yaml_node_t *n, int depth, json_t **out)
{
	if (depth > YLOAD_MAX_DEPTH)
		return yfile_err(f, n, "nesting deeper than %d levels",
		    YLOAD_MAX_DEPTH);
	if (++f->load->nodes > YLOAD_MAX_NODES)
		return yfile_err(f, n, "more than %u nodes", YLOAD_MAX_NODES);
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return scalar_json(f, n, out);
	case YAML_SEQUENCE_NODE:
		return seq_json(f, n, depth, out);
	case YAML_MAPPING_NODE:
		return map_json(f, n, depth, out);
	default:
		return yfile_err(f, n, "empty node");
	}
}

/* Convert a node and everything under it to JSON; see yaml.h. */
int
yfile_json(struct yfile *f, yaml_node_t *n, json_t **out)
{
	return node_json(f, n, 0, out);
}

/* Read a whole file into memory (NUL-terminated). */
static int
read_file(struct yload *yl, const char *path, char **out, size_t *outlen)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return err_errno(yl->cause, "%s", path);
	for (;;) {
		if (cap - len < 4096) {
			if (cap >= YLOAD_MAX_FILE) {
				close(fd);
				free(buf);
				return err_set(yl->cause, "%s: larger than %u "
				    "bytes", path, YLOAD_MAX_FILE);
			}
			cap = cap ? cap * 2 : 8192;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_errno(yl->cause, "%s", path);
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
parse_error(struct yload *yl, const char *path, yaml_parser_t *p,
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
	return err_set(yl->cause, "%s:%zu:%zu: yaml: %s%s%s", path,
	    mark.line + 1, mark.column + 1,
	    p->problem != NULL ? p->problem : "error",
	    p->context != NULL ? " " : "",
	    p->context != NULL ? p->context : "");
}

/* Error unless the parser is at the end of the stream (one document). */
static int
single_document(struct yload *yl, const char *path, yaml_parser_t *parser,
    const char *text, size_t len)
{
	yaml_document_t extra;
	int more;

	if (!yaml_parser_load(parser, &extra))
		return parse_error(yl, path, parser, text, len);
	more = yaml_document_get_root_node(&extra) != NULL;
	if (more) {
		err_set(yl->cause, "%s:%zu:%zu: yaml: expected a single "
		    "document", path, extra.start_mark.line + 1,
		    extra.start_mark.column + 1);
	}
	yaml_document_delete(&extra);
	return more ? -1 : 0;
}

/* Parse text as the first document of a new file of the load. */
static int
parse_file(struct yload *yl, const char *path, const char *text,
    size_t len, struct yfile **out)
{
	yaml_parser_t parser;
	struct yfile *f;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		BUG("yaml_parser_initialize failed");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    len);
	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->load = yl;
	if (!yaml_parser_load(&parser, &f->doc)) {
		parse_error(yl, path, &parser, text, len);
		yaml_parser_delete(&parser);
		free(f->path);
		free(f);
		return -1;
	}
	yl->files = xreallocarray(yl->files, yl->nfiles + 1,
	    sizeof *yl->files);
	yl->files[yl->nfiles++] = f;
	if (yaml_document_get_root_node(&f->doc) != NULL)
		rc = single_document(yl, path, &parser, text, len);
	yaml_parser_delete(&parser);
	*out = f;
	return rc;
}

/* Read and parse a YAML file holding one document with a mapping on top. */
int
yload_file(struct yload *yl, const char *path, struct yfile **out,
    yaml_node_t **root)
{
	struct yfile *f;
	yaml_node_t *r;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (read_file(yl, path, &text, &len) != 0)
		return -1;
	rc = parse_file(yl, path, text, len, &f);
	free(text);
	if (rc != 0)
		return -1;
	r = yaml_document_get_root_node(&f->doc);
	if (r == NULL)
		return err_set(yl->cause, "%s:1:1: empty file", path);
	if (r->type != YAML_MAPPING_NODE)
		return yfile_err(f, r, "expected a mapping at the top");
	*out = f;
	*root = r;
	return 0;
}

/* Start a load; see yaml.h. */
void
yload_init(struct yload *yl, char **cause)
{
	memset(yl, 0, sizeof *yl);
	yl->cause = cause;
}

/* Free every file of a load. */
void
yload_release(struct yload *yl)
{
	size_t i;

	for (i = 0; i < yl->nfiles; i++) {
		yaml_document_delete(&yl->files[i]->doc);
		free(yl->files[i]->path);
		free(yl->files[i]);
	}
	free(yl->files);
	yl->files = NULL;
	yl->nfiles = 0;
	yl->nodes = 0;
}
