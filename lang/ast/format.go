package ast

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl/kusto"
)

// Format prints n as canonical KQL: one operator per line after the source,
// string literals double-quoted with backslash escapes, parentheses where
// written (Paren nodes) or where precedence needs them. Parsing the output gives
// back the same tree, apart from positions and literals' Text.
func Format(n Node) string {
	var p printer
	p.node(n)
	return p.b.String()
}

// FormatScript prints a whole script (statements separated by ";\n").
func FormatScript(s *Script) string {
	var p printer
	p.script(s)
	return p.b.String()
}

type printer struct {
	b      strings.Builder
	indent int
}

func (p *printer) str(s string) { p.b.WriteString(s) }

func (p *printer) newline() {
	p.b.WriteByte('\n')
	for i := 0; i < p.indent; i++ {
		p.b.WriteString("    ")
	}
}

func (p *printer) script(s *Script) {
	if s == nil {
		return
	}
	if s.Command != nil {
		p.str(s.Command.Text)
		return
	}
	for i, st := range s.Stmts {
		if i > 0 {
			p.str(";")
			p.newline()
		}
		p.node(st)
	}
}

func (p *printer) node(n Node) {
	switch v := n.(type) {
	case nil:
	case *Command:
		p.str(v.Text)
	case Stmt:
		p.stmt(v)
	case Op:
		p.op(v)
	case Expr:
		p.expr(v, 0)
	case *FuncDef:
		p.funcDef(v)
	case *Param:
		p.param(v)
	case *NamedExpr:
		p.named(v)
	case *SortKey:
		p.sortKey(v)
	case *JoinCond:
		p.joinCond(v)
	case *MvExpandItem:
		p.mvItem(v)
	case *Rename:
		p.name(v.New)
		p.str(" = ")
		p.name(v.Old)
	case *ParsePart:
		p.parsePart(*v)
	case *Property:
		p.prop(*v)
	}
}

func (p *printer) stmt(s Stmt) {
	switch v := s.(type) {
	case *LetStmt:
		p.str("let ")
		p.name(v.Name)
		p.str(" = ")
		if v.Func != nil {
			p.funcDef(v.Func)
		} else {
			p.expr(v.Value, 0)
		}
	case *DeclareStmt:
		p.str("declare query_parameters(")
		for i := range v.Params {
			if i > 0 {
				p.str(", ")
			}
			p.param(&v.Params[i])
		}
		p.str(")")
	case *SetStmt:
		p.str("set ")
		p.str(v.Name)
		if v.Value != nil {
			p.str(" = ")
			p.expr(v.Value, 0)
		}
	case *ExprStmt:
		p.expr(v.X, 0)
	}
}

func (p *printer) funcDef(f *FuncDef) {
	p.str("(")
	for i := range f.Params {
		if i > 0 {
			p.str(", ")
		}
		p.param(&f.Params[i])
	}
	p.str(") {")
	p.indent++
	for i, st := range f.Body {
		p.newline()
		p.stmt(st)
		if i < len(f.Body)-1 {
			p.str(";")
		}
	}
	p.indent--
	p.newline()
	p.str("}")
}

func (p *printer) param(prm *Param) {
	p.name(prm.Name)
	p.str(":")
	if prm.Tabular {
		p.str("(")
		if prm.Columns == nil {
			p.str("*")
		}
		p.columns(prm.Columns)
		p.str(")")
	} else {
		p.str(prm.Type.String())
	}
	if prm.Default != nil {
		p.str(" = ")
		p.expr(prm.Default, 0)
	}
}

func (p *printer) columns(s kusto.Schema) {
	for i, c := range s {
		if i > 0 {
			p.str(", ")
		}
		p.name(c.Name)
		p.str(":")
		p.str(c.Type.String())
	}
}

