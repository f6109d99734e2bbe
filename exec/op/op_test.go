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

func dictStrings(t *testing.T, dict []string, idx []int32) arrow.Array {
	t.Helper()
	b := array.NewDictionaryBuilder(memory.DefaultAllocator, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	for _, i := range idx {
		if err := b.AppendString(dict[i]); err != nil {
			t.Fatal(err)
		}
	}
	return b.NewArray()
}

func TestGrouperDictionaryAndPlainAgree(t *testing.T) {
	g := NewGrouper([]kusto.Type{kusto.String})
	d := dictStrings(t, []string{"x", "y", "z"}, []int32{0, 1, 0, 2})
	groups := make([]uint32, 4)
	g.Assign([]arrow.Array{d}, []int32{0, 1, 2, 3}, groups)
	if diff := cmp.Diff([]uint32{0, 1, 0, 2}, groups); diff != "" {
		t.Fatalf("dictionary groups:\n%s", diff)
	}
	plain := eval.NewStrings([]string{"z", "w", "x"})
	groups = make([]uint32, 3)
	g.Assign([]arrow.Array{plain}, []int32{0, 1, 2}, groups)
	if diff := cmp.Diff([]uint32{2, 3, 0}, groups); diff != "" {
		t.Fatalf("plain strings must find the dictionary's groups:\n%s", diff)
	}
	if g.Len() != 4 {
		t.Fatalf("groups = %d, want 4", g.Len())
	}
}

// Batches sharing one dictionary reuse its entries' groups; a batch over
// another dictionary (whose entries are in another order) gets its own.
func TestGrouperSharedDictionaries(t *testing.T) {
	g := NewGrouper([]kusto.Type{kusto.String})
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	batch := func(dict arrow.Array, idx ...int32) arrow.Array {
		b := array.NewInt32Builder(memory.DefaultAllocator)
		b.AppendValues(idx, nil)
		return array.NewDictionaryArray(dt, b.NewArray(), dict)
	}
	d1 := eval.NewStrings([]string{"a", "b", "c"})
	d2 := eval.NewStrings([]string{"c", "d", "a"})
	for _, tc := range []struct {
		col  arrow.Array
		want []uint32
	}{
		{batch(d1, 0, 1, 0), []uint32{0, 1, 0}},
		{batch(d1, 2, 1, 2, 0), []uint32{2, 1, 2, 0}},
		{batch(d2, 0, 1, 2, 1), []uint32{2, 3, 0, 3}},
		{batch(d1, 1, 2), []uint32{1, 2}},
	} {
		rows := make([]int32, tc.col.Len())
		for i := range rows {
			rows[i] = int32(i)
		}
		groups := make([]uint32, len(rows))
		g.Assign([]arrow.Array{tc.col}, rows, groups)
		if diff := cmp.Diff(tc.want, groups); diff != "" {
			t.Errorf("groups (-want +got):\n%s", diff)
		}
	}
	if g.Len() != 4 {
		t.Errorf("groups = %d, want 4", g.Len())
	}
}

func TestGrouperMultiKeyNulls(t *testing.T) {
	g := NewGrouper([]kusto.Type{kusto.Long, kusto.String})
	k1 := eval.NewInts(kusto.Long, []int64{1, 1, 0, 0, 1}, []bool{true, true, false, false, true})
	k2 := eval.NewStrings([]string{"a", "b", "a", "a", "a"})
	groups := make([]uint32, 5)
	g.Assign([]arrow.Array{k1, k2}, []int32{0, 1, 2, 3, 4}, groups)
	if diff := cmp.Diff([]uint32{0, 1, 2, 2, 0}, groups); diff != "" {
		t.Fatalf("groups:\n%s", diff)
	}
	keys := g.Keys()
	if keys[0].IsValid(2) || !keys[0].IsValid(0) {
		t.Fatalf("null key not kept as null")
	}
}

func longs(b *eval.Batch, col int) []int64 {
	var out []int64
	a := b.Cols[col]
	for i := 0; i < b.Len(); i++ {
		r := b.Row(i)
		if a.IsNull(r) {
			out = append(out, -999)
			continue
		}
		out = append(out, eval.Ints(a)[r])
	}
	return out
}

func values(cols kusto.Schema, batches ...*eval.Batch) *Values {
	return &Values{Cols: cols, Batches: batches}
}

func TestTopMatchesSort(t *testing.T) {
	schema := kusto.Schema{{Name: "n", Type: kusto.Long}}
	mk := func(v []int64, valid []bool) *eval.Batch {
		return &eval.Batch{Cols: []arrow.Array{eval.NewInts(kusto.Long, v, valid)}, N: len(v)}
	}
	b1 := mk([]int64{5, 3, 9, 0}, []bool{true, true, true, false})
	b2 := mk([]int64{7, 9, 1}, nil)
	ctx := &eval.Ctx{Ctx: context.Background()}
	for _, desc := range []bool{true, false} {
		key := []SortKey{{X: &eval.Column{Index: 0, T: kusto.Long}, Desc: desc, NullsFirst: DefaultNullsFirst(desc, "")}}
		top := &Top{In: values(schema, b1, b2), N: 3, Keys: key, Ctx: ctx}
		got, err := top.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		srt := &Sort{In: values(schema, b1, b2), Keys: key, Ctx: ctx}
		all, err := srt.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := longs(all, 0)[:3]
		if diff := cmp.Diff(want, longs(got, 0)); diff != "" {
			t.Errorf("desc=%v top vs sort:\n%s", desc, diff)
		}
	}
}

func TestTakeStopsEarly(t *testing.T) {
	schema := kusto.Schema{{Name: "n", Type: kusto.Long}}
	var bs []*eval.Batch
	for i := 0; i < 10; i++ {
		bs = append(bs, &eval.Batch{Cols: []arrow.Array{eval.NewInts(kusto.Long, []int64{1, 2, 3}, nil)}, N: 3})
	}
	v := values(schema, bs...)
	tk := &Take{In: v, N: 4}
	n := 0
	for {
		b, err := tk.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			break
		}
		n += b.Len()
	}
	if n != 4 || v.i > 2 {
		t.Fatalf("take 4 gave %d rows after reading %d batches", n, v.i)
	}
}

