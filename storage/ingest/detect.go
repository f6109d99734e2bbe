package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"time"
)

func timeParse(layout, s string) (string, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return "", err
	}
	return t.UTC().Format(time.RFC3339Nano), nil
}

// sniff guesses the format from the first bytes of the input.
func sniff(br *bufio.Reader) (Format, error) {
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", err
	}
	head = stripBOM(head)
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return FormatNDJSON, nil // empty input: nothing to do in any format
	}
	first := trimmed
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	switch {
	case trimmed[0] == '[':
		return FormatDefender, nil
	case trimmed[0] == '{':
		rest := bytes.TrimLeft(trimmed[1:], " \t\r\n")
		if bytes.HasPrefix(rest, []byte(`"records"`)) {
			return FormatDefender, nil
		}
		return FormatNDJSON, nil
	case bytes.HasPrefix(trimmed, []byte("#Software")) || bytes.HasPrefix(trimmed, []byte("#Version")) ||
		bytes.HasPrefix(trimmed, []byte("#Fields")) || bytes.HasPrefix(trimmed, []byte("#Date")):
		return FormatW3C, nil
	case bytes.Contains(first, []byte("CEF:")):
		return FormatCEF, nil
	case bytes.Contains(first, []byte("LEEF:")):
		return FormatLEEF, nil
	case looksSquid(first):
		return FormatSquid, nil
	}
	return FormatCSV, nil
}

// looksSquid reports whether a line starts like Squid's native log: epoch
// seconds with milliseconds, then whitespace.
func looksSquid(line []byte) bool {
	i := 0
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i < 9 || i > 10 || i >= len(line) || line[i] != '.' {
		return false
	}
	j := i + 1
	for j < len(line) && line[j] >= '0' && line[j] <= '9' {
		j++
	}
	return j > i+1 && j < len(line) && (line[j] == ' ' || line[j] == '\t') && len(bytes.Fields(line)) >= 7
}
