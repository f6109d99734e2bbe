package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeHost(t *testing.T) {
	tests := []struct{ in, want string }{
		{"dropbox.com", "dropbox.com"},
		{"WWW.Dropbox.COM.", "www.dropbox.com"},
		{"https://www.dropbox.com/s/abc?dl=1", "www.dropbox.com"},
		{"http://user:pw@files.example.org:8443/x", "files.example.org"},
		{"example.org:443", "example.org"},
		{"//cdn.example.org/a", "cdn.example.org"},
		{"https://[2001:db8::1]:443/", "2001:db8::1"},
		{"2001:db8::1", "2001:db8::1"},
		{"  HOST.example.org#frag", "host.example.org"},
		{"", ""},
		{"https://", ""},
		{"example.org?q=a.b/c", "example.org"},
	}
	for _, tt := range tests {
		if got := NormalizeHost(tt.in); got != tt.want {
			t.Errorf("NormalizeHost(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEmbeddedCatalog(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Apps()); n < 500 {
		t.Fatalf("catalog has %d apps, want at least 500", n)
	}
	seenCat := map[string]bool{}
	for _, a := range c.Apps() {
		if _, ok := IsCategory(a.Category); !ok {
			t.Errorf("app %s: category %q is not one of the 42", a.ID, a.Category)
		}
		seenCat[a.Category] = true
		if len(a.Domains)+len(a.Exact) == 0 {
			t.Errorf("app %s has no domains", a.ID)
		}
		for _, d := range a.AllDomains() {
			if !strings.Contains(d, ".") || strings.ContainsAny(d, "*/ ") {
				t.Errorf("app %s: bad domain %q", a.ID, d)
			}
		}
		for k, f := range a.Attributes {
			if !strings.HasPrefix(f.Source, "https://") {
				t.Errorf("app %s attribute %s: source %q is not a URL", a.ID, k, f.Source)
			}
		}
	}
	for _, must := range []string{"Cloud storage", "Generative AI", "Code hosting", "Webmail", "Collaboration", "Personal instant messaging"} {
		if !seenCat[must] {
			t.Errorf("no app in category %q", must)
		}
	}
}

func TestMatch(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want, domain string }{
		{"dl.dropboxusercontent.com", "dropbox", "dropboxusercontent.com"},
		{"https://www.dropbox.com/s/x?dl=0", "dropbox", "dropbox.com"},
		{"paper-attachments.s3.amazonaws.com", "dropbox", "paper-attachments.s3.amazonaws.com"},
		{"github.com", "github", "github.com"},
		{"raw.githubusercontent.com:443", "github", "githubusercontent.com"},
		{"registry.npmjs.org", "npmjs", "npmjs.org"},
		{"chatgpt.com", "openai", "chatgpt.com"},
		{"api.anthropic.com", "anthropic", "anthropic.com"},
		{"www.youtube.com", "youtube", "youtube.com"},
		{"anydesk.com", "anydesk", "anydesk.com"},
		{"intranet.contoso.local", "", ""},
		{"dropbox.com.evil.example", "", ""},
		{"notdropbox.com", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		a, d, ok := c.MatchDomain(tt.in)
		got := ""
		if ok {
			got = a.ID
		}
		if got != tt.want || d != tt.domain {
			t.Errorf("MatchDomain(%q) = %q via %q, want %q via %q", tt.in, got, d, tt.want, tt.domain)
		}
		if a2, ok2 := c.Match(tt.in); ok2 != ok || (ok && a2 != a) {
			t.Errorf("Match(%q) disagrees with MatchDomain", tt.in)
		}
	}
}

func TestLookup(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"dropbox", "Dropbox", "DROPBOX"} {
		a, ok := c.Lookup(q)
		if !ok || a.ID != "dropbox" {
			t.Errorf("Lookup(%q) = %v, %v", q, a, ok)
		}
	}
	if a, ok := c.ByName("Microsoft OneDrive"); !ok || a.ID != "onedrive" {
		t.Errorf("ByName(Microsoft OneDrive) = %v, %v", a, ok)
	}
	if _, ok := c.Lookup("no such app"); ok {
		t.Error("Lookup found a missing app")
	}
}

func TestUserCatalog(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "catalog.json")
	body := `{"apps":[
	  {"id":"contoso-share","name":"Contoso Share","category":"cloud storage","domains":["share.contoso.com","=api.contoso.com","https://contoso.com/share/"],"score":8,"notes":"ours"},
	  {"id":"dropbox","score":2,"notes":"banned by policy 12","domains":["dropbox.contoso-mirror.net"],
	   "attributes":{"soc2":{"value":false,"source":"audit 2026"}}}
	]}`
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, filepath.Join(dir, "missing.json"))
	if err != nil {
		t.Fatal(err)
	}
	a, ok := c.Match("https://share.contoso.com/f/1")
	if !ok || a.ID != "contoso-share" || !a.Custom || a.Category != "Cloud storage" || a.Score == nil || *a.Score != 8 {
		t.Fatalf("custom app = %+v, %v", a, ok)
	}
	if a, ok := c.Match("api.contoso.com"); !ok || a.ID != "contoso-share" {
		t.Errorf("exact custom domain not matched")
	}
	if !cmp.Equal(a.Paths, []string{"contoso.com/share"}) {
		t.Errorf("paths = %q", a.Paths)
	}
	if _, ok := c.Match("contoso.com"); ok {
		t.Errorf("a path entry matched its bare host")
	}
	if _, ok := c.Match("x.api.contoso.com"); ok {
		t.Errorf("exact domain matched a subdomain")
	}
	d, _ := c.ByID("dropbox")
	if d.Score == nil || *d.Score != 2 || d.ScoreNote != "banned by policy 12" {
		t.Errorf("override score = %v %q", d.Score, d.ScoreNote)
	}
	if got := d.Attributes["soc2"]; !cmp.Equal(got, Fact{Value: false, Source: "audit 2026"}) {
		t.Errorf("override attribute = %+v", got)
	}
	if d.Attributes["founded"].Value == nil {
		t.Errorf("override lost the embedded attributes")
	}
	if a, ok := c.Match("dl.dropbox.contoso-mirror.net"); !ok || a.ID != "dropbox" {
		t.Errorf("added domain not matched")
	}
	// The embedded catalog is untouched by a user file.
	plain, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := plain.ByID("dropbox"); d.Score != nil || d.Attributes["soc2"].Value != true {
		t.Errorf("user catalog leaked into the embedded data: %+v", d)
	}
}

func TestUserCatalogErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"bad category", `{"apps":[{"name":"X","category":"Nope","domains":["x.example"]}]}`, "unknown category"},
		{"no domains", `{"apps":[{"name":"X","category":"Security"}]}`, "needs name, category and domains"},
		{"wildcard", `{"apps":[{"name":"X","category":"Security","domains":["*.x.example"]}]}`, "not a host name"},
		{"score range", `{"apps":[{"id":"dropbox","score":11}]}`, "outside 0..10"},
		{"unknown field", `{"apps":[{"id":"dropbox","colour":"red"}]}`, "unknown field"},
		{"bad json", `{"apps":[`, "user catalog"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "catalog.json")
			os.WriteFile(path, []byte(tt.body), 0o644)
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func BenchmarkMatch(b *testing.B) {
	c, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	hosts := []string{"dl.dropboxusercontent.com", "https://www.github.com/x", "a.b.c.unknown.example.org", "teams.microsoft.com"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Match(hosts[i%len(hosts)])
	}
}
