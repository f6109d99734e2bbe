package discovery

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

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

var systemSIDs = map[string]bool{"S-1-5-18": true, "S-1-5-19": true, "S-1-5-20": true}

func isSystemName(n string) bool {
	for _, s := range []string{"system", "local service", "network service", "localservice", "networkservice"} {
		if strings.EqualFold(n, s) {
			return true
		}
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
// per row: it lower-cases into a scratch buffer appended straight to the
// output. Non-ASCII letters keep their case.
func accountUserKernel(ctx *fn.Context, args []fn.Arg, n int, out kusto.Type) (arrow.Array, error) {
	cols := make([]strCol, 4)
	for i := range cols {
		a, _ := args[i].Array.(*array.String)
		cols[i] = strCol{a: a, konst: args[i].Const}
	}
	b := array.NewStringBuilder(mem(ctx))
	defer b.Release()
	b.Reserve(n)
	b.ReserveData(n * 16)
	var buf []byte
	for i := 0; i < n; i++ {
		sid, name, domain, upn := cols[0].at(i), cols[1].at(i), cols[2].at(i), cols[3].at(i)
		switch {
		case systemSIDs[sid] || isSystemName(name):
			b.Append("")
		case upn != "":
			buf = appendLower(buf[:0], upn)
			b.BinaryBuilder.Append(buf)
		case name != "":
			buf = appendLower(buf[:0], domain, `\`, name)
			b.BinaryBuilder.Append(buf)
		default:
			b.Append("")
		}
	}
	return b.NewArray(), nil
}
