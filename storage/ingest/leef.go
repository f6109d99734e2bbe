package ingest

import (
	"fmt"
	"strconv"
	"strings"
)

// parseLEEF parses an IBM QRadar LEEF 1.0 or 2.0 line (as Zscaler NSS and many
// firewalls emit it), with or without a syslog prefix:
//
//	LEEF:1.0|Vendor|Product|Version|EventID|key=value<TAB>key=value...
//	LEEF:2.0|Vendor|Product|Version|EventID|^|key=value^key=value...
func parseLEEF(s string) txn {
	i := strings.Index(s, "LEEF:")
	if i < 0 {
		return txn{err: "leef: no LEEF: header"}
	}
	parts := strings.SplitN(s[i+5:], "|", 7)
	if len(parts) < 6 {
		return txn{err: fmt.Sprintf("leef: %d header fields, want at least 6", len(parts))}
	}
	version, vendor, product, event := parts[0], parts[1], parts[2], parts[4]
	delim := "\t"
	attrs := parts[5]
	if strings.HasPrefix(version, "2") && len(parts) == 7 {
		d := parts[5]
		switch {
		case strings.HasPrefix(strings.ToLower(d), "x") || strings.HasPrefix(strings.ToLower(d), "0x"):
			h := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(d), "0"), "x")
			if n, err := strconv.ParseUint(h, 16, 8); err == nil {
				delim = string(rune(n))
			}
		case d != "":
			delim = d[:1]
		}
		attrs = parts[6]
	} else if len(parts) == 7 {
		attrs = parts[5] + "|" + parts[6]
	}
	m := map[string]string{}
	for _, kv := range strings.Split(attrs, delim) {
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	get := func(keys ...string) string {
		for _, k := range keys {
			if v := m[k]; v != "" && v != "None" && v != "NA" {
				return v
			}
		}
		return ""
	}
	var t txn
	ts := get("devTime", "rt", "time")
	if ts == "" {
		return txn{err: "leef: no devTime"}
	}
	t.set("Timestamp", cefTime(ts))
	t.local(get("src", "srcPreNAT", "cip"))
	t.set("LocalPort", get("srcPort"))
	t.remote(get("dst", "dstPreNAT", "sip"))
	t.target(get("url", "dhost", "host", "hostname"), get("reqMethod", "method"))
	if p := get("dstPort"); p != "" {
		t.fields = append(t.fields, kv{"RemotePort", p})
	}
	t.user(get("usrName", "user", "login"))
	t.set("BytesSent", get("srcBytes", "reqSize", "out"))
	t.set("BytesReceived", get("dstBytes", "respSize", "in"))
	switch p := strings.ToLower(get("proto")); {
	case strings.HasPrefix(p, "http"), p == "tcp", p == "6", p == "ssl":
		t.set("Protocol", "Tcp")
	case p == "udp", p == "17":
		t.set("Protocol", "Udp")
	}
	act := get("action", "act")
	if denied(act) {
		t.set("ActionType", "ConnectionFailed")
	} else {
		t.set("ActionType", "ConnectionSuccess")
	}
	extra := map[string]any{"leef_vendor": vendor, "leef_product": product, "leef_event": event}
	if act != "" {
		extra["action"] = act
	}
	if c := get("urlcategory", "cat", "appclass"); c != "" {
		extra["category"] = c
	}
	if a := get("appname"); a != "" {
		extra["app"] = a
	}
	t.extra = extra
	return t
}

// parseFirewall parses a CEF or LEEF line, whichever it is (Zscaler NSS feeds
// come in both).
func parseFirewall(s string) txn {
	if strings.Contains(s, "LEEF:") && !strings.Contains(s, "CEF:") {
		return parseLEEF(s)
	}
	return parseCEF(s)
}
