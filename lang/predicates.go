package lang

import (
	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"
)

// Lookahead predicates of the grammar. The parser commits to a branch as
// soon as it has consumed a token (lookahead 0), which keeps error messages
// at the exact token where input went wrong; where KQL needs to look further
// to choose a branch, a predicate field (`@@` of type ahead[P]) looks at the
// coming tokens without consuming them and matches nothing or fails to match.
// Unlike participle's (?= ...) groups, a failing predicate is "no match",
// not an error, so it never hides the real error of a statement.

// lookSpec is one predicate: match reports whether the coming tokens fit.
type lookSpec interface{ match(l look) bool }

// ahead is a grammar element matching the empty input when S matches.
type ahead[S lookSpec] struct{}

func (*ahead[S]) Parse(lex *plexer.PeekingLexer) error {
	var s S
	cp := lex.MakeCheckpoint()
	ok := s.match(look{lex: lex})
	lex.LoadCheckpoint(cp)
	if !ok {
		return participle.NextMatch
	}
	return nil
}

// look walks the coming tokens of a PeekingLexer.
type look struct{ lex *plexer.PeekingLexer }

func (l look) peek() *plexer.Token { return l.lex.Peek() }

// is consumes the next token if it is one of the punctuation or words vals.
func (l look) is(vals ...string) bool {
	t := l.lex.Peek()
	if t.Type != ptPunct && t.Type != ptIdent {
		return false
	}
	for _, v := range vals {
		if t.Value == v {
			l.lex.Next()
			return true
		}
	}
	return false
}

// typ consumes the next token if it has one of the types.
func (l look) typ(types ...plexer.TokenType) bool {
	t := l.lex.Peek()
	for _, ty := range types {
		if t.Type == ty {
			l.lex.Next()
			return true
		}
	}
	return false
}

// glue reports whether the next token touches the one just consumed.
func (l look) glue() bool { return l.lex.RawPeek().Type == ptGlue }

func (l look) eof() bool { return l.lex.Peek().EOF() }

// quotedName consumes ['name'].
func (l look) quotedName() bool { return l.is("[") && l.typ(ptString) && l.is("]") }

type (
	pLet       struct{}
	pFuncDef   struct{}
	pView      struct{}
	pDeclare   struct{}
	pSet       struct{}
	pWith      struct{}
	pIdentEq   struct{}
	pWord      struct{}
	pPrint     struct{}
	pRange     struct{}
	pDataTable struct{}
	pUnionSrc  struct{}
	pUnionOpt  struct{}
	pWild      struct{}
	pJoinOpt   struct{}
	pHint      struct{}
	pMvOpt     struct{}
	pParseOpt  struct{}
	pNotOn     struct{}
	pNotBy     struct{}
	pSerialize struct{}
	pSemiStmt  struct{}
	pCommaMore struct{}
)

// pSource: a word that may start a special tabular source.
type pSource struct{}

func (pSource) match(l look) bool {
	return l.is("print", "range", "datatable", "union", "externaldata", "search", "find", "evaluate")
}

func (pLet) match(l look) bool { return l.is("let") && (l.typ(ptIdent, ptTypedName) || l.is("[")) }

// pFuncDef: `(` starting a function definition: `() {` or `(name:`.
func (pFuncDef) match(l look) bool {
	if !l.is("(") {
		return false
	}
	if l.is(")") {
		return l.is("{")
	}
	return (l.typ(ptIdent, ptTypedName) || l.quotedName()) && l.is(":")
}

func (pView) match(l look) bool    { return l.is("view") && l.is("(") }
func (pDeclare) match(l look) bool { return l.is("declare") && l.is("query_parameters") }
func (pSet) match(l look) bool     { return l.is("set") && l.typ(ptIdent) }
func (pWith) match(l look) bool    { return l.is("with") && l.is("(") }
func (pIdentEq) match(l look) bool { return l.typ(ptIdent) && l.is("=") }

// pWord: a bare word as an option value (kind=inner), not dynamic(...).
func (pWord) match(l look) bool { return l.peek().Value != "dynamic" && l.typ(ptIdent) }

func (pPrint) match(l look) bool {
	return l.is("print") && !l.is("|", ";", "=", ".")
}

func (pRange) match(l look) bool     { return l.is("range") && l.typ(ptIdent) && l.is("from") }
func (pDataTable) match(l look) bool { return l.is("datatable") && l.is("(") }

func (pUnionSrc) match(l look) bool {
	return l.is("union") && !l.eof() && !l.is("|", ";", ".")
}

func (pUnionOpt) match(l look) bool { return l.typ(ptIdent) && l.is("=", ".") }

// pWild: a wildcard table name (Device*, *Events).
func (pWild) match(l look) bool { return l.is("*") || l.typ(ptIdent) && l.glue() && l.is("*") }

func (pJoinOpt) match(l look) bool {
	if l.is("kind") {
		return l.is("=")
	}
	return pHint{}.match(l)
}

func (pHint) match(l look) bool { return l.is("hint") && l.glue() && l.is(".") }

func (pMvOpt) match(l look) bool {
	return l.is("bagexpansion", "with_itemindex", "kind") && l.is("=")
}

func (pParseOpt) match(l look) bool { return l.is("kind", "flags") && l.is("=") }
func (pNotOn) match(l look) bool    { return !l.is("on") }
func (pNotBy) match(l look) bool    { return !l.is("by") }

func (pSerialize) match(l look) bool { return !l.eof() && !l.is("|", ";", ")") }

// pSemiStmt: ';' separating two statements of a function body.
func (pSemiStmt) match(l look) bool {
	if !l.is(";") {
		return false
	}
	for l.is(";") {
	}
	return !l.is("}")
}

// pCommaMore: ',' followed by another item (not a trailing comma).
func (pCommaMore) match(l look) bool { return l.is(",") && !l.is("]", "}", ")") }

// ---- names ----

// Parse reads an identifier (or TypedName) or a quoted ['name'].
func (n *gName) Parse(lex *plexer.PeekingLexer) error {
	t := lex.Peek()
	switch t.Type {
	case ptIdent, ptTypedName:
		n.Pos, n.Tok = t.Pos, *t
		lex.Next()
		return nil
	case ptPunct:
		if t.Value != "[" {
			break
		}
		cp := lex.MakeCheckpoint()
		lex.Next()
		if s := lex.Peek(); s.Type == ptString {
			lex.Next()
			if e := lex.Peek(); e.Type == ptPunct && e.Value == "]" {
				lex.Next()
				n.Pos, n.Tok = t.Pos, *s
				return nil
			}
		}
		lex.LoadCheckpoint(cp)
	}
	return participle.NextMatch
}
