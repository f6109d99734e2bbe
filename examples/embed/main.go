// Command embed shows prowl used as a Go library: open a data directory,
// register a scalar function of your own, run KQL, and read the result as Arrow.
//
//	go run ./examples/embed [DATA_DIR]
//
// Without an argument it works on an empty temporary directory, so the query
// uses an inline datatable; point it at a `prowl gen` directory to hunt in real data.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
)

func main() {
	dir := ""
	if len(os.Args) > 1 {
		dir = os.Args[1]
	} else {
		tmp, err := os.MkdirTemp("", "prowl-embed-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	db, err := prowl.Open(dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	// A function of our own: is_corp_host(host) is true for hosts under corp.contoso.com.
	sig := &lang.FuncSig{
		Name: "is_corp_host", Kind: lang.Scalar, MinArgs: 1, MaxArgs: 1,
		Result: func(args []kusto.Type) (kusto.Type, error) {
			if args[0] != kusto.String {
				return kusto.Invalid, fmt.Errorf("is_corp_host wants a string, got %s", args[0])
			}
			return kusto.Bool, nil
		},
	}
	if err := db.Registry().RegisterFunction(sig, isCorpHost); err != nil {
		log.Fatal(err)
	}

	query := `datatable(DeviceName:string, RemoteUrl:string, BytesSent:long) [
    "wks-1.corp.contoso.com", "dropbox.com", 5000000,
    "wks-2.corp.contoso.com", "github.com", 1200,
    "kiosk-7.guest.example", "dropbox.com", 800000,
]
| extend Corp = is_corp_host(DeviceName), App = cloud_app(RemoteUrl)
| summarize Uploaded = sum(BytesSent) by App, Corp
| order by Uploaded desc`
	res, err := db.Query(context.Background(), query, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer res.Close()
	fmt.Println(strings.Join(res.Columns.Names(), "\t"))
	for res.Reader.Next() {
		rec := res.Reader.RecordBatch()
		for row := 0; row < int(rec.NumRows()); row++ {
			cells := make([]string, rec.NumCols())
			for c := range cells {
				cells[c] = rec.Column(c).ValueStr(row)
			}
			fmt.Println(strings.Join(cells, "\t"))
		}
	}
	if err := res.Reader.Err(); err != nil {
		log.Fatal(err)
	}
}

// isCorpHost is the kernel of is_corp_host: one pass over a batch of strings.
func isCorpHost(ctx *fn.Context, args []fn.Arg, n int, _ kusto.Type) (arrow.Array, error) {
	mem := ctx.Allocator()
	hosts := args[0].Array.(*array.String)
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	for i := 0; i < n; i++ {
		j := i
		if args[0].Const {
			j = 0
		}
		h := strings.ToLower(hosts.Value(j))
		b.UnsafeAppend(h == "corp.contoso.com" || strings.HasSuffix(h, ".corp.contoso.com"))
	}
	return b.NewArray(), nil
}
