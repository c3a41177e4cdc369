/*
 * fuzz-job: libFuzzer target for the job loader. Each input is written to
 * a job file in a private temporary directory and given to job_load(); a
 * job that loads is walked through its accessors and freed. Built by
 * `make fuzz` with clang -fsanitize=fuzzer,address,undefined: any crash,
 * leak, sanitizer report or hang is a finding.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job.h"
#include "xalloc.h"
#include "banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[] = "/tmp/bench-fuzz-job.XXXXXX";
static char *fuzz_path;

/* Remove the temporary directory at exit. */
static void
fuzz_cleanup(void)
{
	if (fuzz_path != NULL)
		unlink(fuzz_path);
	rmdir(fuzz_dir);
	free(fuzz_path);
}

/* Once per process: the directory and the name of the job file. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mkdtemp(fuzz_dir) == NULL) {
		perror("fuzz-job: mkdtemp");
		abort();
	}
	fuzz_path = xasprintf("%s/job.yaml", fuzz_dir);
	atexit(fuzz_cleanup);
	return 0;
}

/* Write the input to the job file. */
static void
fuzz_write(const uint8_t *data, size_t size)
{
	ssize_t w;
	int fd;

	fd = open(fuzz_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror("fuzz-job: open");
		abort();
	}
	while (size > 0) {
		w = write(fd, data, size);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror("fuzz-job: write");
			abort();
		}
		data += w;
		size -= (size_t)w;
	}
	close(fd);
}

/* Touch everything a loaded job exposes, as bench would. */
static void
fuzz_walk(struct job *job)
{
	const struct job_testcase *tc;
	const struct job_unit *u;
	char key[65];
	size_t i, sum = 0;

	sum += strlen(job_name(job)) + strlen(job_path(job));
	sum += strlen(job_workspace(job)) + strlen(job_output_dir(job));
	sum += strlen(job_sha256(job)) + strlen(job_save_mode(job));
	for (i = 0; i < job_ntestcases(job); i++) {
		tc = job_testcase(job, i);
		sum += strlen(tc->name) + strlen(job_testcase_key(tc, key));
		if (tc->first_unit + tc->nunits > job_nunits(job))
			abort();
	}
	for (i = 0; i < job_nunits(job); i++) {
		u = job_unit(job, i);
		if (u->testcase >= job_ntestcases(job))
			abort();
		sum += strlen(u->id);
	}
	for (i = 0; i < job_nsort_keys(job); i++)
		sum += strlen(job_sort_key(job, i)->metric);
	if (sum == 0)
		abort();
}

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job *job = NULL;
	char *cause = NULL;

	fuzz_write(data, size);
	if (job_load(fuzz_path, &job, &cause) == 0) {
		if (cause != NULL)
			abort();
		fuzz_walk(job);
		if (job_ntestcases(job) > 0 &&
		    job_filter(job, "*", &cause) != 0)
			abort();
		free(cause);
		cause = NULL;
		fuzz_walk(job);
		job_free(job);
	} else {
		if (cause == NULL || job != NULL)
			abort();
		free(cause);
	}
	return 0;
}
