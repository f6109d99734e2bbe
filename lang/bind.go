package lang

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// Env is what the binder resolves names against.
type Env struct {
	// Tables is the catalog of tables (nil: none).
	Tables Tables
	// Functions is the function registry (builtin.Functions() or the engine's).
	Functions Functions
	// Stored are functions registered outside the query (discovery's
	// discover_apps, ...): visible as if declared by let before the query.
	Stored []*ast.LetStmt
	// ParamTypes gives the types of query parameters supplied with the query
	// but not declared in it.
	ParamTypes map[string]kusto.Type
}

// Bind resolves names and types in a parsed script. On failure it returns an
// ErrorList; the Info is returned even then, holding what could be bound.
func Bind(script *ast.Script, env *Env) (*Info, error) {
	if env == nil {
		env = &Env{}
	}
	b := &binder{env: env, info: &Info{
		Types:     make(map[ast.Expr]kusto.Type, 128),
		Schemas:   make(map[ast.Node]kusto.Schema, 32),
		Names:     make(map[*ast.NamedExpr]string),
		Multi:     make(map[*ast.NamedExpr][]string),
		Refs:      make(map[ast.Expr]Ref, 64),
		Calls:     make(map[*ast.Call]*CallInfo, 16),
		Lets:      make(map[*ast.LetStmt]LetKind),
		JoinKind:  make(map[ast.Op]string),
		Wildcards: make(map[*ast.Ident][]string),
		Implicit:  make(map[*ast.Ident]*ast.Call),
	}}
	if script == nil {
		return b.info, ErrorList{{Msg: "no script to bind"}}
	}
	if script.Command != nil {
		return b.info, nil
	}
	sc := &scope{names: map[string]*binding{}}
	// parameters supplied but not declared: lowest priority
	if len(env.ParamTypes) > 0 {
		names := make([]string, 0, len(env.ParamTypes))
		for n := range env.ParamTypes {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			prm := &ast.Param{Name: n, Type: env.ParamTypes[n]}
			sc.names[n] = &binding{param: prm, typ: prm.Type}
		}
	}
	for _, st := range env.Stored {
		sc = b.letStmt(st, sc)
	}
	for i, st := range script.Stmts {
		last := i == len(script.Stmts)-1
		switch s := st.(type) {
		case *ast.LetStmt:
			sc = b.letStmt(s, sc)
		case *ast.DeclareStmt:
			for k := range s.Params {
				prm := &s.Params[k]
				if prm.Default != nil {
					b.scalar(prm.Default, sc, nil)
				}
				b.info.Params = append(b.info.Params, *prm)
				sc.names[prm.Name] = &binding{param: prm, typ: prm.Type}
			}
		case *ast.SetStmt:
			if s.Value != nil {
				b.scalar(s.Value, sc, nil)
			}
		case *ast.ExprStmt:
			if b.isTabular(s.X, sc) {
				b.tabular(s.X, sc)
				if last {
					b.info.Query = s.X
				}
			} else {
				t := b.scalar(s.X, sc, nil)
				if last && t != kusto.Invalid {
					b.errorf(s.X.Pos(), "the query must end with a tabular expression (a table, a pipe, print, datatable, ...); this is a scalar %s expression", t)
				}
			}
		}
	}
	if b.info.Query == nil && len(b.errs) == 0 {
		pos := ast.Pos{}
		if n := len(script.Stmts); n > 0 {
			pos = script.Stmts[n-1].Pos()
		}
		b.errorf(pos, "the query has no final tabular expression (a let statement must be followed by a query)")
	}
	if len(b.errs) > 0 {
		sort.SliceStable(b.errs, func(i, j int) bool { return b.errs[i].Pos.Offset < b.errs[j].Pos.Offset })
		return b.info, b.errs
	}
	return b.info, nil
}

type binder struct {
	env   *Env
	info  *Info
	errs  ErrorList
	depth int // user-function expansion depth
	// probing holds the functions whose bodies isTabular is looking into, to
	// stop on recursion.
	probing map[*ast.FuncDef]bool
	// tabFn remembers whether each function's body is tabular.
	tabFn map[*ast.FuncDef]bool
	// expansions counts user-function expansions, bounding the work.
	expansions int
}

func (b *binder) errorf(pos ast.Pos, format string, args ...any) {
	if len(b.errs) >= 50 {
		return
	}
	msg := fmt.Sprintf(format, args...)
	for _, e := range b.errs {
		if e.Pos == pos && e.Msg == msg {
			return
		}
	}
	b.errs = append(b.errs, &Error{Pos: pos, Msg: msg})
}

// binding is what a let, parameter or `as` name means in a scope.
type binding struct {
	let     *ast.LetStmt
	param   *ast.Param
	fn      *ast.FuncDef
	as      *ast.As
	tabular bool
	typ     kusto.Type   // scalar value type
	schema  kusto.Schema // tabular value schema
	bad     bool         // the tabular value failed to bind
	// defScope is, for a function, the scope it was defined in: its body
	// sees those names (and its parameters), not the caller's.
	defScope *scope
}

type scope struct {
	parent *scope
	names  map[string]*binding
}

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if v, ok := s.names[name]; ok {
			return v
		}
	}
	return nil
}

func (s *scope) all() []string {
	var out []string
	for ; s != nil; s = s.parent {
		for n := range s.names {
			out = append(out, n)
		}
	}
	return out
}

// letStmt binds a let statement and returns the scope that follows it: a new
// level, so a function sees only the names defined before it (KQL scoping is
// lexical; a function cannot call itself).
func (b *binder) letStmt(s *ast.LetStmt, sc *scope) *scope {
	next := &scope{parent: sc, names: make(map[string]*binding, 1)}
	switch {
	case s.Func != nil:
		b.info.Lets[s] = LetFunction
		next.names[s.Name] = &binding{let: s, fn: s.Func, defScope: sc}
	case b.isTabular(s.Value, sc):
		b.info.Lets[s] = LetTabular
		t := b.tabular(s.Value, sc)
		next.names[s.Name] = &binding{let: s, tabular: true, schema: t.schema, bad: t.bad}
	default:
		b.info.Lets[s] = LetScalar
		next.names[s.Name] = &binding{let: s, typ: b.scalar(s.Value, sc, nil)}
	}
	return next
}

