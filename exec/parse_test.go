package exec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseKinds(t *testing.T) {
	const traces = `datatable(EventText:string)[
"Event: NotifySliceRelease (resourceName=PipelineScheduler, totalSlices=invalid_number, sliceNumber=23, lockTime=02/17/2016 08:40:01, releaseTime=2016-02-17 08:40:01, previousLockTime=2016-02-17 08:39:01)",
"Event: NotifySliceRelease (resourceName=PipelineScheduler, totalSlices=27, sliceNumber=15, lockTime=02/17/2016 08:40:00, releaseTime=2016-02-17 08:40:00, previousLockTime=2016-02-17 08:39:00)",
"no match at all"]`
	const pattern = ` EventText with * "resourceName=" resourceName ", totalSlices=" totalSlices:long * "sliceNumber=" sliceNumber:long * "releaseTime=" releaseTime:datetime "," * | project resourceName, totalSlices, sliceNumber, releaseTime`
	const kv = `datatable(s:string)["a=1.5 b=7", "a=xx b=5", "a=2 b=zz", "nothing"]`
	tests := []struct{ name, q, cols, rows string }{
		{"relaxed keeps the parts that convert", traces + ` | parse kind=relaxed` + pattern,
			"resourceName:string,totalSlices:long,sliceNumber:long,releaseTime:datetime",
			"PipelineScheduler|null|23|2016-02-17T08:40:01.0000000Z\nPipelineScheduler|27|15|2016-02-17T08:40:00.0000000Z\n|null|null|null"},
		{"simple is strict", traces + ` | parse` + pattern, "",
			"|null|null|null\nPipelineScheduler|27|15|2016-02-17T08:40:00.0000000Z\n|null|null|null"},
		{"relaxed real and long", kv + ` | parse kind=relaxed s with "a=" a:real " b=" b:long | project a, b`, "a:real,b:long",
			"1.5|7\nnull|5\n2|null\nnull|null"},
		{"simple real and long", kv + ` | parse s with "a=" a:real " b=" b:long | project a, b`, "",
			"1.5|7\nnull|null\nnull|null\nnull|null"},
		{"simple string parts empty on failure", kv + ` | parse s with "a=" a " b=" b:long | project a, b`, "",
			"1.5|7\nxx|5\n|null\n|null"},
		{"regex is strict", kv + ` | parse kind=regex s with "a=" a:real " b=" b:long | project a, b`, "",
			"1.5|7\nnull|null\nnull|null\nnull|null"},
	}
	e := newTestEngine(nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runQuery(t, e, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if tc.cols != "" {
				if diff := cmp.Diff(strings.Split(tc.cols, ","), got.cols); diff != "" {
					t.Errorf("columns (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(rowsOf(tc.rows), got.rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}
