/*
 * chan: the JSON Lines record protocol between workers and the controller.
 * The reader assembles lines from a non-blocking pipe, bounds their length
 * and validates every record; the writer emits one line per write(2).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <jansson.h>

#include "chan.h"
#include "err.h"
#include "xalloc.h"
#include "banned.h"

struct chan {
	chan_record_cb	 cb;
	chan_error_cb	 err_cb;
	void		*data;
	char		 line[CHAN_LINE_MAX + 1];
	size_t		 len;
	int		 skipping;	/* inside an over-long line */
	size_t		 nrecords;
	size_t		 nerrors;
};

/* Copy a JSON string member into dst (bounded); 0 ok, -1 absent/not string. */
static int
chan_get_string(json_t *obj, const char *key, char *dst, size_t size,
    int required, char **cause)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t n;

	if (v == NULL) {
		dst[0] = '\0';
		return required ? err_set(cause, "record has no '%s'", key) : 0;
	}
	if (!json_is_string(v))
		return err_set(cause, "'%s' must be a string", key);
	s = json_string_value(v);
	n = json_string_length(v);
	if (memchr(s, '\0', n) != NULL)
		return err_set(cause, "'%s' contains a NUL byte", key);
	if (n >= size)
		return err_set(cause, "'%s' longer than %zu bytes", key,
		    size - 1);
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* Read an optional finite number; NAN when absent. */
static int
chan_get_number(json_t *obj, const char *key, double *out, int required,
    char **cause)
{
	json_t *v = json_object_get(obj, key);

	*out = NAN;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return err_set(cause, "record has no '%s'", key);
		return 0;
	}
	if (!json_is_number(v))
		return err_set(cause, "'%s' must be a number", key);
	*out = json_number_value(v);
	if (!isfinite(*out))
		return err_set(cause, "'%s' is not finite", key);
	return 0;
}

/* The fields of a start record. */
static int
chan_parse_start(json_t *root, struct chan_record *rec, char **cause)
{
	double d;

	if (chan_get_number(root, "pid", &d, 0, cause) != 0)
		return -1;
	/* untrusted: only a pid-sized positive integer is one */
	rec->pid = (isnan(d) || d < 1 || d > INT_MAX) ? -1 : (long)d;
	return chan_get_string(root, "host", rec->host, sizeof rec->host, 0,
	    cause);
}

/* The fields of a metric record. */
static int
chan_parse_metric(json_t *root, struct chan_record *rec, char **cause)
{
	json_t *v;

	if (chan_get_string(root, "name", rec->name, sizeof rec->name, 1,
	    cause) != 0)
		return -1;
	if (rec->name[0] == '\0')
		return err_set(cause, "metric name is empty");
	if (chan_get_number(root, "value", &rec->value, 1, cause) != 0)
		return -1;
	v = json_object_get(root, "timing");
	if (v != NULL && !json_is_boolean(v))
		return err_set(cause, "'timing' must be true or false");
	rec->timing = json_is_true(v);
	return 0;
}

/* The fields of a sample record. */
static int
chan_parse_sample(json_t *root, struct chan_record *rec, char **cause)
{
	if (chan_get_number(root, "rss_kb", &rec->rss_kb, 0, cause) ||
	    chan_get_number(root, "vram_mb", &rec->vram_mb, 0, cause) ||
	    chan_get_number(root, "cpu_pct", &rec->cpu_pct, 0, cause) ||
	    chan_get_number(root, "gpu_util", &rec->gpu_util, 0, cause))
		return -1;
	return 0;
}

/* The fields of an end record. */
static int
chan_parse_end(json_t *root, struct chan_record *rec, char **cause)
{
	if (chan_get_string(root, "status", rec->status, sizeof rec->status,
	    1, cause) != 0)
		return -1;
	if (strcmp(rec->status, "ok") != 0 &&
	    strcmp(rec->status, "failed") != 0 &&
	    strcmp(rec->status, "skipped") != 0 &&
	    strcmp(rec->status, "oom") != 0)
		return err_set(cause, "unknown end status '%s'", rec->status);
	return chan_get_string(root, "error", rec->text, sizeof rec->text, 0,
	    cause);
}

/* The fields of a usage record. */
static int
chan_parse_usage(json_t *root, struct chan_record *rec, char **cause)
{
	if (chan_get_number(root, "cpu_user_s", &rec->cpu_user_s, 0, cause) ||
	    chan_get_number(root, "cpu_sys_s", &rec->cpu_sys_s, 0, cause) ||
	    chan_get_number(root, "maxrss_kb", &rec->maxrss_kb, 0, cause))
		return -1;
	if (rec->cpu_user_s < 0 || rec->cpu_sys_s < 0 || rec->maxrss_kb < 0)
		return err_set(cause, "usage figures must not be negative");
	return 0;
}

