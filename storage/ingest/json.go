package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// fillJSON stages the fields of a JSON object. When several fields fail, the
// first column's error is reported, so reasons are stable.
func (in *input) fillJSON(tb *tableBuilder, fields map[string]json.RawMessage) error {
	var firstErr error
	firstCol := len(tb.schema)
	for k, v := range fields {
		col, ok := tb.column(k)
		if !ok {
			in.unknown(k)
			continue
		}
		if err := tb.setJSON(col, v); err != nil && col < firstCol {
			firstErr, firstCol = err, col
		}
	}
	return firstErr
}

// envelope is one record of a Defender streaming export.
type envelope struct {
	Time       json.RawMessage `json:"time"`
	Category   string          `json:"category"`
	Properties json.RawMessage `json:"properties"`
}

const categoryPrefix = "AdvancedHunting-"

// isEnvelope reports whether a decoded object is a Defender export record.
func isEnvelope(m map[string]json.RawMessage) bool {
	c, ok := m["category"]
	_, hasProps := m["properties"]
	return ok && hasProps && bytes.Contains(c, []byte(categoryPrefix))
}

// envelopeRow handles one export record.
func (in *input) envelopeRow(rec envelope, line int, raw []byte) error {
	table := strings.TrimPrefix(rec.Category, categoryPrefix)
	if t := in.im.opts.Table; t != "" && table != t {
		in.im.sum.Read++
		in.reject(line, fmt.Sprintf("record of table %s (category %q), importing into %s", table, rec.Category, t), raw)
		return nil
	}
	var props map[string]json.RawMessage
	if err := json.Unmarshal(rec.Properties, &props); err != nil || props == nil {
		in.im.sum.Read++
		in.reject(line, "properties is not a JSON object", raw)
		return nil
	}
	if _, ok := props["Timestamp"]; !ok && len(rec.Time) > 0 {
		props["Timestamp"] = rec.Time
	}
	return in.row(table, line, func() []byte { return raw }, func(tb *tableBuilder) error { return in.fillJSON(tb, props) })
}

// readNDJSON reads one JSON object per line; blank lines are skipped. Lines
// that are Defender export records are unwrapped.
func (in *input) readNDJSON(br *bufio.Reader) error {
	lr := &lineReader{br: br, max: in.im.opts.MaxLineBytes}
	for {
		b, line, tooLong, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if line == 1 {
			b = stripBOM(b)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		if tooLong {
			in.im.sum.Read++
			in.reject(line, fmt.Sprintf("line longer than %d bytes", in.im.opts.MaxLineBytes), b)
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil || m == nil {
			in.im.sum.Read++
			reason := "not a JSON object"
			if err != nil {
				reason = "bad JSON: " + err.Error()
			}
			in.reject(line, reason, b)
			continue
		}
		if isEnvelope(m) {
			var rec envelope
			if err := json.Unmarshal(b, &rec); err == nil {
				if err := in.envelopeRow(rec, line, b); err != nil {
					return err
				}
				continue
			}
		}
		if err := in.row(in.im.opts.Table, line, func() []byte { return b }, func(tb *tableBuilder) error { return in.fillJSON(tb, m) }); err != nil {
			return err
		}
	}
}

// readDefender reads a Defender streaming export: {"records":[...]} (several
// such objects may follow each other), or a JSON array of records or rows.
func (in *input) readDefender(br *bufio.Reader) error {
	data, err := io.ReadAll(br)
	if err != nil {
		return err
	}
	data = stripBOM(data)
	lines := newlineIndex(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	lineAt := func(off int64) int {
		for off < int64(len(data)) && (isSpace(data[off]) || data[off] == ',' || data[off] == ':') {
			off++
		}
		return sort.Search(len(lines), func(i int) bool { return lines[i] >= int(off) }) + 1
	}
	fail := func(off int64, err error) {
		in.im.sum.Read++
		for off < int64(len(data)) && (isSpace(data[off]) || data[off] == ',' || data[off] == ':') {
			off++
		}
		end := min(int(off)+200, len(data))
		in.reject(lineAt(off), "malformed JSON, rest of input skipped: "+err.Error(), data[off:end])
	}
	// elements reads the values of an array whose '[' was consumed.
	elements := func() error {
		for dec.More() {
			off := dec.InputOffset()
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				fail(off, err)
				return errStop
			}
			line := lineAt(off)
			var m map[string]json.RawMessage
			if err := json.Unmarshal(raw, &m); err != nil || m == nil {
				in.im.sum.Read++
				in.reject(line, "record is not a JSON object", raw)
				continue
			}
			if isEnvelope(m) {
				var rec envelope
				if err := json.Unmarshal(raw, &rec); err != nil {
					in.im.sum.Read++
					in.reject(line, "bad record: "+err.Error(), raw)
					continue
				}
				if err := in.envelopeRow(rec, line, raw); err != nil {
					return err
				}
				continue
			}
			if err := in.row(in.im.opts.Table, line, func() []byte { return raw }, func(tb *tableBuilder) error { return in.fillJSON(tb, m) }); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ']'
		if err != nil {
			fail(dec.InputOffset(), err)
			return errStop
		}
		return nil
	}
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			fail(off, err)
			return nil
		}
		switch tok {
		case json.Delim('['):
			if err := elements(); err != nil {
				return stopped(err)
			}
		case json.Delim('{'):
			for dec.More() {
				koff := dec.InputOffset()
				key, err := dec.Token()
				if err != nil {
					fail(koff, err)
					return nil
				}
				if key == "records" {
					voff := dec.InputOffset()
					t, err := dec.Token()
					if err != nil {
						fail(voff, err)
						return nil
					}
					if t != json.Delim('[') {
						fail(voff, errors.New(`"records" is not an array`))
						return nil
					}
					if err := elements(); err != nil {
						return stopped(err)
					}
					continue
				}
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					fail(koff, err)
					return nil
				}
			}
			if _, err := dec.Token(); err != nil { // '}'
				fail(dec.InputOffset(), err)
				return nil
			}
		default:
			fail(off, fmt.Errorf("want an object with \"records\", found %v", tok))
			return nil
		}
	}
}

var errStop = errors.New("stop")

// stopped maps the internal stop signal (input already rejected) to nil.
func stopped(err error) error {
	if err == errStop {
		return nil
	}
	return err
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// newlineIndex returns the offsets of the newlines of data.
func newlineIndex(data []byte) []int {
	var idx []int
	for i, c := range data {
		if c == '\n' {
			idx = append(idx, i)
		}
	}
	return idx
}
