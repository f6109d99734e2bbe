package eval

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

var mem = memory.DefaultAllocator

// validityBuffer packs valid flags into an Arrow bitmap; nil when all are valid.
func validityBuffer(valid []bool) (*memory.Buffer, int) {
	if valid == nil {
		return nil, 0
	}
	nulls := 0
	for _, v := range valid {
		if !v {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	bits := make([]byte, bitutil.BytesForBits(int64(len(valid))))
	for i, v := range valid {
		if v {
			bitutil.SetBit(bits, i)
		}
	}
	return memory.NewBufferBytes(bits), nulls
}

// NewInts builds an array of kusto type t (int, long, datetime, timespan, bool)
// from int64 values; valid may be nil (all valid).
func NewInts(t kusto.Type, vals []int64, valid []bool) arrow.Array {
	vb, nulls := validityBuffer(valid)
	n := len(vals)
	switch t {
	case kusto.Int:
		v32 := make([]int32, n)
		for i, v := range vals {
			v32[i] = int32(v)
		}
		d := array.NewData(arrow.PrimitiveTypes.Int32, n, []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(v32))}, nil, nulls, 0)
		return array.MakeFromData(d)
	case kusto.Bool:
		b := make([]bool, n)
		for i, v := range vals {
			b[i] = v != 0
		}
		return NewBools(b, valid)
	case kusto.Real:
		f := make([]float64, n)
		for i, v := range vals {
			f[i] = float64(v)
		}
		return NewFloats(f, valid)
	}
	d := array.NewData(karrow.DataType(t), n, []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(vals))}, nil, nulls, 0)
	return array.MakeFromData(d)
}

// NewFloats builds a real array.
func NewFloats(vals []float64, valid []bool) arrow.Array {
	vb, nulls := validityBuffer(valid)
	d := array.NewData(arrow.PrimitiveTypes.Float64, len(vals), []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(vals))}, nil, nulls, 0)
	return array.MakeFromData(d)
}

// NewBools builds a bool array.
func NewBools(vals []bool, valid []bool) arrow.Array {
	vb, nulls := validityBuffer(valid)
	bits := make([]byte, bitutil.BytesForBits(int64(len(vals))))
	for i, v := range vals {
		if v {
			bitutil.SetBit(bits, i)
		}
	}
	d := array.NewData(arrow.FixedWidthTypes.Boolean, len(vals), []*memory.Buffer{vb, memory.NewBufferBytes(bits)}, nil, nulls, 0)
	return array.MakeFromData(d)
}

// NewStrings builds a string array (strings are never null in Kusto).
func NewStrings(vals []string) arrow.Array {
	size := 0
	for _, s := range vals {
		size += len(s)
	}
	offs := make([]int32, len(vals)+1)
	data := make([]byte, 0, size)
	for i, s := range vals {
		data = append(data, s...)
		offs[i+1] = int32(len(data))
	}
	d := array.NewData(arrow.BinaryTypes.String, len(vals), []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offs)), memory.NewBufferBytes(data)}, nil, 0, 0)
	return array.MakeFromData(d)
}

// NewNulls builds an all-null (or all-empty for strings) array of type t.
func NewNulls(t kusto.Type, n int) arrow.Array {
	switch t {
	case kusto.String, kusto.Guid, kusto.Dynamic:
		return NewStrings(make([]string, n))
	case kusto.Real:
		return NewFloats(make([]float64, n), make([]bool, n))
	case kusto.Decimal:
		return array.MakeArrayOfNull(mem, karrow.DataType(t), n)
	}
	return NewInts(t, make([]int64, n), make([]bool, n))
}

