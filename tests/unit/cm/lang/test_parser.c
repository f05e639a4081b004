/*
 * Parser and lexer behaviour checked through the public API: node shapes the
 * evaluator relies on, lexer context rules (regex vs division, '[' after
 * whitespace), EPP trimming, the kind table, depth limits and check-only mode.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cm/lang/arena.h"
#include "cm/lang/lexer.h"
#include "cm/lang/parser.h"
#include "tap.h"

static struct cm_ast *parse(const char *src)
{
	struct cm_parse_error err;
	struct cm_ast *ast = cm_parse_string(src, strlen(src), "t.pp", &err);
	char buf[1024];

	if (ast == NULL)
		printf("# unexpected error: %s\n", cm_parse_error_format(&err, buf, sizeof(buf)));
	return ast;
}

static struct cm_ast_node *first_statement(struct cm_ast *ast)
{
	size_t n;
	struct cm_ast_node **body = cm_ast_list(ast->root, &n);

	return n > 0 ? body[0] : NULL;
}

static void test_kind_table(void)
{
	for (int k = 0; k < CM_AST_KIND_COUNT; k++) {
		const struct cm_ast_kind_info *info = cm_ast_kind_info((enum cm_ast_kind)k);

		CHECK(info != NULL && info->name != NULL && info->nslots <= CM_AST_MAX_SLOTS);
		for (int j = 0; j < k; j++)
			CHECK(strcmp(cm_ast_kind_name((enum cm_ast_kind)j), info->name) != 0);
		for (unsigned s = 0; s < info->nslots; s++)
			CHECK(info->slots[s] != NULL && strcmp(info->slots[s], "text") != 0 &&
			      strcmp(info->slots[s], "kind") != 0);
	}
	CHECK(cm_ast_kind_info(CM_AST_KIND_COUNT) == NULL);
}

static void test_precedence(void)
{
	struct cm_ast *ast = parse("$x = 1 + 2 * 3 == 7 and !$y or $z =~ /a/");
	struct cm_ast_node *assign = first_statement(ast), *or, *and, *eq, *add;

	CHECK(assign && assign->kind == CM_AST_ASSIGN);
	or = cm_ast_slot(assign, 1);
	CHECK(or && or->kind == CM_AST_OR);
	and = cm_ast_slot(or, 0);
	CHECK(and && and->kind == CM_AST_AND);
	CHECK(cm_ast_slot(or, 1)->kind == CM_AST_MATCH);
	eq = cm_ast_slot(and, 0);
	CHECK(eq && eq->kind == CM_AST_EQ);
	add = cm_ast_slot(eq, 0);
	CHECK(add && add->kind == CM_AST_ADD && cm_ast_slot(add, 1)->kind == CM_AST_MULTIPLY);
	CHECK(cm_ast_slot(and, 1)->kind == CM_AST_NOT);
	cm_ast_free(ast);
}

static void test_regex_versus_division(void)
{
	struct cm_ast *ast = parse("$a = $b / 2 / 3\n$c = $d =~ /x\\/y/\n");
	size_t n;
	struct cm_ast_node **body = cm_ast_list(ast->root, &n);

	CHECK(n == 2);
	CHECK(cm_ast_slot(body[0], 1)->kind == CM_AST_DIVIDE);
	CHECK(cm_ast_slot(cm_ast_slot(body[1], 1), 1)->kind == CM_AST_REGEX);
	CHECK_STR(cm_ast_slot(cm_ast_slot(body[1], 1), 1)->text, "x\\/y");
	cm_ast_free(ast);
}

static void test_liststart_after_space(void)
{
	struct cm_ast *ast = parse("$x = $a[1]\n$y = [$a, [2]]\n");
	size_t n;
	struct cm_ast_node **body = cm_ast_list(ast->root, &n);

	CHECK(n == 2);
	CHECK(cm_ast_slot(body[0], 1)->kind == CM_AST_ACCESS);
	CHECK(cm_ast_slot(body[1], 1)->kind == CM_AST_ARRAY);
	cm_ast_free(ast);
}

static void test_interpolation_names_are_variables(void)
{
	struct cm_ast *ast = parse("notice(\"a${x}b${y['k']}c$z${f(1)}\")");
	struct cm_ast_node *call = first_statement(ast), *concat;
	size_t n;
	struct cm_ast_node **parts;

	CHECK(call && call->kind == CM_AST_CALL);
	concat = call->kids[1];
	parts = cm_ast_list(concat, &n);
	CHECK(n == 7);
	CHECK(parts[1]->kind == CM_AST_VARIABLE && strcmp(parts[1]->text, "x") == 0);
	CHECK(parts[3]->kind == CM_AST_ACCESS && cm_ast_slot(parts[3], 0)->kind == CM_AST_VARIABLE);
	CHECK(parts[5]->kind == CM_AST_VARIABLE && strcmp(parts[5]->text, "z") == 0);
	CHECK(parts[6]->kind == CM_AST_CALL);
	cm_ast_free(ast);
}

static void test_strings_escapes(void)
{
	struct cm_ast *ast = parse("$a = 'it\\'s \\n \\\\'\n$b = \"\\t\\s\\$\\\"\\u263A\\u{1F600}\\q\"\n");
	size_t n;
	struct cm_ast_node **body = cm_ast_list(ast->root, &n);

	CHECK_STR(cm_ast_slot(body[0], 1)->text, "it's \\n \\");
	CHECK_STR(cm_ast_slot(body[1], 1)->text, "\t $\"\xe2\x98\xba\xf0\x9f\x98\x80\\q");
	cm_ast_free(ast);
}

static void test_heredoc_margin_and_trim(void)
{
	struct cm_ast *ast = parse("$a = @(END)\n    one\n      two\n    |- END\n$b = @(\"X\"/n)\n  v=$v\\n\n  | X\n");
	size_t n;
	struct cm_ast_node **body = cm_ast_list(ast->root, &n), *concat;

	CHECK(n == 2);
	CHECK_STR(cm_ast_slot(cm_ast_slot(body[0], 1), 0)->text, "one\n  two");
	concat = cm_ast_slot(cm_ast_slot(body[1], 1), 0);
	CHECK(concat->kind == CM_AST_CONCAT && concat->nkids == 3);
	CHECK_STR(concat->kids[2]->text, "\n\n");
	CHECK(body[1]->line == 5);
	cm_ast_free(ast);
}

static void test_epp_trimming(void)
{
	const char *src = "<%- | String $x | -%>\n  <%- $y = 1 -%>\nA <%= $x %> <%# c -%>\nB\n";
	struct cm_parse_error err;
	struct cm_ast *ast = cm_parse_epp(src, strlen(src), "t.epp", &err);
	struct cm_ast_node *params, *block;
	size_t n;
	struct cm_ast_node **body;

	CHECK(ast != NULL && ast->root->kind == CM_AST_EPP_TEMPLATE);
	if (ast == NULL)
		return;
	params = cm_ast_slot(ast->root, 0);
	CHECK(params && params->nkids == 1 && strcmp(params->kids[0]->text, "x") == 0);
	block = cm_ast_slot(ast->root, 1);
	body = cm_ast_list(block, &n);
	CHECK(n == 5);
	CHECK(body[0]->kind == CM_AST_ASSIGN);
	CHECK(body[1]->kind == CM_AST_EPP_TEXT && strcmp(body[1]->text, "A ") == 0);
	CHECK(body[2]->kind == CM_AST_EPP_RENDER);
	CHECK_STR(body[3]->text, " ");
	CHECK_STR(body[4]->text, "B\n");
	cm_ast_free(ast);
}

static void test_deep_nesting_is_an_error(void)
{
	size_t depth = 100000;
	char *src = malloc(depth * 2 + 8);
	struct cm_parse_error err;
	struct cm_ast *ast;

	memcpy(src, "$x = ", 5);
	memset(src + 5, '[', depth);
	memset(src + 5 + depth, ']', depth);
	ast = cm_parse_string(src, 5 + depth * 2, "deep.pp", &err);
	CHECK(ast == NULL);
	CHECK(err.set && strstr(err.message, "nested too deeply") != NULL);
	free(src);
}

static void test_statement_calls(void)
{
	struct cm_ast *ast = parse("include a, b\nnotice 'x'\nfail(\"y\")\n");
	size_t n;
	struct cm_ast_node **body = cm_ast_list(ast->root, &n);

	CHECK(n == 3);
	CHECK(body[0]->kind == CM_AST_CALL && (body[0]->flags & CM_AST_F_STATEMENT_CALL) && body[0]->nkids == 3);
	CHECK(body[1]->kind == CM_AST_CALL && strcmp(body[1]->text, "notice") == 0);
	CHECK(body[2]->kind == CM_AST_CALL && !(body[2]->flags & CM_AST_F_STATEMENT_CALL));
	cm_ast_free(ast);
}

static void test_validate_files(void)
{
	char good[] = "/tmp/cm-lang-good-XXXXXX", bad[] = "/tmp/cm-lang-bad-XXXXXX";
	int fg = mkstemp(good), fb = mkstemp(bad);
	char out[2048] = "";
	FILE *mem;
	const char *both[2] = {good, bad};

	CHECK(fg >= 0 && fb >= 0);
	CHECK(write(fg, "notice('ok')\n", 13) == 13);
	CHECK(write(fb, "notice('ok')\n$x = }\n", 20) == 20);
	close(fg);
	close(fb);
	mem = fmemopen(out, sizeof(out) - 1, "w");
	CHECK(cm_parser_validate_files(both, 1, mem) == 0);
	CHECK(cm_parser_validate_files(both, 2, mem) == 1);
	fclose(mem);
	CHECK(strstr(out, ":2:6: Syntax error at '}'") != NULL);
	CHECK(strstr(out, bad) == out);
	unlink(good);
	unlink(bad);
}

static void test_missing_file(void)
{
	struct cm_parse_error err;

	CHECK(cm_parse_file("/nonexistent/x.pp", &err) == NULL);
	CHECK(err.set && strstr(err.message, "Could not read file") != NULL);
}

static void test_nul_bytes_do_not_crash(void)
{
	static const char src[] = "$x = \"a\0b\"\nnotice(@(E)\n\0\nE\n)";
	struct cm_parse_error err;
	struct cm_ast *ast = cm_parse_string(src, sizeof(src) - 1, "nul.pp", &err);

	CHECK(ast != NULL);
	if (ast) {
		struct cm_ast_node *s = cm_ast_slot(first_statement(ast), 1);

		CHECK(s->text_len == 3 && s->text[1] == '\0');
	}
	cm_ast_free(ast);
}

int main(void)
{
	TAP_RUN(test_kind_table);
	TAP_RUN(test_precedence);
	TAP_RUN(test_regex_versus_division);
	TAP_RUN(test_liststart_after_space);
	TAP_RUN(test_interpolation_names_are_variables);
	TAP_RUN(test_strings_escapes);
	TAP_RUN(test_heredoc_margin_and_trim);
	TAP_RUN(test_epp_trimming);
	TAP_RUN(test_deep_nesting_is_an_error);
	TAP_RUN(test_statement_calls);
	TAP_RUN(test_validate_files);
	TAP_RUN(test_missing_file);
	TAP_RUN(test_nul_bytes_do_not_crash);
	return tap_done();
}
