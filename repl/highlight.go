package repl

// Span is a stretch of input to colour as Kind.
type Span struct {
	Start, End int
	Kind       Kind
}

// Highlight splits text into spans to colour by kind, covering all of it:
// keywords, operator names where an operator stands (after '|', or a leading
// union), strings, numbers, comments and commands; the rest is Ident, Punct
// or Space. An operator name used elsewhere (count() in summarize) is an
// Ident.
func Highlight(text string) []Span {
	toks := Tokenize(text)
	out := make([]Span, 0, len(toks))
	prev := "" // the previous significant token's text
	first := true
	for _, t := range toks {
		k := t.Kind
		if k == Operator && prev != "|" && !(first && t.Text == "union") {
			k = Ident
		}
		if t.Kind != Space && t.Kind != Comment {
			prev, first = t.Text, false
			if t.Text == ";" {
				first = true
			}
		}
		out = append(out, Span{t.Start, t.End, k})
	}
	return out
}
