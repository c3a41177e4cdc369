/*
 * profile: the renderer of `bench profile`: per test case its peak RSS,
 * peak VRAM, wall time and status, then the safe worker count of the job
 * with the arithmetic that gave it. Pure: it takes the rows as
 * harness/cmd-profile.c measured them and writes text.
 */
#ifndef BENCH_PROFILE_H
#define BENCH_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What one test case needed; the caller fills it. */
struct profile_row {
	const char	*name;		/* the test case, borrowed */
	long		 peak_rss_kb;	/* -1 unknown */
	double		 peak_vram_mb;	/* NAN unknown / no GPU */
	double		 wall_s;	/* NAN unknown */
	char		 status[16];	/* of its unit, "-" if it did not run */
};

/*
 * Write to fp the title (the job file, run_id and host), a row per
 * rows[0..n), and safe_line, the safe worker count with its arithmetic
 * (safe_result.line of profiles/safe.h).
 */
void profile_print(FILE *fp, const char *file, int64_t run_id,
    const char *host, const struct profile_row *rows, size_t n,
    const char *safe_line);
/*
 * The same as one JSON object: {"file", "run", "host", "testcases":
 * [{"name", "peak_rss_kb", "peak_vram_mb", "wall_s", "status"}...],
 * "safe": {"workers", "limit", "line"}}; unknown values are null.
 */
void profile_print_json(FILE *fp, const char *file, int64_t run_id,
    const char *host, const struct profile_row *rows, size_t n,
    unsigned safe_workers, const char *safe_limit, const char *safe_line);

#endif
