/*
 * Form bodies of the catalog POST. Puppet's agent sends
 * application/x-www-form-urlencoded fields, and the facts field holds the
 * facts JSON URL-encoded once more (CGI.escape before the form encoding),
 * so it is decoded twice here. Pure functions.
 */
#include <stdlib.h>
#include <string.h>

#include "cm/master/node.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long cm_form_decode(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (*r == '+')
			*w++ = ' ';
		else if (*r == '%') {
			int hi = hexval(r[1]), lo = hi < 0 ? -1 : hexval(r[2]);
			if (hi < 0 || lo < 0)
				return -1;
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		} else
			*w++ = *r;
	}
	*w = '\0';
	return (long)(w - s);
}

char *cm_form_get(const char *body, const char *name)
{
	size_t nlen = strlen(name);

	for (const char *p = body; p && *p;) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		if (len >= nlen + 1 && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			char *v = strndup(p + nlen + 1, len - nlen - 1);
			long n = v ? cm_form_decode(v) : -1;
			if (n < 0 || (size_t)n != strlen(v)) { /* bad escape or an encoded NUL */
				free(v);
				return NULL;
			}
			return v;
		}
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

json_t *cm_form_facts(const char *body, struct err *e)
{
	char *text = cm_form_get(body, "facts");
	json_t *doc = NULL, *values;
	json_error_t je;

	if (text == NULL) {
		err_setf(e, "BAD_FACTS", "the catalog request carries no facts");
		return NULL;
	}
	/* the second encoding: absent only from clients that send the JSON once-encoded */
	if (text[0] != '{' && cm_form_decode(text) < 0) {
		err_setf(e, "BAD_FACTS", "the facts are not URL-encoded");
		free(text);
		return NULL;
	}
	doc = json_loads(text, 0, &je);
	free(text);
	if (!json_is_object(doc)) {
		err_setf(e, "BAD_FACTS", "the facts are not a JSON object: %s", je.text);
		json_decref(doc);
		return NULL;
	}
	values = json_object_get(doc, "values");
	values = json_is_object(values) ? json_incref(values) : NULL;
	json_decref(doc);
	if (values == NULL)
		err_setf(e, "BAD_FACTS", "the facts document has no \"values\" object");
	return values;
}
