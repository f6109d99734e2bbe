package lang

import (
	"strconv"
	"strings"

	"github.com/prowl-hunt/prowl/lang/ast"
)

// tokKind classifies a token.
type tokKind uint8

const (
	tEOF      tokKind = iota
	tIdent            // name, keyword, $left
	tInt              // integer literal (Text as written)
	tReal             // real literal (Text as written)
	tString           // string literal; Text is the decoded value
	tTimeSpan         // timespan literal; Num is nanoseconds
	tTyped            // typed literal such as datetime(2020-01-01): Text is the type name, Raw the content
	tPunct            // operator or punctuation; Text is its spelling
	tBad              // a character that starts no token (reported, then skipped)
)

// token is one lexeme. End is the byte offset just past it; Space tells whether
// whitespace or a comment preceded it (hyphenated names and `!has` need
// adjacency).
type token struct {
	Kind  tokKind
	Text  string
	Raw   string
	Num   int64
	Pos   ast.Pos
	End   int
	Space bool
}

// timespan units in nanoseconds, by every suffix Kusto accepts.
var timeUnits = map[string]int64{
	"d": 86400e9, "day": 86400e9, "days": 86400e9,
	"h": 3600e9, "hr": 3600e9, "hrs": 3600e9, "hour": 3600e9, "hours": 3600e9,
	"m": 60e9, "min": 60e9, "mins": 60e9, "minute": 60e9, "minutes": 60e9,
	"s": 1e9, "sec": 1e9, "secs": 1e9, "second": 1e9, "seconds": 1e9,
	"ms": 1e6, "milli": 1e6, "millis": 1e6, "millisecond": 1e6, "milliseconds": 1e6,
	"microsecond": 1e3, "microseconds": 1e3, "micro": 1e3, "micros": 1e3,
	"nanosecond": 1, "nanoseconds": 1, "nano": 1, "nanos": 1,
	"tick": 100, "ticks": 100,
}

// scaleNumber returns text*mult exactly for decimal text, as an int64.
func scaleNumber(text string, mult int64) (int64, error) {
	if !strings.ContainsAny(text, "eE") {
		intPart, frac, _ := strings.Cut(text, ".")
		if intPart == "" {
			intPart = "0"
		}
		iv, err := strconv.ParseInt(intPart, 10, 64)
		if err != nil || iv > (1<<63-1)/mult {
			return 0, errOverflow
		}
		ns := iv * mult
		// fractional part: digits scaled by mult
		scale := mult
		for k := 0; k < len(frac) && scale > 0; k++ {
			scale /= 10
			ns += int64(frac[k]-'0') * scale
		}
		return ns, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, err
	}
	v := f * float64(mult)
	if v > 9.2e18 || v < -9.2e18 {
		return 0, errOverflow
	}
	return int64(v), nil
}
