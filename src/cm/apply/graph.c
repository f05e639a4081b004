/*
 * Graph construction and ordering: see graph.h for the invariants.
 */
#include "cm/apply/graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm/providers/provider.h"

static int list_add(struct cm_graph_list *l, size_t to, bool refresh)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->v[i].to == to) {
			l->v[i].refresh |= refresh;
			return 0;
		}
	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		struct cm_graph_edge *v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->len++] = (struct cm_graph_edge){.to = to, .refresh = refresh};
	return 0;
}

int cm_graph_add_edge(struct cm_graph *g, size_t from, size_t to, bool refresh)
{
	if (from == to)
		return 0;
	if (list_add(&g->out[from], to, refresh) < 0 || list_add(&g->in[to], from, refresh) < 0)
		return -1;
	return 0;
}

/* Leaves under resource I, appended to LEAVES (children lists are in KIDS). */
static void collect_leaves(const struct cm_catalog *cat, struct cm_graph_list *kids, size_t i,
			   struct cm_graph_list *leaves)
{
	if (!cat->res[i].container) {
		list_add(leaves, i, false);
		return;
	}
	for (size_t k = 0; k < kids[i].len; k++)
		collect_leaves(cat, kids, kids[i].v[k].to, leaves);
}

struct relationship {
	const char *param;
	bool forward; /* the resource comes first */
	bool refresh;
};

static const struct relationship relationships[] = {
	{"before", true, false},
	{"notify", true, true},
	{"require", false, false},
	{"subscribe", false, true},
};

static int link_sets(struct cm_graph *g, const struct cm_graph_list *a, const struct cm_graph_list *b,
		     bool refresh)
{
	for (size_t i = 0; i < a->len; i++)
		for (size_t k = 0; k < b->len; k++)
			if (cm_graph_add_edge(g, a->v[i].to, b->v[k].to, refresh) < 0)
				return -1;
	return 0;
}

static int link_refs(struct cm_graph *g, const struct cm_catalog *cat, struct cm_graph_list *kids,
		     size_t i, json_t *refs, const struct relationship *rel, struct err *e)
{
	struct cm_graph_list mine = {0}, theirs = {0};
	size_t k;
	json_t *v;
	int rc = 0;

	if (json_is_string(refs)) {
		json_t *one = json_pack("[O]", refs);
		rc = link_refs(g, cat, kids, i, one, rel, e);
		json_decref(one);
		return rc;
	}
	collect_leaves(cat, kids, i, &mine);
	json_array_foreach(refs, k, v) {
		size_t t;

		if (json_is_array(v)) {
			rc = link_refs(g, cat, kids, i, v, rel, e);
			if (rc < 0)
				break;
			continue;
		}
		t = json_is_string(v) ? cm_catalog_find(cat, json_string_value(v)) : CM_NONE;
		if (t == CM_NONE) {
			char *txt = json_dumps(v, JSON_ENCODE_ANY);
			err_setf(e, "CM_DEPENDENCY_MISSING", "Could not find dependency %s for %s",
				 json_is_string(v) ? json_string_value(v) : txt, cat->res[i].ref);
			free(txt);
			rc = -1;
			break;
		}
		theirs.len = 0;
		collect_leaves(cat, kids, t, &theirs);
		rc = rel->forward ? link_sets(g, &mine, &theirs, rel->refresh)
				  : link_sets(g, &theirs, &mine, rel->refresh);
		if (rc < 0) {
			err_internal(e, "out of memory");
			break;
		}
	}
	free(mine.v);
	free(theirs.v);
	return rc;
}

static bool removing(const struct cm_resource *r)
{
	const char *ensure = cm_param_str(r, "ensure");

	return ensure && (strcmp(ensure, "absent") == 0 || strcmp(ensure, "purged") == 0);
}

static int link_autorequires(struct cm_graph *g, const struct cm_catalog *cat, size_t i)
{
	const struct cm_provider *p = cm_provider_find(cat->res[i].type);
	json_t *refs;
	size_t k;
	json_t *v;

	if (p == NULL || p->autorequire == NULL)
		return 0;
	refs = json_array();
	p->autorequire(&cat->res[i], refs);
	json_array_foreach(refs, k, v) {
		size_t t = cm_catalog_find(cat, json_string_value(v));
		bool reverse;

		/* Autorequires only bind resources the catalog manages, and never a container. */
		if (t == CM_NONE || cat->res[t].container)
			continue;
		/* Both going away: remove the dependent first (the user before its group, the
		 * file before its directory), the reverse of creation. */
		reverse = removing(&cat->res[i]) && removing(&cat->res[t]);
		if (cm_graph_add_edge(g, reverse ? i : t, reverse ? t : i, false) < 0) {
			json_decref(refs);
			return -1;
		}
	}
	json_decref(refs);
	return 0;
}

