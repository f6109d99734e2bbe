package strops

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/exec/internal/dictmemo"
)

// Op is a KQL string operator, without negation.
type Op uint8

// The string operators. The plain forms of contains, startswith, endswith, has,
// hasprefix, hassuffix, has_any and has_all are case-insensitive; the _CS forms
// and Equal, In and Regex are case-sensitive.
const (
	Equal        Op = iota + 1 // ==
	EqualCI                    // =~
	Contains                   // contains
	ContainsCS                 // contains_cs
	StartsWith                 // startswith
	StartsWithCS               // startswith_cs
	EndsWith                   // endswith
	EndsWithCS                 // endswith_cs
	Has                        // has
	HasCS                      // has_cs
	HasPrefix                  // hasprefix
	HasPrefixCS                // hasprefix_cs
	HasSuffix                  // hassuffix
	HasSuffixCS                // hassuffix_cs
	HasAny                     // has_any
	HasAll                     // has_all
	In                         // in
	InCI                       // in~
	Regex                      // matches regex
)

var opNames = map[string]Op{
	"==": Equal, "=~": EqualCI,
	"contains": Contains, "contains_cs": ContainsCS,
	"startswith": StartsWith, "startswith_cs": StartsWithCS,
	"endswith": EndsWith, "endswith_cs": EndsWithCS,
	"has": Has, "has_cs": HasCS,
	"hasprefix": HasPrefix, "hasprefix_cs": HasPrefixCS,
	"hassuffix": HasSuffix, "hassuffix_cs": HasSuffixCS,
	"has_any": HasAny, "has_all": HasAll,
	"in": In, "in~": InCI,
	"matches regex": Regex,
}

// ParseOp maps a KQL operator spelling to an Op and whether it is negated:
// "!has" is (Has, true), "!=" is (Equal, true), "!~" is (EqualCI, true),
// "!in~" is (InCI, true). For callers that negate by prefixing "!", "!=="
// and "!=~" are accepted as != and !~.
func ParseOp(name string) (op Op, not bool, ok bool) {
	switch name {
	case "!==":
		return Equal, true, true
	case "!=~":
		return EqualCI, true, true
	case "!=":
		return Equal, true, true
	case "!~":
		return EqualCI, true, true
	case "<>":
		return Equal, true, true
	case "containscs": // legacy spellings
		return ContainsCS, false, true
	case "!containscs", "notcontainscs":
		return ContainsCS, true, true
	case "notcontains":
		return Contains, true, true
	}
	if strings.HasPrefix(name, "!") {
		not = true
		name = name[1:]
	}
	op, ok = opNames[name]
	if !ok || (not && (op == HasAny || op == HasAll || op == Regex || op == Equal || op == EqualCI)) {
		return 0, false, false
	}
	return op, not, true
}

// String returns the KQL spelling of op.
func (op Op) String() string {
	for k, v := range opNames {
		if v == op {
			return k
		}
	}
	return fmt.Sprintf("Op(%d)", op)
}

// CaseInsensitive reports whether op ignores case.
func (op Op) CaseInsensitive() bool {
	switch op {
	case EqualCI, Contains, StartsWith, EndsWith, Has, HasPrefix, HasSuffix, HasAny, HasAll, InCI:
		return true
	}
	return false
}

// Multi reports whether op takes a set of needles (in, in~, has_any, has_all).
func (op Op) Multi() bool {
	return op == In || op == InCI || op == HasAny || op == HasAll
}

// search modes of the substring family
type mode uint8

const (
	modeSub    mode = iota // plain substring
	modeTerm               // both ends on term boundaries (has)
	modePrefix             // start on a term boundary (hasprefix)
	modeSuffix             // end on a term boundary (hassuffix)
)

func (op Op) mode() mode {
	switch op {
	case Has, HasCS:
		return modeTerm
	case HasPrefix, HasPrefixCS:
		return modePrefix
	case HasSuffix, HasSuffixCS:
		return modeSuffix
	}
	return modeSub
}

