package ast

import (
	"math"
	"testing"

	"github.com/prowl-hunt/prowl/kusto"
)

func lit(v int64) *Literal { return &Literal{Type: kusto.Long, Value: v} }

func TestFormatExpr(t *testing.T) {
	a, b := &Ident{Name: "a"}, &Ident{Name: "b"}
	tests := []struct {
		n    Node
		want string
	}{
		// precedence is restored for trees built by hand (no Paren nodes)
		{&Binary{Op: "*", L: &Binary{Op: "+", L: a, R: b}, R: lit(2)}, "(a + b) * 2"},
		{&Binary{Op: "-", L: a, R: &Binary{Op: "-", L: b, R: lit(1)}}, "a - (b - 1)"},
		{&Binary{Op: "and", L: &Binary{Op: "or", L: a, R: b}, R: a}, "(a or b) and a"},
		{&Binary{Op: "==", L: &Binary{Op: "+", L: a, R: lit(1)}, R: lit(-2)}, "a + 1 == -2"},
		{&Unary{Op: "-", X: &Binary{Op: "+", L: a, R: b}}, "-(a + b)"},
		{&Binary{Op: "in", L: a, R: &List{Items: []Expr{lit(1), lit(2)}}}, "a in (1, 2)"},
		{&Binary{Op: "between", L: a, R: &RangeExpr{Lo: lit(1), Hi: lit(2)}}, "a between (1 .. 2)"},
		{&Member{X: &Ident{Name: "$left"}, Name: "X"}, "$left.X"},
		{&Member{X: a, Name: "my key"}, `a.["my key"]`},
		{&Index{X: a, Index: &Literal{Type: kusto.String, Value: "k"}}, `a["k"]`},
		{&Ident{Name: "with space"}, `["with space"]`},
		{&Ident{Name: "by"}, `["by"]`},
		{&Literal{Type: kusto.String, Value: "a\"b\\c\n\x01"}, `"a\"b\\c\n\u0001"`},
		{&Literal{Type: kusto.TimeSpan, Value: int64(90 * 60e9)}, "90m"},
		{&Literal{Type: kusto.TimeSpan, Value: int64(1500)}, "15tick"},
		{&Literal{Type: kusto.TimeSpan, Value: int64(1550)}, "1550nanosecond"},
		{&Literal{Type: kusto.DateTime, Value: int64(1599040800e9)}, "datetime(2020-09-02T10:00:00Z)"},
		{&Literal{Type: kusto.Real, Value: 2.0}, "2.0"},
		{&Literal{Type: kusto.Real, Value: math.NaN()}, "real(nan)"},
		{&Literal{Type: kusto.Int, Value: int32(3)}, "int(3)"},
		{&Literal{Type: kusto.Long, Null: true}, "long(null)"},
		{&Literal{Type: kusto.Guid, Value: "74be27de-1e4e-49d9-b579-fe0b331d3642"}, "guid(74be27de-1e4e-49d9-b579-fe0b331d3642)"},
		{&Literal{Type: kusto.Dynamic, Value: `{"a":1}`}, `dynamic({"a":1})`},
		{&Call{Name: "count", Args: []Expr{&Star{}}}, "count(*)"},
		{&Where{Pred: a}, "where a"},
		{&Sort{Keys: []*SortKey{{X: a}, {X: b, Desc: true, Nulls: "first"}}}, "order by a asc, b desc nulls first"},
		{&Summarize{Aggs: []*NamedExpr{{Names: []string{"T", "U"}, X: &Call{Name: "arg_max", Args: []Expr{a, b}}}}, By: []*NamedExpr{{X: b}}}, "summarize (T, U) = arg_max(a, b) by b"},
	}
	for _, tt := range tests {
		if got := Format(tt.n); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
}

func TestClone(t *testing.T) {
	orig := &Pipe{Source: &Ident{Name: "T"}, Ops: []Op{&Where{Pred: &Binary{Op: "==", L: &Ident{Name: "a"}, R: lit(1)}}}}
	c := Clone(orig)
	if c == orig || c.Source == orig.Source || c.Ops[0] == orig.Ops[0] {
		t.Fatal("clone shares nodes")
	}
	if Format(c) != Format(orig) {
		t.Fatalf("clone differs: %s vs %s", Format(c), Format(orig))
	}
	c.Source.(*Ident).Name = "U"
	if orig.Source.(*Ident).Name != "T" {
		t.Fatal("changing the clone changed the original")
	}
}
