package eval

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

// joinKernel joins its string arguments with "|" (a null one as "<null>")
// and counts the values it was called on.
func joinKernel(calls *int) fn.Kernel {
	return func(ctx *fn.Context, args []fn.Arg, n int, out kusto.Type) (arrow.Array, error) {
		*calls += n
		vals := make([]string, n)
		for i := range vals {
			parts := make([]string, len(args))
			for j, a := range args {
				k := i
				if a.Const {
					k = 0
				}
				if a.Array.IsNull(k) {
					parts[j] = "<null>"
				} else {
					parts[j] = StringAt(a.Array, k)
				}
			}
			vals[i] = strings.Join(parts, "|")
		}
		return NewStrings(vals), nil
	}
}

// dictWithNulls is a dictionary-encoded string array; "" entries of vals are null rows.
func dictWithNulls(t *testing.T, vals ...string) arrow.Array {
	t.Helper()
	b := array.NewDictionaryBuilder(memory.DefaultAllocator, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	for _, v := range vals {
		if v == "" {
			b.AppendNull()
			continue
		}
		if err := b.AppendString(v); err != nil {
			t.Fatal(err)
		}
	}
	return b.NewArray()
}

func strs(a arrow.Array) []string {
	out := make([]string, a.Len())
	for i := range out {
		out[i] = StringAt(a, i)
	}
	return out
}

// Calls over dictionary-encoded arguments give the same rows as over plain
// ones, while the kernel runs once per distinct value (or tuple).
func TestCallOverDictionaries(t *testing.T) {
	a := []string{"x", "y", "x", "x", "", "y", "x"}
	b := []string{"1", "1", "1", "2", "1", "1", "1"}
	c := []string{"p", "p", "p", "p", "p", "q", "p"}
	// A null row of a string column reads as "" (Kusto strings are never null).
	want := []string{"x|1|p|k", "y|1|p|k", "x|1|p|k", "x|2|p|k", "|1|p|k", "y|1|q|k", "x|1|p|k"}
	konst := &Const{V: NewStrings([]string{"k"}), T: kusto.String}
	col := func(i int) Expr { return &Column{Index: i, T: kusto.String} }

	var calls int
	call := &Call{Name: "j", Kernel: joinKernel(&calls), Args: []Expr{col(0), col(1), col(2), konst}, T: kusto.String}
	batch := &Batch{Cols: []arrow.Array{dictWithNulls(t, a...), dict(t, b...), dict(t, c...)}, N: len(a)}
	v, err := call.Eval(&Ctx{}, batch)
	if err != nil {
		t.Fatal(err)
	}
	if got := strs(v.Array); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("tuples: got %v, want %v", got, want)
	}
	if calls != 5 { // x1p y1p x2p ""1p y1q
		t.Errorf("kernel ran on %d values, want 5 (one per distinct tuple)", calls)
	}
	if v.Array.DataType().ID() != arrow.DICTIONARY {
		t.Errorf("string result is %s, want a dictionary", v.Array.DataType())
	}

	// One varying dictionary argument: the kernel runs on the dictionary once;
	// a second batch sharing the dictionary reuses the result.
	calls = 0
	one := &Call{Name: "j", Kernel: joinKernel(&calls), Args: []Expr{col(0), konst}, T: kusto.String}
	d := dictWithNulls(t, a...).(*array.Dictionary)
	for round := 0; round < 2; round++ {
		v, err := one.Eval(&Ctx{}, &Batch{Cols: []arrow.Array{d}, N: d.Len()})
		if err != nil {
			t.Fatal(err)
		}
		got := strs(v.Array)
		for i, s := range a {
			if w := s + "|k"; got[i] != w {
				t.Errorf("round %d row %d: got %q, want %q", round, i, got[i], w)
			}
		}
	}
	if calls != d.Dictionary().Len()+1 {
		t.Errorf("kernel ran on %d values over two batches, want %d (the dictionary and \"\" once)", calls, d.Dictionary().Len()+1)
	}

	// Plain arguments: per row.
	calls = 0
	plain := &Call{Name: "j", Kernel: joinKernel(&calls), Args: []Expr{col(0), col(1)}, T: kusto.String}
	v, err = plain.Eval(&Ctx{}, &Batch{Cols: []arrow.Array{NewStrings(b), NewStrings(c)}, N: len(b)})
	if err != nil {
		t.Fatal(err)
	}
	if calls != len(b) || StringAt(v.Array, 5) != "1|q" {
		t.Errorf("plain: %d calls, row 5 %q", calls, StringAt(v.Array, 5))
	}
}

// Tuples of dictionaries too large to pack into one integer key still
// evaluate once per distinct tuple.
func TestCallOverLargeDictionaries(t *testing.T) {
	const n = 70_000 // more entries than 16 bits can number
	big := make([]string, n)
	for i := range big {
		big[i] = "v" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strconv.Itoa(i)
	}
	small := make([]string, n)
	for i := range small {
		small[i] = "s"
	}
	var calls int
	col := func(i int) Expr { return &Column{Index: i, T: kusto.String} }
	call := &Call{Name: "j", Kernel: joinKernel(&calls), Args: []Expr{col(0), col(1), col(2), col(3)}, T: kusto.String}
	b := &Batch{Cols: []arrow.Array{dict(t, big...), dict(t, small...), dict(t, small...), dict(t, small...)}, N: n}
	v, err := call.Eval(&Ctx{}, b)
	if err != nil {
		t.Fatal(err)
	}
	if calls != n {
		t.Errorf("kernel ran on %d values, want %d", calls, n)
	}
	for _, i := range []int{0, 12345, n - 1} {
		if got, want := StringAt(v.Array, i), big[i]+"|s|s|s"; got != want {
			t.Errorf("row %d = %q, want %q", i, got, want)
		}
	}
}

