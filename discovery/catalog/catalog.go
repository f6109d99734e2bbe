package catalog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
)

//go:embed apps.tsv.gz
var embeddedApps []byte

//go:embed attributes.json
var embeddedAttributes []byte

// Categories lists the 42 app categories of Defender for Cloud Apps, in the
// order discovery.md gives them.
var Categories = []string{
	"Security", "Collaboration", "Hosting services", "Online meetings", "News and entertainment",
	"E-commerce", "Education", "Cloud storage", "Marketing", "Operations management", "Health",
	"Advertising", "Productivity", "Accounting and finance", "Content management", "Content sharing",
	"Business management", "Communications", "Data analytics", "Business intelligence", "Webmail",
	"Code hosting", "Web analytics", "Social network", "CRM", "Forums", "Human resource management",
	"Transportation and travel", "Product design", "Sales", "Cloud computing platform",
	"Project management", "Personal instant messaging", "Development tools", "IT services",
	"Supply chain and logistics", "Property management", "Customer support", "Internet of things",
	"Vendor management systems", "Website monitoring", "Generative AI",
}

// IsCategory reports whether c is one of Categories (case-insensitive) and
// returns its canonical spelling.
func IsCategory(c string) (string, bool) {
	for _, k := range Categories {
		if strings.EqualFold(k, c) {
			return k, true
		}
	}
	return "", false
}

// Fact is one known risk attribute of an app and where it is documented.
type Fact struct {
	Value  any    `json:"value"`
	Source string `json:"source"`
}

// App is one cloud app of the catalog.
type App struct {
	ID       string
	Name     string
	Vendor   string // "" when not known
	Category string
	// Domains are host names that match themselves and all their subdomains.
	Domains []string
	// Exact are host names that match only themselves.
	Exact []string
	// Paths are URL prefixes with a path (google.com/drive) from the user
	// catalog. Host matching cannot use them and indicators skip them with a
	// warning; they are kept so the app's definition stays as written.
	Paths []string
	// Source says where the domain data comes from.
	Source string
	// Attributes are the known risk attributes keyed by attribute name (see
	// package score); an attribute that is absent is unknown.
	Attributes map[string]Fact
	// Score, when set, overrides the computed risk score; ScoreNote says why.
	Score     *float64
	ScoreNote string
	// Notes are free text from the user catalog.
	Notes string
	// Custom is set for apps that come only from the user catalog.
	Custom bool
}

// AllDomains returns the app's domains followed by its exact names.
func (a *App) AllDomains() []string {
	out := make([]string, 0, len(a.Domains)+len(a.Exact))
	out = append(out, a.Domains...)
	return append(out, a.Exact...)
}

// Catalog is an immutable set of apps with host matching. It is safe for
// concurrent use.
type Catalog struct {
	apps   []*App
	byID   map[string]*App
	byName map[string]*App // lower-case name
	suffix map[string]*App // domain rules
	exact  map[string]*App // full-name rules
}

// Load returns the embedded catalog with the user catalog files applied in
// order. A user file that does not exist is skipped; see UserCatalog for the
// format.
func Load(userFiles ...string) (*Catalog, error) {
	apps, err := parseTSV(embeddedApps)
	if err != nil {
		return nil, fmt.Errorf("embedded catalog: %w", err)
	}
	var attrs map[string]map[string]Fact
	if err := json.Unmarshal(embeddedAttributes, &attrs); err != nil {
		return nil, fmt.Errorf("embedded attributes: %w", err)
	}
	byID := make(map[string]*App, len(apps))
	for _, a := range apps {
		byID[a.ID] = a
	}
	for id, facts := range attrs {
		a, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("embedded attributes: unknown app %q", id)
		}
		a.Attributes = facts
	}
	for _, path := range userFiles {
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("user catalog: %w", err)
		}
		var uc UserCatalog
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&uc); err != nil {
			return nil, fmt.Errorf("user catalog %s: %w", path, err)
		}
		if apps, err = uc.apply(apps); err != nil {
			return nil, fmt.Errorf("user catalog %s: %w", path, err)
		}
	}
	return New(apps)
}