// reserved are words that cannot be bare column names.
var reserved = map[string]bool{
	"and": true, "or": true, "by": true, "on": true, "with": true, "let": true, "true": true, "false": true,
	"in": true, "has": true, "contains": true, "between": true, "startswith": true, "endswith": true,
	"matches": true, "asc": true, "desc": true, "nulls": true, "to": true, "from": true, "step": true,
	"kind": true, "dynamic": true, "datetime": true, "timespan": true, "guid": true, "int": true, "long": true,
	"real": true, "bool": true, "decimal": true, "date": true, "time": true, "double": true, "boolean": true,
	"int32": true, "int64": true, "uniqueid": true, "print": true, "range": true, "datatable": true,
	"union": true, "limit": true, "typeof": true, "declare": true, "set": true, "view": true,
	"has_any": true, "has_all": true, "hasprefix": true, "hassuffix": true, "first": true, "last": true,
	"alias": true, "pattern": true, "restrict": true, "externaldata": true, "search": true, "find": true,
	"evaluate": true,
}

// IsPlainName reports whether s can be written as a bare identifier.
func IsPlainName(s string) bool {
	if s == "" || reserved[s] {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if !letter && !(i > 0 && c >= '0' && c <= '9') && !(i == 0 && c == '$' && len(s) > 1) {
			return false
		}
	}
	return true
}

func (p *printer) name(s string) {
	if IsPlainName(s) {
		p.str(s)
		return
	}
	p.str("[")
	p.str(quote(s))
	p.str("]")
}

// namePattern prints a project-away style name that may contain '*'.
func (p *printer) namePattern(s string) {
	if strings.Contains(s, "*") {
		ok := true
		for _, part := range strings.Split(s, "*") {
			if part != "" && !IsPlainName(part) {
				ok = false
			}
		}
		if ok {
			p.str(s)
			return
		}
	}
	p.name(s)
}

// quote returns s as a double-quoted KQL string literal.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				b.WriteString(`\u`)
				h := strconv.FormatInt(int64(r), 16)
				b.WriteString(strings.Repeat("0", 4-len(h)))
				b.WriteString(h)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func (p *printer) op(o Op) {
	switch v := o.(type) {
	case *Where:
		p.str("where ")
		p.expr(v.Pred, 0)
	case *Project:
		p.str("project ")
		p.namedList(v.Cols)
	case *ProjectAway:
		p.str("project-away ")
		p.patterns(v.Names)
	case *ProjectKeep:
		p.str("project-keep ")
		p.patterns(v.Names)
	case *ProjectRename:
		p.str("project-rename ")
		for i, r := range v.Pairs {
			if i > 0 {
				p.str(", ")
			}
			p.name(r.New)
			p.str(" = ")
			p.name(r.Old)
		}
	case *ProjectReorder:
		p.str("project-reorder ")
		p.patterns(v.Names)
		if v.Order != "" {
			p.str(" ")
			p.str(v.Order)
		}
	case *Extend:
		p.str("extend ")
		p.namedList(v.Cols)
	case *Summarize:
		p.str("summarize")
		for _, h := range v.Hints {
			p.str(" ")
			p.prop(h)
		}
		if len(v.Aggs) > 0 {
			p.str(" ")
			p.namedList(v.Aggs)
		}
		if len(v.By) > 0 {
			p.str(" by ")
			p.namedList(v.By)
		}
	case *Sort:
		p.str("order by ")
		p.sortKeys(v.Keys)
	case *Top:
		p.str("top ")
		p.expr(v.N, 0)
		p.str(" by ")
		p.sortKeys(v.Keys)
	case *Take:
		p.str("take ")
		p.expr(v.N, 0)
	case *Count:
		p.str("count")
	case *Distinct:
		p.str("distinct ")
		if v.Star {
			p.str("*")
		}
		for i, x := range v.Cols {
			if i > 0 {
				p.str(", ")
			}
			p.expr(x, 0)
		}
	case *Join:
		p.str("join")
		if v.Kind != "" {
			p.str(" kind=")
			p.str(v.Kind)
		}
		for _, h := range v.Hints {
			p.str(" ")
			p.prop(h)
		}
		p.str(" ")
		p.subquery(v.Right)
		p.str(" on ")
		p.joinConds(v.On)
	case *Lookup:
		p.str("lookup")
		if v.Kind != "" {
			p.str(" kind=")
			p.str(v.Kind)
		}
		p.str(" ")
		p.subquery(v.Right)
		p.str(" on ")
		p.joinConds(v.On)
	case *UnionOp:
		p.union(v.Union)
	case *As:
		p.str("as ")
		for _, h := range v.Hints {
			p.prop(h)
			p.str(" ")
		}
		p.name(v.Name)
	case *MvExpand:
		p.str("mv-expand ")
		if v.BagExpansion != "" {
			p.str("bagexpansion=" + v.BagExpansion + " ")
		}
		if v.WithItemIndex != "" {
			p.str("with_itemindex=")
			p.name(v.WithItemIndex)
			p.str(" ")
		}
		for i, it := range v.Items {
			if i > 0 {
				p.str(", ")
			}
			p.mvItem(it)
		}
		if v.Limit != nil {
			p.str(" limit ")
			p.expr(v.Limit, 0)
		}
	case *Parse:
		p.str("parse ")
		if v.Kind != "" && v.Kind != "simple" {
			p.str("kind=" + v.Kind + " ")
			if v.Flags != "" {
				p.str("flags=" + v.Flags + " ")
			}
		}
		p.expr(v.X, 0)
		p.str(" with")
		for _, part := range v.Pattern {
			p.str(" ")
			p.parsePart(part)
		}
	case *Render:
		p.str("render ")
		p.name(v.Chart)
		if len(v.Props) > 0 {
			p.str(" with (")
			for i, pr := range v.Props {
				if i > 0 {
					p.str(", ")
				}
				p.prop(pr)
			}
			p.str(")")
		}
	case *Invoke:
		p.str("invoke ")
		p.expr(v.Call, 0)
	case *Serialize:
		p.str("serialize")
		if len(v.Cols) > 0 {
			p.str(" ")
			p.namedList(v.Cols)
		}
	case *GetSchema:
		p.str("getschema")
	}
}

