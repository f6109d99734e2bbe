package op

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/eval"
	"github.com/prowl-hunt/prowl/exec/internal/dictmemo"
	"github.com/prowl-hunt/prowl/kusto"
)

// keyCodec encodes the join key of a row as bytes (false when a key is null:
// null keys never match).
type keyCodec struct {
	cols  []arrow.Array
	types []kusto.Type
	ints  [][]int64
	flts  [][]float64
	buf   []byte
}

func newKeyCodec(c *eval.Ctx, b *eval.Batch, keys []eval.Expr, types []kusto.Type) (*keyCodec, error) {
	k := &keyCodec{cols: make([]arrow.Array, len(keys)), types: types, ints: make([][]int64, len(keys)), flts: make([][]float64, len(keys))}
	for i, e := range keys {
		v, err := e.Eval(c, b)
		if err != nil {
			return nil, err
		}
		a := eval.Materialize(v, b.N)
		if e.Type() != types[i] {
			if a, err = eval.Cast(a, types[i]); err != nil {
				return nil, err
			}
		}
		switch types[i] {
		case kusto.String, kusto.Guid, kusto.Dynamic:
		case kusto.Real:
			a = eval.Decode(a)
			k.flts[i] = eval.Floats(a)
		default:
			a = eval.Decode(a)
			k.ints[i] = eval.Ints(a)
		}
		k.cols[i] = a
	}
	return k, nil
}

func (k *keyCodec) key(r int) (string, bool) {
	buf := k.buf[:0]
	for i, c := range k.cols {
		switch k.types[i] {
		case kusto.String, kusto.Guid, kusto.Dynamic:
			s := eval.StringAt(c, r)
			buf = binary.LittleEndian.AppendUint32(buf, uint32(len(s)))
			buf = append(buf, s...)
		case kusto.Real:
			if c.IsNull(r) {
				return "", false
			}
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(k.flts[i][r]))
		default:
			if c.IsNull(r) {
				return "", false
			}
			buf = binary.LittleEndian.AppendUint64(buf, uint64(k.ints[i][r]))
		}
	}
	k.buf = buf
	// The caller copies the string when it keeps it.
	return unsafeString(buf), true
}

// dictKey returns the key column and its indices when the key is a single
// string column arriving dictionary-encoded with int32 indices.
func (k *keyCodec) dictKey() (*array.Dictionary, []int32) {
	if len(k.cols) != 1 || (k.types[0] != kusto.String && k.types[0] != kusto.Guid) {
		return nil, nil
	}
	d, ok := k.cols[0].(*array.Dictionary)
	if !ok {
		return nil, nil
	}
	idx, ok := d.Indices().(*array.Int32)
	if !ok {
		return nil, nil
	}
	return d, idx.Int32Values()
}

// dictHeads returns the chain head of every entry of d's dictionary (-1 when
// absent), looked up once per dictionary: batches of one Parquet column chunk
// share it, and the probe workers share the answers.
func (j *Join) dictHeads(d *array.Dictionary, nullHead int32) []int32 {
	key := d.Data().Dictionary()
	if heads, ok := j.heads.Get(key); ok {
		return heads
	}
	dict := d.Dictionary()
	heads := make([]int32, dict.Len())
	var buf []byte
	for e := range heads {
		if dict.IsNull(e) {
			heads[e] = nullHead
		} else {
			heads[e] = j.lookupString(&buf, eval.StringAt(dict, e))
		}
	}
	j.heads.Put(key, heads)
	return heads
}

// lookupString finds the chain head of a single string key (-1 when absent).
func (j *Join) lookupString(buf *[]byte, s string) int32 {
	b := binary.LittleEndian.AppendUint32((*buf)[:0], uint32(len(s)))
	b = append(b, s...)
	*buf = b
	if h, ok := j.table[unsafeString(b)]; ok {
		return h
	}
	return -1
}

// KeyTypes picks the common type of each pair of join keys.
func KeyTypes(l, r []eval.Expr) []kusto.Type {
	out := make([]kusto.Type, len(l))
	for i := range l {
		lt, rt := l[i].Type(), r[i].Type()
		switch {
		case lt == rt:
			out[i] = lt
		case lt == kusto.Real || rt == kusto.Real:
			out[i] = kusto.Real
		case (lt == kusto.Int || lt == kusto.Long) && (rt == kusto.Int || rt == kusto.Long):
			out[i] = kusto.Long
		default:
			out[i] = kusto.String
		}
	}
	return out
}