// Matcher is a compiled string predicate: an operator, its negation and its
// constant needle(s). It is immutable and safe for concurrent use.
type Matcher struct {
	op     Op
	not    bool
	ci     bool
	needle string // folded when ci
	ascii  bool   // needle is ASCII
	// foldSafe: the needle is ASCII without 'k' or 's', the only ASCII
	// letters a non-ASCII rune folds to (Kelvin sign, long s), so lower-casing
	// just the ASCII bytes of a value decides a case-insensitive match.
	foldSafe bool
	leftB    bool // needle begins with a term character
	rightB   bool // needle ends with a term character
	set      map[string]struct{}
	lens     [4]uint64           // in/in~: bit k set when some needle is k bytes long (k < 256)
	longLen  bool                // in/in~: some needle is 256 bytes or longer
	terms    map[string]int      // has_any/has_all: folded pure-term needles → index
	byFirst  map[string][]phrase // has_any/has_all: phrase needles by their folded first term
	punct    []*Matcher          // has_any/has_all: needles without any term character
	punctI   []int               // index of each punct needle
	subs     []*Matcher          // has_any/has_all: one has matcher per needle, for the batch path
	nNeedle  int
	re       *regexp.Regexp
	empty    bool // the result for ""

	memo dictmemo.Memo[[]bool] // per-entry answers over recent dictionaries
}

// New compiles op (negated when not) against needles: exactly one needle for
// single-needle operators, any number for in, in~, has_any and has_all.
// The only error is a bad regular expression or a wrong needle count.
func New(op Op, not bool, needles ...string) (*Matcher, error) {
	m := &Matcher{op: op, not: not, ci: op.CaseInsensitive()}
	if !op.Multi() && len(needles) != 1 {
		return nil, fmt.Errorf("operator %s: want one needle, got %d", op, len(needles))
	}
	if op == HasAny || op == HasAll {
		needles = dedupFold(needles)
	}
	switch op {
	case In, InCI:
		m.set = make(map[string]struct{}, len(needles))
		for _, s := range needles {
			if m.ci {
				s = FoldString(s)
			}
			m.set[s] = struct{}{}
			if len(s) < 256 {
				m.lens[len(s)>>6] |= 1 << (len(s) & 63)
			} else {
				m.longLen = true
			}
		}
	case HasAny, HasAll:
		m.nNeedle = len(needles)
		m.terms = make(map[string]int)
		m.byFirst = make(map[string][]phrase)
		for i, s := range needles {
			f := FoldString(s)
			if isPureTerm(s) {
				m.terms[f] = i
				continue
			}
			if ph, ok := newPhrase(f, i); ok {
				m.byFirst[ph.first] = append(m.byFirst[ph.first], ph)
				continue
			}
			p, _ := New(Has, false, s)
			m.punct = append(m.punct, p)
			m.punctI = append(m.punctI, i)
		}
		if len(needles) <= maxSubs {
			for _, s := range needles {
				p, _ := New(Has, false, s)
				m.subs = append(m.subs, p)
			}
		}
	case Regex:
		re, err := regexp.Compile(needles[0])
		if err != nil {
			return nil, fmt.Errorf("matches regex: %w", err)
		}
		m.re = re
	default:
		if op < Equal || op > Regex {
			return nil, fmt.Errorf("unknown string operator %d", op)
		}
		n := needles[0]
		if m.ci {
			n = FoldString(n)
		}
		m.needle = n
		m.ascii = isASCII([]byte(n))
		m.foldSafe = m.ascii && !strings.ContainsAny(n, "ks")
		if n != "" {
			r, _ := utf8.DecodeRuneInString(n)
			m.leftB = isTermRune(r)
			r, _ = utf8.DecodeLastRuneInString(n)
			m.rightB = isTermRune(r)
		}
	}
	m.empty = m.matchRow(nil, new(scratch))
	return m, nil
}

// Compile is New with the operator given by its KQL spelling ("!has_cs", "in~").
func Compile(opName string, needles ...string) (*Matcher, error) {
	op, not, ok := ParseOp(opName)
	if !ok {
		return nil, fmt.Errorf("unknown string operator %q", opName)
	}
	return New(op, not, needles...)
}

// Op returns the operator and whether it is negated.
func (m *Matcher) Op() (Op, bool) { return m.op, m.not }

// dedupFold drops needles equal to an earlier one ignoring case.
func dedupFold(needles []string) []string {
	seen := make(map[string]bool, len(needles))
	out := make([]string, 0, len(needles))
	for _, s := range needles {
		f := FoldString(s)
		if !seen[f] {
			seen[f] = true
			out = append(out, s)
		}
	}
	return out
}

