package kusto

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// ErrBadDateTime reports text that is not a datetime.
var ErrBadDateTime = errors.New("not a datetime")

// ErrDateTimeRange reports a datetime outside what nanoseconds since the Unix
// epoch in an int64 can hold.
var ErrDateTimeRange = errors.New("outside the datetime range 1678-2262")

// ParseDateTime parses datetime text the way todatetime() does: ISO-8601
// (date, date and time with 'T' or a space, optional seconds, fraction of any
// length, 'Z' or an offset; no zone is UTC), RFC 1123/850/822 forms, ANSI C
// and a few common layouts (1/2/2006 15:04:05, 2006/01/02, 20060102). It
// returns nanoseconds since the Unix epoch.
func ParseDateTime(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if ns, ok, inRange := parseISO(s); ok {
		if !inRange {
			return 0, fmt.Errorf("%q: %w", s, ErrDateTimeRange)
		}
		return ns, nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			ns, ok := UnixNanos(t)
			if !ok {
				return 0, fmt.Errorf("%q: %w", s, ErrDateTimeRange)
			}
			return ns, nil
		}
	}
	return 0, fmt.Errorf("%q: %w", s, ErrBadDateTime)
}

// minTime and maxTime bound what a datetime in nanoseconds can hold.
var (
	minTime = time.Unix(0, math.MinInt64).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

// UnixNanos returns t as nanoseconds since the Unix epoch, or false when t is
// outside what an int64 of nanoseconds holds (1678-2262).
func UnixNanos(t time.Time) (int64, bool) {
	if t.Before(minTime) || t.After(maxTime) {
		return 0, false
	}
	return t.UnixNano(), true
}

var dateLayouts = []string{
	time.RFC1123, time.RFC1123Z, time.RFC850, time.RFC822, time.RFC822Z, time.ANSIC,
	"Mon, 2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05", "2 Jan 2006",
	"1/2/2006 15:04:05", "1/2/2006 15:04", "1/2/2006 3:04:05 PM", "1/2/2006",
	"2006/01/02 15:04:05", "2006/01/02", "20060102",
}

// parseISO parses the ISO-8601 forms; ok is false when s is not one, inRange
// false when it is one but outside the int64 nanosecond range.
func parseISO(s string) (ns int64, ok, inRange bool) {
	num := func(t string) (int, bool) {
		n := 0
		if t == "" {
			return 0, false
		}
		for i := 0; i < len(t); i++ {
			c := t[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false, false
	}
	y, ok1 := num(s[0:4])
	mo, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return 0, false, false
	}
	rest := s[10:]
	var h, mi, sec, frac int
	loc := time.UTC
	if rest != "" {
		if rest[0] != 'T' && rest[0] != ' ' {
			return 0, false, false
		}
		rest = rest[1:]
		if len(rest) < 5 || rest[2] != ':' {
			return 0, false, false
		}
		var ok bool
		if h, ok = num(rest[0:2]); !ok || h > 23 {
			return 0, false, false
		}
		if mi, ok = num(rest[3:5]); !ok || mi > 59 {
			return 0, false, false
		}
		rest = rest[5:]
		if len(rest) >= 3 && rest[0] == ':' {
			if sec, ok = num(rest[1:3]); !ok || sec > 59 {
				return 0, false, false
			}
			rest = rest[3:]
			if len(rest) > 0 && rest[0] == '.' {
				j := 1
				for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
					j++
				}
				digits := rest[1:j]
				if digits == "" {
					return 0, false, false
				}
				if len(digits) > 9 {
					digits = digits[:9]
				}
				frac, _ = num(digits)
				for k := len(digits); k < 9; k++ {
					frac *= 10
				}
				rest = rest[j:]
			}
		}
		switch {
		case rest == "" || rest == "Z" || rest == "z":
		case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
			oh, ok1 := num(rest[1:3])
			om, ok2 := num(rest[4:6])
			if !ok1 || !ok2 {
				return 0, false, false
			}
			off := oh*3600 + om*60
			if rest[0] == '-' {
				off = -off
			}
			loc = time.FixedZone("", off)
		default:
			return 0, false, false
		}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, frac, loc)
	if t.Day() != d { // Feb 30 and the like
		return 0, false, false
	}
	ns, inRange = UnixNanos(t)
	return ns, true, inRange
}