// ---- tabular expressions ----

// tab is a tabular value during binding; bad marks one that failed, so that
// errors do not cascade.
type tab struct {
	schema kusto.Schema
	bad    bool
}

// isTabular decides whether x denotes a table.
func (b *binder) isTabular(x ast.Expr, sc *scope) (result bool) {
	switch v := x.(type) {
	case *ast.Pipe, *ast.DataTable, *ast.Range, *ast.Print, *ast.Union:
		return true
	case *ast.Paren:
		return b.isTabular(v.X, sc)
	case *ast.Ident:
		if bd := sc.lookup(v.Name); bd != nil {
			if bd.fn != nil && noRequiredParams(bd.fn) {
				return b.isTabular(&ast.Call{P: v.P, Name: v.Name}, sc)
			}
			return bd.tabular
		}
		if strings.Contains(v.Name, "*") {
			return true
		}
		if b.env.Tables != nil {
			if _, ok := b.env.Tables.Table(v.Name); ok {
				return true
			}
		}
		if sig, ok := b.lookupFunc(v.Name); ok && sig.Kind == Tabular && sig.MinArgs == 0 {
			return true
		}
		// an unknown name at statement level is most likely a misspelt table
		return false
	case *ast.Call:
		if bd := sc.lookup(v.Name); bd != nil && bd.fn != nil {
			body := bd.fn.Body
			if len(body) == 0 || b.probing[bd.fn] {
				// a recursive function: expansion reports the recursion
				return false
			}
			if r, ok := b.tabFn[bd.fn]; ok {
				return r
			}
			if b.tabFn == nil {
				b.tabFn = map[*ast.FuncDef]bool{}
			}
			defer func(fn *ast.FuncDef) { b.tabFn[fn] = result }(bd.fn)
			if b.probing == nil {
				b.probing = map[*ast.FuncDef]bool{}
			}
			b.probing[bd.fn] = true
			defer delete(b.probing, bd.fn)
			last, ok := body[len(body)-1].(*ast.ExprStmt)
			if !ok {
				return false
			}
			inner := &scope{parent: bd.defScope, names: map[string]*binding{}}
			for i := range bd.fn.Params {
				prm := &bd.fn.Params[i]
				inner.names[prm.Name] = &binding{param: prm, tabular: prm.Tabular, typ: prm.Type}
			}
			for _, st := range body[:len(body)-1] {
				if l, ok := st.(*ast.LetStmt); ok {
					inner = &scope{parent: inner, names: map[string]*binding{
						l.Name: {tabular: l.Value != nil && b.isTabular(l.Value, inner), fn: l.Func, defScope: inner}}}
				}
			}
			return b.isTabular(last.X, inner)
		}
		if b.env.Functions != nil {
			if sig, ok := b.env.Functions.Lookup(v.Name); ok {
				return sig.Kind == Tabular
			}
		}
	}
	return false
}

func (b *binder) setSchema(n ast.Node, t tab) tab {
	b.info.Schemas[n] = t.schema
	return t
}

// tabular binds a tabular expression and returns its schema.
func (b *binder) tabular(x ast.Expr, sc *scope) tab {
	switch v := x.(type) {
	case *ast.Pipe:
		in := b.tabular(v.Source, sc)
		for _, op := range v.Ops {
			in = b.op(op, in, sc)
		}
		return b.setSchema(v, in)
	case *ast.Paren:
		return b.setSchema(v, b.tabular(v.X, sc))
	case *ast.Ident:
		return b.setSchema(v, b.tableRef(v, sc))
	case *ast.DataTable:
		for i, val := range v.Values {
			t := b.scalar(val, sc, nil)
			col := v.Columns[i%len(v.Columns)]
			if t != kusto.Invalid && !assignable(col.Type, t, val) {
				b.errorf(val.Pos(), "datatable column '%s' is %s, but this value is %s", col.Name, col.Type, t)
			}
		}
		return b.setSchema(v, tab{schema: append(kusto.Schema(nil), v.Columns...)})
	case *ast.Range:
		from := b.scalar(v.From, sc, nil)
		to := b.scalar(v.To, sc, nil)
		step := b.scalar(v.Step, sc, nil)
		typ := from
		switch {
		case from == kusto.DateTime || to == kusto.DateTime:
			typ = kusto.DateTime
			if step != kusto.TimeSpan && step != kusto.Invalid {
				b.errorf(v.Step.Pos(), "range over datetimes needs a timespan step, not %s", step)
			}
		case from.IsNumeric() && to.IsNumeric():
			typ = promote(from, to)
			if step.IsNumeric() {
				typ = promote(typ, step)
			}
		case from == kusto.TimeSpan:
			typ = kusto.TimeSpan
		case from != kusto.Invalid:
			b.errorf(v.From.Pos(), "range needs numbers, datetimes or timespans, not %s", from)
		}
		return b.setSchema(v, tab{schema: kusto.Schema{{Name: v.Name, Type: typ}}})
	case *ast.Print:
		var out kusto.Schema
		r := &row{}
		n := 0
		for _, ne := range v.Cols {
			t := b.scalar(ne.X, sc, r)
			name := ne.Name
			if name == "" {
				name = defaultName(ne.X)
				if name == "" {
					name = "print_" + strconv.Itoa(n)
				}
			}
			n++
			name = uniqueName(out, name)
			b.info.Names[ne] = name
			out = append(out, kusto.Column{Name: name, Type: t})
		}
		return b.setSchema(v, tab{schema: out})
	case *ast.Union:
		return b.setSchema(v, b.union(v, nil, sc))
	case *ast.Call:
		return b.setSchema(v, b.tabularCall(v, sc, nil))
	}
	b.errorf(x.Pos(), "expected a tabular expression (a table, a let name or a query), found a scalar expression")
	b.scalar(x, sc, nil)
	return tab{bad: true}
}