// phrase is a has_any/has_all needle with punctuation ("cmd.exe", ".ps1",
// "/c"). Its first term must be a whole term of the value ("cmd" in
// "cmd.exe"; "ps1" in ".ps1"), so values are matched by looking up each of
// their terms and checking the phrase around it.
type phrase struct {
	needle string // folded
	first  string // its first term
	off    int    // where the first term starts in needle
	rightB bool   // needle ends with a term character
	index  int
}

func newPhrase(folded string, index int) (phrase, bool) {
	b := []byte(folded)
	i := 0
	for i < len(b) && !termAfter(b, i) {
		i += runeLen(b, i)
	}
	if i == len(b) {
		return phrase{}, false // no term at all
	}
	j := i
	for j < len(b) && termAfter(b, j) {
		j += runeLen(b, j)
	}
	return phrase{needle: folded, first: folded[i:j], off: i, rightB: termBefore(b, len(b)), index: index}, true
}

// at reports whether the phrase occurs in folded with its first term at the
// term starting at i.
func (p *phrase) at(folded []byte, i int) bool {
	start := i - p.off
	end := start + len(p.needle)
	if start < 0 || end > len(folded) || string(folded[start:end]) != p.needle {
		return false
	}
	return !p.rightB || !termAfter(folded, end)
}

func isPureTerm(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isTermRune(r) {
			return false
		}
	}
	return true
}

