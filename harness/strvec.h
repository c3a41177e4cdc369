/*
 * strvec: the one helper for NULL-terminated arrays of allocated strings
 * (argv, environments, lists of words). Every string in a strvec is its
 * own allocation, owned by the strvec until strvec_detach or strvec_clear.
 *
 *	struct strvec sv = STRVEC_INIT;
 *
 *	strvec_push(&sv, "srun");
 *	strvec_pushf(&sv, "--cpus-per-task=%d", cpus);
 *	strvec_pushv(&sv, cmd);
 *	so.argv = sv.items;	(NULL-terminated, usable as is)
 *	...
 *	strvec_clear(&sv);
 *
 * An array handed out by strvec_detach is freed with strv_free.
 * Allocation failure aborts (xalloc.h).
 */
#ifndef BENCH_STRVEC_H
#define BENCH_STRVEC_H

#include <stddef.h>

struct strvec {
	char	**items;	/* NULL-terminated; NULL before a push */
	size_t	  n;		/* strings in items, less the NULL */
	size_t	  alloc;	/* slots allocated in items */
};
#define STRVEC_INIT { .items = NULL, .n = 0, .alloc = 0 }

/* Make sv empty, owning nothing (same as STRVEC_INIT). */
void strvec_init(struct strvec *sv);

/* Append a copy of s. Returns the copy, owned by sv. */
const char *strvec_push(struct strvec *sv, const char *s);

/* Append a formatted string (printf). Returns it, owned by sv. */
const char *strvec_pushf(struct strvec *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Append a copy of each string of the NULL-terminated v (NULL: none). */
void strvec_pushv(struct strvec *sv, char *const *v);

/* Append a copy of each word of s: runs of blanks (space, \t, \n, \r,
   \v, \f) separate words; no quoting. */
void strvec_split(struct strvec *sv, const char *s);

/*
 * Hand the array over: returns sv's items, NULL-terminated and never NULL
 * (an allocated array of just NULL when sv is empty), and leaves sv empty.
 * The caller frees the result with strv_free.
 */
char **strvec_detach(struct strvec *sv);

/* Free every string and the array, and leave sv empty for reuse. */
void strvec_clear(struct strvec *sv);

/* Free a NULL-terminated array of allocated strings and the array itself
   (what strvec_detach returns). NULL is a no-op. */
void strv_free(char **v);

#endif
