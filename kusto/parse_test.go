package kusto

import (
	"errors"
	"testing"
	"time"
)

func TestParseDateTime(t *testing.T) {
	at := func(y int, mo time.Month, d, h, mi, s, ns int) int64 {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC).UnixNano()
	}
	tests := []struct {
		in   string
		want int64
	}{
		{"2020-09-02", at(2020, 9, 2, 0, 0, 0, 0)},
		{" 2020-09-02T10:00Z ", at(2020, 9, 2, 10, 0, 0, 0)},
		{"2020-09-02 10:00:05.1234567", at(2020, 9, 2, 10, 0, 5, 123456700)},
		{"2020-09-02T12:00:00+02:00", at(2020, 9, 2, 10, 0, 0, 0)},
		{"2020-09-02T10:00:00.123456789123z", at(2020, 9, 2, 10, 0, 0, 123456789)},
		{"Wed, 02 Sep 2020 10:00:00 GMT", at(2020, 9, 2, 10, 0, 0, 0)},
		{"9/2/2020 10:00:00", at(2020, 9, 2, 10, 0, 0, 0)},
		{"2020/09/02", at(2020, 9, 2, 0, 0, 0, 0)},
		{"20200902", at(2020, 9, 2, 0, 0, 0, 0)},
	}
	for _, tc := range tests {
		if got, err := ParseDateTime(tc.in); err != nil || got != tc.want {
			t.Errorf("ParseDateTime(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for in, want := range map[string]error{
		"":                 ErrBadDateTime,
		"soon":             ErrBadDateTime,
		"2020-02-30":       ErrBadDateTime,
		"2020-13-01":       ErrBadDateTime,
		"2020-09-02T25:00": ErrBadDateTime,
		"9999-01-01":       ErrDateTimeRange,
		"1600-01-01":       ErrDateTimeRange,
	} {
		if got, err := ParseDateTime(in); !errors.Is(err, want) {
			t.Errorf("ParseDateTime(%q) = %d, %v; want error %v", in, got, err, want)
		}
	}
}
