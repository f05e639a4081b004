/*
 * Tests of src/hv/disk_spec.c: the disks spec of a template read as xapi's
 * xapi_templates.ml reads it, and every malformed spec refused whole with
 * INTERNAL_ERROR and a message naming the problem.
 */
#include "hv/disk_spec.h"

#include "tap.h"

#include <stdlib.h>

static struct disk_spec spec;

/* The INTERNAL_ERROR message of a spec that must fail ("" when it parsed). */
static const char *fails(const char *xml)
{
	static char msg[512];
	struct err e = {0};

	msg[0] = '\0';
	spec.count = 99;
	if (disk_spec_parse(xml, &spec, &e) == 0)
		return msg;
	snprintf(msg, sizeof(msg), "%s: %s", err_code(&e), json_string_value(json_array_get(e.desc, 1)) ?: "?");
	err_clear(&e);
	CHECK_INT(spec.count, 0);
	return msg;
}

static bool has(const char *msg, const char *part)
{
	bool hit = strncmp(msg, "INTERNAL_ERROR: ", 16) == 0 && strstr(msg, part) != NULL;

	if (!hit)
		printf("# message \"%s\" lacks \"%s\"\n", msg, part);
	return hit;
}

static void test_xapi_template_spec(void)
{
	struct err e = {0};

	CHECK(disk_spec_parse("<provision>\n  <disk device=\"0\" size=\"8589934592\" sr=\"5f4c0a1e-4c1d-4a8e-9a1b-"
			      "0123456789ab\" bootable=\"true\" type=\"system\"/>\n  <!-- data -->\n"
			      "  <disk device=\"1\" size=\"16777216\" sr=\"\" bootable=\"false\" type=\"user\"/>\n"
			      "</provision>\n",
			      &spec, &e) == 0);
	CHECK_STR(err_code(&e), "");
	CHECK_INT(spec.count, 2);
	CHECK_STR(spec.disks[0].device, "0");
	CHECK_INT(spec.disks[0].size, 8589934592LL);
	CHECK_STR(spec.disks[0].sr, "5f4c0a1e-4c1d-4a8e-9a1b-0123456789ab");
	CHECK(spec.disks[0].bootable);
	CHECK_STR(spec.disks[0].type, "system");
	CHECK_STR(spec.disks[1].device, "1");
	CHECK_INT(spec.disks[1].size, 16777216);
	CHECK_STR(spec.disks[1].sr, "");
	CHECK(!spec.disks[1].bootable);
	CHECK_STR(spec.disks[1].type, "user");
}

static void test_defaults_as_xapi(void)
{
	struct err e = {0};

	/* no sr: the default SR; bootable anything but "true": false; unknown or no type: system */
	CHECK(disk_spec_parse("<provision><disk device=\"2\" size=\"0\" bootable=\"yes\" type=\"weird\"/>"
			      "<disk device=\"3\" size=\"1\" extra=\"ignored\"/></provision>",
			      &spec, &e) == 0);
	CHECK_INT(spec.count, 2);
	CHECK_INT(spec.disks[0].size, 0);
	CHECK_STR(spec.disks[0].sr, "");
	CHECK(!spec.disks[0].bootable);
	CHECK_STR(spec.disks[0].type, "system");
	CHECK_STR(spec.disks[1].type, "system");
	CHECK(disk_spec_parse("<provision/>", &spec, &e) == 0);
	CHECK_INT(spec.count, 0);
	CHECK(disk_spec_parse("<provision>&#32;</provision>", &spec, &e) == 0);
	CHECK_INT(spec.count, 0);
	CHECK(disk_spec_parse("<provision><disk device=\"a&amp;b\" size=\"1\"/></provision>", &spec, &e) == 0);
	CHECK_STR(spec.disks[0].device, "a&b");
	CHECK_STR(err_code(&e), "");
}