// tableRef resolves a name used as a table.
func (b *binder) tableRef(v *ast.Ident, sc *scope) tab {
	if bd := sc.lookup(v.Name); bd != nil {
		switch {
		case bd.param != nil:
			b.info.Refs[v] = Ref{Kind: RefParam, Param: bd.param}
		case bd.let != nil:
			b.info.Refs[v] = Ref{Kind: RefLet, Let: bd.let}
		case bd.as != nil:
			b.info.Refs[v] = Ref{Kind: RefAs, As: bd.as}
		}
		if bd.tabular {
			return tab{schema: bd.schema, bad: bd.bad}
		}
		if bd.fn != nil {
			if noRequiredParams(bd.fn) {
				return b.implicitCall(v, sc)
			}
			b.errorf(v.P, "'%s' is a function: call it as %s(...)", v.Name, v.Name)
		} else {
			b.errorf(v.P, "'%s' is a scalar value, not a table", v.Name)
		}
		return tab{bad: true}
	}
	if b.env.Tables != nil {
		if s, ok := b.env.Tables.Table(v.Name); ok {
			b.info.Refs[v] = Ref{Kind: RefTable, Table: v.Name}
			return tab{schema: s}
		}
	}
	if sig, ok := b.lookupFunc(v.Name); ok && sig.Kind == Tabular && sig.MinArgs == 0 {
		return b.implicitCall(v, sc)
	}
	var cands []string
	if b.env.Tables != nil {
		cands = b.env.Tables.TableNames()
	}
	for _, n := range sc.all() {
		if bd := sc.lookup(n); bd != nil && bd.tabular {
			cands = append(cands, n)
		}
	}
	b.errorf(v.P, "unknown table '%s'%s", v.Name, suggest(v.Name, cands))
	return tab{bad: true}
}

// implicitCall binds a bare function name used as a table as a call with no
// arguments.
func (b *binder) implicitCall(v *ast.Ident, sc *scope) tab {
	// no Ref: the Ident stands for the Call, not for the let statement
	delete(b.info.Refs, v)
	c := &ast.Call{P: v.P, Name: v.Name}
	b.info.Implicit[v] = c
	t := b.tabularCall(c, sc, nil)
	b.info.Schemas[c] = t.schema
	return t
}

// noRequiredParams reports whether f can be called with no arguments.
func noRequiredParams(f *ast.FuncDef) bool {
	for _, p := range f.Params {
		if p.Default == nil {
			return false
		}
	}
	return true
}

// union binds a union source or operator; in is the piped input (nil for a source).
func (b *binder) union(u *ast.Union, in *tab, sc *scope) tab {
	var legs []tab
	bad := false
	if in != nil {
		legs = append(legs, *in)
		bad = in.bad
	}
	for _, t := range u.Tables {
		if id, ok := t.(*ast.Ident); ok && strings.Contains(id.Name, "*") {
			matched := false
			if b.env.Tables != nil {
				for _, n := range b.env.Tables.TableNames() {
					if ok, _ := path.Match(id.Name, n); ok {
						b.info.Wildcards[id] = append(b.info.Wildcards[id], n)
						s, _ := b.env.Tables.Table(n)
						legs = append(legs, tab{schema: s})
						matched = true
					}
				}
			}
			if !matched && !u.IsFuzzy {
				b.errorf(id.P, "no table matches '%s'", id.Name)
				bad = true
			}
			b.info.Schemas[id] = nil
			continue
		}
		if u.IsFuzzy {
			if id, ok := t.(*ast.Ident); ok && sc.lookup(id.Name) == nil {
				if b.env.Tables == nil {
					continue
				}
				if _, ok := b.env.Tables.Table(id.Name); !ok {
					continue
				}
			}
		}
		leg := b.tabular(t, sc)
		bad = bad || leg.bad
		legs = append(legs, leg)
	}
	var out kusto.Schema
	if u.WithSource != "" {
		out = append(out, kusto.Column{Name: u.WithSource, Type: kusto.String})
	}
	if u.Kind == "inner" {
		if len(legs) > 0 {
			for _, c := range legs[0].schema {
				inAll := true
				for _, l := range legs[1:] {
					if i := l.schema.Index(c.Name); i < 0 || l.schema[i].Type != c.Type {
						inAll = false
					}
				}
				if inAll {
					out = append(out, c)
				}
			}
		}
		return tab{schema: out, bad: bad}
	}
	// outer: every column by name; a name with several types becomes name_type
	types := map[string][]kusto.Type{}
	var order []string
	for _, l := range legs {
		for _, c := range l.schema {
			ts, seen := types[c.Name]
			if !seen {
				order = append(order, c.Name)
			}
			dup := false
			for _, t := range ts {
				dup = dup || t == c.Type
			}
			if !dup {
				types[c.Name] = append(ts, c.Type)
			}
		}
	}
	for _, n := range order {
		ts := types[n]
		if len(ts) == 1 {
			out = append(out, kusto.Column{Name: n, Type: ts[0]})
			continue
		}
		for _, t := range ts {
			out = append(out, kusto.Column{Name: n + "_" + t.String(), Type: t})
		}
	}
	return tab{schema: out, bad: bad}
}

// ---- operators ----

func (b *binder) op(o ast.Op, in tab, sc *scope) tab {
	out := b.op1(o, in, sc)
	b.info.Schemas[o] = out.schema
	return out
}

