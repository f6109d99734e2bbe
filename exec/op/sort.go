package op

import (
	"cmp"
	"container/heap"
	"context"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/kusto"
)

// SortKey is one ordering key.
type SortKey struct {
	X          eval.Expr
	Desc       bool
	NullsFirst bool
}

// DefaultNullsFirst is Kusto's default: nulls first ascending, last descending.
func DefaultNullsFirst(desc bool, nulls string) bool {
	switch nulls {
	case "first":
		return true
	case "last":
		return false
	}
	return !desc
}

type keyCol struct {
	ints       []int64
	flts       []float64
	strs       arrow.Array
	valid      []bool
	desc       bool
	nullsFirst bool
}

func (k *keyCol) compare(i, j int) int {
	if k.valid != nil {
		vi, vj := k.valid[i], k.valid[j]
		if !vi || !vj {
			if vi == vj {
				return 0
			}
			if !vi == k.nullsFirst {
				return -1
			}
			return 1
		}
	}
	var c int
	switch {
	case k.strs != nil:
		c = cmp.Compare(eval.StringAt(k.strs, i), eval.StringAt(k.strs, j))
	case k.flts != nil:
		c = cmp.Compare(k.flts[i], k.flts[j])
	default:
		c = cmp.Compare(k.ints[i], k.ints[j])
	}
	if k.desc {
		return -c
	}
	return c
}

func evalKeys(c *eval.Ctx, b *eval.Batch, keys []SortKey) ([]keyCol, error) {
	out := make([]keyCol, len(keys))
	for i, k := range keys {
		v, err := k.X.Eval(c, b)
		if err != nil {
			return nil, err
		}
		a := eval.Materialize(v, b.N)
		kc := keyCol{desc: k.Desc, nullsFirst: k.NullsFirst}
		switch k.X.Type() {
		case kusto.String, kusto.Guid, kusto.Dynamic:
			kc.strs = a
		case kusto.Real:
			a = eval.Decode(a)
			kc.flts = eval.Floats(a)
			kc.valid = eval.Valid(a)
		default:
			a = eval.Decode(a)
			kc.ints = eval.Ints(a)
			kc.valid = eval.Valid(a)
		}
		out[i] = kc
	}
	return out, nil
}

func compareRows(keys []keyCol, i, j int) int {
	for k := range keys {
		if c := keys[k].compare(i, j); c != 0 {
			return c
		}
	}
	return 0
}

// Sort orders all rows by the keys (a pipeline breaker).
type Sort struct {
	In     Operator
	Keys   []SortKey
	Ctx    *eval.Ctx
	Budget *Budget
	done   bool
}

func (s *Sort) Schema() kusto.Schema { return s.In.Schema() }
func (s *Sort) Close()               { s.In.Close() }

func (s *Sort) Next(ctx context.Context) (*eval.Batch, error) {
	if s.done {
		return nil, nil
	}
	s.done = true
	all, err := Collect(ctx, s.In, s.Budget)
	if err != nil || all.N == 0 {
		return nil, err
	}
	return sortBatch(s.Ctx, all, s.Keys, -1)
}

func sortBatch(c *eval.Ctx, b *eval.Batch, keys []SortKey, limit int) (*eval.Batch, error) {
	b = b.Compact()
	kc, err := evalKeys(c, b, keys)
	if err != nil {
		return nil, err
	}
	idx := make([]int32, b.N)
	for i := range idx {
		idx[i] = int32(i)
	}
	if limit >= 0 && limit < b.N {
		idx = topIndices(kc, idx, limit)
	} else {
		ctx := context.Background()
		if c != nil && c.Ctx != nil {
			ctx = c.Ctx
		}
		if idx, err = sortIndices(ctx, idx, func(x, y int32) int { return compareRows(kc, int(x), int(y)) }); err != nil {
			return nil, err
		}
	}
	return &eval.Batch{Cols: b.Cols, N: b.N, Sel: idx}, nil
}

// sortRun is how many rows sortIndices sorts between cancellation checks.
const sortRun = 64 << 10

