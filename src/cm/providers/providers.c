/*
 * The resource type table: adding a type is adding a row (and its file).
 */
#include "cm/providers/provider.h"

#include <string.h>

static const struct cm_provider *const providers[] = {
	&cm_provider_file, &cm_provider_package, &cm_provider_service, &cm_provider_user,
	&cm_provider_group, &cm_provider_exec,    &cm_provider_cron,    &cm_provider_host,
	&cm_provider_notify,
};

const struct cm_provider *cm_provider_find(const char *type)
{
	for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (strcmp(providers[i]->type, type) == 0)
			return providers[i];
	return NULL;
}
