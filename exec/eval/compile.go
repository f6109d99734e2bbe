package eval

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/exec/strops"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// Compiler turns bound scalar expressions into Exprs.
type Compiler struct {
	Info *lang.Info
	// Kernel finds the kernel of a scalar function by canonical name.
	Kernel func(name string) (fn.Kernel, bool)
	// Ref resolves names the compiler cannot: declared query parameters and
	// let names bound outside the expression. May be nil.
	Ref func(ref lang.Ref, x ast.Expr) (Expr, error)
	// Tabular evaluates a tabular expression used as a value list (the right side
	// of in / has_any) and returns its first column. May be nil.
	Tabular func(x ast.Expr) (arrow.Array, kusto.Type, error)
	// Ctx is used for constant folding.
	Ctx *Ctx
	// Schema is the input schema of the operator being compiled, for functions
	// that look at the row itself (column_ifexists, pack_all).
	Schema kusto.Schema
	// Subst replaces sub-expressions by already computed values: summarize
	// puts the hidden column of each aggregate call here before compiling the
	// expression around it (count() * 2). May be nil.
	Subst map[ast.Expr]Expr

	params map[*ast.Param]Expr
	lets   map[*ast.LetStmt]Expr
}

func errAt(x ast.Node, format string, args ...any) error {
	return &lang.Error{Pos: x.Pos(), Msg: fmt.Sprintf(format, args...)}
}

// Bind sets the compiled expression a function parameter stands for.
func (c *Compiler) Bind(p *ast.Param, e Expr) {
	if c.params == nil {
		c.params = make(map[*ast.Param]Expr)
	}
	c.params[p] = e
}

func (c *Compiler) typeOf(x ast.Expr) kusto.Type {
	if t, ok := c.Info.Types[x]; ok {
		return t
	}
	if l, ok := x.(*ast.Literal); ok {
		return l.Type
	}
	return kusto.Invalid
}

// Compile compiles x and folds constant sub-expressions.
func (c *Compiler) Compile(x ast.Expr) (Expr, error) {
	e, err := c.compile(x)
	if err != nil {
		return nil, err
	}
	return c.fold(e)
}

func (c *Compiler) fold(e Expr) (Expr, error) {
	if _, ok := e.(*Const); ok || !IsConstant(e) {
		return e, nil
	}
	ctx := c.Ctx
	if ctx == nil {
		ctx = &Ctx{Fn: &fn.Context{Mem: mem}}
	}
	v, err := e.Eval(ctx, &Batch{N: 1})
	if err != nil {
		return nil, err
	}
	if !v.Const && v.Array.Len() != 1 {
		return e, nil
	}
	return &Const{V: v.Array, T: e.Type()}, nil
}

// IsConstant reports whether e depends on no input column.
func IsConstant(e Expr) bool {
	switch e := e.(type) {
	case *Const:
		return true
	case *Column:
		return false
	case *Call:
		for _, a := range e.Args {
			if !IsConstant(a) {
				return false
			}
		}
		return true
	case *Arith:
		return IsConstant(e.L) && IsConstant(e.R)
	case *Compare:
		return IsConstant(e.L) && IsConstant(e.R)
	case *Logic:
		return IsConstant(e.L) && IsConstant(e.R)
	case *Negate:
		return IsConstant(e.X)
	case *Not:
		return IsConstant(e.X)
	case *DynText:
		return IsConstant(e.X)
	case *Path:
		for _, s := range e.Steps {
			if s.Dyn != nil && !IsConstant(s.Dyn) {
				return false
			}
		}
		return IsConstant(e.X)
	case *StrOp:
		return IsConstant(e.L) && (e.R == nil || IsConstant(e.R))
	case *In:
		return IsConstant(e.X)
	case *HasAny:
		return IsConstant(e.X)
	case *Between:
		return IsConstant(e.X) && IsConstant(e.Lo) && IsConstant(e.Hi)
	case *Convert:
		return IsConstant(e.X)
	}
	return false
}

