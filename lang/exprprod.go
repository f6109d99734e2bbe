package lang

import (
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/prowl-hunt/prowl/lang/ast"
)

// Scalar expressions are custom productions of the grammar: gExpr, gOperand
// and gPostfix run the hand-written precedence parser of parser.go over
// lex's token slice, from the index of the current grammar token (its
// Pos.Offset), then move the PeekingLexer past the tokens it consumed. A
// tabular pipe inside an expression (a call argument, a parenthesis, the
// right side of in) goes back into the grammar.

// gExpr is a scalar expression.
type gExpr struct{ X ast.Expr }

// gOperand is an operand of a binary operator: signs, a primary expression
// and its member/index suffixes (option values).
type gOperand struct{ X ast.Expr }

// gPostfix is an operand without signs (union legs, join right sides,
// invoke).
type gPostfix struct{ X ast.Expr }

// gNamed is a list of columns `[Name =] X` or `(A, B) = X`, separated by
// commas (extend, project, summarize, print, serialize).
type gNamed struct{ X []*ast.NamedExpr }

func (g *gNamed) Parse(lex *plexer.PeekingLexer) (err error) {
	g.X, err = runScalar(lex, func(p *parser) []*ast.NamedExpr {
		var out []*ast.NamedExpr
		for {
			out = append(out, p.parseNamed())
			if !p.acceptPunct(",") {
				return out
			}
		}
	})
	return err
}

func (g *gExpr) Parse(lex *plexer.PeekingLexer) (err error) {
	g.X, err = runScalar(lex, (*parser).parseExpr)
	return err
}

func (g *gOperand) Parse(lex *plexer.PeekingLexer) (err error) {
	g.X, err = runScalar(lex, (*parser).parseUnary)
	return err
}

func (g *gPostfix) Parse(lex *plexer.PeekingLexer) (err error) {
	g.X, err = runScalar(lex, (*parser).parsePostfix)
	return err
}

// exprFail unwinds the grammar with an error of the expression parser; at
// is the index of the token where it stopped.
type exprFail struct {
	err *Error
	at  int
}

// active maps the token array of a running parse (participle copies the
// PeekingLexer but shares its tokens) to its converter, so that the custom
// productions, which participle builds without context, find the source
// and lex's tokens.
var active sync.Map // *plexer.Token -> *conv

func lexKey(lex *plexer.PeekingLexer) *plexer.Token { return &lex.Range(0, 1)[0] }

// register makes c the converter of lex's parse until the returned func runs.
func (c *conv) register(lex *plexer.PeekingLexer) func() {
	k := lexKey(lex)
	active.Store(k, c)
	return func() { active.Delete(k) }
}

// runScalar runs f, a method of the expression parser, at the current
// token of lex. When the input ends there or a closing bracket, ';', ',' or
// '|' follows, it returns participle.NextMatch, so that optional
// expressions (a column list, a function body) may be absent and the
// grammar phrases what it expected; any other error unwinds the parse with
// the expression parser's message.
func runScalar[X any](lex *plexer.PeekingLexer, f func(*parser) X) (X, error) {
	v, _ := active.Load(lexKey(lex))
	c := v.(*conv)
	start := lex.Peek().Pos.Offset
	p := c.getParser(start, lex)
	defer c.putParser(p)
	var x X
	func() {
		defer p.recoverBail()
		x = f(p)
	}()
	if len(p.errs) > 0 {
		if p.i == start && endsOptional(&c.toks[start]) && strings.HasPrefix(p.errs[0].Msg, "expected an expression,") {
			return x, participle.NextMatch
		}
		panic(exprFail{err: p.errs[0], at: p.i})
	}
	p.sync()
	return x, nil
}

// getParser returns an expression parser at toks[start]; expressions nest
// (a pipe in a call argument), so c keeps a stack of free ones.
func (c *conv) getParser(start int, lex *plexer.PeekingLexer) *parser {
	var p *parser
	if n := len(c.free); n > 0 {
		p = c.free[n-1]
		c.free = c.free[:n-1]
		*p = parser{}
	} else {
		p = &parser{}
	}
	p.src, p.toks, p.i, p.c, p.lex = c.src, c.toks, start, c, lex
	return p
}

func (c *conv) putParser(p *parser) { c.free = append(c.free, p) }

// endsOptional reports whether t may follow an absent optional expression.
func endsOptional(t *token) bool {
	switch {
	case t.Kind == tEOF:
		return true
	case t.Kind == tPunct:
		switch t.Text {
		case ")", "]", "}", ";", ",", "|":
			return true
		}
	}
	return false
}

// sync moves the PeekingLexer to the token at p.i.
func (p *parser) sync() {
	for t := p.lex.Peek(); !t.EOF() && t.Pos.Offset < p.i; t = p.lex.Peek() {
		p.lex.Next()
	}
}

// grammarPipe parses a tabular pipe at p.i: the source by hand unless it
// is a special one (print, range, datatable, union, ...), the operators
// after '|' with the grammar.
func (p *parser) grammarPipe() ast.Expr {
	if t := p.tok(); t.Kind == tIdent && tier1SourceNames[t.Text] || t.Kind == tIdent && specialSources[t.Text] {
		p.sync()
		g, err := kqlPipeParser().ParseFromLexer(p.lex, allowTrailing)
		p.grammarDone(err)
		return p.c.pipe(g)
	}
	src := p.parseExpr()
	if !p.isPunct("|") {
		return src
	}
	p.sync()
	g, err := kqlOpsParser().ParseFromLexer(p.lex, allowTrailing)
	p.grammarDone(err)
	return p.c.ops(src, g)
}

var specialSources = map[string]bool{"print": true, "range": true, "datatable": true, "union": true}

// grammarDone ends a nested grammar parse: on error it unwinds, otherwise
// p.i follows the PeekingLexer.
func (p *parser) grammarDone(err error) {
	if err != nil {
		e, at := p.c.grammarError(err, "")
		panic(exprFail{err: e, at: at})
	}
	p.i = p.lex.Peek().Pos.Offset
}
