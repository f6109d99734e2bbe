package repl

import "strings"

// Kind classifies a token for highlighting and for the completer.
type Kind uint8

// The token kinds.
const (
	Space    Kind = iota // blanks and newlines
	Comment              // `// ...` to the end of the line
	Ident                // a name: table, column, function, `['quoted name']`
	Keyword              // a KQL keyword (by, and, kind, ...)
	Operator             // a tabular operator name (where, summarize, project-away, ...)
	String               // a string literal, possibly unterminated
	Number               // a number, possibly with a timespan unit (10m, 1.5d)
	Punct                // brackets, |, comparison and arithmetic signs
	Command              // a `#cmd` or a `.control` command word at the start
	Invalid              // a byte that starts no token
)

// Token is one lexeme of the input. Start and End are byte offsets.
type Token struct {
	Kind       Kind
	Start, End int
	Text       string
	// Open is set on a String that is not terminated, and on an Ident in
	// brackets (`['x`) whose closing bracket is missing.
	Open bool
}

// operators are the tabular operators the engine knows (cut off in lang's
// parser); they complete after `|`.
var operators = []string{
	"as", "count", "distinct", "extend", "getschema", "invoke", "join", "limit", "lookup",
	"mv-expand", "order", "parse", "project", "project-away", "project-keep",
	"project-rename", "project-reorder", "render", "serialize", "sort", "summarize",
	"take", "top", "union", "where",
}

// keywords are the other reserved words worth colouring.
var keywords = []string{
	"and", "or", "not", "by", "on", "with", "kind", "let", "in", "between", "asc", "desc",
	"nulls", "first", "last", "true", "false", "print", "range", "from", "to", "step",
	"datatable", "declare", "query_parameters", "set", "withsource", "isfuzzy",
	"has", "has_cs", "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs",
	"contains", "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs",
	"matches", "regex", "has_any", "has_all", "in~", "dynamic", "typeof", "bagexpansion",
	"inner", "innerunique", "leftouter", "rightouter", "fullouter", "leftanti", "rightanti",
	"leftsemi", "rightsemi", "anti", "semi", "outer", "null",
}

var (
	operatorSet = toSet(operators)
	keywordSet  = toSet(keywords)
)

func toSet(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Tokenize splits src into tokens, every byte belonging to exactly one token.
// It never fails: unterminated strings run to the end of the input (marked
// Open) and unknown bytes become Invalid tokens, so it suits text still being
// typed.
func Tokenize(src string) []Token {
	var toks []Token
	i := 0
	atStart := true // no significant token yet
	for i < len(src) {
		start := i
		c := src[i]
		kind := Invalid
		open := false
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			for i < len(src) && strings.IndexByte(" \t\n\r", src[i]) >= 0 {
				i++
			}
			kind = Space
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			kind = Comment
		case atStart && (c == '#' || c == '.') && i+1 < len(src) && isIdentStart(src[i+1]):
			i++
			for i < len(src) && (isIdentPart(src[i]) || src[i] == '-') {
				i++
			}
			kind = Command
		case c == '`' && strings.HasPrefix(src[i:], "```"):
			i += 3
			if j := strings.Index(src[i:], "```"); j >= 0 {
				i += j + 3
			} else {
				i, open = len(src), true
			}
			kind = String
		case c == '\'' || c == '"':
			i, open = scanQuoted(src, i, false)
			kind = String
		case (c == '@' || c == 'h' || c == 'H') && i+1 < len(src) && (src[i+1] == '\'' || src[i+1] == '"'):
			i, open = scanQuoted(src, i+1, c == '@')
			kind = String
		case (c == 'h' || c == 'H') && i+2 < len(src) && src[i+1] == '@' && (src[i+2] == '\'' || src[i+2] == '"'):
			i, open = scanQuoted(src, i+2, true)
			kind = String
		case c == '[' && i+1 < len(src) && (src[i+1] == '\'' || src[i+1] == '"' || src[i+1] == '@'):
			// ['name with spaces'] and [@"name"]
			j := i + 1
			if src[j] == '@' {
				j++
			}
			if j < len(src) && (src[j] == '\'' || src[j] == '"') {
				var o bool
				j, o = scanQuoted(src, j, src[i+1] == '@')
				if !o && j < len(src) && src[j] == ']' {
					i, kind = j+1, Ident
					break
				}
				i, kind, open = j, Ident, true
				break
			}
			i, kind = i+1, Punct
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			i = scanNumber(src, i)
			kind = Number
		case isIdentStart(c):
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			// hyphenated operators: project-away, mv-expand, ...
			for i+1 < len(src) && src[i] == '-' && isIdentStart(src[i+1]) {
				j := i + 1
				for j < len(src) && isIdentPart(src[j]) {
					j++
				}
				if !isOperatorPrefix(src[start:j]) {
					break
				}
				i = j
			}
			word := src[start:i]
			// in~, !in~ style suffix
			if i < len(src) && src[i] == '~' && (word == "in" || word == "has_any") {
				i++
				word = src[start:i]
			}
			switch {
			case operatorSet[word]:
				kind = Operator
			case keywordSet[word] || keywordSet[strings.TrimSuffix(word, "~")]:
				kind = Keyword
			default:
				kind = Ident
			}
		case c == '!' && i+1 < len(src) && isIdentStart(src[i+1]):
			// !has, !contains, !in, !startswith ...
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			if j < len(src) && src[j] == '~' {
				j++
			}
			if keywordSet[strings.TrimSuffix(src[i+1:j], "~")] {
				i, kind = j, Keyword
			} else {
				i, kind = i+1, Punct
			}
		default:
			i += punctLen(src[i:])
			kind = Punct
		}
		if i == start { // never loop forever
			i++
		}
		toks = append(toks, Token{Kind: kind, Start: start, End: i, Text: src[start:i], Open: open})
		if kind != Space && kind != Comment {
			atStart = false
		}
	}
	return toks
}

