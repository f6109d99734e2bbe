package strops

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// FuzzEval checks that the buffer-wide search agrees with row-by-row
// matching for arbitrary values and needles, and never panics.
func FuzzEval(f *testing.F) {
	f.Add("KustoExplorerQueryRun", "a.b cmd.exe", "Explorer", uint8(8))
	f.Add("\u212Aelvin", "ÉCOLE", "école", uint8(2))
	f.Fuzz(func(t *testing.T, v1, v2, needle string, opn uint8) {
		ops := []string{"==", "=~", "contains", "contains_cs", "has", "has_cs", "hasprefix", "hassuffix",
			"startswith", "endswith", "in~", "has_any", "has_all", "!has"}
		m, err := Compile(ops[int(opn)%len(ops)], needle)
		if err != nil {
			t.Fatal(err)
		}
		b := array.NewStringBuilder(memory.DefaultAllocator)
		b.AppendValues([]string{v1, v2, v1 + v2, ""}, nil)
		a := b.NewStringArray()
		b.Release()
		defer a.Release()
		out := make([]bool, a.Len())
		m.Eval(a, out)
		for i := 0; i < a.Len(); i++ {
			if out[i] != m.Match(a.Value(i)) {
				t.Fatalf("%s %q on %q: Eval %v, Match %v", ops[int(opn)%len(ops)], needle, a.Value(i), out[i], !out[i])
			}
		}
	})
}
