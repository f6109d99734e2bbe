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
//
// Opening and refreshing only list the folders and files; a table's schema
// (the union of its files' footers) is read the first time the table is
// used, so a query that touches one table, or none, reads no other footers.
type Catalog struct {
	dir string

	mu     sync.RWMutex
	tables map[string]*tableFiles // on-disk tables found by the last Refresh
	files  map[string]fileSchemaCache
}

// tableFiles is an on-disk table: its data files as listed by Refresh and
// its union schema, read from their footers on first use.
type tableFiles struct {
	name  string
	files []dataFile

	once   sync.Once
	schema kusto.Schema
	err    error
}

type dataFile struct {
	path  string
	size  int64
	mtime time.Time
}

type fileSchemaCache struct {
	size  int64
	mtime time.Time
	cols  []fileColumn
}

// Open opens the data directory dir (creating it if missing) and lists the
// tables found in it.
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
// or a built-in schema for a table with no data yet. A table whose footers
// cannot be read falls back to its built-in schema (scanning it reports the
// error); TableSchema returns that error.
func (c *Catalog) Table(name string) (kusto.Schema, bool) {
	s, ok, err := c.TableSchema(name)
	if err != nil {
		return schemas.Table(name)
	}
	return s, ok
}

// TableSchema is Table with the error of reading the table's footers.
func (c *Catalog) TableSchema(name string) (kusto.Schema, bool, error) {
	c.mu.RLock()
	t := c.tables[name]
	c.mu.RUnlock()
	if t == nil {
		s, ok := schemas.Table(name)
		return s, ok, nil
	}
	t.once.Do(func() { t.schema, t.err = c.readSchema(t) })
	if t.err != nil {
		return nil, false, t.err
	}
	return append(kusto.Schema(nil), t.schema...), true, nil
}

// readSchema reads the footers of a table's files (those not cached with the
// same size and modification time) and returns their union schema.
func (c *Catalog) readSchema(t *tableFiles) (kusto.Schema, error) {
	var fileSchemas [][]fileColumn
	for _, f := range t.files {
		c.mu.RLock()
		fc, ok := c.files[f.path]
		c.mu.RUnlock()
		if !ok || fc.size != f.size || !fc.mtime.Equal(f.mtime) {
			cols, err := readFileColumns(f.path)
			if err != nil {
				if os.IsNotExist(err) { // compacted away meanwhile
					continue
				}
				return nil, fmt.Errorf("table %s: %w", t.name, err)
			}
			fc = fileSchemaCache{size: f.size, mtime: f.mtime, cols: cols}
			c.mu.Lock()
			c.files[f.path] = fc
			c.mu.Unlock()
		}
		fileSchemas = append(fileSchemas, fc.cols)
	}
	base, _ := schemas.Table(t.name)
	return unionSchema(base, fileSchemas), nil
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
// visible. Footers are read when a table is next used, and only of files not
// seen before with the same size and modification time.
func (c *Catalog) Refresh() error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return fmt.Errorf("refresh catalog %s: %w", c.dir, err)
	}
	tables := map[string]*tableFiles{}
	live := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() || hidden(e.Name()) || !validTableName(e.Name()) {
			continue
		}
		t := &tableFiles{name: e.Name()}
		parts, err := listPartitions(filepath.Join(c.dir, t.name))
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
				t.files = append(t.files, dataFile{path: path, size: st.Size(), mtime: st.ModTime()})
				live[path] = true
			}
		}
		if len(t.files) == 0 {
			continue // no data (yet): built-ins still resolve through schemas
		}
		tables[t.name] = t
	}
	c.mu.Lock()
	c.tables = tables
	for path := range c.files {
		if !live[path] {
			delete(c.files, path)
		}
	}
	c.mu.Unlock()
	return nil
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
