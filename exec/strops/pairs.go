package strops

import (
	"bytes"
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// PairEvaluator evaluates a single-needle operator whose needle varies by row
// (column-vs-column comparisons). It caches the last compiled regular
// expression. It is not safe for concurrent use.
type PairEvaluator struct {
	op     Op
	not    bool
	hay    []byte
	nee    []byte
	lastRe string
	re     *regexp.Regexp
	reErr  error
}

// NewPair returns an evaluator for op; in, in~, has_any and has_all take sets
// and have no pairwise form.
func NewPair(op Op, not bool) (*PairEvaluator, error) {
	if op.Multi() || op < Equal || op > Regex {
		return nil, fmt.Errorf("operator %s has no row-by-row form", op)
	}
	return &PairEvaluator{op: op, not: not}, nil
}

// Match reports whether s satisfies the operator against needle. The error is
// for an invalid regular expression.
func (p *PairEvaluator) Match(s, needle string) (bool, error) {
	r, err := p.match(unsafeBytes(s), unsafeBytes(needle))
	return r != p.not, err
}

func (p *PairEvaluator) match(s, needle []byte) (bool, error) {
	op := p.op
	if op == Regex {
		if p.re == nil || p.lastRe != string(needle) {
			p.lastRe = string(needle)
			p.re, p.reErr = regexp.Compile(p.lastRe)
		}
		if p.reErr != nil {
			return false, fmt.Errorf("matches regex: %w", p.reErr)
		}
		return p.re.Match(s), nil
	}
	if op.CaseInsensitive() {
		p.hay = appendFold(p.hay[:0], s)
		p.nee = appendFold(p.nee[:0], needle)
		s, needle = p.hay, p.nee
	}
	switch op {
	case Equal, EqualCI:
		return bytes.Equal(s, needle), nil
	case StartsWith, StartsWithCS:
		return bytes.HasPrefix(s, needle), nil
	case EndsWith, EndsWithCS:
		return bytes.HasSuffix(s, needle), nil
	}
	if len(needle) == 0 {
		return true, nil
	}
	r, _ := utf8.DecodeRune(needle)
	leftB := isTermRune(r)
	r, _ = utf8.DecodeLastRune(needle)
	rightB := isTermRune(r)
	md := op.mode()
	pos := 0
	for {
		i := bytes.Index(s[pos:], needle)
		if i < 0 {
			return false, nil
		}
		at := pos + i
		if boundaryOK(s, 0, len(s), at, at+len(needle), md, leftB, rightB) {
			return true, nil
		}
		pos = at + 1
	}
}

// Eval sets out[i] to the result of row i of left against row i of right.
// Null slots are read as "".
func (p *PairEvaluator) Eval(left, right *array.String, out []bool) error {
	n := left.Len()
	if right.Len() != n {
		return fmt.Errorf("operator %s: %d values against %d needles", p.op, n, right.Len())
	}
	lb, lo := values(left)
	rb, ro := values(right)
	ln, rn := left.NullN() > 0, right.NullN() > 0
	for i := 0; i < n; i++ {
		s, t := lb[lo[i]:lo[i+1]], rb[ro[i]:ro[i+1]]
		if ln && left.IsNull(i) {
			s = nil
		}
		if rn && right.IsNull(i) {
			t = nil
		}
		r, err := p.match(s, t)
		if err != nil {
			return err
		}
		out[i] = r != p.not
	}
	return nil
}
