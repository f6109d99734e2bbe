package eval

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/exec/strops"
	"github.com/prowl-hunt/prowl/kusto"
)

// operand is an evaluated argument read as numbers with a stride (0 for constants).
type operand struct {
	ints   []int64
	flts   []float64
	valid  []bool
	stride int
}

func (o *operand) ok(i int) bool { return o.valid == nil || o.valid[i*o.stride] }

func readInts(v Value) operand {
	a := Decode(v.Array)
	o := operand{ints: Ints(a), valid: Valid(a), stride: 1}
	if v.Const {
		o.stride = 0
	}
	return o
}

func readFloats(v Value) operand {
	a := Decode(v.Array)
	o := operand{flts: Floats(a), valid: Valid(a), stride: 1}
	if v.Const {
		o.stride = 0
	}
	return o
}

func rows(l, r Value, n int) (int, bool) {
	if l.Const && r.Const {
		return 1, true
	}
	return n, false
}

// Arith is + - * / % over numbers, datetimes and timespans. T is the result type
// the binder computed.
type Arith struct {
	Op   string
	L, R Expr
	T    kusto.Type
}

func (e *Arith) Type() kusto.Type { return e.T }

func (e *Arith) Eval(c *Ctx, b *Batch) (Value, error) {
	l, err := e.L.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	r, err := e.R.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	n, isConst := rows(l, r, b.N)
	useFloat := e.T == kusto.Real || l.Type == kusto.Real || r.Type == kusto.Real
	if useFloat {
		lo, ro := readFloats(l), readFloats(r)
		out := make([]float64, n)
		valid := make([]bool, n)
		for i := 0; i < n; i++ {
			if !lo.ok(i) || !ro.ok(i) {
				continue
			}
			x, y := lo.flts[i*lo.stride], ro.flts[i*ro.stride]
			var z float64
			switch e.Op {
			case "+":
				z = x + y
			case "-":
				z = x - y
			case "*":
				z = x * y
			case "/":
				z = x / y
			case "%":
				z = math.Mod(x, y)
				if z != 0 && (z < 0) != (y < 0) {
					z += y
				}
			}
			out[i] = z
			valid[i] = true
		}
		if e.T == kusto.Real {
			return Value{Type: e.T, Array: NewFloats(out, valid), Const: isConst}, nil
		}
		iv := make([]int64, n)
		for i, f := range out {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				valid[i] = false
				continue
			}
			iv[i] = int64(f)
		}
		return Value{Type: e.T, Array: NewInts(e.T, iv, valid), Const: isConst}, nil
	}
	lo, ro := readInts(l), readInts(r)
	if out, ok := intArithDense(e.Op, lo, ro, n); ok {
		return Value{Type: e.T, Array: NewInts(e.T, out, nil), Const: isConst}, nil
	}
	out := make([]int64, n)
	valid := make([]bool, n)
	narrow := e.T == kusto.Int
	for i := 0; i < n; i++ {
		if !lo.ok(i) || !ro.ok(i) {
			continue
		}
		x, y := lo.ints[i*lo.stride], ro.ints[i*ro.stride]
		var z int64
		switch e.Op {
		case "+":
			z = x + y
		case "-":
			z = x - y
		case "*":
			z = x * y
		case "/":
			if y == 0 {
				continue
			}
			if narrow {
				z = int64(int32(x) / int32(y))
			} else {
				z = x / y
			}
		case "%":
			if y == 0 {
				continue
			}
			z = x % y
			if z != 0 && (z < 0) != (y < 0) {
				z += y
			}
		}
		out[i] = z
		valid[i] = true
	}
	return Value{Type: e.T, Array: NewInts(e.T, out, valid), Const: isConst}, nil
}

// intArithDense computes + - * of integer operands without nulls in one
// loop per operator and operand shape (column op column, column op
// constant, constant op column); ok is false for anything else, which the
// general loop handles.
func intArithDense(op string, lo, ro operand, n int) (out []int64, ok bool) {
	if lo.valid != nil || ro.valid != nil || n == 0 {
		return nil, false
	}
	var f func(x, y int64) int64
	switch op {
	case "+":
		f = func(x, y int64) int64 { return x + y }
	case "-":
		f = func(x, y int64) int64 { return x - y }
	case "*":
		f = func(x, y int64) int64 { return x * y }
	default:
		return nil, false
	}
	out = make([]int64, n)
	x, y := lo.ints, ro.ints
	switch {
	case lo.stride == 1 && ro.stride == 1:
		x, y = x[:n], y[:n]
		switch op {
		case "+":
			for i := range out {
				out[i] = x[i] + y[i]
			}
		case "-":
			for i := range out {
				out[i] = x[i] - y[i]
			}
		case "*":
			for i := range out {
				out[i] = x[i] * y[i]
			}
		}
	case lo.stride == 1:
		x, k := x[:n], y[0]
		for i := range out {
			out[i] = f(x[i], k)
		}
	case ro.stride == 1:
		k, y := x[0], y[:n]
		for i := range out {
			out[i] = f(k, y[i])
		}
	default:
		out[0] = f(x[0], y[0])
	}
	return out, true
}

