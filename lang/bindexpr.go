package lang

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// row is the row context of a scalar expression: the columns it may name.
// A nil row means no columns (let values, print, arguments of tabular
// functions).
type row struct {
	schema kusto.Schema
	bad    bool // the input failed to bind: do not report unknown columns
	agg    bool // aggregates are allowed (summarize aggregations)
	inAgg  bool // inside an aggregate's arguments
}

// tier1Funcs are functions recognised but not implemented yet.
var tier1Funcs = map[string]bool{
	"toscalar": true, "materialize": true, "row_number": true, "prev": true, "next": true, "row_cumsum": true,
	"series_stats": true, "series_fir": true, "series_decompose": true, "series_outliers": true,
	"series_fit_line": true, "series_decompose_anomalies": true, "row_window_session": true,
}

// scalar binds a scalar expression and returns its type (Invalid after an error).
func (b *binder) scalar(x ast.Expr, sc *scope, r *row) kusto.Type {
	t := b.scalar1(x, sc, r)
	if _, star := x.(*ast.Star); !star {
		b.info.Types[x] = t
	}
	return t
}

func (b *binder) scalar1(x ast.Expr, sc *scope, r *row) kusto.Type {
	switch v := x.(type) {
	case *ast.Literal:
		return v.Type
	case *ast.Ident:
		return b.ident(v, sc, r)
	case *ast.Paren:
		if b.isTabular(v.X, sc) {
			b.errorf(v.P, "a tabular expression cannot be used as a scalar value here (toscalar() is not supported yet)")
			b.tabular(v.X, sc)
			return kusto.Invalid
		}
		return b.scalar(v.X, sc, r)
	case *ast.Unary:
		t := b.scalar(v.X, sc, r)
		if t != kusto.Invalid && !t.IsNumeric() && t != kusto.TimeSpan && t != kusto.Dynamic {
			b.errorf(v.P, "unary '%s' needs a number or timespan, not %s", v.Op, t)
			return kusto.Invalid
		}
		return t
	case *ast.Binary:
		return b.binary(v, sc, r)
	case *ast.Call:
		return b.call(v, sc, r)
	case *ast.Member:
		if id, ok := v.X.(*ast.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
			b.errorf(v.P, "%s can only be used in a join's on clause", id.Name)
			return kusto.Invalid
		}
		t := b.scalar(v.X, sc, r)
		if t != kusto.Dynamic && t != kusto.Invalid {
			b.errorf(v.P, "'.%s' needs a dynamic value on its left, but this is %s (use parse_json() or todynamic())", v.Name, t)
			return kusto.Invalid
		}
		return kusto.Dynamic
	case *ast.Index:
		t := b.scalar(v.X, sc, r)
		it := b.scalar(v.Index, sc, r)
		if t != kusto.Dynamic && t != kusto.Invalid {
			b.errorf(v.P, "'[...]' needs a dynamic value on its left, but this is %s (use parse_json() or todynamic())", t)
			return kusto.Invalid
		}
		if it != kusto.Invalid && it != kusto.String && it != kusto.Int && it != kusto.Long && it != kusto.Dynamic {
			b.errorf(v.Index.Pos(), "an index must be a string or an integer, not %s", it)
		}
		return kusto.Dynamic
	case *ast.List:
		for _, it := range v.Items {
			b.scalar(it, sc, r)
		}
		return kusto.Dynamic
	case *ast.RangeExpr:
		lo := b.scalar(v.Lo, sc, r)
		b.scalar(v.Hi, sc, r)
		return lo
	case *ast.Star:
		b.errorf(v.P, "'*' is only allowed as a function argument (count(*), arg_max(x, *))")
		return kusto.Invalid
	case *ast.Pipe, *ast.DataTable, *ast.Range, *ast.Print, *ast.Union:
		b.errorf(x.Pos(), "a tabular expression cannot be used as a scalar value here (toscalar() is not supported yet)")
		b.tabular(x, sc)
		return kusto.Invalid
	}
	b.errorf(x.Pos(), "unsupported expression %T", x)
	return kusto.Invalid
}

