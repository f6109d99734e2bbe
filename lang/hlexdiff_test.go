package lang

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func diffLex(t *testing.T, src string) {
	t.Helper()
	a, ae := hlex(src)
	b, be := lex(src)
	if d := cmp.Diff(a, b); d != "" {
		t.Fatalf("tokens differ for %q (-hand +participle):\n%s", src, d)
	}
	if d := cmp.Diff([]*Error(ae), []*Error(be)); d != "" {
		t.Fatalf("errors differ for %q:\nhand: %v\nnew: %v", src, ae, be)
	}
}

func TestLexDiffCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/*")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		diffLex(t, string(b))
	}
	for _, s := range []string{"1.", "1. ", "1..5", "...5", "a.5", "1.e5", "1.x", "1.)", "0x1g", "1e", "1e5x", "5min2",
		`"a\u00zz"`, `"ab\`, "\"ab\\\nc", `@"x""y"`, "h@'a''b'", "```a", "datetime( \"x\" )", "datetime(\"x\" y)",
		"int32(5)", "int (5)", "$left.x", "$1", "#", "x\u00a0y", "é + ü", "\u2000", "a // c\nb", "'", "\"", "1.5.", ".5.5"} {
		diffLex(t, s)
	}
}

func FuzzLexDiff(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src string) { diffLex(t, src) })
}