func (b *binder) op1(o ast.Op, in tab, sc *scope) tab {
	r := &row{schema: in.schema, bad: in.bad}
	switch v := o.(type) {
	case *ast.Where:
		t := b.scalar(v.Pred, sc, r)
		if t != kusto.Bool && t != kusto.Invalid && t != kusto.Dynamic {
			b.errorf(v.Pred.Pos(), "where needs a bool predicate, but this expression is %s", t)
		}
		return in
	case *ast.Project:
		var out kusto.Schema
		col := 0
		for _, ne := range v.Cols {
			t := b.scalar(ne.X, sc, r)
			name := b.columnName(ne, &col, in.schema, out)
			if i := out.Index(name); i >= 0 {
				b.errorf(ne.P, "column '%s' is projected twice", name)
				continue
			}
			out = append(out, kusto.Column{Name: name, Type: t})
		}
		return tab{schema: out, bad: in.bad}
	case *ast.Extend:
		return b.extendCols(v.Cols, in, sc)
	case *ast.Serialize:
		return b.extendCols(v.Cols, in, sc)
	case *ast.ProjectAway:
		drop := b.matchNames(v.Names, in, v.P)
		var out kusto.Schema
		for i, c := range in.schema {
			if !drop[i] {
				out = append(out, c)
			}
		}
		return tab{schema: out, bad: in.bad}
	case *ast.ProjectKeep:
		keep := b.matchNames(v.Names, in, v.P)
		var out kusto.Schema
		for i, c := range in.schema {
			if keep[i] {
				out = append(out, c)
			}
		}
		return tab{schema: out, bad: in.bad}
	case *ast.ProjectRename:
		out := append(kusto.Schema(nil), in.schema...)
		for _, p := range v.Pairs {
			i := out.Index(p.Old)
			if i < 0 {
				if !in.bad {
					b.errorf(p.P, "unknown column '%s'%s", p.Old, suggest(p.Old, out.Names()))
				}
				continue
			}
			if j := out.Index(p.New); j >= 0 && j != i {
				b.errorf(p.P, "project-rename: column '%s' already exists", p.New)
				continue
			}
			out[i].Name = p.New
		}
		return tab{schema: out, bad: in.bad}
	case *ast.ProjectReorder:
		var out kusto.Schema
		used := make([]bool, len(in.schema))
		for _, pat := range v.Names {
			var group kusto.Schema
			found := false
			for i, c := range in.schema {
				if used[i] || !wildMatch(pat, c.Name) {
					continue
				}
				found = true
				used[i] = true
				group = append(group, c)
			}
			if !found && !strings.Contains(pat, "*") && !in.bad {
				b.errorf(v.P, "unknown column '%s'%s", pat, suggest(pat, in.schema.Names()))
			}
			if v.Order != "" {
				desc := strings.HasSuffix(v.Order, "desc")
				sort.SliceStable(group, func(i, j int) bool {
					if desc {
						return group[i].Name > group[j].Name
					}
					return group[i].Name < group[j].Name
				})
			}
			out = append(out, group...)
		}
		for i, c := range in.schema {
			if !used[i] {
				out = append(out, c)
			}
		}
		return tab{schema: out, bad: in.bad}
	case *ast.Summarize:
		return b.summarize(v, in, sc)
	case *ast.Sort:
		for _, k := range v.Keys {
			b.sortKey(k, sc, r)
		}
		return in
	case *ast.Top:
		b.count(v.N, sc, "top")
		for _, k := range v.Keys {
			b.sortKey(k, sc, r)
		}
		return in
	case *ast.Take:
		b.count(v.N, sc, "take")
		return in
	case *ast.Count:
		return tab{schema: kusto.Schema{{Name: "Count", Type: kusto.Long}}}
	case *ast.Distinct:
		if v.Star {
			return in
		}
		var out kusto.Schema
		n := 0
		for _, x := range v.Cols {
			t := b.scalar(x, sc, r)
			name := defaultName(x)
			if name == "" {
				n++
				name = "Column" + strconv.Itoa(n)
			}
			out = append(out, kusto.Column{Name: uniqueName(out, name), Type: t})
		}
		return tab{schema: out, bad: in.bad}
	case *ast.Join:
		kind := v.Kind
		if kind == "" {
			kind = "innerunique"
		}
		b.info.JoinKind[v] = kind
		right := b.tabular(v.Right, sc)
		b.joinConds(v.On, in, right, sc)
		bad := in.bad || right.bad
		switch kind {
		case "leftanti", "leftsemi", "anti", "leftantisemi":
			return tab{schema: in.schema, bad: bad}
		case "rightanti", "rightsemi", "rightantisemi":
			return tab{schema: right.schema, bad: bad}
		}
		out := append(kusto.Schema(nil), in.schema...)
		for _, c := range right.schema {
			out = append(out, kusto.Column{Name: uniqueName(out, c.Name), Type: c.Type})
		}
		return tab{schema: out, bad: bad}
	case *ast.Lookup:
		kind := v.Kind
		if kind == "" {
			kind = "leftouter"
		}
		b.info.JoinKind[v] = kind
		right := b.tabular(v.Right, sc)
		_, rkeys := b.joinConds(v.On, in, right, sc)
		out := append(kusto.Schema(nil), in.schema...)
		for _, c := range right.schema {
			if rkeys[c.Name] {
				continue
			}
			out = append(out, kusto.Column{Name: uniqueName(out, c.Name), Type: c.Type})
		}
		return tab{schema: out, bad: in.bad || right.bad}
	case *ast.UnionOp:
		t := b.union(v.Union, &in, sc)
		b.info.Schemas[v.Union] = t.schema
		return t
	case *ast.As:
		sc.names[v.Name] = &binding{as: v, tabular: true, schema: in.schema, bad: in.bad}
		return in
	case *ast.MvExpand:
		return b.mvExpand(v, in, sc)
	case *ast.Parse:
		// any scalar can be parsed: ADX converts it to a string first
		b.scalar(v.X, sc, r)
		out := append(kusto.Schema(nil), in.schema...)
		for _, p := range v.Pattern {
			if p.IsLit || p.Star {
				continue
			}
			typ := p.Type
			if typ == kusto.Invalid {
				typ = kusto.String
			}
			if i := out.Index(p.Column); i >= 0 {
				out[i].Type = typ
			} else {
				out = append(out, kusto.Column{Name: p.Column, Type: typ})
			}
		}

		return tab{schema: out, bad: in.bad}
	case *ast.Render:
		for _, p := range v.Props {
			if lit, ok := p.Value.(*ast.Literal); ok {
				b.info.Types[lit] = lit.Type
			}
		}
		return in
	case *ast.Invoke:
		return b.tabularCall(v.Call, sc, &in)
	case *ast.GetSchema:
		return tab{schema: kusto.Schema{
			{Name: "ColumnName", Type: kusto.String},
			{Name: "ColumnOrdinal", Type: kusto.Int},
			{Name: "DataType", Type: kusto.String},
			{Name: "ColumnType", Type: kusto.String},
		}}
	}
	b.errorf(o.Pos(), "operator %T is not supported", o)
	return tab{bad: true}
}

