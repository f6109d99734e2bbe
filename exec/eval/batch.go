package eval

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Batch is a set of equally long columns plus an optional selection vector.
// Operators that drop rows (where, take) only shrink Sel; expressions are
// evaluated over all N physical rows and consumers read the selected ones.
type Batch struct {
	Cols []arrow.Array
	N    int
	// Sel lists the live rows in increasing order; nil means all rows 0..N-1.
	Sel []int32
}

// Len is the number of live rows.
func (b *Batch) Len() int {
	if b.Sel != nil {
		return len(b.Sel)
	}
	return b.N
}

// Row returns the physical index of live row i.
func (b *Batch) Row(i int) int {
	if b.Sel != nil {
		return int(b.Sel[i])
	}
	return i
}

// Rows returns the physical indices of the live rows (allocating when Sel is nil).
func (b *Batch) Rows() []int32 {
	if b.Sel != nil {
		return b.Sel
	}
	s := make([]int32, b.N)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}

// Compact returns a batch without a selection vector holding only the live rows.
func (b *Batch) Compact() *Batch {
	if b.Sel == nil {
		return b
	}
	out := &Batch{Cols: make([]arrow.Array, len(b.Cols)), N: len(b.Sel)}
	for i, c := range b.Cols {
		out.Cols[i] = compactColumn(c, b.Sel)
	}
	return out
}

// compactColumn gathers the selected rows of a column. A dictionary column
// keeps its dictionary unless the dictionary is much larger than the rows
// kept (a selective filter over a column chunk's dictionary): then the rows
// become plain strings, so that what is kept (sort input, results) does not
// pin every chunk's whole dictionary.
func compactColumn(c arrow.Array, sel []int32) arrow.Array {
	if d, ok := c.(*array.Dictionary); ok {
		if n := d.Dictionary().Len(); n > 1024 && n > 4*len(sel) {
			return Decode(Take(c, sel))
		}
	}
	return Take(c, sel)
}
