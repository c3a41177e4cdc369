/*
 * cmd-nightly: `bench nightly [--db FILE] [--job NAME] [--window N]
 * [--threshold PCT] -o FILE`: the trend report of every job's runs with
 * regression detection (reports/nightly.c); exit 1 on a regression.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "nightly.h"
#include "report.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

#define CMD_NIGHTLY_USAGE "[--db FILE] [--job NAME] [--window N] " \
	"[--threshold PCT] [--history N] -o FILE"

/* The nightly command. */
static int
cmd_nightly_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "job", required_argument, NULL, 'j' },
		{ "window", required_argument, NULL, 'w' },
		{ "threshold", required_argument, NULL, 't' },
		{ "history", required_argument, NULL, 'H' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nightly_opts o = NIGHTLY_OPTS_INIT;
	const char *dbopt = NULL, *out = NULL;
	struct store *st = NULL;
	char *db = NULL, *cause = NULL, *end;
	FILE *fp = NULL;
	int c, rc, reg = 0, imp = 0;
	long v;
	double d;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dbopt = optarg;
			break;
		case 'j':
			o.job = optarg;
			break;
		case 'w':
		case 'H':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v < 1 || v > 10000) {
				fprintf(stderr, "bench: nightly: --%s must be "
				    "a positive integer, got '%s'\n", c == 'w' ?
				    "window" : "history", optarg);
				return CMD_EXIT_USAGE;
			}
			if (c == 'w')
				o.window = (int)v;
			else
				o.history = (int)v;
			break;
		case 't':
			errno = 0;
			d = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !isfinite(d) || d < 0) {
				fprintf(stderr, "bench: nightly: --threshold "
				    "must be a percentage, got '%s'\n", optarg);
				return CMD_EXIT_USAGE;
			}
			o.threshold_pct = d;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("usage: bench nightly %s\n", CMD_NIGHTLY_USAGE);
			return CMD_EXIT_OK;
		default:
			return cmd_usage(&cmd_nightly_entry);
		}
	}
	if (optind < argc || out == NULL)
		return cmd_usage(&cmd_nightly_entry);
	db = cmd_db_path(dbopt, NULL);
	if (access(db, F_OK) != 0) {
		fprintf(stderr, "bench: nightly: no database '%s'\n", db);
		free(db);
		return CMD_EXIT_ENV;
	}
	if (store_open(db, &st, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		rc = CMD_EXIT_ENV;
		goto out;
	}
	if (report_open(out, &fp, &cause) != 0) {
		fprintf(stderr, "bench: nightly: %s\n", cause);
		rc = CMD_EXIT_ENV;
		goto out;
	}
	if (nightly_render(st, &o, fp, &reg, &imp, &cause) != 0) {
		fprintf(stderr, "bench: nightly: %s\n", cause);
		if (fp != stdout)
			fclose(fp);
		rc = CMD_EXIT_ENV;
		goto out;
	}
	if (report_close(fp, out, &cause) != 0) {
		fprintf(stderr, "bench: nightly: %s\n", cause);
		rc = CMD_EXIT_ENV;
		goto out;
	}
	fprintf(stderr, "bench: nightly: %d regression%s, %d improvement%s; "
	    "report %s\n", reg, reg == 1 ? "" : "s", imp, imp == 1 ? "" : "s",
	    out);
	rc = reg > 0 ? CMD_EXIT_FAIL : CMD_EXIT_OK;
out:
	free(cause);
	free(db);
	store_close(st);
	return rc;
}

const struct cmd_entry cmd_nightly_entry = {
	"nightly", CMD_NIGHTLY_USAGE,
	"trend report of every job's runs; exit 1 on a regression",
	cmd_nightly_exec,
};
