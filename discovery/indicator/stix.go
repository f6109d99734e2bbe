package indicator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/google/uuid"
)

// stixNamespace is the UUIDv5 namespace of prowl's STIX ids, so that an
// indicator's id depends only on its external id.
var stixNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/prowl-hunt/prowl/stix"))

// STIXID returns the deterministic STIX id of an indicator.
func STIXID(externalID string) string {
	return "indicator--" + uuid.NewSHA1(stixNamespace, []byte(externalID)).String()
}

type stixRef struct {
	SourceName string `json:"source_name"`
	ExternalID string `json:"external_id,omitempty"`
	URL        string `json:"url,omitempty"`
}

type stixIndicator struct {
	Type               string    `json:"type"`
	SpecVersion        string    `json:"spec_version"`
	ID                 string    `json:"id"`
	Created            string    `json:"created"`
	Modified           string    `json:"modified"`
	Name               string    `json:"name,omitempty"`
	Description        string    `json:"description,omitempty"`
	IndicatorTypes     []string  `json:"indicator_types,omitempty"`
	Pattern            string    `json:"pattern"`
	PatternType        string    `json:"pattern_type"`
	ValidFrom          string    `json:"valid_from"`
	ValidUntil         string    `json:"valid_until,omitempty"`
	Labels             []string  `json:"labels,omitempty"`
	Revoked            bool      `json:"revoked,omitempty"`
	ExternalReferences []stixRef `json:"external_references,omitempty"`
}

type stixBundle struct {
	Type    string            `json:"type"`
	ID      string            `json:"id"`
	Objects []json.RawMessage `json:"objects"`
}

func stixTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// stixString quotes a STIX pattern string literal.
func stixString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `'`, `\'`) + "'"
}

func stixPattern(ind Indicator) string {
	obj := "domain-name"
	if ind.Type == "IpAddress" {
		obj = "ipv4-addr"
		if ip, err := netip.ParseAddr(ind.Value); err == nil && ip.Is6() {
			obj = "ipv6-addr"
		}
	}
	return "[" + obj + ":value = " + stixString(ind.Value) + "]"
}

func stix(out *Output, active, removed []Indicator, opts Options) error {
	b := stixBundle{Type: "bundle", Objects: []json.RawMessage{}}
	var ids []string
	for _, ind := range append(append([]Indicator(nil), active...), removed...) {
		created := ind.Created
		if created.IsZero() {
			created = opts.Now
		}
		modified := created
		if ind.Removed && ind.RemovedAt.After(modified) {
			modified = ind.RemovedAt
		}
		s := stixIndicator{
			Type: "indicator", SpecVersion: "2.1", ID: STIXID(ind.ExternalID),
			Created: stixTime(created), Modified: stixTime(modified),
			Name: ind.Title, Description: ind.Description,
			IndicatorTypes: []string{"anomalous-activity"},
			Pattern:        stixPattern(ind), PatternType: "stix",
			ValidFrom:          stixTime(created),
			Labels:             []string{strings.ToLower(ind.Action)},
			Revoked:            ind.Removed,
			ExternalReferences: []stixRef{{SourceName: "prowl", ExternalID: ind.ExternalID}},
		}
		if ind.Expiration != nil && ind.Expiration.After(created) {
			s.ValidUntil = stixTime(*ind.Expiration)
		}
		raw, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("stix: %w", err)
		}
		b.Objects = append(b.Objects, raw)
		ids = append(ids, s.ID+"@"+s.Modified)
	}
	b.ID = "bundle--" + uuid.NewSHA1(stixNamespace, []byte(strings.Join(ids, ","))).String()
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return fmt.Errorf("stix: %w", err)
	}
	out.Parts = [][]byte{append(data, '\n')}
	return nil
}

