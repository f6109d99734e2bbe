package prowl

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/gen"
)

// The benchmark queries of performance.md (Q1–Q9) over generated data:
// PROWL_BENCH_ROWS rows of DeviceNetworkEvents over 30 days (default 200,000).
var benchQueries = []struct{ name, q string }{
	{"Q1_in", `DeviceNetworkEvents | where RemoteUrl in ("dropbox.com","www.dropbox.com","dl.dropboxusercontent.com","wetransfer.com","mega.nz","drive.google.com","onedrive.live.com","box.com","github.com","slack.com") | project Timestamp, DeviceId, RemoteUrl`},
	{"Q2_contains", `DeviceNetworkEvents | where RemoteUrl contains "dropbox" | count`},
	{"Q3_has", `DeviceNetworkEvents | where RemoteUrl has "wetransfer" | count`},
	{"Q4_bin", `DeviceNetworkEvents | summarize count() by InitiatingProcessFileName, bin(Timestamp, 1h)`},
	{"Q5_top", `DeviceNetworkEvents | summarize TotalBytes=sum(BytesSent) by DeviceId | top 10 by TotalBytes`},
	{"Q6_join", `DeviceNetworkEvents | where RemotePort != 443 | join kind=inner (DeviceInfo | distinct DeviceId, OSPlatform) on DeviceId | summarize count() by OSPlatform`},
	{"Q7_dcount", `DeviceNetworkEvents | summarize dcount(InitiatingProcessAccountName) by InitiatingProcessFileName`},
	{"Q8_day", `DeviceNetworkEvents | where Timestamp between (datetime(2024-03-05) .. 1d) | summarize count(), sum(BytesSent)`},
	{"Q9_order", `DeviceNetworkEvents | where RemoteUrl in ("dropbox.com","www.dropbox.com","dl.dropboxusercontent.com") | order by Timestamp desc`},
}

func benchDB(b *testing.B) *DB {
	rows := int64(200_000)
	if s := os.Getenv("PROWL_BENCH_ROWS"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			b.Fatalf("PROWL_BENCH_ROWS: %v", err)
		}
		rows = n
	}
	dir := b.TempDir()
	cat, err := storage.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	end := time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)
	if _, err := gen.WriteCatalog(context.Background(), gen.Config{Rows: rows, Days: 30, End: end}, cat, gen.CatalogOptions{}); err != nil {
		b.Fatal(err)
	}
	db, err := Open(dir, &Options{Now: func() time.Time { return end }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func BenchmarkQueries(b *testing.B) {
	db := benchDB(b)
	for _, bq := range benchQueries {
		b.Run(bq.name, func(b *testing.B) {
			for b.Loop() {
				res, err := db.Query(context.Background(), bq.q, nil)
				if err != nil {
					b.Fatal(err)
				}
				for res.Reader.Next() {
				}
				if err := res.Reader.Err(); err != nil {
					b.Fatal(err)
				}
				res.Close()
			}
		})
	}
}