// Ints reads an integer-like array (int, long, datetime, timespan, bool) as
// int64 values; it returns the underlying buffer when no conversion is needed.
func Ints(a arrow.Array) []int64 {
	switch a := a.(type) {
	case *array.Int64:
		return a.Int64Values()
	case *array.Timestamp:
		return arrow.Int64Traits.CastFromBytes(arrow.TimestampTraits.CastToBytes(a.TimestampValues()))
	case *array.Duration:
		return arrow.Int64Traits.CastFromBytes(arrow.DurationTraits.CastToBytes(a.DurationValues()))
	case *array.Int32:
		out := make([]int64, a.Len())
		for i, v := range a.Int32Values() {
			out[i] = int64(v)
		}
		return out
	case *array.Boolean:
		out := make([]int64, a.Len())
		for i := range out {
			if a.Value(i) {
				out[i] = 1
			}
		}
		return out
	case *array.Float64:
		out := make([]int64, a.Len())
		for i, v := range a.Float64Values() {
			out[i] = int64(v)
		}
		return out
	case *array.Int8, *array.Int16, *array.Uint8, *array.Uint16, *array.Uint32, *array.Uint64:
		out := make([]int64, a.Len())
		for i := range out {
			out[i] = genericInt(a, i)
		}
		return out
	}
	return make([]int64, a.Len())
}

func genericInt(a arrow.Array, i int) int64 {
	switch a := a.(type) {
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Uint8:
		return int64(a.Value(i))
	case *array.Uint16:
		return int64(a.Value(i))
	case *array.Uint32:
		return int64(a.Value(i))
	case *array.Uint64:
		return int64(a.Value(i))
	}
	return 0
}

// Floats reads a numeric array as float64 values.
func Floats(a arrow.Array) []float64 {
	if f, ok := a.(*array.Float64); ok {
		return f.Float64Values()
	}
	if f, ok := a.(*array.Float32); ok {
		out := make([]float64, f.Len())
		for i, v := range f.Float32Values() {
			out[i] = float64(v)
		}
		return out
	}
	iv := Ints(a)
	out := make([]float64, len(iv))
	for i, v := range iv {
		out[i] = float64(v)
	}
	return out
}

// Valid returns per-row validity, or nil when the array has no nulls.
func Valid(a arrow.Array) []bool {
	if a.NullN() == 0 {
		return nil
	}
	v := make([]bool, a.Len())
	for i := range v {
		v[i] = a.IsValid(i)
	}
	return v
}

// StringAt returns the string value of row i of a string or dictionary-encoded
// string array ("" for null), without copying.
func StringAt(a arrow.Array, i int) string {
	switch a := a.(type) {
	case *array.String:
		if a.IsNull(i) {
			return ""
		}
		return a.Value(i)
	case *array.LargeString:
		if a.IsNull(i) {
			return ""
		}
		return a.Value(i)
	case *array.Dictionary:
		if a.IsNull(i) {
			return ""
		}
		return StringAt(a.Dictionary(), a.GetValueIndex(i))
	case *array.Binary:
		if a.IsNull(i) {
			return ""
		}
		return string(a.Value(i))
	}
	if a.IsNull(i) {
		return ""
	}
	return a.ValueStr(i)
}

// Decode turns a dictionary-encoded array into a plain one.
func Decode(a arrow.Array) arrow.Array {
	d, ok := a.(*array.Dictionary)
	if !ok {
		if _, ok := a.(*array.LargeString); ok {
			vals := make([]string, a.Len())
			for i := range vals {
				vals[i] = StringAt(a, i)
			}
			return NewStrings(vals)
		}
		return a
	}
	idx := make([]int32, d.Len())
	valid := Valid(d)
	for i := range idx {
		if valid == nil || valid[i] {
			idx[i] = int32(d.GetValueIndex(i))
		}
	}
	dict := d.Dictionary()
	if isStringArray(dict) {
		vals := make([]string, d.Len())
		for i, j := range idx {
			if valid == nil || valid[i] {
				vals[i] = StringAt(dict, int(j))
			}
		}
		return NewStrings(vals)
	}
	out := Take(dict, idx)
	if valid != nil {
		return withValidity(out, valid)
	}
	return out
}

func isStringArray(a arrow.Array) bool {
	switch a.DataType().ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY:
		return true
	}
	return false
}

func withValidity(a arrow.Array, valid []bool) arrow.Array {
	switch a.DataType().ID() {
	case arrow.FLOAT64:
		return NewFloats(append([]float64(nil), Floats(a)...), andValid(Valid(a), valid, a.Len()))
	case arrow.STRING:
		return a
	}
	return NewInts(karrow.TypeOf(a.DataType()), append([]int64(nil), Ints(a)...), andValid(Valid(a), valid, a.Len()))
}

func andValid(a, b []bool, n int) []bool {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	out := make([]bool, n)
	for i := range out {
		out[i] = a[i] && b[i]
	}
	return out
}

