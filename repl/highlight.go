package repl

// Span is a stretch of input to colour as Kind.
type Span struct {
	Start, End int
	Kind       Kind
}

// Highlight returns the spans of text worth colouring: keywords, operator
// names where an operator stands (after '|', or a leading union), strings,
// numbers, comments and commands. An operator name used elsewhere (count()
// in summarize) is left plain.
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
		if k == Space || k == Ident || k == Punct {
			continue
		}
		out = append(out, Span{t.Start, t.End, k})
	}
	return out
}