// Join is a hash join: the right side is built into a hash table, the left side
// streams through it.
type Join struct {
	Left, Right         Operator
	Kind                string
	LeftKeys, RightKeys []eval.Expr
	// LeftOut and RightOut list the input columns that form the output, in order
	// (left ones first).
	LeftOut, RightOut []int
	// Skip marks output columns nothing downstream reads: they are left nil
	// (as unread scan columns are) instead of gathered. Nil means none.
	Skip   []bool
	Out    kusto.Schema
	Ctx    *eval.Ctx
	Budget *Budget

	built    bool
	heads    dictmemo.Memo[[]int32] // chain heads per left dictionary
	right    *eval.Batch
	table    map[string]int32 // key → first row slot in chain
	next     []int32          // chain of right rows with the same key
	matched  []bool
	seenLeft map[string]struct{}
	seenMu   sync.Mutex
	types    []kusto.Type
	tail     bool
}

func (j *Join) Schema() kusto.Schema { return j.Out }
func (j *Join) Close()               { j.Left.Close(); j.Right.Close() }

func (j *Join) build(ctx context.Context) error {
	right, err := Collect(ctx, j.Right, j.Budget)
	if err != nil {
		return err
	}
	if right.N == 0 && right.Cols == nil {
		right = emptyBatch(j.Right.Schema())
	}
	j.right = right
	j.types = KeyTypes(j.LeftKeys, j.RightKeys)
	kc, err := newKeyCodec(j.Ctx, right, j.RightKeys, j.types)
	if err != nil {
		return err
	}
	j.table = make(map[string]int32, right.N)
	j.next = make([]int32, right.N)
	for r := right.N - 1; r >= 0; r-- {
		if r&(cancelCheckRows-1) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		k, ok := kc.key(r)
		j.next[r] = -1
		if !ok {
			continue
		}
		if head, ok := j.table[k]; ok {
			j.next[r] = head
		}
		j.table[strings.Clone(k)] = int32(r)
	}
	j.matched = make([]bool, right.N)
	if j.Kind == "innerunique" {
		j.seenLeft = make(map[string]struct{})
	}
	return j.Budget.Grow(int64(right.N) * 16)
}

func emptyBatch(s kusto.Schema) *eval.Batch {
	b := &eval.Batch{Cols: make([]arrow.Array, len(s))}
	for i, c := range s {
		b.Cols[i] = eval.NewNulls(c.Type, 0)
	}
	return b
}

func (j *Join) Next(ctx context.Context) (*eval.Batch, error) {
	if !j.built {
		j.built = true
		if err := j.build(ctx); err != nil {
			return nil, err
		}
	}
	for !j.tail {
		lb, err := j.Left.Next(ctx)
		if err != nil {
			return nil, err
		}
		if lb == nil {
			j.tail = true
			break
		}
		out, err := j.probe(lb)
		if err != nil {
			return nil, err
		}
		if out != nil && out.N > 0 {
			return out, nil
		}
	}
	// Right rows that never matched (rightouter, fullouter, rightanti) or did
	// (rightsemi) come last.
	switch j.Kind {
	case "rightouter", "fullouter", "rightanti", "rightsemi":
		var ridx []int32
		for r, m := range j.matched {
			if m == (j.Kind == "rightsemi") {
				ridx = append(ridx, int32(r))
			}
		}
		j.matched = nil
		if len(ridx) == 0 {
			return nil, nil
		}
		lidx := make([]int32, len(ridx))
		for i := range lidx {
			lidx[i] = -1
		}
		return j.assemble(nil, lidx, ridx)
	}
	return nil, nil
}

// cancelCheckRows is how often (in rows, a power of two) long loops inside one
// batch check for cancellation.
const cancelCheckRows = 4096

