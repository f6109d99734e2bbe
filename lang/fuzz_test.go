package lang

import (
	"os"
	"path/filepath"
	"testing"
)

// AddFuzzSeeds seeds a fuzz target with every fourth corpus query and the
// lexical traps; exported (in tests only) so FuzzParse in lang_test shares it.
func AddFuzzSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/corpus/*.kql")
	for i, file := range files {
		if i%4 != 0 {
			continue
		}
		if b, err := os.ReadFile(file); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		"print 1.5h, 10microseconds, 1tick, datetime(2020-01-01), int(null), real(nan)",
		`print @"C:\x""y", h'secret', ` + "```a\nb```" + `, "a" 'b'`,
		".show table T schema",
		`.unsanction app "Dropbox" with (reason="x")`,
		"T | where a !in~ (dynamic(['x'])) | project-away b* | mv-expand c to typeof(long)",
		"let f = (T:(*), n:long = 3) { T | take n }; T | invoke f()",
	} {
		f.Add(s)
	}
}

// FuzzLex checks the lexer never panics, always ends with EOF and produces
// positions that move forward.
func FuzzLex(f *testing.F) {
	AddFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		toks, _ := lex(src)
		if len(toks) == 0 || toks[len(toks)-1].Kind != tEOF {
			t.Fatalf("token stream does not end with EOF")
		}
		last := -1
		for _, tk := range toks {
			if tk.Pos.Offset < last || tk.Pos.Offset > len(src) || tk.End < tk.Pos.Offset {
				t.Fatalf("bad token offsets %d..%d after %d", tk.Pos.Offset, tk.End, last)
			}
			if tk.Pos.Line < 1 || tk.Pos.Col < 1 {
				t.Fatalf("bad position %v", tk.Pos)
			}
			last = tk.Pos.Offset
		}
	})
}