// Negate is unary minus.
type Negate struct {
	X Expr
}

func (e *Negate) Type() kusto.Type { return e.X.Type() }

func (e *Negate) Eval(c *Ctx, b *Batch) (Value, error) {
	v, err := e.X.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	a := Decode(v.Array)
	if e.X.Type() == kusto.Real {
		f := Floats(a)
		out := make([]float64, len(f))
		for i, x := range f {
			out[i] = -x
		}
		return Value{Type: v.Type, Array: NewFloats(out, Valid(a)), Const: v.Const}, nil
	}
	iv := Ints(a)
	out := make([]int64, len(iv))
	for i, x := range iv {
		out[i] = -x
	}
	return Value{Type: v.Type, Array: NewInts(e.X.Type(), out, Valid(a)), Const: v.Const}, nil
}

// Compare is == != < <= > >= between scalars (strings compare case-sensitively;
// =~ and !~ are StrOps). Kusto null rules: with exactly one null side == is false
// and != is true; two nulls give null; ordering with a null gives null.
type Compare struct {
	Op   string
	L, R Expr
}

const boolType = kusto.Bool

func (e *Compare) Type() kusto.Type { return kusto.Bool }

func isStringType(t kusto.Type) bool {
	return t == kusto.String || t == kusto.Guid || t == kusto.Dynamic
}

func (e *Compare) Eval(c *Ctx, b *Batch) (Value, error) {
	l, err := e.L.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	r, err := e.R.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	n, isConst := rows(l, r, b.N)
	out := make([]bool, n)
	valid := make([]bool, n)
	if isStringType(l.Type) || isStringType(r.Type) {
		if r.Const && !l.Const && (e.Op == "==" || e.Op == "!=") {
			needle := StringAt(r.Array, 0)
			neg := e.Op == "!="
			res := stringPredicate(l.Array, func(s string) bool { return (s == needle) != neg })
			return Value{Type: kusto.Bool, Array: NewBools(res, nil)}, nil
		}
		ls, rs := 1, 1
		if l.Const {
			ls = 0
		}
		if r.Const {
			rs = 0
		}
		for i := 0; i < n; i++ {
			x, y := StringAt(l.Array, i*ls), StringAt(r.Array, i*rs)
			valid[i] = true
			switch e.Op {
			case "==":
				out[i] = x == y
			case "!=":
				out[i] = x != y
			case "<":
				out[i] = x < y
			case "<=":
				out[i] = x <= y
			case ">":
				out[i] = x > y
			case ">=":
				out[i] = x >= y
			}
		}
		return Value{Type: kusto.Bool, Array: NewBools(out, valid), Const: isConst}, nil
	}
	useFloat := l.Type == kusto.Real || r.Type == kusto.Real
	if !useFloat && !l.Const && r.Const && r.Array.Len() > 0 && r.Array.IsValid(0) && l.Array.Len() == n {
		if y, ok := constInt(r.Array); ok {
			if v, ok := compareIntConst(e.Op, l.Array, y); ok {
				return v, nil
			}
		}
	}
	var lo, ro operand
	if useFloat {
		lo, ro = readFloats(l), readFloats(r)
	} else {
		lo, ro = readInts(l), readInts(r)
	}
	for i := 0; i < n; i++ {
		lv, rv := lo.ok(i), ro.ok(i)
		if !lv || !rv {
			if lv != rv {
				switch e.Op {
				case "==":
					valid[i] = true
				case "!=":
					out[i], valid[i] = true, true
				}
			}
			continue
		}
		var cmp int
		if useFloat {
			x, y := lo.flts[i*lo.stride], ro.flts[i*ro.stride]
			switch {
			case x < y:
				cmp = -1
			case x > y:
				cmp = 1
			case x != y: // NaN
				cmp = 2
			}
		} else {
			x, y := lo.ints[i*lo.stride], ro.ints[i*ro.stride]
			switch {
			case x < y:
				cmp = -1
			case x > y:
				cmp = 1
			}
		}
		valid[i] = true
		switch e.Op {
		case "==":
			out[i] = cmp == 0
		case "!=":
			out[i] = cmp != 0
		case "<":
			out[i] = cmp == -1
		case "<=":
			out[i] = cmp == -1 || cmp == 0
		case ">":
			out[i] = cmp == 1
		case ">=":
			out[i] = cmp == 1 || cmp == 0
		}
	}
	return Value{Type: kusto.Bool, Array: NewBools(out, valid), Const: isConst}, nil
}

