package ingest

import (
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// Policy says when a Batcher commits: when the pending rows reach MaxRows or
// MaxBytes, or when the oldest pending row has waited MaxWait. Zero fields are
// no limit.
type Policy struct {
	MaxRows  int
	MaxBytes int64
	MaxWait  time.Duration
}

// StreamPolicy is the default for streaming input (stdin, HTTP): small,
// frequent commits so rows become visible soon.
var StreamPolicy = Policy{MaxRows: 4000, MaxBytes: 4 << 20, MaxWait: time.Hour}

// BulkPolicy is the default for files: big batches.
var BulkPolicy = Policy{MaxRows: 65536, MaxBytes: 64 << 20}

// Clock is the time source of a Batcher (a fake one in tests).
type Clock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	Stop() bool
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// CommitFunc receives a batch of accepted rows of a table. The batch is
// released after it returns; keep it with Retain.
type CommitFunc func(table string, rec arrow.RecordBatch) error

// Batcher collects the converted rows of one table and hands them to a
// CommitFunc by its Policy. It is safe for concurrent use: the MaxWait timer
// commits from its own goroutine. An error of a timer-driven commit is
// returned by the next Add, Flush or Close.
type Batcher struct {
	mu      sync.Mutex
	tb      *tableBuilder
	policy  Policy
	clock   Clock
	commit  CommitFunc
	timer   Timer
	gen     uint64 // bumps at each flush, so a stale timer does nothing
	err     error
	batches int
}

func newBatcher(tb *tableBuilder, p Policy, clock Clock, commit CommitFunc) *Batcher {
	if clock == nil {
		clock = realClock{}
	}
	return &Batcher{tb: tb, policy: p, clock: clock, commit: commit}
}

// add stages a row through fill (which sets the fields) and commits it to the
// builder; a fill or row error rejects the row only.
func (b *Batcher) add(fill func(tb *tableBuilder) error) (rowErr, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return nil, b.err
	}
	b.tb.reset()
	if err := fill(b.tb); err != nil {
		return err, nil
	}
	if err := b.tb.commit(); err != nil {
		return err, nil
	}
	if b.tb.rows == 1 && b.policy.MaxWait > 0 {
		gen := b.gen
		b.timer = b.clock.AfterFunc(b.policy.MaxWait, func() { b.timeout(gen) })
	}
	if b.policy.MaxRows > 0 && b.tb.rows >= b.policy.MaxRows ||
		b.policy.MaxBytes > 0 && b.tb.bytes >= b.policy.MaxBytes {
		return nil, b.flushLocked()
	}
	return nil, nil
}

func (b *Batcher) timeout(gen uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if gen != b.gen || b.err != nil {
		return
	}
	b.err = b.flushLocked()
}

// Flush commits the pending rows now.
func (b *Batcher) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return b.err
	}
	b.err = b.flushLocked()
	return b.err
}

func (b *Batcher) flushLocked() error {
	b.gen++
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	rec := b.tb.flush()
	if rec == nil {
		return nil
	}
	defer rec.Release()
	b.batches++
	return b.commit(b.tb.name, rec)
}

// Pending returns the rows and bytes waiting for a commit.
func (b *Batcher) Pending() (rows int, bytes int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tb.rows, b.tb.bytes
}

// Close commits what is pending and stops the timer.
func (b *Batcher) Close() error {
	err := b.Flush()
	b.mu.Lock()
	b.tb.release()
	b.mu.Unlock()
	return err
}
