/*
 * The writer half of the store's crash test (store_crash_test.c).
 *
 *   store_crash_writer URL
 *
 * Runs transactions until killed. Each one reads the counter key, then in
 * one transaction, guarded by the counter's mod revision, writes counter = n,
 * "a" = n, "b" = n, "c" = "n:" followed by filler (so the WAL grows and
 * checkpoints happen while we may be killed), and moves a marker key from
 * "m/<n-1>" to "m/<n>". After each commit it prints "n rev" and flushes, so
 * every line the parent reads is a transaction the store reported committed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#define FILLER 2000

/* One transaction taking the counter from n - 1 (at mod_rev; 0: absent) to n. */
static int writer_commit(struct store *s, long n, uint64_t mod_rev, char *big, uint64_t *rev, struct err *e)
{
	char n_text[32], marker_old[64], marker_new[64];
	struct store_op ops[6];

	snprintf(n_text, sizeof(n_text), "%ld", n);
	snprintf(marker_old, sizeof(marker_old), "crash/m/%ld", n - 1);
	snprintf(marker_new, sizeof(marker_new), "crash/m/%ld", n);
	snprintf(big, 32, "%ld:", n);
	big[strlen(big)] = 'x'; /* the filler goes on after the number */
	ops[0] = (struct store_op){STORE_OP_PUT, "crash/counter", n_text,
				   mod_rev ? (int64_t)mod_rev : STORE_EXPECT_ABSENT, 0};
	ops[1] = (struct store_op){STORE_OP_PUT, "crash/a", n_text, STORE_EXPECT_ANY, 0};
	ops[2] = (struct store_op){STORE_OP_PUT, "crash/b", n_text, STORE_EXPECT_ANY, 0};
	ops[3] = (struct store_op){STORE_OP_PUT, "crash/c", big, STORE_EXPECT_ANY, 0};
	ops[4] = (struct store_op){STORE_OP_DELETE, marker_old, NULL, STORE_EXPECT_ANY, 0};
	ops[5] = (struct store_op){STORE_OP_PUT, marker_new, n_text, STORE_EXPECT_ABSENT, 0};
	return store_txn(s, ops, 6, rev, NULL, e);
}

static int writer_step(struct store *s, char *big)
{
	struct err e = {0};
	char *value = NULL;
	uint64_t mod_rev = 0, rev = 0;
	long n = 1;
	int rc = store_get(s, "crash/counter", &value, &mod_rev, &e);

	if (rc == 1)
		n = strtol(value, NULL, 10) + 1;
	free(value);
	if (rc >= 0)
		rc = writer_commit(s, n, rc == 1 ? mod_rev : 0, big, &rev, &e);
	if (rc != 0) {
		fprintf(stderr, "store_crash_writer: step failed (%d): %s\n", rc, err_code(&e));
		err_clear(&e);
		return -1;
	}
	printf("%ld %" PRIu64 "\n", n, rev);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct err e = {0};
	struct store *s;
	char *big;

	if (argc != 2) {
		fprintf(stderr, "usage: store_crash_writer URL\n");
		return 2;
	}
	s = store_open(argv[1], &e);
	if (s == NULL) {
		fprintf(stderr, "store_crash_writer: open %s: %s\n", argv[1], err_code(&e));
		err_clear(&e);
		return 1;
	}
	big = malloc(FILLER + 1);
	if (big == NULL)
		return 1;
	memset(big, 'x', FILLER);
	big[FILLER] = '\0';
	for (;;) {
		if (writer_step(s, big) < 0)
			break;
	}
	free(big);
	store_close(s);
	return 1;
}
