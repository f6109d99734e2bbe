package lang

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// TestParseCanonical parses each query and compares its canonical printed form,
// which spells out every option the parser recorded.
func TestParseCanonical(t *testing.T) {
	tests := []struct{ src, want string }{
		{"T | where a == 1", "T\n    | where a == 1"},
		{"T | filter a == 1", "T\n    | where a == 1"},
		{"T|where a>1 and b<2 or c", "T\n    | where a > 1 and b < 2 or c"},
		{"T | where a + b * c - d / e % f == 0", "T\n    | where a + b * c - d / e % f == 0"},
		{"T | where (a + b) * c == 0", "T\n    | where (a + b) * c == 0"},
		{"T | where a !has 'x' and b !contains_cs 'y'", "T\n    | where a !has \"x\" and b !contains_cs \"y\""},
		{"T | where a in~ ('x', 'y') and b !in (1, 2) and c !in~ ('z')", "T\n    | where a in~ (\"x\", \"y\") and b !in (1, 2) and c !in~ (\"z\")"},
		{"T | where a has_any ('x') and b has_all (L)", "T\n    | where a has_any (\"x\") and b has_all (L)"},
		{"T | where a in (L)", "T\n    | where a in (L)"},
		{"T | where a in (U | project b)", "T\n    | where a in (U\n        | project b)"},
		{"T | where a matches regex '^x'", "T\n    | where a matches regex \"^x\""},
		{"T | where a between (1 .. 5) and b !between (ago(1d) .. now())", "T\n    | where a between (1 .. 5) and b !between (ago(1d) .. now())"},
		{"T | where a <> 1", "T\n    | where a != 1"},
		{"T | where -a < -5", "T\n    | where -a < -5"},
		{"T | where x.a.b == 1 and x['c'] == 2 and x[0] == 3 and x[-1] == 4", "T\n    | where x.a.b == 1 and x[\"c\"] == 2 and x[0] == 3 and x[-1] == 4"},
		{"T | project a, b = c + 1, ['d e'] = 2", "T\n    | project a, b = c + 1, [\"d e\"] = 2"},
		{"T | project-away a, b*, *c", "T\n    | project-away a, b*, *c"},
		{"T | project-keep a*b", "T\n    | project-keep a*b"},
		{"T | project-rename x = a, y = b", "T\n    | project-rename x = a, y = b"},
		{"T | project-reorder b, a* desc", "T\n    | project-reorder b, a* desc"},
		{"T | project-reorder b granny-asc", "T\n    | project-reorder b granny-asc"},
		{"T | extend a = 1, 2", "T\n    | extend a = 1, 2"},
		{"T | summarize count() by a, bin(t, 1h)", "T\n    | summarize count() by a, bin(t, 1h)"},
		{"T | summarize by a", "T\n    | summarize by a"},
		{"T | summarize (x, y) = arg_max(t, a)", "T\n    | summarize (x, y) = arg_max(t, a)"},
		{"T | summarize hint.shufflekey = a count() by a", "T\n    | summarize hint.shufflekey=a count() by a"},
		{"T | summarize kind = count(), flags = dcount(b) by hint", "T\n    | summarize [\"kind\"] = count(), flags = dcount(b) by hint"},
		{"T | order by a", "T\n    | order by a desc"},
		{"T | sort by a asc nulls first, b desc nulls last", "T\n    | order by a asc nulls first, b desc nulls last"},
		{"T | top 5 by a asc", "T\n    | top 5 by a asc"},
		{"T | take 5 | limit 3", "T\n    | take 5\n    | take 3"},
		{"T | count", "T\n    | count"},
		{"T | distinct *", "T\n    | distinct *"},
		{"T | distinct a, b", "T\n    | distinct a, b"},
		{"T | join U on a", "T\n    | join U on a"},
		{"T | join kind=leftouter (U | take 1) on a, $left.b == $right.c", "T\n    | join kind=leftouter (U\n        | take 1) on a, $left.b == $right.c"},
		{"T | join kind=inner hint.strategy=broadcast (U) on $left.a == $right.b and $left.c == $right.d", "T\n    | join kind=inner hint.strategy=broadcast U on $left.a == $right.b, $left.c == $right.d"},
		{"T | lookup kind=inner (U) on a", "T\n    | lookup kind=inner U on a"},
		{"T | union U, (V | take 1)", "T\n    | union U, (V\n        | take 1)"},
		{"union kind=inner withsource=Src isfuzzy=true T, U", "union kind=inner withsource=Src isfuzzy=true T, U"},
		{"union Device*", "union Device*"},
		{"T | as X", "T\n    | as X"},
		{"T | as hint.materialized=true X", "T\n    | as hint.materialized=true X"},
		{"T | mv-expand a", "T\n    | mv-expand a"},
		{"T | mvexpand a limit 10", "T\n    | mv-expand a limit 10"},
		{"T | mv-expand bagexpansion=array with_itemindex=i x = a to typeof(long), b", "T\n    | mv-expand bagexpansion=array with_itemindex=i x = a to typeof(long), b"},
		{"T | parse a with 'x' b:long '-' * c", "T\n    | parse a with \"x\" b:long \"-\" * c"},
		{"T | parse kind=regex flags=Ui a with 'x' b", "T\n    | parse kind=regex flags=Ui a with \"x\" b"},
		{"T | render timechart", "T\n    | render timechart"},
		{"T | render barchart with (title='x', ysplit=axes)", "T\n    | render barchart with (title=\"x\", ysplit=axes)"},
		{"T | invoke f(1)", "T\n    | invoke f(1)"},
		{"T | serialize | serialize rn = 1", "T\n    | serialize\n    | serialize rn = 1"},
		{"T | getschema", "T\n    | getschema"},
		{"print 1", "print 1"},
		{"print x = 1, 'a'", "print x = 1, \"a\""},
		{"range x from 1 to 10 step 2", "range x from 1 to 10 step 2"},
		{"datatable(a:long, b:string) [1, 'x', 2, 'y']", "datatable(a:long, b:string) [1, \"x\", 2, \"y\"]"},
		{"let x = 5; T | where a > x", "let x = 5;\nT\n    | where a > x"},
		{"let f = (a:string, T:(*), n:long = 10) { T | take n }; f('x', U)", "let f = (a:string, T:(*), n:long = 10) {\n    T\n        | take n\n};\nf(\"x\", U)"},
		{"let f = (T:(a:string, b:long)) { let y = 1; T | where b > y }; f(U)", "let f = (T:(a:string, b:long)) {\n    let y = 1;\n    T\n        | where b > y\n};\nf(U)"},
		{"let f = view () { T }; f()", "let f = () {\n    T\n};\nf()"},
		{"declare query_parameters(a:string, b:long = 5); T", "declare query_parameters(a:string, b:long = 5);\nT"},
		{"set notruncation; set query_now = datetime(2020-01-01); T", "set notruncation;\nset query_now = datetime(2020-01-01T00:00:00Z);\nT"},
		{";;T;", "T"},
		{"T | where Timestamp > ago(7d) // comment\n| take 1", "T\n    | where Timestamp > ago(7d)\n    | take 1"},
		{"T | where a == 'x' 'y'", "T\n    | where a == \"xy\""},
		{"T | summarize count(*)", "T\n    | summarize count(*)"},
		{"T | where not(a) and isempty(b)", "T\n    | where not(a) and isempty(b)"},
		{"(T | take 1) | take 2", "(T\n    | take 1)\n    | take 2"},
		{"T | extend a = - -1", "T\n    | extend a = 1"},
		{"T | extend a = -(1 + 2)", "T\n    | extend a = -(1 + 2)"},
		{"T | where a in (dynamic(['x']))", "T\n    | where a in (dynamic([\"x\"]))"},
		{"T | where a in (dynamic(['x'])) or b in L", "T\n    | where a in (dynamic([\"x\"])) or b in L"},
	}
	for _, tt := range tests {
		s, err := Parse(tt.src)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		got := ast.FormatScript(s)
		if got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.src, got, tt.want)
			continue
		}
		s2, err := Parse(got)
		if err != nil {
			t.Errorf("%s: reparse: %v", got, err)
			continue
		}
		if d := cmp.Diff(s, s2, ignorePositions); d != "" {
			t.Errorf("%s: round trip differs:\n%s", tt.src, d)
		}
	}
}

