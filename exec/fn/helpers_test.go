package fn

import (
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// lit is a test argument: a Kusto type and a Go value (nil for null).
type lit struct {
	t kusto.Type
	v any
}

func S(s string) lit         { return lit{kusto.String, s} }
func L(x int64) lit          { return lit{kusto.Long, x} }
func I(x int32) lit          { return lit{kusto.Int, x} }
func R(x float64) lit        { return lit{kusto.Real, x} }
func B(x bool) lit           { return lit{kusto.Bool, x} }
func D(json string) lit      { return lit{kusto.Dynamic, json} }
func TS(d time.Duration) lit { return lit{kusto.TimeSpan, d} }
func Null(t kusto.Type) lit  { return lit{t, nil} }
func DT(s string) lit {
	ns, ok := parseDateTime(s)
	if !ok {
		panic("bad test datetime " + s)
	}
	return lit{kusto.DateTime, ns}
}

// build makes an array of n copies of l.
func (l lit) build(mem memory.Allocator, n int) arrow.Array {
	b := array.NewBuilder(mem, karrow.DataType(l.t))
	defer b.Release()
	for i := 0; i < n; i++ {
		if l.v == nil {
			b.AppendNull()
			continue
		}
		switch x := b.(type) {
		case *array.StringBuilder:
			x.Append(l.v.(string))
		case *array.Int64Builder:
			x.Append(l.v.(int64))
		case *array.Int32Builder:
			x.Append(l.v.(int32))
		case *array.Float64Builder:
			x.Append(l.v.(float64))
		case *array.BooleanBuilder:
			x.Append(l.v.(bool))
		case *array.TimestampBuilder:
			x.Append(arrow.Timestamp(l.v.(int64)))
		case *array.DurationBuilder:
			x.Append(arrow.Duration(l.v.(time.Duration)))
		}
	}
	return b.NewArray()
}

// readOut returns row i of a result as a comparable Go value: strings,
// int64, float64, bool, datetimes and timespans in their Kusto text, nil.
func readOut(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch x := a.(type) {
	case *array.String:
		return x.Value(i)
	case *array.Int64:
		return x.Value(i)
	case *array.Int32:
		return int64(x.Value(i))
	case *array.Float64:
		return x.Value(i)
	case *array.Boolean:
		return x.Value(i)
	case *array.Timestamp:
		return kusto.FormatDateTime(int64(x.Value(i)))
	case *array.Duration:
		return kusto.FormatTimeSpan(int64(x.Value(i)))
	}
	return fmt.Sprintf("unexpected %T", a)
}

var testNow = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// evalFn runs the named function through a registry, typing the result with
// its builtin signature. With constArgs the arguments are length-1 Const
// arrays; otherwise arrays of n rows.
func evalFn(t *testing.T, r *Registry, name string, args []lit, n int, constArgs bool) (arrow.Array, error) {
	t.Helper()
	sig, ok := r.Lookup(name)
	if !ok {
		t.Fatalf("no function %s", name)
	}
	types := make([]kusto.Type, len(args))
	for i, a := range args {
		types[i] = a.t
	}
	out, err := sig.Result(types)
	if err != nil {
		t.Fatalf("%s%v: %v", name, types, err)
	}
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	fargs := make([]Arg, len(args))
	for i, a := range args {
		rows := n
		if constArgs {
			rows = 1
		}
		fargs[i] = Arg{Type: a.t, Array: a.build(mem, rows), Const: constArgs}
	}
	defer func() {
		for _, a := range fargs {
			a.Array.Release()
		}
	}()
	ctx := &Context{Mem: mem, Now: testNow}
	res, err := r.Call(ctx, name, fargs, n, out)
	if err != nil {
		return nil, err
	}
	if res.Len() != n {
		t.Fatalf("%s: %d rows, want %d", name, res.Len(), n)
	}
	if !arrow.TypeEqual(res.DataType(), karrow.DataType(out)) {
		t.Fatalf("%s: result type %s, want %s", name, res.DataType(), karrow.DataType(out))
	}
	return res, nil
}
