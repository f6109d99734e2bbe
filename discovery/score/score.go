package score

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl/discovery/catalog"
)

// The attribute groups.
const (
	General    = "General"
	Security   = "Security"
	Compliance = "Compliance"
	Legal      = "Legal"
)

// Groups lists the attribute groups in display order.
var Groups = []string{General, Security, Compliance, Legal}

type kind uint8

const (
	boolSafe     kind = iota // true is safe
	boolExposure             // true widens exposure
	years                    // a year; older is safer
	holding
	zeroTen
	tls
	breach
	fedramp
	csaStar
)

// Attribute describes one risk attribute.
type Attribute struct {
	Name  string
	Group string
	Label string
	kind  kind
}

// Attributes lists every attribute prowl scores.
var Attributes = []Attribute{
	{"founded", General, "Founded", years},
	{"holding", General, "Holding", holding},
	{"domain_age", General, "Domain registration", years},
	{"popularity", General, "Consumer popularity", zeroTen},
	{"mfa", Security, "MFA", boolSafe},
	{"saml", Security, "SAML / SSO", boolSafe},
	{"encryption_at_rest", Security, "Encryption at rest", boolSafe},
	{"tls_version", Security, "TLS version", tls},
	{"admin_audit", Security, "Admin audit trail", boolSafe},
	{"user_audit", Security, "User audit trail", boolSafe},
	{"ip_restriction", Security, "IP address restriction", boolSafe},
	{"data_classification", Security, "Data classification", boolSafe},
	{"pen_testing", Security, "Penetration testing", boolSafe},
	{"hsts", Security, "HSTS header", boolSafe},
	{"csp", Security, "Content-Security-Policy header", boolSafe},
	{"x_frame_options", Security, "X-Frame-Options header", boolSafe},
	{"x_content_type_options", Security, "X-Content-Type-Options header", boolSafe},
	{"latest_breach", Security, "Latest breach", breach},
	{"file_sharing", Security, "File sharing", boolExposure},
	{"upload", Security, "Users can upload data", boolExposure},
	{"iso27001", Compliance, "ISO 27001", boolSafe},
	{"iso27017", Compliance, "ISO 27017", boolSafe},
	{"iso27018", Compliance, "ISO 27018", boolSafe},
	{"soc1", Compliance, "SOC 1", boolSafe},
	{"soc2", Compliance, "SOC 2", boolSafe},
	{"soc3", Compliance, "SOC 3", boolSafe},
	{"pci_dss", Compliance, "PCI DSS", boolSafe},
	{"hipaa", Compliance, "HIPAA", boolSafe},
	{"hitrust", Compliance, "HITRUST", boolSafe},
	{"fedramp", Compliance, "FedRAMP level", fedramp},
	{"csa_star", Compliance, "CSA STAR level", csaStar},
	{"gdpr", Compliance, "GDPR readiness", boolSafe},
	{"data_retention", Legal, "Data retention policy", boolSafe},
	{"data_ownership", Legal, "Data ownership", boolSafe},
	{"dmca", Legal, "DMCA", boolSafe},
	{"gdpr_erasure", Legal, "GDPR right to erasure", boolSafe},
	{"gdpr_access", Legal, "GDPR right of access", boolSafe},
	{"gdpr_portability", Legal, "GDPR right to portability", boolSafe},
	{"gdpr_rectification", Legal, "GDPR right to rectification", boolSafe},
	{"gdpr_objection", Legal, "GDPR right to object", boolSafe},
}

var byName = func() map[string]*Attribute {
	m := make(map[string]*Attribute, len(Attributes))
	for i := range Attributes {
		m[Attributes[i].Name] = &Attributes[i]
	}
	return m
}()

// Lookup returns the attribute with this name.
func Lookup(name string) (*Attribute, bool) {
	a, ok := byName[name]
	return a, ok
}

// Weight levels.
const (
	Ignored  = "Ignored"
	Low      = "Low"
	Medium   = "Medium"
	High     = "High"
	VeryHigh = "Very High"
)

// Settings are the scoring settings (the "score" section of
// <data>/_prowl/settings.json). The zero value means the defaults.
type Settings struct {
	// Levels maps a level name to its numeric weight; missing levels use
	// Ignored 0, Low 1, Medium 2, High 3, Very High 4.
	Levels map[string]float64 `json:"levels,omitempty"`
	// Attributes gives the level of each attribute; default Medium.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Groups gives the level of each group; default General Medium, Security
	// High, Compliance High, Legal Medium.
	Groups map[string]string `json:"groups,omitempty"`
	// Unknown is "skip" (default) or "zero".
	Unknown string `json:"unknown,omitempty"`
	// LowScore is the score below which an app counts as risky for device risk
	// and policies; default 5.
	LowScore *float64 `json:"low_score,omitempty"`
}

var defaultLevels = map[string]float64{Ignored: 0, Low: 1, Medium: 2, High: 3, VeryHigh: 4}

var defaultGroups = map[string]string{General: Medium, Security: High, Compliance: High, Legal: Medium}

// Validate reports settings that name unknown attributes, groups or levels.
func (s *Settings) Validate() error {
	for a, l := range s.Attributes {
		if _, ok := byName[a]; !ok {
			return fmt.Errorf("score settings: unknown attribute %q", a)
		}
		if _, ok := s.level(l); !ok {
			return fmt.Errorf("score settings: attribute %s: unknown level %q", a, l)
		}
	}
	for g, l := range s.Groups {
		if _, ok := defaultGroups[g]; !ok {
			return fmt.Errorf("score settings: unknown group %q", g)
		}
		if _, ok := s.level(l); !ok {
			return fmt.Errorf("score settings: group %s: unknown level %q", g, l)
		}
	}
	switch s.Unknown {
	case "", "skip", "zero":
	default:
		return fmt.Errorf("score settings: unknown must be \"skip\" or \"zero\", not %q", s.Unknown)
	}
	return nil
}

