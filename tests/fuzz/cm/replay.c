/*
 * Corpus replay without libFuzzer: runs every file of the directories given
 * as arguments through LLVMFuzzerTestOneInput, one TAP test point per file.
 * A crash, a sanitizer report or an abort fails the test run.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (f == NULL)
		return -1;
	for (;;) {
		size_t got;

		if (len == cap) {
			uint8_t *grown = realloc(buf, cap = cap ? cap * 2 : 4096);

			if (grown == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = grown;
		}
		got = fread(buf + len, 1, cap - len, f);
		if (got == 0)
			break;
		len += got;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int replay_dir(const char *dir, int *point)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t count = 0;
	int failed = 0;

	if (d == NULL) {
		printf("not ok %d - cannot open %s\n", ++*point, dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		char **grown;

		if (de->d_name[0] == '.')
			continue;
		grown = realloc(names, (count + 1) * sizeof(*names));
		if (grown == NULL)
			break;
		names = grown;
		names[count++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, count, sizeof(*names), compare_names);
	for (size_t i = 0; i < count; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			int rc = replay_file(path);

			printf("%s %d - %s\n", rc == 0 ? "ok" : "not ok", ++*point, names[i]);
			fflush(stdout);
			failed |= rc != 0;
		}
		free(names[i]);
	}
	free(names);
	if (count == 0) {
		printf("not ok %d - %s is empty\n", ++*point, dir);
		failed = 1;
	}
	return failed;
}

int main(int argc, char **argv)
{
	int point = 0, failed = 0;

	for (int i = 1; i < argc; i++)
		failed |= replay_dir(argv[i], &point);
	printf("1..%d\n", point);
	return failed;
}
