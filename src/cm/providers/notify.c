/*
 * notify: logs its message on every run, as Puppet's does (it is always out
 * of sync: the message is "defined" each time).
 */
#include "cm/providers/provider.h"

#include <stdlib.h>

static int notify_apply(struct cm_res_ctx *c, struct err *e)
{
	const char *msg = cm_param_str(c->res, "message");
	char *text = NULL;

	if (msg == NULL) {
		json_t *v = json_object_get(c->res->params, "message");
		if (v != NULL) /* Puppet prints non-string messages in their JSON-ish form */
			text = json_dumps(v, JSON_ENCODE_ANY);
		msg = text ? text : cm_ctx_name(c);
	}
	if (!c->noop) {
		if (cm_param_bool(c->res, "withpath", false))
			cm_log(c, "notice", NULL, "%s", msg);
		else
			cm_log_plain(c->logs, c->opt->quiet, "notice", "Puppet", NULL, "%s", msg);
	}
	cm_change(c, "message", json_string("absent"), json_string(msg), NULL);
	free(text);
	return 0;
}

const struct cm_provider cm_provider_notify = {
	.type = "Notify",
	.apply = notify_apply,
};
