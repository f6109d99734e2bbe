package gen

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/schemas"
)

// Action types and their shares of DeviceNetworkEvents.
const (
	actSuccess = iota
	actFailed
	actRequest
	actAttempt
	actFound
	actInbound
	actListening
	actHTTP
	actSSL
	actDNS
	numActions
)

var actionNames = [numActions]string{"ConnectionSuccess", "ConnectionFailed", "ConnectionRequest", "ConnectionAttempt",
	"ConnectionFound", "InboundConnectionAccepted", "ListeningConnectionCreated", "HttpConnectionInspected",
	"SslConnectionInspected", "DnsConnectionInspected"}

var actionWeights = []float64{78, 5, 4, 1, 1, 3, 1, 2, 3, 2}

const (
	protoTcp = iota
	protoUdp
)

var protoNames = []string{"Tcp", "Udp"}

const (
	ipPublic = iota
	ipPrivate
	ipReserved
)

var ipTypeNames = []string{"Public", "Private", "Reserved"}

// URL variants per host in the RemoteUrl dictionary: index 1+3*host+variant.
const (
	urlBare = iota
	urlHTTPS
	urlHTTP
	urlVariants
)

// netDicts are the DeviceNetworkEvents dictionaries, shared by all batches.
type netDicts struct {
	deviceID, deviceName                   *dict
	action, proto, ipType                  *dict
	url, addl                              *dict
	procCols                               map[string]*dict
	procSize                               []int64
	acctDomain, acctName, acctSID, acctUPN *dict
	acctObjectID                           *dict
	schema                                 *arrow.Schema
	kschema                                kusto.Schema
	actionAlias                            *alias
	userProcAlias                          []*alias
	userProcByOS                           [][]int32
}

// netDictCols are the DeviceNetworkEvents columns built as dictionaries.
var netDictCols = map[string]bool{
	"DeviceId": true, "DeviceName": true, "ActionType": true, "RemoteUrl": true, "Protocol": true,
	"LocalIPType": true, "RemoteIPType": true, "AdditionalFields": true,
	"InitiatingProcessAccountDomain": true, "InitiatingProcessAccountName": true, "InitiatingProcessAccountSid": true,
	"InitiatingProcessAccountUpn": true, "InitiatingProcessAccountObjectId": true,
}

// procColumns maps the process-derived columns to their value.
var procColumns = map[string]func(p *process) string{
	"InitiatingProcessSHA1":                        func(p *process) string { return p.sha1 },
	"InitiatingProcessSHA256":                      func(p *process) string { return p.sha256 },
	"InitiatingProcessMD5":                         func(p *process) string { return p.md5 },
	"InitiatingProcessFileName":                    func(p *process) string { return p.file },
	"InitiatingProcessVersionInfoCompanyName":      func(p *process) string { return p.company },
	"InitiatingProcessVersionInfoProductName":      func(p *process) string { return p.product },
	"InitiatingProcessVersionInfoProductVersion":   func(p *process) string { return p.version },
	"InitiatingProcessVersionInfoInternalFileName": func(p *process) string { return p.file },
	"InitiatingProcessVersionInfoOriginalFileName": func(p *process) string { return p.file },
	"InitiatingProcessVersionInfoFileDescription":  func(p *process) string { return p.desc },
	"InitiatingProcessCommandLine":                 func(p *process) string { return p.cmdline },
	"InitiatingProcessFolderPath":                  func(p *process) string { return p.folder },
	"InitiatingProcessParentFileName":              func(p *process) string { return p.parent },
	"InitiatingProcessIntegrityLevel":              func(p *process) string { return p.integrity },
	"InitiatingProcessTokenElevation":              func(p *process) string { return p.elevation },
}

func init() {
	for c := range procColumns {
		netDictCols[c] = true
	}
}

