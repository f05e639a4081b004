/*
 * Growable NULL-terminated argument vectors for spawned programs.
 * Invariant: v[n] is NULL whenever v is not NULL.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "net/net.h"

int net_argv_add(struct net_argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		char **v = realloc(a->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	return 0;
}

void net_argv_free(struct net_argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}
