package dyn

import "strings"

// Step is one step of a path into a dynamic value: a property name (x.a,
// x["a"]) or, when IsIndex, an array index (x[0], x[-1] counts from the end).
type Step struct {
	Key     string
	Index   int
	IsIndex bool
}

// Key returns a property step.
func Key(k string) Step { return Step{Key: k} }

// Idx returns an index step.
func Idx(i int) Step { return Step{Index: i, IsIndex: true} }

// Extract follows path through the JSON text s without decoding it and
// returns the JSON text of the value found there (as it appears in s, without
// surrounding whitespace). It reports false when the path leads nowhere (a
// missing property, an index out of range, a step into a scalar, invalid
// JSON along the way): Kusto's null. It is the fast path of x.a[0].b over a
// dynamic column.
func Extract(s string, path ...Step) (string, bool) {
	start, end, ok := valueBounds(s, 0)
	if !ok {
		return "", false
	}
	for _, st := range path {
		v := s[start:end]
		if st.IsIndex {
			if v[0] != '[' {
				return "", false
			}
			start, end, ok = arrayElem(s, start, st.Index)
		} else {
			if v[0] != '{' {
				return "", false
			}
			start, end, ok = objectMember(s, start, st.Key)
		}
		if !ok {
			return "", false
		}
	}
	return s[start:end], true
}

func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// valueBounds returns the extent of the JSON value starting at or after i.
func valueBounds(s string, i int) (int, int, bool) {
	i = skipWS(s, i)
	e, ok := skipValue(s, i, 0)
	return i, e, ok
}

// skipValue returns the index just past the JSON value at i.
func skipValue(s string, i, depth int) (int, bool) {
	if i >= len(s) || depth > maxDepth {
		return 0, false
	}
	switch c := s[i]; {
	case c == '"':
		return skipString(s, i)
	case c == '{' || c == '[':
		closeCh := byte('}')
		if c == '[' {
			closeCh = ']'
		}
		i = skipWS(s, i+1)
		if i < len(s) && s[i] == closeCh {
			return i + 1, true
		}
		for {
			if c == '{' {
				var ok bool
				if i, ok = skipString(s, skipWS(s, i)); !ok {
					return 0, false
				}
				i = skipWS(s, i)
				if i >= len(s) || s[i] != ':' {
					return 0, false
				}
				i = skipWS(s, i+1)
			}
			var ok bool
			if i, ok = skipValue(s, skipWS(s, i), depth+1); !ok {
				return 0, false
			}
			i = skipWS(s, i)
			if i >= len(s) {
				return 0, false
			}
			if s[i] == ',' {
				i = skipWS(s, i+1)
				continue
			}
			if s[i] == closeCh {
				return i + 1, true
			}
			return 0, false
		}
	default:
		j := i
		for j < len(s) && !isDelim[s[j]] {
			j++
		}
		if j == i {
			return 0, false
		}
		switch t := s[i:j]; {
		case t == "true" || t == "false" || t == "null":
		case c == '-' || (c >= '0' && c <= '9'):
		default:
			return 0, false
		}
		return j, true
	}
}

func skipString(s string, i int) (int, bool) {
	if i >= len(s) || s[i] != '"' {
		return 0, false
	}
	for j := i + 1; ; {
		k := strings.IndexByte(s[j:], '"')
		if k < 0 {
			return 0, false
		}
		q := j + k
		bs := 0 // an even number of backslashes before the quote leaves it unescaped
		for p := q - 1; p > i && s[p] == '\\'; p-- {
			bs++
		}
		if bs%2 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
}

// isDelim marks the bytes that end a JSON number or literal.
var isDelim = func() (t [256]bool) {
	for _, c := range ",]} \t\n\r" {
		t[c] = true
	}
	return t
}()

// objectMember finds key in the object starting at i (the last occurrence
// wins, as when decoding).
func objectMember(s string, i int, key string) (int, int, bool) {
	i = skipWS(s, i+1)
	found := false
	var fs, fe int
	if i < len(s) && s[i] == '}' {
		return 0, 0, false
	}
	for {
		ks, ok := skipString(s, i)
		if !ok {
			return 0, 0, false
		}
		raw := s[i+1 : ks-1]
		match := false
		if strings.IndexByte(raw, '\\') < 0 {
			match = raw == key
		} else if k, err := Parse(s[i:ks]); err == nil {
			match = k == key
		}
		i = skipWS(s, ks)
		if i >= len(s) || s[i] != ':' {
			return 0, 0, false
		}
		vs, ve, ok := valueBounds(s, i+1)
		if !ok {
			return 0, 0, false
		}
		if match {
			found, fs, fe = true, vs, ve
		}
		i = skipWS(s, ve)
		if i >= len(s) {
			return 0, 0, false
		}
		if s[i] == '}' {
			return fs, fe, found
		}
		if s[i] != ',' {
			return 0, 0, false
		}
		i = skipWS(s, i+1)
	}
}

// arrayElem finds element idx (negative from the end) of the array at i.
func arrayElem(s string, i, idx int) (int, int, bool) {
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == ']' {
		return 0, 0, false
	}
	var bounds [][2]int // only for negative indexes
	for k := 0; ; k++ {
		vs, ve, ok := valueBounds(s, i)
		if !ok {
			return 0, 0, false
		}
		if idx >= 0 && k == idx {
			return vs, ve, true
		}
		if idx < 0 {
			bounds = append(bounds, [2]int{vs, ve})
		}
		i = skipWS(s, ve)
		if i >= len(s) {
			return 0, 0, false
		}
		if s[i] == ']' {
			break
		}
		if s[i] != ',' {
			return 0, 0, false
		}
		i++
	}
	if idx < 0 && -idx <= len(bounds) {
		b := bounds[len(bounds)+idx]
		return b[0], b[1], true
	}
	return 0, 0, false
}