func (j *Join) probe(lb *eval.Batch) (*eval.Batch, error) {
	kc, err := newKeyCodec(j.Ctx, lb, j.LeftKeys, j.types)
	if err != nil {
		return nil, err
	}
	n := lb.Len()
	var lidx, ridx []int32
	if j.Kind == "inner" || j.Kind == "leftouter" {
		lidx, ridx = make([]int32, 0, n), make([]int32, 0, n)
	}
	var ctx context.Context
	if j.Ctx != nil {
		ctx = j.Ctx.Ctx
	}
	checked := 0
	// Fast path: one string key arriving dictionary-encoded. Each dictionary
	// entry is looked up once; rows then only index the per-entry heads.
	var dictHeads []int32
	var dictIdx []int32
	var dictArr *array.Dictionary
	var buf []byte
	nullHead := int32(-1)
	if j.Kind != "innerunique" {
		dictArr, dictIdx = kc.dictKey()
		if dictArr != nil {
			nullHead = j.lookupString(&buf, "")
			dictHeads = j.dictHeads(dictArr, nullHead)
		}
	}
	for i := 0; i < n; i++ {
		// A batch can fan out to many rows (many right matches per key):
		// check for cancellation as rows, and output, accumulate.
		if ctx != nil && (i&(cancelCheckRows-1) == 0 && i > 0 || len(lidx)-checked >= 16*cancelCheckRows) {
			checked = len(lidx)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		l := lb.Row(i)
		var k string
		ok := true
		head := int32(-1)
		if dictHeads != nil {
			if dictArr.IsNull(l) {
				head = nullHead
			} else {
				head = dictHeads[dictIdx[l]]
			}
		} else {
			k, ok = kc.key(l)
			if ok {
				if h, found := j.table[k]; found {
					head = h
				}
			}
		}
		switch j.Kind {
		case "innerunique":
			if !ok {
				continue
			}
			j.seenMu.Lock()
			_, seen := j.seenLeft[k]
			if !seen {
				j.seenLeft[strings.Clone(k)] = struct{}{}
			}
			j.seenMu.Unlock()
			if seen {
				continue
			}
			for r := head; r >= 0; r = j.next[r] {
				lidx, ridx = append(lidx, int32(l)), append(ridx, r)
			}
		case "inner":
			for r := head; r >= 0; r = j.next[r] {
				lidx, ridx = append(lidx, int32(l)), append(ridx, r)
			}
		case "leftouter", "fullouter":
			if head < 0 {
				lidx, ridx = append(lidx, int32(l)), append(ridx, -1)
			}
			for r := head; r >= 0; r = j.next[r] {
				lidx, ridx = append(lidx, int32(l)), append(ridx, r)
				if j.Kind == "fullouter" {
					j.matched[r] = true
				}
			}
		case "rightouter":
			for r := head; r >= 0; r = j.next[r] {
				lidx, ridx = append(lidx, int32(l)), append(ridx, r)
				j.matched[r] = true
			}
		case "leftsemi":
			if head >= 0 {
				lidx = append(lidx, int32(l))
			}
		case "leftanti":
			if head < 0 {
				lidx = append(lidx, int32(l))
			}
		case "rightsemi", "rightanti":
			for r := head; r >= 0; r = j.next[r] {
				j.matched[r] = true
			}
		default:
			return nil, fmt.Errorf("unsupported join kind '%s'", j.Kind)
		}
	}
	if len(lidx) == 0 {
		return nil, nil
	}
	return j.assemble(lb, lidx, ridx)
}

func (j *Join) assemble(lb *eval.Batch, lidx, ridx []int32) (*eval.Batch, error) {
	n := len(lidx)
	if n == 0 {
		n = len(ridx)
	}
	out := &eval.Batch{N: n}
	for k, c := range j.LeftOut {
		if j.Skip != nil && j.Skip[k] {
			out.Cols = append(out.Cols, nil)
			continue
		}
		t := j.Left.Schema()[c].Type
		if lb == nil {
			out.Cols = append(out.Cols, eval.NewNulls(t, n))
			continue
		}
		out.Cols = append(out.Cols, TakeOrNull(t, lb.Cols[c], lidx))
	}
	for k, c := range j.RightOut {
		if j.Skip != nil && j.Skip[len(j.LeftOut)+k] {
			out.Cols = append(out.Cols, nil)
			continue
		}
		t := j.Right.Schema()[c].Type
		if ridx == nil {
			out.Cols = append(out.Cols, eval.NewNulls(t, n))
			continue
		}
		if d := dictOver(j.right.Cols[c], ridx); d != nil {
			out.Cols = append(out.Cols, d)
			continue
		}
		out.Cols = append(out.Cols, TakeOrNull(t, j.right.Cols[c], ridx))
	}
	return out, nil
}

// dictOver gathers rows of a plain string column (of the small build side) as
// a dictionary-encoded column whose dictionary is the column itself, so no
// string is copied; it returns nil when the column is not a plain string
// column or an index is -1.
func dictOver(a arrow.Array, idx []int32) arrow.Array {
	s, ok := a.(*array.String)
	if !ok {
		return nil
	}
	for _, i := range idx {
		if i < 0 {
			return nil
		}
	}
	ix := make([]int32, len(idx))
	copy(ix, idx)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: s.DataType()}
	d := array.NewDataWithDictionary(dt, len(ix), []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(ix))}, 0, 0, s.Data().(*array.Data))
	return array.MakeFromData(d)
}

