package foreign

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
)

// Col is one column of a foreign file: its Parquet node and its value in row i
// (nil = null; int32, int64, float64, float32, bool, string, []byte for
// fixed-length byte arrays, deprecated.Int96).
type Col struct {
	Name  string
	Node  parquet.Node
	Value func(i int) any
	// Want is the value prowl should read back in Kusto form (int64 nanoseconds
	// for datetime/timespan, int64 for int and long, float64, bool, string; nil
	// for null). nil Want means Value already is that form.
	Want func(i int) any
}

// File is a foreign file to write.
type File struct {
	Path    string // relative to the data directory
	Rows    int
	Cols    []Col
	Options []parquet.WriterOption
}

// Write writes f under dir.
func Write(dir string, f File) error {
	path := filepath.Join(dir, f.Path)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	g := parquet.Group{}
	for _, c := range f.Cols {
		g[c.Name] = c.Node
	}
	schema := parquet.NewSchema("foreign", g)
	type leaf struct {
		idx int
		def int
		col Col
	}
	var leaves []leaf
	for _, c := range f.Cols {
		lc, ok := schema.Lookup(c.Name)
		if !ok {
			return fmt.Errorf("foreign: column %s not in schema", c.Name)
		}
		leaves = append(leaves, leaf{lc.ColumnIndex, lc.MaxDefinitionLevel, c})
	}
	sort.Slice(leaves, func(i, j int) bool { return leaves[i].idx < leaves[j].idx })
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	w := parquet.NewWriter(out, append([]parquet.WriterOption{schema}, f.Options...)...)
	for i := 0; i < f.Rows; i++ {
		row := make(parquet.Row, len(leaves))
		for k, l := range leaves {
			v := l.col.Value(i)
			var pv parquet.Value
			switch x := v.(type) {
			case nil:
				pv = parquet.NullValue().Level(0, 0, l.idx)
				row[k] = pv
				continue
			case int32:
				pv = parquet.Int32Value(x)
			case int64:
				pv = parquet.Int64Value(x)
			case float64:
				pv = parquet.DoubleValue(x)
			case float32:
				pv = parquet.FloatValue(x)
			case bool:
				pv = parquet.BooleanValue(x)
			case string:
				pv = parquet.ByteArrayValue([]byte(x))
			case []byte:
				pv = parquet.FixedLenByteArrayValue(x)
			case deprecated.Int96:
				pv = parquet.Int96Value(x)
			default:
				out.Close()
				return fmt.Errorf("foreign: column %s: unsupported value %T", l.col.Name, v)
			}
			row[k] = pv.Level(0, l.def, l.idx)
		}
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			out.Close()
			return fmt.Errorf("foreign %s: %w", path, err)
		}
	}
	if err := w.Close(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Int96 encodes nanoseconds since the epoch as a legacy Impala timestamp.
func Int96(ns int64) deprecated.Int96 {
	day := ns / 86400e9
	rem := ns % 86400e9
	if rem < 0 {
		rem += 86400e9
		day--
	}
	jd := uint32(day + 2440588)
	return deprecated.Int96{uint32(uint64(rem)), uint32(uint64(rem) >> 32), jd}
}