func (c *Compiler) compile(x ast.Expr) (Expr, error) {
	if e, ok := c.Subst[x]; ok {
		return e, nil
	}
	switch x := x.(type) {
	case *ast.Paren:
		return c.compile(x.X)
	case *ast.Literal:
		t := c.typeOf(x)
		if t == kusto.Invalid {
			t = x.Type
		}
		var v any
		if !x.Null {
			v = x.Value
		}
		k, err := NewConst(x.Type, v)
		if err != nil {
			return nil, errAt(x, "%v", err)
		}
		if t != x.Type {
			return c.convert(k, t)
		}
		return k, nil
	case *ast.Ident:
		ref, ok := c.Info.Refs[x]
		if !ok {
			return nil, errAt(x, "unresolved name '%s'", x.Name)
		}
		return c.ref(ref, x)
	case *ast.Unary:
		e, err := c.compile(x.X)
		if err != nil {
			return nil, err
		}
		if x.Op == "-" {
			return &Negate{X: e}, nil
		}
		return e, nil
	case *ast.Binary:
		return c.binary(x)
	case *ast.Call:
		return c.call(x)
	case *ast.Member:
		if ref, ok := c.Info.Refs[x]; ok {
			return c.ref(ref, x)
		}
		inner, err := c.compile(x.X)
		if err != nil {
			return nil, err
		}
		return appendStep(inner, Step{Key: x.Name, IsKey: true}), nil
	case *ast.Index:
		inner, err := c.compile(x.X)
		if err != nil {
			return nil, err
		}
		ix, err := c.Compile(x.Index)
		if err != nil {
			return nil, err
		}
		if k, ok := ix.(*Const); ok && k.V.IsValid(0) {
			if isStringType(k.T) {
				return appendStep(inner, Step{Key: StringAt(k.V, 0), IsKey: true}), nil
			}
			return appendStep(inner, Step{Index: int(Ints(Decode(k.V))[0])}), nil
		}
		return appendStep(inner, Step{Dyn: ix}), nil
	}
	return nil, errAt(x, "unsupported expression %T", x)
}

func appendStep(inner Expr, s Step) Expr {
	if p, ok := inner.(*Path); ok {
		steps := append(append([]Step(nil), p.Steps...), s)
		return &Path{X: p.X, Steps: steps}
	}
	return &Path{X: inner, Steps: []Step{s}}
}

func (c *Compiler) ref(ref lang.Ref, x ast.Expr) (Expr, error) {
	switch ref.Kind {
	case lang.RefColumn, lang.RefLeft, lang.RefRight:
		return &Column{Index: ref.Column, T: c.typeOf(x)}, nil
	case lang.RefParam:
		if e, ok := c.params[ref.Param]; ok {
			return e, nil
		}
	case lang.RefLet:
		if e, ok := c.lets[ref.Let]; ok {
			return e, nil
		}
		if ref.Let != nil && ref.Let.Value != nil && c.Info.Lets[ref.Let] == lang.LetScalar {
			e, err := c.Compile(ref.Let.Value)
			if err != nil {
				return nil, err
			}
			if c.lets == nil {
				c.lets = make(map[*ast.LetStmt]Expr)
			}
			c.lets[ref.Let] = e
			return e, nil
		}
	}
	if c.Ref != nil {
		return c.Ref(ref, x)
	}
	return nil, errAt(x, "cannot use '%s' here", exprName(x))
}

func exprName(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.Member:
		return exprName(x.X) + "." + x.Name
	}
	return fmt.Sprintf("%T", x)
}

// Convert changes the representation of a value to type T (int→long→real...).
type Convert struct {
	X Expr
	T kusto.Type
}

func (e *Convert) Type() kusto.Type { return e.T }

func (e *Convert) Eval(c *Ctx, b *Batch) (Value, error) {
	v, err := e.X.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	a, err := Cast(v.Array, e.T)
	if err != nil {
		return Value{}, err
	}
	return Value{Type: e.T, Array: a, Const: v.Const}, nil
}

