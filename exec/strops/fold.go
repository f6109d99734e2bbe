package strops

import (
	"encoding/binary"
	"unicode"
	"unicode/utf8"
)

// isTermByte reports, for ASCII bytes, whether the byte is part of a term
// (a letter or a digit). Non-ASCII runes are classified with unicode.
var isTermByte = func() (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	return t
}()

func isTermRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isTermByte[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// termBefore reports whether the character ending at s[i-1] is a term character.
func termBefore(s []byte, i int) bool {
	if i <= 0 {
		return false
	}
	if b := s[i-1]; b < utf8.RuneSelf {
		return isTermByte[b]
	}
	r, _ := utf8.DecodeLastRune(s[:i])
	return isTermRune(r)
}

// termAfter reports whether the character starting at s[j] is a term character.
func termAfter(s []byte, j int) bool {
	if j >= len(s) {
		return false
	}
	if b := s[j]; b < utf8.RuneSelf {
		return isTermByte[b]
	}
	r, _ := utf8.DecodeRune(s[j:])
	return isTermRune(r)
}

// foldRune maps r to one representative of its case-folding orbit (the
// runes unicode.SimpleFold cycles through), so two strings are equal ignoring
// case exactly when their folded forms are equal, as strings.EqualFold
// decides. The representative is the smallest rune of the orbit, lower-cased
// when it is an ASCII letter: the Kelvin sign folds to 'k', long s to 's'.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	if 'A' <= m && m <= 'Z' {
		m += 'a' - 'A'
	}
	return m
}

// appendFold appends the case-folded form of s to dst.
func appendFold(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			dst = append(dst, b)
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, b) // keep invalid bytes as they are
		} else {
			dst = utf8.AppendRune(dst, foldRune(r))
		}
		i += size
	}
	return dst
}

// FoldString returns the case-folded form of s used by the case-insensitive
// operators (=~, in~, has, contains, ...): ASCII letters are lower-cased and other
// runes mapped to one representative of their case class.
func FoldString(s string) string {
	if isASCIILower(s) {
		return s
	}
	return string(appendFold(nil, []byte(s)))
}

func isASCIILower(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= utf8.RuneSelf || ('A' <= b && b <= 'Z') {
			return false
		}
	}
	return true
}

func isASCII(s []byte) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if binary.LittleEndian.Uint64(s[i:])&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lowerASCII writes src with ASCII upper-case letters lower-cased into dst
// (len(dst) >= len(src)), eight bytes at a time. Non-ASCII bytes are copied
// unchanged; the result reports whether there were any.
func lowerASCII(dst, src []byte) (nonASCII bool) {
	const hi = 0x8080808080808080
	var acc uint64
	i := 0
	for ; i+8 <= len(src); i += 8 {
		x := binary.LittleEndian.Uint64(src[i:])
		acc |= x
		h := x &^ hi
		geA := h + 0x3f3f3f3f3f3f3f3f // high bit set where h >= 'A'
		gtZ := h + 0x2525252525252525 // high bit set where h > 'Z'
		upper := (geA ^ gtZ) &^ x & hi
		binary.LittleEndian.PutUint64(dst[i:], x|upper>>2)
	}
	for ; i < len(src); i++ {
		b := src[i]
		acc |= uint64(b)
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst[i] = b
	}
	return acc&hi != 0
}

// equalFoldASCII compares a (any case, ASCII) with lower-case b.
func equalFoldLower(a []byte, lower string) bool {
	if len(a) != len(lower) {
		return false
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
