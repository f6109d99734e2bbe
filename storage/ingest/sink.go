package ingest

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/storage"
)

// CatalogSink writes an import into a storage catalog. In stream mode every
// batch is committed as it comes (pair it with StreamPolicy); otherwise the
// rows of each table are committed together by Close.
type CatalogSink struct {
	cat     *storage.Catalog
	opts    storage.WriterOptions
	stream  bool
	mu      sync.Mutex
	writers map[string]*storage.Writer
	files   []string
	rows    int64
}

// NewCatalogSink returns a sink writing into cat.
func NewCatalogSink(cat *storage.Catalog, opts storage.WriterOptions, stream bool) *CatalogSink {
	return &CatalogSink{cat: cat, opts: opts, stream: stream, writers: map[string]*storage.Writer{}}
}

// Commit is the CommitFunc of the sink.
func (s *CatalogSink) Commit(table string, rec arrow.RecordBatch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.writers[table]
	if !ok {
		var err error
		if w, err = s.cat.NewWriter(table, s.opts); err != nil {
			return err
		}
		s.writers[table] = w
	}
	if err := w.Write(rec); err != nil {
		return err
	}
	if s.stream {
		return s.commitLocked(table, w)
	}
	return nil
}

func (s *CatalogSink) commitLocked(table string, w *storage.Writer) error {
	info, err := w.Commit()
	if err != nil {
		delete(s.writers, table) // a failed writer is aborted; start afresh next time
		return err
	}
	s.files = append(s.files, info.Files...)
	s.rows += info.Rows
	return nil
}

// Close commits what is pending, table by table, and makes it visible to the
// catalog.
func (s *CatalogSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tables := make([]string, 0, len(s.writers))
	for t := range s.writers {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	var errs []error
	for _, t := range tables {
		if s.writers[t].Rows() > 0 {
			if err := s.commitLocked(t, s.writers[t]); err != nil {
				errs = append(errs, fmt.Errorf("commit %s: %w", t, err))
			}
		}
	}
	if err := s.cat.Refresh(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Abort throws away what is not committed.
func (s *CatalogSink) Abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t, w := range s.writers {
		w.Abort()
		delete(s.writers, t)
	}
}

// Files returns the files committed so far.
func (s *CatalogSink) Files() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.files...)
}

// Rows returns the rows committed so far.
func (s *CatalogSink) Rows() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rows
}
