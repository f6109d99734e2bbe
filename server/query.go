package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/output"
)

type endpoint int

const (
	v1Query endpoint = iota
	v2Query
	v1Mgmt
)

// fragmentBytes is the size at which a v2 TableFragment (or a chunk of a
// non-fragmented table) is sent on.
const fragmentBytes = 1 << 20

func (s *Server) handleQuery(ep endpoint) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := s.newReqCtx(w, r)
		var rows int64
		defer rc.recoverPanic()
		defer func() {
			s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rc.status,
				"rows", rows, "elapsed", time.Since(rc.start), "client_request_id", rc.clientID, "remote", r.RemoteAddr)
		}()
		// Reads need the token unless anonymous reads are on; the body then
		// tells whether this is a command that changes state.
		if e := s.authorize(r, false); e != nil {
			rc.fail(e)
			return
		}
		q, e := rc.parseQuery()
		if e != nil {
			rc.fail(e)
			return
		}
		cmd := isCommand(q.csl)
		if ep == v1Mgmt && !cmd {
			rc.fail(&apiError{status: http.StatusBadRequest, code: "General_BadRequest", permanent: true,
				msg: "the management endpoint runs control commands (text starting with '.'); send queries to /v2/rest/query or /v1/rest/query"})
			return
		}
		if cmd && mutatingCommand(q.csl) {
			if e := s.authorize(r, true); e != nil {
				rc.fail(e)
				return
			}
		}
		release, e := s.acquire(r.Context())
		if e != nil {
			rc.fail(e)
			return
		}
		defer release()

		ctx, cancel := context.WithTimeout(r.Context(), q.timeout)
		defer cancel()
		var res *prowl.Result
		var err error
		if cmd {
			res, err = s.eng.Exec(ctx, q.csl)
		} else {
			res, err = s.eng.Query(ctx, q.csl, q.params)
		}
		if err != nil {
			rc.fail(rc.classify(ctxErr(ctx, err), q.timeout))
			return
		}
		defer res.Close()
		st := newStream(res, q)
		// Read the first batch before answering, so that errors the engine
		// only finds when it starts running are still an HTTP error.
		if !st.peek() {
			if err := st.err(); err != nil {
				rc.fail(rc.classify(ctxErr(ctx, err), q.timeout))
				return
			}
		}
		rc.status = http.StatusOK
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		out := newRespWriter(w)
		if ep == v2Query {
			rc.writeV2(ctx, out, st, q)
		} else {
			rc.writeV1(ctx, out, st, q, ep == v1Mgmt)
		}
		rows = st.rows
	}
}

// recoverPanic turns a panic while answering into a 500 (or, once the answer
// has started, an aborted response) instead of a dropped connection with no
// word.
func (rc *reqCtx) recoverPanic() {
	p := recover()
	if p == nil {
		return
	}
	rc.s.log.Error("panic answering request", "panic", p, "path", rc.r.URL.Path, "client_request_id", rc.clientID)
	if rc.status != 0 {
		panic(http.ErrAbortHandler)
	}
	rc.fail(&apiError{status: http.StatusInternalServerError, code: "General_InternalServerError",
		msg: fmt.Sprintf("internal error: %v", p)})
}

// ctxErr prefers the context's error (timeout, cancel) to whatever the engine
// made of it.
func ctxErr(ctx context.Context, err error) error {
	if ce := ctx.Err(); ce != nil {
		return fmt.Errorf("%w (%v)", ce, err)
	}
	return err
}

// respWriter buffers a response and sends it on when asked.
type respWriter struct {
	bw  *bufio.Writer
	rc  *http.ResponseController
	buf []byte
}

func newRespWriter(w http.ResponseWriter) *respWriter {
	return &respWriter{bw: bufio.NewWriterSize(w, 64<<10), rc: http.NewResponseController(w)}
}

// send writes the pending bytes of buf and resets it.
func (o *respWriter) send() {
	o.bw.Write(o.buf)
	o.buf = o.buf[:0]
}

// flush sends everything written so far to the client.
func (o *respWriter) flush() {
	o.send()
	o.bw.Flush()
	o.rc.Flush()
}

