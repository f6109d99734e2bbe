package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/output"
)

// DefaultKeepBytes caps the memory of the last result kept.
const DefaultKeepBytes = 256 << 20

func (s *Session) keepBytes() int64 {
	if s.KeepBytes > 0 {
		return s.KeepBytes
	}
	return DefaultKeepBytes
}

// ShowRows is the most rows a result table shows on screen; #save exports
// the rest.
const ShowRows = 1000

// DefaultKeepRows caps the rows of the last result kept for #save and charts.
const DefaultKeepRows = 1_000_000

// Session runs what the user enters: # commands, control commands and
// queries, printing results as tables or charts. It keeps the last result for
// #save. It is not safe for concurrent use.
type Session struct {
	DB *prowl.DB
	// Out receives results, Err diagnostics.
	Out, Err io.Writer
	// Width is the terminal width for charts (0 means 100).
	Width int
	// History, when set, records every entry run.
	History *History
	// KeepRows caps the rows kept of the last result (0 means DefaultKeepRows).
	KeepRows int
	// KeepBytes caps the memory they take (0 means DefaultKeepBytes).
	KeepBytes int64

	// Status, when set, shows that a query is running (a terminal).
	Status io.Writer

	// Types, Explain and Wide are the #types, #explain and #wide switches.
	Types, Explain, Wide bool

	// Failed counts the entries that failed (bad queries, errors).
	Failed int

	last *kept
}

// kept is the last result, for #save.
type kept struct {
	cols      kusto.Schema
	batches   []arrow.RecordBatch
	rows      int64 // rows kept
	bytes     int64 // their size (buffers)
	total     int64 // rows the result had
	truncated bool
}

func (k *kept) release() {
	for _, b := range k.batches {
		b.Release()
	}
	k.batches = nil
}

// Close releases the kept result.
func (s *Session) Close() {
	if s.last != nil {
		s.last.release()
		s.last = nil
	}
}

// ErrQuit is returned by Run for #quit.
var ErrQuit = errors.New("quit")

// Run handles one entry. It returns ErrQuit for #quit; every other problem
// (a bad query, a cancelled query) is printed and Run returns nil, so the
// shell goes on.
func (s *Session) Run(ctx context.Context, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	if s.History != nil {
		if err := s.History.Add(text); err != nil {
			fmt.Fprintf(s.Err, "prowl: %v\n", err)
		}
	}
	if strings.HasPrefix(text, "#") {
		return s.hash(text)
	}
	s.query(ctx, text)
	return nil
}

const helpText = `Type a KQL query; Enter runs it when it is complete (or on a blank line),
otherwise it goes on on the next line. Tab completes tables, operators, columns
and functions. Up/Down walk the history. Ctrl+C cancels a running query or
clears the line; Ctrl+D quits.

  T | where ... | summarize ... | render timechart   charts are drawn as text
  .show tables  .unsanction app "Name"               control commands

  #help                  this help
  #tables                the tables
  #schema T              the columns of table T
  #types on|off          show column types under the header
  #explain on|off        print the plan before each query
  #wide on|off           show long cells whole
  #save FILE             export the last result (.csv, .json, .ndjson, .parquet, .arrow)
  #quit                  leave (or Ctrl+D)
`

// hash runs a # command.
func (s *Session) hash(text string) error {
	fields := strings.Fields(text)
	cmd, args := fields[0], fields[1:]
	switch cmd {
	case "#help", "#?":
		fmt.Fprint(s.Out, helpText)
	case "#quit", "#exit", "#q":
		return ErrQuit
	case "#tables":
		names := s.DB.Tables()
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintln(s.Out, n)
		}
	case "#schema":
		if len(args) != 1 {
			fmt.Fprintln(s.Err, "prowl: usage: #schema TABLE")
			return nil
		}
		s.schema(args[0])
	case "#types":
		s.toggle(cmd, args, &s.Types)
	case "#explain":
		s.toggle(cmd, args, &s.Explain)
	case "#wide":
		s.toggle(cmd, args, &s.Wide)
	case "#save":
		if len(args) != 1 {
			fmt.Fprintln(s.Err, "prowl: usage: #save FILE.csv|.json|.ndjson|.parquet|.arrow")
			return nil
		}
		if err := s.save(strings.TrimPrefix(text, "#save "), args[0]); err != nil {
			fmt.Fprintf(s.Err, "prowl: %v\n", err)
		}
	default:
		fmt.Fprintf(s.Err, "prowl: unknown command %s (#help lists them)\n", cmd)
	}
	return nil
}

func (s *Session) toggle(cmd string, args []string, v *bool) {
	switch {
	case len(args) == 0:
	case args[0] == "on":
		*v = true
	case args[0] == "off":
		*v = false
	default:
		fmt.Fprintf(s.Err, "prowl: usage: %s on|off\n", cmd)
		return
	}
	state := "off"
	if *v {
		state = "on"
	}
	fmt.Fprintf(s.Out, "%s is %s\n", strings.TrimPrefix(cmd, "#"), state)
}