func (p *printer) parsePart(part ParsePart) {
	switch {
	case part.IsLit:
		p.str(quote(part.Literal))
	case part.Star:
		p.str("*")
	default:
		p.name(part.Column)
		if part.Type != kusto.Invalid {
			p.str(":" + part.Type.String())
		}
	}
}

func (p *printer) mvItem(it *MvExpandItem) {
	if it.Name != "" {
		p.name(it.Name)
		p.str(" = ")
	}
	p.expr(it.X, 0)
	if it.ToType != kusto.Invalid {
		p.str(" to typeof(" + it.ToType.String() + ")")
	}
}

func (p *printer) patterns(names []string) {
	for i, n := range names {
		if i > 0 {
			p.str(", ")
		}
		p.namePattern(n)
	}
}

// subquery prints the right side of a join/lookup in parentheses.
func (p *printer) subquery(x Expr) {
	if id, ok := x.(*Ident); ok {
		p.name(id.Name)
		return
	}
	p.str("(")
	p.expr(x, 0)
	p.str(")")
}

func (p *printer) joinConds(conds []*JoinCond) {
	for i, c := range conds {
		if i > 0 {
			p.str(", ")
		}
		p.joinCond(c)
	}
}

func (p *printer) joinCond(c *JoinCond) {
	l, lok := c.Left.(*Ident)
	r, rok := c.Right.(*Ident)
	if lok && rok && l.Name == r.Name {
		p.name(l.Name)
		return
	}
	p.expr(c.Left, precCmp)
	p.str(" == ")
	p.expr(c.Right, precCmp+1)
}

func (p *printer) prop(pr Property) {
	p.str(pr.Name)
	p.str("=")
	if id, ok := pr.Value.(*Ident); ok {
		p.str(id.Name)
		return
	}
	p.expr(pr.Value, precUnary)
}

func (p *printer) namedList(cols []*NamedExpr) {
	for i, ne := range cols {
		if i > 0 {
			p.str(", ")
		}
		p.named(ne)
	}
}

