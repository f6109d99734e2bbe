package dictmemo

import (
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

// Size is how many dictionaries a Memo remembers: more than the chunks the
// workers of a query read at the same time.
const Size = 8

// Memo maps dictionaries, by the identity of their ArrayData, to values.
// Holding the pointer keeps that ArrayData alive, so no other dictionary can
// have the same address while its entry lives (the Arrow buffers are not
// used and need no reference). The zero value is ready; it is safe for
// concurrent use.
type Memo[V any] struct {
	mu      sync.Mutex
	entries [Size]entry[V] // most recent first
}

type entry[V any] struct {
	dict arrow.ArrayData
	v    V
}

// Get returns the value remembered for dict.
func (m *Memo[V]) Get(dict arrow.ArrayData) (v V, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, e := range m.entries {
		if e.dict == dict {
			copy(m.entries[1:i+1], m.entries[:i])
			m.entries[0] = e
			return e.v, true
		}
	}
	return v, false
}

// Put remembers v for dict and returns the value it pushed out, if any, so
// the caller can release it.
func (m *Memo[V]) Put(dict arrow.ArrayData, v V) (evicted V, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	last := m.entries[Size-1]
	copy(m.entries[1:], m.entries[:Size-1])
	m.entries[0] = entry[V]{dict: dict, v: v}
	return last.v, last.dict != nil
}
