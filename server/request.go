package server

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/output"
)

// reqCtx is what one request carries through its handling.
type reqCtx struct {
	s          *Server
	w          http.ResponseWriter
	r          *http.Request
	clientID   string
	activityID string
	start      time.Time
	status     int
}

func (s *Server) newReqCtx(w http.ResponseWriter, r *http.Request) *reqCtx {
	rc := &reqCtx{s: s, w: w, r: r, start: time.Now(), activityID: newUUID()}
	rc.clientID = r.Header.Get("x-ms-client-request-id")
	if rc.clientID == "" {
		rc.clientID = "prowl;" + newUUID()
	}
	h := w.Header()
	h.Set("x-ms-client-request-id", rc.clientID)
	h.Set("x-ms-activity-id", rc.activityID)
	return rc
}

// apiError is an error answered as a Kusto OneApi error.
type apiError struct {
	status    int    // HTTP status when answered before any frame
	code      string // OneApi code, e.g. General_BadRequest
	typ       string // @type
	msg       string // @message: the useful text
	permanent bool
}

func (e *apiError) Error() string { return e.msg }

// oneAPIError is the JSON of a OneApi error, fields in Kusto's order.
type oneAPIError struct {
	Error oneAPIBody `json:"error"`
}

type oneAPIBody struct {
	Code      string        `json:"code"`
	Message   string        `json:"message"`
	Type      string        `json:"@type"`
	Desc      string        `json:"@message"`
	Context   oneAPIContext `json:"@context"`
	Permanent bool          `json:"@permanent"`
}

type oneAPIContext struct {
	Timestamp       string `json:"timestamp"`
	ServiceAlias    string `json:"serviceAlias"`
	ClientRequestID string `json:"clientRequestId"`
	ActivityID      string `json:"activityId"`
}

func (rc *reqCtx) oneAPI(e *apiError) oneAPIError {
	short := http.StatusText(e.status)
	switch {
	case e.status == http.StatusBadRequest:
		short = "Request is invalid and cannot be executed."
	case e.status == 0 || e.status >= 500:
		short = "Query execution failed."
	}
	typ := e.typ
	if typ == "" {
		typ = "Prowl." + e.code
	}
	return oneAPIError{Error: oneAPIBody{
		Code:    e.code,
		Message: short,
		Type:    typ,
		Desc:    e.msg,
		Context: oneAPIContext{
			Timestamp:       kusto.FormatDateTime(rc.s.cfg.Now().UnixNano()),
			ServiceAlias:    "PROWL",
			ClientRequestID: rc.clientID,
			ActivityID:      rc.activityID,
		},
		Permanent: e.permanent,
	}}
}

