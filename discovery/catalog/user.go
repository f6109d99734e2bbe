package catalog

import (
	"fmt"
	"strings"
)

// UserCatalog is the user's own catalog file (`<data>/_prowl/catalog.json`):
//
//	{"apps": [
//	  {"id": "contoso-share", "name": "Contoso Share", "category": "Cloud storage",
//	   "domains": ["share.contoso.com"], "score": 8, "notes": "our own file share"},
//	  {"id": "dropbox", "score": 2, "notes": "banned by policy 12",
//	   "attributes": {"soc2": {"value": true, "source": "vendor report 2025"}}}
//	]}
//
// An entry whose id (or name) is a catalog app overrides it: non-empty fields
// replace, domains are added, attributes are merged, and score overrides the
// computed risk score with notes as the reason. Any other entry is a custom app
// and needs a name, a category and at least one domain. A domain written as
// "=host" matches only that exact host.
type UserCatalog struct {
	Apps []UserApp `json:"apps"`
}

// UserApp is one entry of a UserCatalog.
type UserApp struct {
	ID         string          `json:"id,omitempty"`
	Name       string          `json:"name,omitempty"`
	Vendor     string          `json:"vendor,omitempty"`
	Category   string          `json:"category,omitempty"`
	Domains    []string        `json:"domains,omitempty"`
	Score      *float64        `json:"score,omitempty"`
	Notes      string          `json:"notes,omitempty"`
	Attributes map[string]Fact `json:"attributes,omitempty"`
}

func (uc *UserCatalog) apply(apps []*App) ([]*App, error) {
	byID := make(map[string]*App, len(apps))
	byName := make(map[string]*App, len(apps))
	for _, a := range apps {
		byID[a.ID] = a
		byName[strings.ToLower(a.Name)] = a
	}
	for i, u := range uc.Apps {
		where := fmt.Sprintf("apps[%d]", i)
		if u.Score != nil && (*u.Score < 0 || *u.Score > 10) {
			return nil, fmt.Errorf("%s: score %v outside 0..10", where, *u.Score)
		}
		if u.Category != "" {
			c, ok := IsCategory(u.Category)
			if !ok {
				return nil, fmt.Errorf("%s: unknown category %q (one of the 42 of discovery.md)", where, u.Category)
			}
			u.Category = c
		}
		domains, exact, paths, err := userDomains(u.Domains)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		a := byID[u.ID]
		if a == nil && u.Name != "" {
			a = byName[strings.ToLower(u.Name)]
		}
		if a == nil {
			if u.Name == "" || u.Category == "" || len(domains)+len(exact)+len(paths) == 0 {
				return nil, fmt.Errorf("%s: a custom app needs name, category and domains", where)
			}
			id := u.ID
			if id == "" {
				id = slug(u.Name)
			}
			a = &App{ID: id, Name: u.Name, Category: u.Category, Source: "user catalog", Custom: true}
			apps = append(apps, a)
			byID[id] = a
			byName[strings.ToLower(u.Name)] = a
		} else {
			// Copy so the embedded data stays untouched for other loads.
			cp := *a
			cp.Attributes = make(map[string]Fact, len(a.Attributes))
			for k, v := range a.Attributes {
				cp.Attributes[k] = v
			}
			cp.Domains = append([]string(nil), a.Domains...)
			cp.Exact = append([]string(nil), a.Exact...)
			cp.Paths = append([]string(nil), a.Paths...)
			for j := range apps {
				if apps[j] == a {
					apps[j] = &cp
				}
			}
			a = &cp
			byID[a.ID] = a
			byName[strings.ToLower(a.Name)] = a
			if u.Name != "" {
				a.Name = u.Name
			}
			if u.Category != "" {
				a.Category = u.Category
			}
		}
		if u.Vendor != "" {
			a.Vendor = u.Vendor
		}
		a.Domains = append(a.Domains, domains...)
		a.Exact = append(a.Exact, exact...)
		a.Paths = append(a.Paths, paths...)
		if u.Notes != "" {
			a.Notes = u.Notes
		}
		if u.Score != nil {
			s := *u.Score
			a.Score = &s
			a.ScoreNote = u.Notes
			if a.ScoreNote == "" {
				a.ScoreNote = "score set in the user catalog"
			}
		}
		if len(u.Attributes) > 0 && a.Attributes == nil {
			a.Attributes = map[string]Fact{}
		}
		for k, f := range u.Attributes {
			if f.Source == "" {
				f.Source = "user catalog"
			}
			a.Attributes[k] = f
		}
	}
	return apps, nil
}

func userDomains(in []string) (domains, exact, paths []string, err error) {
	for _, d := range in {
		full := strings.HasPrefix(d, "=")
		raw := strings.TrimPrefix(d, "=")
		h := NormalizeHost(raw)
		if h == "" || strings.ContainsAny(h, "*/ ") || !strings.Contains(h, ".") {
			return nil, nil, nil, fmt.Errorf("domain %q is not a host name", d)
		}
		rest := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(raw), "https://"), "http://"), h)
		switch {
		case strings.HasPrefix(rest, "/") && len(rest) > 1:
			paths = append(paths, h+strings.TrimSuffix(rest, "/"))
		case full:
			exact = append(exact, h)
		default:
			domains = append(domains, h)
		}
	}
	return domains, exact, paths, nil
}

func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
