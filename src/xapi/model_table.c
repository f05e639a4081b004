/*
 * The XenAPI object model served by OVCP: every class, field and message,
 * with XenAPI's names, types, qualifiers, defaults and the roles allowed.
 * Everything else (records, codecs, generic calls, RBAC, events, CLI
 * columns) is derived from these tables. First imported from the XenAPI
 * datamodel by tools/gen-model.py; maintained by hand since.
 */
#include "xapi/model.h"

/* ---- session ---- */
static struct model_field fields_session[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "this_host", "host ref", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "this_user", "user ref", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "last_active", "datetime", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "pool", "bool", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_POOL_ADMIN, ROLES_POOL_ADMIN, 0 },
	{ "is_local_superuser", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "subject", "subject ref", FQ_RO_RUNTIME, "OpaqueRef:NULL", ROLES_ALL, 0, 0, 0 },
	{ "validation_time", "datetime", FQ_RO_RUNTIME, "19700101T00:00:00Z", ROLES_ALL, 0, 0, 0 },
	{ "auth_user_sid", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "auth_user_name", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "rbac_permissions", "string set", FQ_RO_CONSTRUCTOR, "{}", ROLES_ALL, 0, 0, 0 },
	{ "tasks", "task ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "parent", "session ref", FQ_RO_CONSTRUCTOR, "OpaqueRef:NULL", ROLES_ALL, 0, 0, 0 },
	{ "originator", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "client_certificate", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
};

static const struct model_param params_session_logout_subject_identifier[] = { { "subject_identifier", "string" } };
static const struct model_param params_session_create_from_db_file[] = { { "filename", "string" } };
static const struct model_param params_session_slave_local_login_with_password[] = { { "uname", "string" }, { "pwd", "string" } };
static const struct model_param params_session_change_password[] = { { "old_pwd", "string" }, { "new_pwd", "string" } };
static const struct model_param params_session_login_with_password[] = { { "uname", "string" }, { "pwd", "string" }, { "version", "string", true }, { "originator", "string", true } };
static struct model_message messages_session[] = {
	{ "logout_subject_identifier", "void", params_session_logout_subject_identifier, 1, ROLES_POOL_OPERATOR, 0 },
	{ "get_all_subject_identifiers", "string set", NULL, 0, ROLES_ALL, 0 },
	{ "local_logout", "void", NULL, 0, ROLES_POOL_ADMIN, 0 },
	{ "create_from_db_file", "session ref", params_session_create_from_db_file, 1, 0, 0 },
	{ "slave_local_login_with_password", "session ref", params_session_slave_local_login_with_password, 2, ROLES_POOL_ADMIN, MF_NO_SESSION },
	{ "change_password", "void", params_session_change_password, 2, 0, 0 },
	{ "logout", "void", NULL, 0, ROLES_ALL, 0 },
	{ "login_with_password", "session ref", params_session_login_with_password, 4, ROLES_ALL, MF_NO_SESSION },
};

/* ---- pool ---- */
static struct model_field fields_pool[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "name_label", "string", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "name_description", "string", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "master", "host ref", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "default_SR", "SR ref", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "suspend_image_SR", "SR ref", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "crash_dump_SR", "SR ref", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "ha_enabled", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "ha_configuration", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "ha_statefiles", "string set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "ha_host_failures_to_tolerate", "int", FQ_RO_RUNTIME, "0", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "ha_plan_exists_for", "int", FQ_RO_RUNTIME, "0", ROLES_ALL, 0, 0, 0 },
	{ "ha_allow_overcommit", "bool", FQ_RW, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "ha_overcommitted", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "blobs", "(string -> blob ref) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "tags", "string set", FQ_RW, "{}", ROLES_ALL, ROLES_VM_OPERATOR, ROLES_VM_OPERATOR, 0 },
	{ "gui_config", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_VM_OPERATOR, ROLES_VM_OPERATOR, 0 },
	{ "health_check_config", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "wlb_url", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "wlb_username", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "wlb_enabled", "bool", FQ_RW, "false", ROLES_ALL, R_PA | R_PO | R_CC, 0, 0 },
	{ "wlb_verify_cert", "bool", FQ_RW, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, FF_DEPRECATED },
	{ "redo_log_enabled", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "redo_log_vdi", "VDI ref", FQ_RO_RUNTIME, "OpaqueRef:NULL", ROLES_ALL, 0, 0, 0 },
	{ "vswitch_controller", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, FF_DEPRECATED },
	{ "restrictions", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "metadata_VDIs", "VDI ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "ha_cluster_stack", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "allowed_operations", "enum pool_allowed_operations set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "current_operations", "(string -> enum pool_allowed_operations) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "guest_agent_config", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, ROLES_POOL_ADMIN, 0 },
	{ "cpu_info", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "policy_no_vendor_device", "bool", FQ_RW, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, FF_DEPRECATED },
	{ "live_patching_disabled", "bool", FQ_RW, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "igmp_snooping_enabled", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "uefi_certificates", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, ROLES_POOL_ADMIN, 0, 0 },
	{ "custom_uefi_certificates", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, ROLES_POOL_ADMIN, 0, 0 },
	{ "is_psr_pending", "bool", FQ_RW, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "tls_verification_enabled", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "repositories", "Repository ref set", FQ_RO_RUNTIME, "{}", ROLES_ALL, R_PA | R_PO | R_CC, 0, 0 },
	{ "client_certificate_auth_enabled", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "client_certificate_auth_name", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "repository_proxy_url", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "repository_proxy_username", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "repository_proxy_password", "secret ref", FQ_RO_RUNTIME, "OpaqueRef:NULL", ROLES_ALL, 0, 0, 0 },
	{ "migration_compression", "bool", FQ_RW, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "coordinator_bias", "bool", FQ_RW, "true", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "local_auth_max_threads", "int", FQ_RO_CONSTRUCTOR, "8", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "ext_auth_max_threads", "int", FQ_RO_CONSTRUCTOR, "1", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "ext_auth_cache_enabled", "bool", FQ_RO_RUNTIME, "true", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "ext_auth_cache_size", "int", FQ_RO_RUNTIME, "50", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "ext_auth_cache_expiry", "int", FQ_RO_RUNTIME, "300", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "telemetry_uuid", "secret ref", FQ_RO_RUNTIME, "OpaqueRef:NULL", ROLES_ALL, 0, 0, 0 },
	{ "telemetry_frequency", "enum telemetry_frequency", FQ_RO_RUNTIME, "weekly", ROLES_ALL, 0, 0, 0 },
	{ "telemetry_next_collection", "datetime", FQ_RO_RUNTIME, "19700101T00:00:00Z", ROLES_ALL, ROLES_POOL_ADMIN, 0, 0 },
	{ "last_update_sync", "datetime", FQ_RO_RUNTIME, "19700101T00:00:00Z", ROLES_ALL, 0, 0, 0 },
	{ "update_sync_frequency", "enum update_sync_frequency", FQ_RO_RUNTIME, "weekly", ROLES_ALL, 0, 0, 0 },
	{ "update_sync_day", "int", FQ_RO_RUNTIME, "0", ROLES_ALL, 0, 0, 0 },
	{ "update_sync_enabled", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "recommendations", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "license_server", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "ha_reboot_vm_on_internal_shutdown", "bool", FQ_RW, "true", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "limit_console_sessions", "bool", FQ_RW, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "vm_console_idle_timeout", "int", FQ_RW, "0", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "auto_update_vm_secureboot_certificates", "bool", FQ_RW, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
};

static const struct model_param params_pool_sync_trusted_certificates_from[] = { { "self", "pool ref" }, { "remote_pool", "string" }, { "remote_session", "session ref" }, { "remote_certificate", "string" }, { "ca", "bool" } };
static const struct model_param params_pool_uninstall_trusted_certificate[] = { { "self", "pool ref" }, { "certificate", "Certificate ref" } };
static const struct model_param params_pool_install_trusted_certificate[] = { { "self", "pool ref" }, { "ca", "bool" }, { "cert", "string" }, { "purpose", "enum certificate_purpose set" } };
static const struct model_param params_pool_set_ssh_auto_mode[] = { { "self", "pool ref" }, { "value", "bool" } };
static const struct model_param params_pool_set_console_idle_timeout[] = { { "self", "pool ref" }, { "value", "int" } };
static const struct model_param params_pool_set_ssh_enabled_timeout[] = { { "self", "pool ref" }, { "value", "int" } };
static const struct model_param params_pool_disable_ssh[] = { { "self", "pool ref" } };
static const struct model_param params_pool_enable_ssh[] = { { "self", "pool ref" } };
static const struct model_param params_pool_get_guest_secureboot_readiness[] = { { "self", "pool ref" } };
static const struct model_param params_pool_configure_update_sync[] = { { "self", "pool ref" }, { "update_sync_frequency", "enum update_sync_frequency" }, { "update_sync_day", "int" } };
static const struct model_param params_pool_reset_telemetry_uuid[] = { { "self", "pool ref" } };
static const struct model_param params_pool_set_https_only[] = { { "self", "pool ref" }, { "value", "bool" } };
static const struct model_param params_pool_disable_repository_proxy[] = { { "self", "pool ref" } };
static const struct model_param params_pool_configure_repository_proxy[] = { { "self", "pool ref" }, { "url", "string" }, { "username", "string" }, { "password", "string" } };
static const struct model_param params_pool_disable_client_certificate_auth[] = { { "self", "pool ref" } };
static const struct model_param params_pool_enable_client_certificate_auth[] = { { "self", "pool ref" }, { "name", "string" } };
static const struct model_param params_pool_check_update_readiness[] = { { "self", "pool ref" }, { "requires_reboot", "bool" } };
static const struct model_param params_pool_sync_updates[] = { { "self", "pool ref" }, { "force", "bool" }, { "token", "string", true }, { "token_id", "string", true }, { "username", "string", true }, { "password", "string", true } };
static const struct model_param params_pool_remove_repository[] = { { "self", "pool ref" }, { "value", "Repository ref" } };
static const struct model_param params_pool_add_repository[] = { { "self", "pool ref" }, { "value", "Repository ref" } };
static const struct model_param params_pool_has_extension[] = { { "self", "pool ref" }, { "name", "string" } };
static const struct model_param params_pool_disable_ssl_legacy[] = { { "self", "pool ref" } };
static const struct model_param params_pool_apply_edition[] = { { "self", "pool ref" }, { "edition", "string" } };
static const struct model_param params_pool_get_license_state[] = { { "self", "pool ref" } };
static const struct model_param params_pool_disable_local_storage_caching[] = { { "self", "pool ref" } };
static const struct model_param params_pool_enable_local_storage_caching[] = { { "self", "pool ref" } };
static const struct model_param params_pool_test_archive_target[] = { { "self", "pool ref" }, { "config", "(string -> string) map" } };
static const struct model_param params_pool_enable_redo_log[] = { { "sr", "SR ref" } };
static const struct model_param params_pool_crl_uninstall[] = { { "name", "string" } };
static const struct model_param params_pool_crl_install[] = { { "name", "string" }, { "cert", "string" } };
static const struct model_param params_pool_uninstall_ca_certificate[] = { { "name", "string" }, { "force", "bool", true } };
static const struct model_param params_pool_install_ca_certificate[] = { { "name", "string" }, { "cert", "string" } };
static const struct model_param params_pool_certificate_uninstall[] = { { "name", "string" } };
static const struct model_param params_pool_certificate_install[] = { { "name", "string" }, { "cert", "string" } };
static const struct model_param params_pool_send_test_post[] = { { "host", "string" }, { "port", "int" }, { "body", "string" } };
static const struct model_param params_pool_send_wlb_configuration[] = { { "config", "(string -> string) map" } };
static const struct model_param params_pool_initialize_wlb[] = { { "wlb_url", "string" }, { "wlb_username", "string" }, { "wlb_password", "string" }, { "xenserver_username", "string" }, { "xenserver_password", "string" } };
static const struct model_param params_pool_detect_nonhomogeneous_external_auth[] = { { "pool", "pool ref" } };
static const struct model_param params_pool_external_auth_set_ldaps[] = { { "pool", "pool ref" }, { "ldaps", "bool" }, { "force", "bool", true } };
static const struct model_param params_pool_disable_external_auth[] = { { "pool", "pool ref" }, { "config", "(string -> string) map", true } };
static const struct model_param params_pool_enable_external_auth[] = { { "pool", "pool ref" }, { "config", "(string -> string) map" }, { "service_name", "string" }, { "auth_type", "string" } };
static const struct model_param params_pool_create_new_blob[] = { { "pool", "pool ref" }, { "name", "string" }, { "mime_type", "string" }, { "public", "bool", true } };
static const struct model_param params_pool_ha_compute_vm_failover_plan[] = { { "failed_hosts", "host ref set" }, { "failed_vms", "VM ref set" } };
static const struct model_param params_pool_ha_compute_hypothetical_max_host_failures_to_tolerate[] = { { "configuration", "(VM ref -> string) map" } };
static const struct model_param params_pool_ha_failover_plan_exists[] = { { "n", "int" } };
static const struct model_param params_pool_ha_prevent_restarts_for[] = { { "seconds", "int" } };
static const struct model_param params_pool_designate_new_master[] = { { "host", "host ref" } };
static const struct model_param params_pool_enable_ha[] = { { "heartbeat_srs", "SR ref set" }, { "configuration", "(string -> string) map" } };
static const struct model_param params_pool_create_VLAN_from_PIF[] = { { "pif", "PIF ref" }, { "network", "network ref" }, { "VLAN", "int" } };
static const struct model_param params_pool_management_reconfigure[] = { { "network", "network ref" } };
static const struct model_param params_pool_create_VLAN[] = { { "device", "string" }, { "network", "network ref" }, { "VLAN", "int" } };
static const struct model_param params_pool_emergency_reset_master[] = { { "master_address", "string" } };
static const struct model_param params_pool_eject[] = { { "host", "host ref" } };
static const struct model_param params_pool_join_force[] = { { "master_address", "string" }, { "master_username", "string" }, { "master_password", "string" } };
static const struct model_param params_pool_join[] = { { "master_address", "string" }, { "master_username", "string" }, { "master_password", "string" } };
static struct model_message messages_pool[] = {
	{ "sync_trusted_certificates_from", "Certificate ref set", params_pool_sync_trusted_certificates_from, 5, R_PA | R_PO | R_CC, 0 },
	{ "uninstall_trusted_certificate", "void", params_pool_uninstall_trusted_certificate, 2, R_PA | R_PO | R_CC, 0 },
	{ "install_trusted_certificate", "void", params_pool_install_trusted_certificate, 4, R_PA | R_PO | R_CC, 0 },
	{ "set_ssh_auto_mode", "void", params_pool_set_ssh_auto_mode, 2, ROLES_POOL_ADMIN, 0 },
	{ "set_console_idle_timeout", "void", params_pool_set_console_idle_timeout, 2, ROLES_POOL_ADMIN, 0 },
	{ "set_ssh_enabled_timeout", "void", params_pool_set_ssh_enabled_timeout, 2, ROLES_POOL_ADMIN, 0 },
	{ "disable_ssh", "void", params_pool_disable_ssh, 1, ROLES_POOL_ADMIN, 0 },
	{ "enable_ssh", "void", params_pool_enable_ssh, 1, ROLES_POOL_ADMIN, 0 },
	{ "get_guest_secureboot_readiness", "enum pool_guest_secureboot_readiness", params_pool_get_guest_secureboot_readiness, 1, ROLES_POOL_OPERATOR, 0 },
	{ "configure_update_sync", "void", params_pool_configure_update_sync, 3, ROLES_POOL_OPERATOR, 0 },
	{ "reset_telemetry_uuid", "void", params_pool_reset_telemetry_uuid, 1, ROLES_POOL_ADMIN, 0 },
	{ "set_https_only", "void", params_pool_set_https_only, 2, ROLES_POOL_OPERATOR, 0 },
	{ "disable_repository_proxy", "void", params_pool_disable_repository_proxy, 1, R_PA | R_PO | R_CC, 0 },
	{ "configure_repository_proxy", "void", params_pool_configure_repository_proxy, 4, R_PA | R_PO | R_CC, 0 },
	{ "disable_client_certificate_auth", "void", params_pool_disable_client_certificate_auth, 1, R_PA | R_PO | R_CC, 0 },
	{ "enable_client_certificate_auth", "void", params_pool_enable_client_certificate_auth, 2, R_PA | R_PO | R_CC, 0 },
	{ "check_update_readiness", "string set set", params_pool_check_update_readiness, 2, R_PA | R_PO | R_CC, 0 },
	{ "sync_updates", "string", params_pool_sync_updates, 6, R_PA | R_PO | R_CC, 0 },
	{ "remove_repository", "void", params_pool_remove_repository, 2, R_PA | R_PO | R_CC, 0 },
	{ "add_repository", "void", params_pool_add_repository, 2, R_PA | R_PO | R_CC, 0 },
	{ "rotate_secret", "void", NULL, 0, ROLES_POOL_ADMIN, 0 },
	{ "has_extension", "bool", params_pool_has_extension, 2, ROLES_POOL_ADMIN, 0 },
	{ "disable_ssl_legacy", "void", params_pool_disable_ssl_legacy, 1, ROLES_POOL_OPERATOR, MF_DEPRECATED },
	{ "apply_edition", "void", params_pool_apply_edition, 2, ROLES_POOL_OPERATOR, 0 },
	{ "get_license_state", "(string -> string) map", params_pool_get_license_state, 1, ROLES_ALL, 0 },
	{ "disable_local_storage_caching", "void", params_pool_disable_local_storage_caching, 1, ROLES_POOL_OPERATOR, 0 },
	{ "enable_local_storage_caching", "void", params_pool_enable_local_storage_caching, 1, ROLES_POOL_OPERATOR, 0 },
	{ "test_archive_target", "string", params_pool_test_archive_target, 2, ROLES_POOL_OPERATOR, 0 },
	{ "disable_redo_log", "void", NULL, 0, ROLES_POOL_OPERATOR, 0 },
	{ "enable_redo_log", "void", params_pool_enable_redo_log, 1, ROLES_POOL_OPERATOR, 0 },
	{ "enable_tls_verification", "void", NULL, 0, ROLES_POOL_ADMIN, 0 },
	{ "certificate_sync", "void", NULL, 0, ROLES_POOL_OPERATOR, 0 },
	{ "crl_list", "string set", NULL, 0, ROLES_POOL_OPERATOR, 0 },
	{ "crl_uninstall", "void", params_pool_crl_uninstall, 1, ROLES_POOL_OPERATOR, 0 },
	{ "crl_install", "void", params_pool_crl_install, 2, ROLES_POOL_OPERATOR, 0 },
	{ "uninstall_ca_certificate", "void", params_pool_uninstall_ca_certificate, 2, R_PA | R_PO | R_CC, MF_DEPRECATED },
	{ "install_ca_certificate", "void", params_pool_install_ca_certificate, 2, R_PA | R_PO | R_CC, MF_DEPRECATED },
	{ "certificate_list", "string set", NULL, 0, ROLES_POOL_OPERATOR, MF_DEPRECATED },
	{ "certificate_uninstall", "void", params_pool_certificate_uninstall, 1, ROLES_POOL_OPERATOR, MF_DEPRECATED },
	{ "certificate_install", "void", params_pool_certificate_install, 2, ROLES_POOL_OPERATOR, MF_DEPRECATED },
	{ "send_test_post", "string", params_pool_send_test_post, 3, ROLES_POOL_ADMIN, 0 },
	{ "retrieve_wlb_recommendations", "(VM ref -> string set) map", NULL, 0, ROLES_ALL, 0 },
	{ "retrieve_wlb_configuration", "(string -> string) map", NULL, 0, ROLES_ALL, 0 },
	{ "send_wlb_configuration", "void", params_pool_send_wlb_configuration, 1, ROLES_POOL_OPERATOR, 0 },
	{ "deconfigure_wlb", "void", NULL, 0, ROLES_POOL_OPERATOR, 0 },
	{ "initialize_wlb", "void", params_pool_initialize_wlb, 5, ROLES_POOL_OPERATOR, 0 },
	{ "detect_nonhomogeneous_external_auth", "void", params_pool_detect_nonhomogeneous_external_auth, 1, ROLES_POOL_OPERATOR, 0 },
	{ "external_auth_set_ldaps", "void", params_pool_external_auth_set_ldaps, 3, ROLES_POOL_ADMIN, 0 },
	{ "disable_external_auth", "void", params_pool_disable_external_auth, 2, ROLES_POOL_ADMIN, 0 },
	{ "enable_external_auth", "void", params_pool_enable_external_auth, 4, ROLES_POOL_ADMIN, 0 },
	{ "create_new_blob", "blob ref", params_pool_create_new_blob, 4, ROLES_POOL_OPERATOR, 0 },
	{ "ha_compute_vm_failover_plan", "(VM ref -> (string -> string) map) map", params_pool_ha_compute_vm_failover_plan, 2, ROLES_POOL_OPERATOR, 0 },
	{ "ha_compute_hypothetical_max_host_failures_to_tolerate", "int", params_pool_ha_compute_hypothetical_max_host_failures_to_tolerate, 1, ROLES_ALL, 0 },
	{ "ha_compute_max_host_failures_to_tolerate", "int", NULL, 0, ROLES_POOL_OPERATOR, 0 },
	{ "ha_failover_plan_exists", "bool", params_pool_ha_failover_plan_exists, 1, ROLES_POOL_OPERATOR, 0 },
	{ "ha_prevent_restarts_for", "void", params_pool_ha_prevent_restarts_for, 1, ROLES_POOL_OPERATOR, 0 },
	{ "designate_new_master", "void", params_pool_designate_new_master, 1, ROLES_POOL_OPERATOR, 0 },
	{ "sync_database", "void", NULL, 0, ROLES_POOL_OPERATOR, 0 },
	{ "disable_ha", "void", NULL, 0, R_PA | R_PO | R_CC, 0 },
	{ "enable_ha", "void", params_pool_enable_ha, 2, R_PA | R_PO | R_CC, 0 },
	{ "create_VLAN_from_PIF", "PIF ref set", params_pool_create_VLAN_from_PIF, 3, ROLES_POOL_OPERATOR, 0 },
	{ "management_reconfigure", "void", params_pool_management_reconfigure, 1, ROLES_POOL_OPERATOR, 0 },
	{ "create_VLAN", "PIF ref set", params_pool_create_VLAN, 3, ROLES_POOL_OPERATOR, 0 },
	{ "recover_slaves", "host ref set", NULL, 0, ROLES_POOL_OPERATOR, 0 },
	{ "emergency_reset_master", "void", params_pool_emergency_reset_master, 1, ROLES_POOL_OPERATOR, 0 },
	{ "emergency_transition_to_master", "void", NULL, 0, ROLES_POOL_OPERATOR, 0 },
	{ "eject", "void", params_pool_eject, 1, ROLES_POOL_OPERATOR, 0 },
	{ "join_force", "void", params_pool_join_force, 3, ROLES_POOL_OPERATOR, 0 },
	{ "join", "void", params_pool_join, 3, ROLES_POOL_OPERATOR, 0 },
};

/* ---- host ---- */
static struct model_field fields_host[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "name_label", "string", FQ_RW, "\"\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "name_description", "string", FQ_RW, "\"\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "memory_overhead", "int", FQ_RO_RUNTIME, "0", ROLES_ALL, 0, 0, 0 },
	{ "allowed_operations", "enum host_allowed_operations set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "current_operations", "(string -> enum host_allowed_operations) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "API_version_major", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "API_version_minor", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "API_version_vendor", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "API_version_vendor_implementation", "(string -> string) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "enabled", "bool", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "software_version", "(string -> string) map", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "capabilities", "string set", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "cpu_configuration", "(string -> string) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "sched_policy", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "supported_bootloaders", "string set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "resident_VMs", "VM ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "logging", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "PIFs", "PIF ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "suspend_image_sr", "SR ref", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "crash_dump_sr", "SR ref", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "crashdumps", "host_crashdump ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "patches", "host_patch ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, FF_DEPRECATED },
	{ "updates", "pool_update ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "PBDs", "PBD ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "host_CPUs", "host_cpu ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "cpu_info", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "hostname", "string", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "address", "string", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "metrics", "host_metrics ref", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "license_params", "(string -> string) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "ha_statefiles", "string set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "ha_network_peers", "string set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "blobs", "(string -> blob ref) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "tags", "string set", FQ_RW, "{}", ROLES_ALL, ROLES_VM_OPERATOR, ROLES_VM_OPERATOR, 0 },
	{ "external_auth_type", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "external_auth_service_name", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "external_auth_configuration", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "edition", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "license_server", "(string -> string) map", FQ_RW, "{\"address\" -> \"localhost\", \"port\" -> \"27000\"}", ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "bios_strings", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "power_on_mode", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "power_on_config", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "local_cache_sr", "SR ref", FQ_RO_CONSTRUCTOR, "OpaqueRef:NULL", ROLES_ALL, 0, 0, 0 },
	{ "chipset_info", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "PCIs", "PCI ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "PGPUs", "PGPU ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "PUSBs", "PUSB ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "ssl_legacy", "bool", FQ_RO_CONSTRUCTOR, "true", ROLES_ALL, ROLES_POOL_OPERATOR, 0, FF_DEPRECATED },
	{ "guest_VCPUs_params", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "display", "enum host_display", FQ_RW, "enabled", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "virtual_hardware_platform_versions", "int set", FQ_RO_RUNTIME, "{0}", ROLES_ALL, 0, 0, 0 },
	{ "control_domain", "VM ref", FQ_RO_RUNTIME, "OpaqueRef:NULL", ROLES_ALL, 0, 0, 0 },
	{ "updates_requiring_reboot", "pool_update ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "features", "Feature ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "iscsi_iqn", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "multipathing", "bool", FQ_RO_CONSTRUCTOR, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "uefi_certificates", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, 0, 0, FF_DEPRECATED },
	{ "certificates", "Certificate ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "editions", "string set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "pending_guidances", "enum update_guidances set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "tls_verification_enabled", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "last_software_update", "datetime", FQ_RO_RUNTIME, "19700101T00:00:00Z", ROLES_ALL, 0, 0, 0 },
	{ "https_only", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "latest_synced_updates_applied", "enum latest_synced_updates_applied_state", FQ_RO_RUNTIME, "unknown", ROLES_ALL, 0, 0, 0 },
	{ "numa_affinity_policy", "enum host_numa_affinity_policy", FQ_RO_RUNTIME, "default_policy", ROLES_ALL, ROLES_POOL_ADMIN, 0, 0 },
	{ "pending_guidances_recommended", "enum update_guidances set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "pending_guidances_full", "enum update_guidances set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "last_update_hash", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "ssh_enabled", "bool", FQ_RO_RUNTIME, "true", ROLES_ALL, 0, 0, 0 },
	{ "ssh_enabled_timeout", "int", FQ_RO_RUNTIME, "0", ROLES_ALL, ROLES_POOL_ADMIN, 0, 0 },
	{ "ssh_expiry", "datetime", FQ_RO_RUNTIME, "19700101T00:00:00Z", ROLES_ALL, 0, 0, 0 },
	{ "console_idle_timeout", "int", FQ_RO_RUNTIME, "0", ROLES_ALL, ROLES_POOL_ADMIN, 0, 0 },
	{ "ssh_auto_mode", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, ROLES_POOL_ADMIN, 0, 0 },
	{ "max_cstate", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "secure_boot", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "ntp_mode", "enum host_ntp_mode", FQ_RO_RUNTIME, "Factory", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "ntp_custom_servers", "string set", FQ_RO_RUNTIME, "{}", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "timezone", "string", FQ_RO_RUNTIME, "\"UTC\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
};

static const struct model_param params_host_set_servertime[] = { { "self", "host ref" }, { "value", "datetime" } };
static const struct model_param params_host_get_ntp_synchronized[] = { { "self", "host ref" } };
static const struct model_param params_host_list_timezones[] = { { "self", "host ref" } };
static const struct model_param params_host_get_ntp_servers_status[] = { { "self", "host ref" } };
static const struct model_param params_host_get_tracked_user_agents[] = { { "self", "host ref" } };
static const struct model_param params_host_disable_ssh[] = { { "self", "host ref" } };
static const struct model_param params_host_enable_ssh[] = { { "self", "host ref" } };
static const struct model_param params_host_rescan_drivers[] = { { "self", "host ref" } };
static const struct model_param params_host_apply_updates[] = { { "self", "host ref" }, { "hash", "string" } };
static const struct model_param params_host_get_sched_gran[] = { { "self", "host ref" } };
static const struct model_param params_host_set_sched_gran[] = { { "self", "host ref" }, { "value", "enum host_sched_gran" } };
static const struct model_param params_host_disable_display[] = { { "host", "host ref" } };
static const struct model_param params_host_enable_display[] = { { "host", "host ref" } };
static const struct model_param params_host_declare_dead[] = { { "host", "host ref" } };
static const struct model_param params_host_migrate_receive[] = { { "host", "host ref" }, { "network", "network ref" }, { "options", "(string -> string) map" } };
static const struct model_param params_host_disable_local_storage_caching[] = { { "host", "host ref" } };
static const struct model_param params_host_enable_local_storage_caching[] = { { "host", "host ref" }, { "sr", "SR ref" } };
static const struct model_param params_host_refresh_pack_info[] = { { "host", "host ref" } };
static const struct model_param params_host_apply_edition[] = { { "host", "host ref" }, { "edition", "string" }, { "force", "bool", true } };
static const struct model_param params_host_reset_server_certificate[] = { { "host", "host ref" } };
static const struct model_param params_host_install_server_certificate[] = { { "host", "host ref" }, { "certificate", "string" }, { "private_key", "string" }, { "certificate_chain", "string", true } };
static const struct model_param params_host_refresh_server_certificate[] = { { "host", "host ref" } };
static const struct model_param params_host_get_server_certificate[] = { { "host", "host ref" } };
static const struct model_param params_host_retrieve_wlb_evacuate_recommendations[] = { { "self", "host ref" } };
static const struct model_param params_host_external_auth_set_ldaps[] = { { "host", "host ref" }, { "ldaps", "bool" }, { "force", "bool", true } };
static const struct model_param params_host_disable_external_auth[] = { { "host", "host ref" }, { "config", "(string -> string) map", true }, { "force", "bool", true } };
static const struct model_param params_host_enable_external_auth[] = { { "host", "host ref" }, { "config", "(string -> string) map" }, { "service_name", "string" }, { "auth_type", "string" } };
static const struct model_param params_host_get_server_localtime[] = { { "host", "host ref" } };
static const struct model_param params_host_get_servertime[] = { { "host", "host ref" } };
static const struct model_param params_host_call_extension[] = { { "host", "host ref" }, { "call", "string" } };
static const struct model_param params_host_has_extension[] = { { "host", "host ref" }, { "name", "string" } };
static const struct model_param params_host_call_plugin[] = { { "host", "host ref" }, { "plugin", "string" }, { "fn", "string" }, { "args", "(string -> string) map" } };
static const struct model_param params_host_create_new_blob[] = { { "host", "host ref" }, { "name", "string" }, { "mime_type", "string" }, { "public", "bool", true } };
static const struct model_param params_host_backup_rrds[] = { { "host", "host ref" }, { "delay", "float" } };
static const struct model_param params_host_sync_data[] = { { "host", "host ref" } };
static const struct model_param params_host_compute_memory_overhead[] = { { "host", "host ref" } };
static const struct model_param params_host_compute_free_memory[] = { { "host", "host ref" } };
static const struct model_param params_host_set_hostname_live[] = { { "host", "host ref" }, { "hostname", "string" } };
static const struct model_param params_host_restart_agent[] = { { "host", "host ref" } };
static const struct model_param params_host_get_system_status_capabilities[] = { { "host", "host ref" } };
static const struct model_param params_host_get_management_interface[] = { { "host", "host ref" } };
static const struct model_param params_host_local_management_reconfigure[] = { { "interface", "string" } };
static const struct model_param params_host_management_reconfigure[] = { { "pif", "PIF ref" } };
static const struct model_param params_host_syslog_reconfigure[] = { { "host", "host ref" } };
static const struct model_param params_host_evacuate[] = { { "host", "host ref" }, { "network", "network ref", true }, { "evacuate_batch_size", "int", true } };
static const struct model_param params_host_get_uncooperative_resident_VMs[] = { { "self", "host ref" } };
static const struct model_param params_host_get_vms_which_prevent_evacuation[] = { { "self", "host ref" } };
static const struct model_param params_host_assert_can_evacuate[] = { { "host", "host ref" } };
static const struct model_param params_host_forget_data_source_archives[] = { { "host", "host ref" }, { "data_source", "string" } };
static const struct model_param params_host_query_data_source[] = { { "host", "host ref" }, { "data_source", "string" } };
static const struct model_param params_host_record_data_source[] = { { "host", "host ref" }, { "data_source", "string" } };
static const struct model_param params_host_get_data_sources[] = { { "host", "host ref" } };
static const struct model_param params_host_emergency_ha_disable[] = { { "soft", "bool", true } };
static const struct model_param params_host_power_on[] = { { "host", "host ref" } };
static const struct model_param params_host_destroy[] = { { "self", "host ref" } };
static const struct model_param params_host_license_remove[] = { { "host", "host ref" } };
static const struct model_param params_host_license_add[] = { { "host", "host ref" }, { "contents", "string" } };
static const struct model_param params_host_bugreport_upload[] = { { "host", "host ref" }, { "url", "string" }, { "options", "(string -> string) map" } };
static const struct model_param params_host_send_debug_keys[] = { { "host", "host ref" }, { "keys", "string" } };
static const struct model_param params_host_get_log[] = { { "host", "host ref" } };
static const struct model_param params_host_dmesg_clear[] = { { "host", "host ref" } };
static const struct model_param params_host_dmesg[] = { { "host", "host ref" } };
static const struct model_param params_host_reboot[] = { { "host", "host ref" } };
static const struct model_param params_host_shutdown[] = { { "host", "host ref" } };
static const struct model_param params_host_enable[] = { { "host", "host ref" } };
static const struct model_param params_host_disable[] = { { "host", "host ref" }, { "auto_enable", "bool", true } };
static struct model_message messages_host[] = {
	{ "set_servertime", "void", params_host_set_servertime, 2, ROLES_POOL_OPERATOR, 0 },
	{ "get_ntp_synchronized", "bool", params_host_get_ntp_synchronized, 1, ROLES_ALL, 0 },
	{ "list_timezones", "string set", params_host_list_timezones, 1, ROLES_ALL, 0 },
	{ "get_ntp_servers_status", "(string -> string) map", params_host_get_ntp_servers_status, 1, ROLES_ALL, 0 },
	{ "get_tracked_user_agents", "(string -> string) map", params_host_get_tracked_user_agents, 1, ROLES_ALL, 0 },
	{ "disable_ssh", "void", params_host_disable_ssh, 1, ROLES_POOL_ADMIN, 0 },
	{ "enable_ssh", "void", params_host_enable_ssh, 1, ROLES_POOL_ADMIN, 0 },
	{ "emergency_clear_mandatory_guidance", "void", NULL, 0, 0, 0 },
	{ "rescan_drivers", "void", params_host_rescan_drivers, 1, ROLES_POOL_ADMIN, 0 },
	{ "apply_updates", "string set set", params_host_apply_updates, 2, R_PA | R_PO | R_CC, 0 },
	{ "emergency_reenable_tls_verification", "void", NULL, 0, 0, 0 },
	{ "emergency_disable_tls_verification", "void", NULL, 0, 0, 0 },
	{ "get_sched_gran", "enum host_sched_gran", params_host_get_sched_gran, 1, 0, 0 },
	{ "set_sched_gran", "void", params_host_set_sched_gran, 2, 0, 0 },
	{ "disable_display", "enum host_display", params_host_disable_display, 1, ROLES_POOL_OPERATOR, 0 },
	{ "enable_display", "enum host_display", params_host_enable_display, 1, ROLES_POOL_OPERATOR, 0 },
	{ "declare_dead", "void", params_host_declare_dead, 1, ROLES_POOL_OPERATOR, 0 },
	{ "migrate_receive", "(string -> string) map", params_host_migrate_receive, 3, ROLES_VM_POWER_ADMIN, 0 },
	{ "disable_local_storage_caching", "void", params_host_disable_local_storage_caching, 1, ROLES_POOL_OPERATOR, 0 },
	{ "enable_local_storage_caching", "void", params_host_enable_local_storage_caching, 2, ROLES_POOL_OPERATOR, 0 },
	{ "refresh_pack_info", "void", params_host_refresh_pack_info, 1, ROLES_POOL_OPERATOR, MF_DEPRECATED },
	{ "apply_edition", "void", params_host_apply_edition, 3, ROLES_POOL_OPERATOR, 0 },
	{ "reset_server_certificate", "void", params_host_reset_server_certificate, 1, ROLES_POOL_ADMIN, 0 },
	{ "emergency_reset_server_certificate", "void", NULL, 0, 0, 0 },
	{ "install_server_certificate", "void", params_host_install_server_certificate, 4, ROLES_POOL_ADMIN, 0 },
	{ "refresh_server_certificate", "void", params_host_refresh_server_certificate, 1, ROLES_POOL_ADMIN, 0 },
	{ "get_server_certificate", "string", params_host_get_server_certificate, 1, ROLES_ALL, 0 },
	{ "retrieve_wlb_evacuate_recommendations", "(VM ref -> string set) map", params_host_retrieve_wlb_evacuate_recommendations, 1, ROLES_ALL, 0 },
	{ "external_auth_set_ldaps", "void", params_host_external_auth_set_ldaps, 3, ROLES_POOL_ADMIN, 0 },
	{ "disable_external_auth", "void", params_host_disable_external_auth, 3, ROLES_POOL_ADMIN, 0 },
	{ "enable_external_auth", "void", params_host_enable_external_auth, 4, ROLES_POOL_ADMIN, 0 },
	{ "get_server_localtime", "datetime", params_host_get_server_localtime, 1, ROLES_ALL, 0 },
	{ "get_servertime", "datetime", params_host_get_servertime, 1, ROLES_ALL, 0 },
	{ "call_extension", "string", params_host_call_extension, 2, ROLES_POOL_ADMIN, 0 },
	{ "has_extension", "bool", params_host_has_extension, 2, ROLES_POOL_ADMIN, 0 },
	{ "call_plugin", "string", params_host_call_plugin, 4, ROLES_POOL_ADMIN, 0 },
	{ "create_new_blob", "blob ref", params_host_create_new_blob, 4, ROLES_POOL_OPERATOR, 0 },
	{ "backup_rrds", "void", params_host_backup_rrds, 2, ROLES_POOL_ADMIN, 0 },
	{ "sync_data", "void", params_host_sync_data, 1, ROLES_POOL_ADMIN, 0 },
	{ "compute_memory_overhead", "int", params_host_compute_memory_overhead, 1, ROLES_ALL, 0 },
	{ "compute_free_memory", "int", params_host_compute_free_memory, 1, ROLES_ALL, 0 },
	{ "set_hostname_live", "void", params_host_set_hostname_live, 2, ROLES_POOL_OPERATOR, 0 },
	{ "shutdown_agent", "void", NULL, 0, ROLES_POOL_OPERATOR, 0 },
	{ "restart_agent", "void", params_host_restart_agent, 1, ROLES_POOL_OPERATOR, 0 },
	{ "get_system_status_capabilities", "string", params_host_get_system_status_capabilities, 1, ROLES_ALL, 0 },
	{ "get_management_interface", "PIF ref", params_host_get_management_interface, 1, ROLES_POOL_OPERATOR, 0 },
	{ "management_disable", "void", NULL, 0, ROLES_POOL_OPERATOR, 0 },
	{ "local_management_reconfigure", "void", params_host_local_management_reconfigure, 1, ROLES_POOL_OPERATOR, 0 },
	{ "management_reconfigure", "void", params_host_management_reconfigure, 1, ROLES_POOL_OPERATOR, 0 },
	{ "syslog_reconfigure", "void", params_host_syslog_reconfigure, 1, ROLES_POOL_OPERATOR, 0 },
	{ "evacuate", "void", params_host_evacuate, 3, R_PA | R_PO | R_CC, 0 },
	{ "get_uncooperative_resident_VMs", "VM ref set", params_host_get_uncooperative_resident_VMs, 1, ROLES_ALL, MF_DEPRECATED },
	{ "get_vms_which_prevent_evacuation", "(VM ref -> string set) map", params_host_get_vms_which_prevent_evacuation, 1, ROLES_ALL, 0 },
	{ "assert_can_evacuate", "void", params_host_assert_can_evacuate, 1, ROLES_POOL_OPERATOR, 0 },
	{ "forget_data_source_archives", "void", params_host_forget_data_source_archives, 2, ROLES_POOL_OPERATOR, 0 },
	{ "query_data_source", "float", params_host_query_data_source, 2, ROLES_ALL, 0 },
	{ "record_data_source", "void", params_host_record_data_source, 2, ROLES_POOL_OPERATOR, 0 },
	{ "get_data_sources", "data_source record set", params_host_get_data_sources, 1, ROLES_ALL, 0 },
	{ "emergency_ha_disable", "void", params_host_emergency_ha_disable, 1, ROLES_POOL_OPERATOR, 0 },
	{ "power_on", "void", params_host_power_on, 1, ROLES_POOL_OPERATOR, 0 },
	{ "destroy", "void", params_host_destroy, 1, ROLES_POOL_OPERATOR, 0 },
	{ "license_remove", "void", params_host_license_remove, 1, ROLES_POOL_OPERATOR, 0 },
	{ "license_add", "void", params_host_license_add, 2, ROLES_POOL_OPERATOR, 0 },
	{ "list_methods", "string set", NULL, 0, ROLES_ALL, 0 },
	{ "bugreport_upload", "void", params_host_bugreport_upload, 3, ROLES_POOL_OPERATOR, 0 },
	{ "send_debug_keys", "void", params_host_send_debug_keys, 2, ROLES_POOL_ADMIN, 0 },
	{ "get_log", "string", params_host_get_log, 1, ROLES_ALL, 0 },
	{ "dmesg_clear", "string", params_host_dmesg_clear, 1, ROLES_POOL_OPERATOR, 0 },
	{ "dmesg", "string", params_host_dmesg, 1, ROLES_POOL_OPERATOR, 0 },
	{ "reboot", "void", params_host_reboot, 1, ROLES_POOL_OPERATOR, 0 },
	{ "shutdown", "void", params_host_shutdown, 1, ROLES_POOL_OPERATOR, 0 },
	{ "enable", "void", params_host_enable, 1, R_PA | R_PO | R_CC, 0 },
	{ "disable", "void", params_host_disable, 2, R_PA | R_PO | R_CC, 0 },
};

/* ---- host_metrics ---- */
static struct model_field fields_host_metrics[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "memory_total", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "live", "bool", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "last_updated", "datetime", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
};

static struct model_message messages_host_metrics[] = {
};

/* ---- VM ---- */
static struct model_field fields_VM[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "allowed_operations", "enum vm_operations set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "current_operations", "(string -> enum vm_operations) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "name_label", "string", FQ_RW, "\"\"", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "name_description", "string", FQ_RW, "\"\"", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "power_state", "enum vm_power_state", FQ_RO_CONSTRUCTOR, "Halted", ROLES_ALL, 0, 0, 0 },
	{ "user_version", "int", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "is_a_template", "bool", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "is_default_template", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "suspend_VDI", "VDI ref", FQ_RO_CONSTRUCTOR, "OpaqueRef:NULL", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "resident_on", "host ref", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "scheduled_to_be_resident_on", "host ref", FQ_RO_RUNTIME, "OpaqueRef:NULL", ROLES_ALL, 0, 0, 0 },
	{ "affinity", "host ref", FQ_RW, NULL, ROLES_ALL, ROLES_VM_POWER_ADMIN, 0, 0 },
	{ "memory_overhead", "int", FQ_RO_RUNTIME, "0", ROLES_ALL, 0, 0, 0 },
	{ "memory_target", "int", FQ_RO_CONSTRUCTOR, "0", ROLES_ALL, 0, 0, FF_DEPRECATED },
	{ "memory_static_max", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_POWER_ADMIN, 0, 0 },
	{ "memory_dynamic_max", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_POWER_ADMIN, 0, 0 },
	{ "memory_dynamic_min", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_POWER_ADMIN, 0, 0 },
	{ "memory_static_min", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_POWER_ADMIN, 0, 0 },
	{ "VCPUs_params", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "VCPUs_max", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "VCPUs_at_startup", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "actions_after_softreboot", "enum on_softreboot_behavior", FQ_RW, "soft_reboot", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "actions_after_shutdown", "enum on_normal_exit", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "actions_after_reboot", "enum on_normal_exit", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "actions_after_crash", "enum on_crash_behaviour", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "consoles", "console ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VIFs", "VIF ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VBDs", "VBD ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VUSBs", "VUSB ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "crash_dumps", "crashdump ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VTPMs", "VTPM ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "PV_bootloader", "string", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "PV_kernel", "string", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "PV_ramdisk", "string", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "PV_args", "string", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "PV_bootloader_args", "string", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "PV_legacy_args", "string", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "HVM_boot_policy", "string", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, FF_DEPRECATED },
	{ "HVM_boot_params", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "HVM_shadow_multiplier", "float", FQ_RO_CONSTRUCTOR, "1.", ROLES_ALL, ROLES_VM_POWER_ADMIN, 0, 0 },
	{ "platform", "(string -> string) map", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "PCI_bus", "string", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, FF_DEPRECATED },
	{ "other_config", "(string -> string) map", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "domid", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "domarch", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "last_boot_CPU_flags", "(string -> string) map", FQ_RO_CONSTRUCTOR, "{}", ROLES_ALL, 0, 0, 0 },
	{ "is_control_domain", "bool", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "metrics", "VM_metrics ref", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "guest_metrics", "VM_guest_metrics ref", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "last_booted_record", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "recommendations", "string", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "xenstore_data", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "ha_always_run", "bool", FQ_RO_CONSTRUCTOR, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, FF_DEPRECATED },
	{ "ha_restart_priority", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "is_a_snapshot", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "snapshot_of", "VM ref", FQ_RO_RUNTIME, "Null", ROLES_ALL, 0, 0, 0 },
	{ "snapshots", "VM ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "snapshot_time", "datetime", FQ_RO_RUNTIME, "19700101T00:00:00Z", ROLES_ALL, 0, 0, 0 },
	{ "transportable_snapshot_id", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "blobs", "(string -> blob ref) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "tags", "string set", FQ_RW, "{}", ROLES_ALL, ROLES_VM_OPERATOR, ROLES_VM_OPERATOR, 0 },
	{ "blocked_operations", "(enum vm_operations -> string) map", FQ_RO_CONSTRUCTOR, "{}", ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "snapshot_info", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "snapshot_metadata", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "parent", "VM ref", FQ_RO_RUNTIME, "Null", ROLES_ALL, 0, 0, 0 },
	{ "children", "VM ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "bios_strings", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "protection_policy", "VMPP ref", FQ_RO_CONSTRUCTOR, "OpaqueRef:NULL", ROLES_ALL, 0, 0, FF_DEPRECATED },
	{ "snapshot_schedule", "VMSS ref", FQ_RO_CONSTRUCTOR, "OpaqueRef:NULL", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "is_vmss_snapshot", "bool", FQ_RO_CONSTRUCTOR, "false", ROLES_ALL, 0, 0, 0 },
	{ "appliance", "VM_appliance ref", FQ_RO_CONSTRUCTOR, "OpaqueRef:NULL", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "start_delay", "int", FQ_RO_CONSTRUCTOR, "0", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "shutdown_delay", "int", FQ_RO_CONSTRUCTOR, "0", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "order", "int", FQ_RO_CONSTRUCTOR, "0", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "VGPUs", "VGPU ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "attached_PCIs", "PCI ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "suspend_SR", "SR ref", FQ_RW, "OpaqueRef:NULL", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "version", "int", FQ_RO_CONSTRUCTOR, "0", ROLES_ALL, 0, 0, 0 },
	{ "generation_id", "string", FQ_RO_CONSTRUCTOR, "\"0:0\"", ROLES_ALL, 0, 0, 0 },
	{ "hardware_platform_version", "int", FQ_RW, "0", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "has_vendor_device", "bool", FQ_RO_CONSTRUCTOR, "true", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "requires_reboot", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "reference_label", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "domain_type", "enum domain_type", FQ_RO_CONSTRUCTOR, "unspecified", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "NVRAM", "(string -> string) map", FQ_RO_CONSTRUCTOR, "{}", ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "pending_guidances", "enum update_guidances set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "pending_guidances_recommended", "enum update_guidances set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "pending_guidances_full", "enum update_guidances set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "groups", "VM_group ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "secureboot_certificates_state", "enum vm_secureboot_certificates_state", FQ_RO_RUNTIME, "ok", ROLES_ALL, 0, 0, 0 },
};

static const struct model_param params_VM_sysprep[] = { { "self", "VM ref" }, { "unattend", "string" }, { "timeout", "float" } };
static const struct model_param params_VM_update_secureboot_certificates_on_boot[] = { { "self", "VM ref" }, { "mark", "bool" } };
static const struct model_param params_VM_get_secureboot_readiness[] = { { "self", "VM ref" } };
static const struct model_param params_VM_set_uefi_mode[] = { { "self", "VM ref" }, { "mode", "enum vm_uefi_mode" } };
static const struct model_param params_VM_restart_device_models[] = { { "self", "VM ref" } };
static const struct model_param params_VM_import[] = { { "url", "string" }, { "sr", "SR ref" }, { "full_restore", "bool" }, { "force", "bool" } };
static const struct model_param params_VM_call_host_plugin[] = { { "vm", "VM ref" }, { "plugin", "string" }, { "fn", "string" }, { "args", "(string -> string) map" } };
static const struct model_param params_VM_call_plugin[] = { { "vm", "VM ref" }, { "plugin", "string" }, { "fn", "string" }, { "args", "(string -> string) map" } };
static const struct model_param params_VM_query_services[] = { { "self", "VM ref" } };
static const struct model_param params_VM_import_convert[] = { { "type", "string" }, { "username", "string" }, { "password", "string" }, { "sr", "SR ref" }, { "remote_config", "(string -> string) map" } };
static const struct model_param params_VM_recover[] = { { "self", "VM ref" }, { "session_to", "session ref" }, { "force", "bool" } };
static const struct model_param params_VM_get_SRs_required_for_recovery[] = { { "self", "VM ref" }, { "session_to", "session ref" } };
static const struct model_param params_VM_assert_can_be_recovered[] = { { "self", "VM ref" }, { "session_to", "session ref" } };
static const struct model_param params_VM_copy_bios_strings[] = { { "vm", "VM ref" }, { "host", "host ref" } };
static const struct model_param params_VM_retrieve_wlb_recommendations[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_assert_agile[] = { { "self", "VM ref" } };
static const struct model_param params_VM_create_new_blob[] = { { "vm", "VM ref" }, { "name", "string" }, { "mime_type", "string" }, { "public", "bool", true } };
static const struct model_param params_VM_assert_can_boot_here[] = { { "self", "VM ref" }, { "host", "host ref" } };
static const struct model_param params_VM_get_possible_hosts[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_get_allowed_VIF_devices[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_get_allowed_VBD_devices[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_update_allowed_operations[] = { { "self", "VM ref" } };
static const struct model_param params_VM_assert_operation_valid[] = { { "self", "VM ref" }, { "op", "enum vm_operations" } };
static const struct model_param params_VM_forget_data_source_archives[] = { { "self", "VM ref" }, { "data_source", "string" } };
static const struct model_param params_VM_query_data_source[] = { { "self", "VM ref" }, { "data_source", "string" } };
static const struct model_param params_VM_record_data_source[] = { { "self", "VM ref" }, { "data_source", "string" } };
static const struct model_param params_VM_get_data_sources[] = { { "self", "VM ref" } };
static const struct model_param params_VM_get_boot_record[] = { { "self", "VM ref" } };
static const struct model_param params_VM_assert_can_migrate[] = { { "vm", "VM ref" }, { "dest", "(string -> string) map" }, { "live", "bool" }, { "vdi_map", "(VDI ref -> SR ref) map" }, { "vif_map", "(VIF ref -> network ref) map" }, { "options", "(string -> string) map" }, { "vgpu_map", "(VGPU ref -> GPU_group ref) map", true } };
static const struct model_param params_VM_migrate_send[] = { { "vm", "VM ref" }, { "dest", "(string -> string) map" }, { "live", "bool" }, { "vdi_map", "(VDI ref -> SR ref) map" }, { "vif_map", "(VIF ref -> network ref) map" }, { "options", "(string -> string) map" }, { "vgpu_map", "(VGPU ref -> GPU_group ref) map", true }, { "vdi_format_map", "(VDI ref -> string) map", true } };
static const struct model_param params_VM_maximise_memory[] = { { "self", "VM ref" }, { "total", "int" }, { "approximate", "bool" } };
static const struct model_param params_VM_send_trigger[] = { { "vm", "VM ref" }, { "trigger", "string" } };
static const struct model_param params_VM_send_sysrq[] = { { "vm", "VM ref" }, { "key", "string" } };
static const struct model_param params_VM_set_shadow_multiplier_live[] = { { "self", "VM ref" }, { "multiplier", "float" } };
static const struct model_param params_VM_get_cooperative[] = { { "self", "VM ref" } };
static const struct model_param params_VM_wait_memory_target_live[] = { { "self", "VM ref" } };
static const struct model_param params_VM_set_memory_target_live[] = { { "self", "VM ref" }, { "target", "int" } };
static const struct model_param params_VM_set_memory[] = { { "self", "VM ref" }, { "value", "int" } };
static const struct model_param params_VM_set_memory_limits[] = { { "self", "VM ref" }, { "static_min", "int" }, { "static_max", "int" }, { "dynamic_min", "int" }, { "dynamic_max", "int" } };
static const struct model_param params_VM_set_memory_static_range[] = { { "self", "VM ref" }, { "min", "int" }, { "max", "int" } };
static const struct model_param params_VM_set_memory_dynamic_range[] = { { "self", "VM ref" }, { "min", "int" }, { "max", "int" } };
static const struct model_param params_VM_compute_memory_overhead[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_add_to_VCPUs_params_live[] = { { "self", "VM ref" }, { "key", "string" }, { "value", "string" } };
static const struct model_param params_VM_set_VCPUs_number_live[] = { { "self", "VM ref" }, { "nvcpu", "int" } };
static const struct model_param params_VM_pool_migrate[] = { { "vm", "VM ref" }, { "host", "host ref" }, { "options", "(string -> string) map" } };
static const struct model_param params_VM_resume_on[] = { { "vm", "VM ref" }, { "host", "host ref" }, { "start_paused", "bool" }, { "force", "bool" } };
static const struct model_param params_VM_resume[] = { { "vm", "VM ref" }, { "start_paused", "bool" }, { "force", "bool" } };
static const struct model_param params_VM_suspend[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_hard_reboot[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_power_state_reset[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_hard_shutdown[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_clean_reboot[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_shutdown[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_clean_shutdown[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_unpause[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_pause[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_start_on[] = { { "vm", "VM ref" }, { "host", "host ref" }, { "start_paused", "bool" }, { "force", "bool" } };
static const struct model_param params_VM_start[] = { { "vm", "VM ref" }, { "start_paused", "bool" }, { "force", "bool" } };
static const struct model_param params_VM_provision[] = { { "vm", "VM ref" } };
static const struct model_param params_VM_checkpoint[] = { { "vm", "VM ref" }, { "new_name", "string" } };
static const struct model_param params_VM_revert[] = { { "snapshot", "VM ref" } };
static const struct model_param params_VM_copy[] = { { "vm", "VM ref" }, { "new_name", "string" }, { "sr", "SR ref" } };
static const struct model_param params_VM_clone[] = { { "vm", "VM ref" }, { "new_name", "string" } };
static const struct model_param params_VM_snapshot[] = { { "vm", "VM ref" }, { "new_name", "string" }, { "ignore_vdis", "VDI ref set", true } };
static struct model_message messages_VM[] = {
	{ "sysprep", "void", params_VM_sysprep, 3, ROLES_VM_ADMIN, 0 },
	{ "update_secureboot_certificates_on_boot", "void", params_VM_update_secureboot_certificates_on_boot, 2, ROLES_VM_ADMIN, 0 },
	{ "get_secureboot_readiness", "enum vm_secureboot_readiness", params_VM_get_secureboot_readiness, 1, ROLES_POOL_ADMIN, 0 },
	{ "set_uefi_mode", "string", params_VM_set_uefi_mode, 2, ROLES_POOL_ADMIN, 0 },
	{ "restart_device_models", "void", params_VM_restart_device_models, 1, R_PA | R_PO | R_VPA | R_CC, 0 },
	{ "import", "VM ref set", params_VM_import, 4, ROLES_POOL_OPERATOR, 0 },
	{ "call_host_plugin", "string", params_VM_call_host_plugin, 4, ROLES_VM_OPERATOR, 0 },
	{ "call_plugin", "string", params_VM_call_plugin, 4, ROLES_VM_OPERATOR, 0 },
	{ "query_services", "(string -> string) map", params_VM_query_services, 1, ROLES_POOL_ADMIN, 0 },
	{ "import_convert", "void", params_VM_import_convert, 5, ROLES_VM_ADMIN, 0 },
	{ "recover", "void", params_VM_recover, 3, ROLES_ALL, 0 },
	{ "get_SRs_required_for_recovery", "SR ref set", params_VM_get_SRs_required_for_recovery, 2, ROLES_ALL, 0 },
	{ "assert_can_be_recovered", "void", params_VM_assert_can_be_recovered, 2, ROLES_ALL, 0 },
	{ "copy_bios_strings", "void", params_VM_copy_bios_strings, 2, ROLES_VM_ADMIN, 0 },
	{ "retrieve_wlb_recommendations", "(host ref -> string set) map", params_VM_retrieve_wlb_recommendations, 1, ROLES_ALL, 0 },
	{ "assert_agile", "void", params_VM_assert_agile, 1, ROLES_ALL, 0 },
	{ "create_new_blob", "blob ref", params_VM_create_new_blob, 4, ROLES_VM_POWER_ADMIN, 0 },
	{ "assert_can_boot_here", "void", params_VM_assert_can_boot_here, 2, ROLES_ALL, 0 },
	{ "get_possible_hosts", "host ref set", params_VM_get_possible_hosts, 1, ROLES_ALL, 0 },
	{ "get_allowed_VIF_devices", "string set", params_VM_get_allowed_VIF_devices, 1, ROLES_ALL, 0 },
	{ "get_allowed_VBD_devices", "string set", params_VM_get_allowed_VBD_devices, 1, ROLES_ALL, 0 },
	{ "update_allowed_operations", "void", params_VM_update_allowed_operations, 1, ROLES_POOL_ADMIN, 0 },
	{ "assert_operation_valid", "void", params_VM_assert_operation_valid, 2, ROLES_ALL, 0 },
	{ "forget_data_source_archives", "void", params_VM_forget_data_source_archives, 2, ROLES_VM_ADMIN, 0 },
	{ "query_data_source", "float", params_VM_query_data_source, 2, ROLES_ALL, 0 },
	{ "record_data_source", "void", params_VM_record_data_source, 2, ROLES_VM_ADMIN, 0 },
	{ "get_data_sources", "data_source record set", params_VM_get_data_sources, 1, ROLES_ALL, 0 },
	{ "get_boot_record", "VM record", params_VM_get_boot_record, 1, ROLES_ALL, MF_DEPRECATED },
	{ "assert_can_migrate", "void", params_VM_assert_can_migrate, 7, ROLES_VM_POWER_ADMIN, 0 },
	{ "migrate_send", "VM ref", params_VM_migrate_send, 8, ROLES_VM_POWER_ADMIN, 0 },
	{ "maximise_memory", "int", params_VM_maximise_memory, 3, ROLES_ALL, 0 },
	{ "send_trigger", "void", params_VM_send_trigger, 2, ROLES_POOL_ADMIN, 0 },
	{ "send_sysrq", "void", params_VM_send_sysrq, 2, ROLES_POOL_ADMIN, 0 },
	{ "set_shadow_multiplier_live", "void", params_VM_set_shadow_multiplier_live, 2, ROLES_VM_POWER_ADMIN, 0 },
	{ "get_cooperative", "bool", params_VM_get_cooperative, 1, ROLES_ALL, MF_DEPRECATED },
	{ "wait_memory_target_live", "void", params_VM_wait_memory_target_live, 1, ROLES_ALL, MF_DEPRECATED },
	{ "set_memory_target_live", "void", params_VM_set_memory_target_live, 2, ROLES_VM_POWER_ADMIN, MF_DEPRECATED },
	{ "set_memory", "void", params_VM_set_memory, 2, ROLES_VM_POWER_ADMIN, 0 },
	{ "set_memory_limits", "void", params_VM_set_memory_limits, 5, ROLES_VM_POWER_ADMIN, 0 },
	{ "set_memory_static_range", "void", params_VM_set_memory_static_range, 3, ROLES_VM_POWER_ADMIN, 0 },
	{ "set_memory_dynamic_range", "void", params_VM_set_memory_dynamic_range, 3, ROLES_VM_POWER_ADMIN, 0 },
	{ "compute_memory_overhead", "int", params_VM_compute_memory_overhead, 1, ROLES_ALL, 0 },
	{ "add_to_VCPUs_params_live", "void", params_VM_add_to_VCPUs_params_live, 3, ROLES_VM_ADMIN, 0 },
	{ "set_VCPUs_number_live", "void", params_VM_set_VCPUs_number_live, 2, ROLES_VM_ADMIN, 0 },
	{ "pool_migrate", "void", params_VM_pool_migrate, 3, R_PA | R_PO | R_VPA | R_CC, 0 },
	{ "resume_on", "void", params_VM_resume_on, 4, R_PA | R_PO | R_VPA | R_CC, 0 },
	{ "resume", "void", params_VM_resume, 3, ROLES_VM_OPERATOR, 0 },
	{ "suspend", "void", params_VM_suspend, 1, ROLES_VM_OPERATOR | R_CC, 0 },
	{ "hard_reboot", "void", params_VM_hard_reboot, 1, ROLES_VM_OPERATOR, 0 },
	{ "power_state_reset", "void", params_VM_power_state_reset, 1, ROLES_POOL_OPERATOR, 0 },
	{ "hard_shutdown", "void", params_VM_hard_shutdown, 1, ROLES_VM_OPERATOR, 0 },
	{ "clean_reboot", "void", params_VM_clean_reboot, 1, ROLES_VM_OPERATOR, 0 },
	{ "shutdown", "void", params_VM_shutdown, 1, ROLES_VM_OPERATOR | R_CC, 0 },
	{ "clean_shutdown", "void", params_VM_clean_shutdown, 1, ROLES_VM_OPERATOR, 0 },
	{ "unpause", "void", params_VM_unpause, 1, ROLES_VM_OPERATOR, 0 },
	{ "pause", "void", params_VM_pause, 1, ROLES_VM_OPERATOR, 0 },
	{ "start_on", "void", params_VM_start_on, 4, R_PA | R_PO | R_VPA | R_CC, 0 },
	{ "start", "void", params_VM_start, 3, ROLES_VM_OPERATOR, 0 },
	{ "provision", "void", params_VM_provision, 1, ROLES_VM_ADMIN, 0 },
	{ "checkpoint", "VM ref", params_VM_checkpoint, 2, ROLES_VM_POWER_ADMIN, 0 },
	{ "revert", "void", params_VM_revert, 1, ROLES_VM_POWER_ADMIN, 0 },
	{ "copy", "VM ref", params_VM_copy, 3, ROLES_VM_ADMIN, 0 },
	{ "clone", "VM ref", params_VM_clone, 2, ROLES_VM_ADMIN, 0 },
	{ "snapshot", "VM ref", params_VM_snapshot, 3, ROLES_VM_POWER_ADMIN, 0 },
};

/* ---- VM_metrics ---- */
static struct model_field fields_VM_metrics[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "memory_actual", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VCPUs_number", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VCPUs_CPU", "(int -> int) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VCPUs_params", "(string -> string) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VCPUs_flags", "(int -> string set) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "state", "string set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "start_time", "datetime", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "install_time", "datetime", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "last_updated", "datetime", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "hvm", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "nested_virt", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "nomigrate", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "current_domain_type", "enum domain_type", FQ_RO_RUNTIME, "unspecified", ROLES_ALL, 0, 0, 0 },
	{ "numa_optimised", "bool", FQ_RO_CONSTRUCTOR, "false", ROLES_ALL, 0, 0, 0 },
	{ "numa_nodes", "int", FQ_RO_CONSTRUCTOR, "0", ROLES_ALL, 0, 0, 0 },
	{ "numa_node_memory", "(int -> int) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
};

static struct model_message messages_VM_metrics[] = {
};

/* ---- VM_guest_metrics ---- */
static struct model_field fields_VM_guest_metrics[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "os_version", "(string -> string) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "netbios_name", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "PV_drivers_version", "(string -> string) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "PV_drivers_up_to_date", "bool", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, FF_DEPRECATED },
	{ "networks", "(string -> string) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "other", "(string -> string) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "last_updated", "datetime", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "live", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "can_use_hotplug_vbd", "enum tristate_type", FQ_RO_RUNTIME, "unspecified", ROLES_ALL, 0, 0, 0 },
	{ "can_use_hotplug_vif", "enum tristate_type", FQ_RO_RUNTIME, "unspecified", ROLES_ALL, 0, 0, 0 },
	{ "PV_drivers_detected", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "services", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
};

static struct model_message messages_VM_guest_metrics[] = {
};

/* ---- VBD ---- */
static struct model_field fields_VBD[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "allowed_operations", "enum vbd_operations set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "current_operations", "(string -> enum vbd_operations) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "VM", "VM ref", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VDI", "VDI ref", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "device", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "userdevice", "string", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "bootable", "bool", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "mode", "enum vbd_mode", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "type", "enum vbd_type", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "unpluggable", "bool", FQ_RW, "true", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "storage_lock", "bool", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "empty", "bool", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "currently_attached", "bool", FQ_RO_CONSTRUCTOR, "false", ROLES_ALL, 0, 0, 0 },
	{ "status_code", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "status_detail", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "runtime_properties", "(string -> string) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "qos_algorithm_type", "string", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "qos_algorithm_params", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "qos_supported_algorithms", "string set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
};

static const struct model_param params_VBD_assert_attachable[] = { { "self", "VBD ref" } };
static const struct model_param params_VBD_unplug_force[] = { { "self", "VBD ref" } };
static const struct model_param params_VBD_unplug[] = { { "self", "VBD ref" } };
static const struct model_param params_VBD_plug[] = { { "self", "VBD ref" } };
static const struct model_param params_VBD_insert[] = { { "vbd", "VBD ref" }, { "vdi", "VDI ref" } };
static const struct model_param params_VBD_eject[] = { { "vbd", "VBD ref" } };
static struct model_message messages_VBD[] = {
	{ "assert_attachable", "void", params_VBD_assert_attachable, 1, ROLES_VM_ADMIN, 0 },
	{ "unplug_force", "void", params_VBD_unplug_force, 1, ROLES_VM_ADMIN, 0 },
	{ "unplug", "void", params_VBD_unplug, 1, ROLES_VM_ADMIN, 0 },
	{ "plug", "void", params_VBD_plug, 1, ROLES_VM_ADMIN, 0 },
	{ "insert", "void", params_VBD_insert, 2, ROLES_VM_OPERATOR, 0 },
	{ "eject", "void", params_VBD_eject, 1, ROLES_VM_OPERATOR, 0 },
};

/* ---- VDI ---- */
static struct model_field fields_VDI[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "name_label", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "name_description", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "allowed_operations", "enum vdi_operations set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "current_operations", "(string -> enum vdi_operations) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "SR", "SR ref", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VBDs", "VBD ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "crash_dumps", "crashdump ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "virtual_size", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "physical_utilisation", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "type", "enum vdi_type", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "sharable", "bool", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "read_only", "bool", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "storage_lock", "bool", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "location", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "managed", "bool", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "missing", "bool", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "parent", "VDI ref", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, FF_DEPRECATED },
	{ "xenstore_data", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "sm_config", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "is_a_snapshot", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "snapshot_of", "VDI ref", FQ_RO_RUNTIME, "Null", ROLES_ALL, 0, 0, 0 },
	{ "snapshots", "VDI ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "snapshot_time", "datetime", FQ_RO_RUNTIME, "19700101T00:00:00Z", ROLES_ALL, 0, 0, 0 },
	{ "tags", "string set", FQ_RW, "{}", ROLES_ALL, ROLES_VM_OPERATOR, ROLES_VM_OPERATOR, 0 },
	{ "allow_caching", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "on_boot", "enum on_boot", FQ_RO_RUNTIME, "persist", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "metadata_of_pool", "pool ref", FQ_RO_RUNTIME, "OpaqueRef:NULL", ROLES_ALL, 0, 0, 0 },
	{ "metadata_latest", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "is_tools_iso", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "cbt_enabled", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
};

static const struct model_param params_VDI_revert[] = { { "snapshot", "VDI ref" } };
static const struct model_param params_VDI_get_nbd_info[] = { { "self", "VDI ref" } };
static const struct model_param params_VDI_list_changed_blocks[] = { { "vdi_from", "VDI ref" }, { "vdi_to", "VDI ref" } };
static const struct model_param params_VDI_data_destroy[] = { { "self", "VDI ref" } };
static const struct model_param params_VDI_disable_cbt[] = { { "self", "VDI ref" } };
static const struct model_param params_VDI_enable_cbt[] = { { "self", "VDI ref" } };
static const struct model_param params_VDI_pool_migrate[] = { { "vdi", "VDI ref" }, { "sr", "SR ref" }, { "options", "(string -> string) map" } };
static const struct model_param params_VDI_read_database_pool_uuid[] = { { "self", "VDI ref" } };
static const struct model_param params_VDI_open_database[] = { { "self", "VDI ref" } };
static const struct model_param params_VDI_forget[] = { { "vdi", "VDI ref" } };
static const struct model_param params_VDI_copy[] = { { "vdi", "VDI ref" }, { "sr", "SR ref", true }, { "base_vdi", "VDI ref", true }, { "into_vdi", "VDI ref", true } };
static const struct model_param params_VDI_update[] = { { "vdi", "VDI ref" } };
static const struct model_param params_VDI_introduce[] = { { "uuid", "string" }, { "name_label", "string" }, { "name_description", "string" }, { "SR", "SR ref" }, { "type", "enum vdi_type" }, { "sharable", "bool" }, { "read_only", "bool" }, { "other_config", "(string -> string) map" }, { "location", "string" }, { "xenstore_data", "(string -> string) map", true }, { "sm_config", "(string -> string) map", true }, { "managed", "bool", true }, { "virtual_size", "int", true }, { "physical_utilisation", "int", true }, { "metadata_of_pool", "pool ref", true }, { "is_a_snapshot", "bool", true }, { "snapshot_time", "datetime", true }, { "snapshot_of", "VDI ref", true } };
static const struct model_param params_VDI_resize_online[] = { { "vdi", "VDI ref" }, { "size", "int" } };
static const struct model_param params_VDI_resize[] = { { "vdi", "VDI ref" }, { "size", "int" } };
static const struct model_param params_VDI_clone[] = { { "vdi", "VDI ref" }, { "driver_params", "(string -> string) map", true } };
static const struct model_param params_VDI_snapshot[] = { { "vdi", "VDI ref" }, { "driver_params", "(string -> string) map", true } };
static struct model_message messages_VDI[] = {
	{ "revert", "void", params_VDI_revert, 1, ROLES_VM_POWER_ADMIN, 0 },
	{ "get_nbd_info", "vdi_nbd_server_info record set", params_VDI_get_nbd_info, 1, ROLES_VM_ADMIN, 0 },
	{ "list_changed_blocks", "string", params_VDI_list_changed_blocks, 2, ROLES_VM_OPERATOR, 0 },
	{ "data_destroy", "void", params_VDI_data_destroy, 1, ROLES_VM_ADMIN, 0 },
	{ "disable_cbt", "void", params_VDI_disable_cbt, 1, ROLES_VM_ADMIN, 0 },
	{ "enable_cbt", "void", params_VDI_enable_cbt, 1, ROLES_VM_ADMIN, 0 },
	{ "pool_migrate", "VDI ref", params_VDI_pool_migrate, 3, ROLES_VM_POWER_ADMIN, 0 },
	{ "read_database_pool_uuid", "string", params_VDI_read_database_pool_uuid, 1, ROLES_ALL, 0 },
	{ "open_database", "session ref", params_VDI_open_database, 1, ROLES_POOL_OPERATOR, 0 },
	{ "forget", "void", params_VDI_forget, 1, ROLES_VM_ADMIN, 0 },
	{ "copy", "VDI ref", params_VDI_copy, 4, ROLES_VM_ADMIN, 0 },
	{ "update", "void", params_VDI_update, 1, ROLES_VM_ADMIN, 0 },
	{ "introduce", "VDI ref", params_VDI_introduce, 18, ROLES_VM_ADMIN, 0 },
	{ "resize_online", "void", params_VDI_resize_online, 2, ROLES_VM_ADMIN, 0 },
	{ "resize", "void", params_VDI_resize, 2, ROLES_VM_ADMIN, 0 },
	{ "clone", "VDI ref", params_VDI_clone, 2, ROLES_VM_ADMIN, 0 },
	{ "snapshot", "VDI ref", params_VDI_snapshot, 2, ROLES_VM_ADMIN, 0 },
};

/* ---- SR ---- */
static struct model_field fields_SR[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "name_label", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "name_description", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "allowed_operations", "enum storage_operations set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "current_operations", "(string -> enum storage_operations) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "VDIs", "VDI ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "PBDs", "PBD ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "virtual_allocation", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "physical_utilisation", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "physical_size", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "type", "string", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "content_type", "string", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "shared", "bool", FQ_RO_RUNTIME, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "tags", "string set", FQ_RW, "{}", ROLES_ALL, ROLES_VM_OPERATOR, ROLES_VM_OPERATOR, 0 },
	{ "sm_config", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "blobs", "(string -> blob ref) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "local_cache_enabled", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "introduced_by", "DR_task ref", FQ_RO_RUNTIME, "OpaqueRef:NULL", ROLES_ALL, 0, 0, 0 },
	{ "clustered", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "is_tools_sr", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
};

static const struct model_param params_SR_forget_data_source_archives[] = { { "sr", "SR ref" }, { "data_source", "string" } };
static const struct model_param params_SR_query_data_source[] = { { "sr", "SR ref" }, { "data_source", "string" } };
static const struct model_param params_SR_record_data_source[] = { { "sr", "SR ref" }, { "data_source", "string" } };
static const struct model_param params_SR_get_data_sources[] = { { "sr", "SR ref" } };
static const struct model_param params_SR_disable_database_replication[] = { { "sr", "SR ref" } };
static const struct model_param params_SR_enable_database_replication[] = { { "sr", "SR ref" } };
static const struct model_param params_SR_assert_supports_database_replication[] = { { "sr", "SR ref" } };
static const struct model_param params_SR_assert_can_host_ha_statefile[] = { { "sr", "SR ref" } };
static const struct model_param params_SR_create_new_blob[] = { { "sr", "SR ref" }, { "name", "string" }, { "mime_type", "string" }, { "public", "bool", true } };
static const struct model_param params_SR_probe_ext[] = { { "host", "host ref" }, { "device_config", "(string -> string) map" }, { "type", "string" }, { "sm_config", "(string -> string) map", true } };
static const struct model_param params_SR_probe[] = { { "host", "host ref" }, { "device_config", "(string -> string) map" }, { "type", "string" }, { "sm_config", "(string -> string) map", true } };
static const struct model_param params_SR_scan[] = { { "sr", "SR ref" } };
static const struct model_param params_SR_update[] = { { "sr", "SR ref" } };
static const struct model_param params_SR_forget[] = { { "sr", "SR ref" } };
static const struct model_param params_SR_destroy[] = { { "sr", "SR ref" } };
static const struct model_param params_SR_make[] = { { "host", "host ref" }, { "device_config", "(string -> string) map" }, { "physical_size", "int" }, { "name_label", "string" }, { "name_description", "string" }, { "type", "string" }, { "content_type", "string" }, { "sm_config", "(string -> string) map", true } };
static const struct model_param params_SR_introduce[] = { { "uuid", "string" }, { "name_label", "string" }, { "name_description", "string" }, { "type", "string" }, { "content_type", "string" }, { "shared", "bool" }, { "sm_config", "(string -> string) map", true } };
static const struct model_param params_SR_create[] = { { "host", "host ref" }, { "device_config", "(string -> string) map" }, { "physical_size", "int" }, { "name_label", "string" }, { "name_description", "string" }, { "type", "string" }, { "content_type", "string" }, { "shared", "bool" }, { "sm_config", "(string -> string) map", true } };
static struct model_message messages_SR[] = {
	{ "forget_data_source_archives", "void", params_SR_forget_data_source_archives, 2, ROLES_POOL_OPERATOR, 0 },
	{ "query_data_source", "float", params_SR_query_data_source, 2, ROLES_ALL, 0 },
	{ "record_data_source", "void", params_SR_record_data_source, 2, ROLES_POOL_OPERATOR, 0 },
	{ "get_data_sources", "data_source record set", params_SR_get_data_sources, 1, ROLES_ALL, 0 },
	{ "disable_database_replication", "void", params_SR_disable_database_replication, 1, ROLES_POOL_OPERATOR, 0 },
	{ "enable_database_replication", "void", params_SR_enable_database_replication, 1, ROLES_POOL_OPERATOR, 0 },
	{ "assert_supports_database_replication", "void", params_SR_assert_supports_database_replication, 1, ROLES_POOL_OPERATOR, 0 },
	{ "assert_can_host_ha_statefile", "void", params_SR_assert_can_host_ha_statefile, 1, ROLES_POOL_OPERATOR, 0 },
	{ "create_new_blob", "blob ref", params_SR_create_new_blob, 4, ROLES_POOL_OPERATOR, 0 },
	{ "probe_ext", "probe_result record set", params_SR_probe_ext, 4, ROLES_POOL_OPERATOR, 0 },
	{ "probe", "string", params_SR_probe, 4, ROLES_POOL_OPERATOR, 0 },
	{ "scan", "void", params_SR_scan, 1, ROLES_VM_POWER_ADMIN, 0 },
	{ "get_supported_types", "string set", NULL, 0, ROLES_ALL, 0 },
	{ "update", "void", params_SR_update, 1, ROLES_POOL_OPERATOR, 0 },
	{ "forget", "void", params_SR_forget, 1, ROLES_POOL_OPERATOR, 0 },
	{ "destroy", "void", params_SR_destroy, 1, ROLES_POOL_OPERATOR, 0 },
	{ "make", "string", params_SR_make, 8, ROLES_POOL_OPERATOR, MF_DEPRECATED },
	{ "introduce", "SR ref", params_SR_introduce, 7, ROLES_POOL_OPERATOR, 0 },
	{ "create", "SR ref", params_SR_create, 9, ROLES_POOL_OPERATOR, 0 },
};

/* ---- PBD ---- */
static struct model_field fields_PBD[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "host", "host ref", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "SR", "SR ref", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "device_config", "(string -> string) map", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "currently_attached", "bool", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
};

static const struct model_param params_PBD_unplug[] = { { "self", "PBD ref" } };
static const struct model_param params_PBD_plug[] = { { "self", "PBD ref" } };
static struct model_message messages_PBD[] = {
	{ "unplug", "void", params_PBD_unplug, 1, ROLES_POOL_OPERATOR, 0 },
	{ "plug", "void", params_PBD_plug, 1, ROLES_POOL_OPERATOR, 0 },
};

/* ---- VIF ---- */
static struct model_field fields_VIF[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "allowed_operations", "enum vif_operations set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "current_operations", "(string -> enum vif_operations) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "device", "string", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "network", "network ref", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VM", "VM ref", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "MAC", "string", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "MTU", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "currently_attached", "bool", FQ_RO_CONSTRUCTOR, "false", ROLES_ALL, 0, 0, 0 },
	{ "status_code", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "status_detail", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "runtime_properties", "(string -> string) map", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "qos_algorithm_type", "string", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "qos_algorithm_params", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
	{ "qos_supported_algorithms", "string set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "MAC_autogenerated", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "locking_mode", "enum vif_locking_mode", FQ_RO_CONSTRUCTOR, "network_default", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "ipv4_allowed", "string set", FQ_RO_CONSTRUCTOR, "{}", ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "ipv6_allowed", "string set", FQ_RO_CONSTRUCTOR, "{}", ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "ipv4_configuration_mode", "enum vif_ipv4_configuration_mode", FQ_RO_RUNTIME, "None", ROLES_ALL, 0, 0, 0 },
	{ "ipv4_addresses", "string set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "ipv4_gateway", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "ipv6_configuration_mode", "enum vif_ipv6_configuration_mode", FQ_RO_RUNTIME, "None", ROLES_ALL, 0, 0, 0 },
	{ "ipv6_addresses", "string set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "ipv6_gateway", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "trunks", "int set", FQ_RO_CONSTRUCTOR, "{}", ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
};

static const struct model_param params_VIF_configure_ipv6[] = { { "self", "VIF ref" }, { "mode", "enum vif_ipv6_configuration_mode" }, { "address", "string", true }, { "gateway", "string", true } };
static const struct model_param params_VIF_configure_ipv4[] = { { "self", "VIF ref" }, { "mode", "enum vif_ipv4_configuration_mode" }, { "address", "string", true }, { "gateway", "string", true } };
static const struct model_param params_VIF_move[] = { { "self", "VIF ref" }, { "network", "network ref" } };
static const struct model_param params_VIF_unplug_force[] = { { "self", "VIF ref" } };
static const struct model_param params_VIF_unplug[] = { { "self", "VIF ref" } };
static const struct model_param params_VIF_plug[] = { { "self", "VIF ref" } };
static struct model_message messages_VIF[] = {
	{ "configure_ipv6", "void", params_VIF_configure_ipv6, 4, ROLES_VM_OPERATOR, 0 },
	{ "configure_ipv4", "void", params_VIF_configure_ipv4, 4, ROLES_VM_OPERATOR, 0 },
	{ "move", "void", params_VIF_move, 2, ROLES_VM_ADMIN, 0 },
	{ "unplug_force", "void", params_VIF_unplug_force, 1, ROLES_VM_ADMIN, 0 },
	{ "unplug", "void", params_VIF_unplug, 1, ROLES_VM_ADMIN, 0 },
	{ "plug", "void", params_VIF_plug, 1, ROLES_VM_ADMIN, 0 },
};

/* ---- network ---- */
static struct model_field fields_network[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "name_label", "string", FQ_RW, "\"\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "name_description", "string", FQ_RW, "\"\"", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "allowed_operations", "enum network_operations set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "current_operations", "(string -> enum network_operations) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "VIFs", "VIF ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "PIFs", "PIF ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "MTU", "int", FQ_RW, "1500", ROLES_ALL, ROLES_VM_ADMIN, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "bridge", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "managed", "bool", FQ_RO_CONSTRUCTOR, "true", ROLES_ALL, 0, 0, 0 },
	{ "blobs", "(string -> blob ref) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "tags", "string set", FQ_RW, "{}", ROLES_ALL, ROLES_VM_OPERATOR, ROLES_VM_OPERATOR, 0 },
	{ "default_locking_mode", "enum network_default_locking_mode", FQ_RO_RUNTIME, "unlocked", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "assigned_ips", "(VIF ref -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "purpose", "enum network_purpose set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, ROLES_POOL_ADMIN, 0 },
};

static const struct model_param params_network_create_new_blob[] = { { "network", "network ref" }, { "name", "string" }, { "mime_type", "string" }, { "public", "bool", true } };
static struct model_message messages_network[] = {
	{ "create_new_blob", "blob ref", params_network_create_new_blob, 4, ROLES_POOL_OPERATOR, 0 },
};

/* ---- PIF ---- */
static struct model_field fields_PIF[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "device", "string", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "network", "network ref", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "host", "host ref", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "MAC", "string", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "MTU", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VLAN", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "metrics", "PIF_metrics ref", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "physical", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "currently_attached", "bool", FQ_RO_RUNTIME, "true", ROLES_ALL, 0, 0, 0 },
	{ "ip_configuration_mode", "enum ip_configuration_mode", FQ_RO_RUNTIME, "None", ROLES_ALL, 0, 0, 0 },
	{ "IP", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "netmask", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "gateway", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "DNS", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "bond_slave_of", "Bond ref", FQ_RO_RUNTIME, "Null", ROLES_ALL, 0, 0, 0 },
	{ "bond_master_of", "Bond ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VLAN_master_of", "VLAN ref", FQ_RO_RUNTIME, "Null", ROLES_ALL, 0, 0, 0 },
	{ "VLAN_slave_of", "VLAN ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "management", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
	{ "disallow_unplug", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "tunnel_access_PIF_of", "tunnel ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "tunnel_transport_PIF_of", "tunnel ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "ipv6_configuration_mode", "enum ipv6_configuration_mode", FQ_RO_RUNTIME, "None", ROLES_ALL, 0, 0, 0 },
	{ "IPv6", "string set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "ipv6_gateway", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "primary_address_type", "enum primary_address_type", FQ_RO_RUNTIME, "IPv4", ROLES_ALL, ROLES_POOL_OPERATOR, 0, 0 },
	{ "managed", "bool", FQ_RO_CONSTRUCTOR, "true", ROLES_ALL, 0, 0, 0 },
	{ "properties", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "capabilities", "string set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "igmp_snooping_status", "enum pif_igmp_status", FQ_RO_RUNTIME, "unknown", ROLES_ALL, 0, 0, 0 },
	{ "sriov_physical_PIF_of", "network_sriov ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "sriov_logical_PIF_of", "network_sriov ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "PCI", "PCI ref", FQ_RO_RUNTIME, "OpaqueRef:NULL", ROLES_ALL, 0, 0, 0 },
};

static const struct model_param params_PIF_set_property[] = { { "self", "PIF ref" }, { "name", "string" }, { "value", "string" } };
static const struct model_param params_PIF_db_forget[] = { { "self", "PIF ref" } };
static const struct model_param params_PIF_db_introduce[] = { { "device", "string" }, { "network", "network ref" }, { "host", "host ref" }, { "MAC", "string" }, { "MTU", "int" }, { "VLAN", "int" }, { "physical", "bool" }, { "ip_configuration_mode", "enum ip_configuration_mode" }, { "IP", "string" }, { "netmask", "string" }, { "gateway", "string" }, { "DNS", "string" }, { "bond_slave_of", "Bond ref" }, { "VLAN_master_of", "VLAN ref" }, { "management", "bool" }, { "other_config", "(string -> string) map" }, { "disallow_unplug", "bool", true }, { "ipv6_configuration_mode", "enum ipv6_configuration_mode", true }, { "IPv6", "string set", true }, { "ipv6_gateway", "string", true }, { "primary_address_type", "enum primary_address_type", true }, { "managed", "bool", true }, { "properties", "(string -> string) map", true } };
static const struct model_param params_PIF_plug[] = { { "self", "PIF ref" } };
static const struct model_param params_PIF_unplug[] = { { "self", "PIF ref" } };
static const struct model_param params_PIF_forget[] = { { "self", "PIF ref" } };
static const struct model_param params_PIF_introduce[] = { { "host", "host ref" }, { "MAC", "string" }, { "device", "string" }, { "managed", "bool", true } };
static const struct model_param params_PIF_scan[] = { { "host", "host ref" } };
static const struct model_param params_PIF_reconfigure_ipv6[] = { { "self", "PIF ref" }, { "mode", "enum ipv6_configuration_mode" }, { "IPv6", "string" }, { "gateway", "string" }, { "DNS", "string" } };
static const struct model_param params_PIF_reconfigure_ip[] = { { "self", "PIF ref" }, { "mode", "enum ip_configuration_mode" }, { "IP", "string" }, { "netmask", "string" }, { "gateway", "string" }, { "DNS", "string" } };
static const struct model_param params_PIF_destroy[] = { { "self", "PIF ref" } };
static const struct model_param params_PIF_create_VLAN[] = { { "device", "string" }, { "network", "network ref" }, { "host", "host ref" }, { "VLAN", "int" } };
static struct model_message messages_PIF[] = {
	{ "set_property", "void", params_PIF_set_property, 3, ROLES_POOL_OPERATOR, 0 },
	{ "db_forget", "void", params_PIF_db_forget, 1, ROLES_POOL_OPERATOR, 0 },
	{ "db_introduce", "PIF ref", params_PIF_db_introduce, 23, ROLES_POOL_OPERATOR, 0 },
	{ "plug", "void", params_PIF_plug, 1, ROLES_POOL_OPERATOR, 0 },
	{ "unplug", "void", params_PIF_unplug, 1, ROLES_POOL_OPERATOR, 0 },
	{ "forget", "void", params_PIF_forget, 1, ROLES_POOL_OPERATOR, 0 },
	{ "introduce", "PIF ref", params_PIF_introduce, 4, ROLES_POOL_OPERATOR, 0 },
	{ "scan", "void", params_PIF_scan, 1, ROLES_POOL_OPERATOR, 0 },
	{ "reconfigure_ipv6", "void", params_PIF_reconfigure_ipv6, 5, ROLES_POOL_OPERATOR, 0 },
	{ "reconfigure_ip", "void", params_PIF_reconfigure_ip, 6, ROLES_POOL_OPERATOR, 0 },
	{ "destroy", "void", params_PIF_destroy, 1, ROLES_POOL_OPERATOR, MF_DEPRECATED },
	{ "create_VLAN", "PIF ref", params_PIF_create_VLAN, 4, ROLES_POOL_OPERATOR, MF_DEPRECATED },
};

/* ---- VLAN ---- */
static struct model_field fields_VLAN[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "tagged_PIF", "PIF ref", FQ_RO_CONSTRUCTOR, "Null", ROLES_ALL, 0, 0, 0 },
	{ "untagged_PIF", "PIF ref", FQ_RO_RUNTIME, "Null", ROLES_ALL, 0, 0, 0 },
	{ "tag", "int", FQ_RO_CONSTRUCTOR, "-1", ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, "{}", ROLES_ALL, ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, 0 },
};

static const struct model_param params_VLAN_destroy[] = { { "self", "VLAN ref" } };
static const struct model_param params_VLAN_create[] = { { "tagged_PIF", "PIF ref" }, { "tag", "int" }, { "network", "network ref" } };
static struct model_message messages_VLAN[] = {
	{ "destroy", "void", params_VLAN_destroy, 1, ROLES_POOL_OPERATOR, 0 },
	{ "create", "VLAN ref", params_VLAN_create, 3, ROLES_POOL_OPERATOR, 0 },
};

/* ---- console ---- */
static struct model_field fields_console[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "protocol", "enum console_protocol", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "location", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "VM", "VM ref", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RW, NULL, ROLES_ALL, ROLES_VM_ADMIN, ROLES_VM_ADMIN, 0 },
};

static struct model_message messages_console[] = {
};

/* ---- task ---- */
static struct model_field fields_task[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "name_label", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "name_description", "string", FQ_RO_RUNTIME, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "allowed_operations", "enum task_allowed_operations set", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "current_operations", "(string -> enum task_allowed_operations) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, 0, 0, 0 },
	{ "created", "datetime", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "finished", "datetime", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "status", "enum task_status_type", FQ_RO_RUNTIME, NULL, ROLES_ALL, ROLES_ALL, 0, 0 },
	{ "resident_on", "host ref", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "progress", "float", FQ_RO_RUNTIME, NULL, ROLES_ALL, ROLES_ALL, 0, 0 },
	{ "type", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "result", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, ROLES_ALL, 0, 0 },
	{ "error_info", "string set", FQ_RO_RUNTIME, NULL, ROLES_ALL, ROLES_ALL, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RO_RUNTIME, "{}", ROLES_ALL, ROLES_ALL, ROLES_ALL, 0 },
	{ "subtask_of", "task ref", FQ_RO_RUNTIME, "Null", ROLES_ALL, 0, 0, 0 },
	{ "subtasks", "task ref set", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "backtrace", "string", FQ_RO_RUNTIME, "\"()\"", ROLES_ALL, 0, 0, 0 },
};

static const struct model_param params_task_cancel[] = { { "task", "task ref" } };
static const struct model_param params_task_destroy[] = { { "self", "task ref" } };
static const struct model_param params_task_create[] = { { "label", "string" }, { "description", "string" } };
static struct model_message messages_task[] = {
	{ "cancel", "void", params_task_cancel, 1, ROLES_ALL, 0 },
	{ "destroy", "void", params_task_destroy, 1, ROLES_ALL, 0 },
	{ "create", "task ref", params_task_create, 2, ROLES_ALL, 0 },
};

/* ---- event ---- */
static struct model_field fields_event[] = {
	{ "snapshot", "<class> record", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "id", "int", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "timestamp", "datetime", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, FF_DEPRECATED },
	{ "class", "string", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "operation", "enum event_operation", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "ref", "string", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, 0 },
	{ "obj_uuid", "string", FQ_RO_CONSTRUCTOR, NULL, ROLES_ALL, 0, 0, FF_DEPRECATED },
};

static const struct model_param params_event_inject[] = { { "class", "string" }, { "ref", "string" } };
static const struct model_param params_event_from[] = { { "classes", "string set" }, { "token", "string" }, { "timeout", "float" } };
static const struct model_param params_event_unregister[] = { { "classes", "string set" } };
static const struct model_param params_event_register[] = { { "classes", "string set" } };
static struct model_message messages_event[] = {
	{ "inject", "string", params_event_inject, 2, ROLES_ALL, 0 },
	{ "get_current_id", "int", NULL, 0, ROLES_ALL, 0 },
	{ "from", "an event batch", params_event_from, 3, ROLES_ALL, 0 },
	{ "next", "event record set", NULL, 0, ROLES_ALL, MF_DEPRECATED },
	{ "unregister", "void", params_event_unregister, 1, ROLES_ALL, MF_DEPRECATED },
	{ "register", "void", params_event_register, 1, ROLES_ALL, MF_DEPRECATED },
};

/* ---- message ---- */
static struct model_field fields_message[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "name", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "priority", "int", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "cls", "enum cls", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "obj_uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "timestamp", "datetime", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "body", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
};

static const struct model_param params_message_get_all_records_where[] = { { "expr", "string" } };
static const struct model_param params_message_get_by_uuid[] = { { "uuid", "string" } };
static const struct model_param params_message_get_record[] = { { "self", "message ref" } };
static const struct model_param params_message_get_since[] = { { "since", "datetime" } };
static const struct model_param params_message_get[] = { { "cls", "enum cls" }, { "obj_uuid", "string" }, { "since", "datetime" } };
static const struct model_param params_message_destroy_all[] = { { "filters", "(string -> string) map" } };
static const struct model_param params_message_destroy_many[] = { { "messages", "message ref set" } };
static const struct model_param params_message_destroy[] = { { "self", "message ref" } };
static const struct model_param params_message_create[] = { { "name", "string" }, { "priority", "int" }, { "cls", "enum cls" }, { "obj_uuid", "string" }, { "body", "string" } };
static struct model_message messages_message[] = {
	{ "get_all_records_where", "(message ref -> message record) map", params_message_get_all_records_where, 1, ROLES_ALL, 0 },
	{ "get_all_records", "(message ref -> message record) map", NULL, 0, ROLES_ALL, 0 },
	{ "get_by_uuid", "message ref", params_message_get_by_uuid, 1, ROLES_ALL, 0 },
	{ "get_record", "message record", params_message_get_record, 1, ROLES_ALL, 0 },
	{ "get_since", "(message ref -> message record) map", params_message_get_since, 1, ROLES_ALL, 0 },
	{ "get_all", "message ref set", NULL, 0, ROLES_ALL, 0 },
	{ "get", "(message ref -> message record) map", params_message_get, 3, ROLES_ALL, 0 },
	{ "destroy_all", "void", params_message_destroy_all, 1, ROLES_POOL_OPERATOR, 0 },
	{ "destroy_many", "void", params_message_destroy_many, 1, ROLES_POOL_OPERATOR, 0 },
	{ "destroy", "void", params_message_destroy, 1, ROLES_POOL_OPERATOR, 0 },
	{ "create", "message ref", params_message_create, 5, ROLES_POOL_OPERATOR, 0 },
};

/* ---- subject ---- */
static struct model_field fields_subject[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "subject_identifier", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "other_config", "(string -> string) map", FQ_RO_CONSTRUCTOR, "{}", ROLES_ALL, 0, 0, 0 },
	{ "roles", "role ref set", FQ_RO_RUNTIME, "{OpaqueRef:0165f154-ba3e-034e-6b27-5d271af109ba}", ROLES_ALL, 0, ROLES_POOL_ADMIN, 0 },
};

static const struct model_param params_subject_get_permissions_name_label[] = { { "self", "subject ref" } };
static const struct model_param params_subject_remove_from_roles[] = { { "self", "subject ref" }, { "role", "role ref" } };
static const struct model_param params_subject_add_to_roles[] = { { "self", "subject ref" }, { "role", "role ref" } };
static const struct model_param params_subject_create_local_user[] = { { "username", "string" }, { "password", "string" }, { "roles", "string set" } };
static const struct model_param params_subject_set_local_password[] = { { "subject", "subject ref" }, { "password", "string" } };
static struct model_message messages_subject[] = {
	{ "get_permissions_name_label", "string set", params_subject_get_permissions_name_label, 1, ROLES_ALL, 0 },
	{ "remove_from_roles", "void", params_subject_remove_from_roles, 2, ROLES_POOL_ADMIN, 0 },
	{ "add_to_roles", "void", params_subject_add_to_roles, 2, ROLES_POOL_ADMIN, 0 },
	{ "create_local_user", "subject ref", params_subject_create_local_user, 3, ROLES_POOL_ADMIN, 0 },
	{ "set_local_password", "void", params_subject_set_local_password, 2, ROLES_POOL_ADMIN, 0 },
};

/* ---- role ---- */
static struct model_field fields_role[] = {
	{ "uuid", "string", FQ_RO_RUNTIME, NULL, ROLES_ALL, 0, 0, 0 },
	{ "name_label", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "name_description", "string", FQ_RO_CONSTRUCTOR, "\"\"", ROLES_ALL, 0, 0, 0 },
	{ "subroles", "role ref set", FQ_RO_CONSTRUCTOR, "{}", ROLES_ALL, 0, 0, 0 },
	{ "is_internal", "bool", FQ_RO_RUNTIME, "false", ROLES_ALL, 0, 0, 0 },
};

static const struct model_param params_role_get_by_permission_name_label[] = { { "label", "string" } };
static const struct model_param params_role_get_by_permission[] = { { "permission", "role ref" } };
static const struct model_param params_role_get_permissions_name_label[] = { { "self", "role ref" } };
static const struct model_param params_role_get_permissions[] = { { "self", "role ref" } };
static struct model_message messages_role[] = {
	{ "get_by_permission_name_label", "role ref set", params_role_get_by_permission_name_label, 1, ROLES_ALL, 0 },
	{ "get_by_permission", "role ref set", params_role_get_by_permission, 1, ROLES_ALL, 0 },
	{ "get_permissions_name_label", "string set", params_role_get_permissions_name_label, 1, ROLES_ALL, 0 },
	{ "get_permissions", "role ref set", params_role_get_permissions, 1, ROLES_ALL, 0 },
};

/* ---- enums ---- */
static const char *const enum_certificate_purpose[] = { "licensing", "ldaps", NULL };
static const char *const enum_cls[] = { "VM", "Host", "SR", "Pool", "VMPP", "VMSS", "PVS_proxy", "VDI", "Certificate", NULL };
static const char *const enum_console_protocol[] = { "vt100", "rfb", "rdp", NULL };
static const char *const enum_domain_type[] = { "hvm", "pv", "pv_in_pvh", "pvh", "unspecified", NULL };
static const char *const enum_event_operation[] = { "add", "del", "mod", NULL };
static const char *const enum_host_allowed_operations[] = { "provision", "evacuate", "shutdown", "reboot", "power_on", "vm_start", "vm_resume", "vm_migrate", "apply_updates", "enable", NULL };
static const char *const enum_host_display[] = { "enabled", "disable_on_reboot", "disabled", "enable_on_reboot", NULL };
static const char *const enum_host_ntp_mode[] = { "DHCP", "Custom", "Factory", "Disabled", NULL };
static const char *const enum_host_numa_affinity_policy[] = { "any", "best_effort", "default_policy", NULL };
static const char *const enum_host_sched_gran[] = { "core", "cpu", "socket", NULL };
static const char *const enum_ip_configuration_mode[] = { "None", "DHCP", "Static", NULL };
static const char *const enum_ipv6_configuration_mode[] = { "None", "DHCP", "Static", "Autoconf", NULL };
static const char *const enum_latest_synced_updates_applied_state[] = { "yes", "no", "unknown", NULL };
static const char *const enum_network_default_locking_mode[] = { "unlocked", "disabled", NULL };
static const char *const enum_network_operations[] = { "attaching", NULL };
static const char *const enum_network_purpose[] = { "nbd", "insecure_nbd", NULL };
static const char *const enum_on_boot[] = { "reset", "persist", NULL };
static const char *const enum_on_crash_behaviour[] = { "destroy", "coredump_and_destroy", "restart", "coredump_and_restart", "preserve", "rename_restart", NULL };
static const char *const enum_on_normal_exit[] = { "destroy", "restart", NULL };
static const char *const enum_on_softreboot_behavior[] = { "soft_reboot", "destroy", "restart", "preserve", NULL };
static const char *const enum_pif_igmp_status[] = { "enabled", "disabled", "unknown", NULL };
static const char *const enum_pool_allowed_operations[] = { "ha_enable", "ha_disable", "cluster_create", "designate_new_master", "configure_repositories", "sync_updates", "sync_bundle", "get_updates", "apply_updates", "tls_verification_enable", "cert_refresh", "exchange_certificates_on_join", "exchange_ca_certificates_on_join", "copy_primary_host_certs", "eject", "exchange_crls_on_join", NULL };
static const char *const enum_pool_guest_secureboot_readiness[] = { "ready", "ready_no_dbx", "not_ready", NULL };
static const char *const enum_primary_address_type[] = { "IPv4", "IPv6", NULL };
static const char *const enum_storage_operations[] = { "scan", "destroy", "forget", "plug", "unplug", "update", "vdi_create", "vdi_introduce", "vdi_destroy", "vdi_resize", "vdi_clone", "vdi_snapshot", "vdi_mirror", "vdi_enable_cbt", "vdi_disable_cbt", "vdi_data_destroy", "vdi_list_changed_blocks", "vdi_set_on_boot", "vdi_blocked", "vdi_copy", "vdi_force_unlock", "vdi_forget", "vdi_generate_config", "vdi_resize_online", "vdi_update", "vdi_revert", "pbd_create", "pbd_destroy", NULL };
static const char *const enum_task_allowed_operations[] = { "cancel", "destroy", NULL };
static const char *const enum_task_status_type[] = { "pending", "success", "failure", "cancelling", "cancelled", NULL };
static const char *const enum_telemetry_frequency[] = { "daily", "weekly", "monthly", NULL };
static const char *const enum_tristate_type[] = { "yes", "no", "unspecified", NULL };
static const char *const enum_update_guidances[] = { "reboot_host", "reboot_host_on_livepatch_failure", "reboot_host_on_kernel_livepatch_failure", "reboot_host_on_xen_livepatch_failure", "restart_toolstack", "restart_device_model", "restart_vm", NULL };
static const char *const enum_update_sync_frequency[] = { "daily", "weekly", NULL };
static const char *const enum_vbd_mode[] = { "RO", "RW", NULL };
static const char *const enum_vbd_operations[] = { "attach", "eject", "insert", "plug", "unplug", "unplug_force", "pause", "unpause", NULL };
static const char *const enum_vbd_type[] = { "CD", "Disk", "Floppy", NULL };
static const char *const enum_vdi_operations[] = { "clone", "copy", "resize", "resize_online", "snapshot", "mirror", "destroy", "forget", "update", "force_unlock", "generate_config", "enable_cbt", "disable_cbt", "data_destroy", "list_changed_blocks", "set_on_boot", "blocked", "revert_to", "revert_from", NULL };
static const char *const enum_vdi_type[] = { "system", "user", "ephemeral", "suspend", "crashdump", "ha_statefile", "metadata", "redo_log", "rrd", "pvs_cache", "cbt_metadata", NULL };
static const char *const enum_vif_ipv4_configuration_mode[] = { "None", "Static", "DHCP", NULL };
static const char *const enum_vif_ipv6_configuration_mode[] = { "None", "Static", "Autoconf", NULL };
static const char *const enum_vif_locking_mode[] = { "network_default", "locked", "unlocked", "disabled", NULL };
static const char *const enum_vif_operations[] = { "attach", "plug", "unplug", NULL };
static const char *const enum_vm_operations[] = { "snapshot", "clone", "copy", "create_template", "revert", "checkpoint", "snapshot_with_quiesce", "provision", "start", "start_on", "pause", "unpause", "clean_shutdown", "clean_reboot", "hard_shutdown", "power_state_reset", "hard_reboot", "suspend", "csvm", "resume", "resume_on", "pool_migrate", "migrate_send", "get_boot_record", "send_sysrq", "send_trigger", "query_services", "shutdown", "call_plugin", "changing_memory_live", "awaiting_memory_live", "changing_dynamic_range", "changing_static_range", "changing_memory_limits", "changing_shadow_memory", "changing_shadow_memory_live", "changing_VCPUs", "changing_VCPUs_live", "changing_NVRAM", "assert_operation_valid", "data_source_op", "update_allowed_operations", "make_into_template", "import", "export", "metadata_export", "reverting", "destroy", "create_vtpm", "sysprep", NULL };
static const char *const enum_vm_power_state[] = { "Halted", "Paused", "Running", "Suspended", NULL };
static const char *const enum_vm_secureboot_certificates_state[] = { "ok", "update_available", "update_on_boot", NULL };
static const char *const enum_vm_secureboot_readiness[] = { "not_supported", "disabled", "first_boot", "ready", "ready_no_dbx", "setup_mode", "certs_incomplete", NULL };
static const char *const enum_vm_uefi_mode[] = { "setup", "user", NULL };

const struct model_enum model_enums[] = {
	{ "certificate_purpose", enum_certificate_purpose },
	{ "cls", enum_cls },
	{ "console_protocol", enum_console_protocol },
	{ "domain_type", enum_domain_type },
	{ "event_operation", enum_event_operation },
	{ "host_allowed_operations", enum_host_allowed_operations },
	{ "host_display", enum_host_display },
	{ "host_ntp_mode", enum_host_ntp_mode },
	{ "host_numa_affinity_policy", enum_host_numa_affinity_policy },
	{ "host_sched_gran", enum_host_sched_gran },
	{ "ip_configuration_mode", enum_ip_configuration_mode },
	{ "ipv6_configuration_mode", enum_ipv6_configuration_mode },
	{ "latest_synced_updates_applied_state", enum_latest_synced_updates_applied_state },
	{ "network_default_locking_mode", enum_network_default_locking_mode },
	{ "network_operations", enum_network_operations },
	{ "network_purpose", enum_network_purpose },
	{ "on_boot", enum_on_boot },
	{ "on_crash_behaviour", enum_on_crash_behaviour },
	{ "on_normal_exit", enum_on_normal_exit },
	{ "on_softreboot_behavior", enum_on_softreboot_behavior },
	{ "pif_igmp_status", enum_pif_igmp_status },
	{ "pool_allowed_operations", enum_pool_allowed_operations },
	{ "pool_guest_secureboot_readiness", enum_pool_guest_secureboot_readiness },
	{ "primary_address_type", enum_primary_address_type },
	{ "storage_operations", enum_storage_operations },
	{ "task_allowed_operations", enum_task_allowed_operations },
	{ "task_status_type", enum_task_status_type },
	{ "telemetry_frequency", enum_telemetry_frequency },
	{ "tristate_type", enum_tristate_type },
	{ "update_guidances", enum_update_guidances },
	{ "update_sync_frequency", enum_update_sync_frequency },
	{ "vbd_mode", enum_vbd_mode },
	{ "vbd_operations", enum_vbd_operations },
	{ "vbd_type", enum_vbd_type },
	{ "vdi_operations", enum_vdi_operations },
	{ "vdi_type", enum_vdi_type },
	{ "vif_ipv4_configuration_mode", enum_vif_ipv4_configuration_mode },
	{ "vif_ipv6_configuration_mode", enum_vif_ipv6_configuration_mode },
	{ "vif_locking_mode", enum_vif_locking_mode },
	{ "vif_operations", enum_vif_operations },
	{ "vm_operations", enum_vm_operations },
	{ "vm_power_state", enum_vm_power_state },
	{ "vm_secureboot_certificates_state", enum_vm_secureboot_certificates_state },
	{ "vm_secureboot_readiness", enum_vm_secureboot_readiness },
	{ "vm_uefi_mode", enum_vm_uefi_mode },
	{ NULL, NULL },
};

struct model_class model_classes[] = {
	{ "session", fields_session, MODEL_COUNT(fields_session), messages_session, MODEL_COUNT(messages_session), 0, 0, CF_RECORD },
	{ "pool", fields_pool, MODEL_COUNT(fields_pool), messages_pool, MODEL_COUNT(messages_pool), 0, 0, CF_RECORD | CF_GET_ALL },
	{ "host", fields_host, MODEL_COUNT(fields_host), messages_host, MODEL_COUNT(messages_host), 0, 0, CF_BY_NAME_LABEL | CF_RECORD | CF_GET_ALL },
	{ "host_metrics", fields_host_metrics, MODEL_COUNT(fields_host_metrics), messages_host_metrics, MODEL_COUNT(messages_host_metrics), 0, 0, CF_RECORD | CF_GET_ALL },
	{ "VM", fields_VM, MODEL_COUNT(fields_VM), messages_VM, MODEL_COUNT(messages_VM), ROLES_VM_ADMIN, ROLES_VM_ADMIN, CF_CREATE | CF_DESTROY | CF_BY_NAME_LABEL | CF_RECORD | CF_GET_ALL },
	{ "VM_metrics", fields_VM_metrics, MODEL_COUNT(fields_VM_metrics), messages_VM_metrics, MODEL_COUNT(messages_VM_metrics), 0, 0, CF_RECORD | CF_GET_ALL },
	{ "VM_guest_metrics", fields_VM_guest_metrics, MODEL_COUNT(fields_VM_guest_metrics), messages_VM_guest_metrics, MODEL_COUNT(messages_VM_guest_metrics), 0, 0, CF_RECORD | CF_GET_ALL },
	{ "VBD", fields_VBD, MODEL_COUNT(fields_VBD), messages_VBD, MODEL_COUNT(messages_VBD), ROLES_VM_ADMIN, ROLES_VM_ADMIN, CF_CREATE | CF_DESTROY | CF_RECORD | CF_GET_ALL },
	{ "VDI", fields_VDI, MODEL_COUNT(fields_VDI), messages_VDI, MODEL_COUNT(messages_VDI), ROLES_VM_ADMIN, ROLES_VM_ADMIN, CF_CREATE | CF_DESTROY | CF_BY_NAME_LABEL | CF_RECORD | CF_GET_ALL },
	{ "SR", fields_SR, MODEL_COUNT(fields_SR), messages_SR, MODEL_COUNT(messages_SR), 0, 0, CF_BY_NAME_LABEL | CF_RECORD | CF_GET_ALL },
	{ "PBD", fields_PBD, MODEL_COUNT(fields_PBD), messages_PBD, MODEL_COUNT(messages_PBD), ROLES_POOL_OPERATOR, ROLES_POOL_OPERATOR, CF_CREATE | CF_DESTROY | CF_RECORD | CF_GET_ALL },
	{ "VIF", fields_VIF, MODEL_COUNT(fields_VIF), messages_VIF, MODEL_COUNT(messages_VIF), ROLES_VM_ADMIN, ROLES_VM_ADMIN, CF_CREATE | CF_DESTROY | CF_RECORD | CF_GET_ALL },
	{ "network", fields_network, MODEL_COUNT(fields_network), messages_network, MODEL_COUNT(messages_network), ROLES_VM_ADMIN, ROLES_VM_ADMIN, CF_CREATE | CF_DESTROY | CF_BY_NAME_LABEL | CF_RECORD | CF_GET_ALL },
	{ "PIF", fields_PIF, MODEL_COUNT(fields_PIF), messages_PIF, MODEL_COUNT(messages_PIF), 0, 0, CF_RECORD | CF_GET_ALL },
	{ "VLAN", fields_VLAN, MODEL_COUNT(fields_VLAN), messages_VLAN, MODEL_COUNT(messages_VLAN), 0, 0, CF_RECORD | CF_GET_ALL },
	{ "console", fields_console, MODEL_COUNT(fields_console), messages_console, MODEL_COUNT(messages_console), ROLES_VM_ADMIN, ROLES_VM_ADMIN, CF_CREATE | CF_DESTROY | CF_RECORD | CF_GET_ALL },
	{ "task", fields_task, MODEL_COUNT(fields_task), messages_task, MODEL_COUNT(messages_task), 0, 0, CF_BY_NAME_LABEL | CF_RECORD | CF_GET_ALL },
	{ "event", fields_event, MODEL_COUNT(fields_event), messages_event, MODEL_COUNT(messages_event), 0, 0, 0 },
	{ "message", fields_message, MODEL_COUNT(fields_message), messages_message, MODEL_COUNT(messages_message), 0, 0, 0 },
	{ "subject", fields_subject, MODEL_COUNT(fields_subject), messages_subject, MODEL_COUNT(messages_subject), ROLES_POOL_ADMIN, ROLES_POOL_ADMIN, CF_CREATE | CF_DESTROY | CF_RECORD | CF_GET_ALL },
	{ "role", fields_role, MODEL_COUNT(fields_role), messages_role, MODEL_COUNT(messages_role), 0, 0, CF_BY_NAME_LABEL | CF_RECORD | CF_GET_ALL },
};

const size_t model_class_count = MODEL_COUNT(model_classes);
