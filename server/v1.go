package server

import (
	"context"
	"strconv"

	"github.com/prowl-hunt/prowl/output"
)

// writeV1 writes a v1 response: {"Tables":[...]}. A query answers the primary
// table, its QueryProperties, a QueryStatus and the table of contents; a
// command answers its table alone unless it has messages to report. An error
// midway (or a truncated result) ends the rows with an {"Exceptions":[...]}
// entry, as Kusto does.
func (rc *reqCtx) writeV1(ctx context.Context, out *respWriter, st *stream, q *parsedQuery, mgmt bool) {
	out.buf = append(out.buf, `{"Tables":[{"TableName":"Table_0","Columns":`...)
	out.buf = appendColumns(out.buf, st.cols, true)
	out.buf = append(out.buf, `,"Rows":[`...)
	chunks := 0
	open := func() {
		if chunks > 0 {
			out.buf = append(out.buf, ',')
		}
		chunks++
	}
	n, _, err := st.writeRows(out, open, out.flush)
	failure, exc := rc.streamErrors(ctx, st, q, err)
	if exc != nil {
		if n > 0 {
			out.buf = append(out.buf, ',')
		}
		out.buf = append(out.buf, `{"Exceptions":[`...)
		out.buf = output.AppendJSONString(out.buf, exc.msg)
		out.buf = append(out.buf, "]}"...)
	}
	out.buf = append(out.buf, "]}"...)

	if mgmt && len(st.res.Messages) == 0 {
		out.buf = append(out.buf, "]}\n"...)
		out.flush()
		return
	}
	type toc struct{ kind, name string }
	tables := []toc{{"QueryResult", "PrimaryResult"}}
	if !mgmt {
		tables = append(tables, toc{"QueryProperties", "@ExtendedProperties"})
		out.buf = append(out.buf, `,{"TableName":"Table_1","Columns":[{"ColumnName":"Value","DataType":"String","ColumnType":"string"}],"Rows":[[`...)
		out.buf = output.AppendJSONString(out.buf, visualization(st.res.Render))
		out.buf = append(out.buf, "]]}"...)
	}
	tables = append(tables, toc{"QueryStatus", "QueryStatus"})
	out.buf = append(out.buf, `,{"TableName":"Table_`...)
	out.buf = strconv.AppendInt(out.buf, int64(len(tables)-1), 10)
	out.buf = append(out.buf, `","Columns":[`+
		`{"ColumnName":"Timestamp","DataType":"DateTime","ColumnType":"datetime"},`+
		`{"ColumnName":"Severity","DataType":"Int32","ColumnType":"int"},`+
		`{"ColumnName":"SeverityName","DataType":"String","ColumnType":"string"},`+
		`{"ColumnName":"StatusCode","DataType":"Int32","ColumnType":"int"},`+
		`{"ColumnName":"StatusDescription","DataType":"String","ColumnType":"string"},`+
		`{"ColumnName":"Count","DataType":"Int32","ColumnType":"int"},`+
		`{"ColumnName":"RequestId","DataType":"Guid","ColumnType":"guid"},`+
		`{"ColumnName":"ActivityId","DataType":"Guid","ColumnType":"guid"},`+
		`{"ColumnName":"SubActivityId","DataType":"Guid","ColumnType":"guid"},`+
		`{"ColumnName":"ClientActivityId","DataType":"String","ColumnType":"string"}],"Rows":[`...)
	now := rc.now()
	wrote := 0
	for _, r := range rc.completionRows(st, st.res, failure) {
		if r.eventType != 4 {
			continue // resource consumption is a v2 notion
		}
		wrote++
		if wrote > 1 {
			out.buf = append(out.buf, ',')
		}
		out.buf = append(out.buf, '[')
		out.buf = output.AppendJSONString(out.buf, now)
		out.buf = append(out.buf, ',')
		out.buf = strconv.AppendInt(out.buf, int64(r.level), 10)
		out.buf = append(out.buf, ',')
		out.buf = output.AppendJSONString(out.buf, levelNames[r.level])
		out.buf = append(out.buf, ',')
		out.buf = strconv.AppendInt(out.buf, int64(int32(r.statusCode)), 10)
		out.buf = append(out.buf, ',')
		out.buf = output.AppendJSONString(out.buf, r.text)
		out.buf = append(out.buf, ",1"...)
		for range 3 {
			out.buf = append(out.buf, ',')
			out.buf = output.AppendJSONString(out.buf, rc.activityID)
		}
		out.buf = append(out.buf, ',')
		out.buf = output.AppendJSONString(out.buf, rc.clientID)
		out.buf = append(out.buf, ']')
	}
	out.buf = append(out.buf, "]}"...)

	// The table of contents.
	out.buf = append(out.buf, `,{"TableName":"Table_`...)
	out.buf = strconv.AppendInt(out.buf, int64(len(tables)), 10)
	out.buf = append(out.buf, `","Columns":[`+
		`{"ColumnName":"Ordinal","DataType":"Int64","ColumnType":"long"},`+
		`{"ColumnName":"Kind","DataType":"String","ColumnType":"string"},`+
		`{"ColumnName":"Name","DataType":"String","ColumnType":"string"},`+
		`{"ColumnName":"Id","DataType":"String","ColumnType":"string"},`+
		`{"ColumnName":"PrettyName","DataType":"String","ColumnType":"string"}],"Rows":[`...)
	for i, t := range tables {
		if i > 0 {
			out.buf = append(out.buf, ',')
		}
		out.buf = append(out.buf, '[')
		out.buf = strconv.AppendInt(out.buf, int64(i), 10)
		out.buf = append(out.buf, ',')
		out.buf = output.AppendJSONString(out.buf, t.kind)
		out.buf = append(out.buf, ',')
		out.buf = output.AppendJSONString(out.buf, t.name)
		out.buf = append(out.buf, ',')
		out.buf = output.AppendJSONString(out.buf, tableGUID(i))
		out.buf = append(out.buf, `,""]`...)
	}
	out.buf = append(out.buf, "]}]}\n"...)
	out.flush()
}

// tableGUID is a fixed id per table ordinal, as the table of contents needs one.
func tableGUID(i int) string {
	s := strconv.Itoa(i)
	return "00000000-0000-0000-0000-" + "000000000000"[len(s):] + s
}

// streamErrors classifies how writing a result stream ended: failure is the
// error that stopped it (nil when it ran to the end), and shown is what the
// result table reports, which is the failure or else the truncation.
func (rc *reqCtx) streamErrors(ctx context.Context, st *stream, q *parsedQuery, err error) (failure, shown *apiError) {
	if err != nil {
		failure = rc.classify(ctxErr(ctx, err), q.timeout)
		return failure, failure
	}
	if st.truncated {
		return nil, st.truncationError()
	}
	return nil, nil
}