// Logic is three-valued and/or.
type Logic struct {
	Or   bool
	L, R Expr
}

func (e *Logic) Type() kusto.Type { return kusto.Bool }

func (e *Logic) Eval(c *Ctx, b *Batch) (Value, error) {
	l, err := e.L.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	// Short-circuit a constant left side.
	if l.Const && l.Array.IsValid(0) {
		lb := boolAt(l.Array, 0)
		if lb == e.Or {
			return l, nil
		}
		return e.R.Eval(c, b)
	}
	r, err := e.R.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	n, isConst := rows(l, r, b.N)
	lo, ro := readInts(l), readInts(r)
	out := make([]bool, n)
	valid := make([]bool, n)
	for i := 0; i < n; i++ {
		lv, rv := lo.ok(i), ro.ok(i)
		x, y := lv && lo.ints[i*lo.stride] != 0, rv && ro.ints[i*ro.stride] != 0
		if e.Or {
			switch {
			case (lv && x) || (rv && y):
				out[i], valid[i] = true, true
			case lv && rv:
				valid[i] = true
			}
		} else {
			switch {
			case (lv && !x) || (rv && !y):
				valid[i] = true
			case lv && rv:
				out[i], valid[i] = true, true
			}
		}
	}
	return Value{Type: kusto.Bool, Array: NewBools(out, valid), Const: isConst}, nil
}

func boolAt(a arrow.Array, i int) bool {
	return Ints(Decode(a))[i] != 0
}

// Not is logical negation (null stays null).
type Not struct{ X Expr }

func (e *Not) Type() kusto.Type { return kusto.Bool }

func (e *Not) Eval(c *Ctx, b *Batch) (Value, error) {
	v, err := e.X.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	o := readInts(v)
	out := make([]bool, len(o.ints))
	for i, x := range o.ints {
		out[i] = x == 0
	}
	return Value{Type: kusto.Bool, Array: NewBools(out, o.valid), Const: v.Const}, nil
}

// StrOp is a string operator with a constant needle (Matcher) or a per-row right
// side (R).
type StrOp struct {
	Op      string
	Neg     bool
	L       Expr
	Matcher *StringMatcher
	// Fast is the batch form of Matcher (exec/strops), negation included.
	Fast *strops.Matcher
	R    Expr
}

func (e *StrOp) Type() kusto.Type { return kusto.Bool }

func (e *StrOp) Eval(c *Ctx, b *Batch) (Value, error) {
	l, err := e.L.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	if e.Fast != nil {
		res, err := evalMatcher(e.Fast, l.Array)
		if err != nil {
			return Value{}, err
		}
		return boolValue(res, l.Const), nil
	}
	if e.Matcher != nil {
		m, neg := e.Matcher, e.Neg
		res := stringPredicate(l.Array, func(s string) bool { return m.Match(s) != neg })
		return Value{Type: kusto.Bool, Array: NewBools(res, nil), Const: l.Const}, nil
	}
	r, err := e.R.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	n, isConst := rows(l, r, b.N)
	ls, rs := 1, 1
	if l.Const {
		ls = 0
	}
	if r.Const {
		rs = 0
	}
	out := make([]bool, n)
	for i := 0; i < n; i++ {
		m, err := NewStringMatcher(e.Op, StringAt(r.Array, i*rs))
		if err != nil {
			return Value{}, fmt.Errorf("%s: %w", e.Op, err)
		}
		out[i] = m.Match(StringAt(l.Array, i*ls)) != e.Neg
	}
	return Value{Type: kusto.Bool, Array: NewBools(out, nil), Const: isConst}, nil
}

