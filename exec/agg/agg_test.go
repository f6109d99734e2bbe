package agg

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

const (
	B  = kusto.Bool
	I  = kusto.Int
	L  = kusto.Long
	R  = kusto.Real
	S  = kusto.String
	DT = kusto.DateTime
	TS = kusto.TimeSpan
	D  = kusto.Dynamic
	G  = kusto.Guid
)

func sp(name string, args []kusto.Type, consts []any, out ...kusto.Type) *Spec {
	return &Spec{Name: name, Args: args, Consts: consts, Out: out}
}

// groups of the five-row inputs below; group 2 exists but sees no row.
var groups5 = []uint32{0, 1, 0, 0, 1}

type aggCase struct {
	name   string
	spec   *Spec
	args   []fn.Arg
	groups []uint32
	n      int
	want   [][]any
}

func aggCases() []aggCase {
	p := col(B, true, false, nil, true, true)
	xl := col(L, 1, 2, nil, 4, 5)
	xr := col(R, 1.5, 2.0, nil, 4.0, 0.5)
	str := col(S, "b", "a", "", "c", "z")
	return []aggCase{
		{"count", sp("count", nil, nil, L), nil, groups5, 3, [][]any{{int64(3), int64(2), int64(0)}}},
		{"countif", sp("countif", []kusto.Type{B}, nil, L), []fn.Arg{p}, groups5, 3, [][]any{{int64(2), int64(1), int64(0)}}},
		{"countif const", sp("countif", []kusto.Type{B}, nil, L), []fn.Arg{constArg(B, true)}, groups5, 3, [][]any{{int64(3), int64(2), int64(0)}}},
		{"sum long", sp("sum", []kusto.Type{L}, nil, L), []fn.Arg{xl}, groups5, 3, [][]any{{int64(5), int64(7), int64(0)}}},
		{"sum int", sp("sum", []kusto.Type{I}, nil, L), []fn.Arg{col(I, 1, 2, nil, 4, 5)}, groups5, 3, [][]any{{int64(5), int64(7), int64(0)}}},
		{"sum real", sp("sum", []kusto.Type{R}, nil, R), []fn.Arg{xr}, groups5, 3, [][]any{{5.5, 2.5, 0.0}}},
		{"sum timespan", sp("sum", []kusto.Type{TS}, nil, TS), []fn.Arg{col(TS, 10, 20, nil, 30, 40)}, groups5, 3, [][]any{{int64(40), int64(60), int64(0)}}},
		{"sum const", sp("sum", []kusto.Type{L}, nil, L), []fn.Arg{constArg(L, 2)}, groups5, 3, [][]any{{int64(6), int64(4), int64(0)}}},
		{"sumif", sp("sumif", []kusto.Type{L, B}, nil, L), []fn.Arg{xl, p}, groups5, 3, [][]any{{int64(5), int64(5), int64(0)}}},
		{"avg", sp("avg", []kusto.Type{L}, nil, R), []fn.Arg{xl}, groups5, 3, [][]any{{2.5, 3.5, "NaN"}}},
		{"avgif", sp("avgif", []kusto.Type{R, B}, nil, R), []fn.Arg{xr, p}, groups5, 3, [][]any{{2.75, 0.5, "NaN"}}},
		{"min long", sp("min", []kusto.Type{L}, nil, L), []fn.Arg{xl}, groups5, 3, [][]any{{int64(1), int64(2), nil}}},
		{"max real", sp("max", []kusto.Type{R}, nil, R), []fn.Arg{xr}, groups5, 3, [][]any{{4.0, 2.0, nil}}},
		{"max datetime", sp("max", []kusto.Type{DT}, nil, DT), []fn.Arg{col(DT, 100, 200, 300, nil, 50)}, groups5, 3, [][]any{{int64(300), int64(200), nil}}},
		{"min string", sp("min", []kusto.Type{S}, nil, S), []fn.Arg{str}, groups5, 3, [][]any{{"", "a", ""}}},
		{"max string", sp("max", []kusto.Type{S}, nil, S), []fn.Arg{str}, groups5, 3, [][]any{{"c", "z", ""}}},
		{"max dict string", sp("max", []kusto.Type{S}, nil, S), []fn.Arg{dictCol("b", "a", "", "c", "z")}, groups5, 3, [][]any{{"c", "z", ""}}},
		{"maxif", sp("maxif", []kusto.Type{L, B}, nil, L), []fn.Arg{col(L, 9, 2, 8, 4, 5), p}, groups5, 3, [][]any{{int64(9), int64(5), nil}}},
		{"minif", sp("minif", []kusto.Type{L, B}, nil, L), []fn.Arg{col(L, 9, 2, 1, 4, 5), p}, groups5, 3, [][]any{{int64(4), int64(5), nil}}},
		{"max bool", sp("max", []kusto.Type{B}, nil, B), []fn.Arg{col(B, false, false, true, nil, nil)}, groups5, 3, [][]any{{true, false, nil}}},
		{
			"arg_max", sp("arg_max", []kusto.Type{L, S, R}, nil, L, S, R),
			[]fn.Arg{col(L, 1, 5, 7, 7, nil), str, xr}, groups5, 3,
			[][]any{{int64(7), int64(5), nil}, {"", "a", ""}, {nil, 2.0, nil}},
		},
		{
			"arg_min", sp("arg_min", []kusto.Type{DT, S}, nil, DT, S),
			[]fn.Arg{col(DT, 30, nil, 10, 10, 40), str}, groups5, 3,
			[][]any{{int64(10), int64(40), nil}, {"", "z", ""}},
		},
		{
			"arg_max string key without key column", sp("arg_max", []kusto.Type{S, L}, nil, L),
			[]fn.Arg{dictCol("b", "a", "", "c", "z"), xl}, groups5, 3,
			[][]any{{int64(4), int64(5), nil}},
		},
		{"take_any", sp("take_any", []kusto.Type{S}, nil, S), []fn.Arg{col(S, "", "a", "b", "c", "")}, groups5, 3, [][]any{{"b", "a", ""}}},
		{"take_any null", sp("take_any", []kusto.Type{L}, nil, L), []fn.Arg{col(L, nil, nil, 3, 4, nil)}, groups5, 3, [][]any{{int64(3), nil, nil}}},
		{
			"take_any multi", sp("take_any", []kusto.Type{L, S}, nil, L, S),
			[]fn.Arg{col(L, nil, 2, 3, 4, 5), str}, groups5, 3,
			[][]any{{nil, int64(2), nil}, {"b", "a", ""}},
		},
		{"dcount", sp("dcount", []kusto.Type{S}, nil, L), []fn.Arg{col(S, "a", "b", "a", "c", "b")}, groups5, 3, [][]any{{int64(2), int64(1), int64(0)}}},
		{"dcount dict", sp("dcount", []kusto.Type{S}, nil, L), []fn.Arg{dictCol("a", "b", "a", "c", "b")}, groups5, 3, [][]any{{int64(2), int64(1), int64(0)}}},
		{"dcount long nulls", sp("dcount", []kusto.Type{L, I}, []any{nil, int64(2)}, L), []fn.Arg{col(L, 1, nil, nil, 1, 7), constArg(I, 2)}, groups5, 3, [][]any{{int64(1), int64(1), int64(0)}}},
		{"dcount real", sp("dcount", []kusto.Type{R}, nil, L), []fn.Arg{col(R, 0.0, 1.0, math.Copysign(0, -1), 2.0, 1.0)}, groups5, 3, [][]any{{int64(2), int64(1), int64(0)}}},
		{"dcountif", sp("dcountif", []kusto.Type{S, B}, nil, L), []fn.Arg{col(S, "a", "b", "x", "c", "d"), p}, groups5, 3, [][]any{{int64(2), int64(1), int64(0)}}},
		{"count_distinct", sp("count_distinct", []kusto.Type{S}, nil, L), []fn.Arg{col(S, "a", "b", "a", "", "b")}, groups5, 3, [][]any{{int64(2), int64(1), int64(0)}}},
		{"make_set long", sp("make_set", []kusto.Type{L}, nil, D), []fn.Arg{col(L, 1, 2, 1, 3, nil)}, groups5, 3, [][]any{{"[1,3]", "[2]", "[]"}}},
		{"make_set string", sp("make_set", []kusto.Type{S}, nil, D), []fn.Arg{col(S, "a\"", "b", "a\"", "c", "b")}, groups5, 3, [][]any{{`["a\"","c"]`, `["b"]`, "[]"}}},
		{"make_set escapes", sp("make_set", []kusto.Type{S}, nil, D), []fn.Arg{col(S, "a\\b\n\x01", "\xffé", "", "", "")}, groups5, 3, [][]any{{`["a\\b\n\u0001",""]`, `["\ufffdé",""]`, "[]"}}},
		{"make_set dict", sp("make_set", []kusto.Type{S}, nil, D), []fn.Arg{dictCol("x", "y", "x", "z", "y")}, groups5, 3, [][]any{{`["x","z"]`, `["y"]`, "[]"}}},
		{"make_set real", sp("make_set", []kusto.Type{R}, nil, D), []fn.Arg{col(R, 1.0, 2.5, 1.0, 1e21, nil)}, groups5, 3, [][]any{{`[1.0,1e+21]`, `[2.5]`, "[]"}}},
		{"make_set real as dynamic writes it", sp("make_set", []kusto.Type{R}, nil, D), []fn.Arg{col(R, 1234567.0, -3e6, nil, nil, nil)}, groups5, 3, [][]any{{`[1234567.0]`, `[-3000000.0]`, "[]"}}},
		{"make_set timespan", sp("make_set", []kusto.Type{TS}, nil, D), []fn.Arg{col(TS, 90_000_000_000, nil, nil, nil, -1_000_000_000)}, groups5, 3, [][]any{{`["00:01:30"]`, `["-00:00:01"]`, "[]"}}},
		{"make_set datetime", sp("make_set", []kusto.Type{DT}, nil, D), []fn.Arg{col(DT, 1599040800000000000, nil, nil, nil, 0)}, groups5, 3, [][]any{{`["2020-09-02T10:00:00.0000000Z"]`, `["1970-01-01T00:00:00.0000000Z"]`, "[]"}}},
		{"make_set dynamic", sp("make_set", []kusto.Type{D}, nil, D), []fn.Arg{col(D, "[1, 2]", `{"a": 1}`, "[2,3]", "null", `{"a":1}`)}, groups5, 3, [][]any{{"[1,2,3]", `[{"a":1}]`, "[]"}}},
		{"make_set max", sp("make_set", []kusto.Type{L, I}, []any{nil, 1}, D), []fn.Arg{col(L, 1, 2, 1, 3, nil), constArg(I, 1)}, groups5, 3, [][]any{{"[1]", "[2]", "[]"}}},
		{"make_set_if", sp("make_set_if", []kusto.Type{L, B}, nil, D), []fn.Arg{col(L, 1, 2, 5, 3, 2), p}, groups5, 3, [][]any{{"[1,3]", "[2]", "[]"}}},
		{"make_list", sp("make_list", []kusto.Type{S}, nil, D), []fn.Arg{col(S, "a", "b", "a", "c", "b")}, groups5, 3, [][]any{{`["a","a","c"]`, `["b","b"]`, "[]"}}},
		{"make_list max", sp("make_list", []kusto.Type{L, L}, []any{nil, int64(2)}, D), []fn.Arg{col(L, 1, 2, 1, 3, nil), constArg(L, 2)}, groups5, 3, [][]any{{"[1,1]", "[2]", "[]"}}},
		{"make_list dynamic", sp("make_list", []kusto.Type{D}, nil, D), []fn.Arg{col(D, "[1, 2]", "x", "[2,3]", "", nil)}, groups5, 3, [][]any{{`[[1,2],[2,3]]`, `["x"]`, "[]"}}},
		{"make_list_if", sp("make_list_if", []kusto.Type{TS, B}, nil, D), []fn.Arg{col(TS, 3600000000000, 1, 2, 300, 86400000000000), p}, groups5, 3, [][]any{{`["01:00:00","00:00:00.0000003"]`, `["1.00:00:00"]`, "[]"}}},
		{"make_bag", sp("make_bag", []kusto.Type{D}, nil, D), []fn.Arg{col(D, `{"a":1}`, `[1]`, `{"b": [2], "a": 3}`, `5`, nil)}, groups5, 3, [][]any{{`{"a":1,"b":[2]}`, `{}`, `{}`}}},
		{"percentile", sp("percentile", []kusto.Type{L, R}, []any{nil, 50.0}, L), []fn.Arg{col(L, 1, 2, 3, 4, 5), constArg(R, 50.0)}, groups5, 3, [][]any{{int64(3), int64(2), nil}}},
		{
			"percentiles", sp("percentiles", []kusto.Type{R, R, R, R}, []any{nil, 0, 50, 100.0}, R, R, R),
			[]fn.Arg{col(R, 5.0, 2.0, 1.0, 3.0, nil)}, groups5, 3,
			[][]any{{1.0, 2.0, nil}, {3.0, 2.0, nil}, {5.0, 2.0, nil}},
		},
		{"percentile datetime", sp("percentile", []kusto.Type{DT, L}, []any{nil, int64(90)}, DT), []fn.Arg{col(DT, 10, 20, 30, 40, nil)}, groups5, 3, [][]any{{int64(40), int64(20), nil}}},
		{"variance", sp("variance", []kusto.Type{L}, nil, R), []fn.Arg{col(L, 1, 5, 4, nil, nil)}, groups5, 3, [][]any{{4.5, 0.0, 0.0}}},
		{"stdev", sp("stdev", []kusto.Type{R}, nil, R), []fn.Arg{col(R, 2.0, 1.0, 4.0, 6.0, 3.0)}, groups5, 3, [][]any{{2.0, math.Sqrt2, 0.0}}},
		{"stdev datetime", sp("stdev", []kusto.Type{DT}, nil, R), []fn.Arg{col(DT, 1599040800000000002, 0, 1599040800000000004, 1599040800000000006, 0)}, groups5, 3, [][]any{{2.0, 0.0, 0.0}}},
		{"avg datetime", sp("avg", []kusto.Type{DT}, nil, DT), []fn.Arg{col(DT, 1599040800000000001, nil, 1599040800000000004, nil, 1599040800000000006)}, groups5, 3, [][]any{{int64(1599040800000000003), int64(1599040800000000006), nil}}},
		{"avg timespan", sp("avg", []kusto.Type{TS}, nil, TS), []fn.Arg{col(TS, 10, 20, 20, nil, 30)}, groups5, 3, [][]any{{int64(15), int64(25), nil}}},
		{"avg int", sp("avg", []kusto.Type{I}, nil, R), []fn.Arg{col(I, 1, 2, 2, 2, 30)}, groups5, 3, [][]any{{5.0 / 3, 16.0, "NaN"}}},
		{"variancep", sp("variancep", []kusto.Type{R}, nil, R), []fn.Arg{col(R, 1.0, 1.0, 3.0, nil, 1.0)}, groups5, 3, [][]any{{1.0, 0.0, 0.0}}},
		{"stdevp", sp("stdevp", []kusto.Type{L}, nil, R), []fn.Arg{col(L, 1, 1, 3, nil, 1)}, groups5, 3, [][]any{{1.0, 0.0, 0.0}}},
		{"stdevif", sp("stdevif", []kusto.Type{L, B}, nil, R), []fn.Arg{col(L, 1, 1, 100, 3, 1), p}, groups5, 3, [][]any{{math.Sqrt2, 0.0, 0.0}}},
		{"take_anyif", sp("take_anyif", []kusto.Type{S, B}, nil, S), []fn.Arg{col(S, "a", "b", "c", "d", "e"), col(B, false, false, nil, true, true)}, groups5, 3, [][]any{{"d", "e", ""}}},
		{"make_list_with_nulls", sp("make_list_with_nulls", []kusto.Type{L}, nil, D), []fn.Arg{col(L, nil, 2, 1, nil, nil)}, groups5, 3, [][]any{{"[null,1,null]", "[2,null]", "[]"}}},
		{"make_list_with_nulls dynamic", sp("make_list_with_nulls", []kusto.Type{D}, nil, D), []fn.Arg{col(D, "null", "[]", "{}", nil, "1")}, groups5, 3, [][]any{{"[null,{},null]", "[[],1]", "[]"}}},
		{"makelist_if legacy", sp("makelist_if", []kusto.Type{G, B}, nil, D), []fn.Arg{col(G, "x", "y", "z", "w", "v"), p}, groups5, 3, [][]any{{`["x","w"]`, `["v"]`, "[]"}}},
		{"sum dynamic", sp("sum", []kusto.Type{D}, nil, R), []fn.Arg{col(D, "1", `"2.5"`, "x", "[1]", "4")}, groups5, 3, [][]any{{1.0, 6.5, 0.0}}},
		{"avg dynamic", sp("avg", []kusto.Type{D}, nil, R), []fn.Arg{col(D, "1", "null", "3", nil, "{}")}, groups5, 3, [][]any{{2.0, "NaN", "NaN"}}},
		{"percentile dynamic", sp("percentile", []kusto.Type{D, L}, []any{nil, int64(50)}, R), []fn.Arg{col(D, "1", "2", "3", "4", "5"), constArg(L, 50)}, groups5, 3, [][]any{{3.0, 2.0, nil}}},
		{"take_any dynamic", sp("take_any", []kusto.Type{D}, nil, D), []fn.Arg{col(D, nil, `{"a":1}`, nil, nil, "")}, groups5, 3, [][]any{{nil, `{"a":1}`, nil}}},
		{"makeset legacy", sp("makeset", []kusto.Type{I}, nil, D), []fn.Arg{col(I, 1, 2, 1, 3, nil)}, groups5, 3, [][]any{{"[1,3]", "[2]", "[]"}}},
	}
}

