package fn

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn/dyn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// col reads one argument row by row, whatever its Arrow layout; a Const
// argument answers every row with its single value.
type col struct {
	t     kusto.Type
	c     bool
	arr   arrow.Array
	i64   []int64
	i32   []int32
	f64   []float64
	b     *array.Boolean
	s     *array.String
	nulls bool
}

func newCol(a Arg) (*col, error) {
	c := &col{t: a.Type, c: a.Const, arr: a.Array, nulls: a.Array.NullN() > 0}
	switch x := a.Array.(type) {
	case *array.Int64:
		c.i64 = x.Int64Values()
	case *array.Timestamp:
		c.i64 = arrow.Int64Traits.CastFromBytes(arrow.TimestampTraits.CastToBytes(x.TimestampValues()))
	case *array.Duration:
		c.i64 = arrow.Int64Traits.CastFromBytes(arrow.DurationTraits.CastToBytes(x.DurationValues()))
	case *array.Int32:
		c.i32 = x.Int32Values()
	case *array.Float64:
		c.f64 = x.Float64Values()
	case *array.Boolean:
		c.b = x
	case *array.String:
		c.s = x
	case *array.Null:
		c.nulls = true
	case *array.Decimal128:
		// decimals are computed as reals
		scale := x.DataType().(*arrow.Decimal128Type).Scale
		c.f64 = make([]float64, x.Len())
		for i := range c.f64 {
			c.f64[i] = x.Value(i).ToFloat64(scale)
		}
	default:
		return nil, fmt.Errorf("unsupported argument array %s for %s", a.Array.DataType(), a.Type)
	}
	return c, nil
}

func cols(args []Arg) ([]*col, error) {
	out := make([]*col, len(args))
	for i, a := range args {
		c, err := newCol(a)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		out[i] = c
	}
	return out, nil
}

func (c *col) idx(i int) int {
	if c.c {
		return 0
	}
	return i
}

// null reports whether row i is null. Strings are never null.
func (c *col) null(i int) bool {
	if !c.nulls {
		return false
	}
	if c.s != nil && c.t != kusto.Dynamic {
		return false
	}
	if c.arr.DataType().ID() == arrow.NULL {
		return c.t != kusto.String && c.t != kusto.Guid
	}
	return c.arr.IsNull(c.idx(i))
}

func (c *col) str(i int) string {
	if c.s == nil {
		return ""
	}
	i = c.idx(i)
	if c.nulls && c.s.IsNull(i) {
		return ""
	}
	return c.s.Value(i)
}

func (c *col) long(i int) int64 {
	i = c.idx(i)
	switch {
	case c.i64 != nil:
		return c.i64[i]
	case c.i32 != nil:
		return int64(c.i32[i])
	case c.f64 != nil:
		return int64(c.f64[i])
	case c.b != nil:
		if c.b.Value(i) {
			return 1
		}
	}
	return 0
}

func (c *col) real(i int) float64 {
	i = c.idx(i)
	switch {
	case c.f64 != nil:
		return c.f64[i]
	case c.i64 != nil:
		return float64(c.i64[i])
	case c.i32 != nil:
		return float64(c.i32[i])
	case c.b != nil:
		if c.b.Value(i) {
			return 1
		}
	}
	return 0
}

func (c *col) boolean(i int) bool {
	i = c.idx(i)
	if c.b != nil {
		return c.b.Value(i)
	}
	return c.long(i) != 0
}

// value reads row i as a tagged value.
func (c *col) value(i int) value {
	if c.null(i) {
		return value{}
	}
	switch c.t {
	case kusto.Bool:
		return value{t: kusto.Bool, b: c.boolean(i)}
	case kusto.Int, kusto.Long, kusto.DateTime, kusto.TimeSpan:
		return value{t: c.t, i: c.long(i)}
	case kusto.Real, kusto.Decimal:
		return value{t: kusto.Real, f: c.real(i)}
	case kusto.Dynamic:
		s := c.str(i)
		if s == "" || s == "null" {
			return value{}
		}
		return value{t: kusto.Dynamic, s: s}
	default:
		return value{t: c.t, s: c.str(i)}
	}
}

// value is one scalar: t is Invalid for null. Integers, datetimes and
// timespans live in i, reals in f, bools in b, strings (and dynamic JSON
// text) in s.
type value struct {
	t kusto.Type
	i int64
	f float64
	b bool
	s string
}

func (v value) isNull() bool { return v.t == kusto.Invalid }

func nullValue() value           { return value{} }
func longValue(x int64) value    { return value{t: kusto.Long, i: x} }
func realValue(x float64) value  { return value{t: kusto.Real, f: x} }
func boolValue(x bool) value     { return value{t: kusto.Bool, b: x} }
func stringValue(x string) value { return value{t: kusto.String, s: x} }
func dateValue(ns int64) value   { return value{t: kusto.DateTime, i: ns} }
func spanValue(ns int64) value   { return value{t: kusto.TimeSpan, i: ns} }
func dynValue(v dyn.Value) value { return dynText(dyn.Encode(v)) }
func dynText(json string) value {
	if json == "null" {
		return value{}
	}
	return value{t: kusto.Dynamic, s: json}
}

