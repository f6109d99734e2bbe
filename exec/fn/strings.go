package fn

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/prowl-hunt/prowl/exec/fn/dyn"
	"github.com/prowl-hunt/prowl/kusto"
)

// regexCache compiles each distinct pattern of one kernel call once. A bad
// pattern gives nil for the row and is remembered in err: the kernel then
// fails the query, as an invalid regular expression should.
type regexCache struct {
	mu  sync.Mutex
	m   map[string]*regexp.Regexp
	err error
}

func (c *regexCache) get(pattern string) *regexp.Regexp {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*regexp.Regexp)
	}
	if re, ok := c.m[pattern]; ok {
		return re
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		re = nil
		if c.err == nil {
			c.err = fmt.Errorf("invalid regular expression %q: %w", pattern, err)
		}
	}
	if len(c.m) > 1000 {
		clear(c.m)
	}
	c.m[pattern] = re
	return re
}

func str(v value) string { return toStringValue(v) }

func kStrlen(_ *Context, v []value) value {
	return longValue(int64(utf8.RuneCountInString(str(v[0]))))
}

// kSubstring counts characters; a negative start counts from the end, a
// length past the end stops at the end.
func kSubstring(_ *Context, v []value) value {
	s := str(v[0])
	if v[1].isNull() {
		return stringValue("")
	}
	start, ok := toLongValue(v[1])
	if !ok {
		return stringValue("")
	}
	length := int64(-1)
	if len(v) > 2 {
		if v[2].isNull() {
			return stringValue("")
		}
		l, ok := toLongValue(v[2])
		if !ok || l < 0 {
			return stringValue("")
		}
		length = l
	}
	r := []rune(s)
	if start < 0 {
		start = max(start+int64(len(r)), 0)
	}
	if start >= int64(len(r)) {
		return stringValue("")
	}
	end := int64(len(r))
	if length >= 0 && start+length < end {
		end = start + length
	}
	return stringValue(string(r[start:end]))
}

func kToLower(_ *Context, v []value) value { return stringValue(strings.ToLower(str(v[0]))) }
func kToUpper(_ *Context, v []value) value { return stringValue(strings.ToUpper(str(v[0]))) }

// trimKernel is trim/trim_start/trim_end: remove repeated matches of a regular
// expression from the start and/or end.
func trimKernel(cache *regexCache, start, end bool) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		pat, s := str(v[0]), str(v[1])
		if pat == "" {
			return stringValue(s)
		}
		if start {
			if re := cache.get(`^(?:` + pat + `)+`); re != nil {
				if loc := re.FindStringIndex(s); loc != nil {
					s = s[loc[1]:]
				}
			}
		}
		if end {
			if re := cache.get(`(?:` + pat + `)+$`); re != nil {
				if loc := re.FindStringIndex(s); loc != nil {
					s = s[:loc[0]]
				}
			}
		}
		return stringValue(s)
	}
}

func kStrcat(_ *Context, v []value) value {
	var b strings.Builder
	for _, x := range v {
		b.WriteString(str(x))
	}
	return stringValue(b.String())
}

func kStrcatDelim(_ *Context, v []value) value {
	d := str(v[0])
	var b strings.Builder
	for i, x := range v[1:] {
		if i > 0 {
			b.WriteString(d)
		}
		b.WriteString(str(x))
	}
	return stringValue(b.String())
}

func kStrcatArray(_ *Context, v []value) value {
	arr, ok := v[0].dyn().([]dyn.Value)
	if !ok {
		return stringValue("")
	}
	d := str(v[1])
	var b strings.Builder
	for i, x := range arr {
		if i > 0 {
			b.WriteString(d)
		}
		b.WriteString(dyn.ToString(x))
	}
	return stringValue(b.String())
}

func kStrrep(_ *Context, v []value) value {
	s := str(v[0])
	n, ok := toLongValue(v[1])
	if !ok || n < 0 || v[1].isNull() {
		return stringValue("")
	}
	d := ""
	if len(v) > 2 {
		d = str(v[2])
	}
	if n > 0 && int64(len(s)+len(d))*n > 1<<24 {
		return stringValue("") // refuse absurd results instead of exhausting memory
	}
	var b strings.Builder
	for i := int64(0); i < n; i++ {
		if i > 0 {
			b.WriteString(d)
		}
		b.WriteString(s)
	}
	return stringValue(b.String())
}

func kStrcmp(_ *Context, v []value) value {
	return value{t: kusto.Int, i: int64(strings.Compare(str(v[0]), str(v[1])))}
}

func kSplit(_ *Context, v []value) value {
	s, d := str(v[0]), str(v[1])
	var parts []string
	if d == "" {
		parts = []string{s}
	} else {
		parts = strings.Split(s, d)
	}
	arr := make([]dyn.Value, len(parts))
	for i, p := range parts {
		arr[i] = p
	}
	if len(v) > 2 {
		if v[2].isNull() {
			return nullValue()
		}
		k, ok := toLongValue(v[2])
		if !ok {
			return nullValue()
		}
		if k < 0 {
			k += int64(len(arr))
		}
		if k < 0 || k >= int64(len(arr)) {
			return dynValue([]dyn.Value{})
		}
		return dynValue([]dyn.Value{arr[k]})
	}
	return dynValue(arr)
}

