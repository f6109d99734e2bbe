package storage

import (
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// bufPool recycles the fixed-width buffers (values, dictionary indices, string
// offsets) of a scan's batches. It implements memory.Allocator: a batch's
// buffers come back when its last reference is released, so a consumer that
// releases batches gets the same warm memory again instead of freshly zeroed
// allocations; one that keeps them (Retain) simply never returns them. Memory
// from Allocate is NOT zeroed: readers overwrite every byte they hand out.
// String value bytes are not pooled: arrow-go's String.Value aliases them, and
// such strings commonly outlive the batch in consumers' maps.
// A nil *bufPool allocates with make.
type bufPool struct {
	classes [maxPoolClass + 1]sync.Pool // class c holds buffers of capacity 1<<c
}

const (
	minPoolClass = 12 // 4 KiB: smaller buffers are cheap to allocate
	maxPoolClass = 26 // 64 MiB
)

func poolClass(size int) int { return bits.Len(uint(size - 1)) }

// Allocate returns a buffer of size bytes with arbitrary contents.
func (p *bufPool) Allocate(size int) []byte {
	c := poolClass(size)
	if p == nil || c < minPoolClass || c > maxPoolClass {
		return make([]byte, size)
	}
	if v, ok := p.classes[c].Get().(*[]byte); ok {
		return (*v)[:size]
	}
	return make([]byte, size, 1<<c)
}

// Reallocate grows or shrinks b to size bytes, keeping its contents.
func (p *bufPool) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		return b[:size]
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

// Free hands b back for reuse; buffers of other capacities are left to the GC.
func (p *bufPool) Free(b []byte) {
	c := poolClass(cap(b))
	if p == nil || c < minPoolClass || c > maxPoolClass || cap(b) != 1<<c {
		return
	}
	b = b[:cap(b)]
	p.classes[c].Put(&b)
}

// buffer wraps b, which came from Allocate, as an Arrow buffer that returns to
// the pool when released. The caller owns one reference.
func (p *bufPool) buffer(b []byte) *memory.Buffer {
	if p == nil {
		return memory.NewBufferBytes(b)
	}
	return memory.NewBufferWithAllocator(b, p)
}

// int64s returns n int64s and the bytes backing them (for buffer).
func (p *bufPool) int64s(n int) ([]int64, []byte) {
	b := p.Allocate(8 * n)
	return arrow.Int64Traits.CastFromBytes(b), b
}

// int32s returns n int32s and the bytes backing them (for buffer).
func (p *bufPool) int32s(n int) ([]int32, []byte) {
	b := p.Allocate(4 * n)
	return arrow.Int32Traits.CastFromBytes(b), b
}

// float64s returns n float64s and the bytes backing them (for buffer).
func (p *bufPool) float64s(n int) ([]float64, []byte) {
	b := p.Allocate(8 * n)
	return arrow.Float64Traits.CastFromBytes(b), b
}
