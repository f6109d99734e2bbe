package eval

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/kusto"
)

func ctx() *Ctx { return &Ctx{Ctx: context.Background()} }

func boolsOf(t *testing.T, v Value) []string {
	t.Helper()
	var out []string
	for i := 0; i < v.Array.Len(); i++ {
		switch {
		case v.Array.IsNull(i):
			out = append(out, "null")
		case v.Array.(*array.Boolean).Value(i):
			out = append(out, "true")
		default:
			out = append(out, "false")
		}
	}
	return out
}

func TestCompareNullRules(t *testing.T) {
	x := &Column{Index: 0, T: kusto.Long}
	five, _ := NewConst(kusto.Long, int64(5))
	null, _ := NewConst(kusto.Long, nil)
	b := &Batch{Cols: []arrow.Array{NewInts(kusto.Long, []int64{5, 0, 7}, []bool{true, false, true})}, N: 3}
	tests := []struct {
		op   string
		r    Expr
		want []string
	}{
		{"==", five, []string{"true", "false", "false"}},
		{"!=", five, []string{"false", "true", "true"}},
		{"<", five, []string{"false", "null", "false"}},
		{">=", five, []string{"true", "null", "true"}},
		{"==", null, []string{"false", "null", "false"}},
		{"!=", null, []string{"true", "null", "true"}},
	}
	for _, tc := range tests {
		v, err := (&Compare{Op: tc.op, L: x, R: tc.r}).Eval(ctx(), b)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, boolsOf(t, v)); diff != "" {
			t.Errorf("x %s %v:\n%s", tc.op, tc.r, diff)
		}
	}
}

func TestLogicThreeValued(t *testing.T) {
	b := &Batch{Cols: []arrow.Array{
		NewBools([]bool{true, true, true, false, false, false, false, false, false}, []bool{true, true, true, true, true, true, false, false, false}),
		NewBools([]bool{true, false, false, true, false, false, true, false, false}, []bool{true, true, false, true, true, false, true, true, false}),
	}, N: 9}
	l, r := &Column{Index: 0, T: kusto.Bool}, &Column{Index: 1, T: kusto.Bool}
	and, _ := (&Logic{L: l, R: r}).Eval(ctx(), b)
	or, _ := (&Logic{Or: true, L: l, R: r}).Eval(ctx(), b)
	wantAnd := []string{"true", "false", "null", "false", "false", "false", "null", "false", "null"}
	wantOr := []string{"true", "true", "true", "true", "false", "null", "true", "null", "null"}
	if diff := cmp.Diff(wantAnd, boolsOf(t, and)); diff != "" {
		t.Errorf("and:\n%s", diff)
	}
	if diff := cmp.Diff(wantOr, boolsOf(t, or)); diff != "" {
		t.Errorf("or:\n%s", diff)
	}
}

func TestArith(t *testing.T) {
	b := &Batch{Cols: []arrow.Array{NewInts(kusto.Long, []int64{-5, 7, 0}, []bool{true, true, false})}, N: 3}
	x := &Column{Index: 0, T: kusto.Long}
	three, _ := NewConst(kusto.Long, int64(3))
	zero, _ := NewConst(kusto.Long, int64(0))
	for _, tc := range []struct {
		op   string
		r    Expr
		want []int64
		null []bool
	}{
		{"%", three, []int64{1, 1, 0}, []bool{false, false, true}},
		{"/", three, []int64{-1, 2, 0}, []bool{false, false, true}},
		{"/", zero, []int64{0, 0, 0}, []bool{true, true, true}},
	} {
		v, err := (&Arith{Op: tc.op, L: x, R: tc.r, T: kusto.Long}).Eval(ctx(), b)
		if err != nil {
			t.Fatal(err)
		}
		for i := range tc.want {
			if v.Array.IsNull(i) != tc.null[i] || (!tc.null[i] && Ints(v.Array)[i] != tc.want[i]) {
				t.Errorf("x %s: row %d = %v", tc.op, i, v.Array)
			}
		}
	}
}

