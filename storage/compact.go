package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// CompactInfo describes what Compact did.
type CompactInfo struct {
	Partitions  int // day folders rewritten
	FilesBefore int // files merged away
	FilesAfter  int // files written
	Rows        int64
}

// String summarises the compaction, e.g.
// "3 partitions: 12 files → 3 files, 1234 rows".
func (ci CompactInfo) String() string {
	if ci.Partitions == 0 {
		return "nothing to compact"
	}
	unit := "partitions"
	if ci.Partitions == 1 {
		unit = "partition"
	}
	return fmt.Sprintf("%d %s: %d files → %d files, %d rows", ci.Partitions, unit, ci.FilesBefore, ci.FilesAfter, ci.Rows)
}

// Compact merges the files of every partition of table that holds more than
// one file into one file (row groups of DefaultRowGroupRows) and swaps the new
// set in atomically (see the package doc). Concurrent scans see either the old
// or the new files; commits to the table wait while a partition is rewritten.
func (c *Catalog) Compact(ctx context.Context, table string) (CompactInfo, error) {
	var info CompactInfo
	schema, ok := c.Table(table)
	if !ok {
		return info, fmt.Errorf("compact: unknown table %q", table)
	}
	tableDir := filepath.Join(c.dir, table)
	parts, err := listPartitions(tableDir)
	if err != nil {
		return info, fmt.Errorf("compact %s: %w", table, err)
	}
	lock, err := lockTable(tableDir)
	if err != nil {
		return info, fmt.Errorf("compact %s: %w", table, err)
	}
	defer lock.unlock()
	cleanStale(tableDir)
	for _, p := range parts {
		if err := ctx.Err(); err != nil {
			return info, err
		}
		if p.day.IsZero() {
			continue // the table root cannot be swapped as a folder
		}
		before, after, rows, err := c.compactPartition(ctx, table, schema, p)
		if err != nil {
			return info, fmt.Errorf("compact %s %s: %w", table, filepath.Base(p.dir), err)
		}
		if before > 0 {
			info.Partitions++
			info.FilesBefore += before
			info.FilesAfter += after
			info.Rows += rows
		}
	}
	if err := c.Refresh(); err != nil {
		return info, err
	}
	return info, nil
}

// cleanStale removes what crashed compactions and writers left behind. The
// caller holds the table lock, so no compaction is running; writers' temporary
// files are only removed when a day old.
func cleanStale(tableDir string) {
	entries, _ := os.ReadDir(tableDir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), ".compact-") {
			os.RemoveAll(filepath.Join(tableDir, e.Name()))
		}
	}
	tmp := filepath.Join(tableDir, ".tmp")
	entries, _ = os.ReadDir(tmp)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
			os.Remove(filepath.Join(tmp, e.Name()))
		}
	}
}

func (c *Catalog) compactPartition(ctx context.Context, table string, schema kusto.Schema, p partition) (before, after int, rows int64, err error) {
	names, err := listParquet(p.dir)
	if err != nil || len(names) < 2 {
		return 0, 0, 0, err
	}
	var files []*scanFile
	defer func() {
		for _, f := range files {
			f.f.Close()
		}
	}()
	for _, n := range names {
		sf, err := openScanFile(filepath.Join(p.dir, n))
		if err != nil {
			return 0, 0, 0, err
		}
		files = append(files, sf)
	}
	tableDir := filepath.Dir(p.dir)
	newDir := filepath.Join(tableDir, ".compact-"+randomHex(8))
	if err := os.Mkdir(newDir, 0o755); err != nil {
		return 0, 0, 0, err
	}
	defer os.RemoveAll(newDir) // after the exchange it holds the old files
	w := &Writer{cat: c, table: table, opts: WriterOptions{RowGroupRows: DefaultRowGroupRows, DictionaryMaxBytes: 8 << 20, PageBytes: 1 << 20},
		base: schema, tsCol: -1, days: map[int64]*dayFile{}, targetDir: newDir}
	s := &Scan{spec: ScanSpec{BatchSize: DefaultBatchSize}, schema: schema, arrow: karrow.Schema(schema), files: files}
	for _, f := range files {
		for i, rg := range f.pf.RowGroups() {
			if rg.NumRows() > 0 {
				s.morsels = append(s.morsels, &Morsel{s: s, file: f, rg: i, rows: rg.NumRows()})
			}
		}
	}
	for _, m := range s.morsels {
		if err := m.Read(ctx, func(rec arrow.RecordBatch) error { return w.Write(rec) }); err != nil {
			w.Abort()
			return 0, 0, 0, err
		}
	}
	ci, err := w.Commit()
	if err != nil {
		return 0, 0, 0, err
	}
	if err := syncDir(newDir); err != nil {
		return 0, 0, 0, err
	}
	if err := exchange(p.dir, newDir); err != nil {
		return 0, 0, 0, err
	}
	if err := syncDir(tableDir); err != nil {
		return 0, 0, 0, err
	}
	return len(names), len(ci.Files), ci.Rows, nil
}
