package strops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// dictParts returns the string dictionary and int32 indices of a
// dictionary-encoded string column; indices of other widths are copied into
// idx (grown as needed), and owned reports that case.
func dictParts(a *array.Dictionary, idx []int32) (dict *array.String, out []int32, owned bool, err error) {
	dict, ok := a.Dictionary().(*array.String)
	if !ok {
		return nil, nil, false, fmt.Errorf("dictionary of %s, want string", a.Dictionary().DataType())
	}
	n := a.Len()
	switch ix := a.Indices().(type) {
	case *array.Int32:
		return dict, ix.Int32Values(), false, nil
	case *array.Int8, *array.Int16, *array.Int64, *array.Uint8, *array.Uint16, *array.Uint32, *array.Uint64:
		idx = growInt32s(idx, n)
		for i := 0; i < n; i++ {
			idx[i] = int32(indexAt(ix, i))
		}
		return dict, idx, true, nil
	}
	return nil, nil, false, fmt.Errorf("dictionary indices of %s not supported", a.Indices().DataType())
}

// answers returns the predicate's answer for every entry of a's dictionary
// (dict). Batches of one Parquet column chunk share the chunk's dictionary,
// so the answers are computed once per dictionary and remembered for the
// last few (the chunks the workers of a query read at the same time). The
// result is shared: callers only read it.
func (m *Matcher) answers(a *array.Dictionary, dict *array.String) []bool {
	key := a.Data().Dictionary()
	if dm, ok := m.memo.Get(key); ok {
		return dm
	}
	dm := make([]bool, dict.Len()) // its own slice: Eval borrows the scratch too
	m.Eval(dict, dm)
	m.memo.Put(key, dm)
	return dm
}

func indexAt(a arrow.Array, i int) int64 {
	switch x := a.(type) {
	case *array.Int8:
		return int64(x.Value(i))
	case *array.Int16:
		return int64(x.Value(i))
	case *array.Int64:
		return x.Value(i)
	case *array.Uint8:
		return int64(x.Value(i))
	case *array.Uint16:
		return int64(x.Value(i))
	case *array.Uint32:
		return int64(x.Value(i))
	case *array.Uint64:
		return int64(x.Value(i))
	}
	return 0
}

// EvalDictionary is Eval over a dictionary-encoded string column: the
// predicate runs once per dictionary entry, then rows take their entry's
// answer. Rows with a null index read as "".
func (m *Matcher) EvalDictionary(a *array.Dictionary, out []bool) error {
	sc := getScratch()
	defer putScratch(sc)
	dict, idx, owned, err := dictParts(a, sc.offs)
	if err != nil {
		return err
	}
	if owned {
		sc.offs = idx[:0] // keep the grown buffer; never an Arrow buffer
	}
	dm := m.answers(a, dict)
	n := a.Len()
	out = out[:n]
	Gather(dm, idx[:n], out)
	if a.NullN() > 0 {
		e := m.empty != m.not
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				out[i] = e
			}
		}
	}
	return nil
}

// SelectDictionary is Select over a dictionary-encoded string column: the
// predicate runs once per dictionary entry, then the rows listed in sel (all
// rows when sel is nil) whose entry matches are appended to dst.
func (m *Matcher) SelectDictionary(a *array.Dictionary, sel []int32, dst []int32) ([]int32, error) {
	sc := getScratch()
	defer putScratch(sc)
	dict, idx, owned, err := dictParts(a, sc.offs)
	if err != nil {
		return dst, err
	}
	if owned {
		sc.offs = idx[:0]
	}
	dm := m.answers(a, dict)
	e := m.empty != m.not
	nulls := a.NullN() > 0
	test := func(i int32) bool {
		if nulls && a.IsNull(int(i)) {
			return e
		}
		return dm[idx[i]]
	}
	if sel == nil {
		for i := 0; i < a.Len(); i++ {
			if test(int32(i)) {
				dst = append(dst, int32(i))
			}
		}
		return dst, nil
	}
	for _, i := range sel {
		if test(i) {
			dst = append(dst, i)
		}
	}
	return dst, nil
}
