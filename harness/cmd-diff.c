/*
 * cmd-diff: `bench diff RUN_A RUN_B`: compare two stored runs unit by unit
 * (every metric not declared timing-dependent must be bit-identical).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "session.h"
#include "diff.h"
#include "job.h"
#include "store.h"
#include "banned.h"

#define CMD_DIFF_USAGE "[--db FILE | -f JOB] [--format term|json] RUN_A RUN_B"

/* Parse a run id. */
static int
cmd_diff_id(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || *out <= 0 ? -1 : 0;
}

/* Print the verdict of a comparison; the exit code. */
int
cmd_diff_verdict(FILE *fp, int64_t a, int64_t b, const struct diff_result *r)
{
	fprintf(fp, "run %" PRId64 " vs run %" PRId64 ": %zu and %zu units, "
	    "%zu matched, %zu values compared (%zu timing values left out)",
	    a, b, r->units_a, r->units_b, r->matched, r->compared,
	    r->timing_skipped);
	if (r->not_ok > 0)
		fprintf(fp, ", %zu units ended in neither ok nor skipped",
		    r->not_ok);
	if (r->mismatches > 0) {
		fprintf(fp, ": %zu MISMATCH%s\n", r->mismatches,
		    r->mismatches == 1 ? "" : "ES");
		return CMD_EXIT_FAIL;
	}
	if (r->not_ok > 0) {
		fprintf(fp, ": nothing to compare for those\n");
		return CMD_EXIT_FAIL;
	}
	fprintf(fp, ": identical\n");
	return CMD_EXIT_OK;
}

/* The verdict word and exit code of a comparison. */
static int
cmd_diff_word(const struct diff_result *r, const char **word)
{
	*word = r->mismatches > 0 ? "mismatch" : r->not_ok > 0 ? "not_ok" :
	    "identical";
	return r->mismatches > 0 || r->not_ok > 0 ? CMD_EXIT_FAIL :
	    CMD_EXIT_OK;
}

/* Compare a with b and print the result as one JSON object; the exit
   code. */
static int
cmd_diff_json(struct store *st, int64_t a, int64_t b)
{
	struct diff_result r;
	const char *word;
	json_t *rows = json_array(), *doc;
	char *cause = NULL;
	int rc;

	if (diff_runs_json(st, a, b, rows, &r, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		json_decref(rows);
		return CMD_EXIT_ENV;
	}
	rc = cmd_diff_word(&r, &word);
	doc = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:s}",
	    "a", (json_int_t)a, "b", (json_int_t)b,
	    "units_a", (json_int_t)r.units_a, "units_b", (json_int_t)r.units_b,
	    "matched", (json_int_t)r.matched,
	    "compared", (json_int_t)r.compared,
	    "timing_skipped", (json_int_t)r.timing_skipped,
	    "not_ok", (json_int_t)r.not_ok, "mismatches", rows,
	    "verdict", word);
	json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	json_decref(doc);
	return rc;
}

/* Compare two runs. */
static int
cmd_diff_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbopt = NULL, *file = NULL;
	struct diff_result res;
	struct job *job = NULL;
	struct store *st = NULL;
	char *cause = NULL, *db;
	int64_t a, b;
	int c, json = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "term") != 0) {
				fprintf(stderr, "bench diff: --format: unknown "
				    "'%s' (use term or json)\n", optarg);
				return CMD_EXIT_USAGE;
			}
			json = strcmp(optarg, "json") == 0;
			break;
		case 'd':
			dbopt = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'h':
			printf("usage: bench diff %s\n\nCompare two stored runs "
			    "unit by unit: units are matched by key, every\n"
			    "metric not declared timing-dependent must be "
			    "bit-identical. Exit 1 on a mismatch.\n"
			    "--format json prints one object: the counts, "
			    "every mismatch\n({what, metric, a, b}) and the "
			    "verdict (identical, mismatch, not_ok).\n",
			    CMD_DIFF_USAGE);
			return CMD_EXIT_OK;
		default:
			return cmd_usage(&cmd_diff_entry);
		}
	}
	if (argc - optind != 2 || cmd_diff_id(argv[optind], &a) != 0 ||
	    cmd_diff_id(argv[optind + 1], &b) != 0)
		return cmd_usage(&cmd_diff_entry);
	if (file != NULL && job_load(file, &job, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return CMD_EXIT_USAGE;
	}
	db = session_db_path(dbopt, job);
	job_free(job);
	if ((rc = cmd_open_db("diff", db, &st)) != CMD_EXIT_OK ||
	    (rc = cmd_check_run("diff", st, db, a)) != CMD_EXIT_OK ||
	    (rc = cmd_check_run("diff", st, db, b)) != CMD_EXIT_OK) {
		free(db);
		store_close(st);
		return rc;
	}
	if (json) {
		rc = cmd_diff_json(st, a, b);
		free(db);
		store_close(st);
		return rc;
	}
	if (diff_runs(st, a, b, stdout, 50, &res, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		free(db);
		store_close(st);
		return CMD_EXIT_ENV;
	}
	rc = cmd_diff_verdict(stdout, a, b, &res);
	free(db);
	store_close(st);
	return rc;
}

const struct cmd_entry cmd_diff_entry = {
	"diff", CMD_DIFF_USAGE, "compare two stored runs unit by unit",
	cmd_diff_exec,
};
