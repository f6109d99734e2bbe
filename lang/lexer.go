package lang

import "github.com/prowl-hunt/prowl/lang/ast"

// tokKind classifies a token.
type tokKind uint8

const (
	tEOF      tokKind = iota
	tIdent            // name, keyword, $left
	tInt              // integer literal (Text as written)
	tReal             // real literal (Text as written)
	tString           // string literal; Text is the decoded value
	tTimeSpan         // timespan literal; Num is nanoseconds
	tTyped            // typed literal such as datetime(2020-01-01): Text is the type name, Raw the content
	tPunct            // operator or punctuation; Text is its spelling
	tBad              // a character that starts no token (reported, then skipped)
)

// token is one lexeme. End is the byte offset just past it; Space tells whether
// whitespace or a comment preceded it (hyphenated names and `!has` need
// adjacency).
type token struct {
	Kind  tokKind
	Text  string
	Raw   string
	Num   int64
	Pos   ast.Pos
	End   int
	Space bool
}
