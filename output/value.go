package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/prowl-hunt/prowl/exec/fn/dyn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// Values reads the cells of one Arrow column as Kusto values and appends them
// as text or JSON. It is prepared once per column and batch, so the per-row
// work is a switch on a small kind and a direct buffer read: no interface
// boxing, no allocation. Dictionary-encoded columns are read through their
// indices.
//
// The forms are those of cli.md and kusto-rest.md: datetime as ISO-8601 UTC with
// `Z` (fraction only when non-zero), timespan as Kusto text `[d.]hh:mm:ss[.fffffff]`,
// real NaN/±Inf as "NaN"/"Infinity"/"-Infinity", dynamic as compact JSON,
// decimal as its exact decimal text (a JSON string, as Kusto v2 sends it), and
// strings never null (a null string reads as "").
type Values struct {
	typ  kusto.Type
	kind valueKind
	arr  arrow.Array       // the array holding values (the dictionary for dictionaries)
	idx  *array.Dictionary // the dictionary column, or nil
	mul  int64             // unit → nanoseconds for timestamps and durations

	b     *array.Boolean
	i32   *array.Int32
	i64   *array.Int64
	f64   *array.Float64
	str   *array.String
	lst   *array.LargeString
	bin   *array.Binary
	dec   *array.Decimal128
	ts    *array.Timestamp
	dur   *array.Duration
	d32   *array.Date32
	d64   *array.Date64
	scale int32

	// other holds values of Arrow types with no direct reader (small ints,
	// float32, lists, structs); they go through the array's own JSON form.
	other arrow.Array
}

type valueKind uint8

const (
	kindNull valueKind = iota
	kindBool
	kindInt32
	kindInt64
	kindFloat64
	kindString
	kindLargeString
	kindBinary
	kindDecimal
	kindTimestamp
	kindDuration
	kindDate32
	kindDate64
	kindOther
)

// NewValues prepares reading arr as values of Kusto type t.
func NewValues(arr arrow.Array, t kusto.Type) *Values {
	v := &Values{}
	v.Reset(arr, t)
	return v
}

// Reset points v at another array (the next batch of the same column).
func (v *Values) Reset(arr arrow.Array, t kusto.Type) {
	*v = Values{typ: t, arr: arr, mul: 1}
	if d, ok := arr.(*array.Dictionary); ok {
		v.idx = d
		v.arr = d.Dictionary()
	}
	switch a := v.arr.(type) {
	case *array.Null:
		v.kind = kindNull
	case *array.Boolean:
		v.kind, v.b = kindBool, a
	case *array.Int32:
		v.kind, v.i32 = kindInt32, a
	case *array.Int64:
		v.kind, v.i64 = kindInt64, a
	case *array.Float64:
		v.kind, v.f64 = kindFloat64, a
	case *array.String:
		v.kind, v.str = kindString, a
	case *array.LargeString:
		v.kind, v.lst = kindLargeString, a
	case *array.Binary:
		v.kind, v.bin = kindBinary, a
	case *array.Decimal128:
		v.kind, v.dec = kindDecimal, a
		v.scale = a.DataType().(*arrow.Decimal128Type).Scale
	case *array.Timestamp:
		v.kind, v.ts = kindTimestamp, a
		v.mul = karrow.UnitNanos(a.DataType().(*arrow.TimestampType).Unit)
	case *array.Duration:
		v.kind, v.dur = kindDuration, a
		v.mul = karrow.UnitNanos(a.DataType().(*arrow.DurationType).Unit)
	case *array.Date32:
		v.kind, v.d32 = kindDate32, a
	case *array.Date64:
		v.kind, v.d64 = kindDate64, a
	default:
		v.kind, v.other = kindOther, a
	}
}

// Type is the Kusto type the values are read as.
func (v *Values) Type() kusto.Type { return v.typ }

// at maps a row to its position in the value array (through the dictionary
// indices) and reports whether the cell is null.
func (v *Values) at(i int) (int, bool) {
	if v.idx != nil {
		if v.idx.IsNull(i) {
			return 0, true
		}
		j := v.idx.GetValueIndex(i)
		return j, v.arr.IsNull(j)
	}
	return i, v.arr.IsNull(i)
}

