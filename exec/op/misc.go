package op

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/kusto"
)

// Count counts its input rows (the count operator).
type Count struct {
	In   Operator
	Out  kusto.Schema
	done bool
}

func (c *Count) Schema() kusto.Schema { return c.Out }
func (c *Count) Close()               { c.In.Close() }

func (c *Count) Next(ctx context.Context) (*eval.Batch, error) {
	if c.done {
		return nil, nil
	}
	c.done = true
	var n int64
	for {
		b, err := c.In.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		n += int64(b.Len())
	}
	return &eval.Batch{Cols: []arrow.Array{eval.NewInts(kusto.Long, []int64{n}, nil)}, N: 1}, nil
}

// MvItem is one expanded column of mv-expand.
type MvItem struct {
	X      eval.Expr
	ToType kusto.Type // kusto.Dynamic when no `to typeof()`
}

// MvExpand turns each element of dynamic arrays (or each property of bags)
// into a row. For each output column, Src is the input column (-1 for an
// expanded item, -2 for the item index) and Item the item index.
type MvExpand struct {
	In    Operator
	Items []MvItem
	Src   []int
	Item  []int
	Limit int64
	// BagArrays expands property bags into [key, value] arrays
	// (bagexpansion=array) instead of single-property bags.
	BagArrays bool
	Out       kusto.Schema
	Ctx       *eval.Ctx
}

func (m *MvExpand) Schema() kusto.Schema { return m.Out }
func (m *MvExpand) Close()               { m.In.Close() }

func expandJSON(s string, valid bool, bagArrays bool) []string {
	if !valid || s == "" {
		return []string{""}
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return []string{s}
	}
	switch x := v.(type) {
	case nil:
		return []string{""}
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = jsonText(e)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]string, len(keys))
		for i, k := range keys {
			if bagArrays {
				out[i] = jsonText([]any{k, x[k]})
			} else {
				out[i] = jsonText(map[string]any{k: x[k]})
			}
		}
		return out
	}
	return []string{s}
}

