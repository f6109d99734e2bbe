package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// proxyTable is where proxy and firewall logs land unless Options.Table says
// otherwise: the transaction shape of DeviceNetworkEvents (DeviceName empty when
// only a source IP is known).
const proxyTable = "DeviceNetworkEvents"

// txn is one proxy or firewall transaction before conversion.
type txn struct {
	fields []kv           // column name -> text
	extra  map[string]any // AdditionalFields
	err    string         // why the line is not a transaction
}

type kv struct{ col, text string }

func (t *txn) set(col, text string) {
	if text == "" || text == "-" {
		return
	}
	t.fields = append(t.fields, kv{col, text})
}

// remote sets RemoteIP and RemoteIPType.
func (t *txn) remote(ip string) {
	if a, err := netip.ParseAddr(ip); err == nil {
		t.set("RemoteIP", a.String())
		t.set("RemoteIPType", ipType(a))
	}
}

// local sets LocalIP and LocalIPType.
func (t *txn) local(ip string) {
	if a, err := netip.ParseAddr(ip); err == nil {
		t.set("LocalIP", a.String())
		t.set("LocalIPType", ipType(a))
	} else {
		t.set("LocalIP", ip)
	}
}

// user sets the account columns from "DOMAIN\name", "name@domain" or "name".
func (t *txn) user(u string) {
	if u == "" || u == "-" {
		return
	}
	if d, n, ok := strings.Cut(u, `\`); ok {
		t.set("InitiatingProcessAccountDomain", d)
		t.set("InitiatingProcessAccountName", n)
		return
	}
	if n, _, ok := strings.Cut(u, "@"); ok {
		t.set("InitiatingProcessAccountUpn", u)
		t.set("InitiatingProcessAccountName", n)
		return
	}
	t.set("InitiatingProcessAccountName", u)
}

// target sets RemoteUrl and RemotePort from a URL, "host:port" (CONNECT) or a
// bare host.
func (t *txn) target(raw, method string) {
	if raw == "" || raw == "-" {
		return
	}
	if strings.Contains(raw, "://") {
		t.set("RemoteUrl", raw)
		if u, err := url.Parse(raw); err == nil {
			port := u.Port()
			if port == "" {
				switch strings.ToLower(u.Scheme) {
				case "https", "wss":
					port = "443"
				case "http", "ws":
					port = "80"
				case "ftp":
					port = "21"
				}
			}
			t.set("RemotePort", port)
		}
		return
	}
	host, port, err := splitHostPort(raw)
	if err == nil {
		t.set("RemoteUrl", host)
		t.set("RemotePort", port)
		return
	}
	t.set("RemoteUrl", raw)
	if strings.EqualFold(method, "CONNECT") {
		t.set("RemotePort", "443")
	}
}

func splitHostPort(s string) (host, port string, err error) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 || strings.ContainsAny(s, "/?") {
		return "", "", fmt.Errorf("not host:port")
	}
	host, port = s[:i], s[i+1:]
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", "", fmt.Errorf("not host:port")
	}
	return strings.Trim(host, "[]"), port, nil
}

// ipType classifies an address the way Defender fills LocalIPType/RemoteIPType.
func ipType(a netip.Addr) string {
	switch {
	case a.IsLoopback():
		return "Loopback"
	case a.Is4() && a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "Broadcast"
	case a.Is4In6():
		return "FourToSixMapping"
	case a.IsPrivate():
		return "Private"
	case a.IsGlobalUnicast():
		return "Public"
	}
	return "Reserved"
}

// denied reports whether a proxy's action or status text means blocked.
func denied(s string) bool {
	s = strings.ToLower(s)
	for _, w := range []string{"denied", "deny", "block", "drop", "reject", "failed"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// readProxy reads a line-oriented proxy or firewall log.
func (in *input) readProxy(br *bufio.Reader, f Format) error {
	table := in.im.opts.Table
	if table == "" {
		table = proxyTable
	}
	lr := &lineReader{br: br, max: in.im.opts.MaxLineBytes}
	var w3c w3cState
	for {
		b, line, tooLong, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		s := strings.TrimSpace(string(b))
		if s == "" {
			continue
		}
		if tooLong {
			in.im.sum.Read++
			in.reject(line, fmt.Sprintf("line longer than %d bytes", in.im.opts.MaxLineBytes), b)
			continue
		}
		var t txn
		switch f {
		case FormatSquid:
			t = parseSquid(s)
		case FormatW3C:
			if strings.HasPrefix(s, "#") {
				w3c.directive(s)
				continue
			}
			t = w3c.parse(s)
		case FormatCEF:
			t = parseCEF(s)
		case FormatLEEF:
			t = parseLEEF(s)
		case FormatZscaler:
			t = parseFirewall(s)
		}
		raw := b
		if t.err != "" {
			in.im.sum.Read++
			in.reject(line, t.err, raw)
			continue
		}
		if len(t.extra) > 0 {
			j, _ := json.Marshal(t.extra)
			t.fields = append(t.fields, kv{"AdditionalFields", string(j)})
		}
		err = in.row(table, line, func() []byte { return raw }, func(tb *tableBuilder) error {
			for _, fv := range t.fields {
				col, ok := tb.column(fv.col)
				if !ok {
					in.unknown(fv.col)
					continue
				}
				if err := tb.setText(col, fv.text); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

// parseSquid parses Squid's native access.log line:
//
//	time.ms elapsed client action/code size method URL ident hierarchy/peer type
func parseSquid(s string) txn {
	f := strings.Fields(s)
	if len(f) < 7 {
		return txn{err: fmt.Sprintf("squid: %d fields, want at least 7", len(f))}
	}
	var t txn
	if !isNumber(f[0]) {
		return txn{err: fmt.Sprintf("squid: time %q is not epoch seconds", f[0])}
	}
	t.set("Timestamp", f[0])
	t.local(f[2])
	action, status, _ := strings.Cut(f[3], "/")
	if denied(action) || status == "000" {
		t.set("ActionType", "ConnectionFailed")
	} else {
		t.set("ActionType", "ConnectionSuccess")
	}
	if _, err := strconv.ParseInt(f[4], 10, 64); err != nil {
		return txn{err: fmt.Sprintf("squid: size %q is not a number", f[4])}
	}
	t.set("BytesReceived", f[4])
	t.target(f[6], f[5])
	t.set("Protocol", "Tcp")
	extra := map[string]any{"squid_action": action, "method": f[5]}
	if n, err := strconv.Atoi(status); err == nil {
		extra["http_status"] = n
	}
	if n, err := strconv.Atoi(f[1]); err == nil {
		extra["elapsed_ms"] = n
	}
	if len(f) > 7 {
		t.user(f[7])
	}
	if len(f) > 8 {
		if _, peer, ok := strings.Cut(f[8], "/"); ok {
			t.remote(peer)
		}
	}
	if len(f) > 9 && f[9] != "-" {
		extra["content_type"] = f[9]
	}
	t.extra = extra
	return t
}

// w3cState tracks the #Fields directive of a W3C extended log.
type w3cState struct {
	fields []string // lower-case field names
}

func (w *w3cState) directive(s string) {
	if rest, ok := strings.CutPrefix(s, "#Fields:"); ok {
		w.fields = splitW3C(strings.TrimSpace(rest))
		for i := range w.fields {
			w.fields[i] = strings.ToLower(w.fields[i])
		}
	}
}

// splitW3C splits a W3C line: on tabs when it has any (TMG), else on spaces,
// keeping "quoted values" together.
func splitW3C(s string) []string {
	if strings.Contains(s, "\t") {
		return strings.Split(s, "\t")
	}
	var out []string
	for i := 0; i < len(s); {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) {
			break
		}
		if s[i] == '"' {
			j := i + 1
			var b strings.Builder
			for j < len(s) {
				if s[j] == '"' {
					if j+1 < len(s) && s[j+1] == '"' {
						b.WriteByte('"')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			out = append(out, b.String())
			i = j + 1
			continue
		}
		j := strings.IndexByte(s[i:], ' ')
		if j < 0 {
			out = append(out, s[i:])
			break
		}
		out = append(out, s[i:i+j])
		i += j
	}
	return out
}

func (w *w3cState) parse(s string) txn {
	if len(w.fields) == 0 {
		return txn{err: "w3c: data line before a #Fields directive"}
	}
	vals := splitW3C(s)
	if len(vals) != len(w.fields) {
		return txn{err: fmt.Sprintf("w3c: %d fields, #Fields has %d", len(vals), len(w.fields))}
	}
	get := func(names ...string) string {
		for _, n := range names {
			for i, f := range w.fields {
				if f == n && vals[i] != "-" && vals[i] != "" {
					return vals[i]
				}
			}
		}
		return ""
	}
	var t txn
	date, tm := get("date"), get("time")
	switch {
	case date != "" && tm != "":
		t.set("Timestamp", date+"T"+tm+"Z")
	case get("x-timestamp-unix", "timestamp") != "":
		t.set("Timestamp", get("x-timestamp-unix", "timestamp"))
	default:
		return txn{err: "w3c: no date and time"}
	}
	t.local(get("c-ip"))
	t.user(get("cs-username", "cs-userdn"))
	method := get("cs-method")
	host := get("cs-host", "cs(host)", "r-host", "s-hostname-dest")
	uri := get("cs-uri", "r-uri")
	switch {
	case strings.Contains(uri, "://"):
		t.target(uri, method)
	case host != "":
		scheme, path, query := get("cs-uri-scheme"), get("cs-uri-path", "cs-uri-stem"), get("cs-uri-query")
		port := get("cs-uri-port", "r-port")
		if scheme != "" && path != "" && !strings.EqualFold(method, "CONNECT") {
			u := strings.ToLower(scheme) + "://" + host
			if port != "" && port != "80" && port != "443" {
				u += ":" + port
			}
			u += path
			if query != "" {
				u += "?" + strings.TrimPrefix(query, "?")
			}
			t.target(u, method)
		} else {
			t.target(host, method)
		}
		if port != "" {
			t.fields = append(t.fields, kv{"RemotePort", port})
		}
	}
	t.remote(get("r-supplier-ip", "r-ip", "s-supplier-ip", "cs-ip-dest"))
	t.set("BytesReceived", get("sc-bytes"))
	t.set("BytesSent", get("cs-bytes"))
	act := get("sc-filter-result") + " " + get("s-action") + " " + get("action") + " " + get("x-exception-id")
	status := get("sc-status")
	if denied(act) || status == "403" && strings.Contains(strings.ToLower(act), "denied") {
		t.set("ActionType", "ConnectionFailed")
	} else {
		t.set("ActionType", "ConnectionSuccess")
	}
	t.set("Protocol", "Tcp")
	extra := map[string]any{}
	if method != "" {
		extra["method"] = method
	}
	if n, err := strconv.Atoi(status); err == nil {
		extra["http_status"] = n
	}
	if c := get("cs-categories", "sc-filter-category"); c != "" {
		extra["category"] = c
	}
	if a := strings.TrimSpace(act); a != "" {
		extra["action"] = a
	}
	t.extra = extra
	return t
}

// parseCEF parses an ArcSight CEF line, with or without a syslog prefix:
//
//	CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|key=value key=value ...
func parseCEF(s string) txn {
	i := strings.Index(s, "CEF:")
	if i < 0 {
		return txn{err: "cef: no CEF: header"}
	}
	s = s[i+4:]
	var hdr []string
	var cur strings.Builder
	j := 0
	for ; j < len(s) && len(hdr) < 7; j++ {
		switch c := s[j]; {
		case c == '\\' && j+1 < len(s):
			j++
			cur.WriteByte(s[j])
		case c == '|':
			hdr = append(hdr, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if len(hdr) < 7 {
		return txn{err: fmt.Sprintf("cef: %d header fields, want 7", len(hdr))}
	}
	ext := cefExtension(s[j:])
	var t txn
	ts := ext["rt"]
	if ts == "" {
		ts = ext["end"]
	}
	if ts == "" {
		ts = ext["start"]
	}
	if ts == "" {
		return txn{err: "cef: no rt, end or start time"}
	}
	t.set("Timestamp", cefTime(ts))
	t.local(ext["src"])
	t.set("LocalPort", ext["spt"])
	t.remote(ext["dst"])
	t.set("DeviceName", ext["shost"])
	if r := ext["request"]; r != "" {
		t.target(r, ext["requestMethod"])
	} else {
		t.target(ext["dhost"], ext["requestMethod"])
	}
	if p := ext["dpt"]; p != "" {
		t.fields = append(t.fields, kv{"RemotePort", p})
	}
	t.user(ext["suser"])
	t.set("BytesSent", ext["out"])
	t.set("BytesReceived", ext["in"])
	switch p := strings.ToLower(ext["proto"]); p {
	case "tcp", "6":
		t.set("Protocol", "Tcp")
	case "udp", "17":
		t.set("Protocol", "Udp")
	case "icmp", "1":
		t.set("Protocol", "Icmp")
	}
	if denied(ext["act"]) || denied(ext["outcome"]) {
		t.set("ActionType", "ConnectionFailed")
	} else {
		t.set("ActionType", "ConnectionSuccess")
	}
	extra := map[string]any{"cef_vendor": hdr[1], "cef_product": hdr[2], "cef_name": hdr[5], "cef_severity": hdr[6]}
	if a := ext["act"]; a != "" {
		extra["action"] = a
	}
	if c := ext["cat"]; c != "" {
		extra["category"] = c
	}
	t.extra = extra
	return t
}

// cefExtension parses "k1=v1 k2=v with spaces k3=v3": a value runs to the
// next " key=". Escapes: \= \\ \n \r.
func cefExtension(s string) map[string]string {
	m := map[string]string{}
	s = strings.TrimSpace(s)
	var key string
	var val strings.Builder
	flush := func() {
		if key != "" {
			m[key] = strings.TrimSpace(val.String())
		}
		val.Reset()
	}
	isKey := func(i int) (string, int, bool) {
		// A key is [A-Za-z0-9_.\[\]-]+ followed by '='.
		j := i
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9' || s[j] == '_' || s[j] == '.' || s[j] == '-' || s[j] == '[' || s[j] == ']') {
			j++
		}
		if j > i && j < len(s) && s[j] == '=' {
			return s[i:j], j + 1, true
		}
		return "", i, false
	}
	for i := 0; i < len(s); {
		if key == "" || i == 0 || s[i-1] == ' ' {
			if k, next, ok := isKey(i); ok {
				flush()
				key = k
				i = next
				continue
			}
		}
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				val.WriteByte('\n')
			case 'r':
				val.WriteByte('\r')
			default:
				val.WriteByte(s[i+1])
			}
			i += 2
			continue
		}
		val.WriteByte(c)
		i++
	}
	flush()
	return m
}

// cefTime turns CEF's "MMM dd yyyy HH:mm:ss[.SSS][ zone]" into ISO text; epoch
// milliseconds pass through.
func cefTime(s string) string {
	if isNumber(s) {
		return s
	}
	for _, layout := range []string{"Jan 2 2006 15:04:05.000 MST", "Jan 2 2006 15:04:05 MST", "Jan 2 2006 15:04:05.000", "Jan 2 2006 15:04:05",
		"Jan 2 15:04:05.000 2006", "Jan 2 15:04:05 2006"} {
		if t, err := timeParse(layout, s); err == nil {
			return t
		}
	}
	return s
}
