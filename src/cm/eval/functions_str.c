/*
 * String functions: split, join, sprintf, regsubst, upcase, downcase,
 * capitalize, strip, lstrip, rstrip, chomp, versioncmp. Functions that take a
 * string also take an array of strings and map over it, as Puppet's do.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm/eval/eval.h"

typedef value_t *(*str_fn)(struct cm_call *k, value_t *s);

static value_t *map_strings(struct cm_call *k, value_t *v, str_fn fn)
{
	if (v->k == CM_V_ARRAY) {
		value_t *a = cm_array(k->c, v->len);

		for (size_t i = 0; i < v->len; i++)
			a->items[i] = map_strings(k, v->items[i], fn);
		return a;
	}
	if (v->k != CM_V_STR)
		cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, '%s' parameter 'arg' expects a value of "
		              "type String or Array, got %s", k->name, cm_type_name_of(k->c, v));
	return fn(k, v);
}

static value_t *up1(struct cm_call *k, value_t *s)
{
	char *p = cm_arena_strndup(k->c->arena, s->s, s->len);

	for (size_t i = 0; i < s->len; i++)
		p[i] = (char)toupper((unsigned char)p[i]);
	return cm_strn(k->c, p, s->len);
}

static value_t *down1(struct cm_call *k, value_t *s)
{
	char *p = cm_arena_strndup(k->c->arena, s->s, s->len);

	for (size_t i = 0; i < s->len; i++)
		p[i] = (char)tolower((unsigned char)p[i]);
	return cm_strn(k->c, p, s->len);
}

static value_t *cap1(struct cm_call *k, value_t *s)
{
	char *p = cm_arena_strndup(k->c->arena, s->s, s->len);

	for (size_t i = 0; i < s->len; i++)
		p[i] = (char)(i == 0 ? toupper((unsigned char)p[i]) : tolower((unsigned char)p[i]));
	return cm_strn(k->c, p, s->len);
}

static value_t *strip_sides(struct cm_call *k, value_t *s, bool left, bool right)
{
	size_t a = 0, b = s->len;

	while (left && a < b && isspace((unsigned char)s->s[a]))
		a++;
	while (right && b > a && isspace((unsigned char)s->s[b - 1]))
		b--;
	return cm_strn(k->c, s->s + a, b - a);
}

static value_t *strip1(struct cm_call *k, value_t *s) { return strip_sides(k, s, true, true); }
static value_t *lstrip1(struct cm_call *k, value_t *s) { return strip_sides(k, s, true, false); }
static value_t *rstrip1(struct cm_call *k, value_t *s) { return strip_sides(k, s, false, true); }

static value_t *chomp1(struct cm_call *k, value_t *s)
{
	size_t n = s->len;

	if (n > 0 && s->s[n - 1] == '\n')
		n--;
	if (n > 0 && s->s[n - 1] == '\r')
		n--;
	return cm_strn(k->c, s->s, n);
}

static value_t *fn_upcase(struct cm_call *k) { return map_strings(k, k->args[0], up1); }
static value_t *fn_downcase(struct cm_call *k) { return map_strings(k, k->args[0], down1); }
static value_t *fn_capitalize(struct cm_call *k) { return map_strings(k, k->args[0], cap1); }
static value_t *fn_strip(struct cm_call *k) { return map_strings(k, k->args[0], strip1); }
static value_t *fn_lstrip(struct cm_call *k) { return map_strings(k, k->args[0], lstrip1); }
static value_t *fn_rstrip(struct cm_call *k) { return map_strings(k, k->args[0], rstrip1); }
static value_t *fn_chomp(struct cm_call *k) { return map_strings(k, k->args[0], chomp1); }

static value_t *fn_split(struct cm_call *k)
{
	value_t *s = k->args[0], *sep = k->args[1], *out = cm_array(k->c, 0);

	if (s->k != CM_V_STR)
		cm_eval_error(k->c, k->at, "Error while evaluating a Function Call, 'split' parameter 'str' expects a String "
		              "value, got %s", cm_type_name_of(k->c, s));
	if (sep->k == CM_V_STR && sep->len == 0) {
		for (size_t i = 0; i < s->len; i++)
			cm_array_push(k->c, out, cm_strn(k->c, s->s + i, 1));
		return out;
	}
	regex_t *re = cm_regex_compile(k->c, sep->k == CM_V_REGEX ? sep->s : cm_to_s(k->c, sep), k->at);
	const char *p = s->s;
	regmatch_t m;

	while (*p && regexec(re, p, 1, &m, p == s->s ? 0 : REG_NOTBOL) == 0 && m.rm_eo > 0) {
		cm_array_push(k->c, out, cm_strn(k->c, p, (size_t)m.rm_so));
		p += m.rm_eo;
	}
	cm_array_push(k->c, out, cm_str(k->c, p));
	/* Ruby drops trailing empty fields */
	while (out->len > 0 && out->items[out->len - 1]->len == 0)
		out->len--;
	return out;
}