func extractKernel(cache *regexCache) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		re := cache.get(str(v[0]))
		if re == nil || v[1].isNull() {
			return nullValue()
		}
		g, _ := toLongValue(v[1])
		m := re.FindStringSubmatch(str(v[2]))
		if m == nil || g < 0 || g >= int64(len(m)) {
			if len(v) > 3 { // typed extraction of nothing is null
				return nullValue()
			}
			return stringValue("")
		}
		return stringValue(m[g])
	}
}

func extractAllKernel(cache *regexCache) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		re := cache.get(str(v[0]))
		if re == nil {
			return nullValue()
		}
		var groups []int64
		src := str(v[len(v)-1])
		if len(v) == 3 {
			list, ok := v[1].dyn().([]dyn.Value)
			if !ok {
				return nullValue()
			}
			for _, g := range list {
				n, ok := g.(int64)
				if !ok || n < 0 || int(n) > re.NumSubexp() {
					return nullValue()
				}
				groups = append(groups, n)
			}
		}
		ms := re.FindAllStringSubmatch(src, -1)
		if ms == nil {
			return nullValue()
		}
		out := make([]dyn.Value, 0, len(ms))
		for _, m := range ms {
			switch {
			case groups != nil && len(groups) == 1:
				out = append(out, m[groups[0]])
			case groups != nil:
				row := make([]dyn.Value, len(groups))
				for i, g := range groups {
					row[i] = m[g]
				}
				out = append(out, row)
			case len(m) == 1:
				out = append(out, m[0])
			case len(m) == 2:
				out = append(out, m[1])
			default:
				row := make([]dyn.Value, len(m)-1)
				for i := range row {
					row[i] = m[i+1]
				}
				out = append(out, row)
			}
		}
		return dynValue(out)
	}
}

func kReplaceString(_ *Context, v []value) value {
	s, old, nw := str(v[0]), str(v[1]), str(v[2])
	if old == "" {
		return stringValue(s)
	}
	return stringValue(strings.ReplaceAll(s, old, nw))
}

// kustoRewrite turns Kusto's \1 group references into Go's ${1}, and
// escapes literal dollars.
func kustoRewrite(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			b.WriteString("${")
			b.WriteByte(s[i+1])
			b.WriteByte('}')
			i++
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// replaceRegexKernel is replace_regex(source, regex, rewrite), or with legacy
// set, replace(regex, rewrite, source).
func replaceRegexKernel(cache *regexCache, legacy bool) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		src, pat, rw := str(v[0]), str(v[1]), str(v[2])
		if legacy {
			pat, rw, src = str(v[0]), str(v[1]), str(v[2])
		}
		re := cache.get(pat)
		if re == nil {
			return stringValue(src)
		}
		return stringValue(re.ReplaceAllString(src, kustoRewrite(rw)))
	}
}

func kTranslate(_ *Context, v []value) value {
	from, to, s := []rune(str(v[0])), []rune(str(v[1])), str(v[2])
	m := make(map[rune]int, len(from))
	for i, r := range from {
		if _, ok := m[r]; !ok {
			m[r] = i
		}
	}
	var b strings.Builder
	for _, r := range s {
		i, ok := m[r]
		switch {
		case !ok:
			b.WriteRune(r)
		case len(to) == 0:
		case i < len(to):
			b.WriteRune(to[i])
		default:
			b.WriteRune(to[len(to)-1])
		}
	}
	return stringValue(b.String())
}

// kIndexof is indexof(source, lookup[, start[, length[, occurrence]]]) in
// characters, -1 when not found, null for a bad start/length/occurrence.
func kIndexof(_ *Context, v []value) value {
	src, look := []rune(str(v[0])), []rune(str(v[1]))
	start, length, occ := int64(0), int64(-1), int64(1)
	for k, p := range []*int64{&start, &length, &occ} {
		if len(v) > k+2 {
			if v[k+2].isNull() {
				return nullValue()
			}
			x, ok := toLongValue(v[k+2])
			if !ok {
				return nullValue()
			}
			*p = x
		}
	}
	if start < 0 {
		start += int64(len(src))
		if start < 0 {
			start = 0
		}
	}
	if occ <= 0 || length < -1 {
		return nullValue()
	}
	if start > int64(len(src)) {
		return longValue(-1)
	}
	end := int64(len(src))
	if length >= 0 && start+length < end {
		end = start + length
	}
	hay := src[start:end]
	for i := 0; i+len(look) <= len(hay); i++ {
		if string(hay[i:i+len(look)]) == string(look) {
			occ--
			if occ == 0 {
				return longValue(int64(i) + start)
			}
		}
	}
	return longValue(-1)
}