func (b *binder) count(n ast.Expr, sc *scope, op string) {
	t := b.scalar(n, sc, nil)
	if t != kusto.Int && t != kusto.Long && t != kusto.Invalid && t != kusto.Dynamic {
		b.errorf(n.Pos(), "%s needs an integer count, not %s", op, t)
	}
}

func (b *binder) sortKey(k *ast.SortKey, sc *scope, r *row) {
	t := b.scalar(k.X, sc, r)
	if t == kusto.Dynamic {
		b.errorf(k.X.Pos(), "cannot sort by a dynamic value; convert it with tostring(), tolong(), ...")
	}
}

// matchNames marks the input columns matched by names with wildcards, and
// reports plain names that match nothing.
func (b *binder) matchNames(names []string, in tab, pos ast.Pos) []bool {
	m := make([]bool, len(in.schema))
	for _, n := range names {
		found := false
		for i, c := range in.schema {
			if wildMatch(n, c.Name) {
				m[i] = true
				found = true
			}
		}
		if !found && !strings.Contains(n, "*") && !in.bad {
			b.errorf(pos, "unknown column '%s'%s", n, suggest(n, in.schema.Names()))
		}
	}
	return m
}

// wildMatch matches a column name against a pattern where * is any run.
func wildMatch(pat, name string) bool {
	if !strings.Contains(pat, "*") {
		return pat == name
	}
	parts := strings.Split(pat, "*")
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(name, p) && len(name) >= len(p)
		}
		k := strings.Index(name, p)
		if k < 0 {
			return false
		}
		name = name[k+len(p):]
	}
	return true
}

// columnName gives the output name of a project/extend column: explicit, the
// name of a plain column, or ColumnN (the first N not already taken).
// extendCols binds the columns of extend and serialize: each is added to the
// input schema, or replaces the column of the same name, and later columns see
// earlier ones.
func (b *binder) extendCols(cols []*ast.NamedExpr, in tab, sc *scope) tab {
	out := append(kusto.Schema(nil), in.schema...)
	col := 0
	for _, ne := range cols {
		t := b.scalar(ne.X, sc, &row{schema: out, bad: in.bad})
		name := b.columnName(ne, &col, out, nil)
		if i := out.Index(name); i >= 0 {
			out[i].Type = t
		} else {
			out = append(out, kusto.Column{Name: name, Type: t})
		}
	}
	return tab{schema: out, bad: in.bad}
}

func (b *binder) columnName(ne *ast.NamedExpr, col *int, in, out kusto.Schema) string {
	if len(ne.Names) > 0 {
		b.errorf(ne.P, "(A, B) = ... needs a function that returns several columns")
	}
	name := ne.Name
	if name == "" {
		name = defaultName(ne.X)
	}
	if name == "" {
		for {
			*col++
			name = "Column" + strconv.Itoa(*col)
			if in.Index(name) < 0 && out.Index(name) < 0 {
				break
			}
		}
	}
	b.info.Names[ne] = name
	return name
}

// defaultName is the ADX default column name of an expression that is a plain
// column (its name) or a property path (x.a.b → x_a_b), else "".
func defaultName(x ast.Expr) string {
	switch v := x.(type) {
	case *ast.Ident:
		if strings.HasPrefix(v.Name, "$") {
			return ""
		}
		return v.Name
	case *ast.Paren:
		return defaultName(v.X)
	case *ast.Member:
		if base := defaultName(v.X); base != "" {
			return base + "_" + v.Name
		}
		if m, ok := v.X.(*ast.Ident); ok && (m.Name == "$left" || m.Name == "$right") {
			return v.Name
		}
	case *ast.Index:
		if lit, ok := v.Index.(*ast.Literal); ok && lit.Type == kusto.String {
			if base := defaultName(v.X); base != "" {
				return base + "_" + lit.Value.(string)
			}
		}
	case *ast.Call:
		// tostring(x.a.b) is named like the path it converts: x_a_b
		if conversions[v.Name] && len(v.Args) == 1 {
			switch unparen(v.Args[0]).(type) {
			case *ast.Member, *ast.Index:
				return defaultName(v.Args[0])
			}
		}
	}
	return ""
}

// conversions are the functions whose result is named after a converted path.
var conversions = map[string]bool{
	"tostring": true, "toint": true, "tolong": true, "todouble": true, "toreal": true, "tobool": true,
	"toboolean": true, "todatetime": true, "totimespan": true, "toguid": true, "todecimal": true,
}

// uniqueName appends 1, 2, ... to name until no column of s has it.
func uniqueName(s kusto.Schema, name string) string {
	if s.Index(name) < 0 {
		return name
	}
	for i := 1; ; i++ {
		n := name + strconv.Itoa(i)
		if s.Index(n) < 0 {
			return n
		}
	}
}

