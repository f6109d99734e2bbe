package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/kusto"
)

// tableWriter renders an aligned text table: a header of column names (and
// optionally their types), a dashed rule, the rows, and a footer
// `N rows (elapsed)`. It holds up to Options.MaxRows rows to measure the
// columns; rows beyond that are counted, not kept.
type tableWriter struct {
	w     io.Writer
	cols  kusto.Schema
	opts  Options
	cells [][]string
	vals  []Values
	buf   []byte
	rows  int64
}

func newTableWriter(w io.Writer, cols kusto.Schema, opts Options) *tableWriter {
	return &tableWriter{w: w, cols: cols, opts: opts}
}

func (t *tableWriter) WriteBatch(rec arrow.RecordBatch) error {
	vals, err := columnValues(t.vals, t.cols, rec)
	if err != nil {
		return err
	}
	t.vals = vals
	n := int(rec.NumRows())
	limit := t.opts.maxRows()
	for r := 0; r < n && len(t.cells) < limit; r++ {
		row := make([]string, len(vals))
		for i := range vals {
			t.buf = vals[i].AppendText(t.buf[:0], r)
			row[i] = t.cell(t.buf)
		}
		t.cells = append(t.cells, row)
	}
	t.rows += int64(n)
	return nil
}

// cell turns a value's text into what the table shows: control characters as
// spaces (so lines stay aligned) and, unless Wide, cut to MaxWidth runes with
// an ellipsis.
func (t *tableWriter) cell(b []byte) string {
	clean := true
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			clean = false
			break
		}
	}
	s := string(b)
	if !clean {
		s = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, s)
	}
	if t.opts.Wide {
		return s
	}
	max := t.opts.maxWidth()
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func (t *tableWriter) Rows() int64 { return t.rows }

func rightAligned(ty kusto.Type) bool {
	return ty.IsNumeric()
}

func (t *tableWriter) Close() error {
	out := bufio.NewWriter(t.w)
	widths := make([]int, len(t.cols))
	header := make([]string, len(t.cols))
	types := make([]string, len(t.cols))
	for i, c := range t.cols {
		header[i] = t.cell([]byte(c.Name))
		types[i] = c.Type.String()
		widths[i] = utf8.RuneCountInString(header[i])
		if t.opts.Types {
			widths[i] = max(widths[i], len(types[i]))
		}
	}
	for _, row := range t.cells {
		for i, s := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(s))
		}
	}
	var line strings.Builder
	writeRow := func(row []string, align bool) {
		line.Reset()
		for i, s := range row {
			pad := widths[i] - utf8.RuneCountInString(s)
			last := i == len(row)-1
			if i > 0 {
				line.WriteString("  ")
			}
			if align && rightAligned(t.cols[i].Type) {
				line.WriteString(strings.Repeat(" ", pad))
				line.WriteString(s)
				continue
			}
			line.WriteString(s)
			if !last {
				line.WriteString(strings.Repeat(" ", pad))
			}
		}
		out.WriteString(strings.TrimRight(line.String(), " "))
		out.WriteByte('\n')
	}
	if len(t.cols) > 0 {
		writeRow(header, false)
		if t.opts.Types {
			writeRow(types, false)
		}
		rule := make([]string, len(t.cols))
		for i, w := range widths {
			rule[i] = strings.Repeat("-", w)
		}
		writeRow(rule, false)
		for _, row := range t.cells {
			writeRow(row, true)
		}
	}
	if hidden := t.rows - int64(len(t.cells)); hidden > 0 {
		fmt.Fprintf(out, "… %d more %s not shown\n", hidden, plural(hidden, "row"))
	}
	fmt.Fprintf(out, "%d %s", t.rows, plural(t.rows, "row"))
	if !t.opts.Start.IsZero() {
		fmt.Fprintf(out, " (%s)", FormatElapsed(time.Since(t.opts.Start)))
	}
	out.WriteByte('\n')
	return out.Flush()
}

func plural(n int64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// FormatElapsed renders a duration for people: 850µs, 12.3ms, 1.52s, 2m3s.
func FormatElapsed(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(100 * time.Microsecond).String()
	case d < time.Minute:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
