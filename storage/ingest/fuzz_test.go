package ingest

import (
	"bytes"
	"context"
	"encoding/json"
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
	f.Add([]byte("LEEF:2.0|a|b|c|d|x5e|devTime=1793613600000^src=1.2.3.4\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range []Format{FormatSquid, FormatW3C, FormatCEF, FormatLEEF, FormatZscaler} {
			fuzzImport(t, data, fm, "")
		}
	})
}

// FuzzScanObject checks the object scanner against encoding/json: every valid
// JSON object splits into valid members with the same keys.
func FuzzScanObject(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":[1,{"c":"}"}],"d\"e":"x\\"}`))
	f.Add([]byte(` { } `))
	f.Add([]byte(`{"a":tru}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fields, err := scanObject(b, nil)
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil || m == nil {
			return
		}
		if err != nil {
			t.Fatalf("valid object %q: %v", b, err)
		}
		keys := map[string]bool{}
		for _, fl := range fields {
			if !json.Valid(fl.val) {
				t.Fatalf("member %q of %q: invalid value %q", fl.key, b, fl.val)
			}
			keys[string(fl.key)] = true
		}
		if len(keys) != len(m) {
			t.Fatalf("%q: %d keys, encoding/json has %d", b, len(keys), len(m))
		}
	})
}
