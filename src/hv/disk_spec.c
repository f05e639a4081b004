/*
 * Reading a template's other_config:disks (see disk_spec.h).
 *
 * libxml2 builds the tree with no network, no entity substitution and no
 * DTD: a DOCTYPE stops the parse (there is nothing a spec needs to expand).
 * Then the tree is checked the way xapi's disks_of_xml / disk_of_xml match
 * it: a <provision> root without attributes whose children are childless
 * <disk> elements. Blank text and comments between the disks are allowed.
 */
#include "hv/disk_spec.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHAT "other_config:disks"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_library_init(void)
{
	xmlInitParser();
}

static void stop_at_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name, (void)external_id, (void)system_id;
	*(bool *)ctxt->_private = true;
	xmlStopParser(ctxt);
}

/* The tree of xml, or NULL with the reason in e. */
static xmlDoc *parse_tree(const char *xml, struct err *e)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;
	bool dtd = false;
	size_t len = strlen(xml);

	if (len > INT32_MAX) {
		err_internal(e, WHAT ": too long");
		return NULL;
	}
	pthread_once(&xml_once, xml_library_init);
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		err_internal(e, WHAT ": out of memory");
		return NULL;
	}
	ctxt->_private = &dtd;
	ctxt->sax->internalSubset = stop_at_dtd;
	ctxt->sax->externalSubset = stop_at_dtd;
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (dtd) {
		err_internal(e, WHAT ": a DOCTYPE is not allowed");
	} else if (doc == NULL || !ctxt->wellFormed) {
		const xmlError *xe = xmlCtxtGetLastError(ctxt);
		char msg[200];
		size_t n;

		snprintf(msg, sizeof(msg), "%s", xe && xe->message ? xe->message : "not XML");
		n = strlen(msg);
		while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		err_internal(e, WHAT ": not well-formed XML (line %d: %s)", xe ? xe->line : 0, msg);
	} else {
		xmlFreeParserCtxt(ctxt);
		return doc;
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return NULL;
}

static bool is_blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (!strchr(" \t\r\n", *s))
			return false;
	return true;
}

/* Attribute name of node into out ("" and *present false when absent); -1 when it does not fit. */
static int attr(xmlNode *node, const char *name, char *out, size_t size, bool *present)
{
	xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
	int rc = 0;

	*present = v != NULL;
	out[0] = '\0';
	if (v != NULL) {
		if (strlen((const char *)v) >= size)
			rc = -1;
		else
			snprintf(out, size, "%s", (const char *)v);
		xmlFree(v);
	}
	return rc;
}

/* A byte count as xapi takes it, minus what Int64.of_string allows beyond plain decimal (0x, _, signs). */
static bool parse_size(const char *s, int64_t *out)
{
	int64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_MAX - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static const char *const vdi_types[] = {"system", "user", "ephemeral", "suspend", "crashdump", NULL};

static int read_disk(xmlNode *node, size_t n, struct disk_spec_disk *d, struct err *e)
{
	char size[32];
	bool has_device, has_size, has_sr, has_bootable, has_type;
	char bootable[8];

	if (node->children != NULL) {
		err_internal(e, WHAT ": disk %zu: <disk> must be empty", n);
		return -1;
	}
	if (attr(node, "device", d->device, sizeof(d->device), &has_device) < 0 || (has_device && !d->device[0])) {
		err_internal(e, WHAT ": disk %zu: device must be 1 to %zu characters", n, sizeof(d->device) - 1);
		return -1;
	}
	if (attr(node, "size", size, sizeof(size), &has_size) < 0 || (has_size && !parse_size(size, &d->size))) {
		err_internal(e, WHAT ": disk %zu: size is not a number of bytes", n);
		return -1;
	}
	if (!has_device || !has_size) {
		err_internal(e, WHAT ": disk %zu: no %s attribute", n, has_device ? "size" : "device");
		return -1;
	}
	if (attr(node, "sr", d->sr, sizeof(d->sr), &has_sr) < 0) {
		err_internal(e, WHAT ": disk %zu: sr is not an SR uuid", n);
		return -1;
	}
	if (attr(node, "bootable", bootable, sizeof(bootable), &has_bootable) < 0)
		bootable[0] = '\0';
	d->bootable = strcmp(bootable, "true") == 0;
	if (attr(node, "type", d->type, sizeof(d->type), &has_type) < 0)
		d->type[0] = '\0';
	bool known = false;
	for (size_t i = 0; vdi_types[i]; i++)
		known = known || strcmp(d->type, vdi_types[i]) == 0;
	if (!known) /* as xapi: an unknown type is a system disk */
		snprintf(d->type, sizeof(d->type), "system");
	return 0;
}

static int read_provision(xmlNode *root, struct disk_spec *out, struct err *e)
{
	if (strcmp((const char *)root->name, "provision") != 0 || root->ns != NULL || root->properties != NULL) {
		err_internal(e, WHAT ": the root element must be a bare <provision>, not <%s>",
			     (const char *)root->name);
		return -1;
	}
	for (xmlNode *n = root->children; n; n = n->next) {
		if (n->type == XML_COMMENT_NODE || (n->type == XML_TEXT_NODE && is_blank(n->content)))
			continue;
		if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "disk") != 0 || n->ns != NULL) {
			err_internal(e, WHAT ": <provision> may only hold <disk/> elements");
			return -1;
		}
		if (out->count == DISK_SPEC_MAX_DISKS) {
			err_internal(e, WHAT ": more than %d disks", DISK_SPEC_MAX_DISKS);
			return -1;
		}
		struct disk_spec_disk *d = &out->disks[out->count];
		if (read_disk(n, out->count + 1, d, e) < 0)
			return -1;
		for (size_t i = 0; i < out->count; i++)
			if (strcmp(out->disks[i].device, d->device) == 0) {
				err_internal(e, WHAT ": disks %zu and %zu both have device %s", i + 1, out->count + 1,
					     d->device);
				return -1;
			}
		out->count++;
	}
	return 0;
}

int disk_spec_parse(const char *xml, struct disk_spec *out, struct err *e)
{
	xmlDoc *doc;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((doc = parse_tree(xml, e)) == NULL)
		return -1;
	xmlNode *root = xmlDocGetRootElement(doc);
	if (root == NULL) {
		err_internal(e, WHAT ": no root element");
		rc = -1;
	} else {
		rc = read_provision(root, out, e);
	}
	xmlFreeDoc(doc);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}
