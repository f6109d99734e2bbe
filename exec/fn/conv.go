package fn

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl/exec/fn/dyn"
	"github.com/prowl-hunt/prowl/kusto"
)

// ticksEpoch is 1970-01-01 in .NET ticks (100 ns since 0001-01-01), which is
// what tolong(datetime) returns.
const ticksEpoch = 621355968000000000

// toStringValue is tostring(): null is "", datetimes in the seven-digit
// ISO form, timespans as [d.]hh:mm:ss[.fffffff], dynamic strings unquoted and
// other dynamic values as JSON text.
func toStringValue(v value) string {
	switch v.t {
	case kusto.Invalid:
		return ""
	case kusto.String, kusto.Guid:
		return v.s
	case kusto.Bool:
		if v.b {
			return "true"
		}
		return "false"
	case kusto.Int, kusto.Long:
		return strconv.FormatInt(v.i, 10)
	case kusto.Real, kusto.Decimal:
		return dyn.FormatReal(v.f)
	case kusto.DateTime:
		return kusto.FormatDateTime(v.i)
	case kusto.TimeSpan:
		return kusto.FormatTimeSpan(v.i)
	case kusto.Dynamic:
		if strings.HasPrefix(v.s, `"`) {
			if d, err := dyn.Parse(v.s); err == nil {
				return dyn.ToString(d)
			}
		}
		return v.s
	}
	return ""
}

func toBoolValue(v value) (bool, bool) {
	switch v.t {
	case kusto.Bool:
		return v.b, true
	case kusto.Int, kusto.Long:
		return v.i != 0, true
	case kusto.Real:
		return v.f != 0, !math.IsNaN(v.f)
	case kusto.String, kusto.Dynamic:
		s := v.s
		if v.t == kusto.Dynamic {
			switch d := v.dyn().(type) {
			case bool:
				return d, true
			case int64:
				return d != 0, true
			case float64:
				return d != 0, true
			case string:
				s = d
			default:
				return false, false
			}
		}
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "1":
			return true, true
		case "false", "0":
			return false, true
		}
	}
	return false, false
}

// toLongValue is tolong()/toint() before narrowing: reals truncate, strings
// must be integers ("3.14" is null), datetimes and timespans give ticks.
func toLongValue(v value) (int64, bool) {
	switch v.t {
	case kusto.Bool:
		if v.b {
			return 1, true
		}
		return 0, true
	case kusto.Int, kusto.Long:
		return v.i, true
	case kusto.Real:
		if isNaNOrInf(v.f) || v.f >= 9.3e18 || v.f <= -9.3e18 {
			return 0, false
		}
		return int64(v.f), true
	case kusto.DateTime:
		return v.i/100 + ticksEpoch, true
	case kusto.TimeSpan:
		return v.i / 100, true
	case kusto.String:
		x, err := strconv.ParseInt(strings.TrimSpace(v.s), 10, 64)
		return x, err == nil
	case kusto.Dynamic:
		switch d := v.dyn().(type) {
		case int64:
			return d, true
		case float64:
			return toLongValue(realValue(d))
		case bool:
			return toLongValue(boolValue(d))
		case string:
			return toLongValue(stringValue(d))
		}
	}
	return 0, false
}

func toRealValue(v value) (float64, bool) {
	switch v.t {
	case kusto.Bool:
		if v.b {
			return 1, true
		}
		return 0, true
	case kusto.Int, kusto.Long:
		return float64(v.i), true
	case kusto.Real:
		return v.f, true
	case kusto.DateTime:
		return float64(v.i/100 + ticksEpoch), true
	case kusto.TimeSpan:
		return float64(v.i / 100), true
	case kusto.String:
		return parseReal(v.s)
	case kusto.Dynamic:
		switch d := v.dyn().(type) {
		case int64:
			return float64(d), true
		case float64:
			return d, true
		case bool:
			return toRealValue(boolValue(d))
		case string:
			return parseReal(d)
		}
	}
	return 0, false
}

