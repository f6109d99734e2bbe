package lang

import (
	"fmt"
	"strconv"
	"strings"

	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// conv turns grammar structs into lang/ast nodes, checking what the grammar
// leaves open (option values, type names, literal contents). A grammar
// token's Pos.Offset is its index in toks, where the decoded value and the
// real position are.
type conv struct {
	src   string
	toks  []token
	free  []*parser      // expression parsers for reuse (exprprod.go)
	ptoks []plexer.Token // grammar tokens of the statement being parsed
}

// convFail unwinds the converter with one error (recovered per statement).
type convFail struct{ err *Error }

func (c *conv) failf(pos ast.Pos, format string, args ...any) {
	panic(convFail{&Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}})
}

func (c *conv) tok(t plexer.Token) *token     { return &c.toks[t.Pos.Offset] }
func (c *conv) pos(p plexer.Position) ast.Pos { return c.toks[p.Offset].Pos }

// desc describes a lexer token in messages.
func desc(t *token) string {
	switch t.Kind {
	case tEOF:
		return "end of query"
	case tString:
		return "string literal"
	case tTyped:
		return fmt.Sprintf("'%s(...)'", t.Text)
	}
	return fmt.Sprintf("'%s'", t.Text)
}

// pdesc describes a grammar token: merged tokens (!has, project-away) by
// their grammar spelling, the end of a statement's stream by the token it
// stands for (';' or the end of the query).
func (c *conv) pdesc(t plexer.Token) string {
	switch t.Type {
	case plexer.EOF, ptGlue, ptString, ptTyped, ptTypedName:
		return desc(c.tok(t))
	}
	return fmt.Sprintf("'%s'", t.Value)
}

func (c *conv) name(g *gName) (string, ast.Pos) {
	return c.tok(g.Tok).Text, c.pos(g.Pos)
}

func (c *conv) nameOnly(g *gName) string {
	n, _ := c.name(g)
	return n
}

func (c *conv) optName(g *gOptName) string {
	n := c.nameOnly(g.First)
	for _, t := range g.Rest {
		if t.Type == ptIdent {
			n += "." + c.tok(t).Text
		}
	}
	return n
}

func (c *conv) typ(g *gType) kusto.Type {
	t := c.tok(g.Tok)
	if typ, ok := kusto.ParseType(t.Text); ok {
		return typ
	}
	c.failf(t.Pos, "expected a type name (bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic), found %s", desc(t))
	return kusto.Invalid
}

// ---- statements ----

func (c *conv) stmt(g *gStmt) ast.Stmt {
	switch {
	case g.Let != nil:
		st := &ast.LetStmt{P: c.pos(g.Let.Pos), Name: c.nameOnly(g.Let.Name)}
		if g.Let.Func != nil {
			st.Func = c.funcDef(g.Let.Func)
		} else {
			st.Value = c.pipe(g.Let.Value)
		}
		return st
	case g.Declare != nil:
		st := &ast.DeclareStmt{P: c.pos(g.Declare.Pos)}
		for _, p := range g.Declare.Params {
			st.Params = append(st.Params, c.param(p))
		}
		return st
	case g.Set != nil:
		st := &ast.SetStmt{P: c.pos(g.Set.Pos), Name: c.optName(g.Set.Name)}
		if g.Set.Value != nil {
			st.Value = c.expr(g.Set.Value)
		}
		return st
	}
	return &ast.ExprStmt{P: c.pos(g.Pos), X: c.pipe(g.X)}
}

func (c *conv) funcDef(g *gFuncDef) *ast.FuncDef {
	f := &ast.FuncDef{P: c.pos(g.Pos)}
	for _, p := range g.Params {
		f.Params = append(f.Params, c.param(p))
	}
	for _, s := range append(g.Body, g.More...) {
		f.Body = append(f.Body, c.stmt(s))
	}
	if len(f.Body) == 0 {
		c.failf(c.tok(g.End).Pos, "function body has no expression")
	}
	if _, ok := f.Body[len(f.Body)-1].(*ast.ExprStmt); !ok {
		c.failf(f.Body[len(f.Body)-1].Pos(), "function body must end with an expression")
	}
	return f
}