func TestParseDetails(t *testing.T) {
	s, err := Parse("T | join (U) on a | mv-expand x to typeof(string) | top 3 by a nulls last | where b in (U | take 1)")
	if err != nil {
		t.Fatal(err)
	}
	ops := s.Stmts[0].(*ast.ExprStmt).X.(*ast.Pipe).Ops
	j := ops[0].(*ast.Join)
	if j.Kind != "" || len(j.On) != 1 {
		t.Errorf("join: %+v", j)
	}
	l, r := j.On[0].Left.(*ast.Ident), j.On[0].Right.(*ast.Ident)
	if l == r || l.Name != "a" || r.Name != "a" {
		t.Errorf("join on a: left %p %v right %p %v: want two distinct Idents named a", l, l, r, r)
	}
	if _, ok := j.Right.(*ast.Ident); !ok {
		t.Errorf("join right: %T", j.Right)
	}
	if mv := ops[1].(*ast.MvExpand); mv.Items[0].ToType != kusto.String {
		t.Errorf("mv-expand type %v", mv.Items[0].ToType)
	}
	if top := ops[2].(*ast.Top); !top.Keys[0].Desc || top.Keys[0].Nulls != "last" {
		t.Errorf("top key %+v", top.Keys[0])
	}
	in := ops[3].(*ast.Where).Pred.(*ast.Binary)
	if _, ok := in.R.(*ast.Pipe); !ok {
		t.Errorf("in (tabular): right side is %T, want *ast.Pipe", in.R)
	}
}