func (b *binder) summarize(v *ast.Summarize, in tab, sc *scope) tab {
	r := &row{schema: in.schema, bad: in.bad}
	var out kusto.Schema
	col := 0
	nextCol := func() string {
		for {
			col++
			n := "Column" + strconv.Itoa(col)
			if out.Index(n) < 0 {
				return n
			}
		}
	}
	var keyNames []string
	for _, ne := range v.By {
		t := b.scalar(ne.X, sc, r)
		if t == kusto.Dynamic {
			b.errorf(ne.X.Pos(), "summarize cannot group by a dynamic value; convert it with tostring(), tolong(), ...")
		}
		name := ne.Name
		if name == "" {
			name = keyName(ne.X)
		}
		if name == "" {
			name = nextCol()
		}
		name = uniqueName(out, name)
		b.info.Names[ne] = name
		keyNames = append(keyNames, name)
		out = append(out, kusto.Column{Name: name, Type: t})
	}
	ar := &row{schema: in.schema, bad: in.bad, agg: true}
	for _, ne := range v.Aggs {
		t := b.scalar(ne.X, sc, ar)
		if !containsAgg(ne.X, b.info) && t != kusto.Invalid {
			b.errorf(ne.X.Pos(), "summarize needs an aggregate function (count(), sum(), make_set(), ...) here")
		}
		call, _ := unparen(ne.X).(*ast.Call)
		var ci *CallInfo
		if call != nil {
			ci = b.info.Calls[call]
		}
		if len(ne.Names) > 0 || ci != nil && ci.Kind == CallAggregate && isMultiAgg(ci.Name, call) {
			cols := b.multiAgg(ne, call, ci, in, keyNames)
			for _, c := range cols {
				c.Name = uniqueName(out, c.Name)
				b.info.Multi[ne] = append(b.info.Multi[ne], c.Name)
				out = append(out, c)
			}
			if len(ne.Names) == 0 && len(cols) == 0 {
				b.info.Multi[ne] = []string{}
			}
			continue
		}
		name := ne.Name
		if name == "" && ci != nil && ci.Kind == CallAggregate {
			name = aggName(call, ci)
		}
		if name == "" {
			name = nextCol()
		}
		name = uniqueName(out, name)
		b.info.Names[ne] = name
		out = append(out, kusto.Column{Name: name, Type: t})
	}
	return tab{schema: out, bad: in.bad}
}

func unparen(x ast.Expr) ast.Expr {
	for {
		p, ok := x.(*ast.Paren)
		if !ok {
			return x
		}
		x = p.X
	}
}

// keyName is the default name of a summarize key: a column, or the column
// inside bin()/floor()/bin_at().
func keyName(x ast.Expr) string {
	if n := defaultName(x); n != "" {
		return n
	}
	if c, ok := unparen(x).(*ast.Call); ok && len(c.Args) > 0 {
		switch c.Name {
		case "bin", "floor", "bin_at":
			return defaultName(c.Args[0])
		}
	}
	return ""
}

func isMultiAgg(name string, c *ast.Call) bool {
	if len(c.Args) == 0 {
		return false
	}
	switch name {
	case "arg_max", "arg_min":
		return true
	case "take_any":
		return c.Name != "any" || len(c.Args) > 1 || isStar(c.Args[0])
	case "percentiles":
		return true
	}
	return false
}

func isStar(x ast.Expr) bool { _, ok := x.(*ast.Star); return ok }

// aggName is the ADX default name of a single-column aggregate.
func aggName(c *ast.Call, ci *CallInfo) string {
	prefix := ci.Name
	if ci.Sig != nil && ci.Sig.NamePrefix != "" {
		prefix = ci.Sig.NamePrefix
	}
	switch ci.Name {
	case "count", "countif":
		return prefix + "_"
	case "percentile":
		if len(c.Args) == 2 {
			return prefix + "_" + defaultName(c.Args[0]) + "_" + percentText(c.Args[1])
		}
	}
	if len(c.Args) == 0 {
		return prefix + "_"
	}
	return prefix + "_" + defaultName(c.Args[0])
}

func percentText(x ast.Expr) string {
	if lit, ok := unparen(x).(*ast.Literal); ok {
		return strings.ReplaceAll(strings.TrimPrefix(lit.Text, "+"), ".", "_")
	}
	return ""
}

// multiAgg computes the columns of arg_max/arg_min/take_any/percentiles and
// (A, B) = ... forms.
func (b *binder) multiAgg(ne *ast.NamedExpr, c *ast.Call, ci *CallInfo, in tab, keys []string) []kusto.Column {
	var cols []kusto.Column
	if c != nil && ci != nil && ci.Kind == CallAggregate {
		switch ci.Name {
		case "arg_max", "arg_min", "take_any":
			prefix := "max"
			if ci.Name == "arg_min" {
				prefix = "min"
			}
			for i, a := range c.Args {
				if isStar(a) {
					for _, col := range in.schema {
						skip := false
						for _, k := range keys {
							skip = skip || k == col.Name
						}
						for _, prev := range cols {
							skip = skip || prev.Name == col.Name
						}
						if !skip {
							cols = append(cols, col)
						}
					}
					continue
				}
				name := defaultName(a)
				if name == "" {
					if i == 0 && ci.Name != "take_any" {
						name = prefix + "_"
					} else {
						name = "Column" + strconv.Itoa(i)
					}
				}
				cols = append(cols, kusto.Column{Name: name, Type: b.info.Types[a]})
			}
		case "percentiles":
			t := b.info.Types[c]
			for _, p := range c.Args[min(1, len(c.Args)):] {
				cols = append(cols, kusto.Column{Name: "percentile_" + defaultName(c.Args[0]) + "_" + percentText(p), Type: t})
			}
		default:
			cols = append(cols, kusto.Column{Name: aggName(c, ci), Type: b.info.Types[ne.X]})
		}
	} else {
		cols = append(cols, kusto.Column{Type: b.info.Types[ne.X]})
	}
	if ne.Name != "" && len(cols) > 0 {
		// `X = arg_max(T, a)` names the first column X; `N = take_any(b)` is N
		cols[0].Name = ne.Name
	}
	if len(ne.Names) > 0 {
		if len(ne.Names) != len(cols) {
			b.errorf(ne.P, "%d names given for %d result columns", len(ne.Names), len(cols))
			return nil
		}
		for i := range cols {
			cols[i].Name = ne.Names[i]
		}
	}
	return cols
}