func (c *conv) param(g *gParam) ast.Param {
	name, pos := c.name(g.Name)
	p := ast.Param{P: pos, Name: name}
	switch {
	case g.Tabular:
		p.Tabular = true
		if !g.Star {
			p.Columns = c.cols(g.Columns)
		}
	default:
		p.Type = c.typ(g.Type)
	}
	if g.Default != nil {
		p.Default = c.expr(g.Default)
	}
	return p
}

func (c *conv) cols(gs []*gCol) kusto.Schema {
	s := kusto.Schema{}
	for _, g := range gs {
		s = append(s, kusto.Column{Name: c.nameOnly(g.Name), Type: c.typ(g.Type)})
	}
	return s
}

// ---- control commands ----

func (c *conv) command(g *gCommand) *ast.Command {
	dot := c.pos(g.Pos)
	cmd := &ast.Command{P: dot, Text: strings.TrimSpace(c.src[dot.Offset:])}
	var verb []string
	nextIsArg := false
	for _, it := range g.Items {
		switch {
		case it.Semi.Type != 0, it.Comma:
		case it.With != nil:
			for _, p := range append(it.With.Props, it.With.More...) {
				cmd.Props = append(cmd.Props, c.property(p))
			}
		case it.Prop != nil:
			cmd.Props = append(cmd.Props, c.property(it.Prop))
		case it.Quoted != nil:
			cmd.Args = append(cmd.Args, c.nameOnly(it.Quoted))
			nextIsArg = false
		default:
			t := c.tok(it.Word)
			switch {
			case t.Kind == tIdent && (len(verb) == 0 || !nextIsArg && verbWords[t.Text]):
				// the first word is always part of the verb
				verb = append(verb, t.Text)
				nextIsArg = argNouns[t.Text]
			case t.Kind == tTyped:
				cmd.Args = append(cmd.Args, c.src[t.Pos.Offset:t.End])
			default:
				cmd.Args = append(cmd.Args, t.Text)
				nextIsArg = false
			}
		}
	}
	if len(verb) == 0 {
		c.failf(dot, "expected a command name after '.' (for example .show tables)")
	}
	cmd.Verb = strings.Join(verb, " ")
	return cmd
}

func (c *conv) property(g *gProperty) ast.Property {
	p := ast.Property{P: c.pos(g.Pos), Name: c.optName(g.Name)}
	if g.Word.Type != 0 {
		// bare words are names: kind=inner, hint.strategy=shuffle
		t := c.tok(g.Word)
		switch t.Text {
		case "true", "false":
			p.Value = &ast.Literal{P: t.Pos, Type: kusto.Bool, Value: t.Text == "true", Text: t.Text}
		default:
			p.Value = &ast.Ident{P: t.Pos, Name: t.Text}
		}
		return p
	}
	p.Value = c.operand(g.Value)
	return p
}

func (c *conv) props(gs []*gProperty) []ast.Property {
	var out []ast.Property
	for _, g := range gs {
		out = append(out, c.property(g))
	}
	return out
}

// ---- tabular expressions ----

func (c *conv) pipe(g *gPipe) ast.Expr {
	src := c.source(g.Src)
	if g.Ops == nil {
		return src
	}
	return c.ops(src, g.Ops)
}

// ops makes the pipe of src into ops.
func (c *conv) ops(src ast.Expr, g *gOps) ast.Expr {
	p := &ast.Pipe{P: src.Pos(), Source: src}
	for _, o := range g.Ops {
		p.Ops = append(p.Ops, c.op(o))
	}
	return p
}

func (c *conv) source(g *gSource) ast.Expr {
	switch {
	case g.Print != nil:
		pr := &ast.Print{P: c.pos(g.Print.Pos), Cols: c.namedList(g.Print.Cols)}
		if len(pr.Cols) == 0 {
			c.failf(c.pos(g.Print.EndPos), "expected an expression after 'print'")
		}
		return pr
	case g.Range != nil:
		r := g.Range
		return &ast.Range{P: c.pos(r.Pos), Name: c.nameOnly(r.Name), From: c.expr(r.From), To: c.expr(r.To), Step: c.expr(r.Step)}
	case g.DataTable != nil:
		d := g.DataTable
		dt := &ast.DataTable{P: c.pos(d.Pos), Columns: c.cols(d.Cols)}
		for _, v := range append(d.Values, d.More...) {
			dt.Values = append(dt.Values, c.expr(v))
		}
		if len(dt.Values)%len(dt.Columns) != 0 {
			c.failf(c.tok(d.End).Pos, "datatable has %d values, not a multiple of its %d columns", len(dt.Values), len(dt.Columns))
		}
		return dt
	case g.Union != nil:
		return c.unionBody(c.pos(g.Union.Pos), g.Union.Body)
	}
	return c.expr(g.X)
}