func (s *Session) schema(table string) {
	cols, ok := s.DB.Columns(table)
	if !ok {
		fmt.Fprintf(s.Err, "prowl: no table %q (#tables lists them)\n", table)
		return
	}
	w := 0
	for _, c := range cols {
		w = max(w, len(c.Name))
	}
	for _, c := range cols {
		fmt.Fprintf(s.Out, "%-*s  %s\n", w, c.Name, c.Type)
	}
}

// save writes the last result to path in the format its extension names.
func (s *Session) save(_ string, path string) error {
	if s.last == nil {
		return errors.New("#save: no result yet")
	}
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	format, err := output.ParseFormat(ext)
	if err != nil || format == output.Table {
		return fmt.Errorf("#save %s: want a .csv, .json, .ndjson, .parquet or .arrow file", path)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("#save: %w", err)
	}
	wr, err := output.NewWriter(f, format, s.last.cols, output.Options{})
	if err != nil {
		f.Close()
		return fmt.Errorf("#save %s: %w", path, err)
	}
	for _, b := range s.last.batches {
		if err := wr.WriteBatch(b); err != nil {
			f.Close()
			return fmt.Errorf("#save %s: %w", path, err)
		}
	}
	if err := wr.Close(); err != nil {
		f.Close()
		return fmt.Errorf("#save %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("#save %s: %w", path, err)
	}
	fmt.Fprintf(s.Out, "saved %d %s to %s\n", s.last.rows, plural(s.last.rows, "row"), path)
	if s.last.truncated {
		fmt.Fprintf(s.Out, "(the result had %d rows; only the first %d were kept)\n", s.last.total, s.last.rows)
	}
	return nil
}

func plural(n int64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// outcome is what the worker goroutine of a query hands over first: the
// result (whose batches follow on a channel) or the error.
type outcome struct {
	res *prowl.Result
	err error
}

// query runs a query or control command and prints its result. The engine
// works in a goroutine: when ctx ends (Ctrl+C) the query's context is
// cancelled and the shell returns at once, even if the engine is in the
// middle of a step that does not look at its context; the goroutine then
// releases what it produced and ends on its own.
func (s *Session) query(ctx context.Context, text string) {
	start := time.Now()
	stop := s.startProgress(start)
	defer func() { stop() }()
	control := strings.HasPrefix(text, ".")
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	head := make(chan outcome, 1)
	batches := make(chan arrow.RecordBatch, 4)
	tail := make(chan error, 1)
	go func() {
		defer close(batches)
		var res *prowl.Result
		var err error
		if control {
			res, err = s.DB.Exec(qctx, text)
		} else {
			res, err = s.DB.Query(qctx, text, nil)
		}
		head <- outcome{res, err}
		if err != nil {
			return
		}
		defer res.Close()
		for res.Reader.Next() {
			rec := res.Reader.RecordBatch()
			rec.Retain()
			select {
			case batches <- rec:
			case <-qctx.Done():
				rec.Release()
				return
			}
		}
		tail <- res.Reader.Err()
	}()
	abandon := func() {
		cancel()
		go drain(batches)
		stop()
		s.report(text, ctx.Err())
	}
	if s.Explain && !control {
		plan, err := s.explain(ctx, text)
		if err != nil {
			cancel()
			stop()
			s.report(text, err)
			go drain(batches)
			return
		}
		stop()
		fmt.Fprint(s.Out, strings.TrimRight(plan, "\n")+"\n\n")
		stop = s.startProgress(start)
	}
	var o outcome
	select {
	case o = <-head:
	case <-ctx.Done():
		abandon()
		return
	}
	if o.err != nil {
		stop()
		s.report(text, o.err)
		return
	}
	res := o.res
	if s.last != nil {
		s.last.release()
	}
	keep := &kept{cols: res.Columns}
	s.last = keep
	limit := int64(s.KeepRows)
	if limit <= 0 {
		limit = DefaultKeepRows
	}
	chart := res.Render != nil && CanChart(res.Render.Kind)
	var table output.Writer
	if !chart {
		var err error
		table, err = output.NewWriter(s.Out, output.Table, res.Columns, output.Options{Types: s.Types, Wide: s.Wide, Start: start, MaxRows: ShowRows})
		if err != nil {
			abandon()
			return
		}
	}
	for done := false; !done; {
		select {
		case rec, ok := <-batches:
			if !ok {
				done = true
				break
			}
			if err := s.take(keep, table, rec, limit); err != nil {
				cancel()
				go drain(batches)
				stop()
				s.report(text, err)
				return
			}
		case <-ctx.Done():
			abandon()
			return
		}
	}
	select {
	case err := <-tail:
		if err != nil {
			stop()
			s.report(text, err)
			return
		}
	default:
		// the worker stopped early: its context ended
		if ctx.Err() != nil {
			abandon()
			return
		}
	}
	stop()
	for _, m := range res.Messages {
		fmt.Fprintf(s.Out, "note: %s\n", m)
	}
	if table != nil {
		if err := table.Close(); err != nil {
			s.report(text, err)
		}
		s.stats(res.Stats)
		return
	}
	if err := DrawChart(s.Out, res.Render.Kind, res.Render.Props, res.Columns, keep.batches, s.Width); err != nil {
		s.report(text, err)
		return
	}
	if keep.truncated {
		fmt.Fprintf(s.Out, "(charted the first %d rows)\n", keep.rows)
	}
	fmt.Fprintf(s.Out, "%d %s (%s)\n", keep.total, plural(keep.total, "row"), output.FormatElapsed(time.Since(start)))
	s.stats(res.Stats)
}

// stats prints what a query read from storage, when it read anything.
func (s *Session) stats(st *prowl.Stats) {
	if st == nil || st.FilesRead == 0 {
		return
	}
	fmt.Fprintf(s.Out, "scanned %d %s in %d %s", st.RowsScanned, plural(st.RowsScanned, "row"), st.FilesRead, plural(int64(st.FilesRead), "file"))
	if st.PartitionsTotal > 0 {
		fmt.Fprintf(s.Out, ", %d of %d day %s", st.PartitionsRead, st.PartitionsTotal, plural(int64(st.PartitionsTotal), "partition"))
	}
	if st.RowGroupsTotal > 0 && st.RowGroupsRead < st.RowGroupsTotal {
		fmt.Fprintf(s.Out, ", %d of %d row groups", st.RowGroupsRead, st.RowGroupsTotal)
	}
	fmt.Fprintln(s.Out)
}

// drain releases what an abandoned query's worker still sends.
func drain(batches chan arrow.RecordBatch) {
	for rec := range batches {
		rec.Release()
	}
}

// explain asks for the plan, abandoning it when ctx ends.
func (s *Session) explain(ctx context.Context, text string) (string, error) {
	type answer struct {
		plan string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		plan, err := s.DB.Explain(ctx, text, nil)
		ch <- answer{plan, err}
	}()
	select {
	case a := <-ch:
		return a.plan, a.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// take shows one batch and keeps it (or its first rows) for #save; it owns
// rec.
func (s *Session) take(keep *kept, table output.Writer, rec arrow.RecordBatch, limit int64) error {
	defer rec.Release()
	n := rec.NumRows()
	keep.total += n
	// keep a prefix of the rows: once one batch is left out, so is the rest
	if size := recordBytes(rec); keep.truncated || keep.bytes+size > s.keepBytes() {
		keep.truncated = true
	} else if room := limit - keep.rows; room > 0 {
		keep.bytes += size
		if n > room {
			keep.batches = append(keep.batches, rec.NewSlice(0, room))
			keep.rows += room
			keep.truncated = true
		} else {
			rec.Retain()
			keep.batches = append(keep.batches, rec)
			keep.rows += n
		}
	} else {
		keep.truncated = true
	}
	if table != nil {
		return table.WriteBatch(rec)
	}
	return nil
}

// startProgress shows, on Status, how long the query has been running once
// it takes more than a moment. The returned function clears the line; it may
// be called more than once.
func (s *Session) startProgress(start time.Time) func() {
	if s.Status == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTimer(250 * time.Millisecond)
		defer t.Stop()
		drawn := false
		for {
			select {
			case <-done:
				if drawn {
					fmt.Fprint(s.Status, "\r\033[K")
				}
				return
			case <-t.C:
				fmt.Fprintf(s.Status, "\r\033[Krunning… %s (Ctrl+C cancels)", output.FormatElapsed(time.Since(start).Truncate(100*time.Millisecond)))
				drawn = true
				t.Reset(200 * time.Millisecond)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-finished
		})
	}
}

// report prints a query's error: diagnostics with a caret under their
// position, or the error itself; a cancelled query says so.
func (s *Session) report(text string, err error) {
	s.Failed++
	var list lang.ErrorList
	var one *lang.Error
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(s.Err, "query cancelled")
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintln(s.Err, "query timed out")
	case errors.As(err, &list):
		fmt.Fprint(s.Err, list.Format("query", text))
	case errors.As(err, &one):
		fmt.Fprint(s.Err, lang.ErrorList{one}.Format("query", text))
	default:
		fmt.Fprintf(s.Err, "prowl: %v\n", err)
	}
}

// recordBytes is the size of the buffers behind rec (shared buffers of a
// slice count whole).
func recordBytes(rec arrow.RecordBatch) int64 {
	var n int64
	for _, col := range rec.Columns() {
		n += dataBytes(col.Data())
	}
	return n
}

func dataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += dataBytes(c)
	}
	if d.DataType().ID() == arrow.DICTIONARY {
		n += dataBytes(d.Dictionary())
	}
	return n
}