func jsonText(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

func (m *MvExpand) Next(ctx context.Context) (*eval.Batch, error) {
	for {
		b, err := m.In.Next(ctx)
		if err != nil || b == nil {
			return nil, err
		}
		vals := make([]eval.Value, len(m.Items))
		for i, it := range m.Items {
			if vals[i], err = it.X.Eval(m.Ctx, b); err != nil {
				return nil, err
			}
		}
		var rows []int32
		var idx []int64
		items := make([][]string, len(m.Items))
		for i := 0; i < b.Len(); i++ {
			r := b.Row(i)
			lists := make([][]string, len(m.Items))
			n := 0
			for k, v := range vals {
				j := r
				if v.Const {
					j = 0
				}
				lists[k] = expandJSON(eval.StringAt(v.Array, j), v.Array.IsValid(j), m.BagArrays)
				n = max(n, len(lists[k]))
			}
			if m.Limit > 0 && int64(n) > m.Limit {
				n = int(m.Limit)
			}
			for e := 0; e < n; e++ {
				rows = append(rows, int32(r))
				idx = append(idx, int64(e))
				for k := range lists {
					s := ""
					if e < len(lists[k]) {
						s = lists[k][e]
					}
					items[k] = append(items[k], s)
				}
			}
		}
		if len(rows) == 0 {
			continue
		}
		out := &eval.Batch{N: len(rows), Cols: make([]arrow.Array, len(m.Out))}
		for c := range m.Out {
			switch m.Src[c] {
			case -1:
				a, err := fromDynamicText(items[m.Item[c]], m.Out[c].Type)
				if err != nil {
					return nil, err
				}
				out.Cols[c] = a
			case -2:
				out.Cols[c] = eval.NewInts(kusto.Long, idx, nil)
			default:
				out.Cols[c] = eval.Take(b.Cols[m.Src[c]], rows)
			}
		}
		return out, nil
	}
}

// fromDynamicText converts JSON texts ("" = null) to values of type t.
func fromDynamicText(vals []string, t kusto.Type) (arrow.Array, error) {
	valid := make([]bool, len(vals))
	switch t {
	case kusto.Dynamic:
		for i, v := range vals {
			valid[i] = v != ""
		}
		return eval.NewStringsValid(vals, valid), nil
	case kusto.String, kusto.Guid:
		out := make([]string, len(vals))
		for i, v := range vals {
			out[i] = eval.DynamicText(v)
		}
		return eval.NewStrings(out), nil
	}
	strs := make([]string, len(vals))
	for i, v := range vals {
		strs[i] = eval.DynamicText(v)
	}
	return ParseValues(strs, t)
}

// ParseValues converts texts to values of type t; bad text gives null.
func ParseValues(vals []string, t kusto.Type) (arrow.Array, error) {
	return eval.ParseText(vals, t)
}

// ParsePart is one piece of a parse pattern.
type ParsePart struct {
	Literal string
	IsLit   bool
	Star    bool
	Column  int // output column index for an extracted column
	Type    kusto.Type
}

// Parse extracts columns from a string by a pattern (kind simple, relaxed or
// regex), compiled to one regular expression. Src maps output columns to input
// columns (-1: extracted).
type Parse struct {
	X     eval.Expr
	Kind  string
	Parts []ParsePart
	Src   []int
	Out   kusto.Schema
	re    *regexp.Regexp
	group []int // output column → capture group (0 = none)
}

// Compile builds the parse regular expression.
func (p *Parse) Compile(flags string) error {
	var sb strings.Builder
	if strings.Contains(flags, "i") {
		sb.WriteString("(?i)")
	}
	if strings.Contains(flags, "s") {
		sb.WriteString("(?s)")
	}
	p.group = make([]int, len(p.Out))
	g := 0
	for i, part := range p.Parts {
		switch {
		case part.IsLit:
			if p.Kind == "regex" {
				sb.WriteString(part.Literal)
			} else {
				sb.WriteString(regexp.QuoteMeta(part.Literal))
			}
		case part.Star:
			sb.WriteString("(?:.*?)")
		default:
			g++
			p.group[part.Column] = g
			last := i == len(p.Parts)-1
			switch {
			case last:
				sb.WriteString("(.*)")
			case (part.Type == kusto.Int || part.Type == kusto.Long) && p.Kind == "relaxed":
				// digits when there are, else whatever is there (null after conversion)
				sb.WriteString(`(-?\d+|.*?)`)
			case part.Type == kusto.Int || part.Type == kusto.Long:
				sb.WriteString(`(-?\d+)`)
			default:
				sb.WriteString("(.*?)")
			}
		}
	}
	re, err := regexp.Compile(sb.String())
	if err != nil {
		return fmt.Errorf("parse pattern: %w", err)
	}
	p.re = re
	return nil
}

func (p *Parse) Describe() string { return "parse kind=" + p.Kind }

func (p *Parse) Apply(c *eval.Ctx, b *eval.Batch) (*eval.Batch, error) {
	v, err := p.X.Eval(c, b)
	if err != nil {
		return nil, err
	}
	groups := p.re.NumSubexp()
	texts := make([][]string, groups+1)
	for g := range texts {
		texts[g] = make([]string, b.N)
	}
	strict := p.Kind != "relaxed"
	var matched []bool
	if strict {
		matched = make([]bool, b.N)
	}
	for i := 0; i < b.Len(); i++ {
		r := b.Row(i)
		j := r
		if v.Const {
			j = 0
		}
		s := eval.StringAt(v.Array, j)
		if v.Type == kusto.Dynamic {
			s = eval.DynamicText(s)
		}
		m := p.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		if strict {
			matched[r] = true
		}
		for g := 1; g <= groups && g < len(m); g++ {
			texts[g][r] = m[g]
		}
	}
	out := &eval.Batch{N: b.N, Sel: b.Sel, Cols: make([]arrow.Array, len(p.Out))}
	if err := p.convert(out, b, texts); err != nil {
		return nil, err
	}
	if strict && p.failStrict(out, matched, texts) {
		// simple and regex are strict: a row whose part does not convert
		// to its type extracts nothing (relaxed keeps the other parts).
		if err := p.convert(out, b, texts); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// convert fills out's columns: input columns passed through, extracted
// columns converted from their texts.
func (p *Parse) convert(out, in *eval.Batch, texts [][]string) error {
	for c, col := range p.Out {
		if p.Src[c] >= 0 {
			out.Cols[c] = in.Cols[p.Src[c]]
			continue
		}
		a, err := ParseValues(texts[p.group[c]], col.Type)
		if err != nil {
			return err
		}
		out.Cols[c] = a
	}
	return nil
}

// failStrict clears the texts of matched rows where a typed part failed to
// convert and reports whether there were any.
func (p *Parse) failStrict(out *eval.Batch, matched []bool, texts [][]string) bool {
	failed := false
	for c, col := range p.Out {
		if p.Src[c] >= 0 || col.Type == kusto.String || p.group[c] == 0 {
			continue
		}
		a := out.Cols[c]
		if a.NullN() == 0 {
			continue
		}
		for i := 0; i < out.Len(); i++ {
			r := out.Row(i)
			if matched[r] && a.IsNull(r) {
				matched[r] = false
				failed = true
				for g := range texts {
					texts[g][r] = ""
				}
			}
		}
	}
	return failed
}
