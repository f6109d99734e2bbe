package kusto

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
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

// The allocation-free appenders must agree with plain time.Format/fmt
// renderings of the same forms.
func TestAppendFormsMatchReference(t *testing.T) {
	refDateTime := func(ns int64) string {
		return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.0000000Z")
	}
	refISO := func(ns int64) string {
		s := time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05")
		frac := ns % int64(time.Second)
		if frac < 0 {
			frac += int64(time.Second)
		}
		if frac /= int64(Tick); frac != 0 {
			s += "." + strings.TrimRight(fmt.Sprintf("%07d", frac), "0")
		}
		return s + "Z"
	}
	refSpan := func(ns int64) string {
		var b strings.Builder
		u := uint64(ns)
		if ns < 0 {
			b.WriteByte('-')
			u = uint64(-ns)
		}
		ticks := u / uint64(Tick)
		secs := ticks / 10_000_000
		if days := secs / 86400; days > 0 {
			b.WriteString(strconv.FormatUint(days, 10) + ".")
		}
		secs %= 86400
		fmt.Fprintf(&b, "%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
		if frac := ticks % 10_000_000; frac != 0 {
			fmt.Fprintf(&b, ".%07d", frac)
		}
		return b.String()
	}
	r := rand.New(rand.NewPCG(1, 2))
	vals := []int64{0, 1, -1, 100, -100, 999_999_999, -999_999_999, 1e9, -1e9, 86400e9, -86400e9 - 1,
		math.MaxInt64, math.MinInt64 + 1, math.MinInt64}
	for range 2000 {
		vals = append(vals, r.Int64(), -r.Int64(), r.Int64N(1e14), r.Int64N(1e9)*100)
	}
	for _, ns := range vals {
		if got, want := FormatDateTime(ns), refDateTime(ns); got != want {
			t.Errorf("FormatDateTime(%d) = %q, want %q", ns, got, want)
		}
		if got, want := FormatDateTimeISO(ns), refISO(ns); got != want {
			t.Errorf("FormatDateTimeISO(%d) = %q, want %q", ns, got, want)
		}
		if got, want := FormatTimeSpan(ns), refSpan(ns); got != want {
			t.Errorf("FormatTimeSpan(%d) = %q, want %q", ns, got, want)
		}
		if got, want := string(AppendTimeSpan([]byte("x="), ns)), "x="+refSpan(ns); got != want {
			t.Errorf("AppendTimeSpan(%d) = %q, want %q", ns, got, want)
		}
	}
}

func TestParseTimeSpan(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"1d", int64(24 * time.Hour)},
		{"2days", int64(48 * time.Hour)},
		{"1.5h", int64(90 * time.Minute)},
		{"-30m", -int64(30 * time.Minute)},
		{"+10s", int64(10 * time.Second)},
		{"1.1s", 1_100_000_000},
		{"100ms", int64(100 * time.Millisecond)},
		{"5ticks", 500},
		{"1H", int64(time.Hour)},
		{".5d", int64(12 * time.Hour)},
		{" 01:30:00 ", int64(90 * time.Minute)},
		{"1.02:03:04", int64(26*time.Hour + 3*time.Minute + 4*time.Second)},
	}
	for _, tc := range tests {
		got, err := ParseTimeSpan(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseTimeSpan(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "10", "3 microseconds", "d", "1x", "1.2.3s", "-", ".s", "99999999999999999d", "1e3s"} {
		if got, err := ParseTimeSpan(bad); err == nil {
			t.Errorf("ParseTimeSpan(%q) = %d, want error", bad, got)
		}
	}
}