func TestParseCommands(t *testing.T) {
	tests := []struct {
		src  string
		want ast.Command
	}{
		{".show tables", ast.Command{Verb: "show tables"}},
		{"  .show table DeviceInfo schema", ast.Command{Verb: "show table schema", Args: []string{"DeviceInfo"}}},
		{".show table devicelogonevents schema", ast.Command{Verb: "show table schema", Args: []string{"devicelogonevents"}}},
		{".show functions", ast.Command{Verb: "show functions"}},
		{".unsanction app Dropbox", ast.Command{Verb: "unsanction app", Args: []string{"Dropbox"}}},
		{`.unsanction app "Dropbox" with (reason="too risky", ticket=42)`, ast.Command{Verb: "unsanction app", Args: []string{"Dropbox"},
			Props: []ast.Property{{Name: "reason", Value: &ast.Literal{Type: kusto.String, Value: "too risky"}}, {Name: "ticket", Value: &ast.Literal{Type: kusto.Long, Value: int64(42)}}}}},
		{".export indicators format=csv", ast.Command{Verb: "export indicators", Props: []ast.Property{{Name: "format", Value: &ast.Ident{Name: "csv"}}}}},
		{".apply policies", ast.Command{Verb: "apply policies"}},
		{".tag app 'Google Drive' Sanctioned", ast.Command{Verb: "tag app", Args: []string{"Google Drive", "Sanctioned"}}},
	}
	for _, tt := range tests {
		s, err := Parse(tt.src)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if s.Command == nil {
			t.Errorf("%s: not a command", tt.src)
			continue
		}
		if s.Command.Text != strings.TrimSpace(tt.src) {
			t.Errorf("%s: Text %q", tt.src, s.Command.Text)
		}
		if d := cmp.Diff(&tt.want, s.Command, ignorePositions); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.src, d)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"T | make-series count() on t step 1h", "1:5: operator 'make-series' is not supported yet"},
		{"T | top-nested 3 of a by count()", "1:5: operator 'top-nested' is not supported yet"},
		{"T | mv-apply x on (take 1)", "1:5: operator 'mv-apply' is not supported yet"},
		{"T | evaluate bag_unpack(x)", "1:5: operator 'evaluate' is not supported yet"},
		{"T | sample 10", "1:5: operator 'sample' is not supported yet"},
		{"T | partition by a (take 1)", "1:5: operator 'partition' is not supported yet"},
		{"T | fork (take 1)", "1:5: operator 'fork' is not supported yet"},
		{"T | facet by a", "1:5: operator 'facet' is not supported yet"},
		{"T | scan with (step s: true;)", "1:5: operator 'scan' is not supported yet"},
		{"search 'x'", "1:1: operator 'search' is not supported yet"},
		{"find 'x'", "1:1: operator 'find' is not supported yet"},
		{"externaldata(a:string) ['http://x']", "1:1: operator 'externaldata' is not supported yet"},
		{"T | wher a", "1:5: unknown operator 'wher'; did you mean 'where'?"},
		{"T | where", "1:10: expected an expression, found end of query"},
		{"| where a", "1:1: expected an expression, found '|'"},
		{"!a", "1:1: expected an expression, found '!'"},
		{"T | distinct !", "1:14: expected an expression, found '!'"},
		{"T | where a ==", "1:15: expected an expression, found end of query"},
		{"T | where (a", "1:13: expected ')' to close the parenthesis, found end of query"},
		{"T | join U", "1:11: expected 'on' in join, found end of query"},
		{"T | lookup (U | where a = ) on a", "1:25: expected ')' to close the right side of the join, found '='"},
		{"T | join kind=inner hint.strategy=broadcast (U | take 1", "1:56: expected ')' to close the right side of the join, found end of query"},
		{"T | where a between (1 2)", "1:24: expected '..' between the bounds of between, found '2'"},
		{"T | join kind=outer U on a", "1:10: unknown join kind 'outer' (expected innerunique, inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi, rightsemi)"},
		{"T | order a", "1:11: expected 'by' after 'order', found 'a'"},
		{"T | project", "1:12: expected a column after 'project'"},
		{"T | take 1 2", "1:12: unexpected '2'; expected ';', '|' or end of query"},
		{"let = 5; T", "1:5: expected a name after 'let', found '='"},
		{"datatable(a:long, b:long) [1, 2, 3]", "1:35: datatable has 3 values, not a multiple of its 2 columns"},
		{"datatable(a:foo) [1]", "1:13: expected a type name (bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic), found 'foo'"},
		{"", "1:1: empty query"},
		{"// only a comment", "1:18: empty query"},
		{".", "1:1: expected a command name after '.' (for example .show tables)"},
		{"let f = (a:long) { }; T", "1:20: function body has no expression"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		if err == nil {
			t.Errorf("%q: no error, want %q", tt.src, tt.want)
			continue
		}
		if got := err.(ErrorList)[0].Error(); got != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}

func TestParseRecoversPerStatement(t *testing.T) {
	_, err := Parse("let a = ;\nlet b = (;\nT | wher x")
	l, ok := err.(ErrorList)
	if !ok || len(l) != 3 {
		t.Fatalf("want 3 errors, got %v", err)
	}
	for i, line := range []int{1, 2, 3} {
		if l[i].Pos.Line != line {
			t.Errorf("error %d on line %d, want %d: %v", i, l[i].Pos.Line, line, l[i])
		}
	}
}

func TestParseDeepNesting(t *testing.T) {
	src := "print " + strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000)
	_, err := Parse(src)
	if err == nil || !strings.Contains(err.Error(), "nests too deeply") {
		t.Fatalf("got %v, want a nesting error", err)
	}
}
