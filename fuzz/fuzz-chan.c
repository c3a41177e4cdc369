/*
 * fuzz-chan: libFuzzer target for the status-record reader. Each input is
 * parsed as one line by chan_parse_line() and fed to a line assembler by
 * chan_feed() in chunks whose sizes come from the input itself, then
 * chan_eof(). Built by `make fuzz` with clang
 * -fsanitize=fuzzer,address,undefined.
 */
#include "config.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_count {
	size_t	records;
	size_t	errors;
};

/* Check a record the way the controller uses it. */
static void
fuzz_check(const struct chan_record *rec)
{
	if (rec->type < CHAN_START || rec->type > CHAN_USAGE)
		abort();
	if (rec->type == CHAN_USAGE && (rec->cpu_user_s < 0 ||
	    rec->cpu_sys_s < 0 || rec->maxrss_kb < 0))
		abort();
	if (strlen(rec->name) > CHAN_NAME_MAX ||
	    strlen(rec->text) > CHAN_TEXT_MAX ||
	    strlen(rec->status) >= sizeof rec->status)
		abort();
	if (rec->type == CHAN_METRIC && rec->name[0] == '\0')
		abort();
	/* an out-of-range pid cast to long (undefined behaviour, caught by
	   UBSan) gives LONG_MIN on x86-64: catch it without UBSan too */
	if (rec->type == CHAN_START && rec->pid == LONG_MIN)
		abort();
}

/* Nothing to set up; replay.c calls it for every target. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* A record came out of the assembler. */
static void
fuzz_on_record(const struct chan_record *rec, void *data)
{
	struct fuzz_count *c = data;

	fuzz_check(rec);
	c->records++;
}

/* A protocol error came out of the assembler. */
static void
fuzz_on_error(const char *reason, void *data)
{
	struct fuzz_count *c = data;

	if (reason == NULL || reason[0] == '\0')
		abort();
	c->errors++;
}

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chan_record rec;
	struct fuzz_count c = { 0, 0 };
	struct chan *ch;
	char *cause = NULL;
	const char *buf = (const char *)data;
	size_t off, n, step;

	if (chan_parse_line(buf, size, &rec, &cause) == 0) {
		if (cause != NULL)
			abort();
		fuzz_check(&rec);
	} else {
		if (cause == NULL)
			abort();
		free(cause);
	}

	/* the first byte picks the chunk size, as read() might split */
	step = size > 0 ? (size_t)data[0] % 64 + 1 : 1;
	ch = chan_new(fuzz_on_record, fuzz_on_error, &c);
	for (off = 0; off < size; off += n) {
		n = size - off < step ? size - off : step;
		chan_feed(ch, buf + off, n);
	}
	chan_eof(ch);
	if (chan_nrecords(ch) != c.records || chan_nerrors(ch) != c.errors)
		abort();
	chan_free(ch);
	return 0;
}
