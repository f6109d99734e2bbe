package exec

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWhereOrderProjectTake is the regression test for sort over a scan that
// leaves unread columns nil (a nil-array panic in memory accounting): a
// table wider than the projection, many row groups, filter + order + project
// + take, checked against the rows filtered and sorted here.
func TestWhereOrderProjectTake(t *testing.T) {
	e := newTestEngine(catalogSource{generated(t)})
	all, err := runQuery(t, e, `DeviceNetworkEvents | project Timestamp, DeviceName, RemoteUrl`)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]string
	for _, r := range all.rows {
		if r[2] == "www.dropbox.com" || r[2] == "github.com" {
			want = append(want, r[:2])
		}
	}
	if len(want) < 10 {
		t.Fatalf("fixture has only %d matching rows", len(want))
	}
	// timestamps render as fixed-width ISO text: string order is time order
	sort.SliceStable(want, func(i, j int) bool { return want[i][0] > want[j][0] })
	for _, tc := range []struct {
		q string
		n int
	}{
		{`DeviceNetworkEvents | where RemoteUrl in ("www.dropbox.com", "github.com") | order by Timestamp desc | project Timestamp, DeviceName | take 5`, 5},
		{`DeviceNetworkEvents | where RemoteUrl in ("www.dropbox.com", "github.com") | order by Timestamp desc | project Timestamp, DeviceName`, len(want)},
	} {
		got, err := runQuery(t, e, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		if diff := cmp.Diff([]string{"Timestamp:datetime", "DeviceName:string"}, got.cols); diff != "" {
			t.Errorf("columns (-want +got):\n%s", diff)
		}
		// ties on Timestamp may come in any order: compare timestamps in
		// order and the rows as sets
		var wantTs, gotTs []string
		for _, r := range want[:tc.n] {
			wantTs = append(wantTs, r[0])
		}
		for _, r := range got.rows {
			gotTs = append(gotTs, r[0])
		}
		if diff := cmp.Diff(wantTs, gotTs); diff != "" {
			t.Errorf("%s: timestamps (-want +got):\n%s", tc.q, diff)
		}
		if tc.n == len(want) {
			if diff := cmp.Diff(sortRows(want), sortRows(got.rows)); diff != "" {
				t.Errorf("%s: rows (-want +got):\n%s", tc.q, strings.TrimSpace(diff))
			}
		}
	}
}
