package lang

import (
	"fmt"
	"io"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"
)

// Token types of the stream the grammar reads (ptokens builds it from lex's
// tokens).
const (
	ptIdent     plexer.TokenType = iota + 1
	ptTypedName                  // a typed literal with empty content, long(): also a name
	ptTyped                      // datetime(2020-01-01), int(null)
	ptInt
	ptReal
	ptTimeSpan
	ptString
	ptPunct
	ptGlue // elided; sits between two touching name-like tokens
)

// ptokenDef is the participle lexer.Definition of the grammar: lex, then
// ptokens. Parse feeds the grammar through ParseFromLexer; Lex is there so
// the definition is complete.
type ptokenDef struct{}

func (ptokenDef) Symbols() map[string]plexer.TokenType {
	// built on each call: the grammar is built during package initialisation
	return map[string]plexer.TokenType{
		"EOF": plexer.EOF, "Ident": ptIdent, "TypedName": ptTypedName, "Typed": ptTyped, "Int": ptInt,
		"Real": ptReal, "TimeSpan": ptTimeSpan, "String": ptString, "Punct": ptPunct, "Glue": ptGlue,
	}
}

func (ptokenDef) Lex(filename string, r io.Reader) (plexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filename, err)
	}
	toks, errs := lex(string(b))
	if len(errs) > 0 {
		return nil, errs
	}
	return &sliceLexer{toks: ptokens(string(b), toks, 0, len(toks)-1)}, nil
}

// sliceLexer replays a token slice ending with EOF.
type sliceLexer struct {
	toks []plexer.Token
	i    int
}

func (l *sliceLexer) Next() (plexer.Token, error) {
	t := l.toks[l.i]
	if l.i < len(l.toks)-1 {
		l.i++
	}
	return t, nil
}

// negatable are the word operators that take a '!' prefix (!has, !in~).
var negatable = map[string]bool{
	"has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true, "hassuffix": true, "hassuffix_cs": true,
	"contains": true, "contains_cs": true, "startswith": true, "startswith_cs": true, "endswith": true,
	"endswith_cs": true, "in": true, "has_any": true, "between": true,
}

func glueable(t *token) bool {
	switch t.Kind {
	case tIdent:
		return true
	case tTyped:
		return t.Raw == ""
	case tPunct:
		return t.Text == "*" || t.Text == "-" || t.Text == "."
	}
	return false
}

// ptokens converts toks[from:to] into the grammar's tokens, followed by an
// EOF standing for toks[to]. Every token's Pos.Offset is its index in toks
// (a Glue token has the index of the token after it). Fix-ups that need
// adjacency happen here:
//   - '!' touching a negatable word is one token (!has, !in, and !in~);
//   - in touching '~' is the token in~;
//   - after '|', an operator name with hyphens written without spaces
//     (project-away, make-series) is one Ident;
//   - a Glue token separates two touching name-like tokens (identifiers,
//     '*', '-', '.'), so the grammar can demand adjacency (hint.strategy).
func ptokens(src string, toks []token, from, to int) []plexer.Token {
	return appendPtokens(make([]plexer.Token, 0, to-from+1), src, toks, from, to)
}