func (w *world) makeNetDicts() (*netDicts, error) {
	s, ok := schemas.Table("DeviceNetworkEvents")
	if !ok {
		return nil, fmt.Errorf("no built-in schema for DeviceNetworkEvents")
	}
	nd := &netDicts{kschema: s, schema: tableSchema(s, netDictCols, w.cfg.PlainStrings), procCols: map[string]*dict{}}
	ids := make([]string, len(w.devices))
	names := make([]string, len(w.devices))
	for i, d := range w.devices {
		ids[i], names[i] = d.id, d.name
	}
	nd.deviceID, nd.deviceName = newDict(ids), newDict(names)
	nd.action = newDict(actionNames[:])
	nd.proto = newDict(protoNames)
	nd.ipType = newDict(ipTypeNames)
	urls := make([]string, 1+urlVariants*len(w.hosts))
	addl := make([]string, 1+urlVariants*len(w.hosts))
	for h, host := range w.hosts {
		path := w.urlPaths[hashString(host)%uint64(len(w.urlPaths))]
		urls[1+urlVariants*h+urlBare] = host
		urls[1+urlVariants*h+urlHTTPS] = "https://" + host + path
		urls[1+urlVariants*h+urlHTTP] = "http://" + host + "/"
		q := strconv.Quote(host)
		addl[1+urlVariants*h+0] = `{"version":"TLSv1.3","server_name":` + q + `,"direction":"Out","established":true}`
		addl[1+urlVariants*h+1] = `{"host":` + q + `,"method":"GET","uri":"/","status_code":200,"direction":"Out","user_agents":["Mozilla/5.0 (Windows NT 10.0; Win64; x64)"]}`
		addl[1+urlVariants*h+2] = `{"query":` + q + `,"qtype_name":"A","rcode_name":"NOERROR","direction":"Out"}`
	}
	nd.url, nd.addl = newDict(urls), newDict(addl)
	for c, f := range procColumns {
		vals := make([]string, len(w.procs))
		for i := range w.procs {
			vals[i] = f(&w.procs[i])
		}
		nd.procCols[c] = newDict(vals)
	}
	nd.procSize = make([]int64, len(w.procs))
	for i, p := range w.procs {
		nd.procSize[i] = p.size
	}
	var dom, name, sid, upn, oid []string
	for _, a := range w.accounts {
		dom, name, sid, upn, oid = append(dom, a.domain), append(name, a.name), append(sid, a.sid), append(upn, a.upn), append(oid, a.objectID)
	}
	nd.acctDomain, nd.acctName, nd.acctSID, nd.acctUPN, nd.acctObjectID = newDict(dom), newDict(name), newDict(sid), newDict(upn), newDict(oid)
	nd.actionAlias = newAlias(actionWeights)
	nd.userProcAlias = make([]*alias, numOS)
	nd.userProcByOS = make([][]int32, numOS)
	for os := 0; os < numOS; os++ {
		var ws []float64
		for _, p := range w.procByOS[os] {
			if !w.procs[p].service {
				nd.userProcByOS[os] = append(nd.userProcByOS[os], p)
				ws = append(ws, w.procs[p].weight)
			}
		}
		if len(ws) == 0 {
			nd.userProcByOS[os] = w.procByOS[os]
			ws = make([]float64, len(w.procByOS[os]))
			for i := range ws {
				ws[i] = 1
			}
		}
		nd.userProcAlias[os] = newAlias(ws)
	}
	// Every column of the schema must have a producer.
	for _, c := range s {
		if _, ok := procColumns[c.Name]; ok {
			continue
		}
		if !netProduced[c.Name] {
			return nil, fmt.Errorf("generator has no values for DeviceNetworkEvents column %s", c.Name)
		}
	}
	return nd, nil
}

var netProduced = map[string]bool{
	"Timestamp": true, "DeviceId": true, "DeviceName": true, "ActionType": true, "RemoteIP": true, "RemotePort": true,
	"RemoteUrl": true, "LocalIP": true, "LocalPort": true, "Protocol": true, "LocalIPType": true, "RemoteIPType": true,
	"InitiatingProcessFileSize": true, "InitiatingProcessId": true, "InitiatingProcessCreationTime": true,
	"InitiatingProcessParentId": true, "InitiatingProcessParentCreationTime": true,
	"InitiatingProcessAccountDomain": true, "InitiatingProcessAccountName": true, "InitiatingProcessAccountSid": true,
	"InitiatingProcessAccountUpn": true, "InitiatingProcessAccountObjectId": true, "InitiatingProcessSessionId": true,
	"IsInitiatingProcessRemoteSession": true, "InitiatingProcessRemoteSessionDeviceName": true,
	"InitiatingProcessRemoteSessionIP": true, "ReportId": true, "AppGuardContainerId": true, "AdditionalFields": true,
	"BytesSent": true, "BytesReceived": true,
}

