package lang

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/prowl-hunt/prowl/lang/ast"
)

// maxNesting bounds how deeply brackets may nest, so that pathological input
// cannot exhaust the stack of the recursive grammar.
const maxNesting = 100

// Parse parses a KQL script (or a control command starting with '.') into a
// syntax tree. On failure it returns an ErrorList with every error found; the
// parser recovers at statement boundaries (';'), so several statements can each
// report an error.
func Parse(src string) (*ast.Script, error) {
	toks, lerrs := lex(src)
	if len(lerrs) > 0 {
		return nil, lerrs
	}
	if e := checkNesting(toks); e != nil {
		return nil, ErrorList{e}
	}
	c := &conv{src: src, toks: toks}
	if toks[0].Kind == tPunct && toks[0].Text == "." {
		cmd, err := c.parseCommand()
		if err != nil {
			return nil, ErrorList{err}
		}
		return &ast.Script{Command: cmd}, nil
	}
	s := &ast.Script{}
	var errs ErrorList
	for i := 0; ; {
		for toks[i].Kind == tPunct && toks[i].Text == ";" {
			i++
		}
		if toks[i].Kind == tEOF {
			break
		}
		end := skipStatement(toks, i)
		st, err, at := c.parseStmt(i, end)
		if err != nil {
			errs = append(errs, err)
			if at <= i {
				at = i + 1
			}
			i = skipStatement(toks, at)
			continue
		}
		s.Stmts = append(s.Stmts, st)
		i = end
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(s.Stmts) == 0 {
		return nil, ErrorList{{Pos: toks[len(toks)-1].Pos, Msg: "empty query"}}
	}
	return s, nil
}

// ParseExpr parses a single scalar expression (used for parameter defaults and
// by tools).
func ParseExpr(src string) (ast.Expr, error) {
	toks, lerrs := lex(src)
	if len(lerrs) > 0 {
		return nil, lerrs
	}
	if e := checkNesting(toks); e != nil {
		return nil, ErrorList{e}
	}
	c := &conv{src: src, toks: toks}
	var x ast.Expr
	err, _ := c.run(0, len(toks)-1, "after expression", func(pl *plexer.PeekingLexer) error {
		var err error
		if x, err = runScalar(pl, (*parser).parseExpr); err != nil {
			return &participle.UnexpectedTokenError{Unexpected: *pl.Peek(), Expect: "gExpr"}
		}
		if t := pl.Peek(); !t.EOF() {
			return &participle.UnexpectedTokenError{Unexpected: *t}
		}
		return nil
	})
	if err != nil {
		return nil, ErrorList{err}
	}
	return x, nil
}

// checkNesting reports brackets nested deeper than maxNesting.
func checkNesting(toks []token) *Error {
	depth := 0
	for i := range toks {
		t := &toks[i]
		if t.Kind != tPunct {
			continue
		}
		switch t.Text {
		case "(", "[", "{":
			depth++
			if depth > maxNesting {
				return &Error{Pos: t.Pos, Msg: "query nests too deeply"}
			}
		case ")", "]", "}":
			depth--
		}
	}
	return nil
}

// skipStatement returns the index of the ';' that ends the statement at i
// (or of the EOF), keeping nesting of brackets so a ';' inside a function
// body does not end it.
func skipStatement(toks []token, i int) int {
	depth := 0
	for ; toks[i].Kind != tEOF; i++ {
		t := &toks[i]
		if t.Kind != tPunct {
			continue
		}
		switch t.Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ";":
			if depth <= 0 {
				return i
			}
		}
	}
	return i
}

// parseStmt parses toks[from:to] as one statement. On failure it returns the
// error and the index of the token where it happened.
func (c *conv) parseStmt(from, to int) (ast.Stmt, *Error, int) {
	t, n := &c.toks[from], &c.toks[from+1]
	if t.Kind == tIdent {
		switch t.Text {
		case "let":
			if n.Kind != tIdent && !(n.Kind == tPunct && (n.Text == "[" || n.Text == "|" || n.Text == ";")) && n.Kind != tEOF {
				return nil, &Error{Pos: n.Pos, Msg: "expected a name after 'let', found " + desc(n)}, from + 1
			}
		case "alias", "pattern", "restrict":
			if n.Kind == tIdent {
				return nil, &Error{Pos: t.Pos, Msg: fmt.Sprintf("statement '%s' is not supported yet", t.Text)}, from
			}
		}
	}
	var st ast.Stmt
	err, at := c.run(from, to, "; expected ';', '|' or end of query", func(pl *plexer.PeekingLexer) error {
		g, err := kqlParser.ParseFromLexer(pl)
		if err != nil {
			return err
		}
		st = c.stmt(g)
		return nil
	})
	if err != nil && at == from && strings.HasPrefix(err.Msg, "unexpected ") {
		// nothing of a statement matched: it starts with an expression
		err.Msg = "expected an expression, found " + desc(&c.toks[from])
	}
	return st, err, at
}

