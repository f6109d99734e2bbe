package lang

import (
	"fmt"
	"strconv"
	"strings"

	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/ast"
)

var errOverflow = kusto.ErrOutOfRange

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// parser is the hand-written parser of scalar expressions: precedence
// climbing over lex's token slice. It runs as a custom production of the
// grammar (exprprod.go), which sets c and lex; tabular pipes nested in an
// expression go back into the grammar through lex.
type parser struct {
	src  string
	toks []token
	i    int
	errs ErrorList
	// depth guards against stack exhaustion on pathological nesting.
	depth int
	c     *conv
	lex   *plexer.PeekingLexer
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

func (p *parser) expectPunct(s, what string) *token {
	if !p.isPunct(s) {
		p.failf(p.tok().Pos, "expected '%s'%s, found %s", s, what, desc(p.tok()))
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
	p.failf(t.Pos, "expected %s, found %s", what, desc(t))
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

// parsePipeExpr parses an expression that may be tabular (a call
// argument, a parenthesis, an item of an in list): `source | op | op ...`,
// whose source and operators come from the grammar (grammarPipe).
func (p *parser) parsePipeExpr() ast.Expr {
	p.enter()
	defer p.leave()
	return p.grammarPipe()
}

// ---- named expressions ----

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
	p.failf(t.Pos, "expected an expression, found %s", desc(t))
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
