package eval

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/kusto"
)

// ParseText converts texts to values of type t; bad text gives null.
func ParseText(vals []string, t kusto.Type) (arrow.Array, error) {
	valid := make([]bool, len(vals))
	switch t {
	case kusto.String, kusto.Guid, kusto.Dynamic:
		return NewStrings(vals), nil
	case kusto.Real:
		out := make([]float64, len(vals))
		for i, v := range vals {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			out[i], valid[i] = f, err == nil
		}
		return NewFloats(out, valid), nil
	case kusto.Int, kusto.Long:
		out := make([]int64, len(vals))
		for i, v := range vals {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			out[i], valid[i] = n, err == nil
		}
		return NewInts(t, out, valid), nil
	case kusto.Bool:
		out := make([]int64, len(vals))
		for i, v := range vals {
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "true", "1":
				out[i], valid[i] = 1, true
			case "false", "0":
				valid[i] = true
			}
		}
		return NewInts(t, out, valid), nil
	case kusto.DateTime:
		out := make([]int64, len(vals))
		for i, v := range vals {
			if tm, ok := parseTime(strings.TrimSpace(v)); ok {
				out[i], valid[i] = tm.UnixNano(), true
			}
		}
		return NewInts(t, out, valid), nil
	case kusto.TimeSpan:
		out := make([]int64, len(vals))
		for i, v := range vals {
			if ns, err := kusto.ParseTimeSpanText(strings.TrimSpace(v)); err == nil {
				out[i], valid[i] = ns, true
			}
		}
		return NewInts(t, out, valid), nil
	}
	return nil, fmt.Errorf("cannot convert text to %s", t)
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02", "2006-01-02 15:04:05.999999999"}

func parseTime(s string) (time.Time, bool) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
