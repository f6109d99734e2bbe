package foreign

import (
	"fmt"

	"github.com/parquet-go/parquet-go"
)

// Base is 2026-11-01T00:00:00Z in nanoseconds.
const Base = int64(1793491200) * 1e9

var hosts = []string{"dropbox.com", "www.dropbox.com", "teams.microsoft.com", "github.com", "wetransfer.com"}

// Fixtures are the three checked-in files of the "Proxy" table under
// testdata/foreign: DuckDB-like (ms timestamps without the UTC flag, int32,
// dictionary strings, snappy), Spark-like (INT96 timestamps, plain strings,
// gzip, optional long) and pyarrow-like (µs UTC timestamps, dictionary-encoded
// int64 and double, UUID, JSON, zstd, an extra column).
func Fixtures() []File {
	const n = 20
	return []File{
		{
			Path: "Proxy/date=2026-11-01/duckdb.parquet", Rows: n,
			Options: []parquet.WriterOption{parquet.Compression(&parquet.Snappy)},
			Cols: []Col{
				{Name: "Timestamp", Node: parquet.Required(parquet.TimestampAdjusted(parquet.Millisecond, false)),
					Value: func(i int) any { return Base/1e6 + int64(i)*60_000 },
					Want:  func(i int) any { return Base + int64(i)*60e9 }},
				{Name: "RemoteUrl", Node: parquet.Optional(parquet.Encoded(parquet.String(), &parquet.RLEDictionary)),
					Value: func(i int) any {
						if i%7 == 3 {
							return nil
						}
						return hosts[i%len(hosts)]
					},
					Want: func(i int) any {
						if i%7 == 3 {
							return ""
						}
						return hosts[i%len(hosts)]
					}},
				{Name: "RemotePort", Node: parquet.Optional(parquet.Int(32)),
					Value: func(i int) any {
						if i%5 == 4 {
							return nil
						}
						return int32(443 + i)
					},
					Want: func(i int) any {
						if i%5 == 4 {
							return nil
						}
						return int64(443 + i)
					}},
				{Name: "BytesSent", Node: parquet.Required(parquet.Int(64)),
					Value: func(i int) any { return int64(i) * 1000 }},
			},
		},
		{
			Path: "Proxy/date=2026-11-02/spark.parquet", Rows: n,
			Options: []parquet.WriterOption{parquet.Compression(&parquet.Gzip)},
			Cols: []Col{
				{Name: "Timestamp", Node: parquet.Optional(parquet.Leaf(parquet.Int96Type)),
					Value: func(i int) any { return Int96(Base + 86400e9 + int64(i)*1e9 + 123) },
					Want:  func(i int) any { return Base + 86400e9 + int64(i)*1e9 + 123 }},
				{Name: "RemoteUrl", Node: parquet.Optional(parquet.Encoded(parquet.String(), &parquet.Plain)),
					Value: func(i int) any { return fmt.Sprintf("https://%s/path/%d", hosts[i%len(hosts)], i) }},
				{Name: "BytesSent", Node: parquet.Optional(parquet.Int(64)),
					Value: func(i int) any {
						if i%3 == 0 {
							return nil
						}
						return int64(i)
					}},
				{Name: "Blocked", Node: parquet.Optional(parquet.Leaf(parquet.BooleanType)),
					Value: func(i int) any { return i%2 == 0 }},
			},
		},
		{
			Path: "Proxy/date=2026-11-03/pyarrow.parquet", Rows: n,
			Options: []parquet.WriterOption{parquet.Compression(&parquet.Zstd)},
			Cols: []Col{
				{Name: "Timestamp", Node: parquet.Optional(parquet.Encoded(parquet.TimestampAdjusted(parquet.Microsecond, true), &parquet.RLEDictionary)),
					Value: func(i int) any { return (Base+2*86400e9)/1e3 + int64(i/2)*1e6 },
					Want:  func(i int) any { return Base + 2*86400e9 + int64(i/2)*1e9 }},
				{Name: "BytesSent", Node: parquet.Optional(parquet.Encoded(parquet.Int(64), &parquet.RLEDictionary)),
					Value: func(i int) any { return int64(i % 4) }},
				{Name: "Score", Node: parquet.Optional(parquet.Encoded(parquet.Leaf(parquet.DoubleType), &parquet.RLEDictionary)),
					Value: func(i int) any { return float64(i%3) / 2 }},
				{Name: "SessionId", Node: parquet.Optional(parquet.UUID()),
					Value: func(i int) any {
						b := make([]byte, 16)
						b[0], b[15] = byte(i), 0xab
						return b
					},
					Want: func(i int) any { return fmt.Sprintf("%02x000000-0000-0000-0000-0000000000ab", byte(i)) }},
				{Name: "Extra", Node: parquet.Optional(parquet.JSON()),
					Value: func(i int) any { return fmt.Sprintf(`{"i":%d}`, i) }},
			},
		},
	}
}