static value_t *fn_join(struct cm_call *k)
{
	value_t *a = k->args[0];
	const char *sep = k->nargs > 1 ? cm_to_s(k->c, k->args[1]) : "";
	struct cm_sb b = {.c = k->c};

	cm_sb_puts(&b, "");
	for (size_t i = 0; a->k == CM_V_ARRAY && i < a->len; i++) {
		if (i)
			cm_sb_puts(&b, sep);
		cm_sb_puts(&b, cm_to_s(k->c, a->items[i]));
	}
	return cm_strn(k->c, b.p, b.len);
}

/* sprintf: flags, width, precision and the s d i f e g x X o b c % conversions. */
static value_t *fn_sprintf(struct cm_call *k)
{
	const char *f = cm_to_s(k->c, k->args[0]);
	struct cm_sb b = {.c = k->c};
	size_t next = 1;

	cm_sb_puts(&b, "");
	for (const char *p = f; *p; p++) {
		if (*p != '%') {
			cm_sb_add(&b, p, 1);
			continue;
		}
		char spec[32];
		size_t n = 0;

		spec[n++] = '%';
		p++;
		while (*p && strchr("-+ 0#", *p) && n < 20)
			spec[n++] = *p++;
		while (*p && (isdigit((unsigned char)*p) || *p == '.') && n < 28)
			spec[n++] = *p++;
		if (*p == '\0')
			break;
		char conv = *p;
		if (conv == '%') {
			cm_sb_puts(&b, "%");
			continue;
		}
		value_t *v = next < k->nargs ? k->args[next++] : &cm_undef;
		char out[512];
		switch (conv) {
		case 'd': case 'i': case 'x': case 'X': case 'o': case 'c': {
			long long i = v->k == CM_V_INT ? v->i : v->k == CM_V_FLOAT ? (long long)v->f : atoll(cm_to_s(k->c, v));

			spec[n++] = 'l';
			spec[n++] = 'l';
			spec[n++] = conv == 'i' ? 'd' : conv == 'c' ? 'c' : conv;
			spec[n] = '\0';
			if (conv == 'c')
				snprintf(out, sizeof(out), "%c", (int)i);
			else
				snprintf(out, sizeof(out), spec, i);
			break;
		}
		case 'f': case 'e': case 'g': case 'E': case 'G': {
			double d = v->k == CM_V_INT ? (double)v->i : v->k == CM_V_FLOAT ? v->f : atof(cm_to_s(k->c, v));

			spec[n++] = conv;
			spec[n] = '\0';
			snprintf(out, sizeof(out), spec, d);
			break;
		}
		default:
			spec[n++] = 's';
			spec[n] = '\0';
			snprintf(out, sizeof(out), spec, cm_to_s(k->c, v));
			break;
		}
		cm_sb_puts(&b, out);
	}
	return cm_strn(k->c, b.p, b.len);
}

