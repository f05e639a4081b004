/* Line-oriented files: see lines.h. */
#include "cm/providers/lines.h"

#include <stdlib.h>
#include <string.h>

json_t *lines_read(const char *local)
{
	json_t *lines = json_array();
	char *data = NULL, *save = NULL;
	size_t len;

	if (cm_read_file(local, &data, &len) < 0)
		return lines;
	for (char *p = data; p && *p;) {
		char *nl = strchr(p, '\n');
		json_array_append_new(lines, json_stringn(p, nl ? (size_t)(nl - p) : strlen(p)));
		p = nl ? nl + 1 : NULL;
	}
	(void)save;
	free(data);
	return lines;
}

int lines_write(const char *local, const json_t *lines, mode_t mode, struct err *e)
{
	size_t total = 0, i;
	json_t *v;
	char *buf, *p;
	int rc;

	json_array_foreach(lines, i, v)
		total += json_string_length(v) + 1;
	buf = malloc(total + 1);
	if (buf == NULL) {
		err_internal(e, "out of memory");
		return -1;
	}
	p = buf;
	json_array_foreach(lines, i, v) {
		memcpy(p, json_string_value(v), json_string_length(v));
		p += json_string_length(v);
		*p++ = '\n';
	}
	cm_mkdir_parents(local, 0755);
	rc = cm_write_file_atomic(local, buf, total, mode, e);
	free(buf);
	return rc;
}