// stream reads a result's batches, counting rows and bytes against the caps.
type stream struct {
	res       *prowl.Result
	cols      kusto.Schema
	vals      []output.Values
	peeked    bool
	done      bool
	maxRows   int64
	maxBytes  int64
	rows      int64
	bytes     int64
	truncated bool
}

func newStream(res *prowl.Result, q *parsedQuery) *stream {
	st := &stream{res: res, cols: res.Columns, maxRows: q.maxRows, maxBytes: q.maxBytes}
	if st.cols == nil && res.Reader != nil {
		st.cols = karrow.KustoSchema(res.Reader.Schema())
	}
	if res.Reader == nil {
		st.done = true
	}
	return st
}

// peek reads the first batch ahead; false means there is none.
func (st *stream) peek() bool {
	if st.done {
		return false
	}
	if st.res.Reader.Next() {
		st.peeked = true
		return true
	}
	st.done = true
	return false
}

// next returns the next batch, or nil at the end (then see err).
func (st *stream) next() arrow.RecordBatch {
	if st.done || st.truncated {
		return nil
	}
	if st.peeked {
		st.peeked = false
		return st.res.Reader.RecordBatch()
	}
	if st.res.Reader.Next() {
		return st.res.Reader.RecordBatch()
	}
	st.done = true
	return nil
}

func (st *stream) err() error {
	if st.res.Reader == nil || st.truncated {
		return nil
	}
	return st.res.Reader.Err()
}

// prepare readies the column readers of a batch.
func (st *stream) prepare(rec arrow.RecordBatch) error {
	if int(rec.NumCols()) != len(st.cols) {
		return fmt.Errorf("result batch has %d columns, its schema %d", rec.NumCols(), len(st.cols))
	}
	if len(st.vals) != len(st.cols) {
		st.vals = make([]output.Values, len(st.cols))
	}
	for i, c := range st.cols {
		st.vals[i].Reset(rec.Column(i), c.Type)
	}
	return nil
}

// full reports whether the caps allow no more rows, marking the result
// truncated.
func (st *stream) full() bool {
	if (st.maxRows > 0 && st.rows >= st.maxRows) || (st.maxBytes > 0 && st.bytes >= st.maxBytes) {
		st.truncated = true
		return true
	}
	return false
}

// truncationError is the note of a cut result, as Kusto words it.
func (st *stream) truncationError() *apiError {
	what := fmt.Sprintf("the limit of %d records", st.maxRows)
	if !(st.maxRows > 0 && st.rows >= st.maxRows) {
		what = fmt.Sprintf("the limit of %d bytes", st.maxBytes)
	}
	return &apiError{code: "LimitsExceeded", typ: "Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException",
		msg: fmt.Sprintf("Query result set has exceeded %s, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE); %d rows were sent. "+
			"Filter or aggregate the result, or lift the cap with Options.notruncation=true or 'set notruncation;'", what, st.rows)}
}

// writeRows appends rows (JSON arrays) to out.buf until the result ends or a
// cap is hit. Rows go in chunks of about fragmentBytes: open is called before
// the first row of a chunk, closeChunk when a chunk is full or a batch ends
// (it sends the chunk on);
// rows within a chunk are comma-separated. It returns the rows written,
// whether a chunk is still open, and the result's error.
func (st *stream) writeRows(out *respWriter, open, closeChunk func()) (n int64, inChunk bool, err error) {
	first := true
	for rec := st.next(); rec != nil; rec = st.next() {
		if err := st.prepare(rec); err != nil {
			return n, inChunk, err
		}
		rows := int(rec.NumRows())
		for i := 0; i < rows; i++ {
			if st.full() {
				return n, inChunk, nil
			}
			if !inChunk {
				open()
				inChunk, first = true, true
			}
			if !first {
				out.buf = append(out.buf, ',')
			}
			first = false
			before := len(out.buf)
			out.buf = appendRow(out.buf, st.vals, i)
			st.bytes += int64(len(out.buf) - before)
			st.rows++
			n++
			if len(out.buf) >= fragmentBytes {
				closeChunk()
				inChunk = false
			}
		}
		// Send each batch's rows on before waiting for the next one, so that
		// rows reach the client as the engine makes them.
		if inChunk {
			closeChunk()
			inChunk = false
		}
	}
	return n, inChunk, st.err()
}