// HasAny is has_any / has_all with constant terms.
type HasAny struct {
	X     Expr
	Terms []*StringMatcher
	All   bool
	Fast  *strops.Matcher
}

func (e *HasAny) Type() kusto.Type { return kusto.Bool }

func (e *HasAny) Eval(c *Ctx, b *Batch) (Value, error) {
	v, err := e.X.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	if e.Fast != nil {
		res, err := evalMatcher(e.Fast, v.Array)
		if err != nil {
			return Value{}, err
		}
		return boolValue(res, v.Const), nil
	}
	res := stringPredicate(v.Array, func(s string) bool {
		if e.All {
			for _, t := range e.Terms {
				if !t.Match(s) {
					return false
				}
			}
			return true
		}
		return hasAny(s, e.Terms)
	})
	return Value{Type: kusto.Bool, Array: NewBools(res, nil), Const: v.Const}, nil
}

// Between is `X between (Lo .. Hi)`, inclusive (Neg for !between).
type Between struct {
	X, Lo, Hi Expr
	Neg       bool
}

func (e *Between) Type() kusto.Type { return kusto.Bool }

func (e *Between) Eval(c *Ctx, b *Batch) (Value, error) {
	ge := &Compare{Op: ">=", L: e.X, R: e.Lo}
	le := &Compare{Op: "<=", L: e.X, R: e.Hi}
	var x Expr = &Logic{L: ge, R: le}
	if e.Neg {
		x = &Not{X: x}
	}
	return x.Eval(c, b)
}

// constInt reads the first value of an integer-backed array.
func constInt(a arrow.Array) (int64, bool) {
	switch x := a.(type) {
	case *array.Int64:
		return x.Value(0), true
	case *array.Int32:
		return int64(x.Value(0)), true
	case *array.Timestamp:
		return int64(x.Value(0)), true
	case *array.Duration:
		return int64(x.Value(0)), true
	}
	return 0, false
}

// compareIntConst compares an integer column with a constant in one tight
// loop per operator (false when the column's layout has no fast path).
func compareIntConst(op string, a arrow.Array, y int64) (Value, bool) {
	var out []bool
	var ok bool
	switch x := a.(type) {
	case *array.Int32:
		out, ok = cmpConst(op, x.Int32Values(), y)
	case *array.Int64:
		out, ok = cmpConst(op, x.Int64Values(), y)
	case *array.Timestamp, *array.Duration:
		out, ok = cmpConst(op, Ints(a), y)
	}
	if !ok {
		return Value{}, false
	}
	var valid []bool
	if a.NullN() > 0 {
		// Kusto: with one null side == is false, != is true; ordering is null.
		valid = make([]bool, len(out))
		for i := range out {
			if a.IsValid(i) {
				valid[i] = true
				continue
			}
			switch op {
			case "==":
				out[i], valid[i] = false, true
			case "!=":
				out[i], valid[i] = true, true
			default:
				out[i] = false
			}
		}
	}
	return Value{Type: kusto.Bool, Array: NewBools(out, valid)}, true
}

func cmpConst[T int32 | int64](op string, vals []T, y int64) ([]bool, bool) {
	out := make([]bool, len(vals))
	switch op {
	case "==":
		for i, v := range vals {
			out[i] = int64(v) == y
		}
	case "!=":
		for i, v := range vals {
			out[i] = int64(v) != y
		}
	case "<":
		for i, v := range vals {
			out[i] = int64(v) < y
		}
	case "<=":
		for i, v := range vals {
			out[i] = int64(v) <= y
		}
	case ">":
		for i, v := range vals {
			out[i] = int64(v) > y
		}
	case ">=":
		for i, v := range vals {
			out[i] = int64(v) >= y
		}
	default:
		return nil, false
	}
	return out, true
}

// Select evaluates a column-vs-constant integer comparison straight into the
// rows of b where it holds (in order). It reports false when the comparison has
// no such fast path (other shapes, or a column with nulls); callers then Eval.
func (e *Compare) Select(c *Ctx, b *Batch) ([]int32, bool, error) {
	col, ok := e.L.(*Column)
	k, ok2 := e.R.(*Const)
	if !ok || !ok2 || isStringType(col.T) || col.T == kusto.Real || k.T == kusto.Real || isStringType(k.T) {
		return nil, false, nil
	}
	if k.V == nil || k.V.Len() == 0 || !k.V.IsValid(0) {
		return nil, false, nil
	}
	y, ok := constInt(k.V)
	if !ok {
		return nil, false, nil
	}
	lv, err := col.Eval(c, b)
	if err != nil {
		return nil, false, err
	}
	if lv.Array == nil || lv.Array.Len() != b.N || lv.Array.NullN() > 0 {
		return nil, false, nil
	}
	if vals, ok := int64Values(lv.Array); ok {
		return selConst(e.Op, vals, y, b)
	}
	if x, ok := lv.Array.(*array.Int32); ok {
		return selConst(e.Op, x.Int32Values(), y, b)
	}
	return nil, false, nil
}