// The selection-vector forms of comparisons and between over datetime
// columns keep exactly the rows Eval finds true.
func TestSelectMatchesEvalOnDatetimes(t *testing.T) {
	tsType := &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
	b := array.NewTimestampBuilder(memory.DefaultAllocator, tsType)
	vals := []arrow.Timestamp{5, 10, 15, 20, 25, 30}
	b.AppendValues(vals, nil)
	col := b.NewArray()
	konst := func(v int64) *Const {
		cb := array.NewTimestampBuilder(memory.DefaultAllocator, tsType)
		cb.Append(arrow.Timestamp(v))
		return &Const{V: cb.NewArray(), T: kusto.DateTime}
	}
	x := &Column{Index: 0, T: kusto.DateTime}
	type selector interface {
		Expr
		Select(c *Ctx, b *Batch) ([]int32, bool, error)
	}
	preds := []selector{
		&Compare{Op: ">=", L: x, R: konst(15)},
		&Compare{Op: "<", L: x, R: konst(25)},
		&Between{X: x, Lo: konst(10), Hi: konst(25)},
	}
	for _, sel := range [][]int32{nil, {0, 2, 3, 5}} {
		batch := &Batch{Cols: []arrow.Array{col}, N: col.Len(), Sel: sel}
		for _, p := range preds {
			got, ok, err := p.Select(&Ctx{}, batch)
			if err != nil || !ok {
				t.Fatalf("%T Select: ok %v, err %v", p, ok, err)
			}
			v, err := p.Eval(&Ctx{}, batch)
			if err != nil {
				t.Fatal(err)
			}
			var want []int32
			rows := sel
			if rows == nil {
				rows = []int32{0, 1, 2, 3, 4, 5}
			}
			for _, r := range rows {
				if v.Array.(*array.Boolean).Value(int(r)) {
					want = append(want, r)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%T with sel %v: Select %v, Eval keeps %v", p, sel, got, want)
			}
		}
	}
}

// Integer + - * without nulls take the dense loops; they agree with the
// general loop (the same operands with a null appended).
func TestIntArithDenseAgrees(t *testing.T) {
	xs := []int64{5, -3, 0, 1 << 40, 7}
	ys := []int64{2, 9, -4, 3, 0}
	col := func(i int) Expr { return &Column{Index: i, T: kusto.Long} }
	konst := &Const{V: NewInts(kusto.Long, []int64{6}, nil), T: kusto.Long}
	for _, op := range []string{"+", "-", "*"} {
		for _, shape := range []struct {
			name string
			l, r Expr
		}{{"col op col", col(0), col(1)}, {"col op const", col(0), konst}, {"const op col", konst, col(1)}} {
			dense := &Batch{Cols: []arrow.Array{NewInts(kusto.Long, xs, nil), NewInts(kusto.Long, ys, nil)}, N: len(xs)}
			withNull := &Batch{Cols: []arrow.Array{
				NewInts(kusto.Long, append(slices.Clone(xs), 0), []bool{true, true, true, true, true, false}),
				NewInts(kusto.Long, append(slices.Clone(ys), 0), []bool{true, true, true, true, true, false}),
			}, N: len(xs) + 1}
			e := &Arith{Op: op, L: shape.l, R: shape.r, T: kusto.Long}
			got, err := e.Eval(&Ctx{}, dense)
			if err != nil {
				t.Fatal(err)
			}
			want, err := e.Eval(&Ctx{}, withNull)
			if err != nil {
				t.Fatal(err)
			}
			for i := range xs {
				if Ints(got.Array)[i] != Ints(want.Array)[i] || got.Array.IsNull(i) {
					t.Errorf("%s %s row %d: dense %d, general %d", shape.name, op, i, Ints(got.Array)[i], Ints(want.Array)[i])
				}
			}
		}
	}
}

// Compacting a selective batch turns a column over a large dictionary into
// plain strings (it does not pin the dictionary); a small dictionary stays.
func TestCompactDropsLargeDictionaries(t *testing.T) {
	big := make([]string, 5000)
	for i := range big {
		big[i] = "v" + strconv.Itoa(i)
	}
	b := &Batch{Cols: []arrow.Array{dict(t, big...), dict(t, "a", "b", "a")}, N: 3, Sel: []int32{2}}
	b.Cols[0] = array.NewSlice(b.Cols[0], 0, 3)
	c := b.Compact()
	if c.Cols[0].DataType().ID() != arrow.STRING || StringAt(c.Cols[0], 0) != "v2" {
		t.Errorf("large dictionary column compacted to %s %q", c.Cols[0].DataType(), StringAt(c.Cols[0], 0))
	}
	if c.Cols[1].DataType().ID() != arrow.DICTIONARY || StringAt(c.Cols[1], 0) != "a" {
		t.Errorf("small dictionary column compacted to %s %q", c.Cols[1].DataType(), StringAt(c.Cols[1], 0))
	}
}
