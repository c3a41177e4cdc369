/*
 * safe: the safe worker count from cores, RAM, VRAM and the number of
 * units, with one line of arithmetic that says how it was reached.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "safe.h"
#include "banned.h"

/* Up to this many GPUs are spelled out one by one in the line. */
#define SAFE_LINE_GPUS	4

/* Append to buf (size len) at *off, never past the end. */
static void __attribute__((format(printf, 4, 5)))
safe_append(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*off += (size_t)n;
	if (*off >= len)
		*off = len;
}

/* The name of a limit. */
const char *
safe_limit_name(enum safe_limit limit)
{
	switch (limit) {
	case SAFE_CORES:
		return "cores";
	case SAFE_RAM:
		return "ram";
	case SAFE_VRAM:
		return "vram";
	case SAFE_UNITS:
		return "units";
	case SAFE_EXPLICIT:
		return "explicit";
	}
	return "unknown";
}

/* The label a limit has in the line. */
static const char *
safe_limit_label(enum safe_limit limit)
{
	switch (limit) {
	case SAFE_CORES:
		return "cores";
	case SAFE_RAM:
		return "RAM";
	case SAFE_VRAM:
		return "VRAM";
	case SAFE_UNITS:
		return "units";
	case SAFE_EXPLICIT:
		return "-w";
	}
	return "?";
}

/* How many GPUs of in count: those listed, at most SAFE_MAX_GPUS. */
static size_t
safe_ngpus(const struct safe_input *in)
{
	size_t ngpus = in->gpu_free_mb != NULL ? in->ngpus : 0;

	return ngpus > SAFE_MAX_GPUS ? SAFE_MAX_GPUS : ngpus;
}

/*
 * Apply the caps: fill out's cores_cap, ram_cap, vram_cap and fits, and
 * return the safe count, with *limit the cap that decided it.
 */
static unsigned
safe_count(const struct safe_input *in, struct safe_result *out,
    enum safe_limit *limit)
{
	size_t i, ngpus = safe_ngpus(in);
	unsigned cores, count;
	long long free_mb;

	/* cores-1, at least 1 */
	cores = in->cores > 0 ? in->cores : 1;
	out->cores_cap = cores > 1 ? cores - 1 : 1;
	count = out->cores_cap;
	*limit = SAFE_CORES;

	/* RAM: floor(0.8 x MemAvailable / peak RSS), in KiB */
	if (in->peak_rss_kb > 0 && in->mem_available_kb >= 0) {
		out->ram_cap = (in->mem_available_kb * 8) /
		    (in->peak_rss_kb * 10);
		if (out->ram_cap == 0)
			out->fits = 0;
		if (out->ram_cap < (long long)count) {
			count = out->ram_cap > 0 ? (unsigned)out->ram_cap : 1;
			*limit = SAFE_RAM;
		}
	}

	/* VRAM: sum over GPUs of floor(0.9 x free / peak VRAM), in MiB */
	if (in->peak_vram_mb > 0 && ngpus > 0) {
		out->vram_cap = 0;
		for (i = 0; i < ngpus; i++) {
			free_mb = in->gpu_free_mb[i] > 0 ?
			    in->gpu_free_mb[i] : 0;
			out->vram_cap += (free_mb * 9) /
			    (in->peak_vram_mb * 10);
		}
		if (out->vram_cap == 0)
			out->fits = 0;
		if (out->vram_cap < (long long)count) {
			count = out->vram_cap > 0 ? (unsigned)out->vram_cap : 1;
			*limit = SAFE_VRAM;
		}
	}

	/* the number of units */
	if (in->nunits > 0 && in->nunits < count) {
		count = (unsigned)in->nunits;
		*limit = SAFE_UNITS;
	}
	return count;
}

/* Append the VRAM arithmetic to out->line at *off. */
static void
safe_line_vram(const struct safe_input *in, struct safe_result *out,
    size_t *off)
{
	char *line = out->line;
	size_t len = sizeof out->line, i, ngpus = safe_ngpus(in);
	long long free_mb;

	if (ngpus == 0) {
		if (in->peak_vram_mb > 0)
			safe_append(line, len, off, "; VRAM no GPU visible");
	} else if (in->peak_vram_mb <= 0)
		safe_append(line, len, off, "; VRAM peak unknown");
	else if (ngpus <= SAFE_LINE_GPUS) {
		safe_append(line, len, off, "; VRAM");
		for (i = 0; i < ngpus; i++) {
			free_mb = in->gpu_free_mb[i] > 0 ?
			    in->gpu_free_mb[i] : 0;
			safe_append(line, len, off,
			    "%s GPU%zu floor(0.9 x %lld MiB / %lld MiB) = %lld",
			    i == 0 ? "" : " +", i, free_mb, in->peak_vram_mb,
			    (free_mb * 9) / (in->peak_vram_mb * 10));
		}
		if (ngpus > 1)
			safe_append(line, len, off, " = %lld", out->vram_cap);
	} else {
		safe_append(line, len, off,
		    "; VRAM sum over %zu GPUs of floor(0.9 x free / %lld MiB)"
		    " = %lld", ngpus, in->peak_vram_mb, out->vram_cap);
	}
}

/* Write out->line: the decision, then the arithmetic of every cap;
   count and limit are the safe count and what decided it. */
static void
safe_line(const struct safe_input *in, struct safe_result *out,
    unsigned count, enum safe_limit limit)
{
	char *line = out->line;
	size_t len = sizeof out->line, off = 0;
	unsigned cores = in->cores > 0 ? in->cores : 1;

	if (in->explicit_workers > 0)
		safe_append(line, len, &off,
		    "%u worker%s (-w %u; safe %u by %s):", out->workers,
		    out->workers == 1 ? "" : "s", in->explicit_workers, count,
		    safe_limit_label(limit));
	else
		safe_append(line, len, &off, "%u worker%s (%s):", count,
		    count == 1 ? "" : "s", safe_limit_label(limit));

	safe_append(line, len, &off, " cores-1 = %u of %u core%s",
	    out->cores_cap, cores, cores == 1 ? "" : "s");

	if (in->mem_available_kb < 0)
		safe_append(line, len, &off, "; RAM available unknown");
	else if (in->peak_rss_kb <= 0)
		safe_append(line, len, &off, "; RAM peak unknown");
	else {
		safe_append(line, len, &off,
		    "; RAM floor(0.8 x %lld MiB%s%s%s / %lld MiB) = %lld",
		    in->mem_available_kb / 1024,
		    in->mem_source != NULL ? " (" : "",
		    in->mem_source != NULL ? in->mem_source : "",
		    in->mem_source != NULL ? ")" : "",
		    (in->peak_rss_kb + 1023) / 1024, out->ram_cap);
	}
	safe_line_vram(in, out, &off);
	if (in->nunits > 0)
		safe_append(line, len, &off, "; units %zu", in->nunits);
	if (!out->fits)
		safe_append(line, len, &off, "; one unit may not fit");
}

/* Apply the rule; see safe.h. */
void
safe_workers(const struct safe_input *in, struct safe_result *out)
{
	enum safe_limit limit;
	unsigned count;

	memset(out, 0, sizeof *out);
	out->ram_cap = -1;
	out->vram_cap = -1;
	out->fits = 1;
	count = safe_count(in, out, &limit);
	if (in->explicit_workers > 0) {
		out->workers = in->explicit_workers;
		out->limit = SAFE_EXPLICIT;
	} else {
		out->workers = count;
		out->limit = limit;
	}
	safe_line(in, out, count, limit);
}
