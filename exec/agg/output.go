package agg

import (
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// out builds one result column of Kusto type t, converting the accumulator's
// representation (int64, float64 or string) to the column's Arrow type.
type out struct {
	t    kusto.Type
	b    array.Builder
	bi32 *array.Int32Builder
	bi64 *array.Int64Builder
	bf64 *array.Float64Builder
	ts   *array.TimestampBuilder
	dur  *array.DurationBuilder
	bl   *array.BooleanBuilder
	str  *array.StringBuilder
}

func newOut(mem memory.Allocator, t kusto.Type, n int) *out {
	o := &out{t: t, b: array.NewBuilder(mem, karrow.DataType(t))}
	o.b.Reserve(n)
	switch b := o.b.(type) {
	case *array.Int32Builder:
		o.bi32 = b
	case *array.Int64Builder:
		o.bi64 = b
	case *array.Float64Builder:
		o.bf64 = b
	case *array.TimestampBuilder:
		o.ts = b
	case *array.DurationBuilder:
		o.dur = b
	case *array.BooleanBuilder:
		o.bl = b
	case *array.StringBuilder:
		o.str = b
	}
	return o
}

func (o *out) null() {
	if o.t == kusto.String {
		// Kusto strings are never null: the empty-input value of a string is "".
		o.str.Append("")
		return
	}
	o.b.AppendNull()
}

func (o *out) i64(v int64) {
	switch {
	case o.bi64 != nil:
		o.bi64.Append(v)
	case o.bi32 != nil:
		o.bi32.Append(int32(v))
	case o.bf64 != nil:
		o.bf64.Append(float64(v))
	case o.ts != nil:
		o.ts.Append(arrow.Timestamp(v))
	case o.dur != nil:
		o.dur.Append(arrow.Duration(v))
	case o.bl != nil:
		o.bl.Append(v != 0)
	case o.str != nil:
		o.str.Append(formatInt(o.t, v))
	default:
		o.b.AppendNull()
	}
}

func (o *out) f64(v float64) {
	switch {
	case o.bf64 != nil:
		o.bf64.Append(v)
	case math.IsNaN(v) || math.IsInf(v, 0):
		o.null()
	default:
		o.i64(int64(math.Round(v)))
	}
}

func (o *out) s(v string) {
	if o.str != nil {
		o.str.Append(v)
		return
	}
	o.b.AppendNull()
}

func (o *out) finish() arrow.Array {
	a := o.b.NewArray()
	o.b.Release()
	return a
}

func formatInt(t kusto.Type, v int64) string {
	switch t {
	case kusto.DateTime:
		return kusto.FormatDateTime(v)
	case kusto.TimeSpan:
		return kusto.FormatTimeSpan(v)
	}
	return strconv.FormatInt(v, 10)
}
