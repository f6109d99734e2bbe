package exec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Stored functions are parsed when a query names them: a broken one does not
// stop registration or queries that do not use it, and its error names it;
// a stored function may call another, registered before or after it.
func TestStoredFunctionsParsedOnUse(t *testing.T) {
	e := newTestEngine(nil)
	// quadruple is registered before the function it calls.
	for _, f := range []struct{ name, text string }{
		{"quadruple", "(x:long) { twice(twice(x)) }"},
		{"twice", "(x:long) { x * 2 }"},
		{"broken", "(x:long) { x + }"},
	} {
		if err := e.RegisterStoredFunction(f.name, f.text); err != nil {
			t.Fatalf("register %s: %v", f.name, err)
		}
	}
	if err := e.RegisterStoredFunction("twice", "(x:long) { x }"); err == nil {
		t.Error("a second function named twice was registered")
	}
	got, err := runQuery(t, e, "print a = quadruple(3), b = 1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{"12", "1"}}, got.rows); diff != "" {
		t.Errorf("quadruple(3) (-want +got):\n%s", diff)
	}
	if _, err := runQuery(t, e, "print broken(1)"); err == nil || !strings.Contains(err.Error(), "stored function broken") {
		t.Errorf("using the broken function: error %v, want one naming it", err)
	}
}