func (p *printer) named(ne *NamedExpr) {
	switch {
	case len(ne.Names) > 0:
		p.str("(")
		for i, n := range ne.Names {
			if i > 0 {
				p.str(", ")
			}
			p.name(n)
		}
		p.str(") = ")
	case ne.Name != "":
		p.name(ne.Name)
		p.str(" = ")
	}
	p.expr(ne.X, 0)
}

func (p *printer) sortKeys(keys []*SortKey) {
	for i, k := range keys {
		if i > 0 {
			p.str(", ")
		}
		p.sortKey(k)
	}
}

func (p *printer) sortKey(k *SortKey) {
	p.expr(k.X, 0)
	if k.Desc {
		p.str(" desc")
	} else {
		p.str(" asc")
	}
	if k.Nulls != "" {
		p.str(" nulls " + k.Nulls)
	}
}

func (p *printer) union(u *Union) {
	p.str("union")
	if u.Kind != "" {
		p.str(" kind=" + u.Kind)
	}
	if u.WithSource != "" {
		p.str(" withsource=")
		p.name(u.WithSource)
	}
	if u.IsFuzzy {
		p.str(" isfuzzy=true")
	}
	for i, t := range u.Tables {
		if i > 0 {
			p.str(",")
		}
		p.str(" ")
		if id, ok := t.(*Ident); ok && strings.Contains(id.Name, "*") {
			p.namePattern(id.Name)
			continue
		}
		p.expr(t, precPostfix)
	}
}

// Precedence levels, lowest first.
const (
	precOr = iota + 1
	precAnd
	precCmp
	precAdd
	precMul
	precUnary
	precPostfix
)

func binaryPrec(op string) int {
	switch op {
	case "or":
		return precOr
	case "and":
		return precAnd
	case "+", "-":
		return precAdd
	case "*", "/", "%":
		return precMul
	}
	return precCmp
}

// expr prints x; min is the lowest precedence that needs no parentheses here.
func (p *printer) expr(x Expr, min int) {
	switch v := x.(type) {
	case *Pipe:
		if min > 0 {
			p.str("(")
		}
		p.expr(v.Source, 0)
		p.indent++
		for _, o := range v.Ops {
			p.newline()
			p.str("| ")
			p.op(o)
		}
		p.indent--
		if min > 0 {
			p.str(")")
		}
	case *DataTable:
		p.str("datatable(")
		p.columns(v.Columns)
		p.str(") [")
		for i, val := range v.Values {
			if i > 0 {
				p.str(", ")
			}
			p.expr(val, 0)
		}
		p.str("]")
	case *Range:
		p.wrapIf(min > 0, func() {
			p.str("range ")
			p.name(v.Name)
			p.str(" from ")
			p.expr(v.From, 0)
			p.str(" to ")
			p.expr(v.To, 0)
			p.str(" step ")
			p.expr(v.Step, 0)
		})
	case *Print:
		p.wrapIf(min > 0, func() {
			p.str("print ")
			p.namedList(v.Cols)
		})
	case *Union:
		p.wrapIf(min > 0, func() { p.union(v) })
	case *Literal:
		p.literal(v, min)
	case *Ident:
		p.name(v.Name)
	case *Binary:
		prec := binaryPrec(v.Op)
		p.wrapIf(prec < min, func() {
			p.expr(v.L, prec)
			p.str(" " + v.Op + " ")
			switch r := v.R.(type) {
			case *RangeExpr:
				p.str("(")
				p.expr(r.Lo, precAdd)
				p.str(" .. ")
				p.expr(r.Hi, precAdd)
				p.str(")")
			case *List:
				p.list(r)
			default:
				if isSetOp(v.Op) && isTabularExpr(r) {
					p.str("(")
					p.expr(r, 0)
					p.str(")")
					return
				}
				p.expr(v.R, prec+1)
			}
		})
	case *Unary:
		p.wrapIf(precUnary < min, func() {
			p.str(v.Op)
			switch c := v.X.(type) {
			case *Unary:
				p.str(" ")
			case *Literal:
				if strings.HasPrefix(c.Text, "-") || strings.HasPrefix(c.Text, "+") {
					p.str(" ")
				}
			}
			p.expr(v.X, precUnary)
		})
	case *Call:
		p.name(v.Name)
		p.str("(")
		for i, a := range v.Args {
			if i > 0 {
				p.str(", ")
			}
			p.expr(a, 0)
		}
		p.str(")")
	case *Member:
		p.expr(v.X, precPostfix)
		p.str(".")
		p.name(v.Name)
	case *Index:
		p.expr(v.X, precPostfix)
		p.str("[")
		p.expr(v.Index, 0)
		p.str("]")
	case *List:
		p.list(v)
	case *RangeExpr:
		p.str("(")
		p.expr(v.Lo, precAdd)
		p.str(" .. ")
		p.expr(v.Hi, precAdd)
		p.str(")")
	case *Star:
		p.str("*")
	case *Paren:
		p.str("(")
		p.expr(v.X, 0)
		p.str(")")
	}
}

