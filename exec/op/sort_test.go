package op

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSortIndicesMatchesStableSort(t *testing.T) {
	for _, n := range []int{0, 1, 7, sortRun - 1, sortRun, sortRun + 1, 3*sortRun + 17} {
		r := rand.New(rand.NewPCG(1, uint64(n)))
		keys := make([]int, n)
		for i := range keys {
			keys[i] = r.IntN(100) // many ties: stability matters
		}
		less := func(x, y int32) int { return keys[x] - keys[y] }
		idx := make([]int32, n)
		for i := range idx {
			idx[i] = int32(i)
		}
		want := slices.Clone(idx)
		slices.SortStableFunc(want, less)
		got, err := sortIndices(context.Background(), idx, less)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(want, got) {
			t.Errorf("n=%d: order differs from slices.SortStableFunc (-want +got):\n%s", n, cmp.Diff(want, got))
		}
	}
}

func TestSortIndicesCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	idx := make([]int32, 2*sortRun)
	_, err := sortIndices(ctx, idx, func(x, y int32) int { return int(x - y) })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