// Take gathers rows idx of a into a new array. It keeps dictionary encoding.
func Take(a arrow.Array, idx []int32) arrow.Array {
	if a == nil {
		return nil // a column the query never reads
	}
	switch x := a.(type) {
	case *array.Dictionary:
		if xi, ok := x.Indices().(*array.Int32); ok && x.NullN() == 0 {
			src := xi.Int32Values()
			i32 := make([]int32, len(idx))
			for i, j := range idx {
				i32[i] = src[j]
			}
			dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: x.Dictionary().DataType()}
			d := array.NewDataWithDictionary(dt, len(idx), []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(i32))}, 0, 0, x.Dictionary().Data().(*array.Data))
			return array.MakeFromData(d)
		}
		ix := make([]int64, len(idx))
		valid := make([]bool, len(idx))
		hasNull := false
		for i, j := range idx {
			if x.IsValid(int(j)) {
				ix[i] = int64(x.GetValueIndex(int(j)))
				valid[i] = true
			} else {
				hasNull = true
			}
		}
		if !hasNull {
			valid = nil
		}
		vb, nulls := validityBuffer(valid)
		i32 := make([]int32, len(ix))
		for i, v := range ix {
			i32[i] = int32(v)
		}
		dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: x.Dictionary().DataType()}
		d := array.NewDataWithDictionary(dt, len(idx), []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(i32))}, nulls, 0, x.Dictionary().Data().(*array.Data))
		return array.MakeFromData(d)
	case *array.String, *array.LargeString, *array.Binary:
		vals := make([]string, len(idx))
		for i, j := range idx {
			vals[i] = StringAt(a, int(j))
		}
		return NewStrings(vals)
	case *array.Float64:
		src := x.Float64Values()
		vals := make([]float64, len(idx))
		var valid []bool
		if x.NullN() > 0 {
			valid = make([]bool, len(idx))
		}
		for i, j := range idx {
			vals[i] = src[j]
			if valid != nil {
				valid[i] = x.IsValid(int(j))
			}
		}
		return NewFloats(vals, valid)
	case *array.Null:
		return array.NewNull(len(idx))
	}
	t := karrow.TypeOf(a.DataType())
	if t == kusto.Decimal || t == kusto.Dynamic {
		b := array.NewBuilder(mem, a.DataType())
		for _, j := range idx {
			if a.IsNull(int(j)) {
				b.AppendNull()
			} else {
				_ = b.AppendValueFromString(a.ValueStr(int(j)))
			}
		}
		return b.NewArray()
	}
	var vals []int64
	if x, ok := a.(*array.Int32); ok {
		// Gather straight from the 32-bit values (no whole-column widening).
		src := x.Int32Values()
		vals = make([]int64, len(idx))
		for i, j := range idx {
			vals[i] = int64(src[j])
		}
	} else {
		src := Ints(a)
		vals = make([]int64, len(idx))
		for i, j := range idx {
			vals[i] = src[j]
		}
	}
	var valid []bool
	if a.NullN() > 0 {
		valid = make([]bool, len(idx))
	}
	if valid != nil {
		for i, j := range idx {
			valid[i] = a.IsValid(int(j))
		}
	}
	if a.DataType().ID() == arrow.TIMESTAMP || a.DataType().ID() == arrow.DURATION {
		d := array.NewData(a.DataType(), len(vals), []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(vals))}, nil, 0, 0)
		if vb, nulls := validityBuffer(valid); vb != nil {
			d = array.NewData(a.DataType(), len(vals), []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(vals))}, nil, nulls, 0)
		}
		return array.MakeFromData(d)
	}
	return NewInts(t, vals, valid)
}