// ValidateSTIX checks a STIX 2.1 bundle of indicators offline: required
// properties, identifier forms (type--UUID with an RFC 4122 variant),
// timestamps, modified not before created, valid_until after valid_from, and
// the pattern grammar for domain-name and IP address comparisons.
func ValidateSTIX(data []byte) error {
	var b struct {
		Type    *string           `json:"type"`
		ID      *string           `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return fmt.Errorf("stix: %w", err)
	}
	if b.Type == nil || *b.Type != "bundle" {
		return errors.New("stix: type must be \"bundle\"")
	}
	if b.ID == nil {
		return errors.New("stix: bundle has no id")
	}
	if err := checkID(*b.ID, "bundle"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, raw := range b.Objects {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("stix: object %d: %w", i, err)
		}
		where := fmt.Sprintf("stix: object %d", i)
		for _, p := range []string{"type", "spec_version", "id", "created", "modified", "pattern", "pattern_type", "valid_from"} {
			if _, ok := m[p].(string); !ok {
				return fmt.Errorf("%s: required property %q missing or not a string", where, p)
			}
		}
		if m["type"] != "indicator" {
			return fmt.Errorf("%s: type %q, want indicator", where, m["type"])
		}
		if m["spec_version"] != "2.1" {
			return fmt.Errorf("%s: spec_version %q, want 2.1", where, m["spec_version"])
		}
		id := m["id"].(string)
		if err := checkID(id, "indicator"); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		key := id + "@" + m["modified"].(string)
		if seen[key] {
			return fmt.Errorf("%s: duplicate id %s", where, id)
		}
		seen[key] = true
		times := map[string]time.Time{}
		for _, p := range []string{"created", "modified", "valid_from", "valid_until"} {
			s, ok := m[p].(string)
			if !ok {
				continue
			}
			t, err := parseSTIXTime(s)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", where, p, err)
			}
			times[p] = t
		}
		if times["modified"].Before(times["created"]) {
			return fmt.Errorf("%s: modified before created", where)
		}
		if vu, ok := times["valid_until"]; ok && !vu.After(times["valid_from"]) {
			return fmt.Errorf("%s: valid_until must be after valid_from", where)
		}
		if m["pattern_type"] != "stix" {
			return fmt.Errorf("%s: pattern_type %q, want stix", where, m["pattern_type"])
		}
		if err := checkPattern(m["pattern"].(string)); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if r, ok := m["revoked"]; ok {
			if _, isBool := r.(bool); !isBool {
				return fmt.Errorf("%s: revoked must be a boolean", where)
			}
		}
	}
	return nil
}

func checkID(id, typ string) error {
	rest, ok := strings.CutPrefix(id, typ+"--")
	if !ok {
		return fmt.Errorf("stix: id %q is not %s--<uuid>", id, typ)
	}
	u, err := uuid.Parse(rest)
	if err != nil || len(rest) != 36 || rest != strings.ToLower(rest) {
		return fmt.Errorf("stix: id %q: not a lower-case UUID", id)
	}
	if u.Variant() != uuid.RFC4122 {
		return fmt.Errorf("stix: id %q: UUID variant is not RFC 4122", id)
	}
	return nil
}

func parseSTIXTime(s string) (time.Time, error) {
	if !strings.HasSuffix(s, "Z") {
		return time.Time{}, fmt.Errorf("timestamp %q must be UTC with a Z suffix", s)
	}
	return time.Parse(time.RFC3339Nano, s)
}

// checkPattern accepts a single comparison `[object:value = 'literal']` for
// domain-name, ipv4-addr and ipv6-addr, with the literal checked against the
// object type.
func checkPattern(p string) error {
	inner, ok := strings.CutPrefix(p, "[")
	if ok {
		inner, ok = strings.CutSuffix(inner, "]")
	}
	if !ok {
		return fmt.Errorf("pattern %q: want [object:property = 'value']", p)
	}
	path, lit, ok := strings.Cut(inner, " = ")
	if !ok {
		return fmt.Errorf("pattern %q: want an = comparison", p)
	}
	path = strings.TrimSpace(path)
	lit = strings.TrimSpace(lit)
	if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
		return fmt.Errorf("pattern %q: value must be a quoted string", p)
	}
	var val strings.Builder
	body := lit[1 : len(lit)-1]
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch c {
		case '\\':
			if i+1 >= len(body) || (body[i+1] != '\\' && body[i+1] != '\'') {
				return fmt.Errorf("pattern %q: bad escape in string", p)
			}
			i++
			val.WriteByte(body[i])
		case '\'':
			return fmt.Errorf("pattern %q: unescaped quote in string", p)
		default:
			val.WriteByte(c)
		}
	}
	v := val.String()
	switch path {
	case "domain-name:value":
		if typ, err := Check(v); err != nil || typ != "DomainName" {
			return fmt.Errorf("pattern %q: %q is not a domain name", p, v)
		}
	case "ipv4-addr:value":
		if ip, err := netip.ParseAddr(v); err != nil || !ip.Is4() {
			if pre, err := netip.ParsePrefix(v); err != nil || !pre.Addr().Is4() {
				return fmt.Errorf("pattern %q: %q is not an IPv4 address", p, v)
			}
		}
	case "ipv6-addr:value":
		if ip, err := netip.ParseAddr(v); err != nil || !ip.Is6() {
			return fmt.Errorf("pattern %q: %q is not an IPv6 address", p, v)
		}
	default:
		return fmt.Errorf("pattern %q: object path %q not supported", p, path)
	}
	return nil
}
