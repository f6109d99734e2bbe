package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	data := flag.String("data", "../../../shared/data/domain-list-community", "domain-list-community checkout")
	mapping := flag.String("map", "../internal/cataloggen/apps.map", "list-name to app mapping")
	out := flag.String("out", "apps.tsv.gz", "catalog file to write (gzip when the name ends in .gz)")
	license := flag.String("license", "LICENSE.domain-list-community", "where to copy the data's LICENSE")
	flag.Parse()
	if err := run(*data, *mapping, *out, *license, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cataloggen:", err)
		os.Exit(1)
	}
}

func run(dataDir, mapPath, outPath, licensePath string, log io.Writer) error {
	lists, err := loadLists(filepath.Join(dataDir, "data"))
	if err != nil {
		return err
	}
	mf, err := os.Open(mapPath)
	if err != nil {
		return err
	}
	defer mf.Close()
	entries, err := parseMap(mf)
	if err != nil {
		return fmt.Errorf("%s: %w", mapPath, err)
	}
	apps, warnings, err := build(lists, entries)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(log, "note:", w)
	}
	var buf bytes.Buffer
	writeCatalog(&buf, apps)
	body := buf.Bytes()
	if strings.HasSuffix(outPath, ".gz") {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(body)
		if err := zw.Close(); err != nil {
			return err
		}
		body = z.Bytes()
	}
	if err := os.WriteFile(outPath, body, 0o644); err != nil {
		return err
	}
	lic, err := os.ReadFile(filepath.Join(dataDir, "LICENSE"))
	if err != nil {
		return fmt.Errorf("read data license: %w", err)
	}
	if err := os.WriteFile(licensePath, lic, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(log, "cataloggen: %d apps, %d bytes -> %s\n", len(apps), len(body), outPath)
	return nil
}

// rule is one resolved domain rule of a list.
type rule struct {
	kind  string // domain, full, keyword, regexp
	value string
	attrs []string
}

func (r rule) has(attr string) bool {
	for _, a := range r.attrs {
		if a == attr {
			return true
		}
	}
	return false
}

// item is one line of a list file: a rule or an include.
type item struct {
	rule    rule
	include string
	must    []string // selective include: rules must carry these attrs
	mustNot []string // ... and must not carry these
}

type listSet struct {
	items    map[string][]item
	resolved map[string][]rule
	busy     map[string]bool
}

func loadLists(dir string) (*listSet, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	ls := &listSet{items: map[string][]item{}, resolved: map[string][]rule{}, busy: map[string]bool{}}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		err = ls.parse(e.Name(), f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", e.Name(), err)
		}
	}
	return ls, nil
}

func (ls *listSet) parse(name string, r io.Reader) error {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		head := fields[0]
		var attrs, affil []string
		for _, f := range fields[1:] {
			switch {
			case strings.HasPrefix(f, "@"):
				attrs = append(attrs, f[1:])
			case strings.HasPrefix(f, "&"):
				affil = append(affil, f[1:])
			default:
				return fmt.Errorf("line %d: unexpected %q", line, f)
			}
		}
		if inc, ok := strings.CutPrefix(head, "include:"); ok {
			it := item{include: inc}
			for _, a := range attrs {
				if neg, ok := strings.CutPrefix(a, "-"); ok {
					it.mustNot = append(it.mustNot, neg)
				} else {
					it.must = append(it.must, a)
				}
			}
			ls.items[name] = append(ls.items[name], it)
			continue
		}
		kind, value := "domain", head
		if k, v, ok := strings.Cut(head, ":"); ok {
			kind, value = k, v
		}
		switch kind {
		case "domain", "full", "keyword", "regexp":
		default:
			return fmt.Errorf("line %d: unknown rule type %q", line, kind)
		}
		it := item{rule: rule{kind: kind, value: value, attrs: attrs}}
		ls.items[name] = append(ls.items[name], it)
		for _, target := range affil {
			ls.items[target] = append(ls.items[target], it)
		}
	}
	return sc.Err()
}

// resolve returns the rules of a list with includes expanded.
func (ls *listSet) resolve(name string) ([]rule, error) {
	if r, ok := ls.resolved[name]; ok {
		return r, nil
	}
	items, ok := ls.items[name]
	if !ok {
		return nil, fmt.Errorf("no list named %q", name)
	}
	if ls.busy[name] {
		return nil, fmt.Errorf("include cycle through %q", name)
	}
	ls.busy[name] = true
	defer delete(ls.busy, name)
	var out []rule
	for _, it := range items {
		if it.include == "" {
			out = append(out, it.rule)
			continue
		}
		sub, err := ls.resolve(it.include)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	next:
		for _, r := range sub {
			for _, a := range it.must {
				if !r.has(a) {
					continue next
				}
			}
			for _, a := range it.mustNot {
				if r.has(a) {
					continue next
				}
			}
			out = append(out, r)
		}
	}
	ls.resolved[name] = out
	return out, nil
}

// own returns the rules written in the list itself (not through include).
func (ls *listSet) own(name string) map[string]bool {
	m := map[string]bool{}
	for _, it := range ls.items[name] {
		if it.include == "" {
			m[it.rule.kind+":"+it.rule.value] = true
		}
	}
	return m
}