// New builds a catalog from apps. Ids must be unique; a host claimed by two
// apps goes to the first.
func New(apps []*App) (*Catalog, error) {
	c := &Catalog{
		byID:   make(map[string]*App, len(apps)),
		byName: make(map[string]*App, len(apps)),
		suffix: make(map[string]*App, len(apps)*8),
		exact:  make(map[string]*App),
	}
	for _, a := range apps {
		if a.ID == "" || a.Name == "" {
			return nil, fmt.Errorf("app %q: id and name are required", a.ID+a.Name)
		}
		if _, dup := c.byID[a.ID]; dup {
			return nil, fmt.Errorf("duplicate app id %q", a.ID)
		}
		c.byID[a.ID] = a
		if _, dup := c.byName[strings.ToLower(a.Name)]; !dup {
			c.byName[strings.ToLower(a.Name)] = a
		}
		for _, d := range a.Domains {
			if _, taken := c.suffix[d]; !taken {
				c.suffix[d] = a
			}
		}
		for _, d := range a.Exact {
			if _, taken := c.exact[d]; !taken {
				c.exact[d] = a
			}
		}
		c.apps = append(c.apps, a)
	}
	sort.Slice(c.apps, func(i, j int) bool { return c.apps[i].ID < c.apps[j].ID })
	return c, nil
}

// Apps returns every app, sorted by id. The slice is shared: do not modify it.
func (c *Catalog) Apps() []*App { return c.apps }

// ByID returns the app with this id.
func (c *Catalog) ByID(id string) (*App, bool) {
	a, ok := c.byID[id]
	return a, ok
}

// ByName returns the app with this name (case-insensitive).
func (c *Catalog) ByName(name string) (*App, bool) {
	a, ok := c.byName[strings.ToLower(name)]
	return a, ok
}

// Lookup finds an app by id or name, the way commands and functions take an
// app argument.
func (c *Catalog) Lookup(idOrName string) (*App, bool) {
	if a, ok := c.byID[idOrName]; ok {
		return a, true
	}
	if a, ok := c.byID[strings.ToLower(idOrName)]; ok {
		return a, true
	}
	return c.ByName(idOrName)
}

// Match returns the app of a URL or host name: the normalised host is looked
// up whole among exact names and then suffix by suffix (longest first) among
// domains, one hash lookup per label.
func (c *Catalog) Match(urlOrHost string) (*App, bool) {
	h := NormalizeHost(urlOrHost)
	if h == "" {
		return nil, false
	}
	if a, ok := c.exact[h]; ok {
		return a, true
	}
	for s := h; ; {
		if a, ok := c.suffix[s]; ok {
			return a, true
		}
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return nil, false
		}
		s = s[i+1:]
	}
}

// MatchDomain is Match that also returns the catalog domain that matched.
func (c *Catalog) MatchDomain(urlOrHost string) (*App, string, bool) {
	h := NormalizeHost(urlOrHost)
	if h == "" {
		return nil, "", false
	}
	if a, ok := c.exact[h]; ok {
		return a, h, true
	}
	for s := h; ; {
		if a, ok := c.suffix[s]; ok {
			return a, s, true
		}
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return nil, "", false
		}
		s = s[i+1:]
	}
}

// NormalizeHost reduces a URL or host to its lower-case host name: scheme,
// credentials, port, path, query, fragment and trailing dot are removed, and
// IPv6 brackets are dropped. It returns "" when nothing host-like is left.
func NormalizeHost(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	} else if strings.HasPrefix(s, "//") {
		s = s[2:]
	}
	if i := strings.IndexAny(s, "/?#\\"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if strings.HasPrefix(s, "[") {
		if i := strings.IndexByte(s, ']'); i > 0 {
			s = s[1:i]
		} else {
			return ""
		}
	} else if i := strings.IndexByte(s, ':'); i >= 0 {
		if strings.Count(s, ":") == 1 {
			s = s[:i] // host:port
		}
		// several colons without brackets: a bare IPv6 address, keep it
	}
	s = strings.TrimRight(s, ".")
	if s == "" {
		return ""
	}
	return lower(s)
}

// lower is strings.ToLower without the allocation when s is already lower-case ASCII.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

func parseTSV(gz []byte) ([]*App, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var apps []*App
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if t == "" || t[0] == '#' {
			continue
		}
		f := strings.Split(t, "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("line %d: want 6 fields, have %d", line, len(f))
		}
		a := &App{ID: f[0], Name: f[1], Vendor: f[2], Category: f[3], Source: f[4]}
		for _, d := range strings.Fields(f[5]) {
			if e, ok := strings.CutPrefix(d, "="); ok {
				a.Exact = append(a.Exact, e)
			} else {
				a.Domains = append(a.Domains, d)
			}
		}
		apps = append(apps, a)
	}
	return apps, sc.Err()
}