// scratch is per-call working memory, pooled so that evaluation does not
// allocate per batch in steady state.
type scratch struct {
	buf   []byte
	offs  []int32
	bools []bool
	found []bool
	inner *scratch // for a nested matcher while this one is in use
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch  { return scratchPool.Get().(*scratch) }
func putScratch(s *scratch) { scratchPool.Put(s) }

// Match reports whether s satisfies the predicate.
func (m *Matcher) Match(s string) bool {
	sc := getScratch()
	r := m.matchRow(unsafeBytes(s), sc) != m.not
	putScratch(sc)
	return r
}

// MatchBytes reports whether s satisfies the predicate.
func (m *Matcher) MatchBytes(s []byte) bool {
	sc := getScratch()
	r := m.matchRow(s, sc) != m.not
	putScratch(sc)
	return r
}

// matchRow evaluates the un-negated predicate on one value.
func (m *Matcher) matchRow(row []byte, sc *scratch) bool {
	switch m.op {
	case Equal:
		return string(row) == m.needle
	case EqualCI:
		return m.equalCI(row, sc)
	case In:
		if !m.lenPossible(len(row)) {
			return false
		}
		_, ok := m.set[string(row)]
		return ok
	case InCI:
		if isASCII(row) {
			// folding ASCII keeps the length
			if !m.lenPossible(len(row)) {
				return false
			}
			sc.buf = growBytes(sc.buf, len(row))
			lowerASCII(sc.buf, row)
			_, ok := m.set[string(sc.buf[:len(row)])]
			return ok
		}
		sc.buf = appendFold(sc.buf[:0], row)
		_, ok := m.set[string(sc.buf)]
		return ok
	case Regex:
		return m.re.Match(row)
	case StartsWith, StartsWithCS, EndsWith, EndsWithCS:
		return m.affix(row, sc)
	case HasAny, HasAll:
		return m.hasMany(row, sc)
	}
	// substring family
	if m.needle == "" {
		return true
	}
	hay := row
	if m.ci {
		if isASCII(row) {
			sc.buf = growBytes(sc.buf, len(row))
			lowerASCII(sc.buf, row)
			hay = sc.buf[:len(row)]
		} else {
			sc.buf = appendFold(sc.buf[:0], row)
			hay = sc.buf
		}
	}
	return findIn(hay, m.needle, m.op.mode(), m.leftB, m.rightB)
}

// findIn searches one value (already folded when case-insensitive).
func findIn(hay []byte, needle string, md mode, leftB, rightB bool) bool {
	pos := 0
	for {
		i := indexString(hay[pos:], needle)
		if i < 0 {
			return false
		}
		p := pos + i
		if boundaryOK(hay, 0, len(hay), p, p+len(needle), md, leftB, rightB) {
			return true
		}
		pos = p + 1
	}
}

func boundaryOK(buf []byte, rowStart, rowEnd, p, q int, md mode, leftB, rightB bool) bool {
	if md == modeSub {
		return true
	}
	if md != modeSuffix && leftB && termBefore(buf[rowStart:rowEnd], p-rowStart) {
		return false
	}
	if md != modePrefix && rightB && termAfter(buf[rowStart:rowEnd], q-rowStart) {
		return false
	}
	return true
}

// lenPossible reports whether some in/in~ needle has n bytes.
func (m *Matcher) lenPossible(n int) bool {
	if n >= 256 {
		return m.longLen
	}
	return m.lens[n>>6]&(1<<(n&63)) != 0
}

func (m *Matcher) equalCI(row []byte, sc *scratch) bool {
	if m.ascii {
		switch {
		case len(row) < len(m.needle):
			return false
		case len(row) == len(m.needle):
			// A non-ASCII rune equal to an ASCII letter ignoring case (the
			// Kelvin sign, long s) is longer than it, so equal lengths mean
			// an ASCII comparison decides.
			return equalFoldLower(row, m.needle)
		case len(row) > 3*len(m.needle) || isASCII(row):
			// No rune is more than three times longer than its ASCII fold.
			return false
		}
	}
	sc.buf = appendFold(sc.buf[:0], row)
	return string(sc.buf) == m.needle
}

func (m *Matcher) affix(row []byte, sc *scratch) bool {
	n := m.needle
	start := m.op == StartsWith || m.op == StartsWithCS
	if !m.ci {
		if start {
			return bytes.HasPrefix(row, unsafeBytes(n))
		}
		return bytes.HasSuffix(row, unsafeBytes(n))
	}
	if len(row) < len(n) && m.ascii {
		return false
	}
	if m.ascii {
		var part []byte
		if start {
			part = row[:len(n)]
		} else {
			part = row[len(row)-len(n):]
		}
		if isASCII(part) {
			return equalFoldLower(part, n)
		}
	}
	sc.buf = appendFold(sc.buf[:0], row)
	if start {
		return bytes.HasPrefix(sc.buf, unsafeBytes(n))
	}
	return bytes.HasSuffix(sc.buf, unsafeBytes(n))
}

// hasMany evaluates has_any / has_all on one value: pure-term needles by a
// lookup of each term of the value, phrase needles by search.
func (m *Matcher) hasMany(row []byte, sc *scratch) bool {
	all := m.op == HasAll
	if all {
		if m.nNeedle == 0 {
			return true
		}
		sc.found = growBools(sc.found, m.nNeedle)
		clear(sc.found)
	} else if m.nNeedle == 0 {
		return false
	}
	seen := 0
	mark := func(i int) bool { // reports whether the answer is decided
		if !all {
			return true
		}
		if !sc.found[i] {
			sc.found[i] = true
			seen++
		}
		return seen == m.nNeedle
	}
	if len(m.terms) > 0 || len(m.byFirst) > 0 {
		folded := row
		if isASCII(row) {
			sc.buf = growBytes(sc.buf, len(row))
			lowerASCII(sc.buf, row)
			folded = sc.buf[:len(row)]
		} else {
			sc.buf = appendFold(sc.buf[:0], row)
			folded = sc.buf
		}
		for i := 0; i < len(folded); {
			// skip separators
			for i < len(folded) {
				if b := folded[i]; b < utf8.RuneSelf {
					if isTermByte[b] {
						break
					}
					i++
				} else if termAfter(folded, i) {
					break
				} else {
					i += runeLen(folded, i)
				}
			}
			j := i
			for j < len(folded) {
				if b := folded[j]; b < utf8.RuneSelf {
					if !isTermByte[b] {
						break
					}
					j++
				} else if !termAfter(folded, j) {
					break
				} else {
					j += runeLen(folded, j)
				}
			}
			if j > i {
				term := folded[i:j]
				if idx, ok := m.terms[string(term)]; ok && mark(idx) {
					return true
				}
				for k := range m.byFirst[string(term)] {
					if p := &m.byFirst[string(term)][k]; p.at(folded, i) && mark(p.index) {
						return true
					}
				}
			}
			i = j
		}
	}
	for k, p := range m.punct {
		if all && sc.found[m.punctI[k]] {
			continue
		}
		if sc.inner == nil {
			sc.inner = new(scratch) // the caller's scratch holds the folded value
		}
		if p.matchRow(row, sc.inner) && mark(m.punctI[k]) {
			return true
		}
	}
	return false
}

func runeLen(s []byte, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRune(s[i:])
	return n
}

func growBytes(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n, n+n/4+64)
	}
	return b[:n]
}

func growBools(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n, n+n/4+64)
	}
	return b[:n]
}

func growInt32s(b []int32, n int) []int32 {
	if cap(b) < n {
		return make([]int32, n, n+n/4+64)
	}
	return b[:n]
}

