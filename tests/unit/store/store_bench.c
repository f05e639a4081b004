/*
 * A quick benchmark of the store (not a test): prints gets/s (one and two
 * threads), the time to list 10,000 keys of ~3 KB, and single-put txns/s.
 *
 *   store_bench [URL]     (default: a fresh sqlite store in a temporary directory)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

#define SMALL_KEYS 1000
#define GETS	   200000
#define LIST_KEYS  10000
#define LIST_VALUE 3000
#define PUTS	   3000

static struct store *s;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, struct err *e)
{
	fprintf(stderr, "store_bench: %s: %s\n", what, err_code(e));
	exit(1);
}

static void *get_loop(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	char key[64];

	for (int i = 0; i < GETS; i++) {
		struct err e = {0};
		char *v = NULL;

		snprintf(key, sizeof(key), "small/%04u", rand_r(&seed) % SMALL_KEYS);
		if (store_get(s, key, &v, NULL, &e) != 1)
			die("get", &e);
		free(v);
	}
	return NULL;
}

static int list_cb(const struct store_kv *kv, void *arg)
{
	*(size_t *)arg += strlen(kv->value);
	return 0;
}

static void bench_gets(void)
{
	struct err e = {0};
	char key[64];
	pthread_t t[2];
	double t0;

	for (int i = 0; i < SMALL_KEYS; i++) {
		snprintf(key, sizeof(key), "small/%04d", i);
		if (store_put(s, key, "{\"name_label\": \"a small record\", \"power_state\": \"Running\"}",
			      STORE_EXPECT_ANY, NULL, &e) != 0)
			die("put", &e);
	}
	t0 = now_s();
	get_loop((void *)1);
	printf("get, 1 thread:   %.0f gets/s (%.2f us/get)\n", GETS / (now_s() - t0), (now_s() - t0) / GETS * 1e6);
	t0 = now_s();
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, get_loop, (void *)(uintptr_t)(i + 7));
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("get, 2 threads:  %.0f gets/s in all\n", 2 * GETS / (now_s() - t0));
}

static void bench_list(void)
{
	struct store_op ops[100];
	char keys[100][64], *value = malloc(LIST_VALUE + 1);
	struct err e = {0};
	double best = 1e9, sum = 0;

	memset(value, 'v', LIST_VALUE);
	value[LIST_VALUE] = '\0';
	for (int i = 0; i < LIST_KEYS; i += 100) {
		for (int j = 0; j < 100; j++) {
			snprintf(keys[j], sizeof(keys[0]), "big/%05d", i + j);
			ops[j] = (struct store_op){STORE_OP_PUT, keys[j], value, STORE_EXPECT_ANY, 0};
		}
		if (store_txn(s, ops, 100, NULL, NULL, &e) != 0)
			die("txn", &e);
	}
	for (int round = 0; round < 5; round++) {
		size_t bytes = 0;
		double t0 = now_s(), dt;

		if (store_list(s, "big/", list_cb, &bytes, NULL, &e) != 0 || bytes != (size_t)LIST_KEYS * LIST_VALUE)
			die("list", &e);
		dt = now_s() - t0;
		sum += dt;
		best = dt < best ? dt : best;
	}
	printf("list 10k x 3KB:  %.1f ms best, %.1f ms mean of 5\n", best * 1e3, sum / 5 * 1e3);
	free(value);
}

static void bench_puts(void)
{
	struct err e = {0};
	char key[64];
	double t0 = now_s();

	for (int i = 0; i < PUTS; i++) {
		snprintf(key, sizeof(key), "put/%d", i % 100);
		if (store_put(s, key, "{\"a\": 1}", STORE_EXPECT_ANY, NULL, &e) != 0)
			die("put", &e);
	}
	printf("single-put txns: %.0f txns/s\n", PUTS / (now_s() - t0));
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/ovcp-bench-XXXXXX", url[256], path[256];
	struct err e = {0};
	bool own = argc < 2;

	if (own) {
		if (mkdtemp(dir) == NULL)
			return 1;
		snprintf(url, sizeof(url), "sqlite:%s/store.db", dir);
	} else {
		snprintf(url, sizeof(url), "%s", argv[1]);
	}
	if ((s = store_open(url, &e)) == NULL)
		die("open", &e);
	bench_gets();
	bench_list();
	bench_puts();
	store_close(s);
	if (own) {
		static const char *const files[] = {"store.db", "store.db-wal", "store.db-shm"};

		for (size_t i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
			unlink(path);
		}
		rmdir(dir);
	}
	return 0;
}
