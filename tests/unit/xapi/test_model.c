/* The object-model table: every type parses, lookups, roles. */
#include "tap.h"
#include "xapi/model.h"

static void test_init_parses_every_type(void)
{
	CHECK_INT(model_init(), 0);
}

static void test_vm_class(void)
{
	const struct model_class *vm = model_class_find("VM");
	CHECK(vm != NULL);
	CHECK(model_class_find_nocase("vm") == vm);
	const struct model_field *f = model_field_find(vm, "power_state");
	CHECK(f != NULL && f->type->kind == XT_ENUM);
	CHECK(f != NULL && model_enum_has(f->type->enumeration, "Running"));
	CHECK(f != NULL && !model_enum_has(f->type->enumeration, "Flying"));
	CHECK(vm->flags & CF_CREATE);
	CHECK(model_message_find(vm, "start") != NULL);
	CHECK(model_message_find(vm, "set_name_label") == NULL); /* generic: derived from the field */
	const struct model_field *nl = model_field_find(vm, "name_label");
	CHECK(nl != NULL && nl->write_roles == ROLES_VM_ADMIN);
}

static void test_types(void)
{
	const struct xtype *t = xtype_parse("(VM ref -> (string -> string) map) map");
	CHECK(t != NULL && t->kind == XT_MAP);
	CHECK(t != NULL && t->key->kind == XT_REF && t->key->name && strcmp(t->key->name, "VM") == 0);
	CHECK(t != NULL && t->elem->kind == XT_MAP && t->elem->elem->kind == XT_STRING);
	CHECK(xtype_parse("(VM ref -> (string -> string) map) map") == t);
	t = xtype_parse("VM ref set");
	CHECK(t != NULL && t->kind == XT_SET && t->elem->kind == XT_REF);
	t = xtype_parse("enum vm_operations set");
	CHECK(t != NULL && t->kind == XT_SET && t->elem->kind == XT_ENUM && strcmp(t->elem->name, "vm_operations") == 0);
	t = xtype_parse("(string -> enum vm_operations) map");
	CHECK(t != NULL && t->kind == XT_MAP && t->elem->kind == XT_ENUM);
	CHECK(xtype_parse("nonsense words here") == NULL);
	CHECK(xtype_parse("(string -> ) map") == NULL);
}

static void test_roles(void)
{
	CHECK_STR(model_roles_text(ROLES_POOL_OPERATOR), "pool-admin, pool-operator");
	CHECK_INT(model_role_parse("VM-Admin"), R_VA);
	CHECK_INT(model_role_parse("nobody"), 0);
}

int main(void)
{
	TAP_RUN(test_init_parses_every_type);
	TAP_RUN(test_vm_class);
	TAP_RUN(test_types);
	TAP_RUN(test_roles);
	return tap_done();
}
