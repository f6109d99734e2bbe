package lang

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The custom expression productions find their parse through a registry
// keyed by the parse's tokens: concurrent parses must not see each other's,
// and every parse, failed or not, must leave the registry empty.
func TestExprProductionConcurrent(t *testing.T) {
	srcs := []string{
		"T | where a > 1 and b in (1, 2) | extend c = f(x, (U | count)) | summarize n = count() by c",
		"let f = (x: long) { x * 2 }; print y = f(3), z = dynamic({\"a\": [1, 2]})",
		"T | where a ==",                         // error inside an expression
		"T | project a, | take 1",                // error after a comma
		"T | join kind=inner (U | where b) on a", // pipe in parentheses
		"print x = 1 between (0 .. 2)",
	}
	want := make([]string, len(srcs))
	for i, src := range srcs {
		want[i] = parseSummary(src)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 50; n++ {
				for i, src := range srcs {
					if got := parseSummary(src); got != want[i] {
						t.Errorf("%q: concurrent parse gave %s, alone %s", src, got, want[i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	left := 0
	active.Range(func(any, any) bool { left++; return true })
	if left != 0 {
		t.Errorf("%d parses left in the registry", left)
	}
}

func parseSummary(src string) string {
	s, err := Parse(src)
	if err != nil {
		return "error: " + err.Error()
	}
	return cmp.Diff(nil, s)
}
