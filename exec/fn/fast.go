package fn

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// Typed loops for the most used functions: they read the Arrow buffers
// directly and write the result buffers directly, instead of going through
// per-row tagged values. Each falls back to the general row path for
// argument types it does not specialise.

// stringsOf returns the string array of a String-typed argument, or nil.
func stringsOf(a Arg) *array.String {
	if a.Type != kusto.String && a.Type != kusto.Guid {
		return nil
	}
	s, _ := a.Array.(*array.String)
	return s
}

// strAt reads row i of s (Const: row 0); null slots read as "".
func strAt(s *array.String, c bool, i int) string {
	if c {
		i = 0
	}
	if s.IsNull(i) {
		return ""
	}
	return s.Value(i)
}

// stringResult assembles a String array from offsets and bytes built in Go memory.
func stringResult(offs []int32, data []byte) arrow.Array {
	n := len(offs) - 1
	d := array.NewData(arrow.BinaryTypes.String, n,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offs)), memory.NewBufferBytes(data)}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// mapStrings applies f (append the result for s to dst) to every row.
func mapStrings(s *array.String, c bool, n int, f func(dst []byte, s string) []byte) arrow.Array {
	offs := make([]int32, n+1)
	est := 0
	if c {
		est = n * len(strAt(s, true, 0))
	} else {
		est = len(s.ValueBytes())
	}
	data := make([]byte, 0, est+16)
	if c {
		one := f(nil, strAt(s, true, 0))
		for i := 0; i < n; i++ {
			data = append(data, one...)
			offs[i+1] = int32(len(data))
		}
		return stringResult(offs, data)
	}
	for i := 0; i < n; i++ {
		data = f(data, strAt(s, false, i))
		offs[i+1] = int32(len(data))
	}
	return stringResult(offs, data)
}

