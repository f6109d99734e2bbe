package agg

import (
	"math/rand/v2"
	"strconv"
	"syscall"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
)

// benchData is 1 M rows in 64 K-row batches with ~1000 groups; each benchmark
// op runs it 10 times, i.e. 10 M rows.
type benchData struct {
	groups [][]uint32
	longs  []arrow.Array
	strs   []arrow.Array // plain strings, ~20 distinct per group
	dicts  []arrow.Array // the same, dictionary-encoded with one shared dictionary per batch
}

const (
	benchRows   = 1 << 20
	benchGroups = 1000
	benchPasses = 10
)

func makeBenchData() *benchData {
	rng := rand.New(rand.NewPCG(7, 7))
	mem := memory.DefaultAllocator
	names := make([]string, 5000)
	for i := range names {
		names[i] = "account" + strconv.Itoa(i) + "@contoso"
	}
	d := &benchData{}
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	for lo := 0; lo < benchRows; lo += batchRows {
		g := make([]uint32, batchRows)
		lb := array.NewInt64Builder(mem)
		sb := array.NewStringBuilder(mem)
		db := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
		for i := range g {
			g[i] = uint32(rng.IntN(benchGroups))
			lb.Append(rng.Int64N(1 << 40))
			s := names[(int(g[i])*5+rng.IntN(20))%len(names)]
			sb.Append(s)
			_ = db.AppendString(s)
		}
		d.groups = append(d.groups, g)
		d.longs = append(d.longs, lb.NewArray())
		d.strs = append(d.strs, sb.NewArray())
		d.dicts = append(d.dicts, db.NewArray())
	}
	return d
}

var benchDataCache *benchData

func runBench(b *testing.B, spec *Spec, col func(d *benchData, i int) []fn.Arg) {
	if benchDataCache == nil {
		benchDataCache = makeBenchData()
	}
	d := benchDataCache
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		a, err := New(spec)
		if err != nil {
			b.Fatal(err)
		}
		for range benchPasses {
			for i, g := range d.groups {
				if err := a.Update(col(d, i), g); err != nil {
					b.Fatal(err)
				}
			}
		}
		cols, err := a.Result(memory.DefaultAllocator, benchGroups)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cols {
			c.Release()
		}
	}
	rows := float64(b.N) * benchRows * benchPasses
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/rows, "ns/row")
	// CPU time per row is steadier than wall time on a shared machine.
	b.ReportMetric(float64(cpuTime()-cpu0)/rows, "cpu-ns/row")
}

// cpuTime is the process's user+system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func BenchmarkCount(b *testing.B) {
	runBench(b, sp("count", nil, nil, L), func(*benchData, int) []fn.Arg { return nil })
}

func BenchmarkSumLong(b *testing.B) {
	runBench(b, sp("sum", []kusto.Type{L}, nil, L), func(d *benchData, i int) []fn.Arg {
		return []fn.Arg{{Type: L, Array: d.longs[i]}}
	})
}

func BenchmarkDcountDict(b *testing.B) {
	runBench(b, sp("dcount", []kusto.Type{S}, nil, L), func(d *benchData, i int) []fn.Arg {
		return []fn.Arg{{Type: S, Array: d.dicts[i]}}
	})
}

func BenchmarkDcountString(b *testing.B) {
	runBench(b, sp("dcount", []kusto.Type{S}, nil, L), func(d *benchData, i int) []fn.Arg {
		return []fn.Arg{{Type: S, Array: d.strs[i]}}
	})
}

func BenchmarkDcountLong(b *testing.B) {
	runBench(b, sp("dcount", []kusto.Type{L}, nil, L), func(d *benchData, i int) []fn.Arg {
		return []fn.Arg{{Type: L, Array: d.longs[i]}}
	})
}

func BenchmarkArgMax(b *testing.B) {
	runBench(b, sp("arg_max", []kusto.Type{L, S, S}, nil, L, S, S), func(d *benchData, i int) []fn.Arg {
		return []fn.Arg{{Type: L, Array: d.longs[i]}, {Type: S, Array: d.dicts[i]}, {Type: S, Array: d.strs[i]}}
	})
}

func BenchmarkMakeSetDict(b *testing.B) {
	runBench(b, sp("make_set", []kusto.Type{S}, nil, D), func(d *benchData, i int) []fn.Arg {
		return []fn.Arg{{Type: S, Array: d.dicts[i]}}
	})
}
