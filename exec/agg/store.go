package agg

import (
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
)

// store keeps one value per group of a column of any Kusto type: fixed-width
// values as 64 bits (float64 as its bit pattern), strings as Go strings copied
// out of the Arrow buffers. It backs arg_max, take_any and min/max of strings.
// Copies happen once per group and batch, not per row.
type store struct {
	t        kusto.Type
	bits     []uint64
	strs     []string
	valid    []bool
	strBytes int64 // bytes held by strs
}

func (s *store) bytes() int64 {
	return int64(8*len(s.bits)+16*len(s.strs)+len(s.valid)) + s.strBytes
}

func (s *store) setStr(g uint32, v string) {
	s.strBytes += int64(len(v) - len(s.strs[g]))
	s.strs[g] = v
}

func newStore(t kusto.Type) *store { return &store{t: t} }

func isStringType(t kusto.Type) bool {
	return t == kusto.String || t == kusto.Guid || t == kusto.Dynamic
}

func (s *store) grow(n int) {
	s.valid = grow(s.valid, n)
	if isStringType(s.t) {
		s.strs = grow(s.strs, n)
	} else {
		s.bits = grow(s.bits, n)
	}
}

// set copies row i of a (already adjusted for Const stride) into group g.
func (s *store) set(g uint32, a arrow.Array, i int) {
	if a.IsNull(i) {
		s.valid[g] = false
		if s.strs != nil {
			s.setStr(g, "")
		}
		return
	}
	s.valid[g] = true
	if s.strs != nil {
		// A string-typed column: take the text of whatever arrived.
		switch a := a.(type) {
		case *array.String:
			s.setStr(g, strings.Clone(a.Value(i)))
		case *array.Dictionary:
			if d, ok := a.Dictionary().(*array.String); ok {
				s.setStr(g, strings.Clone(d.Value(a.GetValueIndex(i))))
			} else {
				s.setStr(g, a.ValueStr(i))
			}
		default:
			s.setStr(g, a.ValueStr(i))
		}
		return
	}
	switch a := a.(type) {
	case *array.Int32:
		s.bits[g] = uint64(int64(a.Value(i)))
	case *array.Int64:
		s.bits[g] = uint64(a.Value(i))
	case *array.Float64:
		s.bits[g] = math.Float64bits(a.Value(i))
	case *array.Timestamp:
		s.bits[g] = uint64(a.Value(i))
	case *array.Duration:
		s.bits[g] = uint64(a.Value(i))
	case *array.Boolean:
		if a.Value(i) {
			s.bits[g] = 1
		} else {
			s.bits[g] = 0
		}
	default:
		s.valid[g] = false
	}
}

// copyFrom sets group g to other's group j.
func (s *store) copyFrom(g uint32, o *store, j int) {
	s.valid[g] = o.valid[j]
	if s.strs != nil {
		s.setStr(g, o.strs[j])
	} else {
		s.bits[g] = o.bits[j]
	}
}

// build returns the groups 0..n-1 as an array of type s.t.
func (s *store) build(mem memory.Allocator, n int) arrow.Array {
	s.grow(n)
	o := newOut(mem, s.t, n)
	for g := 0; g < n; g++ {
		switch {
		case !s.valid[g]:
			o.null()
		case s.strs != nil:
			o.s(s.strs[g])
		case s.t == kusto.Real:
			o.f64(math.Float64frombits(s.bits[g]))
		default:
			o.i64(int64(s.bits[g]))
		}
	}
	return o.finish()
}
