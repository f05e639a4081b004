/*
 * A minimal TAP producer for OVCP's C tests.
 *
 *   static void test_something(void) { CHECK(1 + 1 == 2); CHECK_STR(a, "x"); }
 *   int main(void) { TAP_RUN(test_something); ...; return tap_done(); }
 *
 * Each TAP_RUN is one TAP test point: "ok N - name" when every CHECK in it
 * held, "not ok" (with the failed checks printed as diagnostics) otherwise.
 * TAP_SKIP(reason) inside a test marks it skipped, with its reason.
 * tests/summarize.py counts these points for the closing line.
 */
#ifndef OVCP_TESTS_TAP_H
#define OVCP_TESTS_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed_points, tap_current_failed;
static const char *tap_skip_reason;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
			tap_current_failed = 1;                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *tap_a_ = (a), *tap_b_ = (b);                                           \
		if (tap_a_ == NULL || tap_b_ == NULL || strcmp(tap_a_, tap_b_) != 0) {             \
			printf("# %s:%d: %s == %s failed: \"%s\" vs \"%s\"\n", __FILE__, __LINE__, #a, \
			       #b, tap_a_ ? tap_a_ : "(null)", tap_b_ ? tap_b_ : "(null)");        \
			tap_current_failed = 1;                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_INT(a, b)                                                                            \
	do {                                                                                       \
		long long tap_a_ = (long long)(a), tap_b_ = (long long)(b);                        \
		if (tap_a_ != tap_b_) {                                                            \
			printf("# %s:%d: %s == %s failed: %lld vs %lld\n", __FILE__, __LINE__, #a, #b, \
			       tap_a_, tap_b_);                                                    \
			tap_current_failed = 1;                                                    \
		}                                                                                  \
	} while (0)

#define TAP_SKIP(reason) (tap_skip_reason = (reason))

#define TAP_RUN(fn)                                                                                \
	do {                                                                                       \
		tap_current_failed = 0;                                                            \
		tap_skip_reason = NULL;                                                            \
		fn();                                                                              \
		tap_count++;                                                                       \
		if (tap_skip_reason)                                                               \
			printf("ok %d - %s # SKIP %s\n", tap_count, #fn, tap_skip_reason);         \
		else if (tap_current_failed) {                                                     \
			printf("not ok %d - %s\n", tap_count, #fn);                                \
			tap_failed_points++;                                                       \
		} else                                                                             \
			printf("ok %d - %s\n", tap_count, #fn);                                    \
		fflush(stdout);                                                                    \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed_points ? 1 : 0;
}

#endif