func indexofRegexKernel(cache *regexCache) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		re := cache.get(str(v[1]))
		if re == nil {
			return nullValue()
		}
		src := str(v[0])
		start := int64(0)
		if len(v) > 2 {
			s, ok := toLongValue(v[2])
			if !ok || s < 0 {
				return nullValue()
			}
			start = s
		}
		r := []rune(src)
		if start > int64(len(r)) {
			return longValue(-1)
		}
		sub := string(r[start:])
		loc := re.FindStringIndex(sub)
		if loc == nil {
			return longValue(-1)
		}
		return longValue(start + int64(utf8.RuneCountInString(sub[:loc[0]])))
	}
}

// countofKernel counts overlapping occurrences (kind "normal") or regex matches.
func countofKernel(cache *regexCache) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		text, search := str(v[0]), str(v[1])
		kind := "normal"
		if len(v) > 2 {
			kind = strings.ToLower(str(v[2]))
		}
		if search == "" {
			return longValue(0)
		}
		if kind == "regex" {
			re := cache.get(search)
			if re == nil {
				return nullValue()
			}
			return longValue(int64(len(re.FindAllStringIndex(text, -1))))
		}
		n := int64(0)
		for i := 0; ; {
			k := strings.Index(text[i:], search)
			if k < 0 {
				break
			}
			n++
			_, size := utf8.DecodeRuneInString(text[i+k:])
			i += k + size
		}
		return longValue(n)
	}
}

func kReverse(_ *Context, v []value) value {
	r := []rune(str(v[0]))
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return stringValue(string(r))
}

func kBase64Encode(_ *Context, v []value) value {
	return stringValue(base64.StdEncoding.EncodeToString([]byte(str(v[0]))))
}

func decodeBase64(s string) ([]byte, bool) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

func kBase64Decode(_ *Context, v []value) value {
	b, ok := decodeBase64(str(v[0]))
	if !ok || !utf8.Valid(b) {
		return stringValue("")
	}
	return stringValue(string(b))
}

func kBase64DecodeArray(_ *Context, v []value) value {
	b, ok := decodeBase64(str(v[0]))
	if !ok {
		return nullValue()
	}
	arr := make([]dyn.Value, len(b))
	for i, c := range b {
		arr[i] = int64(c)
	}
	return dynValue(arr)
}

func kHashMD5(_ *Context, v []value) value {
	h := md5.Sum([]byte(str(v[0])))
	return stringValue(hex.EncodeToString(h[:]))
}

func kHashSHA1(_ *Context, v []value) value {
	h := sha1.Sum([]byte(str(v[0])))
	return stringValue(hex.EncodeToString(h[:]))
}

func kHashSHA256(_ *Context, v []value) value {
	h := sha256.Sum256([]byte(str(v[0])))
	return stringValue(hex.EncodeToString(h[:]))
}

// kHash is hash(x[, mod]): XXH64 of the value as ADX hashes it (strings by
// their UTF-8 bytes, datetimes and timespans by their 8-byte little-endian
// ticks, integers as 8-byte longs, reals by their IEEE bits), optionally
// modulo mod (taken on the unsigned hash, so the result is in [0, mod)).
func kHash(_ *Context, v []value) value {
	x := v[0]
	if x.isNull() {
		return nullValue()
	}
	var buf [8]byte
	var b []byte
	switch x.t {
	case kusto.DateTime:
		binary.LittleEndian.PutUint64(buf[:], uint64(x.i/100+ticksEpoch))
		b = buf[:]
	case kusto.TimeSpan:
		binary.LittleEndian.PutUint64(buf[:], uint64(x.i/100))
		b = buf[:]
	case kusto.Int, kusto.Long:
		binary.LittleEndian.PutUint64(buf[:], uint64(x.i))
		b = buf[:]
	case kusto.Real:
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(x.f))
		b = buf[:]
	case kusto.Bool:
		if x.b {
			buf[0] = 1
		}
		b = buf[:1]
	default:
		b = []byte(x.s)
	}
	h := xxh64(b)
	if len(v) > 1 {
		m, ok := toLongValue(v[1])
		if v[1].isNull() || !ok || m <= 0 {
			return nullValue()
		}
		return longValue(int64(h % uint64(m)))
	}
	return longValue(int64(h))
}

func kIsASCII(_ *Context, v []value) value {
	s := str(v[0])
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return boolValue(false)
		}
	}
	return boolValue(true)
}

func kIsUTF8(_ *Context, v []value) value { return boolValue(utf8.ValidString(str(v[0]))) }

func kToHex(_ *Context, v []value) value {
	if v[0].isNull() {
		return nullValue()
	}
	x, ok := toLongValue(v[0])
	if !ok {
		return nullValue()
	}
	s := strconv.FormatUint(uint64(x), 16)
	if v[0].t == kusto.Int && x < 0 {
		s = strconv.FormatUint(uint64(uint32(x)), 16)
	}
	if len(v) > 1 {
		w, ok := toLongValue(v[1])
		if ok && int(w) > len(s) {
			s = strings.Repeat("0", int(w)-len(s)) + s
		}
	}
	return stringValue(s)
}
