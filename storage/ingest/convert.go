package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl/kusto"
)

// value is one converted cell, typed by its column's Kusto type.
type value struct {
	null bool
	i    int64 // int, long, datetime (ns), timespan (ns)
	f    float64
	b    bool
	s    string // string, guid, dynamic (JSON text)
}

// The range of datetimes Arrow Timestamp(ns) can hold.
var (
	minTime = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2262, 4, 11, 0, 0, 0, 0, time.UTC)
)

// fromText converts a text field (CSV, proxy logs) to a value of type t. An
// empty field is null ("" for string-like types).
func fromText(t kusto.Type, s string) (value, error) {
	switch t {
	case kusto.String:
		return value{s: s}, nil
	case kusto.Dynamic:
		return dynamicFromText(s)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		if t == kusto.Guid {
			return value{}, nil
		}
		return value{null: true}, nil
	}
	switch t {
	case kusto.Bool:
		switch strings.ToLower(s) {
		case "true", "1", "yes":
			return value{b: true}, nil
		case "false", "0", "no":
			return value{b: false}, nil
		}
		return value{}, fmt.Errorf("%q is not a bool", s)
	case kusto.Int, kusto.Long:
		return parseInteger(t, s)
	case kusto.Real:
		return parseReal(s)
	case kusto.Decimal:
		v, err := parseReal(s)
		if err != nil || !decimalFits(v.f) {
			return value{}, fmt.Errorf("%q is not a decimal", s)
		}
		return v, nil
	case kusto.DateTime:
		ns, err := parseDateTime(s)
		return value{i: ns}, err
	case kusto.TimeSpan:
		ns, err := parseTimeSpan(s)
		return value{i: ns}, err
	case kusto.Guid:
		g, err := parseGUID(s)
		return value{s: g}, err
	}
	return value{}, fmt.Errorf("unsupported column type %s", t)
}

// fromJSON converts a JSON value to a value of type t. JSON null is null (""
// for string-like types); strings are parsed as text for the other types.
func fromJSON(t kusto.Type, raw json.RawMessage) (value, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		if t == kusto.String || t == kusto.Guid || t == kusto.Dynamic {
			return value{}, nil
		}
		return value{null: true}, nil
	}
	if raw[0] == '"' {
		var s string
		if len(raw) >= 2 && raw[len(raw)-1] == '"' && simpleString(raw[1:len(raw)-1]) {
			s = string(raw[1 : len(raw)-1])
		} else if err := json.Unmarshal(raw, &s); err != nil {
			return value{}, fmt.Errorf("bad JSON string: %v", err)
		}
		if t == kusto.Dynamic {
			// Dynamic values often arrive as JSON text inside a string.
			ts := strings.TrimSpace(s)
			if len(ts) > 0 && (ts[0] == '{' || ts[0] == '[') && json.Valid([]byte(ts)) {
				return compactJSON([]byte(ts))
			}
			return value{s: string(raw)}, nil
		}
		if t == kusto.String {
			return value{s: s}, nil
		}
		return fromText(t, s)
	}
	switch t {
	case kusto.String:
		// A number or bool in a string column keeps its JSON text; objects and
		// arrays are compacted.
		v, err := compactJSON(raw)
		return v, err
	case kusto.Dynamic:
		return compactJSON(raw)
	case kusto.Bool:
		switch string(raw) {
		case "true":
			return value{b: true}, nil
		case "false":
			return value{b: false}, nil
		case "1":
			return value{b: true}, nil
		case "0":
			return value{b: false}, nil
		}
		return value{}, fmt.Errorf("%s is not a bool", clip(raw))
	case kusto.DateTime, kusto.TimeSpan, kusto.Int, kusto.Long, kusto.Real, kusto.Decimal:
		if raw[0] == '{' || raw[0] == '[' || raw[0] == 't' || raw[0] == 'f' {
			return value{}, fmt.Errorf("%s is not a %s", clip(raw), t)
		}
		return fromText(t, string(raw))
	case kusto.Guid:
		return value{}, fmt.Errorf("%s is not a guid", clip(raw))
	}
	return value{}, fmt.Errorf("unsupported column type %s", t)
}

// simpleString reports whether a JSON string body needs no unescaping: no
// backslash, quote, control byte or non-ASCII byte.
func simpleString(b []byte) bool {
	for _, c := range b {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
			return false
		}
	}
	return true
}

func compactJSON(raw []byte) (value, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return value{}, fmt.Errorf("bad JSON: %v", err)
	}
	return value{s: b.String()}, nil
}

// dynamicFromText keeps valid JSON as is (compacted) and turns other text into a
// JSON string; an empty field is "".
func dynamicFromText(s string) (value, error) {
	ts := strings.TrimSpace(s)
	if ts == "" {
		return value{}, nil
	}
	if json.Valid([]byte(ts)) {
		return compactJSON([]byte(ts))
	}
	q, _ := json.Marshal(s)
	return value{s: string(q)}, nil
}

func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

func parseInteger(t kusto.Type, s string) (value, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Integral values written as reals ("42.0", "1e3") are fine.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<63-1024 || math.IsInf(f, 0) {
			return value{}, fmt.Errorf("%q is not a %s", s, t)
		}
		n = int64(f)
	}
	if t == kusto.Int && (n < math.MinInt32 || n > math.MaxInt32) {
		return value{}, fmt.Errorf("%s out of int range", s)
	}
	return value{i: n}, nil
}

