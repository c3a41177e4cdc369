/*
 * test-yaml: harness/yaml on its own: FILE:LINE:COL marks of node errors
 * and of libyaml's own errors, key checks, did-you-mean suggestions, typed
 * lookups, the decimal parsers and the YAML to JSON conversion of every
 * kind of scalar (the types a hyperparameter keeps). Each test writes its
 * YAML into a private temporary directory.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "xalloc.h"
#include "yaml.h"
#include "banned.h"

static char tmpdir[] = "/tmp/bench-test-yaml.XXXXXX";
static char *path;		/* tmpdir/t.yaml, rewritten by each test */

/* A load with its cause, for one test. */
struct fixture {
	struct yload	 yl;
	char		*cause;
	struct yfile	*f;
	yaml_node_t	*root;
};

/* Write text to the test file. */
static void
write_yaml(const char *text, size_t len)
{
	FILE *fp = fopen(path, "we");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* Load text, which must load. */
static void
load_ok(struct fixture *fx, const char *text)
{
	write_yaml(text, strlen(text));
	yload_init(&fx->yl, &fx->cause);
	fx->cause = NULL;
	if (yload_file(&fx->yl, path, &fx->f, &fx->root) != 0)
		fail_msg("unexpected error: %s", fx->cause);
	assert_null(fx->cause);
}

/* Load len bytes of text, which must fail with "PATH:" + want. */
static void
load_err(const char *text, size_t len, const char *want)
{
	struct yload yl;
	struct yfile *f = NULL;
	yaml_node_t *root = NULL;
	char *cause = NULL, *full;

	write_yaml(text, len);
	yload_init(&yl, &cause);
	assert_int_equal(yload_file(&yl, path, &f, &root), -1);
	assert_null(root);
	assert_non_null(cause);
	full = xasprintf("%s:%s", path, want);
	assert_string_equal(cause, full);
	free(full);
	free(cause);
	yload_release(&yl);
}

/* Assert the load's cause is "PATH:" + want; clear it. */
static void
assert_cause(struct fixture *fx, const char *want)
{
	char *full = xasprintf("%s:%s", path, want);

	assert_non_null(fx->cause);
	assert_string_equal(fx->cause, full);
	free(full);
	free(fx->cause);
	fx->cause = NULL;
}

/* End a test's load. */
static void
done(struct fixture *fx)
{
	free(fx->cause);
	yload_release(&fx->yl);
}

/* The errors of reading and parsing, with libyaml's marks. */
static void
test_file_errors(void **state)
{
	char *missing, *want;
	struct yload yl;
	struct yfile *f;
	yaml_node_t *root;
	char *cause = NULL;

	(void)state;
	load_err("", 0, "1:1: empty file");
	load_err("# only a comment\n", 17, "1:1: empty file");
	load_err("- a\n- b\n", 8, "1:1: expected a mapping at the top");
	load_err("a: 1\n---\nb: 2\n", 14,
	    "2:1: yaml: expected a single document");
	load_err("a: [1, 2\nb: 3\n", 14, "2:2: yaml: did not find "
	    "expected ',' or ']' while parsing a flow sequence");
	load_err("a: 1\n b: 2\n", 11,
	    "2:3: yaml: mapping values are not allowed in this context");
	/* a reader error has a byte offset: it becomes a line and column */
	load_err("a: 1\nbc: \xff\n", 10,
	    "2:5: yaml: invalid leading UTF-8 octet");

	missing = xasprintf("%s/missing.yaml", tmpdir);
	yload_init(&yl, &cause);
	assert_int_equal(yload_file(&yl, missing, &f, &root), -1);
	want = xasprintf("%s: No such file or directory", missing);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(missing);
	yload_release(&yl);
}

/* Node errors carry the node's mark; lookups find nodes by key. */
static void
test_marks(void **state)
{
	struct fixture fx = { 0 };
	yaml_node_t *n, *seq;
	const char *s;
	int i;

	(void)state;
	load_ok(&fx, "name: x\nlist:\n  - one\n  -   two\nmap: {k: v}\n"
	    "num: 12\nneg: -3\n");
	n = yfile_get(fx.f, fx.root, "name");
	assert_string_equal(ynode_scalar(n), "x");
	assert_int_equal(yfile_err(fx.f, n, "bad %s", "name"), -1);
	assert_cause(&fx, "1:7: bad name");
	assert_int_equal(yfile_err(fx.f, NULL, "no node"), -1);
	assert_cause(&fx, "1:1: no node");

	seq = yfile_get(fx.f, fx.root, "list");
	assert_int_equal(ynode_len(seq), 2);
	assert_null(ynode_scalar(seq));
	assert_null(ynode_scalar(NULL));
	n = yfile_item(fx.f, seq, 1);
	assert_string_equal(ynode_scalar(n), "two");
	yfile_err(fx.f, n, "here");
	assert_cause(&fx, "4:7: here");
	assert_null(yfile_get(fx.f, fx.root, "nothing"));

	assert_int_equal(yfile_need(fx.f, fx.root, "nothing", "in test",
	    &n), -1);
	assert_cause(&fx, "1:1: missing key 'nothing' in test");
	assert_int_equal(yfile_need(fx.f, fx.root, "map", "in test", &n), 0);
	assert_int_equal(yfile_need_map(fx.f, n, "map"), 0);
	assert_int_equal(yfile_need_seq(fx.f, n, "map"), -1);
	assert_cause(&fx, "5:6: 'map' must be a list, got a mapping");
	assert_int_equal(yfile_need_map(fx.f, seq, "list"), -1);
	assert_cause(&fx, "3:3: 'list' must be a mapping, got a sequence");

	assert_int_equal(yfile_string(fx.f, seq, "list", 0, &s), -1);
	assert_cause(&fx, "3:3: 'list' must be a string, got a sequence");
	n = yfile_get(fx.f, fx.root, "num");
	assert_int_equal(yfile_string(fx.f, n, "num", 1, &s), 0);
	assert_string_equal(s, "12");
	assert_int_equal(yfile_int(fx.f, n, "num", 1, &i), 0);
	assert_int_equal(i, 12);
	n = yfile_get(fx.f, fx.root, "neg");
	assert_int_equal(yfile_int(fx.f, n, "neg", 0, &i), -1);
	assert_cause(&fx, "7:6: 'neg' must be a non-negative integer, got "
	    "'-3'");
	assert_int_equal(yfile_int(fx.f, n, "neg", 1, &i), -1);
	assert_cause(&fx, "7:6: 'neg' must be a positive integer, got '-3'");
	done(&fx);

	load_ok(&fx, "empty: ''\n");
	n = yfile_get(fx.f, fx.root, "empty");
	assert_int_equal(yfile_string(fx.f, n, "empty", 0, &s), 0);
	assert_string_equal(s, "");
	assert_int_equal(yfile_string(fx.f, n, "empty", 1, &s), -1);
	assert_cause(&fx, "1:8: 'empty' must be a non-empty string, got ''");
	done(&fx);

	load_ok(&fx, "nul: \"a\\0b\"\n");
	n = yfile_get(fx.f, fx.root, "nul");
	assert_int_equal(yfile_string(fx.f, n, "nul", 0, &s), -1);
	assert_cause(&fx, "1:6: 'nul' contains a NUL byte");
	done(&fx);
}

/* Unknown, duplicate and non-scalar keys. */
static void
test_keys(void **state)
{
	static const char *const known[] = { "name", "workspace", NULL };
	struct fixture fx = { 0 };

	(void)state;
	load_ok(&fx, "name: a\nworkspace: b\n");
	assert_int_equal(yfile_keys(fx.f, fx.root, "in test", known), 0);
	assert_int_equal(yfile_keys(fx.f, fx.root, "in test", NULL), 0);
	done(&fx);

	load_ok(&fx, "name: a\nwrokspace: b\n");
	assert_int_equal(yfile_keys(fx.f, fx.root, "in test", known), -1);
	assert_cause(&fx, "2:1: unknown key 'wrokspace' in test (did you "
	    "mean 'workspace'?)");
	assert_int_equal(yfile_keys(fx.f, fx.root, "in test", NULL), 0);
	done(&fx);

	load_ok(&fx, "name: a\nzzz: b\n");
	assert_int_equal(yfile_keys(fx.f, fx.root, "in test", known), -1);
	assert_cause(&fx, "2:1: unknown key 'zzz' in test");
	done(&fx);

	load_ok(&fx, "name: a\nname: b\n");
	assert_int_equal(yfile_keys(fx.f, fx.root, "in test", NULL), -1);
	assert_cause(&fx, "2:1: duplicate key 'name' in test");
	done(&fx);

	load_ok(&fx, "name: a\n[1]: b\n");
	assert_int_equal(yfile_keys(fx.f, fx.root, "in test", NULL), -1);
	assert_cause(&fx, "2:1: mapping keys must be scalars");
	done(&fx);
}

/* Did-you-mean: near enough, relative to the length; first of equals. */
static void
test_suggest(void **state)
{
	static const char *const words[] = {
		"parallel_execution", "num_workers", "timeout", "retries",
		"db", "abc", "abd", NULL
	};
	char long_word[80];

	(void)state;
	assert_string_equal(yword_suggest("timeuot", words), "timeout");
	assert_string_equal(yword_suggest("timeot", words), "timeout");
	assert_string_equal(yword_suggest("tmeot", words), "timeout");
	assert_null(yword_suggest("tmot", words));	/* 3 edits */
	assert_string_equal(yword_suggest("num_worker", words),
	    "num_workers");
	assert_string_equal(yword_suggest("paralel_execution", words),
	    "parallel_execution");
	/* at most half the longer word */
	assert_string_equal(yword_suggest("dc", words), "db");
	assert_null(yword_suggest("x", words));
	assert_null(yword_suggest("xy", words));
	/* equally near: the first listed */
	assert_string_equal(yword_suggest("abx", words), "abc");
	/* an exact word is its own suggestion */
	assert_string_equal(yword_suggest("retries", words), "retries");
	/* words of 64 bytes or more are never near */
	memset(long_word, 'a', 70);
	long_word[70] = '\0';
	assert_null(yword_suggest(long_word, words));
	assert_true(yword_in("db", words));
	assert_false(yword_in("d", words));
}

/* The decimal parsers of plain scalars and settings. */
static void
test_text(void **state)
{
	long long ll;
	double d;

	(void)state;
	assert_int_equal(ytext_ll("42", &ll), 0);
	assert_int_equal(ll, 42);
	assert_int_equal(ytext_ll("-0042", &ll), 0);
	assert_int_equal(ll, -42);
	assert_int_equal(ytext_ll("+7", &ll), 0);
	assert_int_equal(ll, 7);
	assert_int_equal(ytext_ll("9223372036854775807", &ll), 0);
	assert_true(ll == 9223372036854775807LL);
	assert_int_equal(ytext_ll("9223372036854775808", &ll), -1);
	assert_int_equal(ytext_ll("", &ll), -1);
	assert_int_equal(ytext_ll("-", &ll), -1);
	assert_int_equal(ytext_ll("1.0", &ll), -1);
	assert_int_equal(ytext_ll("0x10", &ll), -1);
	assert_int_equal(ytext_ll(" 1", &ll), -1);

	assert_int_equal(ytext_real("1.5", &d), 0);
	assert_true(d == 1.5);
	assert_int_equal(ytext_real(".5", &d), 0);
	assert_true(d == 0.5);
	assert_int_equal(ytext_real("5.", &d), 0);
	assert_true(d == 5.0);
	assert_int_equal(ytext_real("-1e3", &d), 0);
	assert_true(d == -1000.0);
	assert_int_equal(ytext_real("2E-2", &d), 0);
	assert_true(d == 0.02);
	assert_int_equal(ytext_real("12", &d), 0);
	assert_true(d == 12.0);
	assert_int_equal(ytext_real(".", &d), -1);
	assert_int_equal(ytext_real("1e", &d), -1);
	assert_int_equal(ytext_real("e5", &d), -1);
	assert_int_equal(ytext_real("1e999", &d), -1);
	assert_int_equal(ytext_real("inf", &d), -1);
	assert_int_equal(ytext_real("nan", &d), -1);
	assert_int_equal(ytext_real("0x1p3", &d), -1);
}

/* One scalar's JSON, as the compact dump of [value]. */
static void
assert_scalar(const char *yaml_value, const char *want)
{
	struct fixture fx = { 0 };
	json_t *v = NULL, *a;
	char *text, *got;

	text = xasprintf("v: %s\n", yaml_value);
	load_ok(&fx, text);
	free(text);
	if (yfile_json(fx.f, yfile_get(fx.f, fx.root, "v"), &v) != 0)
		fail_msg("%s: %s", yaml_value, fx.cause);
	a = json_pack("[O]", v);
	got = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
	if (strcmp(got, want) != 0)
		fail_msg("%s: got %s, want %s", yaml_value, got, want);
	free(got);
	json_decref(a);
	json_decref(v);
	done(&fx);
}

/* Every scalar converts exactly as the job loader always did. */
static void
test_json_scalars(void **state)
{
	(void)state;
	/* plain integers: decimal only, in long long range */
	assert_scalar("1", "[1]");
	assert_scalar("-0", "[0]");
	assert_scalar("+5", "[5]");
	assert_scalar("007", "[7]");
	assert_scalar("9223372036854775807", "[9223372036854775807]");
	assert_scalar("9223372036854775808", "[9.2233720368547758e18]");
	assert_scalar("0x10", "[\"0x10\"]");
	assert_scalar("0o17", "[\"0o17\"]");
	assert_scalar("1_000", "[\"1_000\"]");
	/* plain reals: decimal, finite */
	assert_scalar("1.5", "[1.5]");
	assert_scalar("1.0", "[1.0]");
	assert_scalar(".5", "[0.5]");
	assert_scalar("5.", "[5.0]");
	assert_scalar("1e3", "[1000.0]");
	assert_scalar("-2.5E-1", "[-0.25]");
	assert_scalar("1e999", "[\"1e999\"]");
	assert_scalar(".inf", "[\".inf\"]");
	assert_scalar(".nan", "[\".nan\"]");
	assert_scalar("1e", "[\"1e\"]");
	/* booleans: three spellings each, nothing else */
	assert_scalar("true", "[true]");
	assert_scalar("True", "[true]");
	assert_scalar("TRUE", "[true]");
	assert_scalar("false", "[false]");
	assert_scalar("False", "[false]");
	assert_scalar("FALSE", "[false]");
	assert_scalar("tRUE", "[\"tRUE\"]");
	assert_scalar("yes", "[\"yes\"]");
	assert_scalar("on", "[\"on\"]");
	/* nulls */
	assert_scalar("", "[null]");
	assert_scalar("~", "[null]");
	assert_scalar("null", "[null]");
	assert_scalar("Null", "[null]");
	assert_scalar("NULL", "[null]");
	assert_scalar("nULL", "[\"nULL\"]");
	/* quoted and block scalars are strings, whatever they look like */
	assert_scalar("'1'", "[\"1\"]");
	assert_scalar("\"1.5\"", "[\"1.5\"]");
	assert_scalar("'true'", "[\"true\"]");
	assert_scalar("''", "[\"\"]");
	assert_scalar("\"~\"", "[\"~\"]");
	assert_scalar("|\n  12\n", "[\"12\\n\"]");
	assert_scalar(">-\n  null\n", "[\"null\"]");
	/* strings keep their text */
	assert_scalar("abc", "[\"abc\"]");
	assert_scalar("1 2", "[\"1 2\"]");
	assert_scalar("\"\\u00e9t\\u00e9\"", "[\"\xc3\xa9t\xc3\xa9\"]");
	/* a tag does not change the type */
	assert_scalar("!!str 1", "[1]");
}

/* Sequences, mappings, and the errors of the conversion. */
static void
test_json_nodes(void **state)
{
	struct fixture fx = { 0 };
	json_t *v = NULL;
	char *got, *deep;
	size_t i;

	(void)state;
	load_ok(&fx, "v: {b: [1, x, {c: null}], a: 2.5}\n");
	assert_int_equal(yfile_json(fx.f, fx.root, &v), 0);
	got = json_dumps(v, JSON_COMPACT);
	assert_string_equal(got,
	    "{\"v\":{\"b\":[1,\"x\",{\"c\":null}],\"a\":2.5}}");
	free(got);
	json_decref(v);
	done(&fx);

	load_ok(&fx, "v: {a: 1, a: 2}\n");
	assert_int_equal(yfile_json(fx.f, fx.root, &v), -1);
	assert_cause(&fx, "1:11: duplicate key 'a' in mapping");
	done(&fx);

	load_ok(&fx, "v: [1, \"a\\0b\"]\n");
	assert_int_equal(yfile_json(fx.f, fx.root, &v), -1);
	assert_cause(&fx, "1:8: string contains a NUL byte");
	done(&fx);

	load_ok(&fx, "v: {\"a\\0b\": 1}\n");
	assert_int_equal(yfile_json(fx.f, fx.root, &v), -1);
	assert_cause(&fx, "1:5: key contains a NUL byte");
	done(&fx);

	/* 65 levels under the root: one too many */
	deep = xcalloc(200, 1);
	memcpy(deep, "v: ", 3);
	for (i = 0; i < 65; i++)
		deep[3 + i] = '[';
	for (i = 0; i < 65; i++)
		deep[68 + i] = ']';
	deep[133] = '\n';
	load_ok(&fx, deep);
	free(deep);
	assert_int_equal(yfile_json(fx.f, fx.root, &v), -1);
	assert_cause(&fx, "1:68: nesting deeper than 64 levels");
	done(&fx);
}

/* Make the temporary directory and the test file's name. */
static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	path = xasprintf("%s/t.yaml", tmpdir);
	return 0;
}

/* Remove them. */
static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	free(path);
	return rmdir(tmpdir);
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json_scalars),
		cmocka_unit_test(test_json_nodes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
