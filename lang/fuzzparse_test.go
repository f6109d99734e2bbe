package lang_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// FuzzParse checks that parsing and binding never panic or hang, and that a
// tree that parses prints to text that parses back to the same tree.
func FuzzParse(f *testing.F) {
	lang.AddFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		// a watchdog turns a hang into a failure the fuzzer records
		done := make(chan string, 1)
		go func() { done <- parsePrintParse(src) }()
		select {
		case msg := <-done:
			if msg != "" {
				t.Fatal(msg)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("parse, bind and print took over 3s: %q", src)
		}
	})
}

// parsePrintParse runs the fuzz checks and returns a failure message, or "".
func parsePrintParse(src string) string {
	s, err := lang.Parse(src)
	if err != nil {
		if _, ok := err.(lang.ErrorList); !ok {
			return fmt.Sprintf("error is %T, want ErrorList", err)
		}
		return ""
	}
	_, _ = lang.Bind(s, testEnv())
	printed := ast.FormatScript(s)
	s2, err := lang.Parse(printed)
	if err != nil {
		return fmt.Sprintf("printed form does not parse: %v\nsource: %q\nprinted: %q", err, src, printed)
	}
	if d := cmp.Diff(s, s2, ignorePos); d != "" {
		return fmt.Sprintf("round trip changed the tree:\n%s\nsource: %q\nprinted: %q", d, src, printed)
	}
	return ""
}
