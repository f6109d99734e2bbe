package strops

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// benchURLs generates n realistic remote URLs of the kind DeviceNetworkEvents holds.
func benchURLs(n int) *array.String {
	rng := rand.New(rand.NewPCG(7, 8))
	hosts := []string{"www.google.com", "login.microsoftonline.com", "outlook.office365.com", "www.dropbox.com",
		"dl.dropboxusercontent.com", "wetransfer.com", "api.github.com", "cdn.jsdelivr.net", "Teams.Microsoft.com",
		"s3.amazonaws.com", "graph.microsoft.com", "update.googleapis.com", "www.bing.com", "slack.com"}
	paths := []string{"", "/", "/api/v1/items", "/download/Report_Q3.xlsx", "/search?q=threat+hunting",
		"/static/js/app.min.js", "/oauth2/v2.0/token", "/s/abc123/file.zip?dl=0"}
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for i := 0; i < n; i++ {
		h := hosts[rng.IntN(len(hosts))]
		if rng.IntN(4) == 0 {
			h = fmt.Sprintf("host%d.corp%d.example.net", rng.IntN(100000), rng.IntN(50))
		}
		scheme := "https://"
		if rng.IntN(5) == 0 {
			scheme = ""
		}
		b.Append(scheme + h + paths[rng.IntN(len(paths))])
	}
	return b.NewStringArray()
}

func BenchmarkStrops(b *testing.B) {
	const n = 1 << 20
	a := benchURLs(n)
	defer a.Release()
	out := make([]bool, n)
	cases := []struct {
		name    string
		op      string
		needles []string
	}{
		{"contains", "contains", []string{"dropbox"}},
		{"contains_cs", "contains_cs", []string{"dropbox"}},
		{"has", "has", []string{"wetransfer"}},
		{"has_cs", "has_cs", []string{"wetransfer"}},
		{"eq", "==", []string{"https://www.dropbox.com/"}},
		{"eqci", "=~", []string{"https://www.dropbox.com/"}},
		{"startswith", "startswith", []string{"https://www.drop"}},
		{"in10", "in", []string{"dropbox.com", "www.dropbox.com", "https://slack.com/", "a", "b", "c", "d", "e", "f", "https://www.bing.com"}},
		{"inci10", "in~", []string{"dropbox.com", "www.dropbox.com", "https://slack.com/", "a", "b", "c", "d", "e", "f", "https://www.bing.com"}},
		{"has_any", "has_any", []string{"dropbox", "wetransfer", "mega", "github"}},
		{"has_any50", "has_any", manyNeedles(50)},
		{"regex", "matches regex", []string{`drop(box|boxusercontent)\.com`}},
	}
	for _, c := range cases {
		m, err := Compile(c.op, c.needles...)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				m.Eval(a, out)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
		})
	}
}

func manyNeedles(n int) []string {
	out := []string{"dropbox.com", "wetransfer.com"}
	for i := len(out); i < n; i++ {
		out = append(out, fmt.Sprintf("ioc%d-domain.example.org", i))
	}
	return out
}
