package fn

import (
	"sort"
	"strings"

	"github.com/prowl-hunt/prowl/exec/fn/dyn"
	"github.com/prowl-hunt/prowl/kusto"
)

func asArray(x value) ([]dyn.Value, bool) {
	if x.t != kusto.Dynamic {
		return nil, false
	}
	a, ok := x.dyn().([]dyn.Value)
	return a, ok
}

func kArrayLength(_ *Context, v []value) value {
	a, ok := asArray(v[0])
	if !ok {
		return nullValue()
	}
	return longValue(int64(len(a)))
}

// kArraySlice is array_slice(arr, start, end): end inclusive, negative indexes
// count from the end.
func kArraySlice(_ *Context, v []value) value {
	a, ok := asArray(v[0])
	if !ok || v[1].isNull() || v[2].isNull() {
		return nullValue()
	}
	s, _ := toLongValue(v[1])
	e, _ := toLongValue(v[2])
	n := int64(len(a))
	if s < 0 {
		s += n
	}
	if e < 0 {
		e += n
	}
	s = max(s, 0)
	e = min(e, n-1)
	if s > e || s >= n {
		return dynValue([]dyn.Value{})
	}
	return dynValue(a[s : e+1])
}

func kArrayConcat(_ *Context, v []value) value {
	out := []dyn.Value{}
	for _, x := range v {
		a, ok := asArray(x)
		if !ok {
			return nullValue()
		}
		out = append(out, a...)
	}
	return dynValue(out)
}

func kArrayReverse(_ *Context, v []value) value {
	a, ok := asArray(v[0])
	if !ok {
		return nullValue()
	}
	out := make([]dyn.Value, len(a))
	for i, x := range a {
		out[len(a)-1-i] = x
	}
	return dynValue(out)
}

func kArrayIndexOf(_ *Context, v []value) value {
	a, ok := asArray(v[0])
	if !ok {
		return nullValue()
	}
	want := v[1].dyn()
	start := int64(0)
	if len(v) > 2 && !v[2].isNull() {
		start, _ = toLongValue(v[2])
		if start < 0 {
			start += int64(len(a))
		}
		start = max(start, 0)
	}
	end := int64(len(a))
	if len(v) > 3 && !v[3].isNull() {
		l, _ := toLongValue(v[3])
		if l >= 0 && start+l < end {
			end = start + l
		}
	}
	for i := start; i < end; i++ {
		if dyn.Equal(a[i], want) {
			return longValue(i)
		}
	}
	return longValue(-1)
}

func dynLess(a, b dyn.Value) bool {
	fa, na := a.(float64)
	if ia, ok := a.(int64); ok {
		fa, na = float64(ia), true
	}
	fb, nb := b.(float64)
	if ib, ok := b.(int64); ok {
		fb, nb = float64(ib), true
	}
	if na && nb {
		return fa < fb
	}
	if na != nb {
		return na // numbers before other values
	}
	return dyn.ToString(a) < dyn.ToString(b)
}

func sortKernel(desc bool) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		a, ok := asArray(v[0])
		if !ok {
			return nullValue()
		}
		out := append([]dyn.Value(nil), a...)
		sort.SliceStable(out, func(i, j int) bool {
			x, y := out[i], out[j]
			if x == nil || y == nil { // nulls last
				return x != nil && y == nil
			}
			if desc {
				return dynLess(y, x)
			}
			return dynLess(x, y)
		})
		return dynValue(out)
	}
}

func kArraySplit(_ *Context, v []value) value {
	a, ok := asArray(v[0])
	if !ok {
		return nullValue()
	}
	var idx []int64
	if list, ok := asArray(v[1]); ok {
		for _, x := range list {
			if i, ok := x.(int64); ok {
				idx = append(idx, i)
			}
		}
	} else if i, ok := toLongValue(v[1]); ok && !v[1].isNull() {
		idx = []int64{i}
	}
	out := []dyn.Value{}
	prev := int64(0)
	n := int64(len(a))
	for _, i := range idx {
		if i < 0 {
			i += n
		}
		i = min(max(i, prev), n)
		out = append(out, a[prev:i])
		prev = i
	}
	out = append(out, a[prev:])
	return dynValue(out)
}

func kArraySum(_ *Context, v []value) value {
	a, ok := asArray(v[0])
	if !ok {
		return nullValue()
	}
	s := 0.0
	for _, x := range a {
		switch y := x.(type) {
		case int64:
			s += float64(y)
		case float64:
			s += y
		default:
			return nullValue()
		}
	}
	return realValue(s)
}

func kPack(_ *Context, v []value) value {
	if len(v)%2 != 0 {
		return nullValue()
	}
	b := &dyn.Bag{}
	for i := 0; i+1 < len(v); i += 2 {
		b.Set(str(v[i]), v[i+1].dyn())
	}
	return dynValue(b)
}

func kPackArray(_ *Context, v []value) value {
	out := make([]dyn.Value, len(v))
	for i, x := range v {
		out[i] = x.dyn()
	}
	return dynValue(out)
}

func asBag(x value) (*dyn.Bag, bool) {
	if x.t != kusto.Dynamic {
		return nil, false
	}
	b, ok := x.dyn().(*dyn.Bag)
	return b, ok
}

func kBagKeys(_ *Context, v []value) value {
	b, ok := asBag(v[0])
	if !ok {
		return nullValue()
	}
	out := make([]dyn.Value, len(b.Keys))
	for i, k := range b.Keys {
		out[i] = k
	}
	return dynValue(out)
}

