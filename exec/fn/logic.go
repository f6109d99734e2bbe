package fn

import (
	"math"
	"math/rand/v2"
	"strings"

	"github.com/google/uuid"

	"github.com/prowl-hunt/prowl/exec/fn/dyn"
	"github.com/prowl-hunt/prowl/kusto"
)

func kToString(_ *Context, v []value) value { return stringValue(toStringValue(v[0])) }

func kToLong(_ *Context, v []value) value {
	if v[0].isNull() {
		return nullValue()
	}
	x, ok := toLongValue(v[0])
	if !ok {
		return nullValue()
	}
	return longValue(x)
}

func kToInt(_ *Context, v []value) value {
	if v[0].isNull() {
		return nullValue()
	}
	x, ok := toLongValue(v[0])
	if !ok {
		return nullValue()
	}
	return value{t: kusto.Int, i: int64(int32(x))}
}

func kToReal(_ *Context, v []value) value {
	if v[0].isNull() {
		return nullValue()
	}
	x, ok := toRealValue(v[0])
	if !ok {
		return nullValue()
	}
	return realValue(x)
}

func kToBool(_ *Context, v []value) value {
	if v[0].isNull() {
		return nullValue()
	}
	x, ok := toBoolValue(v[0])
	if !ok {
		return nullValue()
	}
	return boolValue(x)
}

func kToDateTime(_ *Context, v []value) value {
	if v[0].isNull() {
		return nullValue()
	}
	x, ok := toDateTimeValue(v[0])
	if !ok {
		return nullValue()
	}
	return dateValue(x)
}

func kToTimeSpan(_ *Context, v []value) value {
	if v[0].isNull() {
		return nullValue()
	}
	x, ok := toTimeSpanValue(v[0])
	if !ok {
		return nullValue()
	}
	return spanValue(x)
}

func kToGuid(_ *Context, v []value) value {
	s := strings.TrimSpace(str(v[0]))
	u, err := uuid.Parse(s)
	if err != nil {
		return nullValue()
	}
	return value{t: kusto.Guid, s: u.String()}
}

// kParseJSON is parse_json/todynamic: dynamic input as is, JSON text parsed,
// other text kept as a dynamic string.
func kParseJSON(_ *Context, v []value) value {
	switch v[0].t {
	case kusto.Invalid:
		return nullValue()
	case kusto.Dynamic:
		return v[0]
	case kusto.String:
		if v[0].s == "" {
			return nullValue()
		}
		return dynValue(dyn.FromString(v[0].s))
	}
	return dynValue(v[0].dyn())
}

var typeNames = map[kusto.Type]string{
	kusto.Bool: "bool", kusto.Int: "int", kusto.Long: "long", kusto.Real: "real", kusto.Decimal: "decimal",
	kusto.String: "string", kusto.DateTime: "datetime", kusto.TimeSpan: "timespan", kusto.Guid: "guid",
}

// kGettype names the type of a value; for dynamic the JSON kind
// (array, dictionary, ...).
func kGettype(_ *Context, v []value) value {
	if v[0].t != kusto.Dynamic {
		if v[0].isNull() {
			return stringValue("null")
		}
		return stringValue(typeNames[v[0].t])
	}
	switch d := v[0].dyn().(type) {
	case nil:
		return stringValue("null")
	case bool:
		return stringValue("bool")
	case int64:
		_ = d
		return stringValue("long")
	case float64:
		return stringValue("real")
	case string:
		return stringValue("string")
	case []dyn.Value:
		return stringValue("array")
	case *dyn.Bag:
		return stringValue("dictionary")
	}
	return stringValue("null")
}

func isEmptyValue(x value) bool {
	switch x.t {
	case kusto.Invalid:
		return true
	case kusto.String, kusto.Guid:
		return x.s == ""
	case kusto.Dynamic:
		return x.s == "" || x.s == `""`
	}
	return false
}

func kIsEmpty(_ *Context, v []value) value    { return boolValue(isEmptyValue(v[0])) }
func kIsNotEmpty(_ *Context, v []value) value { return boolValue(!isEmptyValue(v[0])) }
func kIsNull(_ *Context, v []value) value     { return boolValue(v[0].isNull()) }
func kIsNotNull(_ *Context, v []value) value  { return boolValue(!v[0].isNull()) }

func kNot(_ *Context, v []value) value {
	if v[0].isNull() {
		return nullValue()
	}
	b, ok := toBoolValue(v[0])
	if !ok {
		return nullValue()
	}
	return boolValue(!b)
}

// truth is the value of a condition: null and false are both not true.
func truth(x value) bool {
	if x.t == kusto.Bool {
		return x.b
	}
	b, ok := toBoolValue(x)
	return ok && b
}

func kIff(_ *Context, v []value) value {
	if truth(v[0]) {
		return v[1]
	}
	return v[2]
}

func kCase(_ *Context, v []value) value {
	i := 0
	for ; i+1 < len(v); i += 2 {
		if truth(v[i]) {
			return v[i+1]
		}
	}
	if i < len(v) {
		return v[i]
	}
	return nullValue()
}

