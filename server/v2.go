package server

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/prowl-hunt/prowl/output"
)

// writeV2 writes the v2 frames of a result: DataSetHeader, QueryProperties,
// the primary table (TableHeader, TableFragments, TableCompletion when
// fragmented; one DataTable otherwise), QueryCompletionInformation and
// DataSetCompletion. Every frame is one line whose first key is FrameType;
// frames are sent on as they are made.
func (rc *reqCtx) writeV2(ctx context.Context, out *respWriter, st *stream, q *parsedQuery) {
	b := out.buf[:0]
	b = append(b, `[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0","IsFragmented":`...)
	b = strconv.AppendBool(b, q.fragment)
	b = append(b, `,"ErrorReportingPlacement":"EndOfTable"}`+"\n"...)

	b = append(b, `,{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties",`+
		`"Columns":[{"ColumnName":"TableId","ColumnType":"int"},{"ColumnName":"Key","ColumnType":"string"},{"ColumnName":"Value","ColumnType":"dynamic"}],`+
		`"Rows":[[1,"Visualization",`...)
	b = output.AppendJSONString(b, visualization(st.res.Render))
	b = append(b, "]]}\n"...)
	out.buf = b
	out.flush()

	const tableID = "1"
	var (
		n       int64
		inChunk bool
		err     error
	)
	if q.fragment {
		out.buf = append(out.buf, `,{"FrameType":"TableHeader","TableId":`+tableID+`,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":`...)
		out.buf = appendColumns(out.buf, st.cols, false)
		out.buf = append(out.buf, "}\n"...)
		out.flush()
		open := func() {
			out.buf = append(out.buf, `,{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":`+tableID+`,"Rows":[`...)
		}
		closeChunk := func() {
			out.buf = append(out.buf, "]}\n"...)
			out.flush()
		}
		n, inChunk, err = st.writeRows(out, open, closeChunk)
		if inChunk {
			closeChunk()
		}
	} else {
		out.buf = append(out.buf, `,{"FrameType":"DataTable","TableId":`+tableID+`,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":`...)
		out.buf = appendColumns(out.buf, st.cols, false)
		out.buf = append(out.buf, `,"Rows":[`...)
		chunks := 0
		open := func() {
			if chunks > 0 {
				out.buf = append(out.buf, ',')
			}
			chunks++
		}
		n, _, err = st.writeRows(out, open, out.flush)
		out.buf = append(out.buf, "]}\n"...)
	}

	failure, tableErr := rc.streamErrors(ctx, st, q, err)
	if q.fragment {
		out.buf = append(out.buf, `,{"FrameType":"TableCompletion","TableId":`+tableID+`,"RowCount":`...)
		out.buf = strconv.AppendInt(out.buf, n, 10)
		if tableErr != nil {
			out.buf = append(out.buf, `,"OneApiErrors":[`...)
			out.buf = rc.appendOneAPI(out.buf, tableErr)
			out.buf = append(out.buf, ']')
		}
		out.buf = append(out.buf, "}\n"...)
	}

	out.buf = append(out.buf, `,{"FrameType":"DataTable","TableId":2,"TableKind":"QueryCompletionInformation","TableName":"QueryCompletionInformation",`+
		`"Columns":[{"ColumnName":"Timestamp","ColumnType":"datetime"},{"ColumnName":"ClientRequestId","ColumnType":"string"},`+
		`{"ColumnName":"ActivityId","ColumnType":"guid"},{"ColumnName":"SubActivityId","ColumnType":"guid"},{"ColumnName":"ParentActivityId","ColumnType":"guid"},`+
		`{"ColumnName":"Level","ColumnType":"int"},{"ColumnName":"LevelName","ColumnType":"string"},{"ColumnName":"StatusCode","ColumnType":"int"},`+
		`{"ColumnName":"StatusCodeName","ColumnType":"string"},{"ColumnName":"EventType","ColumnType":"int"},{"ColumnName":"EventTypeName","ColumnType":"string"},`+
		`{"ColumnName":"Payload","ColumnType":"string"}],"Rows":[`...)
	now := rc.now()
	for i, r := range rc.completionRows(st, st.res, failure) {
		if i > 0 {
			out.buf = append(out.buf, ',')
		}
		out.buf = append(out.buf, '[')
		out.buf = output.AppendJSONString(out.buf, now)
		out.buf = append(out.buf, ',')
		out.buf = output.AppendJSONString(out.buf, rc.clientID)
		for range 3 {
			out.buf = append(out.buf, ',')
			out.buf = output.AppendJSONString(out.buf, rc.activityID)
		}
		out.buf = append(out.buf, ',')
		out.buf = strconv.AppendInt(out.buf, int64(r.level), 10)
		out.buf = append(out.buf, ',')
		out.buf = output.AppendJSONString(out.buf, levelNames[r.level])
		out.buf = append(out.buf, ',')
		out.buf = strconv.AppendInt(out.buf, int64(int32(r.statusCode)), 10)
		out.buf = append(out.buf, ',')
		out.buf = output.AppendJSONString(out.buf, r.status)
		out.buf = append(out.buf, ',')
		out.buf = strconv.AppendInt(out.buf, int64(r.eventType), 10)
		out.buf = append(out.buf, ',')
		out.buf = output.AppendJSONString(out.buf, r.event)
		out.buf = append(out.buf, ',')
		out.buf = output.AppendJSONString(out.buf, r.payload)
		out.buf = append(out.buf, ']')
	}
	out.buf = append(out.buf, "]}\n"...)

	out.buf = append(out.buf, `,{"FrameType":"DataSetCompletion","HasErrors":`...)
	out.buf = strconv.AppendBool(out.buf, tableErr != nil)
	out.buf = append(out.buf, `,"Cancelled":`...)
	out.buf = strconv.AppendBool(out.buf, failure != nil && ctx.Err() != nil)
	if tableErr != nil {
		out.buf = append(out.buf, `,"OneApiErrors":[`...)
		out.buf = rc.appendOneAPI(out.buf, tableErr)
		out.buf = append(out.buf, ']')
	}
	out.buf = append(out.buf, "}\n]\n"...)
	out.flush()
}

// appendOneAPI appends the OneApi JSON of e.
func (rc *reqCtx) appendOneAPI(dst []byte, e *apiError) []byte {
	b, _ := json.Marshal(rc.oneAPI(e))
	return append(dst, b...)
}
