/*
 * What only the etcd backend has: its URL forms and endpoint failover.
 * Everything else about it is the conformance suite's job.
 *
 *   OVCP_STORE_URL=etcd://HOST:PORT store_etcd_url   (with_etcd.py sets it)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "tap.h"

static const char *url; /* etcd://HOST:PORT of a running etcd */

static void test_bad_urls(void)
{
	static const char *const bad[] = {
	    "etcd:",
	    "etcd:127.0.0.1:2379",
	    "etcd://",
	    "etcd://localhost",
	    "etcd://127.0.0.1:2379/v3?x",
	    "etcd://127.0.0.1:2379,,127.0.0.1:2380",
	    "etcd://,",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct err e = {0};
		struct store *s = store_open(bad[i], &e);

		CHECK(s == NULL);
		if (strcmp(err_code(&e), "STORE_BAD_URL") != 0)
			printf("# %s: %s\n", bad[i], err_code(&e));
		CHECK_STR(err_code(&e), "STORE_BAD_URL");
		store_close(s);
		err_clear(&e);
	}
}

static void test_unreachable(void)
{
	struct err e = {0};
	struct store *s = store_open("etcd://127.0.0.1:1", &e); /* nothing listens on port 1 */

	CHECK(s == NULL);
	CHECK_STR(err_code(&e), "STORE_UNREACHABLE");
	store_close(s);
	err_clear(&e);
}

/* A dead endpoint first: the next one answers, for opening and for every call. */
static void test_failover(void)
{
	char list[600], key[64];
	struct err e = {0};
	struct store *s, *plain;
	char *value = NULL;
	uint64_t rev = 0, mod = 0;

	snprintf(list, sizeof(list), "etcd://127.0.0.1:1,%s/", url + strlen("etcd://"));
	snprintf(key, sizeof(key), "/etcd-url-%ld/failover", (long)getpid());
	s = store_open(list, &e);
	CHECK(s != NULL);
	plain = store_open(url, &e);
	CHECK(plain != NULL);
	if (s == NULL || plain == NULL)
		goto out;
	CHECK_INT(store_put(s, key, "through the second endpoint", STORE_EXPECT_ABSENT, &rev, &e), 0);
	CHECK_INT(store_get(plain, key, &value, &mod, &e), 1);
	CHECK_STR(value, "through the second endpoint");
	CHECK_INT(mod, rev);
	CHECK_INT(store_revision(s), store_revision(plain));
	CHECK_INT(store_delete(s, key, (int64_t)rev, NULL, &e), 0);
out:
	free(value);
	store_close(s);
	store_close(plain);
	err_clear(&e);
}

int main(void)
{
	url = getenv("OVCP_STORE_URL");
	if (url == NULL || strncmp(url, "etcd://", 7) != 0) {
		printf("1..0 # SKIP OVCP_STORE_URL is not an etcd:// URL (run under with_etcd.py)\n");
		return 0;
	}
	TAP_RUN(test_bad_urls);
	TAP_RUN(test_unreachable);
	TAP_RUN(test_failover);
	return tap_done();
}
