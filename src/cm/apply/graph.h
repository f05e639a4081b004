/*
 * The resource graph: edges between the catalog's leaf resources (those with
 * providers), in apply order.
 *
 * Invariants: containers (Stage, Class, Node, defined types) never appear as
 * nodes; a relationship to or from a container stands for the same
 * relationship to or from every leaf it contains, directly or not. Edges are
 * unique per (from, to); an edge is a refresh edge when any relationship that
 * made it was notify/subscribe. An autorequire between two resources that
 * are both being removed points the other way (dependents go first).
 * cm_graph_order() gives a topological order
 * that prefers catalog order wherever the edges leave a choice (Puppet's
 * "manifest" ordering), or fails naming every cycle.
 */
#ifndef OVCP_CM_GRAPH_H
#define OVCP_CM_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "cm/catalog/catalog.h"
#include "common/err.h"

struct cm_graph_edge {
	size_t to;
	bool refresh;
};

struct cm_graph_list {
	struct cm_graph_edge *v;
	size_t len, cap;
};

struct cm_graph {
	size_t n;                  /* == catalog resources; containers have no edges */
	struct cm_graph_list *out; /* per resource: edges to those that come after it */
	struct cm_graph_list *in;  /* per resource: edges from those that come before it */
	size_t *order;             /* leaves in apply order */
	size_t norder;
};

/* Build the graph; -1 with CM_DEPENDENCY_MISSING when a relationship names an unknown resource. */
struct cm_graph *cm_graph_build(const struct cm_catalog *cat, struct err *e);
/* Fill g->order; -1 with CM_DEPENDENCY_CYCLE ("Found 1 dependency cycle: (A => B => A)"). */
int cm_graph_order(struct cm_graph *g, const struct cm_catalog *cat, struct err *e);
void cm_graph_free(struct cm_graph *g);
/* Add the edge FROM -> TO (leaves); merges the refresh flag into an existing edge. */
int cm_graph_add_edge(struct cm_graph *g, size_t from, size_t to, bool refresh);

#endif
