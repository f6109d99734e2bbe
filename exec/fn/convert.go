package fn

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/kusto"
)

// Convert converts n rows of a to Kusto type to with the rules of the to*()
// functions (tolong, todatetime, tostring, ...): text is parsed, numbers are
// widened or truncated, values that do not convert become null (strings
// become ""). A Const argument yields n copies.
func Convert(ctx *Context, a Arg, n int, to kusto.Type) (arrow.Array, error) {
	return evalRows(ctx, identity, []Arg{a}, n, to, true)
}

func identity(_ *Context, v []value) value { return v[0] }

// ParseDateTime parses text the way todatetime() does and returns
// nanoseconds since the Unix epoch.
func ParseDateTime(s string) (int64, bool) { return parseDateTime(s) }

// ParseTimeSpan parses text the way totimespan() does ("01:30:00",
// "1.02:03:04.5", "1.5h", "30m") and returns nanoseconds.
func ParseTimeSpan(s string) (int64, bool) { return parseTimeSpan(s) }