func containsAgg(x ast.Expr, info *Info) bool {
	found := false
	walkExpr(x, func(e ast.Expr) {
		if c, ok := e.(*ast.Call); ok {
			if ci := info.Calls[c]; ci != nil && ci.Kind == CallAggregate {
				found = true
			}
		}
	})
	return found
}

// walkExpr calls f for x and each of its scalar sub-expressions.
func walkExpr(x ast.Expr, f func(ast.Expr)) {
	ast.InspectExpr(x, func(e ast.Expr) bool { f(e); return true })
}

// joinConds binds join/lookup conditions; it returns the key column names of
// each side.
func (b *binder) joinConds(conds []*ast.JoinCond, left, right tab, sc *scope) (lk, rk map[string]bool) {
	lk, rk = map[string]bool{}, map[string]bool{}
	side := func(x ast.Expr, wantLeft bool) (kusto.Type, string) {
		switch v := x.(type) {
		case *ast.Ident:
			s, kind, bad := right.schema, RefRight, right.bad
			if wantLeft {
				s, kind, bad = left.schema, RefLeft, left.bad
			}
			i := s.Index(v.Name)
			if i < 0 {
				if !bad {
					which := "right"
					if wantLeft {
						which = "left"
					}
					b.errorf(v.P, "unknown column '%s' on the %s side of the join%s", v.Name, which, suggest(v.Name, s.Names()))
				}
				return kusto.Invalid, v.Name
			}
			b.info.Refs[v] = Ref{Kind: kind, Column: i}
			b.info.Types[v] = s[i].Type
			return s[i].Type, v.Name
		case *ast.Member:
			id, ok := v.X.(*ast.Ident)
			if !ok || id.Name != "$left" && id.Name != "$right" {
				break
			}
			isLeft := id.Name == "$left"
			s, kind, bad := right.schema, RefRight, right.bad
			if isLeft {
				s, kind, bad = left.schema, RefLeft, left.bad
			}
			i := s.Index(v.Name)
			if i < 0 {
				if !bad {
					b.errorf(v.P, "unknown column '%s' in %s%s", v.Name, id.Name, suggest(v.Name, s.Names()))
				}
				return kusto.Invalid, v.Name
			}
			b.info.Refs[v] = Ref{Kind: kind, Column: i}
			b.info.Types[v] = s[i].Type
			return s[i].Type, v.Name
		}
		b.errorf(x.Pos(), "a join condition side must be a column name or $left.Column / $right.Column")
		return kusto.Invalid, ""
	}
	for _, c := range conds {
		if m, ok := c.Left.(*ast.Member); ok {
			if id, ok := m.X.(*ast.Ident); ok && id.Name == "$right" {
				c.Left, c.Right = c.Right, c.Left
			}
		}
		if m, ok := c.Left.(*ast.Member); ok {
			if id, ok := m.X.(*ast.Ident); ok && id.Name != "$left" {
				b.errorf(m.P, "the left side of a join condition must be $left.Column")
			}
		}
		if m, ok := c.Right.(*ast.Member); ok {
			if id, ok := m.X.(*ast.Ident); ok && id.Name != "$right" {
				b.errorf(m.P, "the right side of a join condition must be $right.Column")
			}
		}
		lt, ln := side(c.Left, true)
		rt, rn := side(c.Right, false)
		lk[ln], rk[rn] = true, true
		if lt != kusto.Invalid && rt != kusto.Invalid && !comparable(lt, rt) {
			b.errorf(c.P, "join keys have different types: %s is %s, %s is %s", ln, lt, rn, rt)
		}
	}
	return lk, rk
}

func (b *binder) mvExpand(v *ast.MvExpand, in tab, sc *scope) tab {
	out := append(kusto.Schema(nil), in.schema...)
	r := &row{schema: in.schema, bad: in.bad}
	for _, it := range v.Items {
		t := b.scalar(it.X, sc, r)
		if t != kusto.Dynamic && t != kusto.Invalid {
			b.errorf(it.X.Pos(), "mv-expand needs a dynamic array or property bag, not %s", t)
		}
		typ := kusto.Dynamic
		if it.ToType != kusto.Invalid {
			typ = it.ToType
		}
		name := it.Name
		if name == "" {
			name = defaultName(it.X)
		}
		if name == "" {
			name = uniqueName(out, "Column1")
		}
		if i := out.Index(name); i >= 0 {
			out[i].Type = typ
		} else {
			out = append(out, kusto.Column{Name: name, Type: typ})
		}
	}
	if v.WithItemIndex != "" {
		out = append(out, kusto.Column{Name: uniqueName(out, v.WithItemIndex), Type: kusto.Long})
	}
	if v.Limit != nil {
		b.count(v.Limit, sc, "mv-expand limit")
	}
	return tab{schema: out, bad: in.bad}
}

// tabularCall binds a call used as a table: a let/stored function whose body
// is tabular, or a registered tabular function. in is the piped input for
// invoke.
func (b *binder) tabularCall(c *ast.Call, sc *scope, in *tab) tab {
	if bd := sc.lookup(c.Name); bd != nil && bd.fn != nil {
		res, isTab := b.userCall(c, bd, sc, nil, in)
		if !isTab {
			if res.bad {
				return tab{bad: true}
			}
			b.errorf(c.P, "function '%s' returns a scalar, not a table", c.Name)
			return tab{bad: true}
		}
		return res
	}
	if b.env.Functions != nil {
		if sig, ok := b.env.Functions.Lookup(c.Name); ok && sig.Kind == Tabular {
			b.info.Calls[c] = &CallInfo{Kind: CallTabular, Name: sig.Name, Sig: sig}
			args := make([]kusto.Type, 0, len(c.Args))
			for _, a := range c.Args {
				args = append(args, b.scalar(a, sc, nil))
			}
			b.checkArity(c, sig)
			var inSchema kusto.Schema
			if in != nil {
				inSchema = in.schema
			}
			if sig.Schema == nil {
				return tab{schema: inSchema}
			}
			s, err := sig.Schema(inSchema, args)
			if err != nil {
				b.errorf(c.P, "%s: %v", c.Name, err)
				return tab{bad: true}
			}
			return tab{schema: s}
		}
	}
	if in != nil {
		b.errorf(c.P, "unknown function '%s'%s", c.Name, suggest(c.Name, b.userFuncNames(sc)))
	} else {
		b.errorf(c.P, "unknown tabular function '%s'%s", c.Name, suggest(c.Name, b.userFuncNames(sc)))
	}
	return tab{bad: true}
}