struct cm_graph *cm_graph_build(const struct cm_catalog *cat, struct err *e)
{
	struct cm_graph *g = calloc(1, sizeof(*g));
	struct cm_graph_list *kids = calloc(cat->n + 1, sizeof(*kids));

	if (g == NULL || kids == NULL)
		goto oom;
	g->n = cat->n;
	g->out = calloc(cat->n + 1, sizeof(*g->out));
	g->in = calloc(cat->n + 1, sizeof(*g->in));
	g->order = calloc(cat->n + 1, sizeof(*g->order));
	if (g->out == NULL || g->in == NULL || g->order == NULL)
		goto oom;
	for (size_t i = 0; i < cat->n; i++)
		if (cat->res[i].parent != CM_NONE && list_add(&kids[cat->res[i].parent], i, false) < 0)
			goto oom;
	for (size_t i = 0; i < cat->n; i++) {
		for (size_t r = 0; r < sizeof(relationships) / sizeof(relationships[0]); r++) {
			json_t *refs = json_object_get(cat->res[i].params, relationships[r].param);
			if (refs && link_refs(g, cat, kids, i, refs, &relationships[r], e) < 0)
				goto fail;
		}
		if (!cat->res[i].container && link_autorequires(g, cat, i) < 0)
			goto oom;
	}
	for (size_t i = 0; i < cat->n; i++)
		free(kids[i].v);
	free(kids);
	return g;
oom:
	err_internal(e, "out of memory");
fail:
	for (size_t i = 0; kids && i < cat->n; i++)
		free(kids[i].v);
	free(kids);
	cm_graph_free(g);
	return NULL;
}

void cm_graph_free(struct cm_graph *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->n; i++) {
		if (g->out)
			free(g->out[i].v);
		if (g->in)
			free(g->in[i].v);
	}
	free(g->out);
	free(g->in);
	free(g->order);
	free(g);
}

/* A binary min-heap of resource indexes: the ready resource earliest in the catalog goes first. */
struct heap {
	size_t *v;
	size_t len;
};

static void heap_push(struct heap *h, size_t x)
{
	size_t i = h->len++;

	h->v[i] = x;
	while (i > 0 && h->v[(i - 1) / 2] > h->v[i]) {
		size_t p = (i - 1) / 2, t = h->v[p];
		h->v[p] = h->v[i];
		h->v[i] = t;
		i = p;
	}
}

static size_t heap_pop(struct heap *h)
{
	size_t top = h->v[0], i = 0;

	h->v[0] = h->v[--h->len];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i, t;
		if (l < h->len && h->v[l] < h->v[m])
			m = l;
		if (r < h->len && h->v[r] < h->v[m])
			m = r;
		if (m == i)
			break;
		t = h->v[m];
		h->v[m] = h->v[i];
		h->v[i] = t;
		i = m;
	}
	return top;
}

/* Tarjan's strongly connected components over the resources left unordered. */
struct tarjan {
	const struct cm_graph *g;
	const bool *left;
	long *index, *low;
	bool *on_stack;
	size_t *stack, sp;
	long next;
	size_t *comp; /* component id per node, CM_NONE when none */
	size_t ncomp;
};

static void tarjan_visit(struct tarjan *t, size_t v)
{
	t->index[v] = t->low[v] = t->next++;
	t->stack[t->sp++] = v;
	t->on_stack[v] = true;
	for (size_t k = 0; k < t->g->out[v].len; k++) {
		size_t w = t->g->out[v].v[k].to;
		if (!t->left[w])
			continue;
		if (t->index[w] < 0) {
			tarjan_visit(t, w);
			if (t->low[w] < t->low[v])
				t->low[v] = t->low[w];
		} else if (t->on_stack[w] && t->index[w] < t->low[v])
			t->low[v] = t->index[w];
	}
	if (t->low[v] != t->index[v])
		return;
	size_t first = t->sp;
	do
		first--;
	while (t->stack[first] != v);
	size_t size = t->sp - first;
	for (size_t k = first; k < t->sp; k++) {
		t->on_stack[t->stack[k]] = false;
		t->comp[t->stack[k]] = size > 1 ? t->ncomp : CM_NONE;
	}
	if (size > 1)
		t->ncomp++;
	t->sp = first;
}

