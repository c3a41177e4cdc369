/*
 * cmd-nightly: `bench nightly [--db FILE] [--job NAME] [--window N]
 * [--threshold PCT] [--label KEY=VALUE]... -o FILE`: the trend report of
 * every job's runs (only those with every --label) with regression
 * detection (reports/nightly.c); exit 1 on a regression.
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
#include "session.h"
#include "nightly.h"
#include "report.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

#define CMD_NIGHTLY_USAGE "[--db FILE] [--job NAME] [--window N] " \
	"[--threshold PCT] [--history N] [--label KEY=VALUE]... -o FILE"

#define CMD_NIGHTLY_LABELS_MAX	16

/* The --label options, kept for nightly_opts.labels. */
struct cmd_nightly_labels {
	const char	*v[CMD_NIGHTLY_LABELS_MAX];
	size_t		 n;
};

/* Add a --label KEY=VALUE to *l; prints why and returns -1 when it is not
   one, or there are too many. */
static int
cmd_nightly_label(const char *arg, struct cmd_nightly_labels *l)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		fprintf(stderr, "bench: nightly: --label wants KEY=VALUE, got "
		    "'%s'\n", arg);
		return -1;
	}
	if (l->n == CMD_NIGHTLY_LABELS_MAX) {
		fprintf(stderr, "bench: nightly: at most %d --label options\n",
		    CMD_NIGHTLY_LABELS_MAX);
		return -1;
	}
	l->v[l->n++] = arg;
	return 0;
}

/* Parse a --window or --history value (opt names it) into *out; prints
   why and returns -1 when it is not an integer 1..10000. */
static int
cmd_nightly_count(const char *opt, const char *arg, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 10000) {
		fprintf(stderr, "bench: nightly: --%s must be a positive "
		    "integer, got '%s'\n", opt, arg);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* Parse a --threshold percentage into *out; prints why and returns -1
   when it is not a finite number >= 0. */
static int
cmd_nightly_pct(const char *arg, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(d) ||
	    d < 0) {
		fprintf(stderr, "bench: nightly: --threshold must be a "
		    "percentage, got '%s'\n", arg);
		return -1;
	}
	*out = d;
	return 0;
}

/* Parse the command line into *o, *dbopt and *out: -1 to go on, else
   the exit code. */
static int
cmd_nightly_options(int argc, char **argv, struct nightly_opts *o,
    struct cmd_nightly_labels *l, const char **dbopt, const char **out)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "job", required_argument, NULL, 'j' },
		{ "window", required_argument, NULL, 'w' },
		{ "threshold", required_argument, NULL, 't' },
		{ "history", required_argument, NULL, 'H' },
		{ "output", required_argument, NULL, 'o' },
		{ "label", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, bad = 0;

	optind = 1;
	while (!bad && (c = getopt_long(argc, argv, "o:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd':
			*dbopt = optarg;
			break;
		case 'j':
			o->job = optarg;
			break;
		case 'w':
			bad = cmd_nightly_count("window", optarg, &o->window);
			break;
		case 'H':
			bad = cmd_nightly_count("history", optarg,
			    &o->history);
			break;
		case 't':
			bad = cmd_nightly_pct(optarg, &o->threshold_pct);
			break;
		case 'o':
			*out = optarg;
			break;
		case 'l':
			bad = cmd_nightly_label(optarg, l);
			break;
		case 'h':
			printf("usage: bench nightly %s\n\n--label KEY=VALUE "
			    "(repeatable) keeps only the runs with every\n"
			    "such label (bench run --label).\n",
			    CMD_NIGHTLY_USAGE);
			return CMD_EXIT_OK;
		default:
			return cmd_usage(&cmd_nightly_entry);
		}
	}
	if (bad)
		return CMD_EXIT_USAGE;
	if (optind < argc || *out == NULL)
		return cmd_usage(&cmd_nightly_entry);
	return -1;
}

/* Render the report of st into out; returns the exit code. */
static int
cmd_nightly_write(struct store *st, const struct nightly_opts *o,
    const char *out)
{
	char *cause = NULL;
	FILE *fp = NULL;
	int reg = 0, imp = 0;

	if (report_open(out, &fp, &cause) != 0)
		goto fail;
	if (nightly_render(st, o, fp, &reg, &imp, &cause) != 0) {
		if (fp != stdout)
			fclose(fp);
		goto fail;
	}
	if (report_close(fp, out, &cause) != 0)
		goto fail;
	fprintf(stderr, "bench: nightly: %d regression%s, %d improvement%s; "
	    "report %s\n", reg, reg == 1 ? "" : "s", imp, imp == 1 ? "" : "s",
	    out);
	return reg > 0 ? CMD_EXIT_FAIL : CMD_EXIT_OK;
fail:
	fprintf(stderr, "bench: nightly: %s\n", cause);
	free(cause);
	return CMD_EXIT_ENV;
}

/* The nightly command. */
static int
cmd_nightly_exec(int argc, char **argv)
{
	struct nightly_opts o = NIGHTLY_OPTS_INIT;
	struct cmd_nightly_labels l = { .n = 0 };
	const char *dbopt = NULL, *out = NULL;
	struct store *st = NULL;
	char *db;
	int rc;

	if ((rc = cmd_nightly_options(argc, argv, &o, &l, &dbopt,
	    &out)) >= 0)
		return rc;
	o.labels = l.v;
	o.nlabels = l.n;
	db = session_db_path(dbopt, NULL);
	if ((rc = cmd_open_db("nightly", db, &st)) == CMD_EXIT_OK)
		rc = cmd_nightly_write(st, &o, out);
	free(db);
	store_close(st);
	return rc;
}

const struct cmd_entry cmd_nightly_entry = {
	"nightly", CMD_NIGHTLY_USAGE,
	"trend report of every job's runs; exit 1 on a regression",
	cmd_nightly_exec,
};
