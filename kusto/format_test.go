package kusto

import (
	"testing"
	"time"
)

func TestFormatTimeSpan(t *testing.T) {
	tests := []struct {
		ns   int64
		want string
	}{
		{0, "00:00:00"},
		{int64(30 * time.Minute), "00:30:00"},
		{int64(26*time.Hour + 3*time.Minute + 4*time.Second), "1.02:03:04"},
		{int64(1500 * time.Millisecond), "00:00:01.5000000"},
		{-int64(time.Hour), "-01:00:00"},
		{100, "00:00:00.0000001"},
	}
	for _, tc := range tests {
		if got := FormatTimeSpan(tc.ns); got != tc.want {
			t.Errorf("FormatTimeSpan(%d) = %q, want %q", tc.ns, got, tc.want)
		}
		back, err := ParseTimeSpanText(tc.want)
		if err != nil || back != tc.ns {
			t.Errorf("ParseTimeSpanText(%q) = %d, %v; want %d", tc.want, back, err, tc.ns)
		}
	}
	for _, bad := range []string{"", "1", "25:00:00", "a:b", "00:61:00"} {
		if _, err := ParseTimeSpanText(bad); err == nil {
			t.Errorf("ParseTimeSpanText(%q) succeeded, want error", bad)
		}
	}
}

func TestFormatDateTime(t *testing.T) {
	ns := time.Date(2020, 9, 2, 10, 0, 0, 0, time.UTC).UnixNano()
	if got, want := FormatDateTime(ns), "2020-09-02T10:00:00.0000000Z"; got != want {
		t.Errorf("FormatDateTime = %q, want %q", got, want)
	}
	if got, want := FormatDateTimeISO(ns), "2020-09-02T10:00:00Z"; got != want {
		t.Errorf("FormatDateTimeISO = %q, want %q", got, want)
	}
	if got, want := FormatDateTimeISO(ns+500_000_000), "2020-09-02T10:00:00.5Z"; got != want {
		t.Errorf("FormatDateTimeISO = %q, want %q", got, want)
	}
	if got, want := FormatDateTimeISO(ns-100), "2020-09-02T09:59:59.9999999Z"; got != want {
		t.Errorf("FormatDateTimeISO = %q, want %q", got, want)
	}
}

func TestParseType(t *testing.T) {
	for s, want := range map[string]Type{"long": Long, "int64": Long, "double": Real, "Int64": Long, "DateTime": DateTime, "uniqueid": Guid, "date": DateTime} {
		if got, ok := ParseType(s); !ok || got != want {
			t.Errorf("ParseType(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	if _, ok := ParseType("strnig"); ok {
		t.Error("ParseType(strnig) succeeded")
	}
}