// parseCommand parses the whole text as a control command.
func (c *conv) parseCommand() (*ast.Command, *Error) {
	// a ';' may only end the command
	for i := range c.toks {
		if t := &c.toks[i]; t.Kind == tPunct && t.Text == ";" && c.toks[i+1].Kind != tEOF {
			return nil, &Error{Pos: c.toks[i+1].Pos, Msg: "a control command must be alone in the query text"}
		}
	}
	var cmd *ast.Command
	err, _ := c.run(0, len(c.toks)-1, " in control command", func(pl *plexer.PeekingLexer) error {
		g, err := kqlCommandParser().ParseFromLexer(pl)
		if err != nil {
			return err
		}
		cmd = c.command(g)
		return nil
	})
	return cmd, err
}

// run parses toks[from:to] with parse, turning grammar errors, aborts from
// custom productions and converter failures into one Error and the index of
// the token where it happened. trailing completes "unexpected X" when input
// is left over.
func (c *conv) run(from, to int, trailing string, parse func(*plexer.PeekingLexer) error) (e *Error, at int) {
	defer func() {
		if r := recover(); r != nil {
			switch v := r.(type) {
			case abort:
				at = v.tok.Pos.Offset
				msg := v.msg
				if v.found {
					msg += ", found " + c.pdesc(v.tok)
				}
				e = &Error{Pos: c.toks[at].Pos, Msg: msg}
			case convFail:
				e, at = v.err, to
			case exprFail:
				e, at = v.err, v.at
			default:
				panic(r)
			}
		}
	}()
	// Upgrade copies the tokens, so one buffer serves every statement
	c.ptoks = appendPtokens(c.ptoks[:0], c.src, c.toks, from, to)
	pl, err := plexer.Upgrade(&sliceLexer{toks: c.ptoks}, ptGlue)
	if err != nil {
		return &Error{Pos: c.toks[from].Pos, Msg: err.Error()}, from
	}
	defer c.register(pl)()
	if err := parse(pl); err != nil {
		return c.grammarError(err, trailing)
	}
	return nil, 0
}

// grammarError turns a participle error into our message: "expected X,
// found Y" at the offending token, or "unexpected Y..." for left-over input.
func (c *conv) grammarError(err error, trailing string) (*Error, int) {
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		t := ute.Unexpected
		at := t.Pos.Offset
		pos := c.toks[at].Pos
		expect := ute.Expect
		if expect == "" {
			// the message carries the expected node when there is one
			if m := ute.Message(); strings.HasSuffix(m, ")") {
				if i := strings.LastIndex(m, " (expected "); i >= 0 {
					expect = m[i+len(" (expected ") : len(m)-1]
				}
			}
		}
		if expect == "" {
			if strings.HasPrefix(trailing, ";") || strings.HasPrefix(trailing, " in") {
				return &Error{Pos: pos, Msg: "unexpected " + c.pdesc(t) + trailing}, at
			}
			return &Error{Pos: pos, Msg: "unexpected " + c.pdesc(t) + " " + trailing}, at
		}
		return &Error{Pos: pos, Msg: "expected " + c.expected(expect, at) + ", found " + c.pdesc(t)}, at
	}
	var pe participle.Error
	if errors.As(err, &pe) {
		at := pe.Position().Offset
		if at < 0 || at >= len(c.toks) {
			at = 0
		}
		return &Error{Pos: c.toks[at].Pos, Msg: pe.Message()}, at
	}
	return &Error{Pos: c.toks[0].Pos, Msg: err.Error()}, 0
}

// productionPhrases name grammar productions in messages (participle
// capitalises struct productions; custom productions keep their type name).
var productionPhrases = map[string]string{
	"gExpr": "an expression", "gOperand": "an expression", "gPostfix": "an expression", "gNamed": "an expression",
	"GPipe": "an expression", "GSortKey": "an expression", "GSource": "an expression", "GMvItem": "an expression",
	"GStmt": "a statement", "gName": "a name", "GOptName": "an option name", "GProperty": "an option (name=value)",
	"GType":    "a type name (bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic)",
	"GPattern": "a column name", "GCol": "a column name", "GParam": "a parameter name",
	"GRenamePair": "New = Old", "GUnionLeg": "a table", "GJoinRight": "the right side of the join",
	"gOp": "an operator name",
}

