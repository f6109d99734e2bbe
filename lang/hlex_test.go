package lang

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/prowl-hunt/prowl/lang/ast"
)

// hlexer turns query text into tokens. It is hand-written: KQL's lexical forms
// (timespan suffixes, verbatim and obfuscated strings, raw typed literals) are
// simpler to get exactly right this way, and it is allocation-light.
type hlexer struct {
	src       string
	off       int
	line      int
	lineStart int
	colOff    int // offset and 0-based column of the last position computed
	col       int
	errs      ErrorList
}

func (lx *hlexer) pos(off int) ast.Pos {
	if off < lx.lineStart {
		// an error reported for an earlier line: count from the start
		line, start := 1, 0
		for i := 0; i < off; i++ {
			if lx.src[i] == '\n' {
				line, start = line+1, i+1
			}
		}
		return ast.Pos{Offset: off, Line: line, Col: utf8.RuneCountInString(lx.src[start:off]) + 1}
	}
	// columns count runes; continue from the last position asked for on
	// this line so long lines stay linear
	if lx.colOff < lx.lineStart || off < lx.colOff {
		lx.colOff, lx.col = lx.lineStart, 0
	}
	seg := lx.src[lx.colOff:off]
	n := len(seg)
	for i := 0; i < len(seg); i++ {
		if seg[i] >= utf8.RuneSelf {
			n = utf8.RuneCountInString(seg)
			break
		}
	}
	lx.colOff, lx.col = off, lx.col+n
	return ast.Pos{Offset: off, Line: lx.line, Col: lx.col + 1}
}

func (lx *hlexer) errorf(off int, format string, args ...any) {
	if len(lx.errs) >= 20 {
		return
	}
	lx.errs = append(lx.errs, &Error{Pos: lx.pos(off), Msg: sprintf(format, args...)})
}

// newline records a line break at offset off (the '\n').
func (lx *hlexer) newline(off int) {
	lx.line++
	lx.lineStart = off + 1
}

// skipSpace skips white space and // comments and reports whether it skipped any.
func (lx *hlexer) skipSpace() bool {
	start := lx.off
	for lx.off < len(lx.src) {
		c := lx.src[lx.off]
		switch {
		case c == '\n':
			lx.newline(lx.off)
			lx.off++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			lx.off++
		case c == '/' && lx.off+1 < len(lx.src) && lx.src[lx.off+1] == '/':
			for lx.off < len(lx.src) && lx.src[lx.off] != '\n' {
				lx.off++
			}
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(lx.src[lx.off:])
			if r == '\u00a0' || r == '\u200b' || r == '\ufeff' || r == '\u2028' {
				lx.off += n
				continue
			}
			return lx.off > start
		default:
			return lx.off > start
		}
	}
	return lx.off > start
}

