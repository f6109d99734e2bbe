package ingest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/schemas"
)

// Format names an input format.
type Format string

// The input formats.
const (
	FormatAuto     Format = "auto"
	FormatDefender Format = "defender" // {"records":[{"time","category","properties"}]}
	FormatNDJSON   Format = "ndjson"   // one JSON object per line
	FormatCSV      Format = "csv"      // RFC 4180 with a header row
	FormatSquid    Format = "squid"    // Squid native access.log
	FormatW3C      Format = "w3c"      // W3C extended (Blue Coat ProxySG, Microsoft TMG, IIS)
	FormatCEF      Format = "cef"      // ArcSight Common Event Format
	FormatLEEF     Format = "leef"     // IBM QRadar Log Event Extended Format
	FormatZscaler  Format = "zscaler"  // Zscaler NSS web log feed, in CEF or LEEF
)

// Formats lists the formats ParseFormat accepts.
var Formats = []Format{FormatAuto, FormatDefender, FormatNDJSON, FormatCSV, FormatSquid, FormatW3C, FormatCEF, FormatLEEF, FormatZscaler}

// ParseFormat returns the format named s (case-insensitive; "json" and "jsonl"
// mean NDJSON).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return FormatAuto, nil
	case "json", "jsonl", "ndjson":
		return FormatNDJSON, nil
	case "bluecoat", "tmg", "w3c":
		return FormatW3C, nil
	}
	for _, f := range Formats {
		if string(f) == strings.ToLower(s) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q (want one of %s)", s, strings.Join(names, ", "))
}

// Options configure an Importer.
type Options struct {
	// Table the rows go to. Defender envelopes name their table in "category";
	// with Table set, records of other tables are rejected. Proxy and firewall
	// logs default to DeviceNetworkEvents.
	Table string
	// Format of the input (default auto: sniffed from the first bytes).
	Format Format
	// Schema returns a table's schema (default: the built-in schemas). Pass the
	// storage catalog's Table method to accept tables that exist only on disk.
	Schema func(table string) (kusto.Schema, bool)
	// Policy says when batches are committed (default BulkPolicy; use
	// StreamPolicy for pipes and HTTP).
	Policy Policy
	// Clock drives the Policy's MaxWait (default: real time).
	Clock Clock
	// Rejects receives one JSON object per rejected row:
	// {"file":...,"line":...,"reason":...,"raw":...}. Nil discards them (they are
	// still counted).
	Rejects io.Writer
	// MaxLineBytes caps one input line (default 16 MiB); longer lines are rejected.
	MaxLineBytes int
}

// Summary counts what an import did.
type Summary struct {
	Read     int64            // rows (records, lines) read
	Accepted int64            // rows that landed
	Rejected int64            // rows that did not (see the reject file)
	Tables   map[string]int64 // accepted rows per table
	Unknown  map[string]int64 // fields that name no column, with the number of rows carrying them
	Batches  int              // batches handed to the commit function
	Formats  []Format         // format of each input, after detection
}

// Reject is one rejected row as written to Options.Rejects.
type Reject struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Raw    string `json:"raw"`
}

// maxRaw caps the raw text kept in a reject record.
const maxRaw = 64 << 10

// Importer converts inputs into batches for a CommitFunc. Use one Importer for
// all the files of one ingest; Close commits what is pending.
type Importer struct {
	opts     Options
	commit   CommitFunc
	batchers map[string]*Batcher
	sum      Summary
	rejects  *json.Encoder
	rejErr   error
}

// NewImporter returns an Importer that hands batches of accepted rows to commit.
func NewImporter(commit CommitFunc, opts Options) *Importer {
	if opts.Schema == nil {
		opts.Schema = schemas.Table
	}
	if opts.Policy == (Policy{}) {
		opts.Policy = BulkPolicy
	}
	if opts.MaxLineBytes <= 0 {
		opts.MaxLineBytes = 16 << 20
	}
	if opts.Format == "" {
		opts.Format = FormatAuto
	}
	im := &Importer{opts: opts, commit: commit, batchers: map[string]*Batcher{},
		sum: Summary{Tables: map[string]int64{}, Unknown: map[string]int64{}}}
	if opts.Rejects != nil {
		im.rejects = json.NewEncoder(opts.Rejects)
		im.rejects.SetEscapeHTML(false)
	}
	return im
}

