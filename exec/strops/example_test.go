package strops_test

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/exec/strops"
)

func Example() {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	b.AppendValues([]string{"C:\\Windows\\cmd.exe /c whoami", "KustoExplorerQueryRun", "https://www.Dropbox.com/s/x"}, nil)
	urls := b.NewStringArray()
	b.Release()
	defer urls.Release()

	for _, q := range [][]string{{"has", "cmd.exe"}, {"has", "Explorer"}, {"contains", "dropbox"}, {"!has", "dropbox"}} {
		m, err := strops.Compile(q[0], q[1])
		if err != nil {
			panic(err)
		}
		fmt.Println(q[0], q[1], m.Select(urls, nil, nil))
	}
	// Output:
	// has cmd.exe [0]
	// has Explorer []
	// contains dropbox [2]
	// !has dropbox [0 1]
}