func parseReal(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "NaN", "nan":
		return math.NaN(), true
	case "Infinity", "inf", "+inf", "+Infinity":
		return math.Inf(1), true
	case "-Infinity", "-inf":
		return math.Inf(-1), true
	}
	if s == "" || strings.ContainsAny(s, "xXpP_") { // Go accepts hex floats and underscores; Kusto does not
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func toDateTimeValue(v value) (int64, bool) {
	switch v.t {
	case kusto.DateTime:
		return v.i, true
	case kusto.String:
		return parseDateTime(v.s)
	case kusto.Dynamic:
		if s, ok := v.dyn().(string); ok {
			return parseDateTime(s)
		}
	}
	return 0, false
}

func toTimeSpanValue(v value) (int64, bool) {
	switch v.t {
	case kusto.TimeSpan:
		return v.i, true
	case kusto.String:
		return parseTimeSpan(v.s)
	case kusto.Dynamic:
		if s, ok := v.dyn().(string); ok {
			return parseTimeSpan(s)
		}
	}
	return 0, false
}

// parseTimeSpan accepts the text form ([-][d.]hh:mm[:ss[.f]]) and literal forms
// with a unit (1d, 1.5h, 30m, 100ms, 10s, 2days).
func parseTimeSpan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ":") {
		ns, err := kusto.ParseTimeSpanText(s)
		return ns, err == nil
	}
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, unit := s[:i], strings.ToLower(s[i:])
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	var u float64
	switch unit {
	case "d", "day", "days":
		u = float64(24 * time.Hour)
	case "h", "hr", "hrs", "hour", "hours":
		u = float64(time.Hour)
	case "m", "min", "minute", "minutes":
		u = float64(time.Minute)
	case "s", "sec", "second", "seconds":
		u = float64(time.Second)
	case "ms", "milli", "millis", "millisecond", "milliseconds":
		u = float64(time.Millisecond)
	case "microsecond", "microseconds", "micro", "micros":
		u = float64(time.Microsecond)
	case "nano", "nanos", "nanosecond", "nanoseconds":
		u = 1
	case "tick", "ticks":
		u = 100
	case "":
		u = float64(24 * time.Hour) // timespan(2) is two days
	default:
		return 0, false
	}
	r := f * u
	if r > math.MaxInt64 || r < math.MinInt64 {
		return 0, false
	}
	return int64(math.Round(r)), true
}

// minNs and maxNs bound what a datetime in nanoseconds can hold.
var (
	minTime = time.Unix(0, math.MinInt64).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

func timeNs(t time.Time) (int64, bool) {
	if t.Before(minTime) || t.After(maxTime) {
		return 0, false
	}
	return t.UnixNano(), true
}

// parseDateTime accepts ISO-8601 (date, date and time with 'T' or a space,
// optional seconds, fraction of any length, 'Z' or an offset; no zone is UTC),
// RFC 1123/822 forms and a few common layouts. Bad text gives false.
func parseDateTime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if ns, ok := parseISO(s); ok {
		return ns, true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return timeNs(t)
		}
	}
	return 0, false
}

var dateLayouts = []string{
	time.RFC1123, time.RFC1123Z, time.RFC850, time.RFC822, time.RFC822Z, time.ANSIC,
	"Mon, 2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05", "2 Jan 2006",
	"1/2/2006 15:04:05", "1/2/2006 15:04", "1/2/2006 3:04:05 PM", "1/2/2006",
	"2006/01/02 15:04:05", "2006/01/02", "20060102",
}

func parseISO(s string) (int64, bool) {
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
		return 0, false
	}
	y, ok1 := num(s[0:4])
	mo, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return 0, false
	}
	rest := s[10:]
	var h, mi, sec, frac int
	loc := time.UTC
	if rest != "" {
		if rest[0] != 'T' && rest[0] != ' ' {
			return 0, false
		}
		rest = rest[1:]
		if len(rest) < 5 || rest[2] != ':' {
			return 0, false
		}
		var ok bool
		if h, ok = num(rest[0:2]); !ok || h > 23 {
			return 0, false
		}
		if mi, ok = num(rest[3:5]); !ok || mi > 59 {
			return 0, false
		}
		rest = rest[5:]
		if len(rest) >= 3 && rest[0] == ':' {
			if sec, ok = num(rest[1:3]); !ok || sec > 59 {
				return 0, false
			}
			rest = rest[3:]
			if len(rest) > 0 && rest[0] == '.' {
				j := 1
				for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
					j++
				}
				digits := rest[1:j]
				if digits == "" {
					return 0, false
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
				return 0, false
			}
			off := oh*3600 + om*60
			if rest[0] == '-' {
				off = -off
			}
			loc = time.FixedZone("", off)
		default:
			return 0, false
		}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, frac, loc)
	if t.Day() != d { // Feb 30 and the like
		return 0, false
	}
	return timeNs(t)
}