// IsNull reports whether row i holds no value. Strings are never null in Kusto:
// a null string cell is the empty string, so IsNull is false for them.
func (v *Values) IsNull(i int) bool {
	if v.typ == kusto.String {
		return false
	}
	_, null := v.at(i)
	if null {
		return true
	}
	if v.typ == kusto.Guid || v.typ == kusto.Dynamic {
		// An empty guid or dynamic text has no value.
		return len(v.rawString(i)) == 0
	}
	return false
}

// rawString returns the string bytes of a string-backed cell (without copying
// for String arrays) or "" when the cell is null.
func (v *Values) rawString(i int) string {
	j, null := v.at(i)
	if null {
		return ""
	}
	switch v.kind {
	case kindString:
		return v.str.Value(j)
	case kindLargeString:
		return v.lst.Value(j)
	case kindBinary:
		return string(v.bin.Value(j))
	}
	return ""
}

// AppendJSON appends the JSON value of row i.
func (v *Values) AppendJSON(dst []byte, i int) []byte {
	j, null := v.at(i)
	if null {
		if v.typ == kusto.String {
			return append(dst, `""`...)
		}
		return append(dst, "null"...)
	}
	switch v.kind {
	case kindNull:
		if v.typ == kusto.String {
			return append(dst, `""`...)
		}
		return append(dst, "null"...)
	case kindBool:
		return strconv.AppendBool(dst, v.b.Value(j))
	case kindInt32:
		return v.appendInt(dst, int64(v.i32.Value(j)), true)
	case kindInt64:
		return v.appendInt(dst, v.i64.Value(j), true)
	case kindFloat64:
		return appendFloatJSON(dst, v.f64.Value(j))
	case kindDecimal:
		dst = append(dst, '"')
		dst = appendDecimal(dst, v.dec.Value(j), v.scale)
		return append(dst, '"')
	case kindTimestamp:
		return v.appendInt(dst, int64(v.ts.Value(j)), true)
	case kindDuration:
		return v.appendInt(dst, int64(v.dur.Value(j)), true)
	case kindDate32:
		dst = append(dst, '"')
		dst = kusto.AppendDateTimeISO(dst, int64(v.d32.Value(j))*86400e9)
		return append(dst, '"')
	case kindDate64:
		dst = append(dst, '"')
		dst = kusto.AppendDateTimeISO(dst, int64(v.d64.Value(j))*1e6)
		return append(dst, '"')
	case kindString, kindLargeString, kindBinary:
		s := v.rawString(i)
		switch v.typ {
		case kusto.Dynamic:
			if s == "" {
				return append(dst, "null"...)
			}
			return AppendCompactJSON(dst, s)
		case kusto.Guid:
			if s == "" {
				return append(dst, "null"...)
			}
		}
		return AppendJSONString(dst, s)
	default:
		return appendOtherJSON(dst, v.other, j)
	}
}

// appendInt appends an integer-backed value: datetimes and timespans (by their
// Kusto type) as quoted text in JSON, plain numbers otherwise.
func (v *Values) appendInt(dst []byte, n int64, quote bool) []byte {
	switch v.typ {
	case kusto.DateTime:
		if quote {
			dst = append(dst, '"')
		}
		dst = kusto.AppendDateTimeISO(dst, n*v.mul)
		if quote {
			dst = append(dst, '"')
		}
		return dst
	case kusto.TimeSpan:
		if quote {
			dst = append(dst, '"')
		}
		dst = kusto.AppendTimeSpan(dst, n*v.mul)
		if quote {
			dst = append(dst, '"')
		}
		return dst
	}
	return strconv.AppendInt(dst, n, 10)
}