/* One cycle through START inside its component, as "(A => B => A)", appended to BUF. */
static void cycle_describe(const struct cm_graph *g, const struct cm_catalog *cat, const size_t *comp,
			   size_t start, char **buf)
{
	size_t *prev = malloc(g->n * sizeof(*prev));
	size_t *queue = malloc(g->n * sizeof(*queue));
	size_t qh = 0, qt = 0, end = CM_NONE;
	size_t *path = malloc((g->n + 1) * sizeof(*path));
	size_t plen = 0;
	char *out = *buf;

	if (prev == NULL || queue == NULL || path == NULL)
		goto out;
	for (size_t i = 0; i < g->n; i++)
		prev[i] = CM_NONE;
	queue[qt++] = start;
	while (qh < qt && end == CM_NONE) {
		size_t v = queue[qh++];
		for (size_t k = 0; k < g->out[v].len; k++) {
			size_t w = g->out[v].v[k].to;
			if (comp[w] != comp[start])
				continue;
			if (w == start) {
				end = v;
				break;
			}
			if (prev[w] == CM_NONE) {
				prev[w] = v;
				queue[qt++] = w;
			}
		}
	}
	for (size_t v = end; v != CM_NONE && v != start; v = prev[v])
		path[plen++] = v;
	path[plen++] = start;
	/* path holds the cycle backwards: its last node first, START last */
	if (asprintf(&out, "%s%s(%s", *buf ? *buf : "", *buf ? "\n" : "", cat->res[start].ref) < 0)
		goto out;
	free(*buf);
	*buf = out;
	for (size_t k = plen - 1; k-- > 0;) {
		if (asprintf(&out, "%s => %s", *buf, cat->res[path[k]].ref) < 0)
			goto out;
		free(*buf);
		*buf = out;
	}
	if (asprintf(&out, "%s => %s)", *buf, cat->res[start].ref) >= 0) {
		free(*buf);
		*buf = out;
	}
out:
	free(prev);
	free(queue);
	free(path);
}

static void cycles_report(const struct cm_graph *g, const struct cm_catalog *cat, const bool *left,
			  struct err *e)
{
	struct tarjan t = {.g = g, .left = left};
	char *text = NULL;

	t.index = malloc(g->n * sizeof(long));
	t.low = malloc(g->n * sizeof(long));
	t.on_stack = calloc(g->n, sizeof(bool));
	t.stack = malloc(g->n * sizeof(size_t));
	t.comp = malloc(g->n * sizeof(size_t));
	if (!t.index || !t.low || !t.on_stack || !t.stack || !t.comp) {
		err_internal(e, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < g->n; i++) {
		t.index[i] = -1;
		t.comp[i] = CM_NONE;
	}
	for (size_t i = 0; i < g->n; i++)
		if (left[i] && t.index[i] < 0)
			tarjan_visit(&t, i);
	for (size_t c = 0; c < t.ncomp; c++)
		for (size_t i = 0; i < g->n; i++)
			if (t.comp[i] == c) {
				cycle_describe(g, cat, t.comp, i, &text);
				break;
			}
	err_setf(e, "CM_DEPENDENCY_CYCLE", "Found %zu dependency cycle%s:\n%s", t.ncomp,
		 t.ncomp == 1 ? "" : "s", text ? text : "");
out:
	free(text);
	free(t.index);
	free(t.low);
	free(t.on_stack);
	free(t.stack);
	free(t.comp);
}

int cm_graph_order(struct cm_graph *g, const struct cm_catalog *cat, struct err *e)
{
	size_t *indeg = calloc(g->n + 1, sizeof(*indeg));
	bool *left = calloc(g->n + 1, sizeof(*left));
	struct heap h = {.v = malloc((g->n + 1) * sizeof(size_t))};
	size_t leaves = 0;
	int rc = -1;

	if (indeg == NULL || left == NULL || h.v == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	g->norder = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (cat->res[i].container)
			continue;
		leaves++;
		left[i] = true;
		indeg[i] = g->in[i].len;
		if (indeg[i] == 0)
			heap_push(&h, i);
	}
	while (h.len > 0) {
		size_t v = heap_pop(&h);
		g->order[g->norder++] = v;
		left[v] = false;
		for (size_t k = 0; k < g->out[v].len; k++)
			if (--indeg[g->out[v].v[k].to] == 0)
				heap_push(&h, g->out[v].v[k].to);
	}
	if (g->norder == leaves)
		rc = 0;
	else
		cycles_report(g, cat, left, e);
out:
	free(indeg);
	free(left);
	free(h.v);
	return rc;
}
