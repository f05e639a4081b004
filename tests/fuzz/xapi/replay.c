/*
 * Replays a fuzz corpus without libFuzzer: every file in the directories (or files) named on
 * the command line goes through LLVMFuzzerTestOneInput once, as one TAP test point. A crash
 * or abort fails the whole run, which is the point: corpora are regression tests.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count;

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		printf("not ok %d - %s (cannot open)\n", ++count, path);
		return;
	}
	do {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			data = realloc(data, cap);
			if (data == NULL)
				abort();
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	printf("ok %d - %s\n", ++count, strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	fflush(stdout);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	char **names = NULL;
	size_t count_names = 0;

	if (d == NULL) {
		printf("not ok %d - %s (cannot open)\n", ++count, dir);
		return;
	}
	while ((ent = readdir(d)) != NULL) {
		if (ent->d_name[0] == '.')
			continue;
		names = realloc(names, (count_names + 1) * sizeof(*names));
		if (names == NULL || (names[count_names] = malloc(strlen(dir) + strlen(ent->d_name) + 2)) == NULL)
			abort();
		sprintf(names[count_names++], "%s/%s", dir, ent->d_name);
	}
	closedir(d);
	if (count_names)
		qsort(names, count_names, sizeof(*names), name_cmp);
	for (size_t i = 0; i < count_names; i++) {
		replay_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("1..%d\n", count);
	return 0;
}
