/*
 * srunargv: print the srun argv that slurm_srun_argv builds, one argument
 * per line, for tests/slurm/t-cluster.sh (which runs it with
 * `mapfile -t`). Also calls the launcher's client wrappers.
 *
 *	srunargv [-c CPUS] [-m MEM_MB] [-g GPUS] [-p PART] [-t TIMEOUT_S]
 *	    [-x SLURM_ARGS] [-r RUN] -u UNIT [-e] -- PROGRAM [ARG...]
 *		-e: PROGRAM is a command: wrap it in $BENCH worker --exec
 *	srunargv -C NAME	slurm_cancel_job_name
 *	srunargv -L NAME	slurm_list_jobs: one id per line
 *	srunargv -S DIR		slurm_check_shared
 *	srunargv -K STATUS	slurm_classify on stdin: "KIND WSTATUS"
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launch-slurm.h"
#include "strvec.h"
#include "banned.h"

/* Read all of stdin into an allocated string. */
static char *
slurp_stdin(void)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	size_t n;

	if (buf == NULL)
		return NULL;
	while ((n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);

			if (nb == NULL) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	return buf;
}

/* One of the single-function modes. */
static int
mode(int opt, const char *arg)
{
	char **ids, *cause = NULL, *tail;
	size_t n, i;
	int st;

	switch (opt) {
	case 'C':
		if (slurm_cancel_job_name(arg, &cause) != 0)
			break;
		return 0;
	case 'L':
		if (slurm_list_jobs(arg, &ids, &n, &cause) != 0)
			break;
		for (i = 0; i < n; i++)
			printf("%s\n", ids[i]);
		strv_free(ids);
		return 0;
	case 'S':
		if (slurm_check_shared(arg, 60, &cause) != 0)
			break;
		return 0;
	case 'K':
		st = (int)strtol(arg, NULL, 10);
		tail = slurp_stdin();
		if (tail == NULL)
			return 1;
		printf("%s %d\n", slurm_end_name(slurm_classify(st, tail)),
		    slurm_unit_wstatus(st, tail));
		free(tail);
		return 0;
	}
	fprintf(stderr, "srunargv: %s\n", cause);
	free(cause);
	return 1;
}

/* srunargv: print the argv, or run one of the modes. */
int
main(int argc, char **argv)
{
	struct slurm_unit_opts o = SLURM_UNIT_OPTS_INIT;
	const char *bench = getenv("BENCH");
	char **av, **exec_argv = NULL, *cause = NULL;
	int opt, exec_cmd = 0;
	size_t i;

	while ((opt = getopt(argc, argv, "c:m:g:p:t:x:r:u:eC:L:S:K:")) != -1) {
		switch (opt) {
		case 'c':
			o.cpus = (int)strtol(optarg, NULL, 10);
			break;
		case 'm':
			o.mem_mb = strtoumax(optarg, NULL, 10);
			break;
		case 'g':
			o.gpus = (int)strtol(optarg, NULL, 10);
			break;
		case 'p':
			o.partition = optarg;
			break;
		case 't':
			o.timeout_s = strtod(optarg, NULL);
			break;
		case 'x':
			o.extra_args = optarg;
			break;
		case 'r':
			o.run_id = strtoll(optarg, NULL, 10);
			break;
		case 'u':
			o.unit_id = optarg;
			break;
		case 'e':
			exec_cmd = 1;
			break;
		case 'C':
		case 'L':
		case 'S':
		case 'K':
			return mode(opt, optarg);
		default:
			return 2;
		}
	}
	if (exec_cmd) {
		exec_argv = slurm_exec_argv(bench != NULL ? bench : "bench",
		    0, argv + optind);
		o.worker_argv = exec_argv;
	} else
		o.worker_argv = argv + optind;
	av = slurm_srun_argv(&o, &cause);
	if (av == NULL) {
		fprintf(stderr, "srunargv: %s\n", cause);
		free(cause);
		strv_free(exec_argv);
		return 1;
	}
	for (i = 0; av[i] != NULL; i++)
		printf("%s\n", av[i]);
	strv_free(av);
	strv_free(exec_argv);
	return 0;
}