// kCoalesce returns the first argument that is not null (for strings, not empty).
func kCoalesce(_ *Context, v []value) value {
	for _, x := range v {
		if x.isNull() || ((x.t == kusto.String || x.t == kusto.Guid) && x.s == "") {
			continue
		}
		return x
	}
	return nullValue()
}

func realFn(f func(float64) float64, positive bool) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		x, ok := v[0].asReal()
		if v[0].isNull() || !ok {
			return nullValue()
		}
		if positive && x <= 0 {
			return nullValue()
		}
		return realValue(f(x))
	}
}

func kIsNaN(_ *Context, v []value) value {
	x, ok := v[0].asReal()
	if v[0].isNull() || !ok {
		return nullValue()
	}
	return boolValue(math.IsNaN(x))
}

func kIsInf(_ *Context, v []value) value {
	x, ok := v[0].asReal()
	if v[0].isNull() || !ok {
		return nullValue()
	}
	return boolValue(math.IsInf(x, 0))
}

func kIsFinite(_ *Context, v []value) value {
	x, ok := v[0].asReal()
	if v[0].isNull() || !ok {
		return nullValue()
	}
	return boolValue(!isNaNOrInf(x))
}

func kAbs(_ *Context, v []value) value {
	x := v[0]
	switch x.t {
	case kusto.Invalid:
		return x
	case kusto.Real:
		return realValue(math.Abs(x.f))
	case kusto.Int, kusto.Long, kusto.TimeSpan:
		if x.i < 0 {
			x.i = -x.i
		}
		return x
	}
	f, ok := x.asReal()
	if !ok {
		return nullValue()
	}
	return realValue(math.Abs(f))
}

func kSign(_ *Context, v []value) value {
	x := v[0]
	switch x.t {
	case kusto.Invalid:
		return x
	case kusto.Int, kusto.Long:
		switch {
		case x.i > 0:
			x.i = 1
		case x.i < 0:
			x.i = -1
		}
		return x
	}
	f, ok := x.asReal()
	if !ok {
		return nullValue()
	}
	switch {
	case f > 0:
		return realValue(1)
	case f < 0:
		return realValue(-1)
	}
	return realValue(f)
}

// kRound rounds half away from zero to the given number of decimal digits.
func kRound(_ *Context, v []value) value {
	x := v[0]
	if x.isNull() {
		return x
	}
	p := int64(0)
	if len(v) > 1 {
		if v[1].isNull() {
			return nullValue()
		}
		p, _ = toLongValue(v[1])
	}
	if x.t == kusto.Int || x.t == kusto.Long {
		if p >= 0 {
			return x
		}
		m := int64(math.Pow10(int(-p)))
		if m == 0 {
			return value{t: x.t}
		}
		q := x.i / m
		r := x.i % m
		if 2*abs64(r) >= m {
			if x.i < 0 {
				q--
			} else {
				q++
			}
		}
		return value{t: x.t, i: q * m}
	}
	f, ok := x.asReal()
	if !ok {
		return nullValue()
	}
	if p == 0 {
		return realValue(math.Round(f))
	}
	m := math.Pow10(int(p))
	r := math.Round(f*m) / m
	if isNaNOrInf(r) {
		return realValue(f)
	}
	return realValue(r)
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func kCeiling(_ *Context, v []value) value {
	x := v[0]
	if x.isNull() || x.t == kusto.Int || x.t == kusto.Long {
		return x
	}
	f, ok := x.asReal()
	if !ok {
		return nullValue()
	}
	return realValue(math.Ceil(f))
}

func kPow(_ *Context, v []value) value {
	a, ok1 := v[0].asReal()
	b, ok2 := v[1].asReal()
	if v[0].isNull() || v[1].isNull() || !ok1 || !ok2 {
		return nullValue()
	}
	return realValue(math.Pow(a, b))
}

func kRand(_ *Context, v []value) value {
	if len(v) > 0 && !v[0].isNull() {
		n, ok := toLongValue(v[0])
		if !ok || n <= 0 {
			return nullValue()
		}
		return longValue(rand.Int64N(n))
	}
	return realValue(rand.Float64())
}

// compareValues orders two non-null values of compatible types.
func compareValues(a, b value) int {
	switch {
	case a.t == kusto.Real || b.t == kusto.Real:
		x, _ := a.asReal()
		y, _ := b.asReal()
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case a.t == kusto.String || a.t == kusto.Guid || a.t == kusto.Dynamic:
		return strings.Compare(toStringValue(a), toStringValue(b))
	case a.t == kusto.Bool:
		x, y := a.b, b.b
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
	switch {
	case a.i < b.i:
		return -1
	case a.i > b.i:
		return 1
	}
	return 0
}

// extremeOf is min_of/max_of: nulls are ignored; all null gives null.
func extremeOf(sign int) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		var best value
		for _, x := range v {
			if x.isNull() || (x.t == kusto.Real && math.IsNaN(x.f)) {
				continue
			}
			if best.isNull() || compareValues(x, best)*sign > 0 {
				best = x
			}
		}
		return best
	}
}