func (b *binder) ident(v *ast.Ident, sc *scope, r *row) kusto.Type {
	if r != nil {
		if i := r.schema.Index(v.Name); i >= 0 {
			b.info.Refs[v] = Ref{Kind: RefColumn, Column: i}
			return r.schema[i].Type
		}
	}
	if bd := sc.lookup(v.Name); bd != nil {
		switch {
		case bd.fn != nil:
			if noRequiredParams(bd.fn) {
				c := &ast.Call{P: v.P, Name: v.Name}
				b.info.Implicit[v] = c
				return b.scalar(c, sc, r)
			}
			b.errorf(v.P, "'%s' is a function: call it as %s(...)", v.Name, v.Name)
			return kusto.Invalid
		case bd.tabular:
			b.errorf(v.P, "'%s' is a table, not a scalar value", v.Name)
			return kusto.Invalid
		case bd.param != nil:
			b.info.Refs[v] = Ref{Kind: RefParam, Param: bd.param}
		default:
			b.info.Refs[v] = Ref{Kind: RefLet, Let: bd.let}
		}
		if bd.bad {
			return kusto.Invalid
		}
		return bd.typ
	}
	if r != nil && r.bad {
		return kusto.Invalid
	}
	if v.Name == "$left" || v.Name == "$right" {
		b.errorf(v.P, "%s can only be used in a join's on clause", v.Name)
		return kusto.Invalid
	}
	var cands []string
	if r != nil {
		cands = append(cands, r.schema.Names()...)
	}
	for _, n := range sc.all() {
		if bd := sc.lookup(n); bd != nil && !bd.tabular && bd.fn == nil {
			cands = append(cands, n)
		}
	}
	if r == nil {
		if b.env.Tables != nil {
			if _, ok := b.env.Tables.Table(v.Name); ok {
				b.errorf(v.P, "'%s' is a table, not a scalar value", v.Name)
				return kusto.Invalid
			}
		}
		b.errorf(v.P, "unknown name '%s'%s", v.Name, suggest(v.Name, cands))
		return kusto.Invalid
	}
	b.errorf(v.P, "unknown column '%s'%s", v.Name, suggest(v.Name, cands))
	return kusto.Invalid
}

// promote is the ADX numeric promotion of a and b (int→long→real→decimal).
func promote(a, b kusto.Type) kusto.Type {
	if a > b {
		return a
	}
	return b
}

// comparable reports whether values of types a and b can be compared with ==.
func comparable(a, b kusto.Type) bool {
	switch {
	case a == b, a == kusto.Dynamic, b == kusto.Dynamic, a == kusto.Invalid, b == kusto.Invalid:
		return true
	case a.IsNumeric() && b.IsNumeric():
		return true
	case (a == kusto.String || a == kusto.Guid) && (b == kusto.String || b == kusto.Guid):
		return true
	}
	return false
}

// assignable reports whether a value of type t (expression x) fits a slot of
// type want (datatable cells, typed function parameters).
func assignable(want, t kusto.Type, x ast.Expr) bool {
	if want == t || t == kusto.Invalid || want == kusto.Dynamic || t == kusto.Dynamic {
		return true
	}
	if lit, ok := x.(*ast.Literal); ok && lit.Null {
		return true
	}
	if want.IsNumeric() && t.IsNumeric() {
		return true
	}
	return want == kusto.Guid && t == kusto.String || want == kusto.String && t == kusto.Guid
}

func isStringOp(op string) bool {
	op = strings.TrimPrefix(op, "!")
	switch op {
	case "has", "has_cs", "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs", "contains", "contains_cs",
		"startswith", "startswith_cs", "endswith", "endswith_cs", "matches regex", "=~", "~":
		return true
	}
	return false
}

func (b *binder) binary(v *ast.Binary, sc *scope, r *row) kusto.Type {
	switch v.Op {
	case "in", "!in", "in~", "!in~", "has_any", "has_all", "!has_any":
		l := b.scalar(v.L, sc, r)
		b.setRight(v, l, sc, r)
		return kusto.Bool
	case "between", "!between":
		l := b.scalar(v.L, sc, r)
		rg, ok := v.R.(*ast.RangeExpr)
		if !ok {
			b.errorf(v.P, "%s needs a range (low .. high)", v.Op)
			return kusto.Bool
		}
		lo := b.scalar(rg.Lo, sc, r)
		hi := b.scalar(rg.Hi, sc, r)
		b.info.Types[rg] = lo
		if l == kusto.DateTime && hi == kusto.TimeSpan {
			hi = kusto.DateTime
		}
		for _, t := range []kusto.Type{lo, hi} {
			if !comparable(l, t) || l == kusto.String || l == kusto.Bool {
				if l != kusto.Invalid && t != kusto.Invalid {
					b.errorf(v.P, "%s needs numbers, datetimes or timespans of matching types; got %s between %s .. %s", v.Op, l, lo, hi)
					break
				}
			}
		}
		return kusto.Bool
	}
	l := b.scalar(v.L, sc, r)
	rt := b.scalar(v.R, sc, r)
	if l == kusto.Invalid || rt == kusto.Invalid {
		switch v.Op {
		case "+", "-", "*", "/", "%":
			return kusto.Invalid
		}
		return kusto.Bool
	}
	switch v.Op {
	case "and", "or":
		for _, s := range []struct {
			t kusto.Type
			x ast.Expr
		}{{l, v.L}, {rt, v.R}} {
			if s.t != kusto.Bool && s.t != kusto.Dynamic {
				b.errorf(s.x.Pos(), "'%s' needs bool operands, but this is %s", v.Op, s.t)
			}
		}
		return kusto.Bool
	case "==", "!=", "<", "<=", ">", ">=":
		if !comparable(l, rt) {
			b.errorf(v.P, "cannot compare %s %s %s", l, v.Op, rt)
		}
		return kusto.Bool
	case "+", "-", "*", "/", "%":
		t, ok := arith(v.Op, l, rt)
		if !ok {
			b.errorf(v.P, "operator '%s' cannot be applied to %s and %s", v.Op, l, rt)
			return kusto.Invalid
		}
		return t
	}
	if isStringOp(v.Op) {
		if v.Op == "matches regex" && rt != kusto.String && rt != kusto.Dynamic {
			b.errorf(v.R.Pos(), "matches regex needs a string pattern, not %s", rt)
		}
		if v.Op == "matches regex" {
			b.checkRegex(v.R)
		}
		return kusto.Bool
	}
	b.errorf(v.P, "unknown operator '%s'", v.Op)
	return kusto.Invalid
}

