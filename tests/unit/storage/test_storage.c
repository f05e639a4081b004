/* Unit tests of the storage driver's pure parts: qemu-img output parsing, names and confinement, usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage/image.h"
#include "storage/sr_dir.h"
#include "tap.h"

static const char overlay_json[] =
	"{\"backing-filename-format\": \"qcow2\", \"virtual-size\": 10737418240, \"filename\": \"a.qcow2\","
	" \"cluster-size\": 65536, \"format\": \"qcow2\", \"actual-size\": 200704,"
	" \"format-specific\": {\"type\": \"qcow2\", \"data\": {\"compat\": \"1.1\", \"corrupt\": false}},"
	" \"full-backing-filename\": \"/sr/base-1.qcow2\", \"backing-filename\": \"base-1.qcow2\", \"dirty-flag\": false}";

static void test_info_parse(void)
{
	struct img_info i;
	struct err e = { 0 };

	CHECK(img_info_parse(overlay_json, &i, &e) == 0);
	CHECK_STR(i.format, "qcow2");
	CHECK(i.virtual_size == 10737418240LL);
	CHECK(i.actual_size == 200704);
	CHECK_STR(i.backing, "base-1.qcow2");
	CHECK_STR(i.backing_format, "qcow2");
	CHECK(!i.has_data_file && !i.corrupt);

	CHECK(img_info_parse("{\"virtual-size\": 1048576, \"format\": \"raw\", \"actual-size\": 0}", &i, &e) == 0);
	CHECK_STR(i.format, "raw");
	CHECK_STR(i.backing, "");

	CHECK(img_info_parse("{\"virtual-size\": 1, \"format\": \"qcow2\", \"format-specific\": {\"type\": \"qcow2\","
			     " \"data\": {\"data-file\": \"/etc/shadow\", \"corrupt\": true}}}",
			     &i, &e) == 0);
	CHECK(i.has_data_file && i.corrupt);

	CHECK(img_info_parse("not json", &i, &e) < 0);
	CHECK_STR(err_code(&e), "SR_BACKEND_FAILURE");
	err_clear(&e);
	CHECK(img_info_parse("{\"format\": \"qcow2\"}", &i, &e) < 0);
	err_clear(&e);
	CHECK(img_info_parse("{\"format\": \"qcow2\", \"virtual-size\": -5}", &i, &e) < 0);
	err_clear(&e);
	CHECK(img_info_parse("[1,2]", &i, &e) < 0);
	err_clear(&e);
}

static void test_progress_parse(void)
{
	const char *p = "    (0.00/100%)\r    (45.50/100%)\r";

	CHECK(img_progress_parse(p, strlen(p)) > 0.454 && img_progress_parse(p, strlen(p)) < 0.456);
	CHECK(img_progress_parse("    (100.00/100%)\r\n", 19) == 1.0);
	CHECK(img_progress_parse("nothing", 7) < 0);
	CHECK(img_progress_parse("(200.00/100%)", 13) < 0);
	CHECK(img_progress_parse("(12.00/100", 10) < 0);
}

static void test_formats(void)
{
	CHECK_STR(img_format_driver("raw"), "raw");
	CHECK_STR(img_format_driver("qcow2"), "qcow2");
	CHECK_STR(img_format_driver("vhd"), "vpc");
	CHECK(img_format_driver("vpc") == NULL);
	CHECK(img_format_driver("../x") == NULL);
	CHECK(img_format_driver(NULL) == NULL);
}

static void test_names(void)
{
	CHECK(sr_name_is_safe("0e4c5b7e-1111-2222-3333-444455556666.qcow2"));
	CHECK(sr_name_is_safe("disk_1.raw"));
	CHECK(!sr_name_is_safe(""));
	CHECK(!sr_name_is_safe("../x.qcow2"));
	CHECK(!sr_name_is_safe("a/b.qcow2"));
	CHECK(!sr_name_is_safe("/etc/passwd"));
	CHECK(!sr_name_is_safe(".hidden.qcow2"));
	CHECK(!sr_name_is_safe("a..b.qcow2"));
	CHECK(!sr_name_is_safe("a b.qcow2"));
	CHECK(!sr_name_is_safe("x\n.qcow2"));
	char longname[300];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK(!sr_name_is_safe(longname));

	CHECK(sr_name_kind("a.qcow2") == SR_ENTRY_IMAGE);
	CHECK(sr_name_kind("a.raw") == SR_ENTRY_IMAGE);
	CHECK(sr_name_kind("base-1.qcow2") == SR_ENTRY_BASE);
	CHECK(sr_name_kind("base-1.raw") == SR_ENTRY_OTHER);
	CHECK(sr_name_kind(".tmp-x-import") == SR_ENTRY_TEMP);
	CHECK(sr_name_kind("notes.txt") == SR_ENTRY_OTHER);
	CHECK(sr_name_kind("..qcow2") == SR_ENTRY_OTHER);
	CHECK_STR(sr_name_format("a.qcow2"), "qcow2");
	CHECK_STR(sr_name_format("a.raw"), "raw");
	CHECK(sr_name_format("a.vhd") == NULL);
	CHECK(sr_name_format(".qcow2") == NULL);
}

static void test_confinement(void)
{
	char out[64];
	struct err e = { 0 };

	CHECK(sr_path_join("/sr", "a.qcow2", out, sizeof(out), &e) == 0);
	CHECK_STR(out, "/sr/a.qcow2");
	CHECK(sr_path_join("/sr", "../etc/passwd", out, sizeof(out), &e) < 0);
	CHECK_STR(err_code(&e), "VDI_LOCATION_INVALID");
	err_clear(&e);
	CHECK(sr_path_join("/sr", "/etc/passwd", out, sizeof(out), &e) < 0);
	err_clear(&e);
	CHECK(sr_path_join("/a-very-long-directory-name-that-does-not-fit", "a-long-file-name.qcow2", out, 32, &e) < 0);
	err_clear(&e);

	CHECK(sr_dir_path_is_valid("/var/lib/ovcp/sr/local"));
	CHECK(!sr_dir_path_is_valid("relative/dir"));
	CHECK(!sr_dir_path_is_valid("/"));
	CHECK(!sr_dir_path_is_valid("/a/../etc"));
	CHECK(!sr_dir_path_is_valid("/a/./b"));
	CHECK(!sr_dir_path_is_valid("/a//b"));
	CHECK(!sr_dir_path_is_valid("/a/b/"));
	CHECK(!sr_dir_path_is_valid(NULL));
}

/* Usage counts allocated bytes of images and bases only, and a backing file must be a base of the SR. */
static void test_usage(void)
{
	char dir[] = "/tmp/ovcp-sr-unit-XXXXXX", path[128];
	struct sr_usage u;
	struct err e = { 0 };
	static char block[8192];

	if (mkdtemp(dir) == NULL) {
		TAP_SKIP("mkdtemp");
		return;
	}
	memset(block, 1, sizeof(block));
	const char *names[] = { "a.qcow2", "base-1.qcow2", "notes.txt", ".tmp-x" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "w");
		CHECK(f != NULL);
		if (f) {
			fwrite(block, 1, sizeof(block), f);
			fclose(f);
		}
	}
	CHECK(sr_dir_usage(dir, &u, &e) == 0);
	snprintf(path, sizeof(path), "%s/a.qcow2", dir);
	int64_t one = sr_file_allocated(path);
	CHECK(one >= 8192);
	CHECK(u.utilisation == 2 * one);
	CHECK(u.physical_size > 0 && u.free >= 0);

	CHECK(sr_dir_check_backing(dir, "", &e) == 0);
	CHECK(sr_dir_check_backing(dir, "base-1.qcow2", &e) == 0);
	CHECK(sr_dir_check_backing(dir, "base-2.qcow2", &e) < 0);
	err_clear(&e);
	CHECK(sr_dir_check_backing(dir, "/etc/passwd", &e) < 0);
	err_clear(&e);
	CHECK(sr_dir_check_backing(dir, "a.qcow2", &e) < 0);
	err_clear(&e);

	sr_dir_clean_temps(dir);
	snprintf(path, sizeof(path), "%s/.tmp-x", dir);
	CHECK(access(path, F_OK) < 0);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	CHECK(sr_dir_remove_all(dir, &e) == 0);
	CHECK(access(path, F_OK) == 0); /* a foreign file is never touched */
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	TAP_RUN(test_info_parse);
	TAP_RUN(test_progress_parse);
	TAP_RUN(test_formats);
	TAP_RUN(test_names);
	TAP_RUN(test_confinement);
	TAP_RUN(test_usage);
	return tap_done();
}