// Import reads one input to its end. name identifies it in reject records
// ("-" for stdin). An error stops this input (a commit failed, the context was
// cancelled, the input could not be read); rows committed before stay. Errors
// do not repeat the input name: the caller knows it.
func (im *Importer) Import(ctx context.Context, r io.Reader, name string) error {
	br := bufio.NewReaderSize(r, 1<<16)
	f := im.opts.Format
	if f == FormatAuto {
		var err error
		if f, err = sniff(br); err != nil {
			return fmt.Errorf("read: %w", err)
		}
	}
	im.sum.Formats = append(im.sum.Formats, f)
	in := &input{im: im, ctx: ctx, name: name}
	var err error
	switch f {
	case FormatDefender:
		err = in.readDefender(br)
	case FormatNDJSON:
		err = in.readNDJSON(br)
	case FormatCSV:
		err = in.readCSV(br)
	case FormatSquid, FormatW3C, FormatCEF, FormatLEEF, FormatZscaler:
		err = in.readProxy(br, f)
	default:
		err = fmt.Errorf("unsupported format %q", f)
	}
	if err != nil {
		return err
	}
	return im.rejErr
}

// Flush commits the pending rows of every table.
func (im *Importer) Flush() error {
	var errs []error
	for _, t := range im.tableNames() {
		if err := im.batchers[t].Flush(); err != nil {
			errs = append(errs, fmt.Errorf("commit %s: %w", t, err))
		}
	}
	return errors.Join(errs...)
}

// Close commits the pending rows and returns the summary.
func (im *Importer) Close() (Summary, error) {
	var errs []error
	for _, t := range im.tableNames() {
		b := im.batchers[t]
		if err := b.Close(); err != nil {
			errs = append(errs, fmt.Errorf("commit %s: %w", t, err))
		}
		im.sum.Batches += b.batches
	}
	im.batchers = map[string]*Batcher{}
	return im.sum, errors.Join(errs...)
}

// Summary returns the counts so far.
func (im *Importer) Summary() Summary { return im.sum }

func (im *Importer) tableNames() []string {
	names := make([]string, 0, len(im.batchers))
	for t := range im.batchers {
		names = append(names, t)
	}
	sort.Strings(names)
	return names
}

// batcher returns the table's batcher, creating it on first use.
func (im *Importer) batcher(table string) (*Batcher, error) {
	if b, ok := im.batchers[table]; ok {
		return b, nil
	}
	s, ok := im.opts.Schema(table)
	if !ok || len(s) == 0 {
		return nil, fmt.Errorf("unknown table %q", table)
	}
	b := newBatcher(newTableBuilder(table, s), im.opts.Policy, im.opts.Clock, im.commit)
	im.batchers[table] = b
	return b, nil
}

// Import reads one input into commit with opts and returns the summary.
func Import(ctx context.Context, r io.Reader, name string, commit CommitFunc, opts Options) (Summary, error) {
	im := NewImporter(commit, opts)
	err := im.Import(ctx, r, name)
	sum, cerr := im.Close()
	if err != nil {
		return sum, err
	}
	return sum, cerr
}

// input is the state of reading one input.
type input struct {
	im     *Importer
	ctx    context.Context
	name   string
	n      int
	fields []field // scratch for JSON objects
	props  []field
}

// check is called per row: it returns the context's error every 1024 rows.
func (in *input) check() error {
	in.n++
	if in.n&1023 == 0 {
		return in.ctx.Err()
	}
	return nil
}

// reject records a row that did not land.
func (in *input) reject(line int, reason string, raw []byte) {
	im := in.im
	im.sum.Rejected++
	if im.rejects == nil || im.rejErr != nil {
		return
	}
	if len(raw) > maxRaw {
		raw = raw[:maxRaw]
	}
	if err := im.rejects.Encode(Reject{File: in.name, Line: line, Reason: reason, Raw: strings.ToValidUTF8(string(raw), "\uFFFD")}); err != nil {
		im.rejErr = fmt.Errorf("write reject file: %w", err)
	}
}

// row hands one row to its table: fill sets the fields. It returns an error
// only when the import must stop. raw renders the row for a reject record.
func (in *input) row(table string, line int, raw func() []byte, fill func(tb *tableBuilder) error) error {
	in.im.sum.Read++
	if err := in.check(); err != nil {
		return err
	}
	if table == "" {
		in.reject(line, "no table: give one (--table) or use Defender envelopes that name it", raw())
		return nil
	}
	b, err := in.im.batcher(table)
	if err != nil {
		in.reject(line, err.Error(), raw())
		return nil
	}
	rowErr, err := b.add(fill)
	if err != nil {
		return fmt.Errorf("commit %s: %w", table, err)
	}
	if rowErr != nil {
		in.reject(line, rowErr.Error(), raw())
		return nil
	}
	in.im.sum.Accepted++
	in.im.sum.Tables[table]++
	return nil
}

// unknown counts a field that names no column.
func (in *input) unknown(field string) {
	in.im.sum.Unknown[field]++
}
