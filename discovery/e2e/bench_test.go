package e2e

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/storage"
	"github.com/prowl-hunt/prowl/storage/gen"
)

// plainApps computes discover_apps()'s aggregates in plain KQL: the same
// matcher (cloud_app), the same filters and the same per-app aggregates,
// without the account normalisation and catalog columns.
const plainApps = `DeviceNetworkEvents | where Timestamp > ago(30d)
| extend App = cloud_app(RemoteUrl) | where isnotempty(App)
| summarize Users = dcountif(InitiatingProcessAccountName, isnotempty(InitiatingProcessAccountName)), Devices = dcount(DeviceId),
    IPAddresses = dcountif(LocalIP, isnotempty(LocalIP)), Transactions = count(), UploadBytes = sum(BytesSent),
    DownloadBytes = sum(BytesReceived), FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by App`

const discoverApps = `DeviceNetworkEvents | where Timestamp > ago(30d) | invoke discover_apps()`

// BenchmarkDiscoverAppsVsPlain times discover_apps() and the plain summarize
// alternately over the same data and reports the ratio of their medians (the
// target is ≤ 1.5). PROWL_BENCH_DATA names an existing data directory (e.g.
// bench/data/10M from `make bench`); otherwise PROWL_BENCH_ROWS rows (default
// 1 M) are generated into a temporary one.
func BenchmarkDiscoverAppsVsPlain(b *testing.B) {
	ctx := context.Background()
	dir := os.Getenv("PROWL_BENCH_DATA")
	var now time.Time
	if dir == "" {
		n := 1_000_000
		if v, err := strconv.Atoi(os.Getenv("PROWL_BENCH_ROWS")); err == nil && v > 0 {
			n = v
		}
		dir = b.TempDir()
		cat, err := storage.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		now = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
		if _, err := gen.WriteCatalog(ctx, gen.Config{Rows: int64(n), Seed: 1, End: now}, cat, gen.CatalogOptions{}); err != nil {
			b.Fatal(err)
		}
	} else {
		now = time.Now().UTC()
	}
	db, err := prowl.Open(dir, &prowl.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	run := func(q string) (time.Duration, int) {
		start := time.Now()
		res, err := db.Query(ctx, q, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Close()
		n := 0
		for res.Reader.Next() {
			n += int(res.Reader.RecordBatch().NumRows())
		}
		if err := res.Reader.Err(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start), n
	}
	// Warm-up; both must find the same apps.
	_, na := run(discoverApps)
	_, np := run(plainApps)
	if na != np || na == 0 {
		b.Fatalf("discover_apps found %d apps, the plain query %d", na, np)
	}
	b.ResetTimer()
	var disc, plain []time.Duration
	for i := 0; i < b.N; i++ {
		d, _ := run(discoverApps)
		p, _ := run(plainApps)
		disc, plain = append(disc, d), append(plain, p)
	}
	md, mp := medianDuration(disc), medianDuration(plain)
	b.ReportMetric(float64(md.Milliseconds()), "discover-ms")
	b.ReportMetric(float64(mp.Milliseconds()), "plain-ms")
	b.ReportMetric(float64(md)/float64(mp), "ratio")
}

func medianDuration(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
