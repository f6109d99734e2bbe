// Command gen writes the foreign Parquet fixtures into storage/testdata/foreign.
// Run it through `go generate ./storage`.
package main

import (
	"fmt"
	"os"

	"github.com/prowl-hunt/prowl/storage/internal/foreign"
)

func main() {
	dir := "testdata/foreign"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	for _, f := range foreign.Fixtures() {
		if err := foreign.Write(dir, f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
