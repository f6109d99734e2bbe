package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkV2Rows measures rows/s of the v2 writer over loopback HTTP with a
// generated 100,000-row (long, dictionary string) result.
func BenchmarkV2Rows(b *testing.B) {
	url := start(&testing.T{}, &fakeEngine{}, Config{})
	body := queryBody("range 100000 8192", `{"Options":{"results_v2_fragment_primary_tables":true}}`)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.Post(url+"/v2/rest/query", "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	b.ReportMetric(float64(b.N)*100000/b.Elapsed().Seconds(), "rows/s")
}
