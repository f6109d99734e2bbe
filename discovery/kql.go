package discovery

import (
	"fmt"
	"strings"
)

// kqlString quotes s as a KQL string literal.
func kqlString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

func kqlList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = kqlString(strings.ToLower(v))
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// userExpr is the KQL expression naming the person behind a transaction:
// account_user (the UPN when present, else domain\name; "" for system
// accounts), and "" for the configured exclusions.
func (s *Service) userExpr() string {
	user := "account_user(InitiatingProcessAccountSid, InitiatingProcessAccountName, InitiatingProcessAccountDomain, InitiatingProcessAccountUpn)"
	var excl []string
	if l := s.settings.ExcludedUsers; len(l) > 0 {
		excl = append(excl, "tolower(InitiatingProcessAccountUpn) in "+kqlList(l)+" or tolower(InitiatingProcessAccountName) in "+kqlList(l)+
			` or tolower(strcat(InitiatingProcessAccountDomain, "\\", InitiatingProcessAccountName)) in `+kqlList(l))
	}
	if l := s.settings.ExcludedDevices; len(l) > 0 {
		excl = append(excl, "tolower(DeviceName) in "+kqlList(l)+" or tolower(DeviceId) in "+kqlList(l))
	}
	if l := s.settings.ExcludedIPs; len(l) > 0 {
		excl = append(excl, "LocalIP in "+kqlList(l))
	}
	if len(excl) == 0 {
		return user
	}
	return fmt.Sprintf("iff(%s, \"\", %s)", strings.Join(excl, " or "), user)
}

