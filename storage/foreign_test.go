package storage

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/storage/internal/foreign"
)

// wantRows is what reading the fixtures' files back must give, columns in
// the order of cols, rows sorted like collect sorts them.
func wantRows(files []foreign.File, cols []string) [][]any {
	var out [][]any
	for _, f := range files {
		for i := 0; i < f.Rows; i++ {
			row := make([]any, len(cols))
			for k, name := range cols {
				row[k] = nil
				found := false
				for _, c := range f.Cols {
					if c.Name != name {
						continue
					}
					found = true
					if c.Want != nil {
						row[k] = c.Want(i)
					} else {
						row[k] = c.Value(i)
					}
				}
				if !found && (name == "RemoteUrl" || name == "SessionId" || name == "Extra") {
					row[k] = "" // strings missing from a file read as ""
				}
			}
			out = append(out, row)
		}
	}
	sortRows(out)
	return out
}

func TestForeignFixtures(t *testing.T) {
	cat, err := Open("testdata/foreign")
	if err != nil {
		t.Fatal(err)
	}
	checkForeign(t, cat, foreign.Fixtures())
}

func TestForeignCodecs(t *testing.T) {
	codecs := map[string]parquet.WriterOption{
		"snappy":       parquet.Compression(&parquet.Snappy),
		"zstd":         parquet.Compression(&parquet.Zstd),
		"gzip":         parquet.Compression(&parquet.Gzip),
		"uncompressed": parquet.Compression(&parquet.Uncompressed),
	}
	for name, opt := range codecs {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			files := foreign.Fixtures()
			for i := range files {
				files[i].Rows = 1200 // several pages
				files[i].Options = []parquet.WriterOption{opt, parquet.PageBufferSize(4096)}
				if err := foreign.Write(dir, files[i]); err != nil {
					t.Fatal(err)
				}
			}
			cat, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			checkForeign(t, cat, files)
		})
	}
}

func checkForeign(t *testing.T, cat *Catalog, files []foreign.File) {
	t.Helper()
	schema, ok := cat.Table("Proxy")
	if !ok {
		t.Fatal("table Proxy not found")
	}
	wantSchema := kusto.Schema{
		{Name: "BytesSent", Type: kusto.Long},
		{Name: "RemotePort", Type: kusto.Int},
		{Name: "RemoteUrl", Type: kusto.String},
		{Name: "Timestamp", Type: kusto.DateTime},
		{Name: "Blocked", Type: kusto.Bool},
		{Name: "Extra", Type: kusto.Dynamic},
		{Name: "Score", Type: kusto.Real},
		{Name: "SessionId", Type: kusto.Guid},
	}
	if diff := cmp.Diff(wantSchema, schema); diff != "" {
		t.Fatalf("schema (-want +got):\n%s", diff)
	}
	cols := []string{"Timestamp", "RemoteUrl", "RemotePort", "BytesSent", "Blocked", "Score", "SessionId", "Extra"}
	got, _ := collect(t, cat, ScanSpec{Table: "Proxy", Columns: cols, BatchSize: 1000})
	if diff := cmp.Diff(wantRows(files, cols), got); diff != "" {
		t.Fatalf("rows (-want +got):\n%.4000s", diff)
	}
}