// arith types an arithmetic operation with ADX's rules.
func arith(op string, l, r kusto.Type) (kusto.Type, bool) {
	if l == kusto.Dynamic || r == kusto.Dynamic {
		return kusto.Dynamic, true
	}
	if l.IsNumeric() && r.IsNumeric() {
		if l == kusto.Int && r == kusto.Int {
			return kusto.Int, true
		}
		return promote(promote(l, r), kusto.Long), true
	}
	switch op {
	case "+":
		switch {
		case l == kusto.DateTime && r == kusto.TimeSpan, l == kusto.TimeSpan && r == kusto.DateTime:
			return kusto.DateTime, true
		case l == kusto.TimeSpan && r == kusto.TimeSpan:
			return kusto.TimeSpan, true
		}
	case "-":
		switch {
		case l == kusto.DateTime && r == kusto.TimeSpan:
			return kusto.DateTime, true
		case l == kusto.DateTime && r == kusto.DateTime, l == kusto.TimeSpan && r == kusto.TimeSpan:
			return kusto.TimeSpan, true
		}
	case "*":
		if l == kusto.TimeSpan && r.IsNumeric() || l.IsNumeric() && r == kusto.TimeSpan {
			return kusto.TimeSpan, true
		}
	case "/":
		switch {
		case l == kusto.TimeSpan && r == kusto.TimeSpan:
			return kusto.Real, true
		case l == kusto.TimeSpan && r.IsNumeric():
			return kusto.TimeSpan, true
		}
	case "%":
		if l == kusto.TimeSpan && (r == kusto.TimeSpan || r.IsNumeric()) {
			return kusto.TimeSpan, true
		}
	}
	return kusto.Invalid, false
}

// setRight binds the right side of in/has_any: a list whose items are scalars,
// dynamic arrays or tables, a let name, a dynamic value, or a table.
func (b *binder) setRight(v *ast.Binary, l kusto.Type, sc *scope, r *row) {
	item := func(x ast.Expr) {
		if b.isTabular(x, sc) {
			t := b.tabular(x, sc)
			if len(t.schema) == 0 && !t.bad {
				b.errorf(x.Pos(), "the table on the right of '%s' has no columns", v.Op)
			}
			return
		}
		t := b.scalar(x, sc, r)
		if t != kusto.Invalid && t != kusto.Dynamic && l != kusto.Invalid && l != kusto.Dynamic &&
			!comparable(l, t) && !strings.HasPrefix(v.Op, "has") {
			b.errorf(x.Pos(), "'%s' compares %s with %s", v.Op, l, t)
		}
	}
	if list, ok := v.R.(*ast.List); ok {
		for _, it := range list.Items {
			item(it)
		}
		b.info.Types[list] = kusto.Dynamic
		return
	}
	item(v.R)
}

