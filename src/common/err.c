/* XenAPI-shaped errors: see err.h. */
#include "common/err.h"

#include <stdarg.h>
#include <stdio.h>

static void err_replace(struct err *e, json_t *desc)
{
	if (e == NULL) {
		json_decref(desc);
		return;
	}
	json_decref(e->desc);
	e->desc = desc;
}

void err_set(struct err *e, const char *code, ...)
{
	json_t *desc = json_array();
	va_list ap;
	const char *param;

	json_array_append_new(desc, json_string(code));
	va_start(ap, code);
	while ((param = va_arg(ap, const char *)) != NULL)
		json_array_append_new(desc, json_string(param));
	va_end(ap);
	err_replace(e, desc);
}

static void err_vsetf(struct err *e, const char *code, const char *fmt, va_list ap)
{
	char buf[1024];
	json_t *desc = json_array();

	vsnprintf(buf, sizeof(buf), fmt, ap);
	json_array_append_new(desc, json_string(code));
	json_array_append_new(desc, json_string(buf));
	err_replace(e, desc);
}

void err_setf(struct err *e, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vsetf(e, code, fmt, ap);
	va_end(ap);
}

void err_internal(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vsetf(e, "INTERNAL_ERROR", fmt, ap);
	va_end(ap);
}

bool err_isset(const struct err *e)
{
	return e != NULL && e->desc != NULL;
}

const char *err_code(const struct err *e)
{
	if (!err_isset(e))
		return "";
	return json_string_value(json_array_get(e->desc, 0));
}

void err_clear(struct err *e)
{
	if (e == NULL)
		return;
	json_decref(e->desc);
	e->desc = NULL;
}

void err_move(struct err *dst, struct err *src)
{
	json_t *desc = src->desc;

	src->desc = NULL;
	err_replace(dst, desc);
}
