/* Replays fuzz inputs (files or folders of files) through the fuzz target, for
 * `make check`: a crash or sanitizer report fails the test. */
#include <config.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	static uint8_t buf[1 << 16];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

static int run(const char *path, size_t *count)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d)) && rc == 0) {
		char child[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		rc = run(child, count);
	}
	closedir(d);
	return rc;
}

int main(int argc, char *argv[])
{
	size_t count = 0;

	for (int i = 1; i < argc; i++)
		if (run(argv[i], &count) < 0)
			return 1;
	printf("replayed %zu inputs\n", count);
	return count ? 0 : 77;	/* no corpus: skip, never a silent pass */
}
