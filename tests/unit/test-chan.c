/*
 * test-chan: the record protocol, both sides.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "chan.h"

struct seen {
	int	records, errors;
	struct chan_record last;
	char	reason[256];
};

static void
on_rec(const struct chan_record *rec, void *data)
{
	struct seen *s = data;

	s->records++;
	s->last = *rec;
}

static void
on_err(const char *reason, void *data)
{
	struct seen *s = data;

	s->errors++;
	snprintf(s->reason, sizeof s->reason, "%s", reason);
}

/* Parse a string and return rc; cause freed. */
static int
parse(const char *line, struct chan_record *rec, char **why)
{
	char *cause = NULL;
	int rc = chan_parse_line(line, strlen(line), rec, &cause);

	if (why != NULL)
		*why = cause;
	else
		free(cause);
	return rc;
}

static void
test_parse_good(void **state)
{
	struct chan_record r;

	(void)state;
	assert_int_equal(parse("{\"t\":\"metric\",\"name\":\"gflops\","
	    "\"value\":12.5}", &r, NULL), 0);
	assert_int_equal(r.type, CHAN_METRIC);
	assert_string_equal(r.name, "gflops");
	assert_true(r.value == 12.5);
	assert_int_equal(r.timing, 0);
	assert_int_equal(parse("{\"t\":\"metric\",\"name\":\"s\",\"value\":3,"
	    "\"timing\":true}", &r, NULL), 0);
	assert_int_equal(r.timing, 1);
	assert_true(r.value == 3);
	assert_int_equal(parse("{\"t\":\"end\",\"status\":\"skipped\","
	    "\"error\":\"no gpu\"}", &r, NULL), 0);
	assert_int_equal(r.type, CHAN_END);
	assert_string_equal(r.status, "skipped");
	assert_string_equal(r.text, "no gpu");
	assert_int_equal(parse("{\"t\":\"sample\",\"rss_kb\":1024}", &r,
	    NULL), 0);
	assert_true(r.rss_kb == 1024);
	assert_true(isnan(r.vram_mb));
	assert_int_equal(parse("{\"t\":\"start\",\"pid\":42}", &r, NULL), 0);
	assert_int_equal(r.pid, 42);
	assert_int_equal(parse("{\"t\":\"usage\",\"cpu_user_s\":1.5,"
	    "\"cpu_sys_s\":0.25,\"maxrss_kb\":2048}", &r, NULL), 0);
	assert_int_equal(r.type, CHAN_USAGE);
	assert_true(r.cpu_user_s == 1.5 && r.cpu_sys_s == 0.25);
	assert_true(r.maxrss_kb == 2048);
}

static void
test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "not json", "[1,2]", "{}", "{\"t\":5}",
		"{\"t\":\"nope\"}",
		"{\"t\":\"metric\",\"value\":1}",
		"{\"t\":\"metric\",\"name\":\"\",\"value\":1}",
		"{\"t\":\"metric\",\"name\":\"x\",\"value\":\"1\"}",
		"{\"t\":\"metric\",\"name\":\"x\"}",
		"{\"t\":\"metric\",\"name\":\"x\",\"value\":1,\"timing\":1}",
		"{\"t\":\"metric\",\"name\":7,\"value\":1}",
		"{\"t\":\"end\"}",
		"{\"t\":\"end\",\"status\":\"great\"}",
		"{\"t\":\"usage\",\"maxrss_kb\":-1}",
		"{\"t\":\"usage\",\"cpu_user_s\":\"1\"}",
		"{\"t\":\"sample\",\"rss_kb\":\"x\"}",
		"{\"t\":\"metric\",\"t\":\"metric\",\"name\":\"x\",\"value\":1}",
		"{\"t\":\"metric\",\"name\":\"a\\u0000b\",\"value\":1}",
	};
	struct chan_record r;
	char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		assert_int_equal(parse(bad[i], &r, &why), -1);
		assert_non_null(why);
		free(why);
	}
}

static void
test_parse_long_name(void **state)
{
	char line[600], name[300];
	struct chan_record r;
	char *why = NULL;

	(void)state;
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	snprintf(line, sizeof line, "{\"t\":\"metric\",\"name\":\"%s\","
	    "\"value\":1}", name);
	assert_int_equal(parse(line, &r, &why), -1);
	assert_non_null(strstr(why, "longer"));
	free(why);
}

