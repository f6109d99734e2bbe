package gen

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/storage"
)

// CatalogOptions configure WriteCatalog.
type CatalogOptions struct {
	Writer storage.WriterOptions
	// CommitRows commits a writer each time this many rows were written to it
	// since its last commit (default 0: DeviceNetworkEvents commits each day
	// when it is complete, the inventory tables once at the end).
	CommitRows int64
	// Writers is the number of parallel DeviceNetworkEvents writers (default
	// GOMAXPROCS). Each takes whole days, so each day still gets one file per
	// commit.
	Writers int
}

// CatalogResult is what WriteCatalog did.
type CatalogResult struct {
	Summary
	Files []string // files committed
}

// dayWriter is one storage writer fed by its own goroutine.
type dayWriter struct {
	w       *storage.Writer
	ch      chan arrow.RecordBatch
	pending int64
	files   []string
	mu      sync.Mutex // guards err, set by run while the sink reads it
	err     error
	done    chan struct{}
	commitN int64
	day     int64 // day of the rows pending, for commit-per-day
	perDay  bool
}

func (d *dayWriter) commit() error {
	info, err := d.w.Commit()
	if err != nil {
		return err
	}
	d.files = append(d.files, info.Files...)
	d.pending = 0
	return nil
}

// write adds a batch and commits when CommitRows is reached or, in per-day
// mode, when a batch of a new day arrives (generated batches come in time
// order, so a day is complete then; this bounds the writer's memory to a day).
func (d *dayWriter) write(rec arrow.RecordBatch) error {
	if d.perDay {
		day := firstDay(rec)
		if d.pending > 0 && day != d.day {
			if err := d.commit(); err != nil {
				return err
			}
		}
		d.day = day
	}
	if err := d.w.Write(rec); err != nil {
		return err
	}
	d.pending += rec.NumRows()
	if d.commitN > 0 && d.pending >= d.commitN {
		return d.commit()
	}
	return nil
}

func (d *dayWriter) run() {
	defer close(d.done)
	for rec := range d.ch {
		if d.failed() == nil {
			if err := d.write(rec); err != nil {
				d.mu.Lock()
				d.err = err
				d.mu.Unlock()
			}
		}
		rec.Release()
	}
}

func (d *dayWriter) failed() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

// WriteCatalog generates the dataset of cfg into the storage catalog: one
// writer goroutine per inventory table and opts.Writers parallel writers for
// DeviceNetworkEvents (a day always goes to the same one). DeviceNetworkEvents
// days are committed as they complete, the rest at the end (or everything every
// opts.CommitRows rows). On error the uncommitted rows are thrown away;
// committed ones stay.
func WriteCatalog(ctx context.Context, cfg Config, cat *storage.Catalog, opts CatalogOptions) (res CatalogResult, err error) {
	if opts.Writers <= 0 {
		opts.Writers = runtime.GOMAXPROCS(0)
	}
	newWriter := func(table string) (*dayWriter, error) {
		w, err := cat.NewWriter(table, opts.Writer)
		if err != nil {
			return nil, err
		}
		return &dayWriter{w: w, commitN: opts.CommitRows}, nil
	}
	start := func(d *dayWriter) {
		d.ch = make(chan arrow.RecordBatch, 2)
		d.done = make(chan struct{})
		go d.run()
	}
	// Every writer runs in its own goroutine, so writing the inventory tables
	// overlaps with generating and writing DeviceNetworkEvents.
	inventory := map[string]*dayWriter{}
	net := make([]*dayWriter, opts.Writers)
	for i := range net {
		if net[i], err = newWriter("DeviceNetworkEvents"); err != nil {
			return res, fmt.Errorf("gen: %w", err)
		}
		net[i].perDay = true
	}
	for _, d := range net {
		start(d)
	}
	all := func() []*dayWriter {
		out := append([]*dayWriter(nil), net...)
		for _, table := range Tables {
			if d, ok := inventory[table]; ok {
				out = append(out, d)
			}
		}
		return out
	}
	var closeOnce sync.Once
	closeAll := func() {
		closeOnce.Do(func() {
			ws := all()
			for _, d := range ws {
				close(d.ch)
			}
			for _, d := range ws {
				<-d.done
			}
		})
	}
	defer func() {
		closeAll()
		if err != nil {
			for _, d := range all() {
				d.w.Abort()
			}
		}
	}()

	sink := SinkFunc(func(table string, rec arrow.RecordBatch) error {
		var d *dayWriter
		if table == "DeviceNetworkEvents" {
			d = net[int(firstDay(rec))%len(net)]
		} else if d = inventory[table]; d == nil {
			var err error
			if d, err = newWriter(table); err != nil {
				return err
			}
			start(d)
			inventory[table] = d
		}
		if err := d.failed(); err != nil {
			return err
		}
		rec.Retain()
		d.ch <- rec
		return nil
	})
	sum, err := Generate(ctx, cfg, sink)
	res.Summary = sum
	closeAll()
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, d := range all() {
		if err := d.failed(); err != nil {
			errs = append(errs, fmt.Errorf("gen: %w", err))
		}
	}
	if len(errs) > 0 {
		return res, errors.Join(errs...)
	}
	for _, d := range all() {
		if d.pending > 0 {
			if err := d.commit(); err != nil {
				return res, fmt.Errorf("gen: %w", err)
			}
		}
		res.Files = append(res.Files, d.files...)
	}
	if err := cat.Refresh(); err != nil {
		return res, fmt.Errorf("gen: %w", err)
	}
	return res, nil
}

// firstDay returns the UTC day number of a batch's first Timestamp (0 when it
// has none). Generated batches never straddle a day.
func firstDay(rec arrow.RecordBatch) int64 {
	for i, f := range rec.Schema().Fields() {
		if f.Name == "Timestamp" && rec.NumRows() > 0 {
			if ts, ok := rec.Column(i).(*array.Timestamp); ok {
				return int64(ts.Value(0)) / (86400 * 1e9)
			}
		}
	}
	return 0
}
