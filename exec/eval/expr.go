package eval

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/exec/internal/dictmemo"
	"github.com/prowl-hunt/prowl/exec/strops"
	"github.com/prowl-hunt/prowl/kusto"
)

// Value is the result of evaluating an expression over a batch: an array of the
// batch's N rows, or a constant (length 1, Const set).
type Value = fn.Arg

// Ctx is what evaluation needs besides the batch: the function context (clock,
// allocator) and cancellation.
type Ctx struct {
	Fn  *fn.Context
	Ctx context.Context
}

// Expr is a compiled scalar expression.
type Expr interface {
	// Eval computes the expression over the N physical rows of b.
	Eval(c *Ctx, b *Batch) (Value, error)
	// Type is the Kusto type of the result.
	Type() kusto.Type
}

// Column reads input column Index.
type Column struct {
	Index int
	T     kusto.Type
}

func (e *Column) Type() kusto.Type { return e.T }

func (e *Column) Eval(c *Ctx, b *Batch) (Value, error) {
	if e.Index < 0 || e.Index >= len(b.Cols) {
		return Value{}, fmt.Errorf("internal: column %d out of range (%d columns)", e.Index, len(b.Cols))
	}
	return Value{Type: e.T, Array: b.Cols[e.Index]}, nil
}

// Const is a constant value (a length-1 array).
type Const struct {
	V arrow.Array
	T kusto.Type
}

func (e *Const) Type() kusto.Type { return e.T }

func (e *Const) Eval(*Ctx, *Batch) (Value, error) {
	return Value{Type: e.T, Array: e.V, Const: true}, nil
}

// NewConst makes a constant from a Go value as ast.Literal holds it (nil = null).
func NewConst(t kusto.Type, v any) (*Const, error) {
	if v == nil {
		return &Const{V: NewNulls(t, 1), T: t}, nil
	}
	switch t {
	case kusto.Bool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("bad bool constant %v", v)
		}
		return &Const{V: NewBools([]bool{b}, nil), T: t}, nil
	case kusto.Int, kusto.Long, kusto.DateTime, kusto.TimeSpan:
		var i int64
		switch x := v.(type) {
		case int32:
			i = int64(x)
		case int64:
			i = x
		case int:
			i = int64(x)
		case float64:
			i = int64(x)
		default:
			return nil, fmt.Errorf("bad %s constant %v", t, v)
		}
		return &Const{V: NewInts(t, []int64{i}, nil), T: t}, nil
	case kusto.Real:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case int64:
			f = float64(x)
		case int32:
			f = float64(x)
		default:
			return nil, fmt.Errorf("bad real constant %v", v)
		}
		return &Const{V: NewFloats([]float64{f}, nil), T: t}, nil
	case kusto.String, kusto.Guid, kusto.Dynamic:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("bad %s constant %v", t, v)
		}
		return &Const{V: NewStrings([]string{s}), T: t}, nil
	case kusto.Decimal:
		s := fmt.Sprint(v)
		b := array.NewBuilder(mem, DecimalType())
		if err := b.AppendValueFromString(s); err != nil {
			return nil, fmt.Errorf("bad decimal constant %q", s)
		}
		return &Const{V: b.NewArray(), T: t}, nil
	}
	return nil, fmt.Errorf("unsupported constant type %s", t)
}

// Call invokes a scalar function kernel.
//
// When every varying argument is dictionary-encoded (string columns read
// from Parquet), the kernel runs once per distinct value, or per distinct
// combination of values, instead of once per row, and a string result stays
// dictionary-encoded. Results over a dictionary shared by many batches (a
// column chunk's) are remembered, so the kernel runs once per dictionary.
type Call struct {
	Name   string
	Kernel fn.Kernel
	Args   []Expr
	T      kusto.Type

	memo dictmemo.Memo[arrow.Array] // results over recent dictionaries (one varying argument)
}

func (e *Call) Type() kusto.Type { return e.T }

