package op

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/kusto"
)

// runJoin joins left (key column 0, value column 1) with a small right side
// (key, label) and returns the rows as "key|n|label" strings.
func runJoin(t *testing.T, kind string, left *eval.Batch) []string {
	t.Helper()
	ls := kusto.Schema{{Name: "k", Type: kusto.String}, {Name: "n", Type: kusto.Long}}
	rs := kusto.Schema{{Name: "k1", Type: kusto.String}, {Name: "label", Type: kusto.String}}
	right := &eval.Batch{N: 4, Cols: []arrow.Array{
		eval.NewStrings([]string{"a", "b", "b", ""}),
		eval.NewStrings([]string{"A", "B1", "B2", "EMPTY"}),
	}}
	j := &Join{
		Left: values(ls, left), Right: values(rs, right), Kind: kind,
		LeftKeys:  []eval.Expr{&eval.Column{Index: 0, T: kusto.String}},
		RightKeys: []eval.Expr{&eval.Column{Index: 0, T: kusto.String}},
		LeftOut:   []int{0, 1}, RightOut: []int{1},
		Out:    append(append(kusto.Schema{}, ls...), rs[1]),
		Ctx:    &eval.Ctx{Ctx: context.Background()},
		Budget: &Budget{},
	}
	if kind == "leftanti" || kind == "leftsemi" {
		j.RightOut = nil
		j.Out = ls
	}
	var out []string
	for {
		b, err := j.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			return out
		}
		for i := 0; i < b.Len(); i++ {
			r := b.Row(i)
			s := eval.StringAt(b.Cols[0], r) + "|" + b.Cols[1].ValueStr(r)
			if len(b.Cols) > 2 {
				s += "|" + eval.StringAt(b.Cols[2], r)
			}
			out = append(out, s)
		}
	}
}

// TestJoinDictionaryProbeMatchesPlain checks the dictionary-encoded probe
// path (per-entry lookups, null keys matching "") against plain strings.
func TestJoinDictionaryProbeMatchesPlain(t *testing.T) {
	keys := []string{"a", "b", "c", "", "b", "a"}
	valid := []bool{true, true, true, false, true, true}
	n := eval.NewInts(kusto.Long, []int64{0, 1, 2, 3, 4, 5}, nil)
	plain := &eval.Batch{N: 6, Cols: []arrow.Array{eval.NewStrings([]string{"a", "b", "c", "", "b", "a"}), n}, Sel: []int32{0, 1, 2, 3, 4}}
	db := array.NewDictionaryBuilder(memory.DefaultAllocator, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	for i, k := range keys {
		if !valid[i] {
			db.AppendNull()
			continue
		}
		if err := db.AppendString(k); err != nil {
			t.Fatal(err)
		}
	}
	dict := &eval.Batch{N: 6, Cols: []arrow.Array{db.NewArray(), n}, Sel: []int32{0, 1, 2, 3, 4}}
	want := map[string][]string{
		"inner":     {"a|0|A", "b|1|B1", "b|1|B2", "|3|EMPTY", "b|4|B1", "b|4|B2"},
		"leftouter": {"a|0|A", "b|1|B1", "b|1|B2", "c|2|", "|3|EMPTY", "b|4|B1", "b|4|B2"},
		"leftanti":  {"c|2"},
		"leftsemi":  {"a|0", "b|1", "|3", "b|4"},
	}
	for kind, w := range want {
		for name, b := range map[string]*eval.Batch{"plain": plain, "dictionary": dict} {
			if diff := cmp.Diff(w, runJoin(t, kind, b)); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", kind, name, diff)
			}
		}
	}
}

func TestCollectCompactsSelections(t *testing.T) {
	schema := kusto.Schema{{Name: "n", Type: kusto.Long}, {Name: "s", Type: kusto.String}}
	b1 := &eval.Batch{N: 4, Cols: []arrow.Array{eval.NewInts(kusto.Long, []int64{1, 2, 3, 4}, nil), eval.NewStrings([]string{"a", "b", "c", "d"})}, Sel: []int32{1, 3}}
	b2 := &eval.Batch{N: 2, Cols: []arrow.Array{eval.NewInts(kusto.Long, []int64{5, 6}, nil), eval.NewStrings([]string{"e", "f"})}, Sel: []int32{}}
	b3 := &eval.Batch{N: 2, Cols: []arrow.Array{eval.NewInts(kusto.Long, []int64{7, 8}, nil), eval.NewStrings([]string{"g", "h"})}}
	got, err := Collect(context.Background(), values(schema, b1, b2, b3), &Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{2, 4, 7, 8}, longs(got, 0)); diff != "" {
		t.Fatalf("n (-want +got):\n%s", diff)
	}
	var s []string
	for i := 0; i < got.N; i++ {
		s = append(s, eval.StringAt(got.Cols[1], i))
	}
	if diff := cmp.Diff([]string{"b", "d", "g", "h"}, s); diff != "" {
		t.Fatalf("s (-want +got):\n%s", diff)
	}
}