func (c *Compiler) convert(e Expr, t kusto.Type) (Expr, error) {
	if e.Type() == t || t == kusto.Invalid {
		return e, nil
	}
	return &Convert{X: e, T: t}, nil
}

func (c *Compiler) binary(x *ast.Binary) (Expr, error) {
	op := x.Op
	switch op {
	case "in", "!in", "in~", "!in~":
		return c.in(x)
	case "has_any", "has_all", "!has_any", "!has_all":
		return c.hasAny(x)
	case "between", "!between":
		return c.between(x)
	}
	l, err := c.compile(x.L)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(x.R)
	if err != nil {
		return nil, err
	}
	switch op {
	case "and", "or":
		return &Logic{Or: op == "or", L: l, R: r}, nil
	case "+", "-", "*", "/", "%":
		return &Arith{Op: op, L: l, R: r, T: c.typeOf(x)}, nil
	case "==", "!=", "<", "<=", ">", ">=":
		l, r = textPair(l, r)
		return &Compare{Op: op, L: l, R: r}, nil
	}
	neg := false
	switch {
	case op == "!~":
		op, neg = "=~", true
	case strings.HasPrefix(op, "!"):
		op, neg = op[1:], true
	}
	switch op {
	case "=~", "has", "has_cs", "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs",
		"contains", "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs", "matches regex":
	default:
		return nil, errAt(x, "unsupported operator '%s'", x.Op)
	}
	l, r = toText(l), toText(r)
	if r, err = c.fold(r); err != nil {
		return nil, err
	}
	if k, ok := r.(*Const); ok {
		m, err := NewStringMatcher(op, StringAt(k.V, 0))
		if err != nil {
			return nil, errAt(x.R, "invalid regular expression: %v", err)
		}
		fast, _ := strops.Compile(op, StringAt(k.V, 0))
		if fast != nil && neg {
			fast, _ = strops.Compile("!"+op, StringAt(k.V, 0))
		}
		return &StrOp{Op: op, Neg: neg, L: l, Matcher: m, Fast: fast}, nil
	}
	return &StrOp{Op: op, Neg: neg, L: l, R: r}, nil
}

// toText makes a non-string operand a string operand (dynamic by its text,
// others by their ToString form) for string operators.
func toText(e Expr) Expr {
	switch e.Type() {
	case kusto.String, kusto.Guid:
		return e
	case kusto.Dynamic:
		return &DynText{X: e}
	}
	return &Convert{X: e, T: kusto.String}
}

func textPair(l, r Expr) (Expr, Expr) {
	lt, rt := l.Type(), r.Type()
	if lt == kusto.Dynamic && rt != kusto.Dynamic {
		if isStringType(rt) {
			return &DynText{X: l}, r
		}
		return &Convert{X: &DynText{X: l}, T: rt}, r
	}
	if rt == kusto.Dynamic && lt != kusto.Dynamic {
		if isStringType(lt) {
			return l, &DynText{X: r}
		}
		return l, &Convert{X: &DynText{X: r}, T: lt}
	}
	return l, r
}

// listValues compiles the right side of in/has_any into constant arrays.
func (c *Compiler) listValues(r ast.Expr) ([]arrow.Array, kusto.Type, bool, error) {
	if p, ok := r.(*ast.Paren); ok {
		r = p.X
	}
	var items []ast.Expr
	if l, ok := r.(*ast.List); ok {
		items = l.Items
	} else if _, tab := c.Info.Schemas[r]; tab && c.Tabular != nil {
		a, t, err := c.Tabular(r)
		if err != nil {
			return nil, 0, false, err
		}
		return []arrow.Array{a}, t, true, nil
	} else {
		items = []ast.Expr{r}
	}
	var out []arrow.Array
	t := kusto.Invalid
	for _, it := range items {
		if _, tab := c.Info.Schemas[it]; tab && c.Tabular != nil {
			a, at, err := c.Tabular(it)
			if err != nil {
				return nil, 0, false, err
			}
			out = append(out, a)
			t = at
			continue
		}
		e, err := c.Compile(it)
		if err != nil {
			return nil, 0, false, err
		}
		k, ok := e.(*Const)
		if !ok {
			return nil, 0, false, nil
		}
		if k.T == kusto.Dynamic {
			arr, at := flattenJSON(StringAt(k.V, 0))
			out = append(out, arr)
			if t == kusto.Invalid {
				t = at
			}
			continue
		}
		out = append(out, k.V)
		if t == kusto.Invalid || (t != k.T && k.T == kusto.Real) {
			t = k.T
		}
	}
	return out, t, true, nil
}