func (c *conv) unionBody(pos ast.Pos, g *gUnionBody) *ast.Union {
	u := &ast.Union{P: pos}
	for _, o := range g.Opts {
		prop := c.property(o)
		val := propText(prop.Value)
		switch prop.Name {
		case "kind":
			if val != "inner" && val != "outer" {
				c.failf(prop.P, "union kind must be inner or outer, not %q", val)
			}
			u.Kind = val
		case "withsource":
			u.WithSource = val
		case "isfuzzy":
			u.IsFuzzy = val == "true"
		default:
			if !strings.HasPrefix(prop.Name, "hint.") {
				c.failf(prop.P, "unknown union option '%s' (expected kind, withsource, isfuzzy)", prop.Name)
			}
		}
	}
	for _, l := range g.Legs {
		switch {
		case l.Paren != nil:
			u.Tables = append(u.Tables, &ast.Paren{P: c.pos(l.Pos), X: c.pipe(l.Paren)})
		case l.Wild != nil:
			// a wildcard table name: Device*, *Events
			var b strings.Builder
			for _, t := range l.Wild {
				if t.Type != ptGlue {
					b.WriteString(c.tok(t).Text)
				}
			}
			u.Tables = append(u.Tables, &ast.Ident{P: c.pos(l.Pos), Name: b.String()})
		default:
			u.Tables = append(u.Tables, c.postfixOnly(l.X))
		}
	}
	return u
}

func propText(x ast.Expr) string {
	switch v := x.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.Literal:
		if s, ok := v.Value.(string); ok {
			return s
		}
		return v.Text
	}
	return ""
}

// ---- operators ----

// tier1Ops are operators recognised but not implemented yet.
var tier1Ops = map[string]bool{
	"make-series": true, "top-nested": true, "top-hitters": true, "mv-apply": true, "mvapply": true, "evaluate": true,
	"search": true, "find": true, "scan": true, "sample": true, "sample-distinct": true, "partition": true,
	"fork": true, "facet": true, "externaldata": true, "materialize": true, "parse-where": true, "parse-kv": true,
	"reduce": true, "consume": true, "project-smart": true, "summarize-as": true, "make-graph": true,
	"graph-match": true, "graph-merge": true, "assert-schema": true, "macro-expand": true, "extend-as": true,
	"invoke-as": true, "lookup-as": true, "range": true, "print": true,
}

var tier0OpNames = []string{"where", "filter", "project", "project-away", "project-keep", "project-rename",
	"project-reorder", "extend", "summarize", "order", "sort", "top", "take", "limit", "count", "distinct", "join",
	"lookup", "union", "as", "mv-expand", "mvexpand", "parse", "render", "invoke", "serialize", "getschema"}

var joinKinds = map[string]bool{
	"innerunique": true, "inner": true, "leftouter": true, "rightouter": true, "fullouter": true,
	"leftanti": true, "rightanti": true, "leftsemi": true, "rightsemi": true, "anti": true, "leftantisemi": true,
	"rightantisemi": true,
}

