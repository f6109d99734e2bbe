package fn

import (
	"encoding/binary"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/prowl-hunt/prowl/exec/fn/dyn"
	"github.com/prowl-hunt/prowl/kusto"
)

// urlEncode percent-encodes everything but unreserved characters with
// lower-case hex digits, as ADX does; url_encode writes a space as '+',
// url_encode_component as %20.
func urlEncode(plusForSpace bool) func(*Context, []value) value {
	return func(_ *Context, v []value) value { return stringValue(urlEncodeString(str(v[0]), plusForSpace)) }
}

func urlEncodeString(s string, plusForSpace bool) string {
	const hexd = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		if c == ' ' && plusForSpace {
			b.WriteByte('+')
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}

func kURLDecode(_ *Context, v []value) value {
	s, err := url.QueryUnescape(str(v[0]))
	if err != nil {
		return stringValue("")
	}
	return stringValue(s)
}

// kParseURL splits a URL into the property bag ADX's parse_url returns.
func kParseURL(_ *Context, v []value) value {
	s := str(v[0])
	b := &dyn.Bag{}
	scheme, host, port, path, user, pass, frag := "", "", "", "", "", "", ""
	q := &dyn.Bag{}
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && u.Host != "" {
		scheme, host, port, path, frag = u.Scheme, u.Hostname(), u.Port(), u.EscapedPath(), u.Fragment
		if u.User != nil {
			user = u.User.Username()
			pass, _ = u.User.Password()
		}
		q = queryBag(u.RawQuery)
	}
	b.Set("Scheme", scheme)
	b.Set("Host", host)
	b.Set("Port", port)
	b.Set("Path", path)
	b.Set("Username", user)
	b.Set("Password", pass)
	b.Set("Query Parameters", q)
	b.Set("Fragment", frag)
	return dynValue(b)
}

func kParseURLQuery(_ *Context, v []value) value {
	b := &dyn.Bag{}
	b.Set("Query Parameters", queryBag(strings.TrimPrefix(str(v[0]), "?")))
	return dynValue(b)
}

// queryBag decodes a URL query (a=1&b=x%20y) into a bag in written order; a
// key without '=' gets "", and undecodable escapes are kept as written.
func queryBag(raw string) *dyn.Bag {
	q := &dyn.Bag{}
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, val, _ := strings.Cut(kv, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(val); err == nil {
			val = dv
		}
		q.Set(k, val)
	}
	return q
}

// kParsePath splits a Windows or Unix file path (or a URL-like path) into the
// bag ADX's parse_path returns.
func kParsePath(_ *Context, v []value) value {
	p := str(v[0])
	scheme, root := "", ""
	rest := p
	if i := strings.Index(p, "://"); i > 0 {
		scheme = p[:i]
		rest = p[i+3:]
	}
	sep := "\\"
	if !strings.Contains(rest, "\\") && strings.Contains(rest, "/") {
		sep = "/"
	}
	switch {
	case len(rest) >= 2 && rest[1] == ':' && (rest[0]|0x20) >= 'a' && (rest[0]|0x20) <= 'z':
		root = rest[:2]
	case strings.HasPrefix(rest, `\\`):
		parts := strings.SplitN(rest[2:], `\`, 2)
		root = `\\` + parts[0]
	case scheme != "":
		root, _, _ = strings.Cut(rest, sep)
	}
	dir, file := "", rest
	if i := strings.LastIndex(rest, sep); i >= 0 {
		dir, file = rest[:i], rest[i+1:]
	}
	ads := ""
	if i := strings.LastIndexByte(file, ':'); i >= 0 && root != "" {
		file, ads = file[:i], file[i+1:]
	}
	ext := ""
	if i := strings.LastIndexByte(file, '.'); i >= 0 {
		ext = file[i+1:]
	}
	dirName := dir
	if i := strings.LastIndex(dir, sep); i >= 0 {
		dirName = dir[i+1:]
	}
	if scheme != "" {
		dir = scheme + "://" + dir
	}
	b := &dyn.Bag{}
	b.Set("Scheme", scheme)
	b.Set("RootPath", root)
	b.Set("DirectoryPath", dir)
	b.Set("DirectoryName", dirName)
	b.Set("Filename", file)
	b.Set("Extension", ext)
	b.Set("AlternateDataStreamName", ads)
	return dynValue(b)
}

// kParseCSV splits one CSV record (quotes doubled inside quoted fields).
func kParseCSV(_ *Context, v []value) value {
	s := str(v[0])
	out := []dyn.Value{}
	var field strings.Builder
	inQ := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQ && c == '"' && i+1 < len(s) && s[i+1] == '"':
			field.WriteByte('"')
			i++
		case c == '"':
			inQ = !inQ
		case c == ',' && !inQ:
			out = append(out, field.String())
			field.Reset()
		default:
			field.WriteByte(c)
		}
	}
	out = append(out, field.String())
	return dynValue(out)
}

// kParseCommandLine splits a Windows command line the way CommandLineToArgvW does.
func kParseCommandLine(_ *Context, v []value) value {
	s := str(v[0])
	out := []dyn.Value{}
	var arg strings.Builder
	inQ, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			j := i
			for j < len(s) && s[j] == '\\' {
				j++
			}
			n := j - i
			if j < len(s) && s[j] == '"' {
				arg.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					arg.WriteByte('"')
					i = j
				} else {
					i = j - 1
				}
			} else {
				arg.WriteString(s[i:j])
				i = j - 1
			}
			have = true
		case c == '"':
			inQ = !inQ
			have = true
		case (c == ' ' || c == '\t') && !inQ:
			if have {
				out = append(out, arg.String())
				arg.Reset()
				have = false
			}
		default:
			arg.WriteByte(c)
			have = true
		}
	}
	if have {
		out = append(out, arg.String())
	}
	return dynValue(out)
}

// parseIPv4Prefix parses "a.b.c.d" or "a.b.c.d/n" into an address and mask bits.
func parseIPv4Prefix(s string) (uint32, int, bool) {
	s = strings.TrimSpace(s)
	bits := 32
	if a, p, ok := strings.Cut(s, "/"); ok {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 32 {
			return 0, 0, false
		}
		bits, s = n, a
	}
	addr, err := netip.ParseAddr(s)
	if err != nil || !addr.Is4() {
		return 0, 0, false
	}
	b := addr.As4()
	return binary.BigEndian.Uint32(b[:]), bits, true
}

func mask32(bits int) uint32 {
	if bits <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - bits)
}

func kIPv4IsPrivate(_ *Context, v []value) value {
	ip, bits, ok := parseIPv4Prefix(str(v[0]))
	if !ok {
		return nullValue()
	}
	for _, r := range []struct {
		net  uint32
		bits int
	}{{10 << 24, 8}, {172<<24 | 16<<16, 12}, {192<<24 | 168<<16, 16}} {
		if bits >= r.bits && ip&mask32(r.bits) == r.net {
			return boolValue(true)
		}
	}
	return boolValue(false)
}

func kIPv4IsInRange(_ *Context, v []value) value {
	ip, ipBits, ok1 := parseIPv4Prefix(str(v[0]))
	rng, bits, ok2 := parseIPv4Prefix(str(v[1]))
	if !ok1 || !ok2 {
		return nullValue()
	}
	bits = min(bits, ipBits)
	return boolValue(ip&mask32(bits) == rng&mask32(bits))
}

func kIPv4IsInAnyRange(_ *Context, v []value) value {
	ip, ipBits, ok := parseIPv4Prefix(str(v[0]))
	if !ok {
		return nullValue()
	}
	for _, r := range rangeList(v[1:]) {
		rng, bits, ok := parseIPv4Prefix(r)
		if !ok {
			continue
		}
		bits = min(bits, ipBits)
		if ip&mask32(bits) == rng&mask32(bits) {
			return boolValue(true)
		}
	}
	return boolValue(false)
}

// rangeList flattens string arguments and dynamic arrays of strings.
func rangeList(v []value) []string {
	var out []string
	for _, x := range v {
		if a, ok := asArray(x); ok {
			for _, e := range a {
				out = append(out, dyn.ToString(e))
			}
			continue
		}
		out = append(out, str(x))
	}
	return out
}

// kIPv4Compare compares two addresses under the smaller of their prefixes
// and an optional mask.
func kIPv4Compare(_ *Context, v []value) value {
	a, ab, ok1 := parseIPv4Prefix(str(v[0]))
	b, bb, ok2 := parseIPv4Prefix(str(v[1]))
	if !ok1 || !ok2 {
		return nullValue()
	}
	bits := min(ab, bb)
	if len(v) > 2 {
		m, ok := toLongValue(v[2])
		if !ok || m < 0 || m > 32 {
			return nullValue()
		}
		bits = min(bits, int(m))
	}
	a &= mask32(bits)
	b &= mask32(bits)
	switch {
	case a < b:
		return longValue(-1)
	case a > b:
		return longValue(1)
	}
	return longValue(0)
}

func kIPv4IsMatch(ctx *Context, v []value) value {
	r := kIPv4Compare(ctx, v)
	if r.isNull() {
		return r
	}
	return boolValue(r.i == 0)
}

func kParseIPv4(_ *Context, v []value) value {
	ip, bits, ok := parseIPv4Prefix(str(v[0]))
	if !ok {
		return nullValue()
	}
	return longValue(int64(ip & mask32(bits)))
}

func kParseIPv4Mask(_ *Context, v []value) value {
	ip, _, ok := parseIPv4Prefix(str(v[0]))
	m, ok2 := toLongValue(v[1])
	if !ok || !ok2 || m < 0 || m > 32 {
		return nullValue()
	}
	return longValue(int64(ip & mask32(int(m))))
}

func kFormatIPv4(_ *Context, v []value) value {
	var ip uint32
	bits := 32
	if v[0].isNull() {
		return stringValue("")
	}
	if x, ok := toLongValue(v[0]); ok && v[0].t != kusto.String {
		ip = uint32(x)
	} else {
		p, b, ok := parseIPv4Prefix(str(v[0]))
		if !ok {
			return stringValue("")
		}
		ip, bits = p, b
	}
	if len(v) > 1 {
		m, ok := toLongValue(v[1])
		if !ok || m < 0 || m > 32 {
			return stringValue("")
		}
		bits = min(bits, int(m))
	}
	ip &= mask32(bits)
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], ip)
	return stringValue(netip.AddrFrom4(b).String())
}

// parseIPv6Prefix parses an IPv6 (or IPv4, mapped) address with an optional
// prefix length.
func parseIPv6Prefix(s string) (netip.Addr, int, bool) {
	s = strings.TrimSpace(s)
	bits := 128
	if a, p, ok := strings.Cut(s, "/"); ok {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 128 {
			return netip.Addr{}, 0, false
		}
		bits, s = n, a
	}
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, 0, false
	}
	if addr.Is4() {
		if bits <= 32 && strings.Contains(s, ".") && bits != 128 {
			bits += 96
		}
		addr = netip.AddrFrom16(addr.As16())
	}
	return addr.WithZone(""), bits, true
}

func ipv6Cmp(v []value) (int, bool) {
	a, ab, ok1 := parseIPv6Prefix(str(v[0]))
	b, bb, ok2 := parseIPv6Prefix(str(v[1]))
	if !ok1 || !ok2 {
		return 0, false
	}
	bits := min(ab, bb)
	if len(v) > 2 {
		m, ok := toLongValue(v[2])
		if !ok || m < 0 || m > 128 {
			return 0, false
		}
		bits = min(bits, int(m))
	}
	pa, _ := a.Prefix(bits)
	pb, _ := b.Prefix(bits)
	return pa.Addr().Compare(pb.Addr()), true
}

func kIPv6IsMatch(_ *Context, v []value) value {
	c, ok := ipv6Cmp(v)
	if !ok {
		return nullValue()
	}
	return boolValue(c == 0)
}

func kIPv6Compare(_ *Context, v []value) value {
	c, ok := ipv6Cmp(v)
	if !ok {
		return nullValue()
	}
	return longValue(int64(c))
}

func kParseIPv6(_ *Context, v []value) value {
	a, bits, ok := parseIPv6Prefix(str(v[0]))
	if !ok {
		return nullValue()
	}
	p, _ := a.Prefix(bits)
	b := p.Addr().As16()
	const hexd = "0123456789abcdef"
	out := make([]byte, 0, 39)
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, hexd[b[i]>>4], hexd[b[i]&15], hexd[b[i+1]>>4], hexd[b[i+1]&15])
	}
	return stringValue(string(out))
}

// ipv4Candidates finds the IPv4 addresses that appear in text as whole tokens
// (not inside a longer run of digits and dots).
func ipv4Candidates(text string, fn func(ip uint32) bool) bool {
	isPart := func(c byte) bool { return c >= '0' && c <= '9' || c == '.' }
	for i := 0; i < len(text); {
		if !isPart(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isPart(text[j]) {
			j++
		}
		tok := strings.Trim(text[i:j], ".")
		if ip, bits, ok := parseIPv4Prefix(tok); ok && bits == 32 && strings.Count(tok, ".") == 3 {
			if fn(ip) {
				return true
			}
		}
		i = j
	}
	return false
}

// hasIPv4Kernel is has_ipv4/has_ipv4_prefix/has_any_ipv4/has_any_ipv4_prefix.
func hasIPv4Kernel(prefix bool) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		type pfx struct {
			ip   uint32
			bits int
		}
		var want []pfx
		for _, s := range rangeList(v[1:]) {
			s = strings.TrimSpace(s)
			if prefix {
				// "10.1." means 10.1.0.0/16; "10.1.2" means 10.1.2.0/24
				t := strings.TrimSuffix(s, ".")
				parts := strings.Split(t, ".")
				if len(parts) == 0 || len(parts) > 4 {
					continue
				}
				for len(parts) < 4 {
					parts = append(parts, "0")
				}
				ip, _, ok := parseIPv4Prefix(strings.Join(parts, "."))
				if !ok {
					continue
				}
				n := len(strings.Split(t, "."))
				want = append(want, pfx{ip, 8 * n})
				continue
			}
			ip, bits, ok := parseIPv4Prefix(s)
			if ok {
				want = append(want, pfx{ip, bits})
			}
		}
		found := ipv4Candidates(str(v[0]), func(ip uint32) bool {
			for _, w := range want {
				if ip&mask32(w.bits) == w.ip&mask32(w.bits) {
					return true
				}
			}
			return false
		})
		return boolValue(found)
	}
}