// values returns the data buffer and absolute offsets of a string array.
func values(a *array.String) ([]byte, []int32) {
	offs := a.ValueOffsets()
	var buf []byte
	if bs := a.Data().Buffers(); len(bs) > 2 && bs[2] != nil {
		buf = bs[2].Bytes()
	}
	return buf, offs
}

// chunkBytes bounds the bytes folded at once by the batch path, so the
// folded copy stays in cache.
const chunkBytes = 32 << 10

// Eval sets out[i] (len(out) >= a.Len()) to whether row i of a satisfies the
// predicate. Null slots are read as "" (Kusto strings are never null).
func (m *Matcher) Eval(a *array.String, out []bool) {
	n := a.Len()
	out = out[:n]
	buf, offs := values(a)
	sc := getScratch()
	defer putScratch(sc)
	switch {
	case m.op.mode() != modeSub || m.op == Contains || m.op == ContainsCS:
		m.evalSearch(buf, offs, out, sc)
	case m.subs != nil && len(m.subs) > 0:
		m.evalSubs(buf, offs, out, sc)
	case m.op == Equal:
		nl := int32(len(m.needle))
		for i := 0; i < n; i++ {
			s, e := offs[i], offs[i+1]
			out[i] = (e-s == nl && string(buf[s:e]) == m.needle) != m.not
		}
	case m.op == EqualCI && m.ascii:
		nl := int32(len(m.needle))
		for i := 0; i < n; i++ {
			s, e := offs[i], offs[i+1]
			var ok bool
			switch l := e - s; {
			case l == nl:
				ok = equalFoldLower(buf[s:e], m.needle)
			case l < nl || l > 3*nl || m.foldSafe:
				// a longer value can only match through a Kelvin sign or
				// long s, which fold to 'k' and 's'
			default:
				ok = m.equalCI(buf[s:e], sc)
			}
			out[i] = ok != m.not
		}
	case m.op == In:
		for i := 0; i < n; i++ {
			s, e := offs[i], offs[i+1]
			ok := false
			if m.lenPossible(int(e - s)) {
				_, ok = m.set[string(buf[s:e])]
			}
			out[i] = ok != m.not
		}
	default:
		for i := 0; i < n; i++ {
			out[i] = m.matchRow(buf[offs[i]:offs[i+1]], sc) != m.not
		}
	}
	if a.NullN() > 0 {
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				out[i] = m.empty != m.not
			}
		}
	}
}

// maxSubs is the most needles for which has_any/has_all search the whole
// buffer once per needle rather than splitting every value into terms.
const maxSubs = 5

func (m *Matcher) evalSubs(buf []byte, offs []int32, out []bool, sc *scratch) {
	all := m.op == HasAll
	sc.found = growBools(sc.found, len(out))
	tmp := sc.found
	for k, sub := range m.subs {
		if k == 0 {
			sub.evalSearch(buf, offs, out, sc)
			continue
		}
		sub.evalSearch(buf, offs, tmp, sc)
		for i, v := range tmp {
			if all {
				out[i] = out[i] && v
			} else {
				out[i] = out[i] || v
			}
		}
	}
	if m.not {
		for i := range out {
			out[i] = !out[i]
		}
	}
}

// evalSearch runs the substring family over the whole value buffer at once:
// it searches the (folded) bytes of many rows in one pass and maps each hit
// back to its row through the offsets, checking term boundaries only there.
func (m *Matcher) evalSearch(buf []byte, offs []int32, out []bool, sc *scratch) {
	n := len(out)
	if m.needle == "" {
		for i := range out {
			out[i] = !m.not
		}
		return
	}
	clear(out)
	md := m.op.mode()
	if !m.ci {
		scanHits(buf, offs, 0, 0, n, m.needle, md, m.leftB, m.rightB, out)
	} else if !m.ascii {
		// Non-ASCII needle: fold row by row.
		for i := 0; i < n; i++ {
			out[i] = m.matchRow(buf[offs[i]:offs[i+1]], sc)
		}
	} else {
		for r0 := 0; r0 < n; {
			base := int(offs[r0])
			// the largest r1 with offs[r1]-base <= chunkBytes, at least r0+1
			r1 := r0 + sort.Search(n-r0, func(k int) bool { return int(offs[r0+k+1])-base > chunkBytes })
			if r1 == r0 {
				r1 = r0 + 1
			}
			size := int(offs[r1]) - base
			sc.buf = growBytes(sc.buf, size)
			if nonASCII := lowerASCII(sc.buf, buf[base:base+size]); !nonASCII || m.foldSafe {
				scanHits(sc.buf, offs, base, r0, r1, m.needle, md, m.leftB, m.rightB, out)
			} else {
				// Some rows are not ASCII: fold them properly, with local offsets.
				sc.offs = growInt32s(sc.offs, r1-r0+1)
				folded := make([]byte, 0, size) // rare path
				sc.offs[0] = 0
				for r := r0; r < r1; r++ {
					folded = appendFold(folded, buf[offs[r]:offs[r+1]])
					sc.offs[r-r0+1] = int32(len(folded))
				}
				scanHits(folded, sc.offs, 0, 0, r1-r0, m.needle, md, m.leftB, m.rightB, out[r0:r1])
			}
			r0 = r1
		}
	}
	if m.not {
		for i := range out {
			out[i] = !out[i]
		}
	}
}