static void
test_feed_split_and_long(void **state)
{
	struct seen s;
	struct chan *ch;
	const char *a = "{\"t\":\"metric\",\"name\":\"x\",\"val";
	const char *b = "ue\":2}\n{\"t\":\"end\",\"status\":\"ok\"}\n";
	char *big;

	(void)state;
	memset(&s, 0, sizeof s);
	ch = chan_new(on_rec, on_err, &s);
	chan_feed(ch, a, strlen(a));
	assert_int_equal(s.records, 0);
	chan_feed(ch, b, strlen(b));
	assert_int_equal(s.records, 2);
	assert_int_equal(s.last.type, CHAN_END);

	/* an over-long line is one error, and the stream recovers */
	big = malloc(3 * CHAN_LINE_MAX);
	memset(big, 'x', 3 * CHAN_LINE_MAX);
	chan_feed(ch, big, 3 * CHAN_LINE_MAX);
	chan_feed(ch, "\n{\"t\":\"start\"}\n", 15);
	free(big);
	assert_int_equal(s.errors, 1);
	assert_non_null(strstr(s.reason, "longer"));
	assert_int_equal(s.records, 3);
	assert_int_equal(s.last.type, CHAN_START);

	/* garbage then a cut-off line at EOF */
	chan_feed(ch, "\x01\x02\xff\n{\"t\":", 9);
	assert_int_equal(s.errors, 2);
	chan_eof(ch);
	assert_int_equal(s.errors, 3);
	assert_int_equal(chan_nrecords(ch), 3);
	assert_int_equal(chan_nerrors(ch), 3);
	chan_free(ch);
}

static void
test_write_roundtrip(void **state)
{
	struct seen s;
	struct chan *ch;
	char buf[8192], longtext[3000];
	int p[2];
	ssize_t n;

	(void)state;
	memset(&s, 0, sizeof s);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(chan_write_start(p[1], 7), 0);
	assert_int_equal(chan_write_metric(p[1], "acc", 0.125, 0), 0);
	assert_int_equal(chan_write_metric(p[1], "t", 1.5, 1), 0);
	assert_int_equal(chan_write_metric(p[1], "bad", NAN, 0), -1);
	assert_int_equal(chan_write_sample(p[1], 100, NAN, 50, NAN), 0);
	memset(longtext, 'e', sizeof longtext - 1);
	longtext[sizeof longtext - 1] = '\0';
	assert_int_equal(chan_write_end(p[1], "failed", longtext), 0);
	assert_int_equal(chan_write_log(p[1], "bad utf8 \xff\xfe here"), 0);
	close(p[1]);
	ch = chan_new(on_rec, on_err, &s);
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		chan_feed(ch, buf, (size_t)n);
	chan_eof(ch);
	close(p[0]);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.records, 6);
	assert_int_equal(s.last.type, CHAN_LOG);
	assert_non_null(strstr(s.last.text, "bad utf8"));
	chan_free(ch);
}

/* The optional host of a start record: parsed, bounded, typed; written by
   chan_write_start_host, and chan_host prefers $SLURMD_NODENAME. */
static void
test_start_host(void **state)
{
	struct chan_record r;
	char line[400], *why = NULL, buf[CHAN_LINE_MAX + 1], host[64];
	int p[2];
	ssize_t n;

	(void)state;
	assert_int_equal(parse("{\"t\":\"start\",\"pid\":3,\"host\":\"n1\"}",
	    &r, NULL), 0);
	assert_int_equal(r.pid, 3);
	assert_string_equal(r.host, "n1");
	assert_int_equal(parse("{\"t\":\"start\",\"pid\":3}", &r, NULL), 0);
	assert_string_equal(r.host, "");
	assert_int_equal(parse("{\"t\":\"start\",\"host\":7}", &r, &why), -1);
	assert_non_null(strstr(why, "'host' must be a string"));
	free(why);
	snprintf(line, sizeof line, "{\"t\":\"start\",\"host\":\"%0300d\"}", 0);
	assert_int_equal(parse(line, &r, &why), -1);
	assert_non_null(strstr(why, "longer than 255"));
	free(why);

	assert_int_equal(pipe(p), 0);
	assert_int_equal(chan_write_start_host(p[1], 9, "node-a"), 0);
	n = read(p[0], buf, sizeof buf - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf,
	    "{\"t\":\"start\",\"pid\":9,\"host\":\"node-a\"}\n");
	assert_int_equal(chan_write_start_host(p[1], 9, NULL), 0);
	n = read(p[0], buf, sizeof buf - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_null(strstr(buf, "host"));
	close(p[0]);
	close(p[1]);

	assert_int_equal(setenv("SLURMD_NODENAME", "slurm-node", 1), 0);
	assert_string_equal(chan_host(host, sizeof host), "slurm-node");
	assert_int_equal(unsetenv("SLURMD_NODENAME"), 0);
	assert_true(strlen(chan_host(host, sizeof host)) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_long_name),
		cmocka_unit_test(test_feed_split_and_long),
		cmocka_unit_test(test_write_roundtrip),
		cmocka_unit_test(test_start_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
