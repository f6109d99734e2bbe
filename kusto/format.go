package kusto

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Tick is Kusto's time resolution: 100 nanoseconds.
const Tick = 100 * time.Nanosecond

// FormatDateTime renders a datetime held as nanoseconds since the Unix epoch (UTC)
// the way tostring() does: 2020-09-02T10:00:00.0000000Z, always seven fractional digits.
func FormatDateTime(ns int64) string {
	t := time.Unix(0, ns).UTC()
	return t.Format("2006-01-02T15:04:05.0000000Z")
}

// FormatDateTimeISO renders a datetime as ISO-8601 UTC with a fraction only when it is
// non-zero (up to seven digits): 2020-09-02T10:00:00Z, 2020-09-02T10:00:00.5Z. This is
// the CSV and JSON output form of cli.md.
func FormatDateTimeISO(ns int64) string {
	t := time.Unix(0, ns).UTC()
	s := t.Format("2006-01-02T15:04:05")
	frac := (ns % int64(time.Second))
	if frac < 0 {
		frac += int64(time.Second)
	}
	frac /= int64(Tick)
	if frac != 0 {
		f := fmt.Sprintf("%07d", frac)
		s += "." + strings.TrimRight(f, "0")
	}
	return s + "Z"
}

// FormatTimeSpan renders a duration in nanoseconds as Kusto text: [-][d.]hh:mm:ss[.fffffff].
// 1 day 2h3m4s is "1.02:03:04"; 30 minutes is "00:30:00"; 1.5 seconds is "00:00:01.5000000".
func FormatTimeSpan(ns int64) string {
	var b strings.Builder
	neg := ns < 0
	u := uint64(ns)
	if neg {
		b.WriteByte('-')
		u = uint64(-ns)
	}
	ticks := u / uint64(Tick)
	frac := ticks % 10_000_000
	secs := ticks / 10_000_000
	days := secs / 86400
	secs %= 86400
	if days > 0 {
		b.WriteString(strconv.FormatUint(days, 10))
		b.WriteByte('.')
	}
	fmt.Fprintf(&b, "%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	if frac != 0 {
		fmt.Fprintf(&b, ".%07d", frac)
	}
	return b.String()
}

// ErrBadTimeSpan reports text that is not a Kusto timespan.
var ErrBadTimeSpan = errors.New("not a timespan")

// ParseTimeSpanText parses the text form produced by FormatTimeSpan
// ([-][d.]hh:mm[:ss[.fffffff]]) and returns nanoseconds.
func ParseTimeSpanText(s string) (int64, error) {
	orig := s
	neg := false
	if strings.HasPrefix(s, "-") {
		neg = true
		s = s[1:]
	}
	var days int64
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return 0, fmt.Errorf("%q: %w", orig, ErrBadTimeSpan)
	}
	if dot := strings.IndexByte(s[:colon], '.'); dot >= 0 {
		d, err := strconv.ParseInt(s[:dot], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q: %w", orig, ErrBadTimeSpan)
		}
		days = d
		s = s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("%q: %w", orig, ErrBadTimeSpan)
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || h > 23 || m > 59 || h < 0 || m < 0 {
		return 0, fmt.Errorf("%q: %w", orig, ErrBadTimeSpan)
	}
	var sec, fracNs int64
	if len(parts) == 3 {
		sp := parts[2]
		if dot := strings.IndexByte(sp, '.'); dot >= 0 {
			fs := sp[dot+1:]
			if len(fs) == 0 || len(fs) > 9 {
				return 0, fmt.Errorf("%q: %w", orig, ErrBadTimeSpan)
			}
			f, err := strconv.ParseInt(fs, 10, 64)
			if err != nil || f < 0 {
				return 0, fmt.Errorf("%q: %w", orig, ErrBadTimeSpan)
			}
			for i := len(fs); i < 9; i++ {
				f *= 10
			}
			fracNs = f
			sp = sp[:dot]
		}
		v, err := strconv.ParseInt(sp, 10, 64)
		if err != nil || v > 59 || v < 0 {
			return 0, fmt.Errorf("%q: %w", orig, ErrBadTimeSpan)
		}
		sec = v
	}
	ns := ((days*24+h)*3600+m*60+sec)*int64(time.Second) + fracNs
	if neg {
		ns = -ns
	}
	return ns, nil
}