/* The fields of a log record. */
static int
chan_parse_log(json_t *root, struct chan_record *rec, char **cause)
{
	return chan_get_string(root, "msg", rec->text, sizeof rec->text, 1,
	    cause);
}

/* The record types: the value of "t", and the parser of the rest. */
static const struct chan_type_entry {
	const char	*name;
	enum chan_type	 type;
	int		(*parse)(json_t *, struct chan_record *, char **);
} chan_types[] = {
	{ "start", CHAN_START, chan_parse_start },
	{ "metric", CHAN_METRIC, chan_parse_metric },
	{ "sample", CHAN_SAMPLE, chan_parse_sample },
	{ "end", CHAN_END, chan_parse_end },
	{ "usage", CHAN_USAGE, chan_parse_usage },
	{ "log", CHAN_LOG, chan_parse_log },
};

/* Parse and validate one record line. */
int
chan_parse_line(const char *line, size_t len, struct chan_record *rec,
    char **cause)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *t;
	size_t i;
	int rc = -1;

	memset(rec, 0, sizeof *rec);
	rec->pid = -1;
	rec->value = rec->rss_kb = rec->vram_mb = NAN;
	rec->cpu_pct = rec->gpu_util = NAN;
	rec->cpu_user_s = rec->cpu_sys_s = rec->maxrss_kb = NAN;
	if (len > CHAN_LINE_MAX)
		return err_set(cause, "record longer than %d bytes",
		    CHAN_LINE_MAX);
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return err_set(cause, "invalid JSON: %s", jerr.text);
	if (!json_is_object(root)) {
		err_set(cause, "record is not a JSON object");
		goto out;
	}
	v = json_object_get(root, "t");
	if (!json_is_string(v)) {
		err_set(cause, "record has no string 't'");
		goto out;
	}
	t = json_string_value(v);
	for (i = 0; i < sizeof chan_types / sizeof chan_types[0]; i++) {
		if (strcmp(t, chan_types[i].name) == 0)
			break;
	}
	if (i == sizeof chan_types / sizeof chan_types[0]) {
		err_set(cause, "unknown record type '%.32s'", t);
		goto out;
	}
	rec->type = chan_types[i].type;
	rc = chan_types[i].parse(root, rec, cause) == 0 ? 0 : -1;
out:
	json_decref(root);
	return rc;
}

/* A new line assembler. */
struct chan *
chan_new(chan_record_cb cb, chan_error_cb err_cb, void *data)
{
	struct chan *ch = xcalloc(1, sizeof *ch);

	ch->cb = cb;
	ch->err_cb = err_cb;
	ch->data = data;
	return ch;
}

/* Free an assembler. */
void
chan_free(struct chan *ch)
{
	free(ch);
}

/* Report a protocol error. */
static void
chan_error(struct chan *ch, const char *reason)
{
	ch->nerrors++;
	if (ch->err_cb != NULL)
		ch->err_cb(reason, ch->data);
}

/* Handle one complete line. */
static void
chan_line(struct chan *ch, const char *line, size_t len)
{
	struct chan_record rec;
	char *cause = NULL;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return;
	if (chan_parse_line(line, len, &rec, &cause) != 0) {
		chan_error(ch, cause);
		free(cause);
		return;
	}
	ch->nrecords++;
	if (ch->cb != NULL)
		ch->cb(&rec, ch->data);
}

/* Feed bytes read from the pipe. */
void
chan_feed(struct chan *ch, const char *buf, size_t len)
{
	const char *nl;
	size_t n;
	char reason[64];

	while (len > 0) {
		nl = memchr(buf, '\n', len);
		n = nl != NULL ? (size_t)(nl - buf) : len;
		if (ch->skipping) {
			/* drop the rest of an over-long line */
		} else if (ch->len + n > CHAN_LINE_MAX) {
			snprintf(reason, sizeof reason,
			    "record longer than %d bytes", CHAN_LINE_MAX);
			chan_error(ch, reason);
			ch->skipping = 1;
			ch->len = 0;
		} else {
			memcpy(ch->line + ch->len, buf, n);
			ch->len += n;
		}
		if (nl == NULL)
			return;
		if (!ch->skipping)
			chan_line(ch, ch->line, ch->len);
		ch->skipping = 0;
		ch->len = 0;
		buf += n + 1;
		len -= n + 1;
	}
}

/* End of stream. */
void
chan_eof(struct chan *ch)
{
	if (ch->len > 0 || ch->skipping)
		chan_error(ch, "record cut off at end of stream");
	ch->len = 0;
	ch->skipping = 0;
}

/* Count of good records. */
size_t
chan_nrecords(const struct chan *ch)
{
	return ch->nrecords;
}

/* Count of bad lines. */
size_t
chan_nerrors(const struct chan *ch)
{
	return ch->nerrors;
}