var floatCmp = cmpopts.EquateApprox(0, 1e-9)

func TestAggregates(t *testing.T) {
	for _, tc := range aggCases() {
		t.Run(tc.name, func(t *testing.T) {
			a, err := New(tc.spec)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := a.Update(tc.args, tc.groups); err != nil {
				t.Fatalf("Update: %v", err)
			}
			got := results(t, a, tc.n)
			if diff := cmp.Diff(tc.want, got, floatCmp); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMerge checks that splitting the rows between two aggregators (the second
// with its own group numbering) and merging gives the one-pass result.
func TestMerge(t *testing.T) {
	for _, tc := range aggCases() {
		for split := 0; split <= len(tc.groups); split++ {
			a, err := New(tc.spec)
			if err != nil {
				t.Fatalf("%s: New: %v", tc.name, err)
			}
			b, _ := New(tc.spec)
			one, _ := New(tc.spec)
			if err := one.Update(tc.args, tc.groups); err != nil {
				t.Fatal(err)
			}
			if err := a.Update(sliceArgs(tc.args, 0, split), tc.groups[:split]); err != nil {
				t.Fatalf("%s: Update: %v", tc.name, err)
			}
			// b numbers group g as (g+1) % n; mapping takes it back.
			n := uint32(tc.n)
			bg := make([]uint32, 0, len(tc.groups)-split)
			for _, g := range tc.groups[split:] {
				bg = append(bg, (g+1)%n)
			}
			mapping := make([]uint32, n)
			for g := uint32(0); g < n; g++ {
				mapping[(g+1)%n] = g
			}
			if err := b.Update(sliceArgs(tc.args, split, len(tc.groups)), bg); err != nil {
				t.Fatalf("%s: Update: %v", tc.name, err)
			}
			if err := a.Merge(b, mapping); err != nil {
				t.Fatalf("%s: Merge: %v", tc.name, err)
			}
			want := results(t, one, tc.n)
			got := results(t, a, tc.n)
			if diff := cmp.Diff(want, got, floatCmp); diff != "" {
				t.Errorf("%s split %d: merged result differs (-one pass +merged):\n%s", tc.name, split, diff)
			}
		}
	}
}

// TestEmptyInput checks the values of a group that saw no row (summarize
// without by over empty input): Result(1) on a fresh aggregator.
func TestEmptyInput(t *testing.T) {
	want := map[string][]any{
		"count": {int64(0)}, "countif": {int64(0)}, "countif const": {int64(0)},
		"sum long": {int64(0)}, "sum real": {0.0}, "avg": {"NaN"}, "min long": {nil},
		"min string": {""}, "dcount": {int64(0)}, "dcountif": {int64(0)}, "make_set long": {"[]"},
		"make_list": {"[]"}, "make_bag": {"{}"}, "variance": {0.0}, "stdev": {0.0},
		"percentile": {nil}, "take_any": {""}, "arg_max": {nil}, "count_distinct": {int64(0)},
		"sumif": {int64(0)},
	}
	for _, tc := range aggCases() {
		w, ok := want[tc.name]
		if !ok {
			continue
		}
		a, err := New(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		got := results(t, a, 1)
		if diff := cmp.Diff(w, got[0]); diff != "" {
			t.Errorf("%s: empty input (-want +got):\n%s", tc.name, diff)
		}
		delete(want, tc.name)
	}
	if len(want) > 0 {
		t.Errorf("cases not found: %v", want)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		spec *Spec
	}{
		{"unknown", sp("fork", []kusto.Type{L}, nil, L)},
		{"sum string", sp("sum", []kusto.Type{S}, nil, L)},
		{"dcount accuracy", sp("dcount", []kusto.Type{S, I}, []any{nil, 7}, L)},
		{"dcount accuracy per row", sp("dcount", []kusto.Type{S, I}, []any{nil, nil}, L)},
		{"percentile per row", sp("percentile", []kusto.Type{L, R}, []any{nil, nil}, L)},
		{"percentile range", sp("percentile", []kusto.Type{L, R}, []any{nil, 101.0}, L)},
		{"percentile string", sp("percentile", []kusto.Type{S, R}, []any{nil, 50.0}, S)},
		{"make_bag string", sp("make_bag", []kusto.Type{S}, nil, D)},
		{"arg_max outs", sp("arg_max", []kusto.Type{L, S}, nil, L, S, S)},
		{"max dynamic", sp("max", []kusto.Type{D}, nil, D)},
		{"no out", sp("count", nil, nil)},
	}
	for _, tc := range tests {
		if _, err := New(tc.spec); err == nil {
			t.Errorf("%s: New succeeded, want error", tc.name)
		}
	}
}

func TestKnown(t *testing.T) {
	for _, n := range []string{"count", "dcount", "makeset", "any", "argmax", "percentiles", "make_bag"} {
		if !Known(n) {
			t.Errorf("Known(%q) = false", n)
		}
	}
	for _, n := range []string{"fork", "strlen", ""} {
		if Known(n) {
			t.Errorf("Known(%q) = true", n)
		}
	}
	for _, n := range Names() {
		spec := sp(n, []kusto.Type{L, L}, []any{nil, 1}, L)
		if _, err := New(spec); err != nil && err.Error() == "unsupported aggregate function '"+n+"'" {
			t.Errorf("Names lists %q but New does not know it", n)
		}
	}
}

// TestGrowingGroups feeds batches whose group ids grow, then asks for more
// groups than were seen.
func TestGrowingGroups(t *testing.T) {
	a, err := New(sp("sum", []kusto.Type{L}, nil, L))
	if err != nil {
		t.Fatal(err)
	}
	for b := 0; b < 5; b++ {
		g := uint32(b * 100)
		if err := a.Update([]fn.Arg{col(L, 1, 2)}, []uint32{g, g}); err != nil {
			t.Fatal(err)
		}
	}
	got := results(t, a, 501)[0]
	for g, v := range got {
		want := int64(0)
		if g%100 == 0 && g < 500 {
			want = 3
		}
		if v != want {
			t.Fatalf("group %d = %v, want %d", g, v, want)
		}
	}
}

func TestSizer(t *testing.T) {
	for _, tc := range aggCases() {
		a, err := New(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := a.(Sizer)
		if !ok {
			t.Fatalf("%s: %T does not implement Sizer", tc.name, a)
		}
		before := s.Bytes()
		if err := a.Update(tc.args, tc.groups); err != nil {
			t.Fatal(err)
		}
		if after := s.Bytes(); after <= before {
			t.Errorf("%s: Bytes %d before and %d after Update", tc.name, before, after)
		}
	}
}