func (s *Settings) level(l string) (float64, bool) {
	if w, ok := s.Levels[l]; ok {
		return w, true
	}
	for k, w := range defaultLevels {
		if strings.EqualFold(k, l) {
			return w, true
		}
	}
	return 0, false
}

func (s *Settings) attrWeight(a string) float64 {
	l := Medium
	if v, ok := s.Attributes[a]; ok {
		l = v
	}
	w, _ := s.level(l)
	return w
}

func (s *Settings) groupWeight(g string) float64 {
	l := defaultGroups[g]
	if v, ok := s.Groups[g]; ok {
		l = v
	}
	w, _ := s.level(l)
	return w
}

// LowScoreThreshold is the configured low-score threshold (default 5).
func (s *Settings) LowScoreThreshold() float64 {
	if s.LowScore != nil {
		return *s.LowScore
	}
	return 5
}

// Result is an app's score with its parts.
type Result struct {
	// Total is the score, nil when the app is unscored.
	Total *float64
	// Groups holds each scored group's score.
	Groups map[string]float64
	// Known counts the attributes that were known.
	Known int
	// Override is set when the total comes from a per-app override; Note says why.
	Override bool
	Note     string
}

// Rounded returns the total rounded for display, or "unscored".
func (r Result) Rounded() string {
	if r.Total == nil {
		return "unscored"
	}
	return strconv.Itoa(int(math.Round(*r.Total)))
}

// App scores an app at time now (ages count from now).
func App(a *catalog.App, s *Settings, now time.Time) Result {
	if s == nil {
		s = &Settings{}
	}
	var r Result
	type acc struct{ sum, w float64 }
	groups := map[string]*acc{}
	for _, attr := range Attributes {
		w := s.attrWeight(attr.Name)
		f, known := a.Attributes[attr.Name]
		var v float64
		if known {
			var ok bool
			v, ok = value(attr.kind, f.Value, now)
			known = ok
		}
		if known {
			r.Known++
		} else if s.Unknown != "zero" {
			continue
		}
		if w == 0 {
			continue
		}
		g := groups[attr.Group]
		if g == nil {
			g = &acc{}
			groups[attr.Group] = g
		}
		g.sum += w * v
		g.w += w
	}
	if a.Score != nil {
		t := *a.Score
		r.Total, r.Override, r.Note = &t, true, a.ScoreNote
		return r
	}
	if r.Known == 0 {
		return r
	}
	r.Groups = map[string]float64{}
	var sum, wsum float64
	for _, g := range Groups {
		ga := groups[g]
		if ga == nil || ga.w == 0 {
			continue
		}
		gs := ga.sum / ga.w
		r.Groups[g] = gs
		w := s.groupWeight(g)
		sum += w * gs
		wsum += w
	}
	if wsum == 0 {
		return r
	}
	t := sum / wsum
	r.Total = &t
	return r
}

// value maps a known fact to 0–10; ok is false when the value has a form the
// attribute does not accept (treated as unknown).
func value(k kind, v any, now time.Time) (float64, bool) {
	switch k {
	case boolSafe, boolExposure:
		b, ok := v.(bool)
		if !ok {
			return 0, false
		}
		if k == boolExposure {
			if b {
				return 5, true
			}
			return 10, true
		}
		if b {
			return 10, true
		}
		return 0, true
	case years:
		y, ok := num(v)
		if !ok {
			return 0, false
		}
		age := float64(now.Year()) - y
		switch {
		case age >= 10:
			return 10, true
		case age >= 5:
			return 7, true
		case age >= 2:
			return 4, true
		}
		return 2, true
	case holding:
		switch strings.ToLower(fmt.Sprint(v)) {
		case "public":
			return 10, true
		case "private":
			return 5, true
		}
	case zeroTen:
		x, ok := num(v)
		if ok && x >= 0 && x <= 10 {
			return x, true
		}
	case tls:
		switch strings.TrimPrefix(strings.ToLower(fmt.Sprint(v)), "tls") {
		case "1.3":
			return 10, true
		case "1.2":
			return 8, true
		case "1.1":
			return 2, true
		case "1.0", "1", "ssl3", "ssl2":
			return 0, true
		}
	case breach:
		if s, ok := v.(string); ok && strings.EqualFold(s, "none") {
			return 10, true
		}
		y, ok := num(v)
		if !ok {
			return 0, false
		}
		ago := float64(now.Year()) - y
		switch {
		case ago >= 5:
			return 8, true
		case ago >= 3:
			return 6, true
		case ago >= 1:
			return 3, true
		}
		return 0, true
	case fedramp:
		switch strings.ToLower(fmt.Sprint(v)) {
		case "high":
			return 10, true
		case "moderate":
			return 7, true
		case "low":
			return 4, true
		case "li-saas":
			return 3, true
		case "none":
			return 0, true
		}
	case csaStar:
		x, ok := num(v)
		if ok && x >= 0 && x <= 3 {
			return [...]float64{0, 4, 7, 10}[int(x)], true
		}
	}
	return 0, false
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

// KnownFacts lists an app's known attributes as "Label: value (source)", sorted,
// for display.
func KnownFacts(a *catalog.App) []string {
	var out []string
	for name, f := range a.Attributes {
		label := name
		if at, ok := byName[name]; ok {
			label = at.Label
		}
		out = append(out, fmt.Sprintf("%s: %v (%s)", label, f.Value, f.Source))
	}
	sort.Strings(out)
	return out
}
