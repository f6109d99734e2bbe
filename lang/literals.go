package lang

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// typedLiteral converts a `type(raw)` token into a Literal.
func (p *parser) typedLiteral(t *token) ast.Expr {
	lit, msg := decodeTyped(p.src, t)
	if msg != "" {
		p.failf(t.Pos, "%s", msg)
	}
	return lit
}

// decodeTyped converts a `type(raw)` token into a Literal, or returns why
// its content is bad.
func decodeTyped(src string, t *token) (*ast.Literal, string) {
	typ, _ := kusto.ParseType(t.Text)
	text := src[t.Pos.Offset:t.End]
	lit := &ast.Literal{P: t.Pos, Type: typ, Text: text}
	raw := t.Raw
	if raw == "null" {
		lit.Null = true
		return lit, ""
	}
	bad := func(why string) (*ast.Literal, string) {
		return nil, fmt.Sprintf("bad %s literal %s: %s", typ, text, why)
	}
	switch typ {
	case kusto.DateTime:
		ns, err := ParseDateTimeText(raw)
		if err != nil {
			return bad("expected a date such as 2020-09-02 or 2020-09-02T10:00:00Z")
		}
		lit.Value = ns
	case kusto.TimeSpan:
		ns, err := parseTimeSpanLiteral(raw)
		if err != nil {
			return bad("expected a number of days, a value with a unit such as 1.5h, or d.hh:mm:ss")
		}
		lit.Value = ns
	case kusto.Guid:
		g, ok := canonicalGuid(raw)
		if !ok {
			return bad("expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
		}
		lit.Value = g
	case kusto.Bool:
		switch strings.ToLower(raw) {
		case "true", "1":
			lit.Value = true
		case "false", "0":
			lit.Value = false
		default:
			return bad("expected true, false or null")
		}
	case kusto.Int:
		v, err := strconv.ParseInt(strings.TrimPrefix(raw, "+"), 10, 32)
		if err != nil {
			return bad("expected a 32-bit integer or null")
		}
		lit.Value = int32(v)
	case kusto.Long:
		v, err := parseIntText(strings.TrimPrefix(raw, "+"))
		if err != nil {
			if strings.HasPrefix(raw, "-") {
				v, err = strconv.ParseInt(raw, 10, 64)
			}
			if err != nil {
				return bad("expected a 64-bit integer or null")
			}
		}
		lit.Value = v
	case kusto.Real:
		switch strings.ToLower(raw) {
		case "nan":
			lit.Value = math.NaN()
		case "inf", "+inf":
			lit.Value = math.Inf(1)
		case "-inf":
			lit.Value = math.Inf(-1)
		default:
			v, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				return bad("expected a number, nan, +inf, -inf or null")
			}
			lit.Value = v
		}
	case kusto.Decimal:
		if _, err := strconv.ParseFloat(raw, 64); err != nil {
			return bad("expected a decimal number or null")
		}
		lit.Value = raw
	default:
		return bad("unsupported literal type")
	}
	return lit, ""
}

// parseTimeSpanLiteral parses the content of timespan(...): a number of days,
// a number with a unit, or the [d.]hh:mm[:ss[.f]] form.
func parseTimeSpanLiteral(raw string) (int64, error) {
	if strings.Contains(raw, ":") {
		return kusto.ParseTimeSpanText(raw)
	}
	neg := strings.HasPrefix(raw, "-")
	s := strings.TrimPrefix(raw, "-")
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	if i == 0 {
		return 0, kusto.ErrBadTimeSpan
	}
	unit := s[i:]
	mult := int64(86400e9)
	if unit != "" {
		m, ok := kusto.TimeSpanUnit(unit)
		if !ok {
			return 0, kusto.ErrBadTimeSpan
		}
		mult = m
	}
	if strings.Count(s[:i], ".") > 1 {
		return 0, kusto.ErrBadTimeSpan
	}
	ns, err := kusto.ScaleDecimal(s[:i], mult)
	if err != nil {
		return 0, err
	}
	if neg {
		ns = -ns
	}
	return ns, nil
}

var dateLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006-1-2",
	"2006-01-02T15",
	"2006/01/02 15:04:05.999999999",
	"2006/01/02 15:04",
	"2006/01/02",
	"01/02/2006 15:04:05",
	"01/02/2006",
	time.RFC1123,
	time.RFC1123Z,
	"Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05",
	"2 Jan 2006",
	"20060102",
}

// ParseDateTimeText parses the datetime forms Kusto accepts in datetime(...)
// literals and todatetime(): ISO-8601 with or without time, fraction and zone,
// a space instead of T, slashes, RFC 1123. It returns nanoseconds since the
// Unix epoch (UTC) and an error for text it does not understand or a date
// outside 1677..2262.
func ParseDateTimeText(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "z") {
		s = s[:len(s)-1] + "Z"
	}
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if t.Year() < 1678 || t.Year() > 2261 {
			return 0, errOverflow
		}
		return t.UnixNano(), nil
	}
	return 0, kusto.ErrBadTimeSpan
}

