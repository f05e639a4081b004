/*
 * Node classification by terminus, as Puppet's node_terminus setting:
 * plain (node definitions in the manifests only), exec (an ENC program) or
 * ovcp (the VM records of an OVCP pool). The result's classes are declared
 * in addition to what the manifests declare.
 */
#include <string.h>

#include "cm/master/node.h"

static int classify_plain(struct cm_master *m, const char *certname, struct cm_node_class *out, struct err *e)
{
	out->classes = json_object();
	out->parameters = json_object();
	return 0;
}

static int classify_exec(struct cm_master *m, const char *certname, struct cm_node_class *out, struct err *e)
{
	return cm_enc_run(m->opt.external_nodes, certname, out, e);
}

static int (*const classifiers[])(struct cm_master *, const char *, struct cm_node_class *, struct err *) = {
	[CM_NODE_PLAIN] = classify_plain,
	[CM_NODE_EXEC] = classify_exec,
	[CM_NODE_OVCP] = cm_ovcp_classify,
};

int cm_master_classify(struct cm_master *m, const char *certname, struct cm_node_class *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	return classifiers[m->opt.node_terminus](m, certname, out, e);
}