/* Write one object as a line, at most CHAN_LINE_MAX bytes, in one write. */
static int
chan_write_obj(int fd, json_t *obj)
{
	char buf[CHAN_LINE_MAX + 1];
	size_t n, off = 0;
	ssize_t w;

	n = json_dumpb(obj, buf, sizeof buf - 1, JSON_COMPACT);
	json_decref(obj);
	if (n == 0 || n > sizeof buf - 1) {
		errno = EMSGSIZE;
		return -1;
	}
	buf[n++] = '\n';
	while (off < n) {
		w = write(fd, buf + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

/* A string cut to at most max bytes on a UTF-8 boundary, invalid UTF-8
   replaced, as a JSON string. */
static json_t *
chan_text(const char *s, size_t max)
{
	size_t n = strlen(s);
	json_t *v;
	char *copy;
	size_t i;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	v = json_stringn(s, n);
	if (v != NULL)
		return v;
	/* not UTF-8: keep ASCII, replace the rest */
	copy = xstrndup(s, n);
	for (i = 0; i < n; i++) {
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	}
	v = json_stringn(copy, n);
	free(copy);
	return v;
}

/* {"t":"start","pid":N} */
int
chan_write_start(int fd, long pid)
{
	return chan_write_obj(fd, json_pack("{s:s,s:I}", "t", "start", "pid",
	    (json_int_t)pid));
}

/* {"t":"start","pid":N,"host":"NAME"}; host cut to CHAN_HOST_MAX bytes. */
int
chan_write_start_host(int fd, long pid, const char *host)
{
	char h[CHAN_HOST_MAX + 1];

	if (host == NULL || *host == '\0')
		return chan_write_start(fd, pid);
	snprintf(h, sizeof h, "%s", host);
	return chan_write_obj(fd, json_pack("{s:s,s:I,s:s}", "t", "start",
	    "pid", (json_int_t)pid, "host", h));
}

/* The host a worker runs on: $SLURMD_NODENAME under Slurm, else the
   host name. Written to buf (size len). */
const char *
chan_host(char *buf, size_t len)
{
	const char *s = getenv("SLURMD_NODENAME");

	if (len == 0)
		return "";
	if (s != NULL && *s != '\0')
		snprintf(buf, len, "%s", s);
	else if (gethostname(buf, len) != 0)
		buf[0] = '\0';
	buf[len - 1] = '\0';
	return buf;
}

/* {"t":"metric","name":..,"value":..[,"timing":true]} */
int
chan_write_metric(int fd, const char *name, double value, int timing)
{
	json_t *o;

	if (!isfinite(value)) {
		errno = EINVAL;
		return -1;
	}
	o = json_pack("{s:s,s:o,s:f}", "t", "metric", "name",
	    chan_text(name, CHAN_NAME_MAX), "value", value);
	if (o != NULL && timing)
		json_object_set_new(o, "timing", json_true());
	return chan_write_obj(fd, o);
}

/* Set key to a number unless it is NAN. */
static void
chan_set_opt(json_t *o, const char *key, double v)
{
	if (!isnan(v))
		json_object_set_new(o, key, json_real(v));
}

/* {"t":"sample",...} */
int
chan_write_sample(int fd, double rss_kb, double vram_mb, double cpu_pct,
    double gpu_util)
{
	json_t *o = json_pack("{s:s}", "t", "sample");

	chan_set_opt(o, "rss_kb", rss_kb);
	chan_set_opt(o, "vram_mb", vram_mb);
	chan_set_opt(o, "cpu_pct", cpu_pct);
	chan_set_opt(o, "gpu_util", gpu_util);
	return chan_write_obj(fd, o);
}

/* {"t":"end","status":..[,"error":..]} */
int
chan_write_end(int fd, const char *status, const char *error)
{
	json_t *o = json_pack("{s:s,s:s}", "t", "end", "status", status);

	if (o != NULL && error != NULL)
		json_object_set_new(o, "error", chan_text(error, CHAN_TEXT_MAX));
	return chan_write_obj(fd, o);
}

/* {"t":"log","msg":..} */
int
chan_write_log(int fd, const char *msg)
{
	return chan_write_obj(fd, json_pack("{s:s,s:o}", "t", "log", "msg",
	    chan_text(msg, CHAN_TEXT_MAX)));
}

/* {"t":"usage",...} from getrusage(who). */
int
chan_write_usage(int fd, int who)
{
	struct rusage ru;
	json_t *o;

	if (getrusage(who, &ru) != 0)
		return -1;
	o = json_pack("{s:s,s:f,s:f,s:I}", "t", "usage",
	    "cpu_user_s", (double)ru.ru_utime.tv_sec +
	    (double)ru.ru_utime.tv_usec / 1e6,
	    "cpu_sys_s", (double)ru.ru_stime.tv_sec +
	    (double)ru.ru_stime.tv_usec / 1e6,
	    "maxrss_kb", (json_int_t)ru.ru_maxrss);
	return chan_write_obj(fd, o);
}