// canonicalGuid returns the lower-case 8-4-4-4-12 form of s.
func canonicalGuid(s string) (string, bool) {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	hex := strings.ReplaceAll(s, "-", "")
	if len(hex) != 32 {
		return "", false
	}
	for i := 0; i < 32; i++ {
		c := hex[i]
		if !(isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "", false
		}
	}
	if strings.Contains(s, "-") && (len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') {
		return "", false
	}
	h := strings.ToLower(hex)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], true
}

// parseDynamic parses `dynamic(json)` into a Literal holding compact JSON text.
func (p *parser) parseDynamic() ast.Expr {
	t := p.advance()
	p.advance() // (
	start := t.Pos.Offset
	var b []byte
	null := false
	if p.isKw("null") && p.peekN(1).Kind == tPunct && p.peekN(1).Text == ")" {
		p.advance()
		null = true
	} else {
		b = p.jsonValue(b)
	}
	end := p.expectPunct(")", " to close dynamic(...)")
	lit := &ast.Literal{P: t.Pos, Type: kusto.Dynamic, Text: p.src[start:end.End]}
	if null {
		lit.Null = true
	} else {
		lit.Value = string(b)
	}
	return lit
}

func (p *parser) jsonValue(b []byte) []byte {
	p.enter()
	defer p.leave()
	t := p.tok()
	switch t.Kind {
	case tString:
		p.advance()
		s := t.Text
		for p.tok().Kind == tString {
			s += p.advance().Text
		}
		q, _ := json.Marshal(s)
		return append(b, q...)
	case tInt, tReal:
		p.advance()
		if t.Kind == tInt {
			v, err := parseIntText(t.Text)
			if err != nil {
				p.failf(t.Pos, "number %s is out of range", t.Text)
			}
			return strconv.AppendInt(b, v, 10)
		}
		v, err := strconv.ParseFloat(t.Text, 64)
		if err != nil || math.IsInf(v, 0) {
			p.failf(t.Pos, "number %s is out of range", t.Text)
		}
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	case tTimeSpan:
		p.advance()
		q, _ := json.Marshal(kusto.FormatTimeSpan(t.Num))
		return append(b, q...)
	case tTyped:
		p.advance()
		lit := p.typedLiteral(t).(*ast.Literal)
		return appendLiteralJSON(b, lit)
	case tIdent:
		switch t.Text {
		case "true", "false", "null":
			p.advance()
			return append(b, t.Text...)
		}
	case tPunct:
		switch t.Text {
		case "-", "+":
			p.advance()
			n := p.tok()
			if n.Kind != tInt && n.Kind != tReal {
				break
			}
			if t.Text == "-" {
				b = append(b, '-')
			}
			return p.jsonValue(b)
		case "[":
			p.advance()
			b = append(b, '[')
			for i := 0; !p.isPunct("]"); i++ {
				if i > 0 {
					b = append(b, ',')
				}
				b = p.jsonValue(b)
				if !p.acceptPunct(",") {
					break
				}
			}
			p.expectPunct("]", " to close the array")
			return append(b, ']')
		case "{":
			p.advance()
			b = append(b, '{')
			for i := 0; !p.isPunct("}"); i++ {
				if i > 0 {
					b = append(b, ',')
				}
				k := p.tok()
				if k.Kind != tString && k.Kind != tIdent {
					p.failf(k.Pos, "expected a property name in dynamic object, found %s", desc(k))
				}
				p.advance()
				q, _ := json.Marshal(k.Text)
				b = append(b, q...)
				p.expectPunct(":", " after the property name")
				b = append(b, ':')
				b = p.jsonValue(b)
				if !p.acceptPunct(",") {
					break
				}
			}
			p.expectPunct("}", " to close the object")
			return append(b, '}')
		}
	}
	p.failf(t.Pos, "expected a dynamic value (string, number, true, false, null, [...] or {...}), found %s", desc(t))
	return b
}

func appendLiteralJSON(b []byte, lit *ast.Literal) []byte {
	if lit.Null {
		return append(b, "null"...)
	}
	var v any
	switch lit.Type {
	case kusto.DateTime:
		v = kusto.FormatDateTime(lit.Value.(int64))
	case kusto.TimeSpan:
		v = kusto.FormatTimeSpan(lit.Value.(int64))
	case kusto.Real:
		f := lit.Value.(float64)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			v = strconv.FormatFloat(f, 'g', -1, 64)
		} else {
			v = f
		}
	default:
		v = lit.Value
	}
	q, _ := json.Marshal(v)
	return append(b, q...)
}
