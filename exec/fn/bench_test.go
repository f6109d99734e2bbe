package fn

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
)

func BenchmarkKernels(b *testing.B) {
	const n = 1 << 16
	mem := memory.DefaultAllocator
	sb := array.NewStringBuilder(mem)
	lb := array.NewInt64Builder(mem)
	for i := 0; i < n; i++ {
		sb.Append(fmt.Sprintf("C:\\Windows\\System32\\Process%d.EXE", i%5000))
		lb.Append(int64(i * 37))
	}
	strs := sb.NewArray()
	longs := lb.NewArray()
	defer strs.Release()
	defer longs.Release()
	r := NewRegistry()
	ctx := &Context{Mem: mem, Now: testNow}
	cases := []struct {
		name string
		args []Arg
		out  kusto.Type
	}{
		{"tostring", []Arg{{Type: kusto.Long, Array: longs}}, kusto.String},
		{"tolower", []Arg{{Type: kusto.String, Array: strs}}, kusto.String},
		{"strlen", []Arg{{Type: kusto.String, Array: strs}}, kusto.Long},
		{"isnotempty", []Arg{{Type: kusto.String, Array: strs}}, kusto.Bool},
		{"parse_path", []Arg{{Type: kusto.String, Array: strs}}, kusto.Dynamic},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				a, err := r.Call(ctx, c.name, c.args, n, c.out)
				if err != nil {
					b.Fatal(err)
				}
				a.Release()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
		})
	}
}