// fail answers a request with an error before any of the response was written.
func (rc *reqCtx) fail(e *apiError) {
	b, _ := json.Marshal(rc.oneAPI(e))
	h := rc.w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if e.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="prowl"`)
	}
	rc.status = e.status
	rc.w.WriteHeader(e.status)
	rc.w.Write(b)
	rc.w.Write([]byte("\n"))
}

// classify turns an engine error into the OneApi error to answer with.
func (rc *reqCtx) classify(err error, timeout time.Duration) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var list lang.ErrorList
	var one *lang.Error
	switch {
	case errors.As(err, &list) && len(list) > 0:
		return queryError(list)
	case errors.As(err, &one):
		return queryError(lang.ErrorList{one})
	case errors.Is(err, context.DeadlineExceeded):
		return &apiError{status: http.StatusGatewayTimeout, code: "RequestExecutionTimeout",
			typ: "Kusto.Data.Exceptions.KustoRequestExecutionTimeoutException",
			msg: fmt.Sprintf("query timed out after %s (the server timeout; raise it with Options.servertimeout, up to %s)", timeout, MaxQueryTimeout)}
	case errors.Is(err, context.Canceled):
		return &apiError{status: 499, code: "RequestCancelled",
			typ: "Kusto.Data.Exceptions.KustoRequestCanceledException", msg: "query cancelled"}
	}
	return &apiError{status: http.StatusInternalServerError, code: "General_InternalServerError",
		typ: "Kusto.Data.Exceptions.KustoServiceException", msg: err.Error()}
}

// queryError is the 400 of a syntax or semantic error, with its position.
func queryError(list lang.ErrorList) *apiError {
	var b strings.Builder
	for i, e := range list {
		if i > 0 {
			b.WriteString("; ")
		}
		kind := "Semantic error"
		low := strings.ToLower(e.Msg)
		if strings.Contains(low, "syntax") || strings.Contains(low, "expected") || strings.Contains(low, "unterminated") || strings.Contains(low, "unknown operator") {
			kind = "Syntax error"
		}
		if strings.HasPrefix(low, "syntax error") || strings.HasPrefix(low, "semantic error") {
			b.WriteString(e.Msg)
		} else {
			b.WriteString(kind + ": " + e.Msg)
		}
		if e.Pos.IsValid() {
			fmt.Fprintf(&b, " at line %d, column %d", e.Pos.Line, e.Pos.Col)
		}
	}
	typ := "Kusto.Data.Exceptions.SemanticException"
	if strings.HasPrefix(b.String(), "Syntax") {
		typ = "Kusto.Data.Exceptions.SyntaxException"
	}
	return &apiError{status: http.StatusBadRequest, code: "General_BadRequest", typ: typ, msg: b.String(), permanent: true}
}

// queryRequest is the body of /v1/rest/query, /v2/rest/query and /v1/rest/mgmt.
type queryRequest struct {
	DB         string          `json:"db"`
	CSL        string          `json:"csl"`
	Properties json.RawMessage `json:"properties"`
}

// properties are the request properties prowl honours.
type properties struct {
	Options    map[string]any `json:"Options"`
	Parameters map[string]any `json:"Parameters"`
}

// body returns the request body, decompressed when the client says so and
// capped at MaxBodyBytes.
func (rc *reqCtx) body() (io.Reader, func(), error) {
	limit := rc.s.cfg.MaxBodyBytes
	raw := http.MaxBytesReader(rc.w, rc.r.Body, limit)
	var rd io.Reader = raw
	closer := func() {}
	switch enc := strings.ToLower(rc.r.Header.Get("Content-Encoding")); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, nil, &apiError{status: http.StatusBadRequest, code: "General_BadRequest", msg: "request body: bad gzip: " + err.Error()}
		}
		rd, closer = zr, func() { zr.Close() }
	case "deflate":
		fr := flate.NewReader(raw)
		rd, closer = fr, func() { fr.Close() }
	default:
		return nil, nil, &apiError{status: http.StatusUnsupportedMediaType, code: "General_BadRequest",
			msg: fmt.Sprintf("request body: unsupported Content-Encoding %q (want gzip, deflate or none)", enc)}
	}
	// Cap what decompression yields too, one byte over to tell "too large".
	return &limitedReader{r: rd, n: limit + 1, limit: limit}, closer, nil
}

type limitedReader struct {
	r     io.Reader
	n     int64
	limit int64
}

var errBodyTooLarge = errors.New("body too large")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n <= 0 && err == nil {
		return n, errBodyTooLarge
	}
	return n, err
}

// bodyError turns a body read error into the answer.
func (rc *reqCtx) bodyError(err error) *apiError {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || errors.Is(err, errBodyTooLarge) {
		return &apiError{status: http.StatusRequestEntityTooLarge, code: "General_RequestEntityTooLarge",
			msg: fmt.Sprintf("request body larger than the limit of %d bytes", rc.s.cfg.MaxBodyBytes), permanent: true}
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return &apiError{status: http.StatusBadRequest, code: "General_BadRequest", msg: "reading request body: " + err.Error()}
}

// parsedQuery is a decoded query request with its effective limits.
type parsedQuery struct {
	db       string
	csl      string
	params   prowl.Params
	timeout  time.Duration
	fragment bool // v2: fragment primary tables
	maxRows  int64
	maxBytes int64
}

func (rc *reqCtx) parseQuery() (*parsedQuery, *apiError) {
	body, closer, err := rc.body()
	if err != nil {
		return nil, rc.bodyError(err)
	}
	defer closer()
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, rc.bodyError(err)
	}
	bad := func(format string, args ...any) *apiError {
		return &apiError{status: http.StatusBadRequest, code: "General_BadRequest", msg: fmt.Sprintf(format, args...), permanent: true}
	}
	var req queryRequest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return nil, bad(`request body is not a query: %v (want {"db":"...","csl":"...","properties":{...}})`, err)
	}
	if strings.TrimSpace(req.CSL) == "" {
		return nil, bad(`request has no query text ("csl")`)
	}
	q := &parsedQuery{
		db: req.DB, csl: req.CSL,
		timeout:  rc.s.cfg.QueryTimeout,
		maxRows:  rc.s.cfg.MaxRows,
		maxBytes: rc.s.cfg.MaxBytes,
	}
	var props properties
	if raw := bytes.TrimSpace(req.Properties); len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		if raw[0] == '"' {
			// Some clients send the properties as a JSON string holding JSON.
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, bad("properties: %v", err)
			}
			raw = []byte(s)
		}
		if len(bytes.TrimSpace(raw)) > 0 {
			d := json.NewDecoder(bytes.NewReader(raw))
			d.UseNumber()
			if err := d.Decode(&props); err != nil {
				return nil, bad("properties: %v", err)
			}
		}
	}
	opts := props.Options
	if sets := leadingSets(req.CSL); len(sets) > 0 {
		// `set notruncation;` and friends in the text count as options.
		merged := make(map[string]any, len(opts)+len(sets))
		for k, v := range opts {
			merged[k] = v
		}
		for k, v := range sets {
			merged[k] = v
		}
		opts = merged
	}
	for k, v := range opts {
		switch strings.ToLower(k) {
		case "servertimeout":
			d, err := optDuration(v)
			if err != nil {
				return nil, bad("Options.servertimeout: %v", err)
			}
			if d > 0 {
				q.timeout = min(d, MaxQueryTimeout)
			}
		case "results_v2_fragment_primary_tables":
			b, err := optBool(v)
			if err != nil {
				return nil, bad("Options.%s: %v", k, err)
			}
			q.fragment = b
		case "notruncation":
			b, err := optBool(v)
			if err != nil {
				return nil, bad("Options.%s: %v", k, err)
			}
			if b {
				q.maxRows, q.maxBytes = 0, 0
			}
		case "truncationmaxrecords":
			n, err := optInt(v)
			if err != nil {
				return nil, bad("Options.%s: %v", k, err)
			}
			if n > 0 && (q.maxRows == 0 || n < q.maxRows) {
				q.maxRows = n
			}
		case "truncationmaxsize":
			n, err := optInt(v)
			if err != nil {
				return nil, bad("Options.%s: %v", k, err)
			}
			if n > 0 && (q.maxBytes == 0 || n < q.maxBytes) {
				q.maxBytes = n
			}
		}
	}
	if len(props.Parameters) > 0 {
		q.params = make(prowl.Params, len(props.Parameters))
		for k, v := range props.Parameters {
			switch v := v.(type) {
			case string:
				q.params[k] = v
			case nil:
				continue
			default:
				b, _ := json.Marshal(v)
				q.params[k] = string(b)
			}
		}
	}
	return q, nil
}

func optBool(v any) (bool, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case string:
		return strconv.ParseBool(v)
	}
	return false, fmt.Errorf("want a bool, got %v", v)
}

func optInt(v any) (int64, error) {
	switch v := v.(type) {
	case json.Number:
		return v.Int64()
	case string:
		return strconv.ParseInt(v, 10, 64)
	}
	return 0, fmt.Errorf("want an integer, got %v", v)
}

// optDuration reads a timespan option: Kusto text ("00:10:00", "1.00:00:00"),
// a Go/KQL duration ("90s", "10m"), or a number of ticks... as Kusto itself
// accepts; a bare number is taken as ticks (100 ns).
func optDuration(v any) (time.Duration, error) {
	switch v := v.(type) {
	case json.Number:
		n, err := v.Int64()
		if err != nil {
			return 0, err
		}
		return time.Duration(n) * kusto.Tick, nil
	case string:
		s := strings.TrimSpace(v)
		if ns, err := kusto.ParseTimeSpanText(s); err == nil {
			return time.Duration(ns), nil
		}
		if d, err := time.ParseDuration(s); err == nil {
			return d, nil
		}
		if ns, err := kusto.ParseTimeSpan(s); err == nil {
			return time.Duration(ns), nil
		}
		return 0, fmt.Errorf("%q is not a timespan (want e.g. 00:10:00 or 10m)", v)
	}
	return 0, fmt.Errorf("want a timespan, got %v", v)
}

// leadingSets returns the options of the `set name [= value];` statements a
// query starts with; a set without a value means true.
func leadingSets(text string) map[string]any {
	var out map[string]any
	for {
		text = stripLead(text)
		if len(text) < 4 || !strings.EqualFold(text[:4], "set ") {
			return out
		}
		end := strings.IndexByte(text, ';')
		if end < 0 {
			return out
		}
		stmt := strings.TrimSpace(text[4:end])
		text = text[end+1:]
		name, val, hasVal := strings.Cut(stmt, "=")
		name = strings.TrimSpace(name)
		if out == nil {
			out = map[string]any{}
		}
		if !hasVal {
			out[name] = true
			continue
		}
		val = strings.Trim(strings.TrimSpace(val), `"'`)
		out[name] = val
	}
}

// isCommand reports whether text is a control command (starts with '.' after
// blanks and // comments).
func isCommand(text string) bool {
	return strings.HasPrefix(stripLead(text), ".")
}

func stripLead(text string) string {
	for {
		text = strings.TrimLeft(text, " \t\r\n")
		if !strings.HasPrefix(text, "//") {
			return text
		}
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			return ""
		}
		text = text[i+1:]
	}
}

// mutatingCommand reports whether a control command may change state: every
// command but `.show ...` and `.export ...`.
func mutatingCommand(text string) bool {
	t := strings.TrimPrefix(stripLead(text), ".")
	verb := t
	if i := strings.IndexAny(t, " \t\r\n"); i >= 0 {
		verb = t[:i]
	}
	switch strings.ToLower(verb) {
	case "show", "export":
		return false
	}
	return true
}

// appendRow appends the JSON array of row i of a batch's prepared columns.
func appendRow(dst []byte, vals []output.Values, i int) []byte {
	dst = append(dst, '[')
	for c := range vals {
		if c > 0 {
			dst = append(dst, ',')
		}
		dst = vals[c].AppendJSON(dst, i)
	}
	return append(dst, ']')
}
