package govern

import (
	"sort"
	"strings"

	"github.com/prowl-hunt/prowl/discovery/catalog"
)

// NeverBlockEntry is a host that must never be blocked and why.
type NeverBlockEntry struct {
	Domain string `json:"domain"`
	Reason string `json:"reason"`
}

// DefaultNeverBlock are identity, update and security services whose blocking
// would lock users out, stop patching or blind security tools.
var DefaultNeverBlock = []NeverBlockEntry{
	{"login.microsoftonline.com", "identity: Microsoft Entra ID sign-in"},
	{"login.microsoft.com", "identity: Microsoft sign-in"},
	{"login.windows.net", "identity: Microsoft Entra ID sign-in"},
	{"login.live.com", "identity: Microsoft account sign-in"},
	{"graph.microsoft.com", "identity: Microsoft Graph (directory, tokens)"},
	{"device.login.microsoftonline.com", "identity: device registration"},
	{"enterpriseregistration.windows.net", "identity: device registration"},
	{"accounts.google.com", "identity: Google sign-in"},
	{"oauth2.googleapis.com", "identity: Google OAuth tokens"},
	{"appleid.apple.com", "identity: Apple ID sign-in"},
	{"idmsa.apple.com", "identity: Apple ID sign-in"},
	{"windowsupdate.com", "update: Windows Update"},
	{"update.microsoft.com", "update: Windows Update"},
	{"windowsupdate.microsoft.com", "update: Windows Update"},
	{"delivery.mp.microsoft.com", "update: Windows Update delivery"},
	{"officecdn.microsoft.com", "update: Microsoft 365 Apps updates"},
	{"swscan.apple.com", "update: Apple software update"},
	{"swdist.apple.com", "update: Apple software update"},
	{"swcdn.apple.com", "update: Apple software update"},
	{"mesu.apple.com", "update: Apple software update"},
	{"update.googleapis.com", "update: Google software update"},
	{"security.ubuntu.com", "update: Ubuntu security updates"},
	{"security.debian.org", "update: Debian security updates"},
	{"wdcp.microsoft.com", "security: Microsoft Defender cloud protection"},
	{"wdcpalt.microsoft.com", "security: Microsoft Defender cloud protection"},
	{"smartscreen.microsoft.com", "security: Microsoft Defender SmartScreen"},
	{"smartscreen-prod.microsoft.com", "security: Microsoft Defender SmartScreen"},
	{"definitionupdates.microsoft.com", "security: Microsoft Defender definition updates"},
	{"events.data.microsoft.com", "security: Defender for Endpoint telemetry"},
	{"endpoint.security.microsoft.com", "security: Defender for Endpoint"},
	{"securitycenter.windows.com", "security: Defender for Endpoint"},
	{"winatp-gw-cus.microsoft.com", "security: Defender for Endpoint gateway"},
	{"ctldl.windowsupdate.com", "security: certificate trust lists"},
	{"ocsp.digicert.com", "security: certificate revocation (DigiCert OCSP)"},
	{"crl3.digicert.com", "security: certificate revocation (DigiCert CRL)"},
	{"crl4.digicert.com", "security: certificate revocation (DigiCert CRL)"},
	{"ocsp.sectigo.com", "security: certificate revocation (Sectigo OCSP)"},
	{"ocsp.globalsign.com", "security: certificate revocation (GlobalSign OCSP)"},
	{"o.lencr.org", "security: certificate revocation (Let's Encrypt OCSP)"},
	{"c.lencr.org", "security: certificate revocation (Let's Encrypt CRL)"},
	{"ocsp.pki.goog", "security: certificate revocation (Google Trust Services)"},
	{"crl.pki.goog", "security: certificate revocation (Google Trust Services)"},
}

// NeverBlock answers whether a host may be blocked.
type NeverBlock struct {
	entries map[string]string // domain → reason
}

// NewNeverBlock builds the list from the defaults plus extra entries
// (settings, prowl's own endpoints; a URL or host:port counts as its host).
func NewNeverBlock(extra ...NeverBlockEntry) *NeverBlock {
	nb := &NeverBlock{entries: map[string]string{}}
	for _, e := range DefaultNeverBlock {
		nb.entries[e.Domain] = e.Reason
	}
	for _, e := range extra {
		if d := catalog.NormalizeHost(e.Domain); d != "" {
			nb.entries[d] = e.Reason
		}
	}
	return nb
}

// Conflict reports whether blocking domain (which covers its subdomains) would
// block a never-block host, or domain is itself under one. It returns the
// protected host and the reason.
func (nb *NeverBlock) Conflict(domain string) (host, reason string, ok bool) {
	domain = catalog.NormalizeHost(domain)
	// domain equal to or under a protected host
	for s := domain; ; {
		if r, ok := nb.entries[s]; ok {
			return s, r, true
		}
		i := strings.IndexByte(s, '.')
		if i < 0 {
			break
		}
		s = s[i+1:]
	}
	// a protected host under domain
	suffix := "." + domain
	var hits []string
	for h := range nb.entries {
		if strings.HasSuffix(h, suffix) {
			hits = append(hits, h)
		}
	}
	if len(hits) > 0 {
		sort.Strings(hits)
		return hits[0], nb.entries[hits[0]], true
	}
	return "", "", false
}

// Entries lists the never-block hosts, sorted.
func (nb *NeverBlock) Entries() []NeverBlockEntry {
	out := make([]NeverBlockEntry, 0, len(nb.entries))
	for d, r := range nb.entries {
		out = append(out, NeverBlockEntry{d, r})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Domain < out[j].Domain })
	return out
}
