package agg

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// col builds an argument column of Kusto type t; nil values are nulls.
func col(t kusto.Type, vals ...any) fn.Arg {
	b := array.NewBuilder(memory.DefaultAllocator, karrow.DataType(t))
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.BooleanBuilder:
			b.Append(v.(bool))
		case *array.Int32Builder:
			b.Append(int32(v.(int)))
		case *array.Int64Builder:
			b.Append(int64(v.(int)))
		case *array.Float64Builder:
			b.Append(v.(float64))
		case *array.TimestampBuilder:
			b.Append(arrow.Timestamp(v.(int)))
		case *array.DurationBuilder:
			b.Append(arrow.Duration(v.(int)))
		case *array.StringBuilder:
			b.Append(v.(string))
		}
	}
	return fn.Arg{Type: t, Array: b.NewArray()}
}

// constArg is a Const argument of one value.
func constArg(t kusto.Type, v any) fn.Arg {
	a := col(t, v)
	a.Const = true
	return a
}

// dictCol builds a dictionary-encoded string column.
func dictCol(vals ...string) fn.Arg {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(memory.DefaultAllocator, dt).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	for _, v := range vals {
		if err := b.AppendString(v); err != nil {
			panic(err)
		}
	}
	return fn.Arg{Type: kusto.String, Array: b.NewArray()}
}

// values converts a result array to Go values: int64, float64, string, bool or nil.
func values(a arrow.Array) []any {
	out := make([]any, a.Len())
	for i := range out {
		if a.IsNull(i) {
			continue
		}
		switch a := a.(type) {
		case *array.Int64:
			out[i] = a.Value(i)
		case *array.Int32:
			out[i] = int64(a.Value(i))
		case *array.Float64:
			f := a.Value(i)
			if math.IsNaN(f) {
				out[i] = "NaN"
			} else {
				out[i] = f
			}
		case *array.Timestamp:
			out[i] = int64(a.Value(i))
		case *array.Duration:
			out[i] = int64(a.Value(i))
		case *array.String:
			out[i] = a.Value(i)
		case *array.Boolean:
			out[i] = a.Value(i)
		}
	}
	return out
}

func results(t *testing.T, a Aggregator, n int) [][]any {
	t.Helper()
	cols, err := a.Result(memory.DefaultAllocator, n)
	if err != nil {
		t.Fatalf("Result: %v", err)
	}
	out := make([][]any, len(cols))
	for i, c := range cols {
		out[i] = values(c)
		if c.Len() != n {
			t.Errorf("result column %d has %d rows, want %d", i, c.Len(), n)
		}
		c.Release()
	}
	return out
}

// sliceArgs returns rows [i, j) of args (Const arguments unchanged).
func sliceArgs(args []fn.Arg, i, j int) []fn.Arg {
	out := make([]fn.Arg, len(args))
	for k, a := range args {
		out[k] = a
		if !a.Const && a.Array != nil {
			out[k].Array = array.NewSlice(a.Array, int64(i), int64(j))
		}
	}
	return out
}
