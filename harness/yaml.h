/*
 * yaml: YAML files read with libyaml's document API, so that every node
 * keeps its mark and every message can say "FILE:LINE:COL: message"; key
 * checks with did-you-mean suggestions; typed lookups; conversion to JSON.
 * It knows nothing of the job schema (see job.c).
 *
 * Call order: yload_init() -> yload_file() for each file -> yfile_*()
 * on the files and their nodes -> yload_release(), which frees every file
 * and node of the load. Errors go to the load's cause, set once with
 * yload_init(): every function that can fail sets it and returns -1.
 *
 * Names start with y (yload_, yfile_, ynode_, yword_, ytext_, yjson_),
 * not yaml_, which is libyaml's namespace. <yaml.h> is libyaml's header;
 * "yaml.h" (this one) includes it.
 */
#ifndef BENCH_YAML_H
#define BENCH_YAML_H

#include <stddef.h>

#include <jansson.h>
#include <yaml.h>

/* Limits: nesting and nodes per load for yfile_json(), bytes per file. */
#define YLOAD_MAX_DEPTH		64
#define YLOAD_MAX_NODES		(1U << 20)
#define YLOAD_MAX_FILE		(64U << 20)

struct yload;

/* One YAML file of a load (plain data; owned by the load). */
struct yfile {
	char		*path;	/* as opened: the FILE of messages */
	yaml_document_t	 doc;	/* its only document */
	struct yload	*load;	/* where its errors go */
};

/* The files read for one purpose, and where errors go. */
struct yload {
	char		**cause;	/* set on error; the caller frees */
	struct yfile	**files;
	size_t		  nfiles;
	size_t		  nodes;	/* converted to JSON so far */
};

/* Start a load whose errors go to *cause (cause may be NULL). */
void yload_init(struct yload *yl, char **cause);
/* Free every file of the load; its nodes and files become invalid. */
void yload_release(struct yload *yl);
/*
 * Read and parse the file at path: one document with a mapping at the top.
 * On success the file belongs to the load and *out and *root point into
 * it. Errors: "FILE: strerror", "FILE: larger than N bytes",
 * "FILE:LINE:COL: yaml: PROBLEM CONTEXT" (libyaml's), "FILE:L:C: yaml:
 * expected a single document", "FILE:1:1: empty file", "FILE:L:C: expected
 * a mapping at the top".
 */
int yload_file(struct yload *yl, const char *path, struct yfile **out,
    yaml_node_t **root);

/* Report an error at node n (NULL: 1:1) of f as "FILE:LINE:COL: message";
   return -1. */
int yfile_err(struct yfile *f, yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Node n's (NULL: 1:1) place in f, "FILE:LINE:COL", allocated: for an
   error reported after the load is released. */
char *yfile_mark(struct yfile *f, yaml_node_t *n);
/* Report "'KEY' must be EXPECTED, got 'text'|a sequence|a mapping" at n;
   return -1. */
int yfile_bad(struct yfile *f, yaml_node_t *n, const char *key,
    const char *expected);

/* Node number i of f's document; BUG when there is none. */
yaml_node_t *yfile_node(struct yfile *f, int i);
/* The value of key in mapping map, or NULL. */
yaml_node_t *yfile_get(struct yfile *f, yaml_node_t *map, const char *key);
/* Item i (below ynode_len()) of sequence seq. */
yaml_node_t *yfile_item(struct yfile *f, yaml_node_t *seq, size_t i);
/* A scalar node's text, or NULL for other nodes (and for NULL). */
const char *ynode_scalar(yaml_node_t *n);
/* Number of items of a sequence node. */
size_t ynode_len(yaml_node_t *n);

/*
 * Check mapping map's keys: scalars, no duplicates, each one in known (a
 * NULL-terminated list; NULL allows any key). where completes the message:
 * "unknown key 'K' WHERE (did you mean 'KNOWN'?)", "duplicate key 'K'
 * WHERE", "mapping keys must be scalars".
 */
int yfile_keys(struct yfile *f, yaml_node_t *map, const char *where,
    const char *const *known);
/* *out = map's value for key; else "missing key 'KEY' WHERE" at map. */
int yfile_need(struct yfile *f, yaml_node_t *map, const char *key,
    const char *where, yaml_node_t **out);
/* Error ("'KEY' must be a mapping|a list, got ...") unless n is one. */
int yfile_need_map(struct yfile *f, yaml_node_t *n, const char *key);
int yfile_need_seq(struct yfile *f, yaml_node_t *n, const char *key);
/* *out = a string scalar's text (borrowed from the document); when
   nonempty is set the empty string is an error. */
int yfile_string(struct yfile *f, yaml_node_t *n, const char *key,
    int nonempty, const char **out);
/* *out = a decimal integer scalar in [min, INT_MAX], else "'KEY' must be
   a positive|non-negative integer" (positive when min > 0). */
int yfile_int(struct yfile *f, yaml_node_t *n, const char *key, int min,
    int *out);
/*
 * *out = n and everything under it as JSON (a new reference). Scalars keep
 * their YAML type: a plain scalar that is a decimal integer becomes an
 * integer (in long long range, else tried as a real), a decimal real a real,
 * true/True/TRUE and false/False/FALSE booleans, ""/~/null/Null/NULL null;
 * every other scalar, and every quoted one, a string. Mappings are checked
 * with yfile_keys(f, n, "in mapping", NULL). Errors: NUL bytes, invalid
 * UTF-8, nesting deeper than YLOAD_MAX_DEPTH, more than YLOAD_MAX_NODES
 * nodes converted in the whole load.
 */
int yfile_json(struct yfile *f, yaml_node_t *n, json_t **out);

/* Parse a decimal integer, [-+]?[0-9]+, into *out: 0, or -1 when s is not
   one or overflows a long long. */
int ytext_ll(const char *s, long long *out);
/* Parse a finite decimal real, [-+]?(D+(.D*)?|.D+)([eE][-+]?D+)?, into
   *out: 0, or -1. */
int ytext_real(const char *s, double *out);

/* Whether word is in the NULL-terminated list. */
int yword_in(const char *word, const char *const *list);
/*
 * The word of known (NULL-terminated) nearest to word, or NULL when none
 * is near: at most 2 edits (insert, delete, change, swap two neighbours)
 * and at most half the longer word's length; the first of equals wins.
 */
const char *yword_suggest(const char *word, const char *const *known);

/* v, or BUG when a jansson constructor failed to allocate it. */
json_t *yjson_check(json_t *v);

#endif