// TakeOrNull gathers rows; index -1 yields null ("" for strings).
func TakeOrNull(t kusto.Type, a arrow.Array, idx []int32) arrow.Array {
	if a == nil {
		return nil
	}
	hasNull := false
	for _, i := range idx {
		if i < 0 {
			hasNull = true
			break
		}
	}
	if !hasNull {
		return eval.Take(a, idx)
	}
	fixed := make([]int32, len(idx))
	valid := make([]bool, len(idx))
	for i, r := range idx {
		if r >= 0 {
			fixed[i] = r
			valid[i] = true
		}
	}
	var taken arrow.Array
	if a.Len() == 0 {
		return eval.NewNulls(t, len(idx))
	}
	taken = eval.Decode(eval.Take(a, fixed))
	switch t {
	case kusto.String, kusto.Guid:
		vals := make([]string, len(idx))
		for i := range vals {
			if valid[i] {
				vals[i] = eval.StringAt(taken, i)
			}
		}
		return eval.NewStrings(vals)
	case kusto.Dynamic:
		vals := make([]string, len(idx))
		for i := range vals {
			if valid[i] && taken.IsValid(i) {
				vals[i] = eval.StringAt(taken, i)
			} else {
				valid[i] = false
			}
		}
		return eval.NewStringsValid(vals, valid)
	case kusto.Real:
		v := eval.Valid(taken)
		for i := range valid {
			valid[i] = valid[i] && (v == nil || v[i])
		}
		return eval.NewFloats(append([]float64(nil), eval.Floats(taken)...), valid)
	case kusto.Decimal:
		return eval.NewNulls(t, len(idx))
	}
	v := eval.Valid(taken)
	for i := range valid {
		valid[i] = valid[i] && (v == nil || v[i])
	}
	return eval.NewInts(t, append([]int64(nil), eval.Ints(taken)...), valid)
}

// ParallelProbe reports whether a join kind can probe from many goroutines at
// once (it keeps no per-right-row state).
func ParallelProbe(kind string) bool {
	switch kind {
	case "inner", "innerunique", "leftouter", "leftsemi", "leftanti":
		return true
	}
	return false
}

// JoinProbe runs the probe side of a join as a streaming step, so scan
// workers probe in parallel; the build side is built once, on first use.
type JoinProbe struct {
	J    *Join
	once sync.Once
	err  error
}

func (p *JoinProbe) Describe() string { return "join kind=" + p.J.Kind + " (probe)" }

func (p *JoinProbe) Apply(c *eval.Ctx, b *eval.Batch) (*eval.Batch, error) {
	p.once.Do(func() {
		ctx := context.Background()
		if c != nil && c.Ctx != nil {
			ctx = c.Ctx
		}
		p.err = p.J.build(ctx)
	})
	if p.err != nil {
		return nil, p.err
	}
	out, err := p.J.probe(b)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return &eval.Batch{N: 0, Cols: make([]arrow.Array, len(p.J.Out))}, nil
	}
	return out, nil
}