// verbWords are the lower-case words that make up control-command verbs.
var verbWords = map[string]bool{
	"show": true, "tables": true, "table": true, "schema": true, "functions": true, "function": true,
	"apps": true, "app": true, "indicators": true, "indicator": true, "unsanction": true, "sanction": true,
	"monitor": true, "unmonitor": true, "tag": true, "untag": true, "tags": true, "export": true, "import": true,
	"drop": true, "create": true, "alter": true, "ingest": true, "into": true, "policies": true, "policy": true,
	"version": true, "databases": true, "database": true, "commands": true, "queries": true, "set": true,
	"clear": true, "cache": true, "details": true, "extents": true, "columns": true, "column": true, "as": true,
	"csl": true, "json": true, "cslschema": true, "catalog": true, "settings": true, "setting": true,
	"block": true, "unblock": true, "risk": true, "score": true, "reload": true, "apply": true, "status": true,
	"discover": true, "discovery": true, "categories": true, "users": true, "devices": true, "history": true,
	"review": true, "sync": true, "stats": true, "statistics": true, "purge": true, "delete": true, "add": true,
	"remove": true, "list": true, "describe": true, "explain": true, "check": true,
}

// argNouns take the next word as an argument (`.show table T schema`).
var argNouns = map[string]bool{"table": true, "function": true, "app": true, "database": true, "column": true, "policy": true}

func (c *conv) op(g *gOp) ast.Op {
	switch {
	case g.Where != nil:
		return &ast.Where{P: c.pos(g.Where.Pos), Pred: c.expr(g.Where.Pred)}
	case g.Project != nil:
		cols := c.namedList(g.Project.Cols)
		if len(cols) == 0 {
			c.failf(c.pos(g.Project.EndPos), "expected a column after 'project'")
		}
		return &ast.Project{P: c.pos(g.Project.Pos), Cols: cols}
	case g.Away != nil:
		return &ast.ProjectAway{P: c.pos(g.Away.Pos), Names: c.patterns(g.Away.Names)}
	case g.Keep != nil:
		return &ast.ProjectKeep{P: c.pos(g.Keep.Pos), Names: c.patterns(g.Keep.Names)}
	case g.Reorder != nil:
		op := &ast.ProjectReorder{P: c.pos(g.Reorder.Pos), Names: c.patterns(g.Reorder.Names)}
		if len(g.Reorder.Order) > 0 {
			var b strings.Builder
			var last plexer.Token
			for _, t := range g.Reorder.Order {
				if t.Type == ptIdent || t.Type == ptPunct {
					b.WriteString(t.Value)
					last = t
				}
			}
			switch o := b.String(); o {
			case "asc", "desc", "granny-asc", "granny-desc":
				op.Order = o
			default:
				c.failf(c.tok(last).Pos, "expected asc, desc, granny-asc or granny-desc, found '%s'", o)
			}
		}
		return op
	case g.Rename != nil:
		op := &ast.ProjectRename{P: c.pos(g.Rename.Pos)}
		for _, p := range g.Rename.Pairs {
			op.Pairs = append(op.Pairs, ast.Rename{P: c.pos(p.Pos), New: c.nameOnly(p.New), Old: c.nameOnly(p.Old)})
		}
		return op
	case g.Extend != nil:
		cols := c.namedList(g.Extend.Cols)
		if len(cols) == 0 {
			c.failf(c.pos(g.Extend.EndPos), "expected a column after 'extend'")
		}
		return &ast.Extend{P: c.pos(g.Extend.Pos), Cols: cols}
	case g.Summarize != nil:
		s := g.Summarize
		op := &ast.Summarize{P: c.pos(s.Pos), Hints: c.props(s.Hints), Aggs: c.namedList(s.Aggs), By: c.namedList(s.By)}
		if s.HasBy && len(op.By) == 0 {
			c.failf(c.pos(s.EndPos), "expected a group key after 'by'")
		}
		if len(op.Aggs) == 0 && len(op.By) == 0 {
			c.failf(c.pos(s.EndPos), "expected an aggregate or 'by' after 'summarize'")
		}
		return op
	case g.Sort != nil:
		return &ast.Sort{P: c.pos(g.Sort.Pos), Keys: c.sortKeys(g.Sort.Keys)}
	case g.Top != nil:
		return &ast.Top{P: c.pos(g.Top.Pos), N: c.expr(g.Top.N), Keys: c.sortKeys(g.Top.Keys)}
	case g.Take != nil:
		return &ast.Take{P: c.pos(g.Take.Pos), N: c.expr(g.Take.N)}
	case g.Count != nil:
		return &ast.Count{P: c.pos(g.Count.Pos)}
	case g.Distinct != nil:
		op := &ast.Distinct{P: c.pos(g.Distinct.Pos), Star: g.Distinct.Star}
		for _, x := range g.Distinct.Cols {
			op.Cols = append(op.Cols, c.expr(x))
		}
		return op
	case g.Join != nil:
		j := g.Join
		op := &ast.Join{P: c.pos(j.Pos)}
		for _, prop := range c.props(j.Opts) {
			if prop.Name == "kind" {
				op.Kind = propText(prop.Value)
				if !joinKinds[op.Kind] {
					c.failf(prop.P, "unknown join kind '%s' (expected innerunique, inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi, rightsemi)", op.Kind)
				}
			} else {
				op.Hints = append(op.Hints, prop)
			}
		}
		op.Right = c.joinRight(j.Right)
		op.On = c.joinOn(j.On)
		return op
	case g.Lookup != nil:
		l := g.Lookup
		op := &ast.Lookup{P: c.pos(l.Pos)}
		for _, prop := range c.props(l.Opts) {
			if prop.Name == "kind" {
				op.Kind = propText(prop.Value)
				if op.Kind != "leftouter" && op.Kind != "inner" {
					c.failf(prop.P, "lookup kind must be leftouter or inner, not '%s'", op.Kind)
				}
			}
		}
		op.Right = c.joinRight(l.Right)
		op.On = c.joinOn(l.On)
		return op
	case g.Union != nil:
		pos := c.pos(g.Union.Pos)
		return &ast.UnionOp{P: pos, Union: c.unionBody(pos, g.Union.Body)}
	case g.As != nil:
		return &ast.As{P: c.pos(g.As.Pos), Hints: c.props(g.As.Hints), Name: c.nameOnly(g.As.Name)}
	case g.MvExpand != nil:
		return c.mvExpand(g.MvExpand)
	case g.gOpAlts.Parse != nil:
		return c.parseOp(g.gOpAlts.Parse)
	case g.Render != nil:
		r := g.Render
		op := &ast.Render{P: c.pos(r.Pos), Chart: c.nameOnly(r.Chart)}
		if r.With != nil {
			op.Props = c.props(append(r.With.Props, r.With.More...))
		}
		op.Props = append(op.Props, c.props(r.Props)...)
		return op
	case g.Invoke != nil:
		x := c.postfixOnly(g.Invoke.X)
		call, ok := x.(*ast.Call)
		if !ok {
			c.failf(x.Pos(), "expected a function call after 'invoke'")
		}
		return &ast.Invoke{P: c.pos(g.Invoke.Pos), Call: call}
	case g.Serialize != nil:
		return &ast.Serialize{P: c.pos(g.Serialize.Pos), Cols: c.namedList(g.Serialize.Cols)}
	case g.GetSchema != nil:
		return &ast.GetSchema{P: c.pos(g.GetSchema.Pos)}
	}
	// gUnknownOp never matches: it stops the parse
	panic("lang: operator without a branch")
}

