package discovery

import (
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
)

// accountUserSig is account_user(sid, name, domain, upn): the person behind a
// transaction as one lower-case string — the UPN when present, else
// domain\name — or "" for system accounts (SIDs S-1-5-18/19/20 or the names
// SYSTEM, LOCAL SERVICE, NETWORK SERVICE) and rows with no account.
var accountUserSig = &lang.FuncSig{
	Name: "account_user", Kind: lang.Scalar, MinArgs: 4, MaxArgs: 4,
	Result: func(args []kusto.Type) (kusto.Type, error) {
		for i, a := range args {
			if a != kusto.String && a != kusto.Guid {
				return kusto.Invalid, fmt.Errorf("account_user: argument %d must be a string, not %s", i+1, a)
			}
		}
		return kusto.String, nil
	},
}

// isSystemSID reports whether sid is S-1-5-18, S-1-5-19 or S-1-5-20,
// without a map lookup (it runs once per row).
func isSystemSID(sid string) bool {
	if len(sid) != 8 || sid[:6] != "S-1-5-" {
		return false
	}
	switch sid[6:] {
	case "18", "19", "20":
		return true
	}
	return false
}

// isSystemName reports whether n names a built-in service account, ignoring
// case. The length switch keeps the common (non-system) case to one compare.
func isSystemName(n string) bool {
	switch len(n) {
	case 6:
		return strings.EqualFold(n, "system")
	case 12:
		return strings.EqualFold(n, "localservice")
	case 13:
		return strings.EqualFold(n, "local service")
	case 14:
		return strings.EqualFold(n, "networkservice")
	case 15:
		return strings.EqualFold(n, "network service")
	}
	return false
}

// strCol reads a String argument whatever its constness.
type strCol struct {
	a     *array.String
	konst bool
}

func (c strCol) at(i int) string {
	if c.a == nil {
		return ""
	}
	if c.konst {
		i = 0
	}
	if i >= c.a.Len() || c.a.IsNull(i) {
		return ""
	}
	return c.a.Value(i)
}

// appendLower appends the ASCII-lower-cased bytes of parts to buf.
func appendLower(buf []byte, parts ...string) []byte {
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			c := p[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
		}
	}
	return buf
}

// accountUserKernel runs per row (four varying arguments) without allocating
// per row: it lower-cases straight into the output's data buffer, and a row
// with the same account as the row before copies that row's bytes instead of
// re-deriving them (events of one process come in runs). Non-ASCII letters
// keep their case.
func accountUserKernel(ctx *fn.Context, args []fn.Arg, n int, out kusto.Type) (arrow.Array, error) {
	var cols [4]strCol
	for i := range cols {
		a, _ := args[i].Array.(*array.String)
		cols[i] = strCol{a: a, konst: args[i].Const}
	}
	offsets := make([]int32, n+1)
	data := make([]byte, 0, n*16)
	var psid, pname, pdomain, pupn string
	pstart, pend := 0, 0
	for i := 0; i < n; i++ {
		sid, name, domain, upn := cols[0].at(i), cols[1].at(i), cols[2].at(i), cols[3].at(i)
		start := len(data)
		switch {
		case i > 0 && upn == pupn && name == pname && sid == psid && domain == pdomain:
			data = append(data, data[pstart:pend]...)
		case isSystemSID(sid) || isSystemName(name):
		case upn != "":
			data = appendLower(data, upn)
		case name != "":
			data = appendLower(data, domain, `\`, name)
		}
		if len(data) > math.MaxInt32 {
			return nil, fmt.Errorf("account_user: result of %d rows exceeds 2 GiB", n)
		}
		offsets[i+1] = int32(len(data))
		psid, pname, pdomain, pupn = sid, name, domain, upn
		pstart, pend = start, len(data)
	}
	d := array.NewData(arrow.BinaryTypes.String, n,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)), memory.NewBufferBytes(data)},
		nil, 0, 0)
	defer d.Release()
	return array.NewStringData(d), nil
}
