package agg

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"

	"github.com/prowl-hunt/prowl/exec/fn"
)

// view locates row i of an argument array: a Const argument has stride 0 so
// that every row reads element 0, and a nil bitmap means "no nulls".
type view struct {
	s      int
	bitmap []byte
	off    int
}

func newView(arg fn.Arg) view {
	v := view{s: 1}
	if arg.Const {
		v.s = 0
	}
	a := arg.Array
	if a.NullN() > 0 {
		v.bitmap = a.NullBitmapBytes()
		v.off = a.Data().Offset()
	}
	return v
}

func (v *view) null(i int) bool {
	return v.bitmap != nil && !bitutil.BitIsSet(v.bitmap, v.off+i*v.s)
}

// pred is a boolean filter argument (the predicate of countif, sumif, ...).
// A row passes when the predicate is non-null and true.
type pred struct {
	view
	bits []byte
	voff int
}

func newPred(arg fn.Arg) (*pred, error) {
	b, ok := arg.Array.(*array.Boolean)
	if !ok {
		return nil, fmt.Errorf("predicate must be bool, got %s", arg.Array.DataType())
	}
	p := &pred{view: newView(arg), voff: b.Data().Offset()}
	if bufs := b.Data().Buffers(); len(bufs) > 1 && bufs[1] != nil {
		p.bits = bufs[1].Bytes()
	}
	return p, nil
}

func (p *pred) pass(i int) bool {
	if p == nil {
		return true
	}
	if p.null(i) {
		return false
	}
	return p.bits != nil && bitutil.BitIsSet(p.bits, p.voff+i*p.s)
}

// maxGroup returns 1 + the largest group id in groups (0 when empty).
func maxGroup(groups []uint32) int {
	var m uint32
	for _, g := range groups {
		if g > m {
			m = g
		}
	}
	if len(groups) == 0 {
		return 0
	}
	return int(m) + 1
}

// numKind says how a numeric argument is laid out in memory.
type numKind uint8

const (
	numNone numKind = iota
	numI32
	numI64 // long, datetime, timespan
	numF64
	numBool
)

// nums is a typed view over a fixed-width argument's values.
type nums struct {
	kind numKind
	i32  []int32
	i64  []int64
	f64  []float64
	bits []byte // bool values
	boff int
}

func numsOf(a arrow.Array) nums {
	d := a.Data()
	bufs := d.Buffers()
	off, n := d.Offset(), d.Len()
	if len(bufs) < 2 || bufs[1] == nil || n == 0 {
		switch a.DataType().ID() {
		case arrow.INT32:
			return nums{kind: numI32}
		case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION:
			return nums{kind: numI64}
		case arrow.FLOAT64:
			return nums{kind: numF64}
		case arrow.BOOL:
			return nums{kind: numBool}
		}
		return nums{}
	}
	switch a.DataType().ID() {
	case arrow.INT32:
		return nums{kind: numI32, i32: arrow.Int32Traits.CastFromBytes(bufs[1].Bytes())[off : off+n]}
	case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION:
		return nums{kind: numI64, i64: arrow.Int64Traits.CastFromBytes(bufs[1].Bytes())[off : off+n]}
	case arrow.FLOAT64:
		return nums{kind: numF64, f64: arrow.Float64Traits.CastFromBytes(bufs[1].Bytes())[off : off+n]}
	case arrow.BOOL:
		return nums{kind: numBool, bits: bufs[1].Bytes(), boff: off}
	}
	return nums{}
}

// i64At reads row i as an int64 (bool as 0/1, real truncated).
func (x *nums) i64At(i int) int64 {
	switch x.kind {
	case numI32:
		return int64(x.i32[i])
	case numI64:
		return x.i64[i]
	case numF64:
		return int64(x.f64[i])
	case numBool:
		if bitutil.BitIsSet(x.bits, x.boff+i) {
			return 1
		}
	}
	return 0
}

// f64At reads row i as a float64.
func (x *nums) f64At(i int) float64 {
	switch x.kind {
	case numF64:
		return x.f64[i]
	case numI32:
		return float64(x.i32[i])
	case numI64:
		return float64(x.i64[i])
	case numBool:
		if bitutil.BitIsSet(x.bits, x.boff+i) {
			return 1
		}
	}
	return 0
}

// strs reads string arguments, plain or dictionary-encoded.
type strs struct {
	plain *array.String
	dict  *array.Dictionary
	dvals *array.String
	idx32 []int32 // dictionary indices when Int32
}

func strsOf(a arrow.Array) (strs, bool) {
	switch a := a.(type) {
	case *array.String:
		return strs{plain: a}, true
	case *array.Dictionary:
		dv, ok := a.Dictionary().(*array.String)
		if !ok {
			return strs{}, false
		}
		s := strs{dict: a, dvals: dv}
		if ix, ok := a.Indices().(*array.Int32); ok {
			s.idx32 = ix.Int32Values()
		}
		return s, true
	}
	return strs{}, false
}

// index returns the dictionary index of row i (dictionary arrays only).
func (s *strs) index(i int) int {
	if s.idx32 != nil {
		return int(s.idx32[i])
	}
	return s.dict.GetValueIndex(i)
}

// at returns row i's string without copying: it aliases the Arrow buffer.
func (s *strs) at(i int) string {
	if s.plain != nil {
		return s.plain.Value(i)
	}
	return s.dvals.Value(s.index(i))
}

// constInt reads the constant argument at pos as an int; def applies when the
// call has no argument there.
func constInt(spec *Spec, pos int, def int) (int, error) {
	if pos >= len(spec.Args) {
		return def, nil
	}
	if pos >= len(spec.Consts) || spec.Consts[pos] == nil {
		return 0, fmt.Errorf("%s: argument %d must be a constant", spec.Name, pos+1)
	}
	f, ok := constFloat(spec.Consts[pos])
	if !ok || f != math.Trunc(f) {
		return 0, fmt.Errorf("%s: argument %d must be an integer constant, got %v", spec.Name, pos+1, spec.Consts[pos])
	}
	return int(f), nil
}

func constFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case uint32:
		return float64(v), true
	case uint64:
		return float64(v), true
	}
	return 0, false
}

func argAt(args []fn.Arg, i int, name string) (fn.Arg, error) {
	if i >= len(args) || args[i].Array == nil {
		return fn.Arg{}, fmt.Errorf("%s: missing argument %d", name, i+1)
	}
	return args[i], nil
}
