package agg

import (
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

// dynNum adapts a numeric aggregate (sum, avg, stdev, percentile, ...) to a
// dynamic first argument: each batch's JSON values are converted to reals, and
// values that are not numbers count as nulls.
type dynNum struct {
	inner Aggregator
	mem   memory.Allocator
}

// numericOverDynamic wraps build for specs whose first argument is dynamic.
func numericOverDynamic(spec *Spec, build func(*Spec) (Aggregator, error)) (Aggregator, error) {
	if len(spec.Args) == 0 || spec.Args[0] != kusto.Dynamic {
		return build(spec)
	}
	s := *spec
	s.Args = append([]kusto.Type{kusto.Real}, spec.Args[1:]...)
	inner, err := build(&s)
	if err != nil {
		return nil, err
	}
	return &dynNum{inner: inner, mem: memory.DefaultAllocator}, nil
}

func (d *dynNum) Update(args []fn.Arg, groups []uint32) error {
	if len(args) == 0 || args[0].Array == nil {
		return d.inner.Update(args, groups)
	}
	x := args[0]
	ss, ok := strsOf(x.Array)
	if !ok {
		return d.inner.Update(args, groups)
	}
	n := x.Array.Len()
	b := array.NewFloat64Builder(d.mem)
	defer b.Release()
	b.Reserve(n)
	for i := 0; i < n; i++ {
		if x.Array.IsNull(i) {
			b.UnsafeAppendBoolToBitmap(false)
			continue
		}
		if f, ok := jsonNumber(ss.at(i)); ok {
			b.UnsafeAppend(f)
		} else {
			b.UnsafeAppendBoolToBitmap(false)
		}
	}
	arr := b.NewArray()
	defer arr.Release()
	conv := make([]fn.Arg, len(args))
	copy(conv, args)
	conv[0] = fn.Arg{Type: kusto.Real, Array: arr, Const: x.Const}
	return d.inner.Update(conv, groups)
}

// jsonNumber reads a dynamic value that is a JSON number (or a string holding
// one, as Kusto's conversions accept).
func jsonNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func (d *dynNum) Merge(other Aggregator, mapping []uint32) error {
	o, ok := other.(*dynNum)
	if !ok {
		return mismatch("aggregate", other)
	}
	return d.inner.Merge(o.inner, mapping)
}

// Bytes estimates the memory the aggregator holds.
func (d *dynNum) Bytes() int64 {
	if s, ok := d.inner.(Sizer); ok {
		return s.Bytes()
	}
	return 0
}

func (d *dynNum) Result(mem memory.Allocator, n int) ([]arrow.Array, error) {
	return d.inner.Result(mem, n)
}
