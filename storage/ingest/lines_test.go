package ingest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLineReader(t *testing.T) {
	lr := &lineReader{br: bufioReader("\xEF\xBB\xBFfirst\r\n\xEF\xBB\xBFsecond\n0123456789abc\nlast"), max: 10}
	type line struct {
		Text    string
		N       int
		TooLong bool
	}
	var got []line
	for {
		b, n, tooLong, err := lr.next()
		if err != nil {
			break
		}
		got = append(got, line{string(b), n, tooLong})
	}
	want := []line{
		{"first", 1, false},              // BOM and CR dropped
		{"\xEF\xBB\xBFsecond", 2, false}, // a BOM is only stripped from line 1
		{"0123456789", 3, true},
		{"last", 4, false},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
}
