package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl/output"
)

// ingestFormats maps Kusto's streamFormat names to the Ingester's.
var ingestFormats = map[string]string{
	"json":      "ndjson",
	"multijson": "json",
	"csv":       "csv",
}

// handleIngest is POST /v1/rest/ingest/{db}/{table}?streamFormat=...: the rows
// of the body go to the engine's Ingester, and the answer (a v1 table of what
// was accepted and rejected) comes only once they are committed.
func (s *Server) handleIngest(w http.ResponseWriter, r *http.Request) {
	rc := s.newReqCtx(w, r)
	defer func() {
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rc.status,
			"elapsed", time.Since(rc.start), "client_request_id", rc.clientID, "remote", r.RemoteAddr)
	}()
	if e := s.authorize(r, true); e != nil {
		rc.fail(e)
		return
	}
	ing, ok := s.eng.(Ingester)
	if !ok {
		rc.fail(&apiError{status: http.StatusNotImplemented, code: "General_NotImplemented", permanent: true,
			msg: "this server does not take streaming ingest (the engine has no ingester)"})
		return
	}
	table := r.PathValue("table")
	if table == "" {
		rc.fail(&apiError{status: http.StatusBadRequest, code: "General_BadRequest", permanent: true, msg: "ingest: no table in the path"})
		return
	}
	sf := r.URL.Query().Get("streamFormat")
	if sf == "" {
		sf = "Csv" // the Kusto default format
	}
	format, ok := ingestFormats[strings.ToLower(sf)]
	if !ok {
		rc.fail(&apiError{status: http.StatusBadRequest, code: "General_BadRequest", permanent: true,
			msg: fmt.Sprintf("ingest: unsupported streamFormat %q (want Json, MultiJson or Csv)", sf)})
		return
	}
	release, e := s.acquire(r.Context())
	if e != nil {
		rc.fail(e)
		return
	}
	defer release()
	body, closer, err := rc.body()
	if err != nil {
		rc.fail(rc.bodyError(err))
		return
	}
	defer closer()
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.QueryTimeout)
	defer cancel()
	res, err := ing.Ingest(ctx, table, format, body)
	if err != nil {
		if be := rc.bodyError(err); be.status == http.StatusRequestEntityTooLarge {
			rc.fail(be)
			return
		}
		ae := rc.classify(ctxErr(ctx, err), s.cfg.QueryTimeout)
		if ae.status == http.StatusInternalServerError {
			// The importer's complaints are about the input.
			ae = &apiError{status: http.StatusBadRequest, code: "General_BadRequest", permanent: true,
				msg: fmt.Sprintf("ingest into %s: %v", table, err)}
		}
		rc.fail(ae)
		return
	}
	rc.status = http.StatusOK
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	b := []byte(`{"Tables":[{"TableName":"Table_0","Columns":[` +
		`{"ColumnName":"Table","DataType":"String","ColumnType":"string"},` +
		`{"ColumnName":"Accepted","DataType":"Int64","ColumnType":"long"},` +
		`{"ColumnName":"Rejected","DataType":"Int64","ColumnType":"long"}],"Rows":[[`)
	b = output.AppendJSONString(b, table)
	b = fmt.Appendf(b, ",%d,%d]]}]}\n", res.Accepted, res.Rejected)
	w.Write(b)
}