func (c *conv) joinRight(g *gJoinRight) ast.Expr {
	if g.Paren != nil {
		return c.pipe(g.Paren)
	}
	return c.postfixOnly(g.X)
}

func (c *conv) joinOn(xs []*gExpr) []*ast.JoinCond {
	var conds []*ast.JoinCond
	var add func(x ast.Expr)
	add = func(x ast.Expr) {
		switch v := x.(type) {
		case *ast.Binary:
			if v.Op == "and" {
				add(v.L)
				add(v.R)
				return
			}
			if v.Op == "==" {
				conds = append(conds, &ast.JoinCond{P: startPos(v.L), Left: v.L, Right: v.R})
				return
			}
		case *ast.Ident:
			// two nodes, so the binder can record a left and a right reference
			r := *v
			conds = append(conds, &ast.JoinCond{P: v.P, Left: v, Right: &r})
			return
		}
		c.failf(x.Pos(), "join condition must be a column name or $left.A == $right.B")
	}
	for _, x := range xs {
		add(c.expr(x))
	}
	return conds
}

func (c *conv) mvExpand(g *gMvExpand) ast.Op {
	op := &ast.MvExpand{P: c.pos(g.Pos)}
	for _, prop := range c.props(g.Opts) {
		switch prop.Name {
		case "bagexpansion":
			op.BagExpansion = propText(prop.Value)
			if op.BagExpansion != "bag" && op.BagExpansion != "array" {
				c.failf(prop.P, "bagexpansion must be bag or array")
			}
		case "with_itemindex":
			op.WithItemIndex = propText(prop.Value)
		case "kind":
			// kind=array is the same as bagexpansion=array
			op.BagExpansion = propText(prop.Value)
		}
	}
	for _, it := range g.Items {
		item := &ast.MvExpandItem{P: c.pos(it.Pos)}
		if it.Name != nil {
			item.Name = c.nameOnly(it.Name)
		}
		item.X = c.expr(it.X)
		if it.ToType != nil {
			item.ToType = c.typ(it.ToType)
		}
		op.Items = append(op.Items, item)
	}
	if g.Limit != nil {
		op.Limit = c.expr(g.Limit)
	}
	return op
}