// storedFunctions returns the KQL functions discovery registers, name → text
// after `let name = `. Each takes the transactions table (DeviceNetworkEvents
// or anything of its shape) as T, so `DeviceNetworkEvents | where Timestamp >
// ago(30d) | invoke discover_apps()` picks the period.
func (s *Service) storedFunctions() map[string]string {
	user := s.userExpr()
	low := fmt.Sprintf("%g", s.settings.Score.LowScoreThreshold())
	return map[string]string{
		// One row per discovered app over the input period. The byte sums
		// skip nulls and are coalesced once per app afterwards: the same
		// answer as summing coalesce(x, 0) per row, without the per-row call.
		"discover_apps": `(T:(*)) {
    T
    | extend App = cloud_app(RemoteUrl)
    | where isnotempty(App)
    | extend User = ` + user + `
    | summarize Users = dcountif(User, isnotempty(User)), Devices = dcount(DeviceId), IPAddresses = dcountif(LocalIP, isnotempty(LocalIP)),
        Transactions = count(), UploadBytes = sum(BytesSent), DownloadBytes = sum(BytesReceived),
        FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by App
    | extend UploadBytes = coalesce(UploadBytes, 0), DownloadBytes = coalesce(DownloadBytes, 0)
    | extend AppId = cloud_app_id(App), Category = cloud_app_category(App), Score = cloud_app_score(App), Tag = cloud_app_tag(App),
        TotalBytes = UploadBytes + DownloadBytes
    | project App, AppId, Category, Score, Tag, Users, Devices, IPAddresses, Transactions, TotalBytes, UploadBytes, DownloadBytes, FirstSeen, LastSeen
    | order by TotalBytes desc
}`,
		// One row per device: risk level with reasons (score.Device: the latest
		// day against the device's trailing daily baseline, plus risky apps),
		// traffic, discovered apps, users and local IP addresses.
		"discover_devices": `(T:(*)) {
    T
    | extend App = cloud_app(RemoteUrl), User = ` + user + `, Day = bin(Timestamp, 1d)
    | extend AppTag = cloud_app_tag(App), AppScore = cloud_app_score(App)
    | summarize DayTx = count(), DayUp = sum(coalesce(BytesSent, 0)), DayDown = sum(coalesce(BytesReceived, 0)),
        DayApps = make_set_if(App, isnotempty(App)), DayUsers = make_set_if(User, isnotempty(User)),
        DayIPs = make_set_if(LocalIP, isnotempty(LocalIP)),
        DayUnsanctioned = make_set_if(App, AppTag == "Unsanctioned"),
        DayLow = make_set_if(App, isnotempty(App) and isnotnull(AppScore) and AppScore < ` + low + `),
        DayName = max(DeviceName), DayFirst = min(Timestamp), DayLast = max(Timestamp)
        by DeviceId, Day
    | summarize Daily = make_list(pack_array(Day, DayUp, DayTx)), Days = count(), Transactions = sum(DayTx),
        UploadBytes = sum(DayUp), DownloadBytes = sum(DayDown),
        AppSet = make_set(DayApps), UserSet = make_set(DayUsers), IPSet = make_set(DayIPs),
        UnsanctionedSet = make_set(DayUnsanctioned), LowSet = make_set(DayLow),
        DeviceName = max(DayName), FirstSeen = min(DayFirst), LastSeen = max(DayLast)
        by DeviceId
    | extend RiskLevel = device_risk_level(Daily, array_length(UnsanctionedSet), array_length(LowSet)),
        RiskReasons = device_risk_reasons(Daily, array_length(UnsanctionedSet), array_length(LowSet))
    | project DeviceId, DeviceName, RiskLevel, RiskReasons, Transactions, TotalBytes = UploadBytes + DownloadBytes,
        UploadBytes, DownloadBytes, Apps = array_length(AppSet), AppList = AppSet, UnsanctionedApps = UnsanctionedSet,
        Users = UserSet, IPAddresses = IPSet, Days, FirstSeen, LastSeen
    | order by RiskLevel == "High" desc, RiskLevel == "Medium" desc, RiskLevel == "Low" desc, UploadBytes desc
}`,
		// One row per user: apps, devices and traffic.
		"discover_users": `(T:(*)) {
    T
    | extend User = ` + user + `
    | where isnotempty(User)
    | extend App = cloud_app(RemoteUrl)
    | summarize Apps = dcountif(App, isnotempty(App)), AppList = make_set_if(App, isnotempty(App)),
        Devices = dcount(DeviceId), DeviceList = make_set_if(DeviceName, isnotempty(DeviceName)),
        Transactions = count(), UploadBytes = sum(coalesce(BytesSent, 0)), DownloadBytes = sum(coalesce(BytesReceived, 0)),
        FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by User
    | extend TotalBytes = UploadBytes + DownloadBytes
    | project User, Apps, AppList, Devices, DeviceList, Transactions, TotalBytes, UploadBytes, DownloadBytes, FirstSeen, LastSeen
    | order by TotalBytes desc
}`,
		// Every access to an Unsanctioned app after it was tagged: one row per
		// device, user, app and domain; access still succeeding after the
		// propagation window is flagged not blocked.
		"unsanctioned_access": `(T:(*)) {
    T
    | extend App = cloud_app(RemoteUrl)
    | where isnotempty(App) and cloud_app_tag(App) == "Unsanctioned"
    | extend TaggedAt = cloud_app_tagged_at(App), Domain = url_host(RemoteUrl), User = ` + user + `
    | where Timestamp >= TaggedAt
    | extend Succeeded = ActionType in ("ConnectionSuccess", "HttpConnectionInspected", "SslConnectionInspected", "ConnectionFound"),
        Late = Timestamp > TaggedAt + ` + s.windowLiteral() + `
    | summarize FirstTime = min(Timestamp), LastTime = max(Timestamp), Count = count(),
        LateSuccesses = countif(Succeeded and Late), TaggedAt = max(TaggedAt)
        by DeviceId, DeviceName, User, App, Domain
    | extend Blocked = LateSuccesses == 0, Status = iff(LateSuccesses == 0, "blocked or within propagation window", "not blocked")
    | project DeviceId, DeviceName, User, App, Domain, FirstTime, LastTime, Count, Blocked, Status, LateSuccesses, TaggedAt
    | order by Blocked asc, LastTime desc
}`,
	}
}

func (s *Service) windowLiteral() string {
	d := s.settings.Window()
	return fmt.Sprintf("%ds", int64(d.Seconds()))
}
