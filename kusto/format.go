package kusto

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Tick is Kusto's time resolution: 100 nanoseconds.
const Tick = 100 * time.Nanosecond

// FormatDateTime renders a datetime held as nanoseconds since the Unix epoch (UTC)
// the way tostring() does: 2020-09-02T10:00:00.0000000Z, always seven fractional digits.
func FormatDateTime(ns int64) string {
	var b [40]byte
	return string(AppendDateTime(b[:0], ns))
}

// AppendDateTime appends the FormatDateTime form of ns to dst without allocating.
func AppendDateTime(dst []byte, ns int64) []byte {
	dst = time.Unix(0, ns).UTC().AppendFormat(dst, "2006-01-02T15:04:05")
	dst = append(dst, '.')
	dst = appendFrac7(dst, subSecondTicks(ns), false)
	return append(dst, 'Z')
}

// FormatDateTimeISO renders a datetime as ISO-8601 UTC with a fraction only when it is
// non-zero (up to seven digits): 2020-09-02T10:00:00Z, 2020-09-02T10:00:00.5Z. This is
// the CSV and JSON output form of cli.md.
func FormatDateTimeISO(ns int64) string {
	var b [40]byte
	return string(AppendDateTimeISO(b[:0], ns))
}

// AppendDateTimeISO appends the FormatDateTimeISO form of ns to dst without allocating.
func AppendDateTimeISO(dst []byte, ns int64) []byte {
	dst = time.Unix(0, ns).UTC().AppendFormat(dst, "2006-01-02T15:04:05")
	if frac := subSecondTicks(ns); frac != 0 {
		dst = append(dst, '.')
		dst = appendFrac7(dst, frac, true)
	}
	return append(dst, 'Z')
}

// subSecondTicks returns the ticks of ns past its whole (floored) second.
func subSecondTicks(ns int64) uint64 {
	frac := ns % int64(time.Second)
	if frac < 0 {
		frac += int64(time.Second)
	}
	return uint64(frac / int64(Tick))
}

// appendFrac7 appends a tick count below one second as seven digits, without
// trailing zeros when trim is set.
func appendFrac7(dst []byte, ticks uint64, trim bool) []byte {
	var d [7]byte
	for i := 6; i >= 0; i-- {
		d[i] = byte('0' + ticks%10)
		ticks /= 10
	}
	n := 7
	if trim {
		for n > 1 && d[n-1] == '0' {
			n--
		}
	}
	return append(dst, d[:n]...)
}

func append2(dst []byte, v uint64) []byte {
	return append(dst, byte('0'+v/10), byte('0'+v%10))
}

// FormatTimeSpan renders a duration in nanoseconds as Kusto text: [-][d.]hh:mm:ss[.fffffff].
// 1 day 2h3m4s is "1.02:03:04"; 30 minutes is "00:30:00"; 1.5 seconds is "00:00:01.5000000".
func FormatTimeSpan(ns int64) string {
	var b [32]byte
	return string(AppendTimeSpan(b[:0], ns))
}