func TestFilterKeepsSelection(t *testing.T) {
	b := &eval.Batch{Cols: []arrow.Array{eval.NewBools([]bool{true, false, true, true}, []bool{true, true, false, true})}, N: 4, Sel: []int32{0, 1, 2}}
	f := &Filter{Pred: &eval.Column{Index: 0, T: kusto.Bool}}
	out, err := f.Apply(&eval.Ctx{}, b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int32{0}, out.Sel); diff != "" {
		t.Fatalf("sel:\n%s", diff)
	}
}

func TestBudget(t *testing.T) {
	b := &Budget{Limit: 100}
	if err := b.Grow(60); err != nil {
		t.Fatal(err)
	}
	if err := b.Grow(60); err == nil {
		t.Fatal("no error over budget")
	}
	if b.Peak() != 120 {
		t.Fatalf("peak = %d", b.Peak())
	}
}

func TestTakeOrNull(t *testing.T) {
	a := eval.NewInts(kusto.Long, []int64{10, 20}, nil)
	got := TakeOrNull(kusto.Long, a, []int32{1, -1, 0})
	if got.Len() != 3 || !got.IsNull(1) || eval.Ints(got)[0] != 20 || eval.Ints(got)[2] != 10 {
		t.Fatalf("got %v", got)
	}
	s := TakeOrNull(kusto.String, eval.NewStrings([]string{"a"}), []int32{-1, 0})
	if eval.StringAt(s, 0) != "" || eval.StringAt(s, 1) != "a" || s.NullN() != 0 {
		t.Fatalf("strings: %v", s)
	}
}