func (b *binder) userFuncNames(sc *scope) []string {
	var out []string
	for _, n := range sc.all() {
		if bd := sc.lookup(n); bd != nil && bd.fn != nil {
			out = append(out, n)
		}
	}
	return out
}

// userCall expands a call of a let-defined (or stored) function: the body is
// cloned, its parameters bound to the arguments, and bound in a new scope.
// It returns the tabular result, or reports isTab=false with the scalar type in
// the returned row's... (scalar calls use userScalar).
func (b *binder) userCall(c *ast.Call, bd *binding, sc *scope, r *row, in *tab) (tab, bool) {
	t, typ, isTab := b.expand(c, bd, sc, r, in)
	if !isTab {
		b.info.Types[c] = typ
		return tab{bad: typ == kusto.Invalid}, false
	}
	return t, true
}

func (b *binder) expand(c *ast.Call, bd *binding, sc *scope, r *row, in *tab) (tab, kusto.Type, bool) {
	if b.depth > 16 {
		b.errorf(c.P, "function '%s' calls itself too deeply (recursion is not supported)", c.Name)
		return tab{bad: true}, kusto.Invalid, false
	}
	b.depth++
	defer func() { b.depth-- }()
	fd := ast.Clone(bd.fn)
	ci := &CallInfo{Kind: CallUser, Name: c.Name, Expansion: fd, Args: map[*ast.Param]ast.Expr{}}
	b.info.Calls[c] = ci
	b.expansions++
	if b.expansions > 2000 {
		b.errorf(c.P, "too many function expansions (the functions call each other too often)")
		return tab{bad: true}, kusto.Invalid, false
	}
	inner := &scope{parent: bd.defScope, names: map[string]*binding{}}
	args := c.Args
	params := fd.Params
	// invoke passes the piped table as the first tabular parameter
	if in != nil {
		if len(params) == 0 || !params[0].Tabular {
			b.errorf(c.P, "function '%s' cannot be used with invoke: its first parameter is not tabular", c.Name)
			return tab{bad: true}, kusto.Invalid, false
		}
		prm := &params[0]
		inner.names[prm.Name] = &binding{param: prm, tabular: true, schema: in.schema, bad: in.bad}
		params = params[1:]
	}
	if len(args) > len(params) {
		b.errorf(c.P, "function '%s' takes %d arguments, got %d", c.Name, len(params), len(args))
	}
	for i := range params {
		prm := &params[i]
		if i < len(args) {
			a := args[i]
			ci.Args[prm] = a
			if prm.Tabular {
				t := b.tabular(a, sc)
				for _, want := range prm.Columns {
					if j := t.schema.Index(want.Name); j < 0 && !t.bad {
						b.errorf(a.Pos(), "argument for '%s' lacks column '%s' that function '%s' needs", prm.Name, want.Name, c.Name)
					}
				}
				inner.names[prm.Name] = &binding{param: prm, tabular: true, schema: t.schema, bad: t.bad}
				continue
			}
			t := b.scalar(a, sc, r)
			if t != kusto.Invalid && prm.Type != kusto.Invalid && !assignable(prm.Type, t, a) {
				b.errorf(a.Pos(), "argument '%s' of '%s' must be %s, not %s", prm.Name, c.Name, prm.Type, t)
			}
			typ := prm.Type
			if typ == kusto.Invalid {
				typ = t
			}
			inner.names[prm.Name] = &binding{param: prm, typ: typ}
			continue
		}
		if prm.Default == nil {
			b.errorf(c.P, "function '%s' needs an argument for '%s'", c.Name, prm.Name)
			inner.names[prm.Name] = &binding{param: prm, typ: prm.Type, tabular: prm.Tabular, bad: true}
			continue
		}
		ci.Args[prm] = prm.Default
		b.scalar(prm.Default, bd.defScope, nil)
		inner.names[prm.Name] = &binding{param: prm, typ: prm.Type}
	}
	body := fd.Body
	for _, st := range body[:len(body)-1] {
		if l, ok := st.(*ast.LetStmt); ok {
			inner = b.letStmt(l, inner)
		}
	}
	last := body[len(body)-1].(*ast.ExprStmt)
	if b.isTabular(last.X, inner) {
		t := b.tabular(last.X, inner)
		b.info.Schemas[c] = t.schema
		return t, kusto.Invalid, true
	}
	typ := b.scalar(last.X, inner, r)
	return tab{}, typ, false
}

func (b *binder) checkArity(c *ast.Call, sig *FuncSig) bool {
	n := len(c.Args)
	if n < sig.MinArgs || sig.MaxArgs >= 0 && n > sig.MaxArgs {
		var want string
		switch {
		case sig.MaxArgs == sig.MinArgs:
			want = strconv.Itoa(sig.MinArgs)
		case sig.MaxArgs < 0:
			want = "at least " + strconv.Itoa(sig.MinArgs)
		default:
			want = fmt.Sprintf("%d to %d", sig.MinArgs, sig.MaxArgs)
		}
		plural := "s"
		if want == "1" {
			plural = ""
		}
		b.errorf(c.P, "function '%s' takes %s argument%s, got %d", c.Name, want, plural, n)
		return false
	}
	return true
}