func parseReal(s string) (value, error) {
	switch strings.ToLower(s) {
	case "nan":
		return value{f: math.NaN()}, nil
	case "infinity", "+infinity", "inf", "+inf":
		return value{f: math.Inf(1)}, nil
	case "-infinity", "-inf":
		return value{f: math.Inf(-1)}, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return value{}, fmt.Errorf("%q is not a real", s)
	}
	return value{f: f}, nil
}

// logDateLayouts are the log timestamp forms that todatetime's text rules
// (kusto.ParseDateTime) do not cover.
var logDateLayouts = []string{
	"Jan 2, 2006 3:04:05.999999999 PM",
	"Jan 2 2006 15:04:05",
	"02/Jan/2006:15:04:05 -0700",
}

// ErrTimeRange reports a datetime outside what the engine can hold.
var ErrTimeRange = kusto.ErrDateTimeRange

// parseDateTime accepts todatetime's text forms (kusto.ParseDateTime: ISO-8601
// with or without zone, no zone is UTC; RFC 1123 ...), a few log layouts, and Unix epoch numbers in seconds, milliseconds,
// microseconds or nanoseconds (told apart by magnitude).
func parseDateTime(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "datetime(") && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[len("datetime(") : len(s)-1])
	}
	if ns, ok, err := parseEpochExact(s); ok {
		return ns, err
	}
	if s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '-') && isNumber(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a datetime", s)
		}
		var ns float64
		switch a := math.Abs(f); {
		case a < 1e11:
			ns = f * 1e9
		case a < 1e14:
			ns = f * 1e6
		case a < 1e17:
			ns = f * 1e3
		default:
			ns = f
		}
		if ns < float64(minTime.UnixNano()) || ns > float64(maxTime.UnixNano()) {
			return 0, fmt.Errorf("%s: %w", s, ErrTimeRange)
		}
		if i, err := strconv.ParseInt(s, 10, 64); err == nil && math.Abs(f) >= 1e17 {
			return i, nil // exact nanoseconds
		}
		return int64(math.Round(ns/100) * 100), nil
	}
	if ns, err := kusto.ParseDateTime(s); err == nil || errors.Is(err, kusto.ErrDateTimeRange) {
		return ns, err
	}
	for _, layout := range logDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			ns, ok := kusto.UnixNanos(t)
			if !ok {
				return 0, fmt.Errorf("%s: %w", s, ErrTimeRange)
			}
			return ns, nil
		}
	}
	return 0, fmt.Errorf("%q is not a datetime", s)
}

// parseEpochExact converts plain decimal epoch numbers ([-]digits[.digits])
// without going through float64, so 1793606400.123 is exactly .123 s. ok is
// false for other forms.
func parseEpochExact(s string) (ns int64, ok bool, err error) {
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(body, ".")
	if ip == "" || len(ip) > 19 || !allDigits(ip) || !allDigits(fp) {
		return 0, false, nil
	}
	n, perr := strconv.ParseUint(ip, 10, 64)
	if perr != nil {
		return 0, false, nil
	}
	var scale uint64 // nanoseconds per unit
	switch {
	case n < 1e11:
		scale = 1e9
	case n < 1e14:
		scale = 1e6
	case n < 1e17:
		scale = 1e3
	default:
		scale = 1
	}
	limit := uint64(maxTime.UnixNano())
	if neg {
		limit = uint64(-minTime.UnixNano())
	}
	if n > limit/scale {
		return 0, true, fmt.Errorf("%s: %w", s, ErrTimeRange)
	}
	total := n * scale
	// The fraction, in units of the scale, truncated to whole nanoseconds.
	for i, unit := 0, scale/10; i < len(fp) && unit > 0; i, unit = i+1, unit/10 {
		total += uint64(fp[i]-'0') * unit
	}
	if total > limit {
		return 0, true, fmt.Errorf("%s: %w", s, ErrTimeRange)
	}
	if neg {
		return -int64(total), true, nil
	}
	return int64(total), true, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isNumber reports whether s is a decimal number (no exponent letters other
// than e/E, no separators).
func isNumber(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == 'e' || c == 'E' || (c == '-' || c == '+') && (i == 0 || s[i-1] == 'e' || s[i-1] == 'E'):
		default:
			return false
		}
	}
	return digits > 0
}

// parseTimeSpan accepts Kusto text ([-][d.]hh:mm[:ss[.fffffff]]), Kusto literals
// (1d, 2h, 30m, 10s, 100ms; kusto.ParseTimeSpan), and plain numbers as seconds.
func parseTimeSpan(s string) (int64, error) {
	if isNumber(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err == nil && math.Abs(f) < 9e9 {
			return int64(f * 1e9), nil
		}
	}
	if ns, err := kusto.ParseTimeSpan(s); err == nil {
		return ns, nil
	}
	return 0, fmt.Errorf("%q is not a timespan", s)
}

// parseGUID accepts 32 hex digits with optional dashes and braces and returns
// the canonical lower-case form.
func parseGUID(s string) (string, error) {
	t := strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	var hexd []byte
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
			hexd = append(hexd, c)
		case c >= 'A' && c <= 'F':
			hexd = append(hexd, c+'a'-'A')
		case c == '-':
		default:
			return "", fmt.Errorf("%q is not a guid", s)
		}
	}
	if len(hexd) != 32 {
		return "", fmt.Errorf("%q is not a guid", s)
	}
	h := string(hexd)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}