func (b *binder) call(c *ast.Call, sc *scope, r *row) kusto.Type {
	switch c.Name {
	case "typeof":
		if len(c.Args) == 1 {
			if id, ok := c.Args[0].(*ast.Ident); ok {
				if t, ok := kusto.ParseType(id.Name); ok {
					b.info.Calls[c] = &CallInfo{Kind: CallScalar, Name: "typeof"}
					return t
				}
			}
		}
		b.errorf(c.P, "typeof needs a type name, as in typeof(long)")
		return kusto.Invalid
	case "column_ifexists", "columnifexists":
		if len(c.Args) == 2 {
			def := b.scalar(c.Args[1], sc, r)
			name := b.scalar(c.Args[0], sc, nil)
			sig, _ := b.lookupFunc("column_ifexists")
			b.info.Calls[c] = &CallInfo{Kind: CallScalar, Name: "column_ifexists", Sig: sig}
			if lit, ok := c.Args[0].(*ast.Literal); ok && name == kusto.String && r != nil {
				if i := r.schema.Index(lit.Value.(string)); i >= 0 {
					return r.schema[i].Type
				}
			}
			return def
		}
	}
	if bd := sc.lookup(c.Name); bd != nil && bd.fn != nil {
		t, isTab := b.userCall(c, bd, sc, r, nil)
		if isTab {
			if !t.bad {
				b.errorf(c.P, "function '%s' returns a table, which cannot be used as a scalar value here", c.Name)
			}
			return kusto.Invalid
		}
		return b.info.Types[c]
	}
	sig, ok := b.lookupFunc(c.Name)
	if !ok {
		if tier1Funcs[c.Name] {
			b.errorf(c.P, "function '%s' is not supported yet", c.Name)
			return kusto.Invalid
		}
		for _, a := range c.Args {
			if !isStar(a) {
				b.scalar(a, sc, r)
			}
		}
		var cands []string
		if b.env.Functions != nil {
			cands = b.env.Functions.Names()
		}
		cands = append(cands, b.userFuncNames(sc)...)
		b.errorf(c.P, "unknown function '%s'%s", c.Name, suggest(c.Name, cands))
		return kusto.Invalid
	}
	ci := &CallInfo{Kind: CallScalar, Name: sig.Name, Sig: sig}
	b.info.Calls[c] = ci
	switch sig.Kind {
	case Aggregate:
		ci.Kind = CallAggregate
		switch {
		case r == nil || !r.agg:
			b.errorf(c.P, "aggregate function '%s' can only be used in summarize", c.Name)
			return kusto.Invalid
		case r.inAgg:
			b.errorf(c.P, "aggregate function '%s' cannot be nested inside another aggregate", c.Name)
			return kusto.Invalid
		}
		r = &row{schema: r.schema, bad: r.bad, agg: true, inAgg: true}
	case Tabular:
		b.errorf(c.P, "'%s' is a tabular function: use it as a table or with invoke", c.Name)
		return kusto.Invalid
	}
	args := make([]kusto.Type, len(c.Args))
	bad := false
	for i, a := range c.Args {
		if isStar(a) {
			if sig.Kind != Aggregate {
				b.errorf(a.Pos(), "'*' is not a valid argument of '%s'", c.Name)
				bad = true
			}
			args[i] = kusto.Invalid
			continue
		}
		args[i] = b.scalar(a, sc, r)
		if args[i] == kusto.Invalid {
			bad = true
		}
	}
	if !b.checkArity(c, sig) {
		return kusto.Invalid
	}
	if sig.Result == nil {
		return kusto.Dynamic
	}
	if i, ok := regexArg[sig.Name]; ok && i >= 0 && i < len(c.Args) {
		b.checkRegex(c.Args[i])
	}
	t, err := sig.Result(args)
	if err != nil {
		if !bad {
			b.errorf(c.P, "%v", err)
		}
		return kusto.Invalid
	}
	if t == kusto.Invalid && !bad && sig.Name != "count" {
		// rules fall back to Invalid only when arguments were Invalid
		return kusto.Invalid
	}
	return t
}

// checkRegex reports a literal regular expression that RE2 (ADX's and Go's
// dialect) rejects.
func (b *binder) checkRegex(x ast.Expr) {
	lit, ok := unparen(x).(*ast.Literal)
	if !ok || lit.Type != kusto.String || lit.Null {
		return
	}
	if _, err := regexp.Compile(lit.Value.(string)); err != nil {
		msg := err.Error()
		if e, ok := err.(*syntax.Error); ok {
			msg = fmt.Sprintf("%s in '%s'", e.Code, e.Expr)
		}
		b.errorf(lit.P, "bad regular expression: %s", msg)
	}
}

// regexArg is the index of the regular-expression argument of functions that take one.
var regexArg = map[string]int{"extract": 0, "extract_all": 0, "replace_regex": 1, "replace": 0, "countof": -1, "indexof_regex": 1}

func (b *binder) lookupFunc(name string) (*FuncSig, bool) {
	if b.env.Functions == nil {
		return nil, false
	}
	return b.env.Functions.Lookup(name)
}