// scanHits marks out[r] for rows r in [r0, r1) whose bytes buf[offs[r]-base :
// offs[r+1]-base] contain needle under mode md.
func scanHits(buf []byte, offs []int32, base, r0, r1 int, needle string, md mode, leftB, rightB bool, out []bool) {
	if r0 >= r1 {
		return
	}
	end := int(offs[r1]) - base
	pos := int(offs[r0]) - base
	r := r0
	for pos < end {
		i := indexString(buf[pos:end], needle)
		if i < 0 {
			return
		}
		p := pos + i
		for int(offs[r+1])-base <= p {
			r++
		}
		rowStart, rowEnd := int(offs[r])-base, int(offs[r+1])-base
		q := p + len(needle)
		if q <= rowEnd && boundaryOK(buf, rowStart, rowEnd, p, q, md, leftB, rightB) {
			out[r] = true
			pos = rowEnd
			r++
			if r >= r1 {
				return
			}
			continue
		}
		pos = p + 1
	}
}

// EvalBitmap is Eval writing an Arrow validity-style bitmap (LSB order):
// bit i of bits is set when row i matches. Bits past a.Len() are untouched.
func (m *Matcher) EvalBitmap(a *array.String, bits []byte) {
	sc := getScratch()
	sc.bools = growBools(sc.bools, a.Len())
	m.Eval(a, sc.bools)
	BoolsToBitmap(sc.bools, bits)
	putScratch(sc)
}

// Select appends to dst the indices of the rows of a that satisfy the
// predicate, considering only the rows listed in sel (all rows when sel is nil),
// and returns the extended slice.
func (m *Matcher) Select(a *array.String, sel []int32, dst []int32) []int32 {
	if sel == nil {
		sc := getScratch()
		sc.bools = growBools(sc.bools, a.Len())
		m.Eval(a, sc.bools)
		for i, ok := range sc.bools {
			if ok {
				dst = append(dst, int32(i))
			}
		}
		putScratch(sc)
		return dst
	}
	buf, offs := values(a)
	sc := getScratch()
	defer putScratch(sc)
	hasNulls := a.NullN() > 0
	for _, i := range sel {
		var ok bool
		if hasNulls && a.IsNull(int(i)) {
			ok = m.empty
		} else {
			ok = m.matchRow(buf[offs[i]:offs[i+1]], sc)
		}
		if ok != m.not {
			dst = append(dst, i)
		}
	}
	return dst
}

// Gather maps a per-dictionary-entry result to rows: out[i] = dict[indices[i]].
// Callers evaluate the predicate once over a dictionary's values with Eval and
// then gather through the Int32 indices of the dictionary-encoded column (rows
// whose index is null should be set to the result of Match("")).
func Gather(dict []bool, indices []int32, out []bool) {
	out = out[:len(indices)]
	for i, k := range indices {
		out[i] = dict[k]
	}
}

// BoolsToBitmap sets bit i of bits (LSB order) to b[i], for every i.
func BoolsToBitmap(b []bool, bits []byte) {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		var x byte
		for k := 0; k < 8; k++ {
			if b[i+k] {
				x |= 1 << k
			}
		}
		bits[i/8] = x
	}
	for ; i < len(b); i++ {
		if b[i] {
			bits[i/8] |= 1 << (i % 8)
		} else {
			bits[i/8] &^= 1 << (i % 8)
		}
	}
}