static void test_not_xml(void)
{
	CHECK(has(fails(""), "not well-formed"));
	CHECK(has(fails("no XML here"), "not well-formed"));
	CHECK(has(fails("<provision><disk device=\"0\" size=\"1\""), "not well-formed"));
	CHECK(has(fails("<provision><disk device=\"0\" size=\"1\"></provision>"), "not well-formed"));
	CHECK(has(fails("<provision><disk device=\"&x;\" size=\"1\"/></provision>"), "not well-formed"));
	CHECK(has(fails("<provision/><provision/>"), "not well-formed"));
}

static void test_no_dtd(void)
{
	CHECK(has(fails("<!DOCTYPE provision [<!ENTITY d \"0\">]><provision><disk device=\"&d;\" size=\"1\"/>"
			"</provision>"),
		  "DOCTYPE"));
	CHECK(has(fails("<!DOCTYPE provision SYSTEM \"http://127.0.0.1:1/x.dtd\"><provision/>"), "DOCTYPE"));
}

static void test_shape(void)
{
	CHECK(has(fails("<disks><disk device=\"0\" size=\"1\"/></disks>"), "<disks>"));
	CHECK(has(fails("<provision version=\"1\"/>"), "bare <provision>"));
	CHECK(has(fails("<provision><disk device=\"0\" size=\"1\"/><vif/></provision>"), "only hold <disk/>"));
	CHECK(has(fails("<provision>text<disk device=\"0\" size=\"1\"/></provision>"), "only hold <disk/>"));
	CHECK(has(fails("<provision><disk device=\"0\" size=\"1\"><x/></disk></provision>"),
		  "disk 1: <disk> must be empty"));
}

static void test_bad_disks(void)
{
	CHECK(has(fails("<provision><disk size=\"1\"/></provision>"), "disk 1: no device"));
	CHECK(has(fails("<provision><disk device=\"0\" size=\"1\"/><disk device=\"1\"/></provision>"),
		  "disk 2: no size"));
	CHECK(has(fails("<provision><disk device=\"\" size=\"1\"/></provision>"), "disk 1: device"));
	CHECK(has(fails("<provision><disk device=\"0123456789abcdefg\" size=\"1\"/></provision>"), "disk 1: device"));
	static const char *const sizes[] = {"16M",
					    "lots",
					    "",
					    "-1",
					    "+5",
					    " 5",
					    "5 ",
					    "0x10",
					    "1_000",
					    "1.5",
					    "9223372036854775808",
					    "99999999999999999999999999999999"};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char xml[256];

		snprintf(xml, sizeof(xml),
			 "<provision><disk device=\"0\" size=\"1\"/><disk device=\"1\" size=\"%s\"/>"
			 "</provision>",
			 sizes[i]);
		if (!has(fails(xml), "disk 2: size is not a number of bytes"))
			printf("# size \"%s\"\n", sizes[i]);
	}
	struct err e = {0};
	CHECK(disk_spec_parse("<provision><disk device=\"0\" size=\"9223372036854775807\"/></provision>", &spec, &e) ==
	      0);
	CHECK_INT(spec.disks[0].size, 9223372036854775807LL);
}

static void test_duplicate_device(void)
{
	CHECK(has(fails("<provision><disk device=\"0\" size=\"1\"/><disk device=\"1\" size=\"1\"/>"
			"<disk device=\"0\" size=\"2\"/></provision>"),
		  "disks 1 and 3 both have device 0"));
}

static void test_too_many(void)
{
	char *xml = malloc(64 * (DISK_SPEC_MAX_DISKS + 2));
	size_t n = 0;

	n += (size_t)sprintf(xml + n, "<provision>");
	for (int i = 0; i <= DISK_SPEC_MAX_DISKS; i++)
		n += (size_t)sprintf(xml + n, "<disk device=\"%d\" size=\"1\"/>", i);
	sprintf(xml + n, "</provision>");
	CHECK(has(fails(xml), "more than"));
	free(xml);
}

int main(void)
{
	TAP_RUN(test_xapi_template_spec);
	TAP_RUN(test_defaults_as_xapi);
	TAP_RUN(test_not_xml);
	TAP_RUN(test_no_dtd);
	TAP_RUN(test_shape);
	TAP_RUN(test_bad_disks);
	TAP_RUN(test_duplicate_device);
	TAP_RUN(test_too_many);
	return tap_done();
}