// isOperatorPrefix reports whether w is the beginning of a hyphenated
// operator ("mv-", "project-aw"), so typing one keeps it a single token.
func isOperatorPrefix(w string) bool {
	for _, op := range operators {
		if op == w {
			return true
		}
		if strings.Contains(op, "-") && strings.HasPrefix(op, w) {
			return true
		}
	}
	return false
}

// scanQuoted scans a quoted string starting at the quote src[i]; verbatim
// strings (@'...') have no escapes. It returns the end offset and whether the
// string is unterminated.
func scanQuoted(src string, i int, verbatim bool) (int, bool) {
	q := src[i]
	i++
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\\' && !verbatim:
			i += 2
			continue
		case c == q:
			if verbatim && i+1 < len(src) && src[i+1] == q { // doubled quote
				i += 2
				continue
			}
			return i + 1, false
		case c == '\n':
			return i, true
		}
		i++
	}
	return len(src), true
}

// scanNumber scans 12, 1.5, 1e-3, 0x1F and timespans like 10m, 1.5d, 100ms.
func scanNumber(src string, i int) int {
	if strings.HasPrefix(src[i:], "0x") || strings.HasPrefix(src[i:], "0X") {
		i += 2
		for i < len(src) && strings.IndexByte("0123456789abcdefABCDEF", src[i]) >= 0 {
			i++
		}
		return i
	}
	for i < len(src) && (isDigit(src[i]) || src[i] == '.') {
		if src[i] == '.' && (i+1 >= len(src) || !isDigit(src[i+1])) {
			break
		}
		i++
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			i = j
			for i < len(src) && isDigit(src[i]) {
				i++
			}
		}
	}
	// a unit suffix: d, h, m, s, ms, microsecond, tick, ...
	for i < len(src) && (src[i] >= 'a' && src[i] <= 'z' || src[i] >= 'A' && src[i] <= 'Z') {
		i++
	}
	return i
}

// punctLen is the length of the punctuation token at the start of s.
func punctLen(s string) int {
	for _, p := range []string{"!~", "=~", "==", "!=", "<>", "<=", ">=", "..", "=>"} {
		if strings.HasPrefix(s, p) {
			return len(p)
		}
	}
	return 1
}

// significant returns the tokens that are neither space nor comment.
func significant(toks []Token) []Token {
	out := toks[:0:0]
	for _, t := range toks {
		if t.Kind != Space && t.Kind != Comment {
			out = append(out, t)
		}
	}
	return out
}
