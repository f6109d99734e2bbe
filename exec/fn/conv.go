package fn

import (
	"math"
	"strconv"
	"strings"

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

// parseTimeSpan accepts the text form ([-][d.]hh:mm[:ss[.f]]), literal forms
// with a unit (1d, 1.5h, 30m, 100ms, 10s, 2days; kusto.ParseTimeSpan) and a
// bare number, which counts days as in timespan(2).
func parseTimeSpan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+') }) < 0 {
		s += "d"
	}
	ns, err := kusto.ParseTimeSpan(s)
	return ns, err == nil
}

// parseDateTime is todatetime's text rule (kusto.ParseDateTime); bad text
// gives false.
func parseDateTime(s string) (int64, bool) {
	ns, err := kusto.ParseDateTime(s)
	return ns, err == nil
}
