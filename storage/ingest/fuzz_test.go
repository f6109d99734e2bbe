package ingest

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func fuzzImport(t *testing.T, data []byte, f Format, table string) {
	var rows int64
	sum, err := Import(context.Background(), bytes.NewReader(data), "fuzz", func(_ string, rec arrow.RecordBatch) error {
		rows += rec.NumRows()
		for i, c := range rec.Columns() {
			if c.Len() != int(rec.NumRows()) {
				t.Fatalf("column %d has %d values, batch %d rows", i, c.Len(), rec.NumRows())
			}
		}
		return nil
	}, Options{Format: f, Table: table, Rejects: io.Discard, Policy: Policy{MaxRows: 7}})
	if err != nil {
		return
	}
	if sum.Read != sum.Accepted+sum.Rejected {
		t.Fatalf("read %d != accepted %d + rejected %d", sum.Read, sum.Accepted, sum.Rejected)
	}
	if rows != sum.Accepted {
		t.Fatalf("committed %d rows, accepted %d", rows, sum.Accepted)
	}
}

func FuzzIngestNDJSON(f *testing.F) {
	f.Add([]byte(`{"Timestamp":"2026-11-02T08:00:00Z","RemotePort":443,"AdditionalFields":{"a":1}}` + "\n"))
	f.Add([]byte(`{"records":[{"category":"AdvancedHunting-DeviceInfo","properties":{"Timestamp":1}}]}`))
	f.Add([]byte("{\"Timestamp\":1793606400.5,\"BytesSent\":\"12\"}\n[1]\nnull\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, data, FormatNDJSON, "DeviceNetworkEvents")
		fuzzImport(t, data, FormatAuto, "")
	})
}

func FuzzIngestCSV(f *testing.F) {
	f.Add([]byte("Timestamp,RemotePort,RemoteUrl\n2026-11-02T08:00:00Z,443,a.com\n"))
	f.Add([]byte("Timestamp,IsInitiatingProcessRemoteSession\n\"1793606400\",true\n,\n\"x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, data, FormatCSV, "DeviceNetworkEvents")
	})
}

func FuzzIngestProxy(f *testing.F) {
	f.Add([]byte("1793606400.123 1 10.0.0.1 TCP_MISS/200 10 GET http://a.com/ - DIRECT/1.2.3.4 -\n"))
	f.Add([]byte("#Fields: date time c-ip cs-host\n2026-11-02 08:00:00 10.0.0.1 \"a b\"\n"))
	f.Add([]byte("CEF:0|a|b|c|d|e|f|rt=1793606400000 src=1.2.3.4 request=http://x\\=y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range []Format{FormatSquid, FormatW3C, FormatCEF} {
			fuzzImport(t, data, fm, "")
		}
	})
}