// lex tokenizes src completely. The last token is always tEOF.
func hlex(src string) ([]token, ErrorList) {
	lx := &hlexer{src: src, line: 1}
	if !utf8.ValidString(src) {
		off := 0
		for off < len(src) {
			r, n := utf8.DecodeRuneInString(src[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		lx.countLines(0, off)
		lx.errorf(off, "the query text is not valid UTF-8 (bad byte 0x%02x)", src[off])
		return []token{{Kind: tEOF, Pos: lx.pos(off), End: off}}, lx.errs
	}
	toks := make([]token, 0, len(src)/4+2)
	pendingSpace := false
	for {
		sp := lx.skipSpace()
		t := lx.next()
		if t.Kind == tBad {
			pendingSpace = true
			continue
		}
		t.Space = sp || pendingSpace || len(toks) == 0
		pendingSpace = false
		toks = append(toks, t)
		if t.Kind == tEOF {
			break
		}
		if len(lx.errs) >= 20 {
			toks = append(toks, token{Kind: tEOF, Pos: lx.pos(lx.off), End: lx.off})
			break
		}
	}
	return toks, lx.errs
}


func (lx *hlexer) peekByte(k int) byte {
	if lx.off+k < len(lx.src) {
		return lx.src[lx.off+k]
	}
	return 0
}

// next scans one token starting at lx.off (space already skipped).
func (lx *hlexer) next() token {
	start := lx.off
	p := lx.pos(start)
	if lx.off >= len(lx.src) {
		return token{Kind: tEOF, Pos: p, End: start}
	}
	c := lx.src[lx.off]
	mk := func(k tokKind, text string) token {
		return token{Kind: k, Text: text, Pos: p, End: lx.off}
	}
	switch {
	case c == '`' && strings.HasPrefix(lx.src[lx.off:], "```"):
		lx.off += 3
		end := strings.Index(lx.src[lx.off:], "```")
		if end < 0 {
			lx.errorf(start, "unterminated multi-line string (missing closing ```)")
			lx.countLines(lx.off, len(lx.src))
			lx.off = len(lx.src)
			return mk(tString, "")
		}
		s := lx.src[lx.off : lx.off+end]
		lx.countLines(lx.off, lx.off+end)
		lx.off += end + 3
		return mk(tString, s)
	case c == '\'' || c == '"':
		return mk(tString, lx.quoted(start, false))
	case c == '@' && (lx.peekByte(1) == '\'' || lx.peekByte(1) == '"'):
		lx.off++
		return mk(tString, lx.quoted(start, true))
	case (c == 'h' || c == 'H') && (lx.peekByte(1) == '\'' || lx.peekByte(1) == '"'):
		lx.off++
		return mk(tString, lx.quoted(start, false))
	case (c == 'h' || c == 'H') && lx.peekByte(1) == '@' && (lx.peekByte(2) == '\'' || lx.peekByte(2) == '"'):
		lx.off += 2
		return mk(tString, lx.quoted(start, true))
	case isLetter(c) || c == '$' && isLetter(lx.peekByte(1)) || c >= utf8.RuneSelf && lx.unicodeLetter():
		_, n := utf8.DecodeRuneInString(lx.src[lx.off:])
		lx.off += n
		for lx.off < len(lx.src) {
			if b := lx.src[lx.off]; isLetter(b) || isDigit(b) {
				lx.off++
			} else if b >= utf8.RuneSelf && lx.unicodeLetter() {
				_, n := utf8.DecodeRuneInString(lx.src[lx.off:])
				lx.off += n
			} else {
				break
			}
		}
		name := lx.src[start:lx.off]
		if typedLiteralNames[name] {
			if t, ok := lx.typedLiteral(name, p, start); ok {
				return t
			}
		}
		return mk(tIdent, name)
	case isDigit(c) || c == '.' && isDigit(lx.peekByte(1)) && (start == 0 || lx.src[start-1] != '.'):
		return lx.hnumber(start, p)
	case c >= utf8.RuneSelf:
		r, n := utf8.DecodeRuneInString(lx.src[lx.off:])
		lx.off += n
		lx.errorf(start, "unexpected character %q", r)
		return token{Kind: tBad}
	}
	// punctuation: longest match first
	two := ""
	if lx.off+1 < len(lx.src) {
		two = lx.src[lx.off : lx.off+2]
	}
	switch two {
	case "==", "!=", "=~", "!~", "<=", ">=", "..", "<>", "=>":
		lx.off += 2
		return mk(tPunct, two)
	}
	switch c {
	case '(', ')', '[', ']', '{', '}', ',', ';', ':', '.', '|', '=', '<', '>', '+', '-', '*', '/', '%', '!', '~', '?', '@':
		lx.off++
		return mk(tPunct, string(c))
	}
	lx.off++
	lx.errorf(start, "unexpected character %q", rune(c))
	return token{Kind: tBad}
}

// unicodeLetter reports whether a non-ASCII letter starts at lx.off
// (identifiers may contain them).
func (lx *hlexer) unicodeLetter() bool {
	r, _ := utf8.DecodeRuneInString(lx.src[lx.off:])
	return unicode.IsLetter(r)
}

func (lx *hlexer) countLines(from, to int) {
	for i := from; i < to; i++ {
		if lx.src[i] == '\n' {
			lx.newline(i)
		}
	}
}

// quoted scans a quoted string whose opening quote is at lx.off. Verbatim
// strings take backslashes literally and escape the quote by doubling it.
func (lx *hlexer) quoted(start int, verbatim bool) string {
	q := lx.src[lx.off]
	lx.off++
	var b []byte
	from := lx.off
	for {
		if lx.off >= len(lx.src) || lx.src[lx.off] == '\n' {
			lx.errorf(start, "unterminated string literal")
			if b == nil {
				return lx.src[from:lx.off]
			}
			return string(b) + lx.src[from:lx.off]
		}
		c := lx.src[lx.off]
		if c == q {
			if verbatim && lx.peekByte(1) == q {
				b = append(b, lx.src[from:lx.off+1]...)
				lx.off += 2
				from = lx.off
				continue
			}
			var s string
			if b == nil {
				s = lx.src[from:lx.off]
			} else {
				s = string(append(b, lx.src[from:lx.off]...))
			}
			lx.off++
			return s
		}
		if c == '\\' && !verbatim {
			b = append(b, lx.src[from:lx.off]...)
			if lx.off+1 >= len(lx.src) {
				lx.off++
				from = lx.off
				continue
			}
			e := lx.src[lx.off+1]
			lx.off += 2
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
				if lx.off+4 <= len(lx.src) {
					if v, err := strconv.ParseUint(lx.src[lx.off:lx.off+4], 16, 32); err == nil {
						b = utf8.AppendRune(b, rune(v))
						lx.off += 4
						break
					}
				}
				lx.errorf(lx.off-2, "bad \\u escape in string literal")
			case 'x':
				if lx.off+2 <= len(lx.src) {
					if v, err := strconv.ParseUint(lx.src[lx.off:lx.off+2], 16, 8); err == nil {
						b = append(b, byte(v))
						lx.off += 2
						break
					}
				}
				lx.errorf(lx.off-2, "bad \\x escape in string literal")
			case '\n':
				// a string cannot continue on the next line
				lx.errorf(start, "unterminated string literal")
				lx.off--
				return string(b)
			default:
				lx.errorf(lx.off-2, "unknown escape sequence \\%c in string literal (use a verbatim string @\"...\" for backslashes)", e)
			}
			from = lx.off
			continue
		}
		lx.off++
	}
}

// typedLiteral scans `name(raw text)` for the typed literal names, leaving
// dynamic(...) and anything with nested parentheses to the parser.
func (lx *hlexer) typedLiteral(name string, p ast.Pos, start int) (token, bool) {
	i := lx.off
	for i < len(lx.src) && (lx.src[i] == ' ' || lx.src[i] == '\t') {
		i++
	}
	if i >= len(lx.src) || lx.src[i] != '(' {
		return token{}, false
	}
	j := i + 1
	for j < len(lx.src) && lx.src[j] != ')' {
		switch lx.src[j] {
		case '(', '\n', ',', '|', ';', '[', '{':
			return token{}, false
		}
		j++
	}
	if j >= len(lx.src) {
		return token{}, false
	}
	raw := strings.TrimSpace(lx.src[i+1 : j])
	if n := len(raw); n >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[n-1] == raw[0] {
		// datetime("2020-01-01") is accepted too
		raw = raw[1 : n-1]
	} else if strings.ContainsAny(raw, "\"'") {
		return token{}, false
	}
	lx.off = j + 1
	return token{Kind: tTyped, Text: name, Raw: raw, Pos: p, End: lx.off}, true
}

// number scans an integer, real or timespan literal.
func (lx *hlexer) hnumber(start int, p ast.Pos) token {
	s := lx.src
	i := lx.off
	isReal := false
	if c := s[i]; c == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') {
		i += 2
		for i < len(s) && (isDigit(s[i]) || s[i] >= 'a' && s[i] <= 'f' || s[i] >= 'A' && s[i] <= 'F') {
			i++
		}
		lx.off = i
		if i < len(s) && isLetter(s[i]) {
			lx.errorf(start, "malformed number %q", s[start:i+1])
		}
		return token{Kind: tInt, Text: s[start:i], Pos: p, End: i}
	}
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		isReal = true
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	} else if i < len(s) && s[i] == '.' && (i+1 >= len(s) || s[i+1] != '.' && s[i+1] != '[' && !isLetter(s[i+1])) {
		// "1." is a real
		isReal = true
		i++
	}
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
	numText := s[start:i]
	if i < len(s) && isLetter(s[i]) {
		j := i
		for j < len(s) && isLetter(s[j]) {
			j++
		}
		unit := s[i:j]
		lx.off = j
		mult, ok := timeUnits[unit]
		if !ok || j < len(s) && isDigit(s[j]) {
			lx.errorf(start, "bad timespan literal %q: unknown unit %q (use d, h, m, s, ms, microsecond, tick or their long names)", s[start:j], unit)
			return token{Kind: tTimeSpan, Text: s[start:j], Pos: p, End: j}
		}
		ns, err := scaleNumber(numText, mult)
		if err != nil {
			lx.errorf(start, "bad timespan literal %q: %v", s[start:j], err)
		}
		return token{Kind: tTimeSpan, Text: s[start:j], Num: ns, Pos: p, End: j}
	}
	lx.off = i
	if isReal {
		return token{Kind: tReal, Text: numText, Pos: p, End: i}
	}
	return token{Kind: tInt, Text: numText, Pos: p, End: i}
}

