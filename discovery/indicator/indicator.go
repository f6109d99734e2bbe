package indicator

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Defender's limits.
const (
	TenantLimit  = 15000 // indicators per tenant
	RequestLimit = 500   // indicators per import request (JSON body or CSV file)
)

// PropagationNote is printed with every export: blocking is not instant.
const PropagationNote = "Blocking reaches endpoints within hours, not instantly: indicators propagate to devices and appliances on their own schedule."

// Indicator is one domain (or public IP) to act on.
type Indicator struct {
	ExternalID         string     `json:"external_id"` // prowl:<app-id>:<domain>
	Type               string     `json:"type"`        // DomainName, IpAddress
	Value              string     `json:"value"`
	Action             string     `json:"action"` // Block, Warn
	Severity           string     `json:"severity"`
	Title              string     `json:"title"`
	Description        string     `json:"description"`
	RecommendedActions string     `json:"recommended_actions,omitempty"`
	Application        string     `json:"application"`
	AppID              string     `json:"app_id"`
	Category           string     `json:"category,omitempty"`
	RbacGroups         []string   `json:"rbac_groups,omitempty"`
	MitreTechniques    []string   `json:"mitre_techniques,omitempty"`
	GenerateAlert      bool       `json:"generate_alert"`
	Created            time.Time  `json:"created"`
	Expiration         *time.Time `json:"expiration,omitempty"`
	// Removed marks a withdrawn indicator (the app was untagged); RemovedAt is when.
	Removed   bool      `json:"removed,omitempty"`
	RemovedAt time.Time `json:"removed_at,omitempty"`
}

// ExternalID is the stable identity of an app's indicator for a domain.
func ExternalID(appID, domain string) string { return "prowl:" + appID + ":" + domain }

// Check validates a catalog domain as an indicator value and returns its
// indicator type. Paths, wildcards, CIDR ranges, internal IP addresses and
// things that are not host names are refused with the reason.
func Check(value string) (string, error) {
	v := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(value)), ".")
	switch {
	case v == "":
		return "", fmt.Errorf("empty value")
	case strings.Contains(v, "/"):
		if _, err := netip.ParsePrefix(v); err == nil {
			return "", fmt.Errorf("%s: CIDR ranges cannot be indicators", value)
		}
		return "", fmt.Errorf("%s: an entry with a path cannot be an indicator (only host names; e.g. drive.google.com works, google.com/drive does not)", value)
	case strings.ContainsAny(v, "*?"):
		return "", fmt.Errorf("%s: wildcards cannot be indicators (a domain indicator already covers its subdomains)", value)
	}
	if ip, err := netip.ParseAddr(v); err == nil {
		if ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast() || isCGNAT(ip) {
			return "", fmt.Errorf("%s: internal IP addresses cannot be indicators", value)
		}
		return "IpAddress", nil
	}
	if !strings.Contains(v, ".") {
		return "", fmt.Errorf("%s: not a fully qualified host name", value)
	}
	for _, label := range strings.Split(v, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", fmt.Errorf("%s: not a valid host name", value)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("%s: not a valid host name", value)
			}
		}
	}
	if isInternalName(v) {
		return "", fmt.Errorf("%s: internal names cannot be indicators", value)
	}
	return "DomainName", nil
}

func isCGNAT(ip netip.Addr) bool {
	return netip.MustParsePrefix("100.64.0.0/10").Contains(ip)
}

func isInternalName(v string) bool {
	for _, s := range []string{".local", ".localhost", ".internal", ".lan", ".home.arpa", ".corp"} {
		if strings.HasSuffix(v, s) {
			return true
		}
	}
	return v == "localhost"
}

// Options tune an export.
type Options struct {
	// Now stamps generated files (RPZ serial, header times, STIX bundle).
	Now time.Time
}

// Output is an export: one or more parts (import bodies or files; Defender
// JSON and CSV are split at RequestLimit indicators per part), warnings about
// indicators left out, and notes for the user.
type Output struct {
	Format   string
	Parts    [][]byte
	Warnings []string
	Notes    []string
}

// Bytes joins the parts, each ending in a newline.
func (o *Output) Bytes() []byte {
	var b []byte
	for _, p := range o.Parts {
		b = append(b, p...)
		if len(p) > 0 && p[len(p)-1] != '\n' {
			b = append(b, '\n')
		}
	}
	return b
}

// Formats lists the export formats.
var Formats = []string{
	"defender-json", "defender-csv", "stix", "rpz", "hosts", "dnsmasq", "squid", "adguard",
	"bluecoat", "cisco-asa", "fortigate", "paloalto", "zscaler", "juniper-srx", "websense",
}

// Export renders the active indicators and removals in a format. Formats that
// describe the whole blocked set (DNS, proxy and appliance formats) contain
// the active Block indicators only, so a removal is the domain's absence; they
// cannot express Warn, which is noted. Defender JSON and CSV carry removals as
// the same indicator expiring at its removal time; STIX carries them revoked.
func Export(format string, active, removed []Indicator, opts Options) (*Output, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	if len(active) > TenantLimit {
		return nil, fmt.Errorf("%d indicators exceed Defender's limit of %d per tenant", len(active), TenantLimit)
	}
	out := &Output{Format: format, Notes: []string{PropagationNote}}
	var err error
	switch format {
	case "defender-json":
		err = defenderJSON(out, active, removed)
	case "defender-csv":
		err = defenderCSV(out, active, removed)
	case "stix":
		err = stix(out, active, removed, opts)
	default:
		r, ok := textFormats[format]
		if !ok {
			return nil, fmt.Errorf("unknown indicator format %q (one of %s)", format, strings.Join(Formats, ", "))
		}
		var blocks []Indicator
		warn := 0
		for _, ind := range active {
			if ind.Action == "Block" {
				blocks = append(blocks, ind)
			} else {
				warn++
			}
		}
		if warn > 0 {
			out.Warnings = append(out.Warnings, fmt.Sprintf("%d %s indicator(s) left out: %s can only block", warn, "Warn", format))
		}
		out.Parts = [][]byte{r(blocks, opts)}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
