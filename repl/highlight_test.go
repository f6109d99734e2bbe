package repl

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHighlight(t *testing.T) {
	src := "T | summarize count() by x // n\n| where s has \"a\" and n > 10"
	type span struct {
		Text string
		Kind Kind
	}
	var got []span
	end := 0
	for _, s := range Highlight(src) {
		if s.Start != end {
			t.Fatalf("span %q starts at %d, want %d: spans must cover the text", src[s.Start:s.End], s.Start, end)
		}
		end = s.End
		if s.Kind != Space && s.Kind != Ident && s.Kind != Punct {
			got = append(got, span{src[s.Start:s.End], s.Kind})
		}
	}
	if end != len(src) {
		t.Fatalf("spans end at %d of %d", end, len(src))
	}
	want := []span{
		{"summarize", Operator}, {"by", Keyword}, {"// n", Comment}, {"where", Operator},
		{"has", Keyword}, {`"a"`, String}, {"and", Keyword}, {"10", Number},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Highlight (-want +got):\n%s", diff)
	}
	got = nil
	for _, s := range Highlight("union A, B") {
		if s.Kind == Operator {
			got = append(got, span{"union A, B"[s.Start:s.End], s.Kind})
		}
	}
	if diff := cmp.Diff([]span{{"union", Operator}}, got); diff != "" {
		t.Errorf("Highlight union (-want +got):\n%s", diff)
	}
}
