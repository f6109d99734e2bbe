package indicator

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// renderer writes the blocked domains in one text format.
type renderer func(blocks []Indicator, opts Options) []byte

var textFormats = map[string]renderer{
	"rpz":       rpz,
	"hosts":     lines("#", "hosts file: 0.0.0.0 sinks each name; hosts files do not cover subdomains, list them too", func(d string) []string { return []string{"0.0.0.0 " + d} }),
	"dnsmasq":   lines("#", "dnsmasq: address=/domain/ covers the domain and its subdomains", func(d string) []string { return []string{"address=/" + d + "/0.0.0.0", "address=/" + d + "/::"} }),
	"squid":     squid,
	"adguard":   lines("!", "AdGuard / Adblock Plus: ||domain^ covers the domain and its subdomains", func(d string) []string { return []string{"||" + d + "^"} }),
	"bluecoat":  bluecoat,
	"cisco-asa": ciscoASA,
	"fortigate": fortigate,
	"paloalto": lines("#", "Palo Alto PAN-OS: custom URL category prowl-unsanctioned; attach it to a URL filtering profile with action block", func(d string) []string {
		return []string{"set profiles custom-url-category prowl-unsanctioned list " + d, "set profiles custom-url-category prowl-unsanctioned list *." + d}
	}),
	"zscaler": lines("#", "Zscaler: URL list for a custom URL category (a leading dot covers subdomains); block the category in URL filtering", func(d string) []string { return []string{"." + d} }),
	"juniper-srx": lines("#", "Juniper SRX: UTM custom URL pattern prowl-unsanctioned; reference it from a custom URL category and a blocklist", func(d string) []string {
		return []string{"set security utm custom-objects url-pattern prowl-unsanctioned value " + d, "set security utm custom-objects url-pattern prowl-unsanctioned value *." + d}
	}),
	"websense": lines("#", "Forcepoint (Websense) Web Security: recategorized URLs for a blocked custom category", func(d string) []string { return []string{"http://" + d, "https://" + d} }),
}

func header(w *bytes.Buffer, comment, what string, blocks []Indicator, opts Options) {
	apps := map[string]bool{}
	for _, b := range blocks {
		apps[b.Application] = true
	}
	names := make([]string, 0, len(apps))
	for a := range apps {
		names = append(names, a)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "%s prowl: %d blocked domain(s) of %d unsanctioned app(s), generated %s\n", comment, len(blocks), len(apps), opts.Now.UTC().Format("2006-01-02T15:04:05Z"))
	if len(names) > 0 {
		fmt.Fprintf(w, "%s apps: %s\n", comment, strings.Join(names, ", "))
	}
	fmt.Fprintf(w, "%s %s\n", comment, what)
	fmt.Fprintf(w, "%s %s\n", comment, PropagationNote)
}

func domains(blocks []Indicator) []string {
	seen := map[string]bool{}
	var out []string
	for _, b := range blocks {
		if !seen[b.Value] {
			seen[b.Value] = true
			out = append(out, b.Value)
		}
	}
	sort.Strings(out)
	return out
}

func lines(comment, what string, line func(string) []string) renderer {
	return func(blocks []Indicator, opts Options) []byte {
		var w bytes.Buffer
		header(&w, comment, what, blocks, opts)
		for _, d := range domains(blocks) {
			for _, l := range line(d) {
				w.WriteString(l + "\n")
			}
		}
		return w.Bytes()
	}
}

func rpz(blocks []Indicator, opts Options) []byte {
	var w bytes.Buffer
	header(&w, ";", "DNS response policy zone: CNAME . answers NXDOMAIN for the name and its subdomains", blocks, opts)
	serial := opts.Now.UTC().Format("2006010215")
	w.WriteString("$TTL 300\n")
	fmt.Fprintf(&w, "@ IN SOA localhost. hostmaster.localhost. ( %s 3600 600 86400 300 )\n", serial)
	w.WriteString("@ IN NS localhost.\n")
	for _, d := range domains(blocks) {
		fmt.Fprintf(&w, "%s CNAME .\n*.%s CNAME .\n", d, d)
	}
	return w.Bytes()
}

func squid(blocks []Indicator, opts Options) []byte {
	var w bytes.Buffer
	header(&w, "#", "Squid: dstdomain with a leading dot covers subdomains; include this file in squid.conf before other http_access rules", blocks, opts)
	for _, d := range domains(blocks) {
		fmt.Fprintf(&w, "acl unsanctioned dstdomain .%s\n", d)
	}
	if len(blocks) > 0 {
		w.WriteString("http_access deny unsanctioned\n")
	}
	return w.Bytes()
}

func bluecoat(blocks []Indicator, opts Options) []byte {
	var w bytes.Buffer
	header(&w, ";", "Blue Coat ProxySG CPL: url.domain= matches the domain and its subdomains", blocks, opts)
	w.WriteString("<Proxy>\n")
	for _, d := range domains(blocks) {
		fmt.Fprintf(&w, "    url.domain=%s deny\n", d)
	}
	return w.Bytes()
}

func ciscoASA(blocks []Indicator, opts Options) []byte {
	var w bytes.Buffer
	header(&w, "!", "Cisco ASA: FQDN network objects denied by access-list prowl-unsanctioned (apply it to the inside interface)", blocks, opts)
	for _, d := range domains(blocks) {
		fmt.Fprintf(&w, "object network prowl-%s\n fqdn %s\naccess-list prowl-unsanctioned extended deny ip any object prowl-%s\n", d, d, d)
	}
	if len(blocks) > 0 {
		w.WriteString("access-list prowl-unsanctioned extended permit ip any any\n")
	}
	return w.Bytes()
}

func fortigate(blocks []Indicator, opts Options) []byte {
	var w bytes.Buffer
	header(&w, "#", "FortiGate: web filter URL filter list prowl-unsanctioned; reference it from a web filter profile", blocks, opts)
	w.WriteString("config webfilter urlfilter\n    edit 0\n        set name \"prowl-unsanctioned\"\n        config entries\n")
	for _, d := range domains(blocks) {
		for _, pat := range []struct{ url, typ string }{{d, "simple"}, {"*." + d, "wildcard"}} {
			fmt.Fprintf(&w, "            edit 0\n                set url \"%s\"\n                set type %s\n                set action block\n            next\n", pat.url, pat.typ)
		}
	}
	w.WriteString("        end\n    next\nend\n")
	return w.Bytes()
}
