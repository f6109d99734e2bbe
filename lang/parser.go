package lang

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/ast"
)

var errOverflow = errors.New("value out of range")

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Parse parses a KQL script (or a control command starting with '.') into a
// syntax tree. On failure it returns an ErrorList with every error found; the
// parser recovers at statement boundaries (';'), so several statements can each
// report an error.
func Parse(src string) (*ast.Script, error) {
	toks, lerrs := lex(src)
	p := &parser{src: src, toks: toks}
	if len(lerrs) > 0 {
		return nil, lerrs
	}
	script := p.parseScript()
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return script, nil
}

// ParseExpr parses a single scalar expression (used for parameter defaults and
// by tools).
func ParseExpr(src string) (ast.Expr, error) {
	toks, lerrs := lex(src)
	if len(lerrs) > 0 {
		return nil, lerrs
	}
	p := &parser{src: src, toks: toks}
	var x ast.Expr
	func() {
		defer p.recoverBail()
		x = p.parseExpr()
		if p.tok().Kind != tEOF {
			p.failf(p.tok().Pos, "unexpected %s after expression", p.desc(p.tok()))
		}
	}()
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return x, nil
}

type parser struct {
	src  string
	toks []token
	i    int
	errs ErrorList
	// depth guards against stack exhaustion on pathological nesting.
	depth int
}

// bailout unwinds the parser to the statement level after an error.
type bailout struct{}

func (p *parser) recoverBail() {
	if r := recover(); r != nil {
		if _, ok := r.(bailout); !ok {
			panic(r)
		}
	}
}

func (p *parser) failf(pos ast.Pos, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
	panic(bailout{})
}

func (p *parser) tok() *token { return &p.toks[p.i] }

func (p *parser) peekN(k int) *token {
	if p.i+k < len(p.toks) {
		return &p.toks[p.i+k]
	}
	return &p.toks[len(p.toks)-1]
}

func (p *parser) advance() *token {
	t := &p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *parser) isPunct(s string) bool {
	t := p.tok()
	return t.Kind == tPunct && t.Text == s
}

func (p *parser) isKw(s string) bool {
	t := p.tok()
	return t.Kind == tIdent && t.Raw == "" && t.Text == s
}

