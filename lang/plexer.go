package lang

import (
	"strconv"
	"strings"
	"unicode/utf8"

	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// kqlLexer is the participle stateful lexer for every lexical form of KQL.
// Rules are tried in order and the first that matches wins, so longer forms
// come before their prefixes. Go's regexp has no look-around, so the few
// context rules are states or small fix-ups in lex:
//   - "AfterDot": right after '.' or '..' a '.' is punctuation, never the
//     start of a number (1..5, a...5);
//   - an integer followed by '.' and then something that is not '.', '[', a
//     letter or a digit is the real "1." (lex merges the two tokens);
//   - h or H directly before a string makes it an obfuscated string (lex
//     merges the name and the string);
//   - a typed literal name followed by raw text in parentheses,
//     datetime(2020-09-02T10:00Z), is one token (see typedLiteral): lex emits
//     it and restarts the participle lexer after the ')'.
//
// The hottest rules (space, Ident, String, Punct) come first; every rule is
// anchored, so a rule that cannot match fails at the first character.
var kqlLexer = plexer.MustStateful(plexer.Rules{
	"Root": {
		{Name: "space", Pattern: `[ \t\r\n\f\v\x{a0}\x{200b}\x{feff}\x{2028}]+`},
		{Name: "Ident", Pattern: `(?:[\p{L}_]|\$[a-zA-Z_])[\p{L}_0-9]*`},
		{Name: "String", Pattern: `'(?:[^'\\\n]|\\[^\n])*'|"(?:[^"\\\n]|\\[^\n])*"`},
		{Name: "comment", Pattern: `//[^\n]*`},
		{Name: "Punct", Pattern: `[()\[\]{},;:|+\-*/%~?]|=[=~>]?|![=~]?|<[=>]?|>=?`},
		{Name: "DotDot", Pattern: `\.\.`, Action: plexer.Push("AfterDot")},
		{Name: "Hex", Pattern: `0[xX][0-9a-fA-F]*`},
		{Name: "Number", Pattern: `(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?[a-zA-Z_]*`},
		{Name: "Dot", Pattern: `\.`, Action: plexer.Push("AfterDot")},
		{Name: "OpenString", Pattern: `(?:'(?:[^'\\\n]|\\[^\n])*|"(?:[^"\\\n]|\\[^\n])*)\\?`},
		{Name: "Verbatim", Pattern: `@(?:'(?:[^'\n]|'')*'?|"(?:[^"\n]|"")*"?)`},
		{Name: "At", Pattern: `@`},
		{Name: "MLString", Pattern: "```(?s:.*?)```"},
		{Name: "MLOpen", Pattern: "```(?s:.*)"},
		{Name: "Bad", Pattern: `(?s:.)`},
	},
	"AfterDot": {
		{Name: "DotDot", Pattern: `\.\.`},
		{Name: "Dot", Pattern: `\.`},
		plexer.Return(),
	},
})

var kqlSym = kqlLexer.Symbols()

var (
	symMLString   = kqlSym["MLString"]
	symMLOpen     = kqlSym["MLOpen"]
	symString     = kqlSym["String"]
	symVerbatim   = kqlSym["Verbatim"]
	symOpenString = kqlSym["OpenString"]
	symIdent      = kqlSym["Ident"]
	symDotDot     = kqlSym["DotDot"]
	symHex        = kqlSym["Hex"]
	symNumber     = kqlSym["Number"]
	symDot        = kqlSym["Dot"]
	symPunct      = kqlSym["Punct"]
	symAt         = kqlSym["At"]
	symBad        = kqlSym["Bad"]
)

// typedLiteralNames are the names whose parenthesised argument is literal text
// rather than an expression: datetime(2020-09-02T10:00Z), guid(...), int(null).
var typedLiteralNames = map[string]bool{
	"datetime": true, "date": true, "timespan": true, "time": true, "guid": true, "uniqueid": true,
	"int": true, "int32": true, "long": true, "int64": true, "real": true, "double": true,
	"bool": true, "boolean": true, "decimal": true,
}

// lexState tracks positions and diagnostics while converting participle
// tokens into the parser's tokens.
type lexState struct {
	src  string
	errs ErrorList
	// line index for error positions inside tokens
	lineStarts []int
}

func (ls *lexState) pos(off int) ast.Pos {
	if ls.lineStarts == nil {
		ls.lineStarts = []int{0}
		for i := 0; i < len(ls.src); i++ {
			if ls.src[i] == '\n' {
				ls.lineStarts = append(ls.lineStarts, i+1)
			}
		}
	}
	lo, hi := 0, len(ls.lineStarts)
	for hi-lo > 1 {
		m := (lo + hi) / 2
		if ls.lineStarts[m] <= off {
			lo = m
		} else {
			hi = m
		}
	}
	return ast.Pos{Offset: off, Line: lo + 1, Col: utf8.RuneCountInString(ls.src[ls.lineStarts[lo]:off]) + 1}
}

func (ls *lexState) errorf(off int, format string, args ...any) {
	if len(ls.errs) >= 20 {
		return
	}
	ls.errs = append(ls.errs, &Error{Pos: ls.pos(off), Msg: sprintf(format, args...)})
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// lex tokenizes src completely with the participle lexer. The last token is
// always tEOF.
func lex(src string) ([]token, ErrorList) {
	ls := &lexState{src: src}
	if !utf8.ValidString(src) {
		off := 0
		for off < len(src) {
			r, n := utf8.DecodeRuneInString(src[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		ls.errorf(off, "the query text is not valid UTF-8 (bad byte 0x%02x)", src[off])
		return []token{{Kind: tEOF, Pos: ls.pos(off), End: off}}, ls.errs
	}
	toks := make([]token, 0, len(src)/4+2)
	// the participle lexer runs over src[base:]; a typed literal restarts it
	// after the literal's ')'
	base, baseLine, baseCol := 0, 1, 1
	lx, _ := kqlLexer.LexString("", src)
	prevEnd := -1
	for {
		pt, err := lx.Next()
		if err != nil {
			// every input matches the Bad rule, so this cannot happen; report it honestly
			ls.errorf(base+pt.Pos.Offset, "%v", err)
			toks = append(toks, token{Kind: tEOF, Pos: ls.pos(len(src)), End: len(src), Space: true})
			break
		}
		start := base + pt.Pos.Offset
		p := ast.Pos{Offset: start, Line: baseLine + pt.Pos.Line - 1, Col: pt.Pos.Column}
		if pt.Pos.Line == 1 {
			p.Col += baseCol - 1
		}
		end := start + len(pt.Value)
		t := token{Pos: p, End: end}
		switch pt.Type {
		case plexer.EOF:
			t.Kind = tEOF
		case symIdent:
			t.Kind, t.Text = tIdent, pt.Value
			if typedLiteralNames[pt.Value] {
				if tt, ok := typedLiteral(src, pt.Value, p, end); ok {
					t = tt
					end = t.End
					// restart the participle lexer after the literal
					base, baseLine, baseCol = end, p.Line, p.Col+utf8.RuneCountInString(src[start:end])
					lx, _ = kqlLexer.LexString("", src[end:])
				}
			}
		case symPunct, symDot, symDotDot, symAt:
			t.Kind, t.Text = tPunct, pt.Value
			if pt.Type == symDot && len(toks) > 0 && start == prevEnd {
				// "1." is a real unless '.', '[', a letter or a digit follows
				last := &toks[len(toks)-1]
				if last.Kind == tInt && allDigits(last.Text) && (end == len(src) || !isDotFollower(src[end])) {
					last.Kind, last.Text, last.End = tReal, last.Text+".", end
					prevEnd = end
					continue
				}
			}
		case symHex:
			t.Kind, t.Text = tInt, pt.Value
			if end < len(src) && isLetter(src[end]) {
				ls.errorf(start, "malformed number %q", src[start:end+1])
			}
		case symNumber:
			t = ls.number(pt.Value, p)
		case symString, symOpenString, symVerbatim:
			// h"..." (an obfuscated string) lexes as the name h and a string
			if len(toks) > 0 && start == prevEnd {
				if last := &toks[len(toks)-1]; last.Kind == tIdent && (last.Text == "h" || last.Text == "H") {
					t.Pos, start = last.Pos, last.Pos.Offset
					toks = toks[:len(toks)-1]
					if len(toks) > 0 {
						prevEnd = toks[len(toks)-1].End
					} else {
						prevEnd = -1
					}
				}
			}
			t.Kind = tString
			if pt.Type == symVerbatim {
				t.Text = ls.verbatimValue(pt.Value, start)
			} else {
				t.Text = ls.stringValue(pt.Value, start, pt.Type == symOpenString)
			}
		case symMLString:
			t.Kind, t.Text = tString, pt.Value[3:len(pt.Value)-3]
		case symMLOpen:
			ls.errorf(start, "unterminated multi-line string (missing closing ```)")
			t.Kind = tString
		case symBad:
			r, _ := utf8.DecodeRuneInString(pt.Value)
			ls.errorf(start, "unexpected character %q", r)
			continue
		default:
			ls.errorf(start, "unexpected token %q", pt.Value)
			continue
		}
		t.Space = start != prevEnd || len(toks) == 0
		prevEnd = end
		toks = append(toks, t)
		if t.Kind == tEOF {
			break
		}
		if len(ls.errs) >= 20 {
			toks = append(toks, token{Kind: tEOF, Pos: ls.pos(end), End: end})
			break
		}
	}
	return toks, ls.errs
}

// typedLiteral reads `name(raw text)` after a typed literal name ending at
// off: the parenthesised text is raw literal text when it holds no nested
// parentheses, commas, pipes, semicolons, brackets, braces or line breaks,
// and quotes only around the whole text (datetime("2020-01-01")). Anything
// else (dynamic(...), int(x + 1)) is left to the parser.
func typedLiteral(src, name string, p ast.Pos, off int) (token, bool) {
	i := off
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i >= len(src) || src[i] != '(' {
		return token{}, false
	}
	j := i + 1
	for j < len(src) && src[j] != ')' {
		switch src[j] {
		case '(', '\n', ',', '|', ';', '[', '{':
			return token{}, false
		}
		j++
	}
	if j >= len(src) {
		return token{}, false
	}
	raw := strings.TrimSpace(src[i+1 : j])
	if n := len(raw); n >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[n-1] == raw[0] {
		raw = raw[1 : n-1]
	} else if strings.ContainsAny(raw, "\"'") {
		return token{}, false
	}
	return token{Kind: tTyped, Text: name, Raw: raw, Pos: p, End: j + 1}, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// isDotFollower reports whether c after "1." makes the '.' punctuation.
func isDotFollower(c byte) bool { return c == '.' || c == '[' || isLetter(c) || isDigit(c) }

// number converts a Number token: an integer, real or timespan literal.
func (ls *lexState) number(s string, p ast.Pos) token {
	start := p.Offset
	end := start + len(s)
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	isReal := strings.IndexByte(s[:i], '.') >= 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			isReal = true
			i = j
		}
	}
	numText := s[:i]
	if i < len(s) {
		unit := s[i:]
		mult, ok := kusto.TimeSpanUnit(unit)
		if !ok || end < len(ls.src) && isDigit(ls.src[end]) {
			ls.errorf(start, "bad timespan literal %q: unknown unit %q (use d, h, m, s, ms, microsecond, tick or their long names)", s, unit)
			return token{Kind: tTimeSpan, Text: s, Pos: p, End: end}
		}
		ns, err := kusto.ScaleDecimal(numText, mult)
		if err != nil {
			ls.errorf(start, "bad timespan literal %q: %v", s, err)
		}
		return token{Kind: tTimeSpan, Text: s, Num: ns, Pos: p, End: end}
	}
	if isReal {
		return token{Kind: tReal, Text: numText, Pos: p, End: end}
	}
	return token{Kind: tInt, Text: numText, Pos: p, End: end}
}

// verbatimValue decodes a verbatim string token (h@"..." or @'...') at offset
// start: backslashes are literal and a doubled quote is one quote. The token
// runs to the closing quote, or to a line end or the end of text (then it is
// reported unterminated).
func (ls *lexState) verbatimValue(v string, start int) string {
	i := strings.IndexByte(v, '@') + 1
	q := v[i]
	body := v[i+1:]
	closed := false
	var b []byte
	for k := 0; k < len(body); k++ {
		if body[k] != q {
			continue
		}
		if k+1 < len(body) && body[k+1] == q {
			b = append(b, body[:k+1]...)
			body = body[k+2:]
			k = -1
			continue
		}
		// the token ends at its closing quote
		body, closed = body[:k], true
		break
	}
	if !closed {
		ls.errorf(start, "unterminated string literal")
	}
	if b == nil {
		return body
	}
	return string(append(b, body...))
}

// stringValue decodes a quoted string token (with its h prefix) at offset
// start. Open strings ran into a line end or the end of text.
func (ls *lexState) stringValue(v string, start int, open bool) string {
	i := 0
	if v[i] == 'h' || v[i] == 'H' {
		i++
	}
	i++ // the opening quote
	body := v[i:]
	if !open {
		body = body[:len(body)-1]
	} else {
		defer ls.errorf(start, "unterminated string literal")
	}
	base := start + i
	if strings.IndexByte(body, '\\') < 0 {
		return body
	}
	var b []byte
	from := 0
	for k := 0; k < len(body); {
		if body[k] != '\\' {
			k++
			continue
		}
		b = append(b, body[from:k]...)
		if k+1 >= len(body) {
			// a trailing backslash of an open string
			k++
			from = k
			continue
		}
		e := body[k+1]
		k += 2
		switch e {
		case 'n':
			b = append(b, '\n')
		case 't':
			b = append(b, '\t')
		case 'r':
			b = append(b, '\r')
		case '0':
			b = append(b, 0)
		case 'a':
			b = append(b, 7)
		case 'b':
			b = append(b, 8)
		case 'f':
			b = append(b, 12)
		case 'v':
			b = append(b, 11)
		case '\\', '\'', '"':
			b = append(b, e)
		case 'u':
			if k+4 <= len(body) {
				if r, err := strconv.ParseUint(body[k:k+4], 16, 32); err == nil {
					b = utf8.AppendRune(b, rune(r))
					k += 4
					break
				}
			}
			ls.errorf(base+k-2, "bad \\u escape in string literal")
		case 'x':
			if k+2 <= len(body) {
				if r, err := strconv.ParseUint(body[k:k+2], 16, 8); err == nil {
					b = append(b, byte(r))
					k += 2
					break
				}
			}
			ls.errorf(base+k-2, "bad \\x escape in string literal")
		default:
			ls.errorf(base+k-2, "unknown escape sequence \\%c in string literal (use a verbatim string @\"...\" for backslashes)", e)
		}
		from = k
	}
	return string(append(b, body[from:]...))
}
