package repl

import "strings"

// continuing are the keywords after which a statement cannot end.
var continuing = toSet([]string{
	"and", "or", "not", "by", "on", "with", "kind", "let", "in", "in~", "!in", "!in~", "between",
	"nulls", "print", "range", "from", "to", "step", "datatable", "declare", "query_parameters",
	"set", "withsource", "isfuzzy", "matches", "regex", "dynamic", "typeof", "bagexpansion",
	"has", "has_cs", "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs",
	"contains", "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs",
	"has_any", "has_all", "!has", "!has_cs", "!contains", "!contains_cs", "!startswith",
	"!startswith_cs", "!endswith", "!endswith_cs", "!hasprefix", "!hassuffix", "!between",
})

// complete operators take no arguments and can end a query.
var standalone = toSet([]string{"count", "getschema", "serialize"})

// continuingPunct are the signs after which an expression goes on.
var continuingPunct = toSet([]string{
	"|", ",", "=", "==", "!=", "<>", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", ".", ":",
	"=~", "!~", "..", "=>", "(", "[", "{", ";", "!",
})

// Ready reports whether text is a statement worth running when the user
// presses Enter: brackets balanced, strings closed, and not ending where more
// must follow (a `|`, a `,`, a binary operator, an operator name that takes
// arguments, a `let` without its query). # commands and control commands are
// ready as soon as their strings are closed. A bare name (a table whose
// operators are still to come on the next lines) and empty text are not ready.
func Ready(text string) bool {
	toks := Tokenize(text)
	sig := significant(toks)
	if len(sig) == 0 {
		return false
	}
	for _, t := range sig {
		if t.Open {
			return false
		}
	}
	if sig[0].Kind == Command {
		return true
	}
	if bracketDepth(sig, false) > 0 {
		return false
	}
	stmtStart := lastTopSemicolon(sig, len(sig)) + 1 // the current statement's first token
	if stmtStart >= len(sig) {
		return false // ends with ';': the query is still to come
	}
	switch sig[stmtStart].Text {
	case "let", "declare", "set":
		return false // needs ';' and a query after it
	}
	if len(sig)-stmtStart == 1 && sig[stmtStart].Kind == Ident {
		// a bare table name: its pipeline usually follows on the next
		// lines (a blank line runs it as it is)
		return false
	}
	last := sig[len(sig)-1]
	switch last.Kind {
	case Punct:
		return !continuingPunct[last.Text]
	case Keyword:
		return !continuing[strings.TrimPrefix(last.Text, "!")]
	case Operator:
		return standalone[last.Text]
	}
	return true
}

// Depth is the number of brackets open at the end of text (outside strings
// and comments), for indenting continuation lines.
func Depth(text string) int {
	return bracketDepth(Tokenize(text), true)
}

// bracketDepth is the number of brackets open after toks. Unless clamp, a
// closing bracket without its opening one counts (the result may be
// negative); with clamp it is ignored.
func bracketDepth(toks []Token, clamp bool) int {
	depth := 0
	for _, t := range toks {
		if t.Kind != Punct {
			continue
		}
		switch t.Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth--; clamp {
				depth = max(depth, 0)
			}
		}
	}
	return depth
}

// Continues reports whether line continues the statement before it: it
// starts with '|', a binary operator or a keyword that cannot begin a
// statement (and, or, by, on, ...).
func Continues(line string) bool {
	sig := significant(Tokenize(line))
	if len(sig) == 0 {
		return false
	}
	t := sig[0]
	switch t.Kind {
	case Punct:
		return t.Text != "(" && t.Text != "["
	case Keyword:
		return t.Text != "let" && t.Text != "print" && t.Text != "range" && t.Text != "datatable" &&
			t.Text != "declare" && t.Text != "set"
	case Operator:
		return t.Text != "union"
	}
	return false
}