// maxTupleArgs is how many varying dictionary arguments are combined into
// per-row tuples (account_user has four); more are decoded.
const maxTupleArgs = 4

func (e *Call) Eval(c *Ctx, b *Batch) (Value, error) {
	args := make([]fn.Arg, len(e.Args))
	allConst := true
	var dictArgs [maxTupleArgs]int
	nDict, varying := 0, 0
	for i, a := range e.Args {
		v, err := a.Eval(c, b)
		if err != nil {
			return Value{}, err
		}
		if !v.Const {
			allConst = false
			varying++
			if v.Array.DataType().ID() == arrow.DICTIONARY && nDict < maxTupleArgs {
				dictArgs[nDict] = i
				nDict++
			}
		}
		args[i] = v
	}
	switch {
	case varying == 1 && nDict == 1:
		return e.evalDict(c, args, dictArgs[0])
	case varying > 1 && nDict == varying:
		return e.evalTuples(c, args, dictArgs[:nDict], b.N)
	}
	n := b.N
	if allConst {
		n = 1
	}
	for i := range args {
		if !args[i].Const {
			args[i].Array = Decode(args[i].Array)
		}
	}
	res, err := e.Kernel(c.Fn, args, n, e.T)
	if err != nil {
		return Value{}, fmt.Errorf("%s: %w", e.Name, err)
	}
	return Value{Type: e.T, Array: res, Const: allConst}, nil
}

// evalDict evaluates the call with one varying, dictionary-encoded argument
// on the dictionary's values (once per dictionary) and re-encodes the result
// through the indices. Null rows read as "" (Kusto strings are never null):
// the kernel also runs on one "" appended to the dictionary's values.
func (e *Call) evalDict(c *Ctx, args []fn.Arg, k int) (Value, error) {
	d := args[k].Array.(*array.Dictionary)
	vals := d.Dictionary()
	res, err := e.memoResult(d.Data().Dictionary(), func() (arrow.Array, error) {
		args[k] = Value{Type: args[k].Type, Array: withEmpty(vals)}
		return e.Kernel(c.Fn, args, vals.Len()+1, e.T)
	})
	if err != nil {
		return Value{}, fmt.Errorf("%s: %w", e.Name, err)
	}
	idx := dictIndices(d)
	if d.NullN() > 0 { // a copy: null rows read the "" appended last
		for i, j := range idx {
			if j < 0 {
				idx[i] = int32(vals.Len())
			}
		}
	}
	if isPlainStrings(res) {
		return Value{Type: e.T, Array: dictionaryOf(idx, res)}, nil
	}
	return Value{Type: e.T, Array: Take(res, idx)}, nil
}

// withEmpty returns the decoded values of a dictionary with one "" appended.
func withEmpty(vals arrow.Array) arrow.Array {
	vals = Decode(vals)
	s, ok := vals.(*array.String)
	if !ok || s.NullN() > 0 {
		out := make([]string, vals.Len()+1)
		for i := range vals.Len() {
			out[i] = StringAt(vals, i)
		}
		return NewStrings(out)
	}
	offs := s.ValueOffsets()
	o := make([]int32, len(offs)+1)
	base := offs[0]
	for i, x := range offs {
		o[i] = x - base
	}
	o[len(offs)] = o[len(offs)-1]
	data := append([]byte(nil), s.ValueBytes()...)
	return array.NewStringData(array.NewData(arrow.BinaryTypes.String, len(o)-1,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(o)), memory.NewBufferBytes(data)}, nil, 0, 0))
}

