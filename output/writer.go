package output

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

// Format names an output format of `--format`.
type Format string

// The output formats of cli.md.
const (
	Table   Format = "table"
	CSV     Format = "csv"
	JSON    Format = "json"
	NDJSON  Format = "ndjson"
	Parquet Format = "parquet"
	Arrow   Format = "arrow"
)

// Formats lists every format, in the order help texts show them.
var Formats = []Format{Table, CSV, JSON, NDJSON, Parquet, Arrow}

// ParseFormat returns the format named s (case-insensitive).
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown output format %q (want one of %s)", s, strings.Join(names, ", "))
}

// Binary reports whether the format writes bytes rather than text.
func (f Format) Binary() bool { return f == Parquet || f == Arrow }

// Options tune the writers. The zero value is usable.
type Options struct {
	// Wide shows table cells whole instead of cutting them at MaxWidth.
	Wide bool
	// Types adds a row of Kusto type names under the table header.
	Types bool
	// MaxWidth is the widest a table cell is shown (runes) unless Wide; 0 means 48.
	MaxWidth int
	// MaxRows caps the rows a table holds and shows; the footer still counts
	// every row. 0 means 10,000. Other formats stream and show every row.
	MaxRows int
	// Start, when set, makes the table footer show the time elapsed since it.
	Start time.Time
	// CRLF ends CSV records with "\r\n" instead of "\n".
	CRLF bool
}

func (o Options) maxWidth() int {
	if o.MaxWidth <= 0 {
		return 48
	}
	return o.MaxWidth
}

func (o Options) maxRows() int {
	if o.MaxRows <= 0 {
		return 10_000
	}
	return o.MaxRows
}

// Writer writes record batches in one format. Batches are written as they come
// (the table format holds up to Options.MaxRows rows to align them); Close
// finishes the output (closing brackets, footer, Parquet footer) but does not
// close the underlying io.Writer.
type Writer interface {
	// WriteBatch writes the rows of one batch. Its columns must match the
	// schema given to NewWriter, by position; string columns may be
	// dictionary-encoded.
	WriteBatch(rec arrow.RecordBatch) error
	// Rows is the number of rows written so far.
	Rows() int64
	// Close finishes the output.
	Close() error
}

// NewWriter returns a Writer of format f writing to w for results with the
// given columns.
func NewWriter(w io.Writer, f Format, cols kusto.Schema, opts Options) (Writer, error) {
	switch f {
	case Table:
		return newTableWriter(w, cols, opts), nil
	case CSV:
		return newCSVWriter(w, cols, opts), nil
	case JSON:
		return newJSONWriter(w, cols), nil
	case NDJSON:
		return newNDJSONWriter(w, cols), nil
	case Parquet:
		return newParquetWriter(w, cols)
	case Arrow:
		return newArrowWriter(w, cols), nil
	}
	return nil, fmt.Errorf("unknown output format %q", f)
}

// Write copies every batch of r to w in format f and finishes the output. cols
// gives the Kusto types; nil means take them from the reader's schema. It stops
// early, with the context's error, when ctx is done.
func Write(ctx context.Context, w io.Writer, f Format, cols kusto.Schema, r array.RecordReader, opts Options) (int64, error) {
	if cols == nil {
		cols = karrow.KustoSchema(r.Schema())
	}
	wr, err := NewWriter(w, f, cols, opts)
	if err != nil {
		return 0, err
	}
	for r.Next() {
		if err := ctx.Err(); err != nil {
			return wr.Rows(), err
		}
		if err := wr.WriteBatch(r.RecordBatch()); err != nil {
			return wr.Rows(), fmt.Errorf("write %s: %w", f, err)
		}
	}
	if err := r.Err(); err != nil {
		return wr.Rows(), err
	}
	if err := wr.Close(); err != nil {
		return wr.Rows(), fmt.Errorf("write %s: %w", f, err)
	}
	return wr.Rows(), nil
}

// columnValues prepares a Values per column of rec.
func columnValues(vals []Values, cols kusto.Schema, rec arrow.RecordBatch) ([]Values, error) {
	if int(rec.NumCols()) != len(cols) {
		return nil, fmt.Errorf("batch has %d columns, want %d", rec.NumCols(), len(cols))
	}
	if cap(vals) < len(cols) {
		vals = make([]Values, len(cols))
	}
	vals = vals[:len(cols)]
	for i, c := range cols {
		vals[i].Reset(rec.Column(i), c.Type)
	}
	return vals, nil
}

// csvWriter writes RFC 4180 CSV: a header of column names, fields quoted when
// they hold a comma, quote, CR or LF (or start with a space).
type csvWriter struct {
	w    io.Writer
	cols kusto.Schema
	eol  string
	buf  []byte
	cell []byte
	vals []Values
	rows int64
	err  error
}

func newCSVWriter(w io.Writer, cols kusto.Schema, opts Options) *csvWriter {
	c := &csvWriter{w: w, cols: cols, eol: "\n"}
	if opts.CRLF {
		c.eol = "\r\n"
	}
	for i, col := range cols {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		c.buf = appendCSVField(c.buf, []byte(col.Name))
	}
	c.buf = append(c.buf, c.eol...)
	return c
}

func appendCSVField(dst, f []byte) []byte {
	quote := len(f) > 0 && (f[0] == ' ' || f[0] == '\t')
	if !quote {
		for _, b := range f {
			if b == ',' || b == '"' || b == '\n' || b == '\r' {
				quote = true
				break
			}
		}
	}
	if !quote {
		return append(dst, f...)
	}
	dst = append(dst, '"')
	for _, b := range f {
		if b == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, b)
	}
	return append(dst, '"')
}