func isSetOp(op string) bool {
	switch op {
	case "in", "!in", "in~", "!in~", "has_any", "has_all", "!has_any":
		return true
	}
	return false
}

func isTabularExpr(x Expr) bool {
	switch x.(type) {
	case *Pipe, *DataTable, *Range, *Print, *Union:
		return true
	}
	return false
}

func (p *printer) list(l *List) {
	p.str("(")
	for i, it := range l.Items {
		if i > 0 {
			p.str(", ")
		}
		p.expr(it, 0)
	}
	p.str(")")
}

func (p *printer) wrapIf(cond bool, f func()) {
	if cond {
		p.str("(")
	}
	f()
	if cond {
		p.str(")")
	}
}

func (p *printer) literal(l *Literal, min int) {
	if l.Null {
		p.str(l.Type.String() + "(null)")
		return
	}
	neg := false
	switch v := l.Value.(type) {
	case bool:
		p.str(strconv.FormatBool(v))
		return
	case string:
		switch l.Type {
		case kusto.String:
			p.str(quote(v))
		case kusto.Guid:
			p.str("guid(" + v + ")")
		case kusto.Decimal:
			p.str("decimal(" + v + ")")
		case kusto.Dynamic:
			p.str("dynamic(" + v + ")")
		}
		return
	case int32:
		p.str("int(" + strconv.FormatInt(int64(v), 10) + ")")
		return
	case int64:
		switch l.Type {
		case kusto.DateTime:
			p.str("datetime(" + time.Unix(0, v).UTC().Format(time.RFC3339Nano) + ")")
			return
		case kusto.TimeSpan:
			neg = v < 0
			p.wrapIf(neg && min > precUnary, func() { p.str(timespanText(v)) })
			return
		}
		neg = v < 0
		text := strconv.FormatInt(v, 10)
		if l.Text != "" && strings.HasPrefix(strings.ToLower(strings.TrimPrefix(l.Text, "-")), "0x") {
			text = l.Text
		}
		p.wrapIf(neg && min > precUnary, func() { p.str(text) })
		return
	case float64:
		switch {
		case math.IsNaN(v):
			p.str("real(nan)")
		case math.IsInf(v, 1):
			p.str("real(+inf)")
		case math.IsInf(v, -1):
			p.str("real(-inf)")
		default:
			s := strconv.FormatFloat(v, 'g', -1, 64)
			if !strings.ContainsAny(s, ".eE") {
				s += ".0"
			}
			p.wrapIf(v < 0 && min > precUnary, func() { p.str(s) })
		}
		return
	}
	p.str(l.Text)
}

// timespanText writes a timespan as the largest exact unit: 1d, 90m, 1500ms,
// or ticks.
func timespanText(ns int64) string {
	units := []struct {
		n    int64
		name string
	}{{86400e9, "d"}, {3600e9, "h"}, {60e9, "m"}, {1e9, "s"}, {1e6, "ms"}, {1e3, "microsecond"}, {100, "tick"}, {1, "nanosecond"}}
	for _, u := range units {
		if ns%u.n == 0 {
			return strconv.FormatInt(ns/u.n, 10) + u.name
		}
	}
	return "0s"
}
