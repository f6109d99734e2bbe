package dictmemo

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

func TestMemoKeepsTheMostRecent(t *testing.T) {
	var m Memo[int]
	dicts := make([]arrow.ArrayData, Size+2)
	for i := range dicts {
		dicts[i] = array.NewData(arrow.BinaryTypes.String, 0, nil, nil, 0, 0)
	}
	for i := 0; i < Size; i++ {
		if _, ok := m.Put(dicts[i], i); ok {
			t.Fatalf("put %d evicted something from a memo that was not full", i)
		}
	}
	if v, ok := m.Get(dicts[0]); !ok || v != 0 { // dicts[0] becomes the most recent
		t.Fatalf("Get(dicts[0]) = %d, %v", v, ok)
	}
	if v, ok := m.Put(dicts[Size], Size); !ok || v != 1 {
		t.Fatalf("Put evicted %d, %v; want the least recent, 1", v, ok)
	}
	if _, ok := m.Get(dicts[1]); ok {
		t.Error("evicted entry still found")
	}
	for _, i := range []int{0, 2, Size} {
		if v, ok := m.Get(dicts[i]); !ok || v != i {
			t.Errorf("Get(dicts[%d]) = %d, %v", i, v, ok)
		}
	}
	if _, ok := m.Get(dicts[Size+1]); ok {
		t.Error("unknown dictionary found")
	}
}
