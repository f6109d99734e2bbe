package kparquet

import (
	"encoding/binary"
	"reflect"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// Node returns the Parquet node of a column of Kusto type t. Strings, guids
// and dynamic values are required UTF-8 byte arrays (Kusto strings are never
// null: a missing one is ""); every other type is optional. Timespans are
// int64 nanoseconds (Parquet has no duration type), datetimes UTC-adjusted
// nanosecond timestamps, decimals DECIMAL(38,18) in 16-byte fixed arrays.
func Node(t kusto.Type) parquet.Node {
	switch t {
	case kusto.Bool:
		return parquet.Optional(parquet.Leaf(parquet.BooleanType))
	case kusto.Int:
		return parquet.Optional(parquet.Int(32))
	case kusto.Long, kusto.TimeSpan:
		return parquet.Optional(parquet.Int(64))
	case kusto.Real:
		return parquet.Optional(parquet.Leaf(parquet.DoubleType))
	case kusto.DateTime:
		return parquet.Optional(parquet.TimestampAdjusted(parquet.Nanosecond, true))
	case kusto.Decimal:
		return parquet.Optional(parquet.Decimal(18, 38, parquet.FixedLenByteArrayType(16)))
	}
	return parquet.String()
}

// Field is one named column of a Group.
type Field struct {
	Name string
	Node parquet.Node
}

// Group is a Parquet group node whose columns keep the order given, unlike
// parquet.Group (a map, sorted by name). Query results are written with it
// so that a file's columns come in the order the query projected them.
type Group []Field

// NewGroup returns the group of Kusto columns, each with Node(type).
func NewGroup(cols kusto.Schema) Group {
	g := make(Group, len(cols))
	for i, c := range cols {
		g[i] = Field{Name: c.Name, Node: Node(c.Type)}
	}
	return g
}

var _ parquet.Node = Group(nil)

// ID is 0: the group carries no field id.
func (g Group) ID() int { return 0 }

// String prints the group in Parquet's schema notation.
func (g Group) String() string {
	var b strings.Builder
	b.WriteString("group {")
	for i, f := range g {
		if i > 0 {
			b.WriteString(";")
		}
		b.WriteString(" ")
		b.WriteString(f.Name)
		b.WriteString(": ")
		b.WriteString(f.Node.String())
	}
	b.WriteString(" }")
	return b.String()
}

// Type is parquet-go's group type.
func (g Group) Type() parquet.Type { return parquet.Group{}.Type() }

// Optional is false: the group itself is required.
func (g Group) Optional() bool { return false }

// Repeated is false.
func (g Group) Repeated() bool { return false }

// Required is true.
func (g Group) Required() bool { return true }

// Leaf is false: a group has fields.
func (g Group) Leaf() bool { return false }

// Fields returns the columns in their order.
func (g Group) Fields() []parquet.Field {
	fields := make([]parquet.Field, len(g))
	for i, f := range g {
		fields[i] = groupField{Node: f.Node, name: f.Name}
	}
	return fields
}

// Encoding is nil: each column has its own.
func (g Group) Encoding() encoding.Encoding { return nil }

// Compression is nil: each column has its own.
func (g Group) Compression() compress.Codec { return nil }

// GoType is the Go struct type parquet-go would use for rows of the group.
func (g Group) GoType() reflect.Type {
	m := make(parquet.Group, len(g))
	for _, f := range g {
		m[f.Name] = f.Node
	}
	return m.GoType()
}

type groupField struct {
	parquet.Node
	name string
}

func (f groupField) Name() string { return f.name }

func (f groupField) Value(base reflect.Value) reflect.Value {
	if base.Kind() == reflect.Map {
		return base.MapIndex(reflect.ValueOf(&f.name).Elem())
	}
	return base.FieldByName(f.name)
}

// FillValues converts len(vals) rows of a into leveled Parquet values of the
// column with index leaf: the rows sel[i] when sel is not nil, otherwise
// start, start+1, .... a must have the Arrow layout karrow gives type t (a
// string column may be a dictionary); a nil a writes nulls ("" for strings).
// Decimal values are written into one buffer allocated per call.
func FillValues(vals []parquet.Value, t kusto.Type, a arrow.Array, sel []int32, start, leaf int) []parquet.Value {
	row := func(i int) int {
		if sel != nil {
			return int(sel[i])
		}
		return start + i
	}
	null := parquet.NullValue().Level(0, 0, leaf)
	if a == nil {
		if !Node(t).Optional() {
			null = parquet.ByteArrayValue(nil).Level(0, 0, leaf)
		}
		for i := range vals {
			vals[i] = null
		}
		return vals
	}
	switch x := a.(type) {
	case *array.String:
		o, data := x.ValueOffsets(), stringData(x)
		for i := range vals {
			r := row(i)
			vals[i] = parquet.ByteArrayValue(data[o[r]:o[r+1]:o[r+1]]).Level(0, 0, leaf)
		}
	case *array.Dictionary:
		d := x.Dictionary().(*array.String)
		o, data := d.ValueOffsets(), stringData(d)
		for i := range vals {
			r := row(i)
			var b []byte
			if x.IsValid(r) {
				j := x.GetValueIndex(r)
				b = data[o[j]:o[j+1]:o[j+1]]
			}
			vals[i] = parquet.ByteArrayValue(b).Level(0, 0, leaf)
		}
	case *array.Int64:
		v := x.Int64Values()
		if sel == nil && x.NullN() == 0 {
			for i, y := range v[start : start+len(vals)] {
				vals[i] = parquet.Int64Value(y).Level(0, 1, leaf)
			}
			return vals
		}
		for i := range vals {
			if r := row(i); x.IsNull(r) {
				vals[i] = null
			} else {
				vals[i] = parquet.Int64Value(v[r]).Level(0, 1, leaf)
			}
		}
	case *array.Int32:
		v := x.Int32Values()
		if sel == nil && x.NullN() == 0 {
			if t == kusto.Long {
				for i, y := range v[start : start+len(vals)] {
					vals[i] = parquet.Int64Value(int64(y)).Level(0, 1, leaf)
				}
			} else {
				for i, y := range v[start : start+len(vals)] {
					vals[i] = parquet.Int32Value(y).Level(0, 1, leaf)
				}
			}
			return vals
		}
		for i := range vals {
			switch r := row(i); {
			case x.IsNull(r):
				vals[i] = null
			case t == kusto.Long:
				vals[i] = parquet.Int64Value(int64(v[r])).Level(0, 1, leaf)
			default:
				vals[i] = parquet.Int32Value(v[r]).Level(0, 1, leaf)
			}
		}
	case *array.Timestamp:
		v := x.Values()
		mul := karrow.UnitNanos(x.DataType().(*arrow.TimestampType).Unit)
		if sel == nil && x.NullN() == 0 {
			for i, y := range v[start : start+len(vals)] {
				vals[i] = parquet.Int64Value(int64(y)*mul).Level(0, 1, leaf)
			}
			return vals
		}
		for i := range vals {
			if r := row(i); x.IsNull(r) {
				vals[i] = null
			} else {
				vals[i] = parquet.Int64Value(int64(v[r])*mul).Level(0, 1, leaf)
			}
		}
	case *array.Duration:
		v := x.Values()
		mul := karrow.UnitNanos(x.DataType().(*arrow.DurationType).Unit)
		for i := range vals {
			if r := row(i); x.IsNull(r) {
				vals[i] = null
			} else {
				vals[i] = parquet.Int64Value(int64(v[r])*mul).Level(0, 1, leaf)
			}
		}
	case *array.Float64:
		v := x.Float64Values()
		if sel == nil && x.NullN() == 0 {
			for i, y := range v[start : start+len(vals)] {
				vals[i] = parquet.DoubleValue(y).Level(0, 1, leaf)
			}
			return vals
		}
		for i := range vals {
			if r := row(i); x.IsNull(r) {
				vals[i] = null
			} else {
				vals[i] = parquet.DoubleValue(v[r]).Level(0, 1, leaf)
			}
		}
	case *array.Boolean:
		for i := range vals {
			if r := row(i); x.IsNull(r) {
				vals[i] = null
			} else {
				vals[i] = parquet.BooleanValue(x.Value(r)).Level(0, 1, leaf)
			}
		}
	case *array.Decimal128:
		buf := make([]byte, 16*len(vals))
		for i := range vals {
			r := row(i)
			if x.IsNull(r) {
				vals[i] = null
				continue
			}
			n := x.Value(r)
			b := buf[16*i : 16*i+16 : 16*i+16]
			binary.BigEndian.PutUint64(b[:8], uint64(n.HighBits()))
			binary.BigEndian.PutUint64(b[8:], n.LowBits())
			vals[i] = parquet.FixedLenByteArrayValue(b).Level(0, 1, leaf)
		}
	default:
		for i := range vals {
			vals[i] = null
		}
	}
	return vals
}

// stringData is the value bytes of a string array (empty when it has none).
func stringData(a *array.String) []byte {
	if bufs := a.Data().Buffers(); len(bufs) > 2 && bufs[2] != nil {
		return bufs[2].Bytes()
	}
	return nil
}
