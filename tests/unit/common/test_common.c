/* src/common: buffers, errors, uuids, datetimes, files. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/util.h"
#include "tap.h"

static void test_buf(void)
{
	struct buf b = BUF_INIT;

	CHECK_STR(buf_cstr(&b), "");
	buf_puts(&b, "abc");
	buf_putc(&b, '-');
	buf_printf(&b, "%d:%s", 42, "x");
	CHECK_STR(buf_cstr(&b), "abc-42:x");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%0100d", i);
	CHECK_INT(b.len, 8 + 100000);
	buf_reset(&b);
	CHECK_INT(b.len, 0);
	char *s = buf_steal(&b);
	CHECK_STR(s, "");
	free(s);
	buf_free(&b);
}

static void test_err(void)
{
	struct err e = { 0 };

	CHECK(!err_isset(&e));
	CHECK_STR(err_code(&e), "");
	err_set(&e, "HANDLE_INVALID", "VM", "OpaqueRef:x", NULL);
	CHECK_STR(err_code(&e), "HANDLE_INVALID");
	CHECK_INT(json_array_size(e.desc), 3);
	err_setf(&e, "VALUE_NOT_SUPPORTED", "bad %s", "thing");
	CHECK_STR(json_string_value(json_array_get(e.desc, 1)), "bad thing");
	struct err f = { 0 };
	err_move(&f, &e);
	CHECK(!err_isset(&e) && err_isset(&f));
	err_clear(&f);
	err_set(NULL, "IGNORED", NULL); /* no error wanted: no crash, no leak */
}

static void test_uuid(void)
{
	char a[UUID_STR_LEN], b[UUID_STR_LEN];

	uuid_generate_str(a);
	uuid_generate_str(b);
	CHECK(uuid_is_valid(a));
	CHECK(strcmp(a, b) != 0);
	CHECK(a[14] == '4');
	CHECK(!uuid_is_valid("not-a-uuid"));
	CHECK(!uuid_is_valid("0000000-0000-0000-0000-000000000000"));
}

static void test_datetime(void)
{
	char out[20];
	time_t t;

	xdatetime_format(0, out);
	CHECK_STR(out, "19700101T00:00:00Z");
	CHECK_INT(xdatetime_parse("20240131T23:59:59Z", &t), 0);
	xdatetime_format(t, out);
	CHECK_STR(out, "20240131T23:59:59Z");
	CHECK_INT(xdatetime_parse("2024-01-31T23:59:59Z", &t), 0);
	CHECK_INT(xdatetime_parse("yesterday", &t), -1);
	CHECK_INT(xdatetime_parse("20240131T23:59:59Zjunk", &t), -1);
}

static void test_files(void)
{
	char dir[] = "/tmp/ovcp-common-XXXXXX", path[256], sub[256];
	size_t len;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/f", dir);
	CHECK_INT(file_write_atomic(path, "hello", 5, 0600), 0);
	char *text = file_read_all(path, &len);
	CHECK_STR(text, "hello");
	CHECK_INT(len, 5);
	free(text);
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(file_read_all("/nonexistent/x", NULL) == NULL);
	snprintf(sub, sizeof(sub), "%s/a/b/c", dir);
	CHECK_INT(dir_make_all(sub, 0700), 0);
	CHECK_INT(dir_make_all(sub, 0700), 0);
	unlink(path);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	TAP_RUN(test_buf);
	TAP_RUN(test_err);
	TAP_RUN(test_uuid);
	TAP_RUN(test_datetime);
	TAP_RUN(test_files);
	return tap_done();
}
