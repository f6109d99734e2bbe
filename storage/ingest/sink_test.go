package ingest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/storage"
)

func TestCatalogSink(t *testing.T) {
	for _, stream := range []bool{false, true} {
		dir := t.TempDir()
		cat, err := storage.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		sink := NewCatalogSink(cat, storage.WriterOptions{}, stream)
		in, err := os.ReadFile("testdata/defender.json")
		if err != nil {
			t.Fatal(err)
		}
		policy := BulkPolicy
		if stream {
			policy = Policy{MaxRows: 1}
		}
		sum, err := Import(context.Background(), strings.NewReader(string(in)), "defender.json", sink.Commit,
			Options{Policy: policy, Schema: cat.Table})
		if err != nil {
			t.Fatal(err)
		}
		if stream && len(sink.Files()) != 2 {
			t.Errorf("stream: %d files before Close, want 2", len(sink.Files()))
		}
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
		if sum.Accepted != 2 || sink.Rows() != 2 || len(sink.Files()) != 2 {
			t.Fatalf("stream=%v: accepted %d, committed %d rows in %v", stream, sum.Accepted, sink.Rows(), sink.Files())
		}
		for _, table := range []string{"DeviceInfo", "DeviceNetworkEvents"} {
			sc, err := cat.Scan(context.Background(), storage.ScanSpec{Table: table})
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			err = sc.Run(context.Background(), 1, func(_ int, rec arrow.RecordBatch) error {
				n += rec.NumRows()
				return nil
			})
			sc.Close()
			if err != nil || n != 1 {
				t.Errorf("%s: scanned %d rows (%v), want 1", table, n, err)
			}
		}
	}
}