func (p *parser) acceptPunct(s string) bool {
	if p.isPunct(s) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) acceptKw(s string) bool {
	if p.isKw(s) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) desc(t *token) string {
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

func (p *parser) expectPunct(s, what string) *token {
	if !p.isPunct(s) {
		p.failf(p.tok().Pos, "expected '%s'%s, found %s", s, what, p.desc(p.tok()))
	}
	return p.advance()
}

func (p *parser) expectKw(s, what string) *token {
	if !p.isKw(s) {
		p.failf(p.tok().Pos, "expected '%s'%s, found %s", s, what, p.desc(p.tok()))
	}
	return p.advance()
}

// name reads an identifier (plain or quoted ['a b']).
func (p *parser) name(what string) (string, ast.Pos) {
	t := p.tok()
	if t.Kind == tIdent {
		p.advance()
		return t.Text, t.Pos
	}
	if t.Kind == tTyped && t.Raw == "" {
		p.advance()
		return t.Text, t.Pos
	}
	if p.isPunct("[") && p.peekN(1).Kind == tString && p.peekN(2).Kind == tPunct && p.peekN(2).Text == "]" {
		p.advance()
		s := p.advance().Text
		p.advance()
		return s, t.Pos
	}
	p.failf(t.Pos, "expected %s, found %s", what, p.desc(t))
	return "", t.Pos
}

func (p *parser) isNameStart() bool {
	t := p.tok()
	return t.Kind == tIdent || p.isPunct("[") && p.peekN(1).Kind == tString && p.peekN(2).Kind == tPunct && p.peekN(2).Text == "]"
}

func (p *parser) enter() {
	p.depth++
	if p.depth > 200 {
		p.failf(p.tok().Pos, "query nests too deeply")
	}
}

func (p *parser) leave() { p.depth-- }

// ---- script and statements ----

func (p *parser) parseScript() *ast.Script {
	s := &ast.Script{}
	if p.isPunct(".") {
		func() {
			defer p.recoverBail()
			s.Command = p.parseCommand()
		}()
		return s
	}
	for {
		for p.acceptPunct(";") {
		}
		if p.tok().Kind == tEOF {
			break
		}
		start := p.i
		ok := false
		func() {
			defer p.recoverBail()
			st := p.parseStmt()
			if !p.isPunct(";") && p.tok().Kind != tEOF {
				p.failf(p.tok().Pos, "unexpected %s; expected ';', '|' or end of query", p.desc(p.tok()))
			}
			s.Stmts = append(s.Stmts, st)
			ok = true
		}()
		if !ok {
			p.skipToSemicolon(start)
		}
	}
	if len(p.errs) == 0 && len(s.Stmts) == 0 {
		p.errs = append(p.errs, &Error{Pos: p.tok().Pos, Msg: "empty query"})
	}
	return s
}

// skipToSemicolon moves past the current statement after an error, keeping
// nesting of brackets so a ';' inside a function body does not end it.
func (p *parser) skipToSemicolon(start int) {
	if p.i == start {
		p.advance()
	}
	depth := 0
	for p.tok().Kind != tEOF {
		t := p.tok()
		if t.Kind == tPunct {
			switch t.Text {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth--
			case ";":
				if depth <= 0 {
					return
				}
			}
		}
		p.advance()
	}
}

func (p *parser) parseStmt() ast.Stmt {
	t := p.tok()
	switch {
	case p.isKw("let") && p.peekN(1).Kind == tIdent || p.isKw("let") && p.peekN(1).Kind == tPunct && p.peekN(1).Text == "[":
		p.advance()
		name, _ := p.name("a name after 'let'")
		p.expectPunct("=", " after the let name")
		st := &ast.LetStmt{P: t.Pos, Name: name}
		if p.isKw("view") && p.peekN(1).Kind == tPunct && p.peekN(1).Text == "(" {
			p.advance()
		}
		if p.isFuncDef() {
			st.Func = p.parseFuncDef()
		} else {
			st.Value = p.parsePipeExpr()
		}
		return st
	case p.isKw("let") && !(p.peekN(1).Kind == tPunct && (p.peekN(1).Text == "|" || p.peekN(1).Text == ";")) && p.peekN(1).Kind != tEOF:
		p.failf(p.peekN(1).Pos, "expected a name after 'let', found %s", p.desc(p.peekN(1)))
	case p.isKw("declare") && p.peekN(1).Kind == tIdent && p.peekN(1).Text == "query_parameters":
		p.advance()
		p.advance()
		p.expectPunct("(", " after 'declare query_parameters'")
		st := &ast.DeclareStmt{P: t.Pos}
		if !p.isPunct(")") {
			for {
				st.Params = append(st.Params, p.parseParam())
				if !p.acceptPunct(",") {
					break
				}
			}
		}
		p.expectPunct(")", " to close the parameter list")
		return st
	case p.isKw("set") && p.peekN(1).Kind == tIdent:
		p.advance()
		name := p.optionName()
		st := &ast.SetStmt{P: t.Pos, Name: name}
		if p.acceptPunct("=") {
			st.Value = p.parseExpr()
		}
		return st
	case p.isKw("alias") || p.isKw("pattern") || p.isKw("restrict"):
		if p.peekN(1).Kind == tIdent {
			p.failf(t.Pos, "statement '%s' is not supported yet", t.Text)
		}
	}
	return &ast.ExprStmt{P: t.Pos, X: p.parsePipeExpr()}
}

// optionName reads a dotted option name such as hint.strategy or
// query_now.
func (p *parser) optionName() string {
	name, _ := p.name("an option name")
	for p.isPunct(".") && !p.tok().Space && p.peekN(1).Kind == tIdent && !p.peekN(1).Space {
		p.advance()
		name += "." + p.advance().Text
	}
	return name
}

// isFuncDef reports whether a '(' starts a function definition: `() {` or `(name:`.
func (p *parser) isFuncDef() bool {
	if !p.isPunct("(") {
		return false
	}
	a, b := p.peekN(1), p.peekN(2)
	if a.Kind == tPunct && a.Text == ")" {
		c := p.peekN(2)
		return c.Kind == tPunct && c.Text == "{"
	}
	if (a.Kind == tIdent || a.Kind == tTyped && a.Raw == "") && b.Kind == tPunct && b.Text == ":" {
		return true
	}
	if a.Kind == tPunct && a.Text == "[" && p.peekN(2).Kind == tString && p.peekN(3).Kind == tPunct && p.peekN(3).Text == "]" &&
		p.peekN(4).Kind == tPunct && p.peekN(4).Text == ":" {
		return true
	}
	return false
}

func (p *parser) parseFuncDef() *ast.FuncDef {
	f := &ast.FuncDef{P: p.tok().Pos}
	p.expectPunct("(", "")
	if !p.isPunct(")") {
		for {
			f.Params = append(f.Params, p.parseParam())
			if !p.acceptPunct(",") {
				break
			}
		}
	}
	p.expectPunct(")", " to close the parameter list")
	f.Body = p.parseBody()
	return f
}

// parseBody parses `{ let ...; expr }`.
func (p *parser) parseBody() []ast.Stmt {
	p.enter()
	defer p.leave()
	p.expectPunct("{", " to start the function body")
	var body []ast.Stmt
	for {
		for p.acceptPunct(";") {
		}
		if p.isPunct("}") {
			break
		}
		st := p.parseStmt()
		body = append(body, st)
		if !p.isPunct(";") && !p.isPunct("}") {
			p.failf(p.tok().Pos, "unexpected %s in function body; expected ';' or '}'", p.desc(p.tok()))
		}
	}
	end := p.expectPunct("}", "")
	if len(body) == 0 {
		p.failf(end.Pos, "function body has no expression")
	}
	if _, ok := body[len(body)-1].(*ast.ExprStmt); !ok {
		p.failf(body[len(body)-1].Pos(), "function body must end with an expression")
	}
	return body
}

// parseParam parses `name:type [= default]` or `T:(*)` / `T:(a:string, ...)`.
func (p *parser) parseParam() ast.Param {
	name, pos := p.name("a parameter name")
	p.expectPunct(":", " and a type after the parameter name")
	prm := ast.Param{P: pos, Name: name}
	if p.isPunct("(") {
		p.advance()
		prm.Tabular = true
		if p.acceptPunct("*") {
			p.expectPunct(")", " after '*'")
		} else {
			prm.Columns = kusto.Schema{}
			for {
				cn, _ := p.name("a column name")
				p.expectPunct(":", " after the column name")
				prm.Columns = append(prm.Columns, kusto.Column{Name: cn, Type: p.parseType()})
				if !p.acceptPunct(",") {
					break
				}
			}
			p.expectPunct(")", " to close the column list")
		}
	} else {
		prm.Type = p.parseType()
	}
	if p.acceptPunct("=") {
		prm.Default = p.parseExpr()
	}
	return prm
}

func (p *parser) parseType() kusto.Type {
	t := p.tok()
	if t.Kind == tIdent || t.Kind == tTyped && t.Raw == "" {
		if typ, ok := kusto.ParseType(t.Text); ok {
			p.advance()
			return typ
		}
	}
	p.failf(t.Pos, "expected a type name (bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic), found %s", p.desc(t))
	return kusto.Invalid
}

// ---- control commands ----

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

func (p *parser) parseCommand() *ast.Command {
	dot := p.advance()
	cmd := &ast.Command{P: dot.Pos, Text: strings.TrimSpace(p.src[dot.Pos.Offset:])}
	var verb []string
	nextIsArg := false
	for p.tok().Kind != tEOF {
		t := p.tok()
		switch {
		case p.isPunct(";"):
			p.advance()
			if p.tok().Kind != tEOF {
				p.failf(p.tok().Pos, "a control command must be alone in the query text")
			}
		case p.isKw("with") && p.peekN(1).Kind == tPunct && p.peekN(1).Text == "(":
			p.advance()
			p.advance()
			for !p.isPunct(")") {
				cmd.Props = append(cmd.Props, p.parseProperty())
				if !p.acceptPunct(",") {
					break
				}
			}
			p.expectPunct(")", " to close the with (...) properties")
		case t.Kind == tIdent && p.peekN(1).Kind == tPunct && p.peekN(1).Text == "=":
			cmd.Props = append(cmd.Props, p.parseProperty())
		case t.Kind == tIdent && len(verb) == 0,
			t.Kind == tIdent && !nextIsArg && verbWords[t.Text]:
			// the first word is always part of the verb
			verb = append(verb, t.Text)
			nextIsArg = argNouns[t.Text]
			p.advance()
		case t.Kind == tIdent || t.Kind == tString || t.Kind == tInt || t.Kind == tReal || t.Kind == tTimeSpan:
			cmd.Args = append(cmd.Args, t.Text)
			nextIsArg = false
			p.advance()
		case t.Kind == tTyped:
			cmd.Args = append(cmd.Args, p.src[t.Pos.Offset:t.End])
			p.advance()
		case p.isPunct("[") && p.peekN(1).Kind == tString:
			n, _ := p.name("a name")
			cmd.Args = append(cmd.Args, n)
			nextIsArg = false
		case p.isPunct(","):
			p.advance()
		default:
			p.failf(t.Pos, "unexpected %s in control command", p.desc(t))
		}
	}
	if len(verb) == 0 {
		p.failf(dot.Pos, "expected a command name after '.' (for example .show tables)")
	}
	cmd.Verb = strings.Join(verb, " ")
	return cmd
}

// parseProperty parses `name = value` where value is a literal or a name.
func (p *parser) parseProperty() ast.Property {
	pos := p.tok().Pos
	name := p.optionName()
	p.expectPunct("=", " after the property name")
	var v ast.Expr
	if t := p.tok(); t.Kind == tIdent && t.Text != "dynamic" {
		// bare words are names: kind=inner, hint.strategy=shuffle
		p.advance()
		switch t.Text {
		case "true", "false":
			v = &ast.Literal{P: t.Pos, Type: kusto.Bool, Value: t.Text == "true", Text: t.Text}
		default:
			v = &ast.Ident{P: t.Pos, Name: t.Text}
		}
	} else {
		v = p.parseUnary()
	}
	return ast.Property{P: pos, Name: name, Value: v}
}

// ---- tabular expressions ----

// parsePipeExpr parses `source | op | op ...`.
func (p *parser) parsePipeExpr() ast.Expr {
	p.enter()
	defer p.leave()
	src := p.parseSource()
	if !p.isPunct("|") {
		return src
	}
	pipe := &ast.Pipe{P: src.Pos(), Source: src}
	for p.acceptPunct("|") {
		pipe.Ops = append(pipe.Ops, p.parseOp())
	}
	return pipe
}

// tier1Sources are tabular sources not supported yet.
var tier1Sources = map[string]bool{"externaldata": true, "search": true, "find": true, "evaluate": true, "materialize": false}

func (p *parser) parseSource() ast.Expr {
	t := p.tok()
	if t.Kind == tIdent {
		next := p.peekN(1)
		switch t.Text {
		case "print":
			if !(next.Kind == tPunct && (next.Text == "|" || next.Text == ";" || next.Text == "=" || next.Text == ".")) {
				return p.parsePrint()
			}
		case "range":
			if next.Kind == tIdent && p.peekN(2).Kind == tIdent && p.peekN(2).Text == "from" {
				return p.parseRange()
			}
		case "datatable":
			if next.Kind == tPunct && next.Text == "(" {
				return p.parseDataTable()
			}
		case "union":
			if !(next.Kind == tPunct && (next.Text == "|" || next.Text == ";" || next.Text == ".")) && next.Kind != tEOF {
				p.advance()
				return p.parseUnionBody(t.Pos, true)
			}
		case "externaldata", "search", "find", "evaluate":
			if !(next.Kind == tPunct && (next.Text == "|" || next.Text == ";" || next.Text == "." || next.Text == "=")) && next.Kind != tEOF {
				p.failf(t.Pos, "operator '%s' is not supported yet", t.Text)
			}
		}
	}
	return p.parseExpr()
}

func (p *parser) parsePrint() ast.Expr {
	t := p.advance()
	pr := &ast.Print{P: t.Pos}
	pr.Cols = p.parseNamedList()
	if len(pr.Cols) == 0 {
		p.failf(p.tok().Pos, "expected an expression after 'print'")
	}
	return pr
}

func (p *parser) parseRange() ast.Expr {
	t := p.advance()
	r := &ast.Range{P: t.Pos}
	r.Name, _ = p.name("a column name after 'range'")
	p.expectKw("from", " in range")
	r.From = p.parseExpr()
	p.expectKw("to", " in range")
	r.To = p.parseExpr()
	p.expectKw("step", " in range")
	r.Step = p.parseExpr()
	return r
}

func (p *parser) parseDataTable() ast.Expr {
	t := p.advance()
	dt := &ast.DataTable{P: t.Pos, Columns: kusto.Schema{}}
	p.expectPunct("(", "")
	for {
		n, _ := p.name("a column name")
		p.expectPunct(":", " after the column name")
		dt.Columns = append(dt.Columns, kusto.Column{Name: n, Type: p.parseType()})
		if !p.acceptPunct(",") {
			break
		}
	}
	p.expectPunct(")", " to close the datatable columns")
	p.expectPunct("[", " before the datatable values")
	for !p.isPunct("]") {
		dt.Values = append(dt.Values, p.parseExpr())
		if !p.acceptPunct(",") {
			break
		}
	}
	end := p.expectPunct("]", " to close the datatable values")
	if len(dt.Values)%len(dt.Columns) != 0 {
		p.failf(end.Pos, "datatable has %d values, not a multiple of its %d columns", len(dt.Values), len(dt.Columns))
	}
	return dt
}

// parseUnionBody parses the options and tables after 'union'.
func (p *parser) parseUnionBody(pos ast.Pos, source bool) *ast.Union {
	u := &ast.Union{P: pos}
	for p.tok().Kind == tIdent && p.peekN(1).Kind == tPunct && (p.peekN(1).Text == "=" || p.peekN(1).Text == ".") {
		prop := p.parseProperty()
		val := propText(prop.Value)
		switch prop.Name {
		case "kind":
			if val != "inner" && val != "outer" {
				p.failf(prop.P, "union kind must be inner or outer, not %q", val)
			}
			u.Kind = val
		case "withsource":
			u.WithSource = val
		case "isfuzzy":
			u.IsFuzzy = val == "true"
		default:
			if !strings.HasPrefix(prop.Name, "hint.") {
				p.failf(prop.P, "unknown union option '%s' (expected kind, withsource, isfuzzy)", prop.Name)
			}
		}
	}
	for {
		u.Tables = append(u.Tables, p.parseUnionLeg())
		if !p.acceptPunct(",") {
			break
		}
	}
	return u
}

func (p *parser) parseUnionLeg() ast.Expr {
	if p.isPunct("(") {
		t := p.advance()
		x := p.parsePipeExpr()
		p.expectPunct(")", " to close the union leg")
		return &ast.Paren{P: t.Pos, X: x}
	}
	t := p.tok()
	if (t.Kind == tIdent || p.isPunct("*")) && p.peekN(1).Kind == tPunct && p.peekN(1).Text == "*" && !p.peekN(1).Space || p.isPunct("*") {
		// a wildcard table name: Device*, *Events
		var b strings.Builder
		for first := true; ; first = false {
			c := p.tok()
			if !first && c.Space {
				break
			}
			if c.Kind == tIdent || c.Kind == tPunct && c.Text == "*" {
				b.WriteString(c.Text)
				p.advance()
				continue
			}
			break
		}
		return &ast.Ident{P: t.Pos, Name: b.String()}
	}
	return p.parsePostfix()
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

// opName reads an operator name, joining hyphenated parts written without spaces.
func (p *parser) opName() (string, ast.Pos) {
	t := p.tok()
	if t.Kind != tIdent {
		p.failf(t.Pos, "expected an operator name after '|', found %s", p.desc(t))
	}
	p.advance()
	name := t.Text
	for p.isPunct("-") && !p.tok().Space && p.peekN(1).Kind == tIdent && !p.peekN(1).Space {
		p.advance()
		name += "-" + p.advance().Text
	}
	return name, t.Pos
}

func (p *parser) parseOp() ast.Op {
	name, pos := p.opName()
	switch name {
	case "where", "filter":
		return &ast.Where{P: pos, Pred: p.parseExpr()}
	case "project":
		cols := p.parseNamedList()
		if len(cols) == 0 {
			p.failf(p.tok().Pos, "expected a column after 'project'")
		}
		return &ast.Project{P: pos, Cols: cols}
	case "project-away":
		return &ast.ProjectAway{P: pos, Names: p.parsePatterns(name)}
	case "project-keep":
		return &ast.ProjectKeep{P: pos, Names: p.parsePatterns(name)}
	case "project-reorder":
		op := &ast.ProjectReorder{P: pos, Names: p.parsePatterns(name)}
		if p.tok().Kind == tIdent {
			o, _ := p.opName()
			switch o {
			case "asc", "desc", "granny-asc", "granny-desc":
				op.Order = o
			default:
				p.failf(p.toks[p.i-1].Pos, "expected asc, desc, granny-asc or granny-desc, found '%s'", o)
			}
		}
		return op
	case "project-rename":
		op := &ast.ProjectRename{P: pos}
		for {
			np := p.tok().Pos
			n, _ := p.name("a new column name")
			p.expectPunct("=", " in project-rename (New = Old)")
			o, _ := p.name("an existing column name")
			op.Pairs = append(op.Pairs, ast.Rename{P: np, New: n, Old: o})
			if !p.acceptPunct(",") {
				break
			}
		}
		return op
	case "extend":
		cols := p.parseNamedList()
		if len(cols) == 0 {
			p.failf(p.tok().Pos, "expected a column after 'extend'")
		}
		return &ast.Extend{P: pos, Cols: cols}
	case "summarize":
		op := &ast.Summarize{P: pos}
		op.Hints = p.parseOptions("hint")
		if !p.isKw("by") {
			op.Aggs = p.parseNamedList()
		}
		if p.acceptKw("by") {
			op.By = p.parseNamedList()
			if len(op.By) == 0 {
				p.failf(p.tok().Pos, "expected a group key after 'by'")
			}
		}
		if len(op.Aggs) == 0 && len(op.By) == 0 {
			p.failf(p.tok().Pos, "expected an aggregate or 'by' after 'summarize'")
		}
		return op
	case "order", "sort":
		p.expectKw("by", " after '"+name+"'")
		return &ast.Sort{P: pos, Keys: p.parseSortKeys()}
	case "top":
		op := &ast.Top{P: pos, N: p.parseExpr()}
		p.expectKw("by", " after the count in 'top'")
		op.Keys = p.parseSortKeys()
		return op
	case "take", "limit":
		return &ast.Take{P: pos, N: p.parseExpr()}
	case "count":
		return &ast.Count{P: pos}
	case "distinct":
		op := &ast.Distinct{P: pos}
		if p.acceptPunct("*") {
			op.Star = true
			return op
		}
		for {
			op.Cols = append(op.Cols, p.parseExpr())
			if !p.acceptPunct(",") {
				break
			}
		}
		return op
	case "join":
		op := &ast.Join{P: pos}
		for _, prop := range p.parseOptions("kind", "hint") {
			if prop.Name == "kind" {
				op.Kind = propText(prop.Value)
				if !joinKinds[op.Kind] {
					p.failf(prop.P, "unknown join kind '%s' (expected innerunique, inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi, rightsemi)", op.Kind)
				}
			} else {
				op.Hints = append(op.Hints, prop)
			}
		}
		op.Right = p.parseJoinRight()
		op.On = p.parseJoinOn(name)
		return op
	case "lookup":
		op := &ast.Lookup{P: pos}
		for _, prop := range p.parseOptions("kind", "hint") {
			if prop.Name == "kind" {
				op.Kind = propText(prop.Value)
				if op.Kind != "leftouter" && op.Kind != "inner" {
					p.failf(prop.P, "lookup kind must be leftouter or inner, not '%s'", op.Kind)
				}
			}
		}
		op.Right = p.parseJoinRight()
		op.On = p.parseJoinOn(name)
		return op
	case "union":
		return &ast.UnionOp{P: pos, Union: p.parseUnionBody(pos, false)}
	case "as":
		op := &ast.As{P: pos}
		op.Hints = p.parseOptions("hint")
		op.Name, _ = p.name("a name after 'as'")
		return op
	case "mv-expand", "mvexpand":
		return p.parseMvExpand(pos)
	case "parse":
		return p.parseParseOp(pos)
	case "render":
		op := &ast.Render{P: pos}
		op.Chart, _ = p.name("a chart type after 'render'")
		if p.isKw("with") {
			p.advance()
			p.expectPunct("(", " after 'with'")
			for !p.isPunct(")") {
				op.Props = append(op.Props, p.parseProperty())
				if !p.acceptPunct(",") {
					break
				}
			}
			p.expectPunct(")", " to close the render properties")
		}
		for p.tok().Kind == tIdent && p.peekN(1).Kind == tPunct && p.peekN(1).Text == "=" {
			op.Props = append(op.Props, p.parseProperty())
		}
		return op
	case "invoke":
		x := p.parsePostfix()
		c, ok := x.(*ast.Call)
		if !ok {
			p.failf(x.Pos(), "expected a function call after 'invoke'")
		}
		return &ast.Invoke{P: pos, Call: c}
	case "serialize":
		op := &ast.Serialize{P: pos}
		if !p.isPunct("|") && !p.isPunct(";") && !p.isPunct(")") && p.tok().Kind != tEOF {
			op.Cols = p.parseNamedList()
		}
		return op
	case "getschema":
		return &ast.GetSchema{P: pos}
	}
	if tier1Ops[name] {
		p.failf(pos, "operator '%s' is not supported yet", name)
	}
	p.failf(pos, "unknown operator '%s'%s", name, suggest(name, tier0OpNames))
	return nil
}

var tier0OpNames = []string{"where", "filter", "project", "project-away", "project-keep", "project-rename",
	"project-reorder", "extend", "summarize", "order", "sort", "top", "take", "limit", "count", "distinct", "join",
	"lookup", "union", "as", "mv-expand", "mvexpand", "parse", "render", "invoke", "serialize", "getschema"}

var joinKinds = map[string]bool{
	"innerunique": true, "inner": true, "leftouter": true, "rightouter": true, "fullouter": true,
	"leftanti": true, "rightanti": true, "leftsemi": true, "rightsemi": true, "anti": true, "leftantisemi": true,
	"rightantisemi": true,
}

// parseOptions parses `name=value` options (kind=inner, hint.strategy=broadcast)
// preceding an operator's arguments; allowed lists the option names the
// operator takes ("hint" allows every hint.* option), so that `kind = count()`
// in summarize stays a named column.
func (p *parser) parseOptions(allowed ...string) []ast.Property {
	var props []ast.Property
	for p.tok().Kind == tIdent {
		name := p.tok().Text
		ok := false
		for _, a := range allowed {
			ok = ok || a == name
		}
		n := p.peekN(1)
		switch {
		case ok && name != "hint" && n.Kind == tPunct && n.Text == "=":
		case ok && name == "hint" && n.Kind == tPunct && n.Text == "." && !n.Space:
		default:
			return props
		}
		props = append(props, p.parseProperty())
	}
	return props
}

func (p *parser) parseJoinRight() ast.Expr {
	if p.isPunct("(") {
		p.advance()
		x := p.parsePipeExpr()
		p.expectPunct(")", " to close the right side of the join")
		return x
	}
	if p.isKw("on") {
		p.failf(p.tok().Pos, "expected the right side of the join before 'on'")
	}
	return p.parsePostfix()
}

func (p *parser) parseJoinOn(op string) []*ast.JoinCond {
	if !p.isKw("on") {
		p.failf(p.tok().Pos, "expected 'on' in %s, found %s", op, p.desc(p.tok()))
	}
	p.advance()
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
		p.failf(x.Pos(), "join condition must be a column name or $left.A == $right.B")
	}
	for {
		add(p.parseExpr())
		if !p.acceptPunct(",") {
			break
		}
	}
	return conds
}

func (p *parser) parseMvExpand(pos ast.Pos) ast.Op {
	op := &ast.MvExpand{P: pos}
	for _, prop := range p.parseOptions("bagexpansion", "with_itemindex", "kind") {
		switch prop.Name {
		case "bagexpansion":
			op.BagExpansion = propText(prop.Value)
			if op.BagExpansion != "bag" && op.BagExpansion != "array" {
				p.failf(prop.P, "bagexpansion must be bag or array")
			}
		case "with_itemindex":
			op.WithItemIndex = propText(prop.Value)
		case "kind":
			// kind=array is the same as bagexpansion=array
			op.BagExpansion = propText(prop.Value)
		}
	}
	for {
		it := &ast.MvExpandItem{P: p.tok().Pos}
		if p.isNameStart() && p.peekN(1).Kind == tPunct && p.peekN(1).Text == "=" {
			it.Name, _ = p.name("a column name")
			p.advance()
		}
		it.X = p.parseExpr()
		if p.isKw("to") {
			p.advance()
			p.expectKw("typeof", " after 'to'")
			p.expectPunct("(", " after typeof")
			it.ToType = p.parseType()
			p.expectPunct(")", " to close typeof")
		}
		op.Items = append(op.Items, it)
		if !p.acceptPunct(",") {
			break
		}
	}
	if p.acceptKw("limit") {
		op.Limit = p.parseExpr()
	}
	return op
}

func (p *parser) parseParseOp(pos ast.Pos) ast.Op {
	op := &ast.Parse{P: pos, Kind: "simple"}
	for _, prop := range p.parseOptions("kind", "flags") {
		switch prop.Name {
		case "kind":
			op.Kind = propText(prop.Value)
			if op.Kind != "simple" && op.Kind != "regex" && op.Kind != "relaxed" {
				p.failf(prop.P, "parse kind must be simple, regex or relaxed, not '%s'", op.Kind)
			}
		case "flags":
			op.Flags = propText(prop.Value)
		}
	}
	op.X = p.parseExpr()
	p.expectKw("with", " after the parsed expression")
	for {
		t := p.tok()
		switch {
		case t.Kind == tString:
			p.advance()
			op.Pattern = append(op.Pattern, ast.ParsePart{P: t.Pos, Literal: t.Text, IsLit: true})
			continue
		case p.isPunct("*"):
			p.advance()
			op.Pattern = append(op.Pattern, ast.ParsePart{P: t.Pos, Star: true})
			continue
		case p.isNameStart():
			n, _ := p.name("a column name")
			part := ast.ParsePart{P: t.Pos, Column: n}
			if p.acceptPunct(":") {
				part.Type = p.parseType()
			}
			op.Pattern = append(op.Pattern, part)
			continue
		}
		break
	}
	if len(op.Pattern) == 0 {
		p.failf(p.tok().Pos, "expected a parse pattern after 'with'")
	}
	return op
}

// parsePatterns parses column names with wildcards for project-away/keep/reorder.
func (p *parser) parsePatterns(op string) []string {
	var names []string
	for {
		var b strings.Builder
		first := true
		for {
			t := p.tok()
			if !first && t.Space {
				break
			}
			if t.Kind == tIdent {
				b.WriteString(t.Text)
				p.advance()
			} else if p.isPunct("*") {
				b.WriteByte('*')
				p.advance()
			} else if first && p.isNameStart() {
				n, _ := p.name("a column name")
				b.WriteString(n)
			} else {
				break
			}
			first = false
		}
		if b.Len() == 0 {
			p.failf(p.tok().Pos, "expected a column name in %s, found %s", op, p.desc(p.tok()))
		}
		names = append(names, b.String())
		if !p.acceptPunct(",") {
			break
		}
	}
	return names
}

// parseNamedList parses `[Name =] expr, ...` (also `(A, B) = expr`).
func (p *parser) parseNamedList() []*ast.NamedExpr {
	var out []*ast.NamedExpr
	if p.isPunct("|") || p.isPunct(";") || p.isPunct(")") || p.tok().Kind == tEOF || p.isKw("by") {
		return nil
	}
	for {
		out = append(out, p.parseNamed())
		if !p.acceptPunct(",") {
			break
		}
	}
	return out
}

func (p *parser) parseNamed() *ast.NamedExpr {
	t := p.tok()
	ne := &ast.NamedExpr{P: t.Pos}
	if p.isNameStart() {
		save := p.i
		n, _ := p.name("a name")
		if p.isPunct("=") {
			p.advance()
			ne.Name = n
			ne.X = p.parseExpr()
			return ne
		}
		p.i = save
	}
	if p.isPunct("(") && p.isNameList() {
		p.advance()
		for {
			n, _ := p.name("a column name")
			ne.Names = append(ne.Names, n)
			if !p.acceptPunct(",") {
				break
			}
		}
		p.expectPunct(")", "")
		p.expectPunct("=", "")
		ne.X = p.parseExpr()
		return ne
	}
	ne.X = p.parseExpr()
	return ne
}

// isNameList reports whether '(' starts `(A, B, ...) =`.
func (p *parser) isNameList() bool {
	k := 1
	for {
		t := p.peekN(k)
		if t.Kind == tIdent {
			k++
		} else if t.Kind == tPunct && t.Text == "[" && p.peekN(k+1).Kind == tString && p.peekN(k+2).Kind == tPunct && p.peekN(k+2).Text == "]" {
			k += 3
		} else {
			return false
		}
		t = p.peekN(k)
		if t.Kind == tPunct && t.Text == "," {
			k++
			continue
		}
		if t.Kind == tPunct && t.Text == ")" {
			n := p.peekN(k + 1)
			return n.Kind == tPunct && n.Text == "="
		}
		return false
	}
}

func (p *parser) parseSortKeys() []*ast.SortKey {
	var keys []*ast.SortKey
	for {
		k := &ast.SortKey{P: p.tok().Pos, X: p.parseExpr(), Desc: true}
		if p.acceptKw("asc") {
			k.Desc = false
		} else if p.acceptKw("desc") {
			k.Desc = true
		}
		if p.acceptKw("nulls") {
			switch {
			case p.acceptKw("first"):
				k.Nulls = "first"
			case p.acceptKw("last"):
				k.Nulls = "last"
			default:
				p.failf(p.tok().Pos, "expected 'first' or 'last' after 'nulls'")
			}
		}
		keys = append(keys, k)
		if !p.acceptPunct(",") {
			break
		}
	}
	return keys
}

// ---- scalar expressions ----

func (p *parser) parseExpr() ast.Expr {
	p.enter()
	defer p.leave()
	return p.parseOr()
}

func (p *parser) parseOr() ast.Expr {
	x := p.parseAnd()
	for p.isKw("or") {
		t := p.advance()
		x = &ast.Binary{P: t.Pos, Op: "or", L: x, R: p.parseAnd()}
	}
	return x
}

func (p *parser) parseAnd() ast.Expr {
	x := p.parseCmp()
	for p.isKw("and") {
		t := p.advance()
		x = &ast.Binary{P: t.Pos, Op: "and", L: x, R: p.parseCmp()}
	}
	return x
}

// stringOps are the word operators of comparison precedence (their negated
// forms are written with a leading '!').
var stringOps = map[string]bool{
	"has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true, "hassuffix": true, "hassuffix_cs": true,
	"contains": true, "contains_cs": true, "startswith": true, "startswith_cs": true, "endswith": true,
	"endswith_cs": true, "in": true, "has_any": true, "has_all": true, "between": true, "matches": true,
}

// cmpOp reads a comparison operator at the current token, or returns "".
func (p *parser) cmpOp() (string, ast.Pos) {
	t := p.tok()
	if t.Kind == tPunct {
		switch t.Text {
		case "==", "!=", "<", "<=", ">", ">=", "=~", "!~":
			p.advance()
			return t.Text, t.Pos
		case "<>":
			p.advance()
			return "!=", t.Pos
		case "!":
			n := p.peekN(1)
			if n.Kind == tIdent && !n.Space && stringOps[n.Text] && n.Text != "matches" && n.Text != "has_all" {
				p.advance()
				p.advance()
				op := "!" + n.Text
				if n.Text == "in" && p.isPunct("~") && !p.tok().Space {
					p.advance()
					op = "!in~"
				}
				return op, t.Pos
			}
		}
		return "", t.Pos
	}
	if t.Kind != tIdent || !stringOps[t.Text] {
		return "", t.Pos
	}
	switch t.Text {
	case "in":
		p.advance()
		if p.isPunct("~") && !p.tok().Space {
			p.advance()
			return "in~", t.Pos
		}
		return "in", t.Pos
	case "matches":
		if n := p.peekN(1); n.Kind == tIdent && n.Text == "regex" {
			p.advance()
			p.advance()
			return "matches regex", t.Pos
		}
		return "", t.Pos
	}
	p.advance()
	return t.Text, t.Pos
}

func (p *parser) parseCmp() ast.Expr {
	x := p.parseAdd()
	for {
		save := p.i
		op, pos := p.cmpOp()
		if op == "" {
			p.i = save
			return x
		}
		var r ast.Expr
		switch op {
		case "in", "!in", "in~", "!in~", "has_any", "has_all", "!has_any":
			r = p.parseSetRight()
		case "between", "!between":
			lp := p.expectPunct("(", " after '"+op+"'")
			lo := p.parseAdd()
			p.expectPunct("..", " between the bounds of "+op)
			hi := p.parseAdd()
			p.expectPunct(")", " to close the range")
			r = &ast.RangeExpr{P: lp.Pos, Lo: lo, Hi: hi}
		default:
			r = p.parseAdd()
		}
		x = &ast.Binary{P: pos, Op: op, L: x, R: r}
	}
}

// parseSetRight parses the right side of in/has_any: a parenthesised list
// (whose single tabular item is returned bare) or a single expression.
func (p *parser) parseSetRight() ast.Expr {
	if !p.isPunct("(") {
		return p.parseAdd()
	}
	lp := p.advance()
	l := &ast.List{P: lp.Pos}
	if !p.isPunct(")") {
		for {
			l.Items = append(l.Items, p.parsePipeExpr())
			if !p.acceptPunct(",") {
				break
			}
		}
	}
	p.expectPunct(")", " to close the list")
	if len(l.Items) == 1 {
		switch l.Items[0].(type) {
		case *ast.Pipe, *ast.DataTable, *ast.Union, *ast.Range, *ast.Print:
			return l.Items[0]
		}
	}
	return l
}

func (p *parser) parseAdd() ast.Expr {
	x := p.parseMul()
	for p.isPunct("+") || p.isPunct("-") {
		t := p.advance()
		x = &ast.Binary{P: t.Pos, Op: t.Text, L: x, R: p.parseMul()}
	}
	return x
}

func (p *parser) parseMul() ast.Expr {
	x := p.parseUnary()
	for p.isPunct("*") || p.isPunct("/") || p.isPunct("%") {
		t := p.advance()
		x = &ast.Binary{P: t.Pos, Op: t.Text, L: x, R: p.parseUnary()}
	}
	return x
}

func (p *parser) parseUnary() ast.Expr {
	if p.isPunct("-") || p.isPunct("+") {
		t := p.advance()
		p.enter()
		defer p.leave()
		x := p.parseUnary()
		if lit, ok := x.(*ast.Literal); ok && t.Text == "-" && !lit.Null {
			switch v := lit.Value.(type) {
			case int64:
				if lit.Type == kusto.Long || lit.Type == kusto.TimeSpan {
					return &ast.Literal{P: t.Pos, Type: lit.Type, Value: -v, Text: "-" + lit.Text}
				}
			case float64:
				if lit.Type == kusto.Real {
					return &ast.Literal{P: t.Pos, Type: lit.Type, Value: -v, Text: "-" + lit.Text}
				}
			}
		}
		return &ast.Unary{P: t.Pos, Op: t.Text, X: x}
	}
	return p.parsePostfix()
}

func (p *parser) parsePostfix() ast.Expr {
	x := p.parsePrimary()
	for {
		switch {
		case p.isPunct(".") && (p.peekN(1).Kind == tIdent || p.peekN(1).Kind == tTyped && p.peekN(1).Raw == ""):
			t := p.advance()
			n := p.advance()
			x = &ast.Member{P: t.Pos, X: x, Name: n.Text}
		case p.isPunct(".") && p.peekN(1).Kind == tPunct && p.peekN(1).Text == "[" && p.peekN(2).Kind == tString:
			t := p.advance()
			n, _ := p.name("a property name")
			x = &ast.Member{P: t.Pos, X: x, Name: n}
		case p.isPunct("["):
			t := p.advance()
			idx := p.parseExpr()
			p.expectPunct("]", " to close the index")
			x = &ast.Index{P: t.Pos, X: x, Index: idx}
		default:
			return x
		}
	}
}

func (p *parser) parsePrimary() ast.Expr {
	t := p.tok()
	switch t.Kind {
	case tInt:
		p.advance()
		v, err := parseIntText(t.Text)
		if err != nil {
			p.failf(t.Pos, "integer literal %s is out of range", t.Text)
		}
		return &ast.Literal{P: t.Pos, Type: kusto.Long, Value: v, Text: t.Text}
	case tReal:
		p.advance()
		v, err := strconv.ParseFloat(t.Text, 64)
		if err != nil {
			p.failf(t.Pos, "real literal %s is out of range", t.Text)
		}
		return &ast.Literal{P: t.Pos, Type: kusto.Real, Value: v, Text: t.Text}
	case tTimeSpan:
		p.advance()
		return &ast.Literal{P: t.Pos, Type: kusto.TimeSpan, Value: t.Num, Text: t.Text}
	case tString:
		p.advance()
		s := t.Text
		end := t.End
		if p.tok().Kind == tString {
			var b strings.Builder
			b.WriteString(s)
			for p.tok().Kind == tString {
				b.WriteString(p.tok().Text)
				end = p.advance().End
			}
			s = b.String()
		}
		return &ast.Literal{P: t.Pos, Type: kusto.String, Value: s, Text: p.src[t.Pos.Offset:end]}
	case tTyped:
		p.advance()
		return p.typedLiteral(t)
	case tIdent:
		switch t.Text {
		case "true", "false":
			p.advance()
			return &ast.Literal{P: t.Pos, Type: kusto.Bool, Value: t.Text == "true", Text: t.Text}
		case "dynamic":
			if n := p.peekN(1); n.Kind == tPunct && n.Text == "(" {
				return p.parseDynamic()
			}
		}
		p.advance()
		if p.isPunct("(") {
			return p.parseCall(t)
		}
		return &ast.Ident{P: t.Pos, Name: t.Text}
	case tPunct:
		switch t.Text {
		case "(":
			p.advance()
			x := p.parsePipeExpr()
			if p.isPunct(",") {
				// a bare list, e.g. the right side of a custom operator: keep as List
				l := &ast.List{P: t.Pos, Items: []ast.Expr{x}}
				for p.acceptPunct(",") {
					l.Items = append(l.Items, p.parsePipeExpr())
				}
				p.expectPunct(")", " to close the list")
				return l
			}
			p.expectPunct(")", " to close the parenthesis")
			return &ast.Paren{P: t.Pos, X: x}
		case "[":
			if p.peekN(1).Kind == tString && p.peekN(2).Kind == tPunct && p.peekN(2).Text == "]" {
				n, pos := p.name("a name")
				if p.isPunct("(") {
					return p.parseCall(&token{Kind: tIdent, Text: n, Pos: pos})
				}
				return &ast.Ident{P: pos, Name: n}
			}
		case "*":
			p.advance()
			return &ast.Star{P: t.Pos}
		}
	}
	p.failf(t.Pos, "expected an expression, found %s", p.desc(t))
	return nil
}

func (p *parser) parseCall(name *token) ast.Expr {
	p.enter()
	defer p.leave()
	p.expectPunct("(", "")
	c := &ast.Call{P: name.Pos, Name: name.Text}
	if !p.isPunct(")") {
		for {
			if p.isPunct("*") && (p.peekN(1).Kind == tPunct && (p.peekN(1).Text == ")" || p.peekN(1).Text == ",")) {
				c.Args = append(c.Args, &ast.Star{P: p.advance().Pos})
			} else {
				c.Args = append(c.Args, p.parsePipeExpr())
			}
			if !p.acceptPunct(",") {
				break
			}
		}
	}
	p.expectPunct(")", " to close the call of "+name.Text)
	return c
}

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
