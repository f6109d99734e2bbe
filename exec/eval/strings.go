package eval

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// stringPredicate evaluates pred per row of a string array; for a dictionary
// array it evaluates pred once per dictionary entry and maps the indices.
// Null strings read as "".
func stringPredicate(a arrow.Array, pred func(string) bool) []bool {
	n := a.Len()
	out := make([]bool, n)
	switch x := a.(type) {
	case *array.Dictionary:
		dict := x.Dictionary()
		per := make([]bool, dict.Len())
		for i := range per {
			per[i] = pred(StringAt(dict, i))
		}
		empty := pred("")
		hasNull := x.NullN() > 0
		if ix, ok := x.Indices().(*array.Int32); ok && !hasNull {
			for i, j := range ix.Int32Values() {
				out[i] = per[j]
			}
			return out
		}
		for i := range out {
			if hasNull && x.IsNull(i) {
				out[i] = empty
				continue
			}
			out[i] = per[x.GetValueIndex(i)]
		}
		return out
	case *array.String:
		if x.NullN() == 0 {
			for i := range out {
				out[i] = pred(x.Value(i))
			}
			return out
		}
	}
	for i := range out {
		out[i] = pred(StringAt(a, i))
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lowerASCIIFast lower-cases s, returning s itself when nothing changes.
func lowerASCIIFast(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 32
	}
	return c
}

// indexFold finds needle (already lower-case ASCII) in h ignoring ASCII case,
// starting at from.
func indexFold(h, needle string, from int) int {
	if len(needle) == 0 {
		return from
	}
	first := needle[0]
	firstUp := first
	if 'a' <= first && first <= 'z' {
		firstUp = first - 32
	}
	for i := from; i+len(needle) <= len(h); i++ {
		c := h[i]
		if c != first && c != firstUp {
			continue
		}
		ok := true
		for j := 1; j < len(needle); j++ {
			if lowerByte(h[i+j]) != needle[j] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

func isTermByte(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c >= utf8.RuneSelf
}

// StringMatcher tests one string operator against a constant needle.
type StringMatcher struct {
	Op     string // canonical operator without the leading '!'
	Needle string
	fold   bool
	lower  string // needle lower-cased (fold)
	re     *regexp.Regexp
	asciiN bool
}

// NewStringMatcher prepares a matcher for op ("==", "=~", "has", "contains_cs",
// "matches regex", ...; negation handled by the caller).
func NewStringMatcher(op, needle string) (*StringMatcher, error) {
	m := &StringMatcher{Op: op, Needle: needle}
	switch op {
	case "=~", "has", "hasprefix", "hassuffix", "contains", "startswith", "endswith":
		m.fold = true
		m.lower = strings.ToLower(needle)
		m.asciiN = isASCII(needle)
	case "matches regex":
		re, err := regexp.Compile(needle)
		if err != nil {
			return nil, err
		}
		m.re = re
	}
	return m, nil
}

// Match applies the operator to one value.
func (m *StringMatcher) Match(s string) bool {
	switch m.Op {
	case "==":
		return s == m.Needle
	case "=~":
		if len(s) != len(m.Needle) && isASCII(s) && m.asciiN {
			return false
		}
		return strings.EqualFold(s, m.Needle)
	case "matches regex":
		return m.re.MatchString(s)
	case "contains_cs":
		return strings.Contains(s, m.Needle)
	case "startswith_cs":
		return strings.HasPrefix(s, m.Needle)
	case "endswith_cs":
		return strings.HasSuffix(s, m.Needle)
	case "has_cs":
		return hasTerm(s, m.Needle, 0)
	case "hasprefix_cs":
		return hasTerm(s, m.Needle, 1)
	case "hassuffix_cs":
		return hasTerm(s, m.Needle, 2)
	}
	// case-insensitive families
	h, n := s, m.lower
	if !m.asciiN || !isASCII(s) {
		h = strings.ToLower(s)
		switch m.Op {
		case "contains":
			return strings.Contains(h, n)
		case "startswith":
			return strings.HasPrefix(h, n)
		case "endswith":
			return strings.HasSuffix(h, n)
		case "has":
			return hasTerm(h, n, 0)
		case "hasprefix":
			return hasTerm(h, n, 1)
		case "hassuffix":
			return hasTerm(h, n, 2)
		}
		return false
	}
	switch m.Op {
	case "contains":
		return indexFold(h, n, 0) >= 0
	case "startswith":
		return len(h) >= len(n) && indexFold(h[:len(n)], n, 0) == 0
	case "endswith":
		return len(h) >= len(n) && indexFold(h[len(h)-len(n):], n, 0) == 0
	case "has":
		return hasTermFold(h, n, 0)
	case "hasprefix":
		return hasTermFold(h, n, 1)
	case "hassuffix":
		return hasTermFold(h, n, 2)
	}
	return false
}

// hasTerm reports whether needle occurs in s on term boundaries. mode 0: both
// ends (has), 1: start only (hasprefix), 2: end only (hassuffix).
func hasTerm(s, needle string, mode int) bool {
	if needle == "" {
		return true
	}
	for from := 0; from <= len(s)-len(needle); {
		i := strings.Index(s[from:], needle)
		if i < 0 {
			return false
		}
		i += from
		if termBounds(s, needle, i, mode) {
			return true
		}
		from = i + 1
	}
	return false
}

func hasTermFold(s, needle string, mode int) bool {
	if needle == "" {
		return true
	}
	for from := 0; from <= len(s)-len(needle); {
		i := indexFold(s, needle, from)
		if i < 0 {
			return false
		}
		if termBounds(s, needle, i, mode) {
			return true
		}
		from = i + 1
	}
	return false
}

func termBounds(s, needle string, i, mode int) bool {
	end := i + len(needle)
	if mode != 2 && isTermByte(needle[0]) && i > 0 && isTermByte(s[i-1]) {
		return false
	}
	if mode != 1 && isTermByte(needle[len(needle)-1]) && end < len(s) && isTermByte(s[end]) {
		return false
	}
	return true
}

// HasAny reports whether s has any of the terms.
func hasAny(s string, terms []*StringMatcher) bool {
	for _, t := range terms {
		if t.Match(s) {
			return true
		}
	}
	return false
}