// AppendTimeSpan appends the FormatTimeSpan form of ns to dst without allocating.
func AppendTimeSpan(dst []byte, ns int64) []byte {
	u := uint64(ns)
	if ns < 0 {
		dst = append(dst, '-')
		u = uint64(-ns)
	}
	ticks := u / uint64(Tick)
	frac := ticks % 10_000_000
	secs := ticks / 10_000_000
	days := secs / 86400
	secs %= 86400
	if days > 0 {
		dst = strconv.AppendUint(dst, days, 10)
		dst = append(dst, '.')
	}
	dst = append2(dst, secs/3600)
	dst = append(dst, ':')
	dst = append2(dst, secs/60%60)
	dst = append(dst, ':')
	dst = append2(dst, secs%60)
	if frac != 0 {
		dst = append(dst, '.')
		dst = appendFrac7(dst, frac, false)
	}
	return dst
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

// timeSpanUnits are the units of timespan literals (1d, 1.5h, 30m, 100ms, 10tick),
// in nanoseconds.
var timeSpanUnits = map[string]int64{
	"d": 86400e9, "day": 86400e9, "days": 86400e9,
	"h": 3600e9, "hr": 3600e9, "hrs": 3600e9, "hour": 3600e9, "hours": 3600e9,
	"m": 60e9, "min": 60e9, "mins": 60e9, "minute": 60e9, "minutes": 60e9,
	"s": 1e9, "sec": 1e9, "secs": 1e9, "second": 1e9, "seconds": 1e9,
	"ms": 1e6, "milli": 1e6, "millis": 1e6, "millisecond": 1e6, "milliseconds": 1e6,
	"microsecond": 1e3, "microseconds": 1e3, "micro": 1e3, "micros": 1e3,
	"nanosecond": 1, "nanoseconds": 1, "nano": 1, "nanos": 1,
	"tick": 100, "ticks": 100,
}

// TimeSpanUnit returns the nanoseconds in one of a timespan literal's unit
// suffix (d, h, m, s, ms, tick and their long names, as written: lower case).
func TimeSpanUnit(unit string) (int64, bool) {
	ns, ok := timeSpanUnits[unit]
	return ns, ok
}

// ErrOutOfRange reports a number too large for its type.
var ErrOutOfRange = errors.New("value out of range")

// ScaleDecimal returns text×mult as an int64: exactly for decimal text
// (1.1 × 1e9 is 1100000000), through float64 for exponent forms (1e3). text
// has no sign.
func ScaleDecimal(text string, mult int64) (int64, error) {
	if strings.ContainsAny(text, "eE") {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return 0, err
		}
		v := f * float64(mult)
		if v > 9.2e18 || v < -9.2e18 {
			return 0, ErrOutOfRange
		}
		return int64(v), nil
	}
	intPart, frac, _ := strings.Cut(text, ".")
	var ns int64
	if intPart != "" {
		v, err := strconv.ParseInt(intPart, 10, 64)
		if err != nil || v > math.MaxInt64/mult {
			return 0, ErrOutOfRange
		}
		ns = v * mult
	}
	for k, scale := 0, mult/10; k < len(frac) && scale > 0; k, scale = k+1, scale/10 {
		if ns > math.MaxInt64-9*scale {
			return 0, ErrOutOfRange
		}
		ns += int64(frac[k]-'0') * scale
	}
	return ns, nil
}

// ParseTimeSpan parses a timespan written as Kusto text ([-][d.]hh:mm[:ss[.f]],
// see ParseTimeSpanText) or as a literal: a decimal number and a unit (1d,
// -1.5h, 30m, 100ms, 10s, 2days, 5ticks; units are case-insensitive). The
// number is scaled exactly (1.1s is 1100000000 ns). A number without a unit
// is an error: its meaning (days in KQL, seconds in some logs) is the caller's.
func ParseTimeSpan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, ':') >= 0 {
		return ParseTimeSpanText(s)
	}
	body := s
	neg := false
	if body != "" && (body[0] == '-' || body[0] == '+') {
		neg = body[0] == '-'
		body = body[1:]
	}
	i, dots := 0, 0
	for i < len(body) && (body[i] >= '0' && body[i] <= '9' || body[i] == '.') {
		if body[i] == '.' {
			dots++
		}
		i++
	}
	num, unit := body[:i], strings.ToLower(body[i:])
	mult, ok := TimeSpanUnit(unit)
	if !ok || dots > 1 || strings.Trim(num, ".") == "" {
		return 0, fmt.Errorf("%q: %w", s, ErrBadTimeSpan)
	}
	ns, err := ScaleDecimal(num, mult)
	if err != nil {
		return 0, fmt.Errorf("%q: %w (out of range)", s, ErrBadTimeSpan)
	}
	if neg {
		ns = -ns
	}
	return ns, nil
}