// appendPtokens is ptokens appending to out.
func appendPtokens(out []plexer.Token, src string, toks []token, from, to int) []plexer.Token {
	mk := func(typ plexer.TokenType, val string, i int) plexer.Token {
		p := toks[i].Pos
		return plexer.Token{Type: typ, Value: val, Pos: plexer.Position{Offset: i, Line: p.Line, Column: p.Col}}
	}
	adj := func(j int) bool { return j < to && !toks[j].Space }
	var prev *token
	for i := from; i < to; i++ {
		t := &toks[i]
		if prev != nil && !t.Space && glueable(prev) && glueable(t) {
			out = append(out, mk(ptGlue, "", i))
		}
		prev = t
		switch t.Kind {
		case tIdent:
			switch {
			case t.Text == "in" && adj(i+1) && toks[i+1].Kind == tPunct && toks[i+1].Text == "~":
				out = append(out, mk(ptPunct, "in~", i))
				i++
				prev = &toks[i]
				continue
			case len(out) > 0 && out[len(out)-1].Type == ptPunct && out[len(out)-1].Value == "|":
				name := t.Text
				j := i
				for adj(j+1) && toks[j+1].Kind == tPunct && toks[j+1].Text == "-" && adj(j+2) && toks[j+2].Kind == tIdent {
					name += "-" + toks[j+2].Text
					j += 2
				}
				out = append(out, mk(ptIdent, name, i))
				i = j
				prev = &toks[i]
				continue
			}
			out = append(out, mk(ptIdent, t.Text, i))
		case tTyped:
			typ := ptTyped
			if t.Raw == "" {
				typ = ptTypedName
			}
			out = append(out, mk(typ, src[t.Pos.Offset:t.End], i))
		case tInt:
			out = append(out, mk(ptInt, t.Text, i))
		case tReal:
			out = append(out, mk(ptReal, t.Text, i))
		case tTimeSpan:
			out = append(out, mk(ptTimeSpan, t.Text, i))
		case tString:
			out = append(out, mk(ptString, src[t.Pos.Offset:t.End], i))
		case tPunct:
			if t.Text == "!" && adj(i+1) && toks[i+1].Kind == tIdent && negatable[toks[i+1].Text] {
				op := "!" + toks[i+1].Text
				n := i + 1
				if op == "!in" && adj(i+2) && toks[i+2].Kind == tPunct && toks[i+2].Text == "~" {
					op, n = "!in~", i+2
				}
				out = append(out, mk(ptPunct, op, i))
				i = n
				prev = &toks[i]
				continue
			}
			out = append(out, mk(ptPunct, t.Text, i))
		default:
			out = append(out, mk(ptPunct, t.Text, i))
		}
	}
	eof := mk(plexer.EOF, "", to)
	return append(out, eof)
}

// abort carries an error out of the grammar from a custom production: msg at
// the token (whose Pos.Offset is its index in lex's tokens); with found set,
// ", found <token>" is appended.
type abort struct {
	tok   plexer.Token
	msg   string
	found bool
}

// gTier1Src matches a tabular source that exists in KQL but is not supported
// yet (search, find, externaldata, evaluate) and stops the parse with that
// message.
type gTier1Src struct{}

var tier1SourceNames = map[string]bool{"externaldata": true, "search": true, "find": true, "evaluate": true}

func (*gTier1Src) Parse(lex *plexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != ptIdent || !tier1SourceNames[t.Value] {
		return participle.NextMatch
	}
	cp := lex.MakeCheckpoint()
	lex.Next()
	n := lex.Peek()
	lex.LoadCheckpoint(cp)
	if n.EOF() || n.Type == ptPunct && (n.Value == "|" || n.Value == ";" || n.Value == "." || n.Value == "=") {
		return participle.NextMatch
	}
	panic(abort{tok: *t, msg: fmt.Sprintf("operator '%s' is not supported yet", t.Value)})
}

// gUnknownOp is the last alternative after '|': a name that is no operator
// prowl runs. It stops the parse with "not supported yet" (KQL operators
// prowl lacks) or "unknown operator" with a suggestion.
type gUnknownOp struct{}

var tier0Ops = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range tier0OpNames {
		m[n] = true
	}
	return m
}()

func (*gUnknownOp) Parse(lex *plexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != ptIdent {
		panic(abort{tok: *t, msg: "expected an operator name after '|'", found: true})
	}
	if tier0Ops[t.Value] {
		return participle.NextMatch
	}
	if tier1Ops[t.Value] {
		panic(abort{tok: *t, msg: fmt.Sprintf("operator '%s' is not supported yet", t.Value)})
	}
	panic(abort{tok: *t, msg: fmt.Sprintf("unknown operator '%s'%s", t.Value, suggest(t.Value, tier0OpNames))})
}