// flattenJSON turns a JSON array constant into an array of its scalar elements.
func flattenJSON(text string) (arrow.Array, kusto.Type) {
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return NewStrings([]string{text}), kusto.String
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	allNum := len(list) > 0
	for _, x := range list {
		if _, ok := x.(float64); !ok {
			allNum = false
		}
	}
	if allNum {
		f := make([]float64, len(list))
		for i, x := range list {
			f[i] = x.(float64)
		}
		return NewFloats(f, nil), kusto.Real
	}
	s := make([]string, len(list))
	for i, x := range list {
		if str, ok := x.(string); ok {
			s[i] = str
		} else {
			s[i] = encodeJSON(x)
		}
	}
	return NewStrings(s), kusto.String
}

func (c *Compiler) in(x *ast.Binary) (Expr, error) {
	l, err := c.compile(x.L)
	if err != nil {
		return nil, err
	}
	neg := strings.HasPrefix(x.Op, "!")
	fold := strings.HasSuffix(x.Op, "~")
	vals, t, ok, err := c.listValues(x.R)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errAt(x.R, "the right side of '%s' must be constants, a dynamic array or a tabular expression", x.Op)
	}
	lt := l.Type()
	switch {
	case lt == kusto.Dynamic:
		l = &DynText{X: l}
		t = kusto.String
	case isStringType(lt):
		t = kusto.String
		for i, v := range vals {
			if !isStringArray(v) && v.DataType().ID() != arrow.DICTIONARY {
				a, err := Cast(v, kusto.String)
				if err != nil {
					return nil, errAt(x.R, "%v", err)
				}
				vals[i] = a
			}
		}
	case lt == kusto.Real || t == kusto.Real:
		if lt != kusto.Real {
			l = &Convert{X: l, T: kusto.Real}
		}
		t = kusto.Real
	default:
		t = kusto.Long
	}
	in := &In{X: l, Set: NewSet(t, fold, vals), Neg: neg}
	if t == kusto.String {
		var needles []string
		for _, v := range vals {
			for i := 0; i < v.Len(); i++ {
				needles = append(needles, StringAt(v, i))
			}
		}
		in.Fast, _ = strops.Compile(x.Op, needles...)
	}
	return in, nil
}

func (c *Compiler) hasAny(x *ast.Binary) (Expr, error) {
	l, err := c.compile(x.L)
	if err != nil {
		return nil, err
	}
	vals, _, ok, err := c.listValues(x.R)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errAt(x.R, "the right side of '%s' must be constants or a dynamic array", x.Op)
	}
	var terms []*StringMatcher
	for _, v := range vals {
		for i := 0; i < v.Len(); i++ {
			s := StringAt(v, i)
			if !isStringArray(v) && v.DataType().ID() != arrow.DICTIONARY {
				s = v.ValueStr(i)
			}
			m, _ := NewStringMatcher("has", s)
			terms = append(terms, m)
		}
	}
	ha := &HasAny{X: toText(l), Terms: terms, All: strings.HasSuffix(x.Op, "has_all")}
	var needles []string
	for _, t := range terms {
		needles = append(needles, t.Needle)
	}
	if len(needles) > 0 {
		ha.Fast, _ = strops.Compile(strings.TrimPrefix(x.Op, "!"), needles...)
	}
	var e Expr = ha
	if strings.HasPrefix(x.Op, "!") {
		e = &Not{X: e}
	}
	return e, nil
}

