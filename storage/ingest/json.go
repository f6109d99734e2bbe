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

	"github.com/prowl-hunt/prowl/kusto"
)

// fillJSON stages the members of a JSON object. When several fields fail, the
// first column's error is reported, so reasons are stable.
func (in *input) fillJSON(tb *tableBuilder, fields []field) error {
	var firstErr error
	firstCol := len(tb.schema)
	for _, f := range fields {
		col, ok := tb.columnBytes(f.key)
		if !ok {
			if !json.Valid(f.val) {
				return fmt.Errorf("field %s: bad JSON value %s", f.key, clip(f.val))
			}
			in.unknown(string(f.key))
			continue
		}
		if err := tb.setJSON(col, f.val); err != nil && col < firstCol {
			firstErr, firstCol = err, col
		}
	}
	return firstErr
}

const categoryPrefix = "AdvancedHunting-"

// object handles one JSON object: a row of the import's table, or a Defender
// export record ({"time","category","properties"}) naming its own table.
func (in *input) object(line int, raw []byte) error {
	fields, err := scanObject(raw, in.fields[:0])
	in.fields = fields
	if err != nil {
		in.im.sum.Read++
		in.reject(line, "bad JSON: "+err.Error(), raw)
		return nil
	}
	rawFn := func() []byte { return raw }
	cat, props := lookup(fields, "category"), lookup(fields, "properties")
	if cat == nil || props == nil || !bytes.Contains(cat, []byte(categoryPrefix)) {
		return in.row(in.im.opts.Table, line, rawFn, func(tb *tableBuilder) error { return in.fillJSON(tb, fields) })
	}
	cv, err := fromJSON(kusto.String, cat)
	if err != nil {
		in.im.sum.Read++
		in.reject(line, "category: "+err.Error(), raw)
		return nil
	}
	table := strings.TrimPrefix(cv.s, categoryPrefix)
	if t := in.im.opts.Table; t != "" && table != t {
		in.im.sum.Read++
		in.reject(line, fmt.Sprintf("record of table %s (category %q), importing into %s", table, cv.s, t), raw)
		return nil
	}
	pf, err := scanObject(props, in.props[:0])
	in.props = pf
	if err != nil {
		in.im.sum.Read++
		in.reject(line, "properties: "+err.Error(), raw)
		return nil
	}
	if lookup(pf, "Timestamp") == nil {
		if t := lookup(fields, "time"); t != nil {
			pf = append(pf, field{key: []byte("Timestamp"), val: t})
		}
	}
	return in.row(table, line, rawFn, func(tb *tableBuilder) error { return in.fillJSON(tb, pf) })
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
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		if tooLong {
			in.im.sum.Read++
			in.reject(line, fmt.Sprintf("line longer than %d bytes", in.im.opts.MaxLineBytes), b)
			continue
		}
		if err := in.object(line, b); err != nil {
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
			if err := in.object(lineAt(off), raw); err != nil {
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