func (c *conv) parseOp(g *gParseOp) ast.Op {
	op := &ast.Parse{P: c.pos(g.Pos), Kind: "simple"}
	for _, prop := range c.props(g.Opts) {
		switch prop.Name {
		case "kind":
			op.Kind = propText(prop.Value)
			if op.Kind != "simple" && op.Kind != "regex" && op.Kind != "relaxed" {
				c.failf(prop.P, "parse kind must be simple, regex or relaxed, not '%s'", op.Kind)
			}
		case "flags":
			op.Flags = propText(prop.Value)
		}
	}
	op.X = c.expr(g.X)
	for _, p := range g.Pattern {
		pos := c.pos(p.Pos)
		switch {
		case p.Lit.Type != 0:
			op.Pattern = append(op.Pattern, ast.ParsePart{P: pos, Literal: c.tok(p.Lit).Text, IsLit: true})
		case p.Star:
			op.Pattern = append(op.Pattern, ast.ParsePart{P: pos, Star: true})
		default:
			part := ast.ParsePart{P: pos, Column: c.nameOnly(p.Column)}
			if p.Type != nil {
				part.Type = c.typ(p.Type)
			}
			op.Pattern = append(op.Pattern, part)
		}
	}
	if len(op.Pattern) == 0 {
		c.failf(c.pos(g.EndPos), "expected a parse pattern after 'with'")
	}
	return op
}

// patterns joins the touching pieces of each column pattern (b*, *c, a*b).
func (c *conv) patterns(gs []*gPattern) []string {
	var names []string
	for _, g := range gs {
		var b strings.Builder
		if g.Quoted != nil {
			b.WriteString(c.nameOnly(g.Quoted))
		}
		for _, t := range g.Parts {
			if t.Type != ptGlue {
				b.WriteString(c.tok(t).Text)
			}
		}
		names = append(names, b.String())
	}
	return names
}

func (c *conv) namedList(g *gNamed) []*ast.NamedExpr {
	if g == nil {
		return nil
	}
	return g.X
}

func (c *conv) sortKeys(gs []*gSortKey) []*ast.SortKey {
	var keys []*ast.SortKey
	for _, g := range gs {
		keys = append(keys, &ast.SortKey{P: c.pos(g.Pos), X: c.expr(g.X), Desc: g.Dir != "asc", Nulls: g.Nulls})
	}
	return keys
}

// ---- scalar expressions ----

// Scalar expressions arrive as ast nodes from their custom productions
// (exprprod.go).

func (c *conv) expr(g *gExpr) ast.Expr { return g.X }

func (c *conv) operand(g *gOperand) ast.Expr { return g.X }

func (c *conv) postfixOnly(g *gPostfix) ast.Expr { return g.X }

func parseIntText(s string) (int64, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		return int64(u), err
	}
	return strconv.ParseInt(s, 10, 64)
}

// startPos is the position where the text of x begins (Binary and Member
// nodes carry their operator's position).
func startPos(x ast.Expr) ast.Pos {
	for {
		switch v := x.(type) {
		case *ast.Binary:
			x = v.L
		case *ast.Member:
			x = v.X
		case *ast.Index:
			x = v.X
		default:
			return x.Pos()
		}
	}
}
