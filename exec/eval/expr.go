package eval

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/exec/fn"
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
type Call struct {
	Name   string
	Kernel fn.Kernel
	Args   []Expr
	T      kusto.Type
}

func (e *Call) Type() kusto.Type { return e.T }

func (e *Call) Eval(c *Ctx, b *Batch) (Value, error) {
	args := make([]fn.Arg, len(e.Args))
	allConst := true
	dictArg := -1
	varying := 0
	for i, a := range e.Args {
		v, err := a.Eval(c, b)
		if err != nil {
			return Value{}, err
		}
		if !v.Const {
			allConst = false
			varying++
			if v.Array.DataType().ID() == arrow.DICTIONARY {
				dictArg = i
			}
		}
		args[i] = v
	}
	n := b.N
	if allConst {
		n = 1
	}
	// One varying dictionary argument: evaluate on the dictionary values once
	// and re-encode the result through the indices.
	if dictArg >= 0 && varying == 1 {
		d := args[dictArg].Array.(*array.Dictionary)
		args[dictArg] = Value{Type: args[dictArg].Type, Array: Decode(d.Dictionary())}
		res, err := e.Kernel(c.Fn, args, d.Dictionary().Len(), e.T)
		if err != nil {
			return Value{}, fmt.Errorf("%s: %w", e.Name, err)
		}
		return Value{Type: e.T, Array: remap(res, d)}, nil
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

// remap expands a per-dictionary-entry result through the dictionary's indices.
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
		nullV := NewNulls(karrowType(res), 1)
		_ = nullV
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
