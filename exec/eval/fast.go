package eval

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/exec/strops"
)

// evalMatcher runs a compiled string predicate over a string or
// dictionary-encoded string array (once per dictionary entry).
func evalMatcher(m *strops.Matcher, a arrow.Array) ([]bool, error) {
	out := make([]bool, a.Len())
	switch x := a.(type) {
	case *array.String:
		m.Eval(x, out)
	case *array.Dictionary:
		if err := m.EvalDictionary(x, out); err != nil {
			return nil, err
		}
	default:
		for i := range out {
			out[i] = m.Match(StringAt(a, i))
		}
	}
	return out, nil
}

func boolValue(res []bool, isConst bool) Value {
	return Value{Type: boolType, Array: NewBools(res, nil), Const: isConst}
}