// entry is one line of apps.map.
type entry struct {
	list     string
	pick     []string // cherry-picked domains, nil for the whole list
	id       string
	name     string
	vendor   string
	category string
	line     int
}

// Categories are the 42 categories of Defender for Cloud Apps.
var categories = map[string]bool{}

func init() {
	for _, c := range strings.Split("Security|Collaboration|Hosting services|Online meetings|News and entertainment|"+
		"E-commerce|Education|Cloud storage|Marketing|Operations management|Health|Advertising|Productivity|"+
		"Accounting and finance|Content management|Content sharing|Business management|Communications|"+
		"Data analytics|Business intelligence|Webmail|Code hosting|Web analytics|Social network|CRM|Forums|"+
		"Human resource management|Transportation and travel|Product design|Sales|Cloud computing platform|"+
		"Project management|Personal instant messaging|Development tools|IT services|Supply chain and logistics|"+
		"Property management|Customer support|Internet of things|Vendor management systems|Website monitoring|"+
		"Generative AI", "|") {
		categories[c] = true
	}
}

func parseMap(r io.Reader) ([]entry, error) {
	var out []entry
	ids := map[string]bool{}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "|")
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: want 5 fields, have %d", n, len(f))
		}
		e := entry{list: f[0], id: f[1], name: f[2], vendor: f[3], category: f[4], line: n}
		if l, picks, ok := strings.Cut(e.list, ":"); ok {
			e.list = l
			e.pick = strings.Split(picks, ",")
		}
		if e.id == "" {
			e.id = e.list
		}
		if !categories[e.category] {
			return nil, fmt.Errorf("line %d: unknown category %q", n, e.category)
		}
		if e.name == "" {
			return nil, fmt.Errorf("line %d: empty name", n)
		}
		if ids[e.id] {
			return nil, fmt.Errorf("line %d: duplicate app id %q", n, e.id)
		}
		ids[e.id] = true
		out = append(out, e)
	}
	return out, sc.Err()
}

// app is one catalog entry as written.
type app struct {
	entry
	domains []string // "=" prefix marks full (exact) names
}

// build resolves every mapped app's domains. A domain claimed by several apps
// goes to the app that lists it directly (not through include); among equals
// the first app in the mapping keeps it.
func build(ls *listSet, entries []entry) ([]*app, []string, error) {
	var warnings []string
	type claim struct {
		app    int
		direct bool
	}
	owner := map[string]claim{}
	candidates := make([][]string, len(entries))
	for i, e := range entries {
		rules, err := ls.resolve(e.list)
		if err != nil {
			return nil, nil, fmt.Errorf("apps.map line %d: %w", e.line, err)
		}
		own := ls.own(e.list)
		if e.pick != nil {
			want := map[string]bool{}
			for _, p := range e.pick {
				want[p] = true
			}
			var picked []rule
			for _, r := range rules {
				if want[r.value] && (r.kind == "domain" || r.kind == "full") {
					picked = append(picked, r)
					delete(want, r.value)
				}
			}
			if len(want) > 0 {
				return nil, nil, fmt.Errorf("apps.map line %d: %v not in list %s", e.line, keys(want), e.list)
			}
			rules = picked
			own = nil // cherry-picks are direct claims
		}
		seen := map[string]bool{}
		for _, r := range rules {
			if r.kind != "domain" && r.kind != "full" {
				continue
			}
			if r.has("ads") {
				continue // ad-serving domains are not the app
			}
			v := strings.ToLower(strings.TrimSuffix(r.value, "."))
			if !validHost(v) {
				continue // bare TLDs and oddities cannot be matched or blocked safely
			}
			key := v
			if r.kind == "full" {
				key = "=" + v
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			direct := own == nil || own[r.kind+":"+r.value]
			candidates[i] = append(candidates[i], key)
			c, taken := owner[key]
			if !taken || (direct && !c.direct) {
				owner[key] = claim{app: i, direct: direct}
			}
		}
	}
	var apps []*app
	for i, e := range entries {
		a := &app{entry: e}
		for _, d := range candidates[i] {
			if owner[d].app == i {
				a.domains = append(a.domains, d)
			}
		}
		if len(a.domains) == 0 {
			warnings = append(warnings, fmt.Sprintf("app %s: no domains of its own, left out", e.id))
			continue
		}
		sort.Strings(a.domains)
		apps = append(apps, a)
	}
	sort.Slice(apps, func(i, j int) bool { return apps[i].id < apps[j].id })
	return apps, warnings, nil
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func validHost(h string) bool {
	if !strings.Contains(h, ".") || strings.HasPrefix(h, ".") || strings.Contains(h, "..") {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

func writeCatalog(w *bytes.Buffer, apps []*app) {
	w.WriteString("# prowl cloud-app catalog, generated by discovery/internal/cataloggen; DO NOT EDIT.\n")
	w.WriteString("# Domain data: domain-list-community (MIT, see LICENSE.domain-list-community).\n")
	w.WriteString("# id\tname\tvendor\tcategory\tsource\tdomains (space-separated; '=' marks an exact name)\n")
	for _, a := range apps {
		src := "domain-list-community:" + a.list
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", a.id, a.name, a.vendor, a.category, src, strings.Join(a.domains, " "))
	}
}
