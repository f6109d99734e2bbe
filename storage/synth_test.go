package storage

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// synth builds n rows of schema s with Timestamps start, start+step, ...
// String columns draw from a small vocabulary unless their name says they
// are high-cardinality; every 17th value of nullable columns is null.
func synth(s kusto.Schema, n int, start time.Time, step time.Duration, seed uint64) arrow.RecordBatch {
	rng := rand.New(rand.NewPCG(seed, 7))
	mem := memory.DefaultAllocator
	cols := make([]arrow.Array, len(s))
	for ci, c := range s {
		switch c.Type {
		case kusto.DateTime:
			b := array.NewTimestampBuilder(mem, karrow.TimestampType)
			for i := 0; i < n; i++ {
				if c.Name != TimestampColumn && i%17 == 5 {
					b.AppendNull()
					continue
				}
				b.Append(arrow.Timestamp(start.Add(time.Duration(i) * step).UnixNano()))
			}
			cols[ci] = b.NewArray()
		case kusto.TimeSpan:
			b := array.NewDurationBuilder(mem, karrow.DurationType)
			for i := 0; i < n; i++ {
				b.Append(arrow.Duration(rng.Int64N(1e12)))
			}
			cols[ci] = b.NewArray()
		case kusto.Int:
			b := array.NewInt32Builder(mem)
			for i := 0; i < n; i++ {
				if i%17 == 3 {
					b.AppendNull()
					continue
				}
				b.Append(int32(rng.IntN(65536)))
			}
			cols[ci] = b.NewArray()
		case kusto.Long:
			b := array.NewInt64Builder(mem)
			for i := 0; i < n; i++ {
				if i%17 == 4 {
					b.AppendNull()
					continue
				}
				b.Append(rng.Int64N(1 << 40))
			}
			cols[ci] = b.NewArray()
		case kusto.Real:
			b := array.NewFloat64Builder(mem)
			for i := 0; i < n; i++ {
				b.Append(rng.Float64())
			}
			cols[ci] = b.NewArray()
		case kusto.Bool:
			b := array.NewBooleanBuilder(mem)
			for i := 0; i < n; i++ {
				if i%17 == 6 {
					b.AppendNull()
					continue
				}
				b.Append(rng.IntN(2) == 1)
			}
			cols[ci] = b.NewArray()
		default:
			b := array.NewStringBuilder(mem)
			vocab := 50
			switch c.Name {
			case "InitiatingProcessCommandLine", "AdditionalFields", "ReportId":
				vocab = 0
			case "DeviceId", "DeviceName":
				vocab = 2000
			case "RemoteUrl", "RemoteIP":
				vocab = 5000
			}
			words := make([]string, vocab)
			for i := range words {
				words[i] = fmt.Sprintf("%s-%d", c.Name, i)
			}
			b.Reserve(n)
			for i := 0; i < n; i++ {
				if vocab == 0 {
					b.Append(fmt.Sprintf("%s-%d-%x", c.Name, i, rng.Uint64()))
				} else {
					b.Append(words[rng.IntN(vocab)])
				}
			}
			cols[ci] = b.NewArray()
		}
	}
	rec := array.NewRecordBatch(karrow.Schema(s), cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec
}
