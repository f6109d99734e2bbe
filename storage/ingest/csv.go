package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// readCSV reads RFC 4180 CSV whose first record names the columns. Header
// names that are not columns are ignored (and counted); a row with the wrong
// number of fields or a value that does not convert is rejected.
func (in *input) readCSV(br *bufio.Reader) error {
	// Drop a byte-order mark before the header.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return fmt.Errorf("csv header: %w", err)
	}
	header = append([]string(nil), header...)
	table := in.im.opts.Table
	var cols []int // per header field: column index, or -1
	var colsFor *tableBuilder
	lastOff := cr.InputOffset()
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			in.im.sum.Read++
			in.reject(pe.StartLine, "bad CSV: "+pe.Err.Error(), []byte(joinCSV(rec)))
			if cr.InputOffset() == lastOff {
				return fmt.Errorf("csv: no progress after line %d: %w", pe.StartLine, err)
			}
			lastOff = cr.InputOffset()
			continue
		}
		lastOff = cr.InputOffset()
		if len(rec) == 0 || len(rec) == 1 && rec[0] == "" {
			continue // blank line
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			in.im.sum.Read++
			in.reject(line, fmt.Sprintf("%d fields, header has %d", len(rec), len(header)), []byte(joinCSV(rec)))
			continue
		}
		err = in.row(table, line, func() []byte { return []byte(joinCSV(rec)) }, func(tb *tableBuilder) error {
			if colsFor != tb {
				colsFor = tb
				cols = make([]int, len(header))
				for i, h := range header {
					c, ok := tb.column(strings.TrimSpace(h))
					if !ok {
						c = -1
					}
					cols[i] = c
				}
			}
			var firstErr error
			for i, v := range rec {
				c := cols[i]
				if c < 0 {
					in.unknown(header[i])
					continue
				}
				if err := tb.setText(c, v); err != nil && firstErr == nil {
					firstErr = err
				}
			}
			return firstErr
		})
		if err != nil {
			return err
		}
	}
}

// joinCSV renders fields back as one CSV line, for reject records.
func joinCSV(rec []string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(rec)
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}
