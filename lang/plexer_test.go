package lang

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLexFixUps covers the forms the participle rules cannot express alone
// (Go's regexp has no look-around): they are handled by the AfterDot state or
// by lex's fix-ups.
func TestLexFixUps(t *testing.T) {
	for _, c := range []struct {
		src  string
		want string // kind:text of each token but EOF
		err  string
	}{
		{src: "1.", want: "real:1."},
		{src: "1. )", want: "real:1. punct:)"},
		{src: "1..5", want: "int:1 punct:.. int:5"},
		{src: "...5", want: "punct:.. punct:. int:5"},
		{src: "a.5", want: "ident:a real:.5"},
		{src: "1.x", want: "int:1 punct:. ident:x"},
		{src: "1.[0]", want: "int:1 punct:. punct:[ int:0 punct:]"},
		{src: "1.5.", want: "real:1.5 punct:."},
		{src: "h'x' H\"y\"", want: "string:x string:y"},
		{src: "h@'a''b'", want: "string:a'b"},
		{src: "h 'x'", want: "ident:h string:x"},
		{src: `@"""0`, want: `string:"0`, err: "unterminated string literal"},
		{src: `@"a""b" x`, want: `string:a"b ident:x`},
		{src: `datetime( "2020-01-01" )`, want: "typed:datetime(2020-01-01)"},
		{src: `datetime(2020//x) y`, want: "typed:datetime(2020//x) ident:y"},
		{src: "int (5)", want: "typed:int(5)"},
		{src: `datetime("x" y)`, want: `ident:datetime punct:( string:x ident:y punct:)`},
		{src: "int(x, 1)", want: "ident:int punct:( ident:x punct:, int:1 punct:)"},
		{src: "0x1F", want: "int:0x1F"},
		{src: "0x1g", want: "int:0x1 ident:g", err: `malformed number "0x1g"`},
		{src: "5min2", want: "timespan:5min int:2", err: `unknown unit "min"`},
		{src: "a <> b !~ c => d", want: "ident:a punct:<> ident:b punct:!~ ident:c punct:=> ident:d"},
		{src: "a # b", want: "ident:a ident:b", err: "unexpected character '#'"},
	} {
		toks, errs := lex(c.src)
		var got []string
		for _, tk := range toks[:len(toks)-1] {
			s := [...]string{"eof", "ident", "int", "real", "string", "timespan", "typed", "punct", "bad"}[tk.Kind] + ":" + tk.Text
			if tk.Kind == tTyped {
				s += "(" + tk.Raw + ")"
			}
			got = append(got, s)
		}
		if d := cmp.Diff(c.want, strings.Join(got, " ")); d != "" {
			t.Errorf("lex(%q) (-want +got):\n%s", c.src, d)
		}
		if c.err == "" && len(errs) > 0 || c.err != "" && (len(errs) == 0 || !strings.Contains(errs[0].Msg, c.err)) {
			t.Errorf("lex(%q) errors %v, want %q", c.src, errs, c.err)
		}
	}
}
