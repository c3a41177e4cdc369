/*
 * replay: run inputs through a fuzz target without libFuzzer, for the test
 * suite. Linked with fuzz-job.c or fuzz-chan.c; each argument is a file
 * given to LLVMFuzzerTestOneInput() once. The target aborts on a finding,
 * and the sanitizer build catches what the sanitizers catch.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read a whole file into a malloc'd buffer. */
static uint8_t *
replay_read(const char *path, size_t *size)
{
	FILE *f;
	uint8_t *buf = NULL, *p;
	size_t len = 0, cap = 0, n;

	f = fopen(path, "rbe");
	if (f == NULL)
		return NULL;
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 4096 : cap * 2;
			p = realloc(buf, cap);
			if (p == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*size = len;
	return buf;
}

/* Entry point. */
int
main(int argc, char **argv)
{
	uint8_t *data;
	size_t size;
	int i;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		data = replay_read(argv[i], &size);
		if (data == NULL) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			return 1;
		}
		printf("%s\n", argv[i]);
		fflush(stdout);
		LLVMFuzzerTestOneInput(data, size);
		free(data);
	}
	return 0;
}
