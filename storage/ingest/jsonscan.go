package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
)

// field is one member of a JSON object: the key (unescaped) and the raw value.
type field struct {
	key []byte
	val []byte
}

// scanObject splits a JSON object into its members without decoding the
// values, appending to out. It checks the object's structure; the values are
// checked when they are converted (and unknown fields by the caller).
func scanObject(b []byte, out []field) ([]field, error) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return out, errors.New("not a JSON object")
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		if j := skipWS(b, i+1); j != len(b) {
			return out, fmt.Errorf("unexpected %q after the object", b[j])
		}
		return out, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return out, errors.New("want a quoted key")
		}
		end, esc, err := scanString(b, i)
		if err != nil {
			return out, err
		}
		key := b[i+1 : end-1]
		if esc {
			var s string
			if err := json.Unmarshal(b[i:end], &s); err != nil {
				return out, fmt.Errorf("bad key: %v", err)
			}
			key = []byte(s)
		}
		i = skipWS(b, end)
		if i >= len(b) || b[i] != ':' {
			return out, errors.New("want ':' after a key")
		}
		i = skipWS(b, i+1)
		vend, err := scanValue(b, i)
		if err != nil {
			return out, err
		}
		out = append(out, field{key: key, val: b[i:vend]})
		i = skipWS(b, vend)
		if i >= len(b) {
			return out, errors.New("unexpected end of object")
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case '}':
			if j := skipWS(b, i+1); j != len(b) {
				return out, fmt.Errorf("unexpected %q after the object", b[j])
			}
			return out, nil
		default:
			return out, fmt.Errorf("unexpected %q in object", b[i])
		}
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString returns the end (one past the closing quote) of the string
// starting at b[i] == '"', and whether it has escapes.
func scanString(b []byte, i int) (end int, esc bool, err error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			esc = true
			j++
		case '"':
			return j + 1, esc, nil
		}
	}
	return 0, false, errors.New("unterminated string")
}

// scanValue returns the end of the value starting at b[i]. Nested objects and
// arrays are matched by brackets (strings inside are skipped); literals run to
// the next delimiter.
func scanValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("missing value")
	}
	switch b[i] {
	case '"':
		end, _, err := scanString(b, i)
		return end, err
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _, err := scanString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errors.New("unterminated object or array")
	case ',', '}', ']', ':':
		return 0, fmt.Errorf("missing value before %q", b[i])
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	return j, nil
}

// lookup returns the value of the member named key, or nil.
func lookup(fields []field, key string) []byte {
	var v []byte
	for _, f := range fields {
		if string(f.key) == key {
			v = f.val // the last one wins, as in encoding/json
		}
	}
	return v
}