func appendLower(dst []byte, s string) []byte {
	n := len(dst)
	dst = append(dst, s...)
	b := dst[n:]
	for i, c := range b {
		if c >= utf8.RuneSelf {
			return append(dst[:n], strings.ToLower(s)...)
		}
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return dst
}

func appendUpper(dst []byte, s string) []byte {
	n := len(dst)
	dst = append(dst, s...)
	b := dst[n:]
	for i, c := range b {
		if c >= utf8.RuneSelf {
			return append(dst[:n], strings.ToUpper(s)...)
		}
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return dst
}

func appendMD5(dst []byte, s string) []byte {
	h := md5.Sum([]byte(s))
	return hex.AppendEncode(dst, h[:])
}

func appendSHA256(dst []byte, s string) []byte {
	h := sha256.Sum256([]byte(s))
	return hex.AppendEncode(dst, h[:])
}

// strToStr is a kernel for a string function of one string argument.
func strToStr(f func(dst []byte, s string) []byte, slow rowFunc) Kernel {
	return func(ctx *Context, args []Arg, n int, out kusto.Type) (arrow.Array, error) {
		if s := stringsOf(args[0]); s != nil && len(args) == 1 && out == kusto.String {
			return mapStrings(s, args[0].Const, n, f), nil
		}
		return evalRows(ctx, slow, args, n, out, true)
	}
}

// int64Result assembles an Int64-backed array of Kusto type t.
func int64Result(t kusto.Type, vals []int64, valid []byte, nulls int) arrow.Array {
	var vb *memory.Buffer
	if nulls > 0 {
		vb = memory.NewBufferBytes(valid)
	}
	d := array.NewData(karrow.DataType(t), len(vals), []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(vals))}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

func boolResult(bits []byte, n int) arrow.Array {
	d := array.NewData(arrow.FixedWidthTypes.Boolean, n, []*memory.Buffer{nil, memory.NewBufferBytes(bits)}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

func kernelStrlen(ctx *Context, args []Arg, n int, out kusto.Type) (arrow.Array, error) {
	s := stringsOf(args[0])
	if s == nil || out != kusto.Long {
		return evalRows(ctx, kStrlen, args, n, out, true)
	}
	vals := make([]int64, n)
	for i := range vals {
		if args[0].Const && i > 0 {
			vals[i] = vals[0]
			continue
		}
		v := strAt(s, args[0].Const, i)
		k := len(v)
		for j := 0; j < len(v); j++ {
			if v[j] >= utf8.RuneSelf {
				k = utf8.RuneCountInString(v)
				break
			}
		}
		vals[i] = int64(k)
	}
	return int64Result(kusto.Long, vals, nil, 0), nil
}

// emptiness is isempty/isnotempty/isnull/isnotnull over any argument: for
// strings from the value lengths, for other types from the validity bitmap.
func emptiness(empty, nullOnly bool, slow rowFunc) Kernel {
	return func(ctx *Context, args []Arg, n int, out kusto.Type) (arrow.Array, error) {
		a := args[0]
		if out != kusto.Bool {
			return evalRows(ctx, slow, args, n, out, true)
		}
		bits := make([]byte, bitutil.BytesForBits(int64(n)))
		s := stringsOf(a)
		for i := 0; i < n; i++ {
			k := i
			if a.Const {
				k = 0
			}
			var isEmpty bool
			switch {
			case s != nil:
				isEmpty = !nullOnly && s.ValueLen(k) == 0 || s.IsNull(k) && !nullOnly
				// strings are never null: isnull("") is false
			case a.Type == kusto.Dynamic:
				v := ""
				if ds, ok := a.Array.(*array.String); ok && ds.IsValid(k) {
					v = ds.Value(k)
				}
				isEmpty = v == "" || v == "null" || (!nullOnly && v == `""`)
			default:
				isEmpty = a.Array.IsNull(k)
			}
			if isEmpty == empty {
				bitutil.SetBit(bits, i)
			}
		}
		return boolResult(bits, n), nil
	}
}

// kernelToString specialises tostring of strings, longs, ints and bools.
func kernelToString(ctx *Context, args []Arg, n int, out kusto.Type) (arrow.Array, error) {
	a := args[0]
	if out != kusto.String || a.Const {
		return evalRows(ctx, kToString, args, n, out, true)
	}
	switch x := a.Array.(type) {
	case *array.String:
		if a.Type == kusto.String || a.Type == kusto.Guid {
			return mapStrings(x, false, n, func(dst []byte, s string) []byte { return append(dst, s...) }), nil
		}
	case *array.Int64:
		return formatInts(n, x.IsNull, func(i int) int64 { return x.Value(i) }), nil
	case *array.Int32:
		return formatInts(n, x.IsNull, func(i int) int64 { return int64(x.Value(i)) }), nil
	case *array.Timestamp:
		return formatEach(n, x.IsNull, func(dst []byte, i int) []byte { return kusto.AppendDateTime(dst, int64(x.Value(i))) }), nil
	case *array.Duration:
		return formatEach(n, x.IsNull, func(dst []byte, i int) []byte { return kusto.AppendTimeSpan(dst, int64(x.Value(i))) }), nil
	case *array.Boolean:
		return formatEach(n, x.IsNull, func(dst []byte, i int) []byte { return strconv.AppendBool(dst, x.Value(i)) }), nil
	}
	return evalRows(ctx, kToString, args, n, out, true)
}

// formatEach builds a String array from f's text for each non-null row ("" for null).
func formatEach(n int, isNull func(int) bool, f func(dst []byte, i int) []byte) arrow.Array {
	offs := make([]int32, n+1)
	data := make([]byte, 0, n*16)
	for i := 0; i < n; i++ {
		if !isNull(i) {
			data = f(data, i)
		}
		offs[i+1] = int32(len(data))
	}
	return stringResult(offs, data)
}

func formatInts(n int, isNull func(int) bool, at func(int) int64) arrow.Array {
	offs := make([]int32, n+1)
	data := make([]byte, 0, n*8)
	for i := 0; i < n; i++ {
		if !isNull(i) {
			data = strconv.AppendInt(data, at(i), 10)
		}
		offs[i+1] = int32(len(data))
	}
	return stringResult(offs, data)
}