func kBagMerge(_ *Context, v []value) value {
	out := &dyn.Bag{}
	for _, x := range v {
		b, ok := asBag(x)
		if !ok {
			continue
		}
		for i, k := range b.Keys {
			if _, exists := out.Get(k); !exists { // the first bag wins
				out.Set(k, b.Vals[i])
			}
		}
	}
	return dynValue(out)
}

func kBagRemoveKeys(_ *Context, v []value) value {
	b, ok := asBag(v[0])
	if !ok {
		return nullValue()
	}
	keys, _ := asArray(v[1])
	drop := map[string]bool{}
	for _, k := range keys {
		if s, ok := k.(string); ok {
			drop[s] = true
		}
	}
	out := &dyn.Bag{}
	for i, k := range b.Keys {
		if !drop[k] {
			out.Set(k, b.Vals[i])
		}
	}
	return dynValue(out)
}

func kBagHasKey(_ *Context, v []value) value {
	b, ok := asBag(v[0])
	if !ok {
		return boolValue(false)
	}
	key := str(v[1])
	if _, ok := b.Get(key); ok {
		return boolValue(true)
	}
	// a JSONPath-style key: $.a.b or a.b
	path := strings.TrimPrefix(strings.TrimPrefix(key, "$"), ".")
	if path == key || path == "" {
		return boolValue(false)
	}
	var cur dyn.Value = b
	for _, part := range strings.Split(path, ".") {
		bb, ok := cur.(*dyn.Bag)
		if !ok {
			return boolValue(false)
		}
		if cur, ok = bb.Get(part); !ok {
			return boolValue(false)
		}
	}
	return boolValue(true)
}

// setKernel is set_union/set_intersect/set_difference: distinct elements, in
// first-seen order.
func setKernel(kind string) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		arrays := make([][]dyn.Value, len(v))
		for i, x := range v {
			a, ok := asArray(x)
			if !ok {
				return nullValue()
			}
			arrays[i] = a
		}
		key := func(x dyn.Value) string { return dyn.Encode(x) }
		inAll := func(k string, from []([]dyn.Value)) (all, any bool) {
			all = true
			for _, a := range from {
				found := false
				for _, y := range a {
					if key(y) == k {
						found = true
						break
					}
				}
				all = all && found
				any = any || found
			}
			return all, any
		}
		seen := map[string]bool{}
		out := []dyn.Value{}
		add := func(x dyn.Value) {
			k := key(x)
			if !seen[k] {
				seen[k] = true
				out = append(out, x)
			}
		}
		switch kind {
		case "union":
			for _, a := range arrays {
				for _, x := range a {
					add(x)
				}
			}
		case "intersect":
			for _, x := range arrays[0] {
				if all, _ := inAll(key(x), arrays[1:]); all {
					add(x)
				}
			}
		case "difference":
			for _, x := range arrays[0] {
				if _, any := inAll(key(x), arrays[1:]); !any {
					add(x)
				}
			}
		}
		return dynValue(out)
	}
}

func kSetHasElement(_ *Context, v []value) value {
	a, ok := asArray(v[0])
	if !ok {
		return nullValue()
	}
	want := v[1].dyn()
	for _, x := range a {
		if dyn.Equal(x, want) {
			return boolValue(true)
		}
	}
	return boolValue(false)
}

func kZip(_ *Context, v []value) value {
	arrays := make([][]dyn.Value, len(v))
	n := 0
	for i, x := range v {
		a, ok := asArray(x)
		if !ok {
			return nullValue()
		}
		arrays[i] = a
		n = max(n, len(a))
	}
	out := make([]dyn.Value, n)
	for i := range out {
		row := make([]dyn.Value, len(arrays))
		for k, a := range arrays {
			if i < len(a) {
				row[k] = a[i]
			}
		}
		out[i] = row
	}
	return dynValue(out)
}

// extractJSONKernel is extract_json(path, text[, type]) for JSONPath of the
// forms $.a.b, $['a'], $.a[0].
func kExtractJSON(_ *Context, v []value) value {
	path := str(v[0])
	d, err := dyn.Parse(str(v[1]))
	if err != nil {
		return nullValue()
	}
	cur, ok := walkPath(d, path)
	if !ok || cur == nil {
		if len(v) > 2 {
			return nullValue()
		}
		return stringValue("")
	}
	if len(v) > 2 {
		return dynValue(cur)
	}
	return stringValue(dyn.ToString(cur))
}

func walkPath(d dyn.Value, path string) (dyn.Value, bool) {
	p := strings.TrimSpace(path)
	if !strings.HasPrefix(p, "$") {
		return nil, false
	}
	p = p[1:]
	cur := d
	for p != "" {
		switch {
		case p[0] == '.':
			p = p[1:]
			j := strings.IndexAny(p, ".[")
			if j < 0 {
				j = len(p)
			}
			cur = dyn.Member(cur, p[:j])
			p = p[j:]
		case p[0] == '[':
			j := strings.IndexByte(p, ']')
			if j < 0 {
				return nil, false
			}
			inner := strings.TrimSpace(p[1:j])
			p = p[j+1:]
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') {
				cur = dyn.Member(cur, inner[1:len(inner)-1])
			} else {
				i, ok := toLongValue(stringValue(inner))
				if !ok {
					return nil, false
				}
				cur = dyn.Index(cur, i)
			}
		default:
			return nil, false
		}
	}
	return cur, true
}