// int64Values returns the values of a 64-bit integer-backed array (long,
// datetime, timespan) without copying.
func int64Values(a arrow.Array) ([]int64, bool) {
	switch x := a.(type) {
	case *array.Int64:
		return x.Int64Values(), true
	case *array.Timestamp:
		return arrow.Int64Traits.CastFromBytes(arrow.TimestampTraits.CastToBytes(x.TimestampValues())), true
	case *array.Duration:
		return arrow.Int64Traits.CastFromBytes(arrow.DurationTraits.CastToBytes(x.DurationValues())), true
	}
	return nil, false
}

// Select is the selection-vector form of `X between (lo .. hi)` over an
// integer-backed column (long, datetime, timespan) and constant bounds: the
// live rows inside the range, in one loop. ok is false when the operands do
// not have that form (then Eval).
func (e *Between) Select(c *Ctx, b *Batch) ([]int32, bool, error) {
	col, ok := e.X.(*Column)
	lo, ok2 := e.Lo.(*Const)
	hi, ok3 := e.Hi.(*Const)
	if !ok || !ok2 || !ok3 || e.Neg || isStringType(col.T) || col.T == kusto.Real || lo.T == kusto.Real || hi.T == kusto.Real {
		return nil, false, nil
	}
	if lo.V == nil || hi.V == nil || lo.V.Len() == 0 || hi.V.Len() == 0 || !lo.V.IsValid(0) || !hi.V.IsValid(0) {
		return nil, false, nil
	}
	l, ok := constInt(lo.V)
	h, ok2 := constInt(hi.V)
	if !ok || !ok2 {
		return nil, false, nil
	}
	v, err := col.Eval(c, b)
	if err != nil {
		return nil, false, err
	}
	if v.Array == nil || v.Array.Len() != b.N || v.Array.NullN() > 0 {
		return nil, false, nil
	}
	vals, ok := int64Values(v.Array)
	if !ok {
		return nil, false, nil
	}
	sel := make([]int32, 0, b.Len())
	if b.Sel == nil {
		for r, x := range vals {
			if x >= l && x <= h {
				sel = append(sel, int32(r))
			}
		}
		return sel, true, nil
	}
	for _, r := range b.Sel {
		if x := vals[r]; x >= l && x <= h {
			sel = append(sel, r)
		}
	}
	return sel, true, nil
}

func selConst[T int32 | int64](op string, vals []T, y int64, b *Batch) ([]int32, bool, error) {
	switch op {
	case "==", "!=", "<", "<=", ">", ">=":
	default:
		return nil, false, nil
	}
	sel := make([]int32, 0, b.Len())
	rows := b.Sel
	if rows == nil {
		// Dense: one branch-light loop per operator.
		switch op {
		case "==":
			for r, v := range vals {
				if int64(v) == y {
					sel = append(sel, int32(r))
				}
			}
		case "!=":
			for r, v := range vals {
				if int64(v) != y {
					sel = append(sel, int32(r))
				}
			}
		case "<":
			for r, v := range vals {
				if int64(v) < y {
					sel = append(sel, int32(r))
				}
			}
		case "<=":
			for r, v := range vals {
				if int64(v) <= y {
					sel = append(sel, int32(r))
				}
			}
		case ">":
			for r, v := range vals {
				if int64(v) > y {
					sel = append(sel, int32(r))
				}
			}
		case ">=":
			for r, v := range vals {
				if int64(v) >= y {
					sel = append(sel, int32(r))
				}
			}
		}
		return sel, true, nil
	}
	for _, r := range rows {
		v := int64(vals[r])
		var keep bool
		switch op {
		case "==":
			keep = v == y
		case "!=":
			keep = v != y
		case "<":
			keep = v < y
		case "<=":
			keep = v <= y
		case ">":
			keep = v > y
		case ">=":
			keep = v >= y
		}
		if keep {
			sel = append(sel, r)
		}
	}
	return sel, true, nil
}