// evalTuples evaluates the call once per distinct combination of its varying
// dictionary arguments' indices in the batch (rows of one process carry the
// same account columns, so there are few), then re-encodes the result.
func (e *Call) evalTuples(c *Ctx, args []fn.Arg, dicts []int, n int) (Value, error) {
	var idx [maxTupleArgs][]int32
	for j, ai := range dicts {
		idx[j] = dictIndices(args[ai].Array.(*array.Dictionary))
	}
	// Pack the indices (+1, so a null row's -1 is 0) into one uint64 when
	// every dictionary is small enough: a uint64 map is about twice as fast.
	width := uint(64 / len(dicts))
	packed := true
	for _, ai := range dicts {
		packed = packed && uint64(args[ai].Array.(*array.Dictionary).Dictionary().Len())+1 < 1<<width
	}
	var ids, firstRow []int32
	if packed {
		ids, firstRow = distinctRows(n, func(i int) (key uint64) {
			for j := range dicts {
				key |= uint64(idx[j][i]+1) << (uint(j) * width)
			}
			return key
		})
	} else {
		ids, firstRow = distinctRows(n, func(i int) (t [maxTupleArgs]int32) {
			for j := range dicts {
				t[j] = idx[j][i]
			}
			return t
		})
	}
	for _, ai := range dicts {
		args[ai] = Value{Type: args[ai].Type, Array: Decode(Take(args[ai].Array, firstRow))}
	}
	res, err := e.Kernel(c.Fn, args, len(firstRow), e.T)
	if err != nil {
		return Value{}, fmt.Errorf("%s: %w", e.Name, err)
	}
	if isPlainStrings(res) {
		return Value{Type: e.T, Array: dictionaryOf(ids, res)}, nil
	}
	return Value{Type: e.T, Array: Take(res, ids)}, nil
}

// distinctRows numbers the distinct keys of rows 0..n-1 in order of first
// appearance: ids[i] is row i's number, firstRow[k] the first row with key k.
// A row with the same key as the row before (runs are common) skips the map.
func distinctRows[K comparable](n int, key func(i int) K) (ids, firstRow []int32) {
	ids = make([]int32, n)
	seen := make(map[K]int32)
	var last K
	for i := 0; i < n; i++ {
		k := key(i)
		if i > 0 && k == last {
			ids[i] = ids[i-1]
			continue
		}
		id, ok := seen[k]
		if !ok {
			id = int32(len(firstRow))
			seen[k] = id
			firstRow = append(firstRow, int32(i))
		}
		ids[i], last = id, k
	}
	return ids, firstRow
}

// dictIndices returns the row → dictionary index of d, with -1 for null rows.
// Without nulls and with int32 indices it is d's own index buffer: read only.
func dictIndices(d *array.Dictionary) []int32 {
	xi, ok := d.Indices().(*array.Int32)
	if ok && d.NullN() == 0 {
		return xi.Int32Values()
	}
	out := make([]int32, d.Len())
	for i := range out {
		if d.IsNull(i) {
			out[i] = -1
		} else {
			out[i] = int32(d.GetValueIndex(i))
		}
	}
	return out
}

// isPlainStrings reports whether a is a string array without nulls, which
// can serve as a dictionary.
func isPlainStrings(a arrow.Array) bool {
	_, ok := a.(*array.String)
	return ok && a.NullN() == 0
}

// dictionaryOf returns the dictionary-encoded array of indices into dict.
func dictionaryOf(indices []int32, dict arrow.Array) arrow.Array {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: dict.DataType()}
	d := array.NewDataWithDictionary(dt, len(indices), []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(indices))}, 0, 0, dict.Data().(*array.Data))
	defer d.Release()
	return array.MakeFromData(d)
}

// memoResult returns the call's result over the dictionary dict, computing
// and remembering it when it is not remembered. The memo holds a reference
// to each result it keeps.
func (e *Call) memoResult(dict arrow.ArrayData, compute func() (arrow.Array, error)) (arrow.Array, error) {
	if res, ok := e.memo.Get(dict); ok {
		return res, nil
	}
	res, err := compute()
	if err != nil {
		return nil, err
	}
	res.Retain()
	if old, ok := e.memo.Put(dict, res); ok {
		old.Release()
	}
	return res, nil
}