static value_t *regsubst1(struct cm_call *k, value_t *s, regex_t *re, const char *rep, bool global)
{
	struct cm_sb b = {.c = k->c};
	const char *p = s->s;
	regmatch_t m[10];

	cm_sb_puts(&b, "");
	while (*p || p == s->s) {
		if (regexec(re, p, 10, m, p == s->s ? 0 : REG_NOTBOL) != 0)
			break;
		cm_sb_add(&b, p, (size_t)m[0].rm_so);
		for (const char *r = rep; *r; r++) {
			if (*r == '\\' && isdigit((unsigned char)r[1])) {
				int g = r[1] - '0';

				if (m[g].rm_so >= 0)
					cm_sb_add(&b, p + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
				r++;
			} else if (*r == '\\' && r[1] == '\\') {
				cm_sb_puts(&b, "\\");
				r++;
			} else {
				cm_sb_add(&b, r, 1);
			}
		}
		if (m[0].rm_eo == m[0].rm_so) {
			if (*(p + m[0].rm_eo) == '\0') {
				p += m[0].rm_eo;
				break;
			}
			cm_sb_add(&b, p + m[0].rm_eo, 1);
			p += m[0].rm_eo + 1;
		} else {
			p += m[0].rm_eo;
		}
		if (!global)
			break;
	}
	cm_sb_puts(&b, p);
	return cm_strn(k->c, b.p, b.len);
}

static value_t *fn_regsubst(struct cm_call *k)
{
	value_t *target = k->args[0], *pat = k->args[1];
	const char *rep = cm_to_s(k->c, k->args[2]);
	const char *flags = k->nargs > 3 ? cm_to_s(k->c, k->args[3]) : "";
	const char *src = pat->k == CM_V_REGEX ? pat->s : cm_to_s(k->c, pat);

	if (strchr(flags, 'I'))
		src = cm_arena_printf(k->c, "(?i)%s", src);
	regex_t *re = cm_regex_compile(k->c, src, k->at);
	bool global = strchr(flags, 'G') != NULL;
	if (target->k == CM_V_ARRAY) {
		value_t *a = cm_array(k->c, target->len);

		for (size_t i = 0; i < target->len; i++)
			a->items[i] = regsubst1(k, target->items[i], re, rep, global);
		return a;
	}
	return regsubst1(k, target, re, rep, global);
}

/* Puppet's versioncmp: compare runs of digits numerically, others as text. */
static int version_compare(const char *a, const char *b)
{
	while (*a || *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			char *ea, *eb;
			unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);

			if (x != y)
				return x < y ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a == *b) {
			a++;
			b++;
			continue;
		}
		if (*a == '\0' || *a == '.' || *a == '-')
			return *b == '\0' ? 1 : -1;
		if (*b == '\0' || *b == '.' || *b == '-')
			return 1;
		return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
	}
	return 0;
}

static value_t *fn_versioncmp(struct cm_call *k)
{
	return cm_int(k->c, version_compare(cm_to_s(k->c, k->args[0]), cm_to_s(k->c, k->args[1])));
}

static const struct cm_function str_functions[] = {
	{"upcase", fn_upcase, 1, 1},         {"downcase", fn_downcase, 1, 1}, {"capitalize", fn_capitalize, 1, 1},
	{"strip", fn_strip, 1, 1},           {"lstrip", fn_lstrip, 1, 1},     {"rstrip", fn_rstrip, 1, 1},
	{"chomp", fn_chomp, 1, 1},           {"split", fn_split, 2, 2},       {"join", fn_join, 1, 2},
	{"sprintf", fn_sprintf, 1, -1},      {"regsubst", fn_regsubst, 3, 5}, {"versioncmp", fn_versioncmp, 2, 3},
};

const struct cm_function *cm_functions_str_table(size_t *n)
{
	*n = sizeof(str_functions) / sizeof(str_functions[0]);
	return str_functions;
}