// asReal converts a numeric value to float64.
func (v value) asReal() (float64, bool) {
	switch v.t {
	case kusto.Real:
		return v.f, true
	case kusto.Int, kusto.Long, kusto.DateTime, kusto.TimeSpan:
		return float64(v.i), true
	case kusto.Bool:
		if v.b {
			return 1, true
		}
		return 0, true
	case kusto.Dynamic:
		switch x := v.dyn().(type) {
		case int64:
			return float64(x), true
		case float64:
			return x, true
		}
	}
	return 0, false
}

// dyn decodes a dynamic value (a string value is a dynamic string).
func (v value) dyn() dyn.Value {
	switch v.t {
	case kusto.Invalid:
		return nil
	case kusto.Dynamic:
		d, err := dyn.Parse(v.s)
		if err != nil {
			return v.s
		}
		return d
	case kusto.String, kusto.Guid:
		return v.s
	case kusto.Bool:
		return v.b
	case kusto.Int, kusto.Long:
		return v.i
	case kusto.Real:
		return v.f
	case kusto.DateTime:
		return kusto.FormatDateTime(v.i)
	case kusto.TimeSpan:
		return kusto.FormatTimeSpan(v.i)
	}
	return nil
}

// builder appends values of one Kusto type to an Arrow array.
type builder struct {
	t   kusto.Type
	b   array.Builder
	i64 *array.Int64Builder
	i32 *array.Int32Builder
	f64 *array.Float64Builder
	bo  *array.BooleanBuilder
	s   *array.StringBuilder
	ts  *array.TimestampBuilder
	du  *array.DurationBuilder
	buf []byte
}

func newBuilder(mem memory.Allocator, t kusto.Type, n int) *builder {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	if t == kusto.Decimal {
		t = kusto.Real // decimals are computed as reals
	}
	b := &builder{t: t, b: array.NewBuilder(mem, karrow.DataType(t))}
	b.b.Reserve(n)
	switch x := b.b.(type) {
	case *array.Int64Builder:
		b.i64 = x
	case *array.Int32Builder:
		b.i32 = x
	case *array.Float64Builder:
		b.f64 = x
	case *array.BooleanBuilder:
		b.bo = x
	case *array.StringBuilder:
		b.s = x
	case *array.TimestampBuilder:
		b.ts = x
	case *array.DurationBuilder:
		b.du = x
	}
	return b
}

func (b *builder) finish() arrow.Array { a := b.b.NewArray(); b.b.Release(); return a }
func (b *builder) appendNull() {
	if b.s != nil && b.t != kusto.Dynamic {
		b.s.Append("") // strings are never null
		return
	}
	b.b.AppendNull()
}

// append converts v to the builder's type (Kusto conversion rules) and
// appends it; a value that does not convert is null.
func (b *builder) append(v value) {
	if v.isNull() {
		b.appendNull()
		return
	}
	switch b.t {
	case kusto.String, kusto.Guid:
		b.s.Append(toStringValue(v))
	case kusto.Dynamic:
		switch v.t {
		case kusto.Dynamic:
			b.s.Append(v.s)
		default:
			b.buf = dyn.Append(b.buf[:0], v.dyn())
			b.s.BinaryBuilder.Append(b.buf)
		}
	case kusto.Bool:
		switch v.t {
		case kusto.Bool:
			b.bo.Append(v.b)
		default:
			r, ok := toBoolValue(v)
			if !ok {
				b.b.AppendNull()
				return
			}
			b.bo.Append(r)
		}
	case kusto.Long, kusto.Int:
		var x int64
		switch v.t {
		case kusto.Int, kusto.Long, kusto.DateTime, kusto.TimeSpan:
			x = v.i
		default:
			r, ok := toLongValue(v)
			if !ok {
				b.b.AppendNull()
				return
			}
			x = r
		}
		if b.i64 != nil {
			b.i64.Append(x)
		} else {
			b.i32.Append(int32(x))
		}
	case kusto.Real:
		if v.t == kusto.Real {
			b.f64.Append(v.f)
			return
		}
		r, ok := toRealValue(v)
		if !ok {
			b.b.AppendNull()
			return
		}
		b.f64.Append(r)
	case kusto.DateTime:
		if v.t == kusto.DateTime || v.t == kusto.Long || v.t == kusto.Int {
			b.ts.Append(arrow.Timestamp(v.i))
			return
		}
		r, ok := toDateTimeValue(v)
		if !ok {
			b.b.AppendNull()
			return
		}
		b.ts.Append(arrow.Timestamp(r))
	case kusto.TimeSpan:
		if v.t == kusto.TimeSpan || v.t == kusto.Long || v.t == kusto.Int {
			b.du.Append(arrow.Duration(v.i))
			return
		}
		r, ok := toTimeSpanValue(v)
		if !ok {
			b.b.AppendNull()
			return
		}
		b.du.Append(arrow.Duration(r))
	default:
		b.b.AppendNull()
	}
}

func isNaNOrInf(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) }