// AppendText appends the plain text of row i, the form of CSV fields and table
// cells: no quotes, null as nothing, dynamic as compact JSON.
func (v *Values) AppendText(dst []byte, i int) []byte {
	j, null := v.at(i)
	if null {
		return dst
	}
	switch v.kind {
	case kindNull:
		return dst
	case kindBool:
		return strconv.AppendBool(dst, v.b.Value(j))
	case kindInt32:
		return v.appendInt(dst, int64(v.i32.Value(j)), false)
	case kindInt64:
		return v.appendInt(dst, v.i64.Value(j), false)
	case kindFloat64:
		return appendFloatText(dst, v.f64.Value(j))
	case kindDecimal:
		return appendDecimal(dst, v.dec.Value(j), v.scale)
	case kindTimestamp:
		return v.appendInt(dst, int64(v.ts.Value(j)), false)
	case kindDuration:
		return v.appendInt(dst, int64(v.dur.Value(j)), false)
	case kindDate32:
		return kusto.AppendDateTimeISO(dst, int64(v.d32.Value(j))*86400e9)
	case kindDate64:
		return kusto.AppendDateTimeISO(dst, int64(v.d64.Value(j))*1e6)
	case kindString, kindLargeString, kindBinary:
		s := v.rawString(i)
		if v.typ == kusto.Dynamic && s != "" {
			return appendCompactText(dst, s)
		}
		return append(dst, s...)
	default:
		return appendOtherJSON(dst, v.other, j)
	}
}

// appendFloatJSON appends a real as a JSON number, or as the strings Kusto uses
// for the values JSON cannot hold.
func appendFloatJSON(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		dst = append(dst, '"')
		dst = appendFloatText(dst, f)
		return append(dst, '"')
	}
	return dyn.AppendReal(dst, f)
}

// appendFloatText appends the text of a real as Kusto writes it (1421312.58,
// not 1.42131258e+06): NaN, Infinity and -Infinity for the values that are not
// numbers.
func appendFloatText(dst []byte, f float64) []byte {
	return dyn.AppendReal(dst, f)
}

// appendDecimal appends the exact decimal text of n at the given scale without
// trailing fractional zeros.
func appendDecimal(dst []byte, n decimal128.Num, scale int32) []byte {
	s := n.ToString(scale)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return append(dst, s...)
}

// AppendCompactJSON appends the JSON text s without insignificant whitespace.
// Text that is not valid JSON is appended as a JSON string instead, so the
// output always stays valid JSON.
func AppendCompactJSON(dst []byte, s string) []byte {
	if isCompactJSON(s) {
		return append(dst, s...)
	}
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, []byte(s)); err != nil {
		return AppendJSONString(dst, s)
	}
	return buf.Bytes()
}

// appendCompactText is AppendCompactJSON for text output: invalid JSON is kept
// as it is.
func appendCompactText(dst []byte, s string) []byte {
	if isCompactJSON(s) {
		return append(dst, s...)
	}
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, []byte(s)); err != nil {
		return append(dst, s...)
	}
	return buf.Bytes()
}

// isCompactJSON is a quick test for the common case of dynamic text written
// by the engine: valid JSON with no whitespace outside strings.
func isCompactJSON(s string) bool {
	inStr, esc := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			return false
		case '"':
			inStr = true
		}
	}
	return !inStr && json.Valid([]byte(s))
}

// AppendJSONString appends s as a quoted JSON string. Invalid UTF-8 becomes
// \ufffd; control characters, U+2028 and U+2029 are escaped (dyn.AppendString).
func AppendJSONString(dst []byte, s string) []byte { return dyn.AppendString(dst, s) }

// appendOtherJSON appends a value of an Arrow type with no Kusto counterpart
// (lists, structs, small integers read from foreign files) using Arrow's own
// JSON form of the cell.
func appendOtherJSON(dst []byte, arr arrow.Array, i int) []byte {
	if arr == nil || arr.IsNull(i) {
		return append(dst, "null"...)
	}
	b, err := json.Marshal(arr.GetOneForMarshal(i))
	if err != nil {
		return AppendJSONString(dst, fmt.Sprint(arr.ValueStr(i)))
	}
	return append(dst, b...)
}

// AppendJSONValue appends the JSON value of row i of arr read as Kusto type t.
// It is the one-off form of NewValues(arr, t).AppendJSON(dst, i); loops over a
// column should prepare a Values once.
func AppendJSONValue(dst []byte, arr arrow.Array, t kusto.Type, i int) []byte {
	var v Values
	v.Reset(arr, t)
	return v.AppendJSON(dst, i)
}

// AppendTextValue appends the text of row i of arr read as Kusto type t, the
// form of CSV fields and table cells.
func AppendTextValue(dst []byte, arr arrow.Array, t kusto.Type, i int) []byte {
	var v Values
	v.Reset(arr, t)
	return v.AppendText(dst, i)
}
