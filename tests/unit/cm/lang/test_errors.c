/*
 * Malformed manifests and templates: each must fail with the exact position
 * and the message Puppet 7 gives (checked with `puppet parser validate`),
 * as "file:line:column: message".
 */
#include <stdlib.h>
#include <string.h>

#include "cm/lang/parser.h"
#include "tap.h"

static const struct {
	const char *src;
	const char *want; /* prefix of the formatted error */
	bool epp;
} cases[] = {
	{"notice(\"x\"", "err.pp:1:11: Syntax error at end of input", false},
	{"notice \"abc", "err.pp:1:9: Unclosed quote after '\"' followed by 'abc...'", false},
	{"notice 'abcdefghijk", "err.pp:1:9: Unclosed quote after \"'\" followed by 'abcde...'", false},
	{"notice(1)\n/* x", "err.pp:2:1: Unclosed multiline comment", false},
	{"$x = 08", "err.pp:1:6: Not a valid octal number 08", false},
	{"$x = 0x", "err.pp:1:6: Not a valid hex number 0x", false},
	{"$x = 1a", "err.pp:1:6: Illegal number '1a'", false},
	{"class { }", "err.pp:1:9: Syntax error at '}'", false},
	{"file { \"a\": mode => }", "err.pp:1:21: Syntax error at '}'", false},
	{"1 = 2", "err.pp:1:1: Illegal attempt to assign to 'a Literal Integer'. Not an assignable reference", false},
	{"$x += 1", "err.pp:1:4: The operator '+=' is no longer supported.", false},
	{"$x -= 1", "err.pp:1:4: The operator '-=' is no longer supported.", false},
	{"$x = @(\"END\")\nabc\n", "err.pp:2:1: Heredoc without end-tagged line", false},
	{"notice(@(X/q))\nX\n", "err.pp:1:12: Invalid heredoc escape char. Only t, r, n, s,  u, L, $ allowed. Got 'q'", false},
	{"unless $x { } elsif $y { }", "err.pp:1:15: Syntax error at 'elsif'", false},
	{"foo bar", "err.pp:1:1: This Name has no effect.", false},
	{"$x = 1\n$x\nnotice(1)", "err.pp:2:1: This Variable has no effect.", false},
	{"node foo inherits bar { }", "err.pp:1:19: Node inheritance is not supported in Puppet >= 4.0.0.", false},
	{"Foo[\"x\"] = 1", "err.pp:1:1: Illegal attempt to assign via [index/key]. Not an assignable reference", false},
	{"$x = 1 + 2 = 3", "err.pp:1:8: Illegal attempt to assign to 'a '+' expression'.", false},
	{"$x = }", "err.pp:1:6: Syntax error at '}'", false},
	{"notice(1 ->)", "err.pp:1:12: Syntax error at ')'", false},
	{"$y = \"${}\"", "err.pp:1:10: Syntax error at ''", false},
	{"file { 'a': ensure => present, foo }", "err.pp:1:36: Syntax error at '}'", false},
	{"case $x { 1 { } }", "err.pp:1:13: Syntax error at '{'", false},
	{"$x = [1, 2", "err.pp:1:11: Syntax error at end of input", false},
	{"$x = 99999999999999999999", "err.pp:1:6: A Literal Integer resulted in a value outside of Puppet Integer max range", false},
	{"if $x { } else if { }", "err.pp:1:16: Syntax error at 'if'", false},
	{"$x = $y ? { 1 }", "err.pp:1:15: Syntax error at '}'", false},
	{"class a {\n  file { '/x':\n    mode => '0644'\n    owner => root,\n  }\n}\n", "err.pp:4:5: Syntax error at 'owner'", false},
	{"notice(\"${x\")", "err.pp:1:13: Unclosed quote after '\"' followed by ')...'", false},
	{"Hello <%= $x", "err.pp:1:13: Unbalanced epp tag, reached <eof> without closing tag.", true},
	{"<%# open", "err.pp:1:1: Unbalanced embedded comment, reached <eof> without closing tag.", true},
	{"<% } %>", "err.pp:1:4: Syntax error at '}'", true},
};

static void test_error_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cm_parse_error err;
		struct cm_ast *ast = cases[i].epp ? cm_parse_epp(cases[i].src, strlen(cases[i].src), "err.pp", &err)
		                                  : cm_parse_string(cases[i].src, strlen(cases[i].src), "err.pp", &err);
		char got[1024];

		if (ast != NULL) {
			printf("# case %zu parsed but should fail: %s\n", i, cases[i].src);
			tap_current_failed = 1;
			cm_ast_free(ast);
			continue;
		}
		cm_parse_error_format(&err, got, sizeof(got));
		if (strncmp(got, cases[i].want, strlen(cases[i].want)) != 0) {
			printf("# case %zu: got \"%s\"\n#   want prefix \"%s\"\n", i, got, cases[i].want);
			tap_current_failed = 1;
		}
	}
}

static void test_error_count(void)
{
	CHECK(sizeof(cases) / sizeof(cases[0]) >= 15);
}

/* Every prefix of a valid manifest either parses or fails cleanly with a position. */
static void test_truncations_fail_cleanly(void)
{
	static const char src[] = "class a($x = \"${y['k']}\") {\n  file { '/x': content => @(E)\n    text\n    | E\n"
	                          "  } -> Service <| title == 'x' |>\n  $z = $x ? { /a/ => 1, default => 2 }\n}\n";

	for (size_t n = 0; n <= strlen(src); n++) {
		struct cm_parse_error err;
		struct cm_ast *ast = cm_parse_string(src, n, "t.pp", &err);

		if (ast == NULL)
			CHECK(err.set && err.line >= 1 && err.message[0] != '\0');
		cm_ast_free(ast);
	}
}

int main(void)
{
	TAP_RUN(test_error_cases);
	TAP_RUN(test_error_count);
	TAP_RUN(test_truncations_fail_cleanly);
	return tap_done();
}