// sortIndices is a stable sort that stops when ctx is done: runs of sortRun
// rows are sorted one by one, then merged bottom-up, checking ctx between runs
// and every sortRun merged rows. It returns the sorted slice (idx or a buffer
// of the same length).
func sortIndices(ctx context.Context, idx []int32, less func(x, y int32) int) ([]int32, error) {
	n := len(idx)
	for lo := 0; lo < n; lo += sortRun {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		slices.SortStableFunc(idx[lo:min(lo+sortRun, n)], less)
	}
	if n <= sortRun {
		return idx, nil
	}
	buf := make([]int32, n)
	for width := sortRun; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid, hi := min(lo+width, n), min(lo+2*width, n)
			if err := mergeRuns(ctx, buf[lo:hi], idx[lo:mid], idx[mid:hi], less); err != nil {
				return nil, err
			}
		}
		idx, buf = buf, idx
	}
	return idx, nil
}

// mergeRuns merges the sorted runs a and b into dst, taking from a on ties
// (stability).
func mergeRuns(ctx context.Context, dst, a, b []int32, less func(x, y int32) int) error {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if k&(sortRun-1) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if less(b[j], a[i]) < 0 {
			dst[k] = b[j]
			j++
		} else {
			dst[k] = a[i]
			i++
		}
		k++
	}
	k += copy(dst[k:], a[i:])
	copy(dst[k:], b[j:])
	return nil
}

// rowHeap is a max-heap (by sort order) of row indices: the root is the worst kept row.
type rowHeap struct {
	keys []keyCol
	rows []int32
}

func (h *rowHeap) Len() int { return len(h.rows) }
func (h *rowHeap) Less(i, j int) bool {
	c := compareRows(h.keys, int(h.rows[i]), int(h.rows[j]))
	if c == 0 {
		return h.rows[i] > h.rows[j]
	}
	return c > 0
}
func (h *rowHeap) Swap(i, j int) { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *rowHeap) Push(x any)    { h.rows = append(h.rows, x.(int32)) }
func (h *rowHeap) Pop() any {
	x := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return x
}

// topIndices returns the best n of rows in order, using a bounded heap.
func topIndices(keys []keyCol, rows []int32, n int) []int32 {
	if n == 0 {
		return []int32{}
	}
	h := &rowHeap{keys: keys, rows: make([]int32, 0, n+1)}
	for _, r := range rows {
		if len(h.rows) < n {
			heap.Push(h, r)
			continue
		}
		c := compareRows(keys, int(r), int(h.rows[0]))
		if c < 0 || (c == 0 && r < h.rows[0]) {
			h.rows[0] = r
			heap.Fix(h, 0)
		}
	}
	out := h.rows
	slices.SortStableFunc(out, func(x, y int32) int {
		if c := compareRows(keys, int(x), int(y)); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	return out
}

// Top keeps the best N rows by the keys with a heap per batch, streaming: memory
// is O(N) whatever the input size.
type Top struct {
	In   Operator
	N    int
	Keys []SortKey
	Ctx  *eval.Ctx
	done bool
}

func (t *Top) Schema() kusto.Schema { return t.In.Schema() }
func (t *Top) Close()               { t.In.Close() }

func (t *Top) Next(ctx context.Context) (*eval.Batch, error) {
	if t.done {
		return nil, nil
	}
	t.done = true
	schema := t.In.Schema()
	var best *eval.Batch
	for {
		b, err := t.In.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		top, err := sortBatch(t.Ctx, b, t.Keys, t.N)
		if err != nil {
			return nil, err
		}
		parts := []*eval.Batch{top}
		if best != nil {
			parts = append([]*eval.Batch{best}, top)
		}
		merged, err := Concat(schema, parts, nil)
		if err != nil {
			return nil, err
		}
		if best, err = sortBatch(t.Ctx, merged, t.Keys, t.N); err != nil {
			return nil, err
		}
		best = best.Compact()
	}
	if best == nil || best.N == 0 {
		return nil, nil
	}
	return best, nil
}
