package repl

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHistoryFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "_prowl", "history")
	h, err := OpenHistory(path, 3)
	if err != nil {
		t.Fatalf("open missing history: %v", err)
	}
	if len(h.Entries()) != 0 {
		t.Fatalf("new history has %v", h.Entries())
	}
	for _, e := range []string{"print 1", "print 1", "  ", "T\n| where a has 'x\\\\y'\n| take 1", "print 2", "print 3"} {
		if err := h.Add(e); err != nil {
			t.Fatalf("Add(%q): %v", e, err)
		}
	}
	want := []string{"T\n| where a has 'x\\\\y'\n| take 1", "print 2", "print 3"}
	if diff := cmp.Diff(want, h.Entries()); diff != "" {
		t.Errorf("entries kept (max 3) (-want +got):\n%s", diff)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantFile := "print 1\nT\\n| where a has 'x\\\\\\\\y'\\n| take 1\nprint 2\nprint 3\n"
	if string(raw) != wantFile {
		t.Errorf("file = %q, want %q", raw, wantFile)
	}
	// reopening loads the newest entries, multi-line ones whole
	h2, err := OpenHistory(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"print 2", "print 3"}, h2.Entries()); diff != "" {
		t.Errorf("reloaded (max 2) (-want +got):\n%s", diff)
	}
	h3, err := OpenHistory(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(append([]string{"print 1"}, want...), h3.Entries()); diff != "" {
		t.Errorf("reloaded (-want +got):\n%s", diff)
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "a\nb", `back\slash`, "\\n literal", "cr\r\nlf", `trailing\`} {
		if got := unescapeEntry(escapeEntry(s)); got != s {
			t.Errorf("round trip of %q gives %q", s, got)
		}
	}
}