// netJob is one DeviceNetworkEvents batch: rows spread over [start, end).
type netJob struct {
	index      int
	day        int // days since the first day
	hour       int
	start, end int64 // ns since the epoch
	rows       int
	firstRow   int64 // rows before this batch, for ReportId
	exfil      bool  // falls in a night of story 1
}

// Diurnal and weekly rhythm.
var hourWeights = [24]float64{0.12, 0.1, 0.1, 0.1, 0.12, 0.18, 0.3, 0.6, 0.95, 1, 1, 1, 0.8, 0.95, 1, 1, 0.95, 0.7, 0.45, 0.32, 0.28, 0.24, 0.2, 0.15}

func dayWeight(t time.Time) float64 {
	switch t.Weekday() {
	case time.Saturday:
		return 0.3
	case time.Sunday:
		return 0.25
	}
	return 1
}

// planNet splits the rows over days and hours by the rhythm, then into batches.
func (w *world) planNet() []netJob {
	cells := w.cfg.Days * 24
	weights := make([]float64, cells)
	var total float64
	for d := 0; d < w.cfg.Days; d++ {
		dw := dayWeight(w.start.AddDate(0, 0, d))
		for h := 0; h < 24; h++ {
			weights[d*24+h] = dw * hourWeights[h]
			total += weights[d*24+h]
		}
	}
	counts := make([]int64, cells)
	var assigned int64
	frac := make([]float64, cells)
	for i, x := range weights {
		exact := float64(w.cfg.Rows) * x / total
		counts[i] = int64(exact)
		frac[i] = exact - float64(counts[i])
		assigned += counts[i]
	}
	// Hand out the remainder to the largest fractions (ties by position).
	for rem := w.cfg.Rows - assigned; rem > 0; {
		best := 0
		for i := range frac {
			if frac[i] > frac[best] {
				best = i
			}
		}
		counts[best]++
		frac[best] = -1
		rem--
		if frac[best] == -1 && rem > 0 && allSpent(frac) {
			for i := range frac {
				frac[i] = weights[i]
			}
		}
	}
	exfilFrom := w.cfg.Days - len(w.stories.ExfilNights)
	var jobs []netJob
	var first int64
	hourNs := int64(time.Hour)
	for c, n := range counts {
		if n == 0 {
			continue
		}
		pieces := int((n + int64(w.cfg.BatchRows) - 1) / int64(w.cfg.BatchRows))
		cellStart := w.start.UnixNano() + int64(c)*hourNs
		d, h := c/24, c%24
		for p := 0; p < pieces; p++ {
			rows := n / int64(pieces)
			if int64(p) < n%int64(pieces) {
				rows++
			}
			jobs = append(jobs, netJob{
				index: len(jobs), day: d, hour: h,
				start:    cellStart + hourNs*int64(p)/int64(pieces),
				end:      cellStart + hourNs*int64(p+1)/int64(pieces),
				rows:     int(rows),
				firstRow: first,
				exfil:    d >= exfilFrom && h >= exfilFirstHour && h <= exfilLastHour,
			})
			first += rows
		}
	}
	return jobs
}

func allSpent(frac []float64) bool {
	for _, f := range frac {
		if f >= 0 {
			return false
		}
	}
	return true
}

// ipBuf accumulates a plain string column of IPv4 addresses.
type ipBuf struct {
	offs []int32
	data []byte
}

func (b *ipBuf) add(ip uint32) {
	b.data = appendIPv4(b.data, ip)
	b.offs = append(b.offs, int32(len(b.data)))
}