func (c *csvWriter) WriteBatch(rec arrow.RecordBatch) error {
	if c.err != nil {
		return c.err
	}
	vals, err := columnValues(c.vals, c.cols, rec)
	if err != nil {
		return err
	}
	c.vals = vals
	n := int(rec.NumRows())
	for r := 0; r < n; r++ {
		for i := range vals {
			if i > 0 {
				c.buf = append(c.buf, ',')
			}
			c.cell = vals[i].AppendText(c.cell[:0], r)
			c.buf = appendCSVField(c.buf, c.cell)
		}
		c.buf = append(c.buf, c.eol...)
		if len(c.buf) >= 64<<10 {
			if err := c.flush(); err != nil {
				return err
			}
		}
	}
	c.rows += int64(n)
	return c.flush()
}

func (c *csvWriter) flush() error {
	if c.err != nil {
		return c.err
	}
	if len(c.buf) > 0 {
		_, c.err = c.w.Write(c.buf)
		c.buf = c.buf[:0]
	}
	return c.err
}

func (c *csvWriter) Rows() int64 { return c.rows }

func (c *csvWriter) Close() error { return c.flush() }

// jsonWriter writes {"columns":[{"name","type"}],"rows":[[...],...]}, one row a
// line.
type jsonWriter struct {
	w     io.Writer
	cols  kusto.Schema
	buf   []byte
	vals  []Values
	rows  int64
	err   error
	first bool
}

func newJSONWriter(w io.Writer, cols kusto.Schema) *jsonWriter {
	j := &jsonWriter{w: w, cols: cols, first: true}
	j.buf = append(j.buf, `{"columns":[`...)
	for i, c := range cols {
		if i > 0 {
			j.buf = append(j.buf, ',')
		}
		j.buf = append(j.buf, `{"name":`...)
		j.buf = AppendJSONString(j.buf, c.Name)
		j.buf = append(j.buf, `,"type":`...)
		j.buf = AppendJSONString(j.buf, c.Type.String())
		j.buf = append(j.buf, '}')
	}
	j.buf = append(j.buf, `],"rows":[`...)
	return j
}

func (j *jsonWriter) WriteBatch(rec arrow.RecordBatch) error {
	if j.err != nil {
		return j.err
	}
	vals, err := columnValues(j.vals, j.cols, rec)
	if err != nil {
		return err
	}
	j.vals = vals
	n := int(rec.NumRows())
	for r := 0; r < n; r++ {
		if j.first {
			j.buf = append(j.buf, '\n', '[')
			j.first = false
		} else {
			j.buf = append(j.buf, ',', '\n', '[')
		}
		for i := range vals {
			if i > 0 {
				j.buf = append(j.buf, ',')
			}
			j.buf = vals[i].AppendJSON(j.buf, r)
		}
		j.buf = append(j.buf, ']')
		if len(j.buf) >= 64<<10 {
			if err := j.flush(); err != nil {
				return err
			}
		}
	}
	j.rows += int64(n)
	return j.flush()
}

func (j *jsonWriter) flush() error {
	if j.err != nil {
		return j.err
	}
	if len(j.buf) > 0 {
		_, j.err = j.w.Write(j.buf)
		j.buf = j.buf[:0]
	}
	return j.err
}

func (j *jsonWriter) Rows() int64 { return j.rows }

func (j *jsonWriter) Close() error {
	if !j.first {
		j.buf = append(j.buf, '\n')
	}
	j.buf = append(j.buf, "]}\n"...)
	return j.flush()
}

// ndjsonWriter writes one JSON object per row, keyed by column name.
type ndjsonWriter struct {
	w    io.Writer
	cols kusto.Schema
	keys [][]byte // `"name":` per column, with the separator before it
	buf  []byte
	vals []Values
	rows int64
	err  error
}

func newNDJSONWriter(w io.Writer, cols kusto.Schema) *ndjsonWriter {
	n := &ndjsonWriter{w: w, cols: cols, keys: make([][]byte, len(cols))}
	for i, c := range cols {
		var k []byte
		if i == 0 {
			k = append(k, '{')
		} else {
			k = append(k, ',')
		}
		k = AppendJSONString(k, c.Name)
		n.keys[i] = append(k, ':')
	}
	return n
}

func (n *ndjsonWriter) WriteBatch(rec arrow.RecordBatch) error {
	if n.err != nil {
		return n.err
	}
	vals, err := columnValues(n.vals, n.cols, rec)
	if err != nil {
		return err
	}
	n.vals = vals
	rows := int(rec.NumRows())
	for r := 0; r < rows; r++ {
		if len(vals) == 0 {
			n.buf = append(n.buf, '{')
		}
		for i := range vals {
			n.buf = append(n.buf, n.keys[i]...)
			n.buf = vals[i].AppendJSON(n.buf, r)
		}
		n.buf = append(n.buf, '}', '\n')
		if len(n.buf) >= 64<<10 {
			if err := n.flush(); err != nil {
				return err
			}
		}
	}
	n.rows += int64(rows)
	return n.flush()
}

func (n *ndjsonWriter) flush() error {
	if n.err != nil {
		return n.err
	}
	if len(n.buf) > 0 {
		_, n.err = n.w.Write(n.buf)
		n.buf = n.buf[:0]
	}
	return n.err
}

func (n *ndjsonWriter) Rows() int64 { return n.rows }

func (n *ndjsonWriter) Close() error { return n.flush() }