// Concat appends arrays of the same kusto type into one plain array.
func Concat(t kusto.Type, parts []arrow.Array) arrow.Array {
	if len(parts) == 0 {
		return NewNulls(t, 0)
	}
	if parts[0] == nil {
		return nil // a column the query never reads
	}
	if len(parts) == 1 {
		return Decode(parts[0])
	}
	n := 0
	for _, p := range parts {
		n += p.Len()
	}
	switch t {
	case kusto.String, kusto.Guid, kusto.Dynamic:
		vals := make([]string, 0, n)
		for _, p := range parts {
			for i := 0; i < p.Len(); i++ {
				vals = append(vals, StringAt(p, i))
			}
		}
		return NewStrings(vals)
	case kusto.Real:
		vals := make([]float64, 0, n)
		valid := make([]bool, 0, n)
		for _, p := range parts {
			vals = append(vals, Floats(p)...)
			valid = append(valid, validOrTrue(p)...)
		}
		return NewFloats(vals, valid)
	case kusto.Decimal:
		b := array.NewBuilder(mem, karrow.DataType(t))
		for _, p := range parts {
			for i := 0; i < p.Len(); i++ {
				if p.IsNull(i) {
					b.AppendNull()
				} else {
					_ = b.AppendValueFromString(p.ValueStr(i))
				}
			}
		}
		return b.NewArray()
	}
	vals := make([]int64, 0, n)
	valid := make([]bool, 0, n)
	for _, p := range parts {
		p = Decode(p)
		vals = append(vals, Ints(p)...)
		valid = append(valid, validOrTrue(p)...)
	}
	return NewInts(t, vals, valid)
}

func validOrTrue(a arrow.Array) []bool {
	v := Valid(a)
	if v == nil {
		v = make([]bool, a.Len())
		for i := range v {
			v[i] = true
		}
	}
	return v
}

// Broadcast expands a constant (length-1) argument to n rows.
func Broadcast(a arrow.Array, n int) arrow.Array {
	idx := make([]int32, n)
	return Take(a, idx)
}

// Materialize returns v as an array of n rows (expanding a constant).
func Materialize(v Value, n int) arrow.Array {
	if v.Const {
		return Broadcast(v.Array, n)
	}
	return v.Array
}

// Cast converts an array to kusto type t where the representation differs
// (int↔long↔real, datetime/timespan from integers). Strings stay strings.
func Cast(a arrow.Array, t kusto.Type) (arrow.Array, error) {
	have := karrow.TypeOf(a.DataType())
	if have == t {
		if a.DataType().ID() == arrow.DICTIONARY || a.DataType().ID() == arrow.LARGE_STRING {
			return a, nil
		}
		if want := karrow.DataType(t); arrow.TypeEqual(a.DataType(), want) {
			return a, nil
		}
	}
	if a.DataType().ID() == arrow.NULL {
		return NewNulls(t, a.Len()), nil
	}
	switch t {
	case kusto.String, kusto.Guid, kusto.Dynamic:
		if isStringArray(a) || a.DataType().ID() == arrow.DICTIONARY {
			return a, nil
		}
		vals := make([]string, a.Len())
		for i := range vals {
			if a.IsValid(i) {
				vals[i] = a.ValueStr(i)
			}
		}
		return NewStrings(vals), nil
	case kusto.Real:
		if isStringArray(a) || a.DataType().ID() == arrow.DICTIONARY {
			return parseStrings(a, t)
		}
		return NewFloats(Floats(Decode(a)), Valid(a)), nil
	case kusto.Int, kusto.Long, kusto.DateTime, kusto.TimeSpan, kusto.Bool:
		if isStringArray(a) || a.DataType().ID() == arrow.DICTIONARY {
			return parseStrings(a, t)
		}
		a = Decode(a)
		if a.DataType().ID() == arrow.TIMESTAMP && t == kusto.DateTime {
			return normalizeTimestamp(a), nil
		}
		return NewInts(t, append([]int64(nil), Ints(a)...), Valid(a)), nil
	}
	return nil, fmt.Errorf("cannot convert %s to %s", have, t)
}

func normalizeTimestamp(a arrow.Array) arrow.Array {
	ts := a.DataType().(*arrow.TimestampType)
	mul := int64(1)
	switch ts.Unit {
	case arrow.Second:
		mul = 1e9
	case arrow.Millisecond:
		mul = 1e6
	case arrow.Microsecond:
		mul = 1e3
	}
	vals := append([]int64(nil), Ints(a)...)
	for i := range vals {
		vals[i] *= mul
	}
	return NewInts(kusto.DateTime, vals, Valid(a))
}

var _ = math.NaN

func parseStrings(a arrow.Array, t kusto.Type) (arrow.Array, error) {
	vals := make([]string, a.Len())
	for i := range vals {
		vals[i] = StringAt(a, i)
	}
	return ParseText(vals, t)
}
