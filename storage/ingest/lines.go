package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// lineReader returns the lines of an input with their numbers (from 1),
// without the line ending and, on line 1, without a UTF-8 byte-order mark. A
// line longer than max is returned truncated with
// tooLong set; the rest of it is skipped.
type lineReader struct {
	br   *bufio.Reader
	max  int
	line int
	buf  []byte
}

func (lr *lineReader) next() (b []byte, line int, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	for {
		chunk, err := lr.br.ReadSlice('\n')
		if len(lr.buf)+len(chunk) <= lr.max {
			lr.buf = append(lr.buf, chunk...)
		} else {
			if len(lr.buf) < lr.max {
				lr.buf = append(lr.buf, chunk[:lr.max-len(lr.buf)]...)
			}
			tooLong = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && (err != io.EOF || len(lr.buf) == 0) {
			return nil, 0, false, err
		}
		lr.line++
		b := bytes.TrimSuffix(lr.buf, []byte{'\n'})
		b = bytes.TrimSuffix(b, []byte{'\r'})
		if lr.line == 1 {
			b = stripBOM(b)
		}
		return b, lr.line, tooLong, nil
	}
}

// stripBOM drops a UTF-8 byte-order mark.
func stripBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
}
