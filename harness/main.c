/*
 * main: dispatch to a subcommand. `bench -f JOB ...` with no subcommand
 * name is `bench run -f JOB ...`.
 */
#include "config.h"

#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "xalloc.h"
#include "banned.h"

/* Print the list of subcommands. */
static void
main_help(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: bench -f JOB [--parallel|--serial] [-w N|auto] "
	    "[--db FILE] [options]\n"
	    "       bench COMMAND [options]   (bench COMMAND --help)\n\n"
	    "commands:\n");
	for (i = 0; cmd_table[i] != NULL; i++) {
		if (cmd_table[i]->summary == NULL)
			continue;
		fprintf(fp, "  %-8s %s\n", cmd_table[i]->name,
		    cmd_table[i]->summary);
	}
	fprintf(fp, "\nexit codes: 0 ok, 1 a unit failed / mismatch / "
	    "regression, 2 bad usage or job file,\n"
	    "            3 environment error, 130 interrupted. "
	    "See bench(1).\n");
}

/* Say that word is no command; a job file given without -f gets a hint. */
static void
main_unknown(const char *word)
{
	size_t len = strlen(word);
	struct stat st;

	if ((len > 5 && strcmp(word + len - 5, ".yaml") == 0) ||
	    (len > 4 && strcmp(word + len - 4, ".yml") == 0) ||
	    (strchr(word, '/') != NULL && stat(word, &st) == 0 &&
	    S_ISREG(st.st_mode))) {
		fprintf(stderr, "bench: unknown command '%s'; to run a job "
		    "file, give it with -f: bench -f %s\n", word, word);
		return;
	}
	fprintf(stderr, "bench: unknown command '%s' "
	    "(bench --help lists them)\n", word);
}

/* An allocation failed (xalloc printed it): an environment error. */
static void __attribute__((noreturn))
main_out_of_memory(void)
{
	exit(CMD_EXIT_ENV);
}

int
main(int argc, char **argv)
{
	const struct cmd_entry *cmd;

	signal(SIGPIPE, SIG_IGN);
	xalloc_set_die(main_out_of_memory);
	/* jansson's allocations fail the same way, never as NULL */
	json_set_alloc_funcs(xmalloc, free);
	if (argc < 2) {
		main_help(stderr);
		return CMD_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		main_help(stdout);
		return CMD_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		if (BENCH_GIT_DESCRIBE[0] != '\0')
			printf("bench %s (git %s)\n", PACKAGE_VERSION,
			    BENCH_GIT_DESCRIBE);
		else
			printf("bench %s\n", PACKAGE_VERSION);
		return CMD_EXIT_OK;
	}
	if (argv[1][0] == '-') {
		/* bench -f JOB ...: the run command, argv[0] stands for it */
		argv[0] = (char *)"run";
		return cmd_find("run")->exec(argc, argv);
	}
	cmd = cmd_find(argv[1]);
	if (cmd == NULL) {
		main_unknown(argv[1]);
		return CMD_EXIT_USAGE;
	}
	return cmd->exec(argc - 1, argv + 1);
}