// remap expands a per-dictionary-entry result through the dictionary's
// indices; null rows stay null.
func remap(res arrow.Array, d *array.Dictionary) arrow.Array {
	idx := make([]int32, d.Len())
	hasNull := d.NullN() > 0
	for i := range idx {
		if !hasNull || d.IsValid(i) {
			idx[i] = int32(d.GetValueIndex(i))
		}
	}
	out := Take(res, idx)
	if hasNull {
		valid := Valid(d)
		if isStringArray(out) {
			vals := make([]string, len(idx))
			for i := range vals {
				if valid[i] {
					vals[i] = StringAt(out, i)
				}
			}
			return NewStrings(vals)
		}
		return withValidity(out, valid)
	}
	return out
}

// Set is a hash set of constants for in / !in / in~ / !in~.
type Set struct {
	strs  map[string]struct{}
	ints  map[int64]struct{}
	flts  map[float64]struct{}
	Fold  bool // case-insensitive (in~)
	Kind  kusto.Type
	Count int
}

// NewSet builds a set from constant values (strings, integers or reals).
func NewSet(t kusto.Type, fold bool, vals []arrow.Array) *Set {
	s := &Set{Fold: fold, Kind: t}
	switch t {
	case kusto.String, kusto.Guid, kusto.Dynamic:
		s.strs = make(map[string]struct{})
		for _, a := range vals {
			for i := 0; i < a.Len(); i++ {
				v := StringAt(a, i)
				if fold {
					v = strings.ToLower(v)
				}
				s.strs[v] = struct{}{}
			}
		}
		s.Count = len(s.strs)
	case kusto.Real:
		s.flts = make(map[float64]struct{})
		for _, a := range vals {
			f := Floats(Decode(a))
			for i := range f {
				if a.IsValid(i) {
					s.flts[f[i]] = struct{}{}
				}
			}
		}
		s.Count = len(s.flts)
	default:
		s.ints = make(map[int64]struct{})
		for _, a := range vals {
			f := Ints(Decode(a))
			for i := range f {
				if a.IsValid(i) {
					s.ints[f[i]] = struct{}{}
				}
			}
		}
		s.Count = len(s.ints)
	}
	return s
}

// Strings lists the set's string members, sorted (for pruning and Explain).
func (s *Set) Strings() []string {
	out := make([]string, 0, len(s.strs))
	for k := range s.strs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Ints lists the set's integer members, sorted (for pruning).
func (s *Set) Ints() []int64 {
	out := make([]int64, 0, len(s.ints))
	for k := range s.ints {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// In evaluates `X in (set)` (Neg for !in).
type In struct {
	X   Expr
	Set *Set
	Neg bool
	// Fast is the string-set predicate (exec/strops), negation included.
	Fast *strops.Matcher
}

func (e *In) Type() kusto.Type { return kusto.Bool }

func (e *In) Eval(c *Ctx, b *Batch) (Value, error) {
	v, err := e.X.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	s := e.Set
	a := v.Array
	switch {
	case s.strs != nil && e.Fast != nil:
		res, err := evalMatcher(e.Fast, a)
		if err != nil {
			return Value{}, err
		}
		return boolValue(res, v.Const), nil
	case s.strs != nil:
		res := stringPredicate(a, func(x string) bool {
			if s.Fold {
				x = lowerASCIIFast(x)
			}
			_, ok := s.strs[x]
			return ok != e.Neg
		})
		return Value{Type: kusto.Bool, Array: NewBools(res, nil), Const: v.Const}, nil
	case s.flts != nil:
		a = Decode(a)
		f := Floats(a)
		res := make([]bool, len(f))
		valid := Valid(a)
		for i, x := range f {
			_, ok := s.flts[x]
			res[i] = ok != e.Neg
		}
		return Value{Type: kusto.Bool, Array: NewBools(res, valid), Const: v.Const}, nil
	default:
		a = Decode(a)
		f := Ints(a)
		res := make([]bool, len(f))
		valid := Valid(a)
		for i, x := range f {
			_, ok := s.ints[x]
			res[i] = ok != e.Neg
		}
		return Value{Type: kusto.Bool, Array: NewBools(res, valid), Const: v.Const}, nil
	}
}
