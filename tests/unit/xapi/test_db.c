/* src/xapi record.c and db.c against a real SQLite store in a temp dir. */
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"
#include "xapi/db.h"

static struct store *store;
static char dir[] = "/tmp/ovcp-db-XXXXXX";

static void test_defaults(void)
{
	const struct model_class *vm = model_class_find("VM");
	json_t *rec = record_new_default(vm);

	CHECK_INT(json_object_size(rec), vm->field_count);
	CHECK_STR(json_string_value(json_object_get(rec, "power_state")), "Halted");
	CHECK(json_is_array(json_object_get(rec, "allowed_operations")));
	CHECK(json_is_object(json_object_get(rec, "other_config")));
	CHECK_STR(json_string_value(json_object_get(rec, "snapshot_time")), "19700101T00:00:00Z");
	CHECK_STR(json_string_value(json_object_get(rec, "suspend_VDI")), REF_NULL);
	CHECK(json_is_real(json_object_get(rec, "HVM_shadow_multiplier")));
	json_decref(rec);
}

static void test_coerce(void)
{
	struct err e = { 0 };
	json_t *out = NULL, *in;

	in = json_string("1024");
	CHECK_INT(value_coerce(xtype_parse("int"), in, &out, "x", &e), 0);
	CHECK(json_is_integer(out) && json_integer_value(out) == 1024);
	json_decref(out);
	json_decref(in);
	in = json_string("12abc");
	CHECK_INT(value_coerce(xtype_parse("int"), in, &out, "memory", &e), -1);
	CHECK_STR(err_code(&e), "FIELD_TYPE_ERROR");
	CHECK_STR(json_string_value(json_array_get(e.desc, 1)), "memory");
	json_decref(in);
	in = json_string("running");
	CHECK_INT(value_coerce(xtype_parse("enum vm_power_state"), in, &out, "p", &e), 0);
	CHECK_STR(json_string_value(out), "Running");
	json_decref(out);
	json_decref(in);
	in = json_pack("{s:s}", "k", "v");
	CHECK_INT(value_coerce(xtype_parse("(string -> int) map"), in, &out, "m", &e), -1);
	json_decref(in);
	in = json_string("2024-01-31T23:59:59Z");
	CHECK_INT(value_coerce(xtype_parse("datetime"), in, &out, "d", &e), 0);
	CHECK_STR(json_string_value(out), "20240131T23:59:59Z");
	json_decref(out);
	json_decref(in);
	err_clear(&e);
}

static json_t *vdi_record(const char *sr)
{
	json_t *rec = record_new_default(model_class_find("VDI"));
	json_object_set_new(rec, "SR", json_string(sr));
	return rec;
}

static void test_relations(void)
{
	const struct model_class *src = model_class_find("SR"), *vdic = model_class_find("VDI");
	struct err e = { 0 };
	char sr[REF_LEN], vdi[REF_LEN], sr2[REF_LEN];
	json_t *rec = record_new_default(src), *got;

	CHECK_INT(db_create(store, src, rec, NULL, sr, &e), 0);
	json_decref(rec);
	rec = record_new_default(src);
	CHECK_INT(db_create(store, src, rec, NULL, sr2, &e), 0);
	json_decref(rec);
	rec = vdi_record(sr);
	CHECK_INT(db_create(store, vdic, rec, NULL, vdi, &e), 0);
	json_decref(rec);
	got = db_get(store, src, sr, &e);
	CHECK(got && json_array_size(json_object_get(got, "VDIs")) == 1);
	json_decref(got);
	/* Moving the VDI moves it between the SRs' sets in one transaction. */
	json_t *v = json_string(sr2);
	CHECK_INT(db_set_field(store, vdic, vdi, "SR", v, &e), 0);
	json_decref(v);
	got = db_get(store, src, sr, &e);
	CHECK(got && json_array_size(json_object_get(got, "VDIs")) == 0);
	json_decref(got);
	got = db_get(store, src, sr2, &e);
	CHECK(got && json_array_size(json_object_get(got, "VDIs")) == 1);
	json_decref(got);
	/* A ref to nothing is refused, and nothing is written. */
	uint64_t before = store_revision(store);
	v = json_string("OpaqueRef:00000000-0000-4000-8000-000000000000");
	CHECK_INT(db_set_field(store, vdic, vdi, "SR", v, &e), -1);
	CHECK_STR(err_code(&e), "HANDLE_INVALID");
	CHECK_INT(store_revision(store), before);
	json_decref(v);
	CHECK_INT(db_destroy(store, vdic, vdi, &e), 0);
	got = db_get(store, src, sr2, &e);
	CHECK(got && json_array_size(json_object_get(got, "VDIs")) == 0);
	json_decref(got);
	CHECK(db_get(store, vdic, vdi, &e) == NULL);
	CHECK_STR(err_code(&e), "HANDLE_INVALID");
	err_clear(&e);
}

static void test_lookups(void)
{
	const struct model_class *net = model_class_find("network");
	struct err e = { 0 };
	char ref[REF_LEN], found[REF_LEN];
	json_t *rec = record_new_default(net);

	json_object_set_new(rec, "name_label", json_string("has \"quotes\" and \\ slash"));
	CHECK_INT(db_create(store, net, rec, NULL, ref, &e), 0);
	const char *uuid = json_string_value(json_object_get(rec, "uuid"));
	CHECK_INT(db_find_by_uuid(store, net, uuid, found, &e), 0);
	CHECK_STR(found, ref);
	json_t *refs = db_find_by_name_label(store, net, "has \"quotes\" and \\ slash", &e);
	CHECK(refs && json_array_size(refs) == 1);
	json_decref(refs);
	refs = db_find_by_name_label(store, net, "has", &e);
	CHECK(refs && json_array_size(refs) == 0);
	json_decref(refs);
	CHECK_INT(db_find_by_uuid(store, net, "not-a-uuid", found, &e), -1);
	CHECK_STR(err_code(&e), "UUID_INVALID");
	json_decref(rec);
	err_clear(&e);
}

int main(void)
{
	char url[128];
	struct err e = { 0 };

	if (mkdtemp(dir) == NULL || model_init() < 0)
		return 1;
	snprintf(url, sizeof(url), "sqlite:%s/db.sqlite", dir);
	store = store_open(url, &e);
	if (store == NULL)
		return 1;
	TAP_RUN(test_defaults);
	TAP_RUN(test_coerce);
	TAP_RUN(test_relations);
	TAP_RUN(test_lookups);
	store_close(store);
	char path[256];
	const char *files[] = { "db.sqlite", "db.sqlite-wal", "db.sqlite-shm" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return tap_done();
}
