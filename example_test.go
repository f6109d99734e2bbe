package prowl_test

import (
	"context"
	"fmt"
	"log"

	"github.com/prowl-hunt/prowl"
)

// Open an in-memory DB (no data directory) and run a query over a datatable.
func Example() {
	db, err := prowl.Open("", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	res, err := db.Query(context.Background(), `
		datatable(DeviceName:string, RemoteUrl:string, BytesSent:long) [
			"pc-1", "www.dropbox.com", 500,
			"pc-2", "github.com", 20,
			"pc-1", "dl.dropboxusercontent.com", 4000,
		]
		| where RemoteUrl has "dropbox" or RemoteUrl endswith "dropboxusercontent.com"
		| summarize Bytes = sum(BytesSent) by DeviceName`, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer res.Close()
	for res.Reader.Next() {
		rec := res.Reader.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			fmt.Println(rec.Column(0).ValueStr(i), rec.Column(1).ValueStr(i))
		}
	}
	// Output:
	// pc-1 4500
}

// Query parameters are declared in the query and supplied as text.
func ExampleDB_Query_parameters() {
	db, _ := prowl.Open("", nil)
	defer db.Close()
	res, err := db.Query(context.Background(), `declare query_parameters(n:long); range x from 1 to n step 1 | count`, prowl.Params{"n": "5"})
	if err != nil {
		log.Fatal(err)
	}
	defer res.Close()
	for res.Reader.Next() {
		fmt.Println(res.Reader.RecordBatch().Column(0).ValueStr(0))
	}
	// Output:
	// 5
}