// expected phrases what the grammar expected at token index at, from the
// EBNF participle reports (its first element).
func (c *conv) expected(ebnf string, at int) string {
	first := firstEBNF(ebnf)
	alts := splitAlternatives(first)
	var parts []string
	for _, a := range alts {
		a = strings.TrimSpace(a)
		switch {
		case strings.Contains(a, "ahead["):
			// a predicated alternative (function definition) that did not apply
		case strings.HasPrefix(a, `"`):
			lit := strings.Trim(a, `"`)
			parts = append(parts, "'"+lit+"'"+c.context(lit, at))
		case strings.HasPrefix(a, "<"):
			parts = append(parts, tokenPhrase(strings.Trim(a, "<>")))
		default:
			name := strings.TrimRight(a, "?*+!")
			if p, ok := productionPhrases[name]; ok {
				parts = append(parts, p)
			} else {
				parts = append(parts, name)
			}
		}
	}
	switch len(parts) {
	case 0:
		return ebnf
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

func tokenPhrase(name string) string {
	switch name {
	case "ident":
		return "a name"
	case "string":
		return "a string literal"
	case "int", "real":
		return "a number"
	case "eof":
		return "end of query"
	}
	return "a " + name
}

// firstEBNF returns the first element of an EBNF sequence.
func firstEBNF(s string) string {
	return splitEBNF(strings.TrimSpace(s), ' ')[0]
}

// splitAlternatives splits `("a" | "b")` into its alternatives (only at the
// top level of a single group).
func splitAlternatives(s string) []string {
	end := strings.LastIndexByte(s, ')')
	if !strings.HasPrefix(s, "(") || end < 0 {
		return []string{s}
	}
	alts := splitEBNF(s[1:end], '|')
	for i, a := range alts {
		alts[i] = firstEBNF(a)
	}
	return alts
}

// splitEBNF splits EBNF text at sep where it stands outside quotes and
// parentheses.
func splitEBNF(s string, sep byte) []string {
	var out []string
	depth, inQ, last := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '"':
			inQ = !inQ
		case inQ:
		case ch == '(':
			depth++
		case ch == ')':
			depth--
		case ch == sep && depth == 0:
			out = append(out, s[last:i])
			last = i + 1
		}
	}
	return append(out, s[last:])
}

// context says where an expected closing bracket or keyword belongs: the
// bracket it closes, or the operator it is part of.
func (c *conv) context(lit string, at int) string {
	switch lit {
	case ")", "]", "}":
		open := map[string]string{")": "(", "]": "[", "}": "{"}[lit]
		depth := 0
		for i := at - 1; i >= 0; i-- {
			t := &c.toks[i]
			if t.Kind != tPunct {
				continue
			}
			switch t.Text {
			case ")", "]", "}":
				depth++
			case "(", "[", "{":
				if depth > 0 {
					depth--
					continue
				}
				if t.Text != open {
					return ""
				}
				return c.closes(i)
			}
		}
		return ""
	case "by", "on", "with", "from", "to", "step", "=", "..":
		// the operator (or statement) the keyword belongs to
		depth := 0
		for i := at - 1; i >= 0; i-- {
			t := &c.toks[i]
			if t.Kind == tPunct {
				switch t.Text {
				case ")", "]", "}":
					depth++
				case "(", "[", "{":
					depth--
				case "|", ";":
					if depth <= 0 && i+1 < at && c.toks[i+1].Kind == tIdent {
						return c.opContext(i+1, at)
					}
					if depth <= 0 {
						return ""
					}
				}
			}
			if i == 0 && depth <= 0 && t.Kind == tIdent {
				return c.opContext(0, at)
			}
		}
	}
	return ""
}

func (c *conv) opContext(i, at int) string {
	name := c.toks[i].Text
	// hyphenated names are one operator (project-rename)
	j := i
	for j+2 < at && c.toks[j+1].Kind == tPunct && c.toks[j+1].Text == "-" && !c.toks[j+1].Space && !c.toks[j+2].Space {
		name += "-" + c.toks[j+2].Text
		j += 2
	}
	if j+1 == at {
		return " after '" + name + "'"
	}
	return " in " + name
}

// closes describes what the bracket at toks[i] opened.
func (c *conv) closes(i int) string {
	t := &c.toks[i]
	if t.Text == "(" && c.opensJoinRight(i) {
		return " to close the right side of the join"
	}
	if i > 0 {
		p := &c.toks[i-1]
		if p.Kind == tIdent {
			switch p.Text {
			case "in", "has_any", "has_all":
				return " to close the list"
			case "between":
				return " to close the range"
			case "dynamic":
				return " to close dynamic(...)"
			case "datatable":
				return " to close the datatable columns"
			case "typeof":
				return " to close typeof"
			case "with":
				return " to close the with (...) properties"
			}
			if !p.Space || !t.Space {
				if t.Text == "(" && !t.Space {
					return " to close the call of " + p.Text
				}
			}
		}
		if p.Kind == tPunct && (p.Text == "in~" || p.Text == "~") {
			return " to close the list"
		}
	}
	switch t.Text {
	case "(":
		return " to close the parenthesis"
	case "[":
		return fmt.Sprintf(" to close the '[' at %d:%d", t.Pos.Line, t.Pos.Col)
	}
	return fmt.Sprintf(" to close the '{' at %d:%d", t.Pos.Line, t.Pos.Col)
}

// opensJoinRight reports whether the '(' at toks[i] opens the right side of a
// join or lookup: it follows the operator name and its name=value options.
func (c *conv) opensJoinRight(i int) bool {
	j := i - 1
	for j >= 2 && c.toks[j-1].Kind == tPunct && c.toks[j-1].Text == "=" {
		j -= 2 // the value and '='
		for j >= 2 && c.toks[j-1].Kind == tPunct && c.toks[j-1].Text == "." {
			j -= 2 // a dotted option name: hint.strategy
		}
		j--
	}
	if j < 1 || c.toks[j].Kind != tIdent || c.toks[j].Text != "join" && c.toks[j].Text != "lookup" {
		return false
	}
	p := &c.toks[j-1]
	return p.Kind == tPunct && p.Text == "|"
}
