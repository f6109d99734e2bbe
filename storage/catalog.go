package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/schemas"
)

// Catalog is the set of tables in a data directory. It is safe for concurrent use.
type Catalog struct {
	dir string

	mu     sync.RWMutex
	tables map[string]kusto.Schema // on-disk tables (union schemas)
	files  map[string]fileSchemaCache
}

type fileSchemaCache struct {
	size  int64
	mtime time.Time
	cols  []fileColumn
}

// Open opens the data directory dir (creating it if missing) and reads the
// schemas of the tables found in it.
func Open(dir string) (*Catalog, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open data directory: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open data directory: %w", err)
	}
	c := &Catalog{dir: abs, files: map[string]fileSchemaCache{}}
	if err := c.Refresh(); err != nil {
		return nil, err
	}
	return c, nil
}

// Dir returns the absolute path of the data directory.
func (c *Catalog) Dir() string { return c.dir }

// Close releases the catalog. Scans and writers created from it must be closed
// by their owners.
func (c *Catalog) Close() error { return nil }

// Table returns the schema of the named table: an on-disk table's union schema,
// or a built-in schema for a table with no data yet.
func (c *Catalog) Table(name string) (kusto.Schema, bool) {
	c.mu.RLock()
	s, ok := c.tables[name]
	c.mu.RUnlock()
	if ok {
		return append(kusto.Schema(nil), s...), true
	}
	return schemas.Table(name)
}

// TableNames lists on-disk tables and built-in tables, sorted.
func (c *Catalog) TableNames() []string {
	seen := map[string]bool{}
	var out []string
	c.mu.RLock()
	for n := range c.tables {
		seen[n] = true
		out = append(out, n)
	}
	c.mu.RUnlock()
	for _, n := range schemas.Names() {
		if !seen[n] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Refresh re-reads the directory so that new tables, files and columns become
// visible. Footers of files seen before (same size and modification time) are
// not read again.
func (c *Catalog) Refresh() error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return fmt.Errorf("refresh catalog %s: %w", c.dir, err)
	}
	c.mu.RLock()
	old := c.files
	c.mu.RUnlock()
	files := map[string]fileSchemaCache{}
	tables := map[string]kusto.Schema{}
	for _, e := range entries {
		if !e.IsDir() || hidden(e.Name()) || !validTableName(e.Name()) {
			continue
		}
		name := e.Name()
		var fileSchemas [][]fileColumn
		parts, err := listPartitions(filepath.Join(c.dir, name))
		if err != nil {
			return fmt.Errorf("refresh catalog: %w", err)
		}
		for _, p := range parts {
			names, err := listParquet(p.dir)
			if err != nil {
				return fmt.Errorf("refresh catalog: %w", err)
			}
			for _, fn := range names {
				path := filepath.Join(p.dir, fn)
				st, err := os.Stat(path)
				if err != nil {
					if os.IsNotExist(err) { // compacted away meanwhile
						continue
					}
					return fmt.Errorf("refresh catalog: %w", err)
				}
				fc, ok := old[path]
				if !ok || fc.size != st.Size() || !fc.mtime.Equal(st.ModTime()) {
					cols, err := readFileColumns(path)
					if err != nil {
						if os.IsNotExist(err) {
							continue
						}
						return fmt.Errorf("refresh catalog: %w", err)
					}
					fc = fileSchemaCache{size: st.Size(), mtime: st.ModTime(), cols: cols}
				}
				files[path] = fc
				fileSchemas = append(fileSchemas, fc.cols)
			}
		}
		if len(fileSchemas) == 0 {
			continue // no data (yet): built-ins still resolve through schemas
		}
		base, _ := schemas.Table(name)
		tables[name] = unionSchema(base, fileSchemas)
	}
	c.mu.Lock()
	c.tables, c.files = tables, files
	c.mu.Unlock()
	return nil
}

// schemaFor returns the table's schema for scanning and writing.
func (c *Catalog) schemaFor(table string) (kusto.Schema, bool) {
	return c.Table(table)
}

// unionSchema returns base followed by every column of the files not already in
// it, in order of first appearance. Conflicting types among files widen
// int→long→real; any other conflict keeps the first type seen (the scan then
// reports the incompatible file).
func unionSchema(base kusto.Schema, files [][]fileColumn) kusto.Schema {
	out := append(kusto.Schema(nil), base...)
	fromFiles := map[string]bool{}
	for _, cols := range files {
		for _, fc := range cols {
			i := out.Index(fc.name)
			if i < 0 {
				out = append(out, kusto.Column{Name: fc.name, Type: fc.typ})
				fromFiles[fc.name] = true
				continue
			}
			if fromFiles[fc.name] {
				out[i].Type = widen(out[i].Type, fc.typ)
			}
		}
	}
	return out
}

func widen(a, b kusto.Type) kusto.Type {
	rank := func(t kusto.Type) int {
		switch t {
		case kusto.Int:
			return 1
		case kusto.Long:
			return 2
		case kusto.Real:
			return 3
		}
		return 0
	}
	ra, rb := rank(a), rank(b)
	if ra > 0 && rb > 0 && rb > ra {
		return b
	}
	return a
}

// hidden reports whether a directory entry is never table data.
func hidden(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

func validTableName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// partition is one folder of a table: a day folder or the table root.
type partition struct {
	dir string
	day time.Time // zero for the table root
}

const dayLayout = "2006-01-02"

// listPartitions returns the day folders of a table (sorted by day) and, when
// the table root holds Parquet files itself, the root.
func listPartitions(tableDir string) ([]partition, error) {
	entries, err := os.ReadDir(tableDir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var out []partition
	rootFiles := false
	for _, e := range entries {
		n := e.Name()
		if hidden(n) {
			continue
		}
		if e.IsDir() {
			ds, ok := strings.CutPrefix(n, "date=")
			if !ok {
				continue
			}
			day, err := time.ParseInLocation(dayLayout, ds, time.UTC)
			if err != nil {
				continue
			}
			out = append(out, partition{dir: filepath.Join(tableDir, n), day: day})
		} else if strings.HasSuffix(n, ".parquet") {
			rootFiles = true
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].day.Before(out[j].day) })
	if rootFiles {
		out = append(out, partition{dir: tableDir})
	}
	return out, nil
}

// listParquet returns the names of the visible Parquet files in dir, sorted.
func listParquet(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() || hidden(e.Name()) || !strings.HasSuffix(e.Name(), ".parquet") {
			continue
		}
		out = append(out, e.Name())
	}
	return out, nil
}

// DataTables lists the tables that have data files on disk (as of the last
// Refresh), sorted.
func (c *Catalog) DataTables() []string {
	c.mu.RLock()
	out := make([]string, 0, len(c.tables))
	for n := range c.tables {
		out = append(out, n)
	}
	c.mu.RUnlock()
	sort.Strings(out)
	return out
}