// appendColumns appends a Columns array: v2 has ColumnName and ColumnType, v1
// also the .NET DataType.
func appendColumns(dst []byte, cols kusto.Schema, v1 bool) []byte {
	dst = append(dst, '[')
	for i, c := range cols {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"ColumnName":`...)
		dst = output.AppendJSONString(dst, c.Name)
		if v1 {
			dst = append(dst, `,"DataType":`...)
			dst = output.AppendJSONString(dst, c.Type.DotNetName())
		}
		dst = append(dst, `,"ColumnType":`...)
		dst = output.AppendJSONString(dst, c.Type.String())
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// visualization is the Kusto visualization object of a result's render hint.
func visualization(r *prowl.Render) string {
	keys := []string{"Visualization", "Title", "XColumn", "Series", "YColumns", "AnomalyColumns", "XTitle", "YTitle",
		"XAxis", "YAxis", "Legend", "YSplit", "Accumulate", "IsQuerySorted", "Kind", "Ymin", "Ymax", "Xmin", "Xmax"}
	props := map[string]string{}
	kind := ""
	if r != nil {
		kind = r.Kind
		for k, v := range r.Props {
			props[strings.ToLower(k)] = v
		}
	}
	b := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = output.AppendJSONString(b, k)
		b = append(b, ':')
		v, ok := props[strings.ToLower(k)]
		switch {
		case k == "Visualization" && kind != "":
			b = output.AppendJSONString(b, kind)
		case k == "Accumulate" || k == "IsQuerySorted":
			b = strconv.AppendBool(b, ok && strings.EqualFold(v, "true"))
		case (k == "Ymin" || k == "Ymax") && !ok:
			b = append(b, `"NaN"`...)
		case ok:
			b = output.AppendJSONString(b, v)
		default:
			b = append(b, "null"...)
		}
	}
	return string(append(b, '}'))
}

// completionRow is one row of QueryCompletionInformation or QueryStatus.
type completionRow struct {
	level      int // 2 error, 3 warning, 4 info
	statusCode int
	status     string
	eventType  int
	event      string
	text       string
	payload    string // JSON payload; when "", {"Count":1,"Text":text}
}

var levelNames = map[int]string{2: "Error", 3: "Warning", 4: "Info"}

func (rc *reqCtx) completionRows(st *stream, res *prowl.Result, failure *apiError) []completionRow {
	var rows []completionRow
	switch {
	case failure != nil:
		rows = append(rows, completionRow{level: 2, statusCode: 1, status: "E_QUERY_FAILED", eventType: 4, event: "QueryInfo", text: failure.msg})
	case st.truncated:
		rows = append(rows, completionRow{level: 3, statusCode: 0x80DA0003, status: "E_QUERY_RESULT_SET_TOO_LARGE", eventType: 4, event: "QueryInfo", text: st.truncationError().msg})
	default:
		rows = append(rows, completionRow{level: 4, status: "S_OK (0)", eventType: 4, event: "QueryInfo", text: "Query completed successfully"})
	}
	for _, m := range res.Messages {
		rows = append(rows, completionRow{level: 4, status: "S_OK (0)", eventType: 4, event: "QueryInfo", text: m})
	}
	stats := map[string]any{"ExecutionTime": time.Since(rc.start).Seconds(), "RowCount": st.rows}
	if s := res.Stats; s != nil {
		stats["resource_usage"] = map[string]any{
			"rows_scanned": s.RowsScanned, "bytes_scanned": s.BytesScanned, "files_read": s.FilesRead,
			"row_groups_read": s.RowGroupsRead, "row_groups_total": s.RowGroupsTotal,
			"partitions_read": s.PartitionsRead, "partitions_total": s.PartitionsTotal, "peak_memory": s.PeakMemory,
		}
	}
	payload, _ := json.Marshal(stats)
	rows = append(rows, completionRow{level: 4, status: "S_OK (0)", eventType: 6, event: "QueryResourceConsumption", payload: string(payload)})
	for i := range rows {
		if rows[i].payload == "" {
			p, _ := json.Marshal(struct {
				Count int
				Text  string
			}{1, rows[i].text})
			rows[i].payload = string(p)
		}
	}
	return rows
}

func (rc *reqCtx) now() string { return kusto.FormatDateTime(rc.s.cfg.Now().UnixNano()) }