func (c *Compiler) between(x *ast.Binary) (Expr, error) {
	rng, ok := x.R.(*ast.RangeExpr)
	if !ok {
		return nil, errAt(x.R, "between needs a range (lo .. hi)")
	}
	l, err := c.compile(x.L)
	if err != nil {
		return nil, err
	}
	lo, err := c.Compile(rng.Lo)
	if err != nil {
		return nil, err
	}
	hi, err := c.Compile(rng.Hi)
	if err != nil {
		return nil, err
	}
	if l.Type() == kusto.DateTime && hi.Type() == kusto.TimeSpan {
		if hi, err = c.fold(&Arith{Op: "+", L: lo, R: hi, T: kusto.DateTime}); err != nil {
			return nil, err
		}
	}
	l, lo = textPair(l, lo)
	_, hi = textPair(l, hi)
	return &Between{X: l, Lo: lo, Hi: hi, Neg: x.Op == "!between"}, nil
}

func (c *Compiler) call(x *ast.Call) (Expr, error) {
	ci, ok := c.Info.Calls[x]
	if !ok {
		return nil, errAt(x, "unresolved function '%s'", x.Name)
	}
	switch ci.Kind {
	case lang.CallUser:
		return c.userCall(x, ci)
	case lang.CallScalar:
	default:
		return nil, errAt(x, "'%s' cannot be used as a scalar function here", x.Name)
	}
	switch ci.Name {
	case "typeof":
		if len(x.Args) == 1 {
			if id, ok := x.Args[0].(*ast.Ident); ok {
				return NewConst(kusto.String, id.Name)
			}
		}
	case "column_ifexists":
		if len(x.Args) == 2 {
			if lit, ok := x.Args[0].(*ast.Literal); ok {
				if name, ok := lit.Value.(string); ok {
					if i := c.Schema.Index(name); i >= 0 {
						return c.convert(&Column{Index: i, T: c.Schema[i].Type}, c.typeOf(x))
					}
				}
			}
			def, err := c.compile(x.Args[1])
			if err != nil {
				return nil, err
			}
			return c.convert(def, c.typeOf(x))
		}
	case "pack_all":
		k, ok := c.Kernel("pack")
		if !ok {
			k, ok = c.Kernel("bag_pack")
		}
		if !ok {
			return nil, errAt(x, "function 'pack_all' is not implemented")
		}
		var args []Expr
		for i, col := range c.Schema {
			name, _ := NewConst(kusto.String, col.Name)
			args = append(args, name, &Column{Index: i, T: col.Type})
		}
		return &Call{Name: "pack_all", Kernel: k, Args: args, T: kusto.Dynamic}, nil
	}
	args := make([]Expr, len(x.Args))
	for i, a := range x.Args {
		e, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	if ci.Name == "not" && len(args) == 1 {
		return &Not{X: args[0]}, nil
	}
	k, ok := c.Kernel(ci.Name)
	if !ok {
		return nil, errAt(x, "function '%s' is not implemented", ci.Name)
	}
	return &Call{Name: ci.Name, Kernel: k, Args: args, T: c.typeOf(x)}, nil
}

func (c *Compiler) userCall(x *ast.Call, ci *lang.CallInfo) (Expr, error) {
	f := ci.Expansion
	if f == nil || len(f.Body) == 0 {
		return nil, errAt(x, "function '%s' has no body", x.Name)
	}
	for i := range f.Params {
		p := &f.Params[i]
		arg, ok := ci.Args[p]
		if !ok {
			arg = p.Default
		}
		if arg == nil {
			return nil, errAt(x, "missing argument '%s' of '%s'", p.Name, x.Name)
		}
		e, err := c.compile(arg)
		if err != nil {
			return nil, err
		}
		c.Bind(p, e)
	}
	last, ok := f.Body[len(f.Body)-1].(*ast.ExprStmt)
	if !ok {
		return nil, errAt(x, "function '%s' does not end with an expression", x.Name)
	}
	return c.compile(last.X)
}