func (b *ipBuf) addString(s string) {
	b.data = append(b.data, s...)
	b.offs = append(b.offs, int32(len(b.data)))
}

// genNet produces one DeviceNetworkEvents batch.
func (w *world) genNet(nd *netDicts, job netJob) arrow.RecordBatch {
	n := job.rows
	r := newRNG(w.cfg.Seed, 100, uint64(job.index))
	dayIP := job.day

	ts := make([]int64, n)
	// Sorted arrival times: normalised cumulative exponential gaps.
	var acc float64
	gaps := make([]float64, n)
	for i := range gaps {
		acc += r.ExpFloat64()
		gaps[i] = acc
	}
	acc += r.ExpFloat64()
	span := float64(job.end - job.start)
	for i := range ts {
		t := job.start + int64(gaps[i]/acc*span)
		ts[i] = t - t%100 // Kusto ticks are 100 ns
	}

	dev := make([]int32, n)
	proc := make([]int32, n)
	acct := make([]int32, n)
	action := make([]int32, n)
	url := make([]int32, n)
	addl := make([]int32, n)
	proto := make([]int32, n)
	rtype := make([]int32, n)
	ltype := make([]int32, n)
	rport := make([]int32, n)
	lport := make([]int32, n)
	size := make([]int64, n)
	pid := make([]int64, n)
	ctime := make([]int64, n)
	ppid := make([]int64, n)
	pctime := make([]int64, n)
	session := make([]int64, n)
	report := make([]int64, n)
	sent := make([]int64, n)
	recv := make([]int64, n)
	var bytesValid []bool
	remoteIP := ipBuf{offs: make([]int32, 1, n+1), data: make([]byte, 0, n*13)}
	localIP := ipBuf{offs: make([]int32, 1, n+1), data: make([]byte, 0, n*11)}

	exfilRate := 0.0
	if job.exfil {
		exfilRate = math.Min(0.5, float64(exfilPerHour)/float64(n)*float64(job.end-job.start)/float64(time.Hour))
	}
	nUsers := len(w.accounts) - numSystemAccounts
	for i := 0; i < n; i++ {
		var d, p, a int32
		story := 0 // 1 exfil, 2 roam
		switch u := r.Float64(); {
		case u < exfilRate:
			story = 1
			d, p, a = w.exfil, w.dropboxProc, acctSystem
			if us := w.devices[d].users; len(us) > 0 {
				a = us[0]
			}
		case u < exfilRate+roamShare && w.roamer >= 0:
			story = 2
			d = w.roamSet[r.IntN(len(w.roamSet))]
			os := w.devices[d].os
			p = nd.userProcByOS[os][nd.userProcAlias[os].sample(r)]
			a = w.roamer
		default:
			d = int32(w.devAlias.sample(r))
			os := w.devices[d].os
			p = w.procByOS[os][w.procAlias[os].sample(r)]
		}
		dv := &w.devices[d]
		pr := &w.procs[p]
		if story == 0 {
			switch {
			case pr.service && pr.sysAcct >= 0:
				a = int32(pr.sysAcct)
			case pr.service:
				a = int32(r.IntN(3)) // SYSTEM, LOCAL SERVICE, NETWORK SERVICE
			case len(dv.users) > 0 && r.Float64() < 0.97:
				a = dv.users[r.IntN(len(dv.users))]
			case nUsers > 0:
				a = int32(numSystemAccounts + r.IntN(nUsers))
			default:
				a = acctSystem
			}
		}
		dev[i], proc[i], acct[i] = d, p, a
		size[i] = nd.procSize[p]
		ph := mix64(w.cfg.Seed ^ uint64(d)*0x9e3779b97f4a7c15 ^ uint64(p)*0xc2b2ae3d27d4eb4f ^ uint64(job.day)*0x165667b19e3779f9)
		pid[i] = int64(1000 + ph%60000)
		ctime[i] = job.start - int64((ph>>20)%(6*3600))*int64(time.Second)
		ppid[i] = int64(600 + (ph>>36)%9000)
		pctime[i] = ctime[i] - int64((ph>>50)%86400)*int64(time.Second)
		if !pr.service {
			session[i] = 1 + int64(a)%3
		}
		report[i] = job.firstRow + int64(i) + 1
		localIP.add(w.deviceIP(int(d), dayIP))
		ltype[i] = ipPrivate

		act := actSuccess
		if story == 0 {
			act = nd.actionAlias.sample(r)
		}
		action[i] = int32(act)
		lport[i] = int32(49152 + r.IntN(16384))
		proto[i] = protoTcp
		switch act {
		case actInbound:
			rtype[i] = ipPrivate
			remoteIP.add(10<<24 | uint32(10+r.IntN(len(departments)))<<16 | uint32(256+r.IntN(60000)))
			lport[i] = [...]int32{445, 3389, 135, 5985, 139}[r.IntN(5)]
			rport[i] = int32(49152 + r.IntN(16384))
			sent[i] = int64(logNormal(r, 8, 1.5))
			recv[i] = int64(logNormal(r, 7, 1.5))
			continue
		case actListening:
			rtype[i] = ipReserved
			remoteIP.addString("0.0.0.0")
			lport[i] = [...]int32{5353, 5355, 137, 1900, 7680}[r.IntN(5)]
			proto[i] = protoUdp
			if bytesValid == nil {
				bytesValid = newValid(n)
			}
			bytesValid[i] = false
			continue
		}

		// Outbound.
		host := int32(-1)
		switch {
		case story == 1:
			host = w.dropboxUp[r.IntN(len(w.dropboxUp))]
		case act == actHTTP || act == actSSL || act == actDNS || r.Float64() >= pr.ipOnly:
			switch {
			case pr.hosts != nil:
				host = pr.hosts[r.IntN(len(pr.hosts))]
			case dv.dept == rareDept && r.Float64() < rareShare:
				host = w.figma[r.IntN(len(w.figma))]
			default:
				host = w.webHosts[w.webAlias.sample(r)]
			}
		}
		if host < 0 {
			// IP-only: internal services or a bare public address.
			if r.IntN(100) < 45 {
				rtype[i] = ipPrivate
				remoteIP.add(10<<24 | uint32(r.IntN(4))<<16 | uint32(1+r.IntN(2000)))
				k := r.IntN(6)
				rport[i] = [...]int32{445, 135, 389, 88, 53, 3389}[k]
				if k == 4 {
					proto[i] = protoUdp
				}
			} else {
				rtype[i] = ipPublic
				remoteIP.add(publicIP(r.Uint64()))
				rport[i] = [...]int32{443, 443, 443, 80, 8443, 3478, 123}[r.IntN(7)]
				if rport[i] == 3478 || rport[i] == 123 {
					proto[i] = protoUdp
				}
			}
		} else {
			variant := urlBare
			switch {
			case act == actHTTP:
				variant = urlHTTP
			case act == actDNS:
			case story == 1:
				variant = urlBare + urlHTTPS*r.IntN(2)
			default:
				switch v := r.IntN(100); {
				case v < 15:
					variant = urlHTTPS
				case v < 18:
					variant = urlHTTP
				}
			}
			url[i] = 1 + urlVariants*host + int32(variant)
			rtype[i] = ipPublic
			rport[i] = 443
			if variant == urlHTTP {
				rport[i] = 80
			}
			switch act {
			case actSSL:
				addl[i] = 1 + urlVariants*host + 0
			case actHTTP:
				addl[i] = 1 + urlVariants*host + 1
			case actDNS:
				addl[i] = 1 + urlVariants*host + 2
			}
			if act == actDNS {
				rtype[i] = ipPrivate
				remoteIP.add(10<<24 | 53)
				rport[i] = 53
				proto[i] = protoUdp
			} else {
				remoteIP.add(w.hostIP(host, r.Uint64()))
			}
		}

		switch {
		case story == 1:
			// Gigabytes out: ~80 MB per transaction.
			sent[i] = int64(logNormal(r, math.Log(80e6), 0.5))
			recv[i] = int64(logNormal(r, 8, 0.7))
		case act == actSuccess || act == actHTTP || act == actSSL:
			sent[i] = int64(logNormal(r, 7.5, 1.6))
			recv[i] = int64(logNormal(r, 9.5, 2.0))
			if r.IntN(200) == 0 {
				sent[i] = int64(math.Min(pareto(r, 1e5, 1.1), 2e9))
			}
			if r.IntN(100) == 0 {
				recv[i] = int64(math.Min(pareto(r, 1e6, 1.1), 8e9))
			}
		case act == actDNS:
			sent[i] = int64(40 + r.IntN(60))
			recv[i] = int64(80 + r.IntN(300))
		case act == actFailed || act == actAttempt:
			// zero bytes moved
		default: // Request, Found: the sensor does not say
			if bytesValid == nil {
				bytesValid = newValid(n)
			}
			bytesValid[i] = false
		}
	}

	plain := w.cfg.PlainStrings
	cols := make([]arrow.Array, len(nd.kschema))
	for ci, c := range nd.kschema {
		var col arrow.Array
		if pd, ok := nd.procCols[c.Name]; ok {
			col = pd.column(proc, plain)
		} else {
			switch c.Name {
			case "Timestamp":
				col = int64Array(karrow.TimestampType, ts, nil)
			case "DeviceId":
				col = nd.deviceID.column(dev, plain)
			case "DeviceName":
				col = nd.deviceName.column(dev, plain)
			case "ActionType":
				col = nd.action.column(action, plain)
			case "RemoteIP":
				col = newString(remoteIP.offs, remoteIP.data)
			case "RemotePort":
				col = int32Array(rport)
			case "RemoteUrl":
				col = nd.url.column(url, plain)
			case "LocalIP":
				col = newString(localIP.offs, localIP.data)
			case "LocalPort":
				col = int32Array(lport)
			case "Protocol":
				col = nd.proto.column(proto, plain)
			case "LocalIPType":
				col = nd.ipType.column(ltype, plain)
			case "RemoteIPType":
				col = nd.ipType.column(rtype, plain)
			case "InitiatingProcessFileSize":
				col = int64Array(arrow.PrimitiveTypes.Int64, size, nil)
			case "InitiatingProcessId":
				col = int64Array(arrow.PrimitiveTypes.Int64, pid, nil)
			case "InitiatingProcessCreationTime":
				col = int64Array(karrow.TimestampType, ctime, nil)
			case "InitiatingProcessParentId":
				col = int64Array(arrow.PrimitiveTypes.Int64, ppid, nil)
			case "InitiatingProcessParentCreationTime":
				col = int64Array(karrow.TimestampType, pctime, nil)
			case "InitiatingProcessAccountDomain":
				col = nd.acctDomain.column(acct, plain)
			case "InitiatingProcessAccountName":
				col = nd.acctName.column(acct, plain)
			case "InitiatingProcessAccountSid":
				col = nd.acctSID.column(acct, plain)
			case "InitiatingProcessAccountUpn":
				col = nd.acctUPN.column(acct, plain)
			case "InitiatingProcessAccountObjectId":
				col = nd.acctObjectID.column(acct, plain)
			case "InitiatingProcessSessionId":
				col = int64Array(arrow.PrimitiveTypes.Int64, session, nil)
			case "IsInitiatingProcessRemoteSession":
				col = constBool(n, false)
			case "ReportId":
				col = int64Array(arrow.PrimitiveTypes.Int64, report, nil)
			case "AdditionalFields":
				col = nd.addl.column(addl, plain)
			case "BytesSent":
				col = int64Array(arrow.PrimitiveTypes.Int64, sent, bytesValid)
			case "BytesReceived":
				col = int64Array(arrow.PrimitiveTypes.Int64, recv, bytesValid)
			default: // InitiatingProcessRemoteSession*, AppGuardContainerId
				col = emptyStrings(n)
			}
		}
		cols[ci] = col
	}
	rec := array.NewRecordBatch(nd.schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

func newValid(n int) []bool {
	v := make([]bool, n)
	for i := range v {
		v[i] = true
	}
	return v
}
