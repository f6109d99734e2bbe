package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"LICENSE": "MIT License\n",
		"data/bigco": `# BigCo and its subsidiaries
include:littleco
bigco.com
domain:BigCo-Static.net
full:api.bigco.io
keyword:bigco
regexp:^bigco[0-9]+\.com$
ads.bigco.com @ads
bigco @cn
shared.example.com &partner
`,
		"data/littleco": "littleco.com\nshared.example.com\n",
		"data/picky":    "include:bigco @-ads\nextra.picky.org # trailing comment\n",
		"data/cats":     "# Thing\nthing.example\nother.example\n",
	})
	mapping := `# comment
bigco||BigCo|BigCo Inc.|Collaboration
littleco||LittleCo||Cloud storage
cats:thing.example|thing|Thing||Generative AI
partner||Partner||Security
`
	writeFiles(t, dir, map[string]string{"apps.map": mapping})
	out := filepath.Join(dir, "apps.tsv.gz")
	var log bytes.Buffer
	if err := run(dir, filepath.Join(dir, "apps.map"), out, filepath.Join(dir, "LICENSE.copy"), &log); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(out)
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	lines := map[string]string{}
	for _, l := range strings.Split(string(raw), "\n") {
		if l == "" || l[0] == '#' {
			continue
		}
		fields := strings.Split(l, "\t")
		lines[fields[0]] = strings.Join(fields[1:], "|")
	}
	want := map[string]string{
		// keyword/regexp rules, @ads rules and bare TLDs are left out; the
		// included littleco.com goes to LittleCo, which lists it itself;
		// shared.example.com, listed by both, stays with the first in the mapping.
		"bigco":    "BigCo|BigCo Inc.|Collaboration|domain-list-community:bigco|=api.bigco.io bigco-static.net bigco.com shared.example.com",
		"littleco": "LittleCo||Cloud storage|domain-list-community:littleco|littleco.com",
		"thing":    "Thing||Generative AI|domain-list-community:cats|thing.example",
	}
	for id, w := range want {
		if lines[id] != w {
			t.Errorf("%s = %q, want %q", id, lines[id], w)
		}
	}
	// The affiliation put shared.example.com into partner too, but BigCo
	// lists it earlier in the mapping; partner keeps nothing and is dropped.
	if _, ok := lines["partner"]; ok || !strings.Contains(log.String(), "app partner: no domains") {
		t.Errorf("partner = %q, log %q", lines["partner"], log.String())
	}
	if lic, _ := os.ReadFile(filepath.Join(dir, "LICENSE.copy")); string(lic) != "MIT License\n" {
		t.Errorf("license copy = %q", lic)
	}
}

func TestMapErrors(t *testing.T) {
	for _, bad := range []string{
		"x||X||Nonsense category",
		"x||X|only four",
		"x|||V|Security",
		"x||X||Security\nx||Y||Security",
	} {
		if _, err := parseMap(strings.NewReader(bad)); err == nil {
			t.Errorf("mapping %q accepted", bad)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	ls := &listSet{items: map[string][]item{}, resolved: map[string][]rule{}, busy: map[string]bool{}}
	ls.parse("a", strings.NewReader("include:b\n"))
	ls.parse("b", strings.NewReader("include:a\n"))
	if _, err := ls.resolve("a"); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle: %v", err)
	}
	if _, err := ls.resolve("nope"); err == nil {
		t.Error("missing list resolved")
	}
	if err := ls.parse("c", strings.NewReader("weird:rule\n")); err == nil {
		t.Error("unknown rule type accepted")
	}
}
