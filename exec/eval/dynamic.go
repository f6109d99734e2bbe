package eval

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
)

// NewStringsValid builds a string array with nulls (dynamic null values).
func NewStringsValid(vals []string, valid []bool) arrow.Array {
	a := NewStrings(vals)
	vb, nulls := validityBuffer(valid)
	if vb == nil {
		return a
	}
	d := a.Data()
	nd := array.NewData(d.DataType(), d.Len(), []*memory.Buffer{vb, d.Buffers()[1], d.Buffers()[2]}, nil, nulls, 0)
	return array.MakeFromData(nd)
}

// Step is one access into a dynamic value: a property name or an index.
type Step struct {
	Key   string
	Index int
	IsKey bool
	// Dyn is a per-row key or index expression (x[k]), when not constant.
	Dyn Expr
}

// Path is dynamic member/index access over JSON text: x.a, x["a"], x[0], x[-1].
// Missing properties or indexes give null.
type Path struct {
	X     Expr
	Steps []Step
}

func (e *Path) Type() kusto.Type { return kusto.Dynamic }

func (e *Path) Eval(c *Ctx, b *Batch) (Value, error) {
	v, err := e.X.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	var dyn []Value
	for _, s := range e.Steps {
		if s.Dyn != nil {
			dv, err := s.Dyn.Eval(c, b)
			if err != nil {
				return Value{}, err
			}
			dyn = append(dyn, dv)
		}
	}
	a := v.Array
	n := a.Len()
	if d, ok := a.(*array.Dictionary); ok && dyn == nil {
		dict := d.Dictionary()
		vals, valid := e.apply(dict, nil, dict.Len())
		return Value{Type: kusto.Dynamic, Array: remap(NewStringsValid(vals, valid), d)}, nil
	}
	vals, valid := e.apply(a, dyn, n)
	return Value{Type: kusto.Dynamic, Array: NewStringsValid(vals, valid), Const: v.Const}, nil
}

func (e *Path) apply(a arrow.Array, dyn []Value, n int) ([]string, []bool) {
	vals := make([]string, n)
	valid := make([]bool, n)
	for i := 0; i < n; i++ {
		if a.IsNull(i) {
			continue
		}
		text := StringAt(a, i)
		var x any
		if err := json.Unmarshal([]byte(text), &x); err != nil {
			continue
		}
		ok := true
		di := 0
		for _, s := range e.Steps {
			key, idx, isKey := s.Key, s.Index, s.IsKey
			if s.Dyn != nil {
				dv := dyn[di]
				di++
				j := i
				if dv.Const {
					j = 0
				}
				if isStringType(dv.Type) {
					key, isKey = StringAt(dv.Array, j), true
				} else {
					idx, isKey = int(Ints(Decode(dv.Array))[j]), false
				}
			}
			x, ok = step(x, key, idx, isKey)
			if !ok {
				break
			}
		}
		if !ok || x == nil {
			continue
		}
		vals[i] = encodeJSON(x)
		valid[i] = true
	}
	return vals, valid
}

func step(x any, key string, idx int, isKey bool) (any, bool) {
	switch v := x.(type) {
	case map[string]any:
		if !isKey {
			key = strconv.Itoa(idx)
		}
		r, ok := v[key]
		return r, ok
	case []any:
		if isKey {
			return nil, false
		}
		if idx < 0 {
			idx += len(v)
		}
		if idx < 0 || idx >= len(v) {
			return nil, false
		}
		return v[idx], true
	case string:
		// A JSON string holding JSON (as Defender's AdditionalFields often is).
		var inner any
		if err := json.Unmarshal([]byte(v), &inner); err == nil {
			if _, isStr := inner.(string); !isStr {
				return step(inner, key, idx, isKey)
			}
		}
	}
	return nil, false
}

func encodeJSON(x any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return ""
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n"))
}

// DynText turns dynamic values into the text Kusto compares them by: a JSON
// string becomes its contents, null becomes "", anything else stays JSON text.
type DynText struct{ X Expr }

func (e *DynText) Type() kusto.Type { return kusto.String }

func (e *DynText) Eval(c *Ctx, b *Batch) (Value, error) {
	v, err := e.X.Eval(c, b)
	if err != nil {
		return Value{}, err
	}
	conv := func(a arrow.Array) arrow.Array {
		vals := make([]string, a.Len())
		for i := range vals {
			vals[i] = DynamicText(StringAt(a, i))
		}
		return NewStrings(vals)
	}
	if d, ok := v.Array.(*array.Dictionary); ok {
		return Value{Type: kusto.String, Array: remap(conv(d.Dictionary()), d)}, nil
	}
	return Value{Type: kusto.String, Array: conv(v.Array), Const: v.Const}, nil
}

// DynamicText is the string form of one dynamic JSON value.
func DynamicText(s string) string {
	if len(s) >= 2 && s[0] == '"' {
		var str string
		if err := json.Unmarshal([]byte(s), &str); err == nil {
			return str
		}
	}
	return s
}