func dict(t *testing.T, vals ...string) arrow.Array {
	t.Helper()
	b := array.NewDictionaryBuilder(memory.DefaultAllocator, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	for _, v := range vals {
		if err := b.AppendString(v); err != nil {
			t.Fatal(err)
		}
	}
	return b.NewArray()
}

func TestStringOpsPlainAndDictionaryAgree(t *testing.T) {
	vals := []string{"KustoExplorerQueryRun", "North America", "run cmd.exe now", "", "DROPBOX.com", "x.dropbox.com/a"}
	ops := []struct {
		op, needle string
	}{
		{"has", "explorer"}, {"has", "america"}, {"has", "cmd.exe"}, {"contains", "dropbox"}, {"contains_cs", "dropbox"},
		{"startswith", "north"}, {"endswith", ".COM"}, {"=~", "dropbox.com"}, {"==", "dropbox.com"}, {"hasprefix", "amer"},
		{"hassuffix", "ica"}, {"matches regex", `^\w+$`}, {"has_cs", "America"},
	}
	plain := &Batch{Cols: []arrow.Array{NewStrings(vals)}, N: len(vals)}
	dicted := &Batch{Cols: []arrow.Array{dict(t, vals...)}, N: len(vals)}
	for _, o := range ops {
		m, err := NewStringMatcher(o.op, o.needle)
		if err != nil {
			t.Fatal(err)
		}
		e := &StrOp{Op: o.op, L: &Column{Index: 0, T: kusto.String}, Matcher: m}
		a, _ := e.Eval(ctx(), plain)
		d, _ := e.Eval(ctx(), dicted)
		if diff := cmp.Diff(boolsOf(t, a), boolsOf(t, d)); diff != "" {
			t.Errorf("%s %q plain vs dictionary:\n%s", o.op, o.needle, diff)
		}
	}
	// the classic traps
	m, _ := NewStringMatcher("has", "Explorer")
	if m.Match("KustoExplorerQueryRun") {
		t.Error(`"KustoExplorerQueryRun" has "Explorer" must be false`)
	}
	m, _ = NewStringMatcher("has", "amer")
	if m.Match("North America") {
		t.Error(`"North America" has "amer" must be false`)
	}
}

func TestInSet(t *testing.T) {
	b := &Batch{Cols: []arrow.Array{NewStrings([]string{"Abc", "abc", "x"})}, N: 3}
	x := &Column{Index: 0, T: kusto.String}
	set := []arrow.Array{NewStrings([]string{"abc"})}
	cs, _ := (&In{X: x, Set: NewSet(kusto.String, false, set)}).Eval(ctx(), b)
	ci, _ := (&In{X: x, Set: NewSet(kusto.String, true, set)}).Eval(ctx(), b)
	if diff := cmp.Diff([]string{"false", "true", "false"}, boolsOf(t, cs)); diff != "" {
		t.Errorf("in:\n%s", diff)
	}
	if diff := cmp.Diff([]string{"true", "true", "false"}, boolsOf(t, ci)); diff != "" {
		t.Errorf("in~:\n%s", diff)
	}
}

func TestDynamicPath(t *testing.T) {
	b := &Batch{Cols: []arrow.Array{NewStrings([]string{`{"a":{"b":[1,2,3]}}`, `{"a":1}`, `not json`, `"{\"a\":{\"b\":[9]}}"`})}, N: 4}
	p := &Path{X: &Column{Index: 0, T: kusto.Dynamic}, Steps: []Step{{Key: "a", IsKey: true}, {Key: "b", IsKey: true}, {Index: -1}}}
	v, err := p.Eval(ctx(), b)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < v.Array.Len(); i++ {
		if v.Array.IsNull(i) {
			got = append(got, "null")
		} else {
			got = append(got, StringAt(v.Array, i))
		}
	}
	if diff := cmp.Diff([]string{"3", "null", "null", "9"}, got); diff != "" {
		t.Errorf("path:\n%s", diff)
	}
}

func TestTakeKeepsDictionary(t *testing.T) {
	d := dict(t, "a", "b", "a")
	got := Take(d, []int32{2, 1})
	if got.DataType().ID() != arrow.DICTIONARY || StringAt(got, 0) != "a" || StringAt(got, 1) != "b" {
		t.Fatalf("take: %v", got)
	}
	if dec := Decode(got); dec.DataType().ID() != arrow.STRING || StringAt(dec, 1) != "b" {
		t.Fatalf("decode: %v", dec)
	}
}

// TestCompareIntConstFastPath checks the column-vs-constant integer loops,
// including Kusto's null rules (== false, != true, ordering null).
func TestCompareIntConstFastPath(t *testing.T) {
	bld := array.NewInt32Builder(memory.DefaultAllocator)
	bld.AppendValues([]int32{443, 80, 0, 8080}, []bool{true, true, false, true})
	col := bld.NewArray()
	b := &Batch{Cols: []arrow.Array{col}, N: 4}
	c := &Const{V: NewInts(kusto.Long, []int64{443}, nil), T: kusto.Long}
	// valid, value per row; "n" marks null.
	want := map[string]string{
		"==": "TFFF", "!=": "FTTT", "<": "FTnF", "<=": "TTnF", ">": "FFnT", ">=": "TFnT",
	}
	for op, w := range want {
		v, err := (&Compare{Op: op, L: &Column{Index: 0, T: kusto.Int}, R: c}).Eval(nil, b)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		bs := v.Array.(*array.Boolean)
		for i := 0; i < bs.Len(); i++ {
			switch {
			case bs.IsNull(i):
				got += "n"
			case bs.Value(i):
				got += "T"
			default:
				got += "F"
			}
		}
		if got != w {
			t.Errorf("x %s 443 = %s, want %s", op, got, w)
		}
	}
}

func TestTakeInt32AndDictionary(t *testing.T) {
	bld := array.NewInt32Builder(memory.DefaultAllocator)
	bld.AppendValues([]int32{5, 6, 0, 8}, []bool{true, true, false, true})
	got := Take(bld.NewArray(), []int32{3, 2, 0})
	if got.Len() != 3 || Ints(got)[0] != 8 || got.IsValid(1) || Ints(got)[2] != 5 {
		t.Fatalf("int32 take = %v", got)
	}
	d := Take(dict(t, "x", "y", "x", "z"), []int32{3, 0, 1})
	var s []string
	for i := 0; i < d.Len(); i++ {
		s = append(s, StringAt(d, i))
	}
	if diff := cmp.Diff([]string{"z", "x", "y"}, s); diff != "" {
		t.Fatalf("dictionary take (-want +got):\n%s", diff)
	}
}

func TestCompareSelect(t *testing.T) {
	col := NewInts(kusto.Long, []int64{443, 80, 443, 8080, 22}, nil)
	c := &Const{V: NewInts(kusto.Long, []int64{443}, nil), T: kusto.Long}
	cases := []struct {
		op   string
		sel  []int32
		want []int32
	}{
		{"!=", nil, []int32{1, 3, 4}},
		{"!=", []int32{0, 3, 4}, []int32{3, 4}},
		{"==", nil, []int32{0, 2}},
		{"<", []int32{1, 2, 4}, []int32{1, 4}},
		{">=", nil, []int32{0, 2, 3}},
	}
	for _, tc := range cases {
		b := &Batch{Cols: []arrow.Array{col}, N: 5, Sel: tc.sel}
		got, ok, err := (&Compare{Op: tc.op, L: &Column{Index: 0, T: kusto.Long}, R: c}).Select(nil, b)
		if err != nil || !ok {
			t.Fatalf("%s: ok=%v err=%v", tc.op, ok, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s %v (-want +got):\n%s", tc.op, tc.sel, diff)
		}
	}
	// A column with nulls takes the general path (Kusto null rules).
	withNull := NewInts(kusto.Long, []int64{1, 0}, []bool{true, false})
	if _, ok, _ := (&Compare{Op: "!=", L: &Column{Index: 0, T: kusto.Long}, R: c}).Select(nil, &Batch{Cols: []arrow.Array{withNull}, N: 2}); ok {
		t.Fatal("Select must decline columns with nulls")
	}
}
