// Package discovery is prowl's cloud discovery and governance: it finds the cloud
// apps in network transactions, scores their risk, tags them, and emits the
// indicators that block them — plugged into the engine through ext.Registry.
//
// Sub-packages:
//
//	discovery/catalog    the embedded app catalog (957 apps from domain-list-community,
//	                     hand-mapped to the 42 categories) and URL/host → app matching
//	discovery/score      app risk score and device risk level (formulas documented there)
//	discovery/govern     durable tags with audit trail, never-block list, indicator
//	                     ledger, discovery policies, settings (<data>/_prowl/*.json)
//	discovery/indicator  indicator formats (Defender JSON/CSV, STIX 2.1 + offline
//	                     validator, RPZ, hosts, dnsmasq, Squid, AdGuard, appliances)
//
// # Engine wiring
//
//	svc, err := discovery.Install(engine, dataDir,
//	    discovery.WithQuery(q),          // lets `.apply policies` run discover_apps
//	    discovery.WithClock(now),        // optional
//	    discovery.WithActor(user),       // default actor of the audit trail
//	    discovery.WithOwnHosts(addr))    // prowl's own endpoints join the never-block list
//
// # KQL surface
//
// Scalar functions (argument: a URL, host name, app name or app id):
//
//	cloud_app(url)            app name or "" (host matching only: longest domain suffix)
//	cloud_app_id(x)           stable app id
//	cloud_app_category(x)     one of the 42 categories
//	cloud_app_score(x)        real 0–10, null when unscored
//	cloud_app_tag(x)          Sanctioned, Unsanctioned, Monitored, a custom tag, or ""
//	cloud_app_tagged_at(x)    datetime of the current tag, null when untagged
//	cloud_app_domains(x)      dynamic array of the app's domains
//	url_host(url)             normalised host (lower case; no scheme, credentials, port, path)
//	device_risk_level(daily, unsanctioned, lowscore), device_risk_reasons(...)
//	                          score.Device over daily [day, upload, transactions] triples
//
// Stored functions, each over a table of DeviceNetworkEvents shape:
//
//	T | invoke discover_apps()        App, AppId, Category, Score, Tag, Users, Devices, IPAddresses,
//	                                  Transactions, TotalBytes, UploadBytes, DownloadBytes, FirstSeen, LastSeen
//	T | invoke discover_devices()     DeviceId, DeviceName, RiskLevel, RiskReasons, traffic, Apps, AppList,
//	                                  UnsanctionedApps, Users, IPAddresses, Days, FirstSeen, LastSeen
//	T | invoke discover_users()       User, Apps, AppList, Devices, DeviceList, traffic, FirstSeen, LastSeen
//	T | invoke unsanctioned_access()  one row per device, user, app and domain accessed after the app was
//	                                  unsanctioned; Blocked=false ("not blocked") when access still
//	                                  succeeded after the propagation window (default 3h)
//
// System accounts (SYSTEM, LOCAL SERVICE, NETWORK SERVICE) and the settings'
// excluded users, devices and IPs do not count as users.
//
// Virtual tables: CloudAppCatalog, CloudAppTags, CloudAppIndicators.
//
// Control commands:
//
//	.unsanction app "Dropbox" [, "Other"] [with (reason="...", groups="G1,G2", actor="...")]
//	.sanction app ... · .monitor app ... · .untag app ... · .tag app "X" with (tag="Custom")
//	.show apps · .show app "X" · .show tags · .show indicators · .show policies
//	.export indicators format=stix      (one row per part; Defender JSON/CSV split at 500)
//	.apply policies [period=30d]
//
// # Go API (what the CLI calls)
//
//	svc.Tag(app, tag, reason, groups, actor) (*TagResult, error)   // refuses never-block apps (ErrNeverBlock)
//	svc.Untag(app, reason, actor) (*TagResult, error)
//	svc.Indicators(format) (*indicator.Output, error)              // formats: indicator.Formats
//	svc.Tags(), svc.Audit(), svc.Ledger(), svc.Score(app)
//	svc.App(ref) (*catalog.App, bool, error), svc.Catalog() (*catalog.Catalog, error)
//	// the catalog (embedded + <data>/_prowl/catalog.json) is built on first use;
//	// the error is a broken user catalog file
//	svc.HuntingQuery(app) (string, error)                           // per-app drill-down query
//	svc.ApplyPolicies(usage, actor) ([]govern.Alert, error)
//
// Indicators: Unsanctioned → Block per domain, Monitored → Warn (setting
// warn_monitored, default on), Sanctioned → none. Each carries the external
// id prowl:<app-id>:<domain>; the ledger (<data>/_prowl/indicators.json) makes
// emitting idempotent, and untagging emits exactly the withdrawals (Defender
// formats: the same indicator expiring at removal; STIX: revoked). Blocking
// reaches endpoints within hours; every export says so.
//
// Catalog use from other packages (e.g. the data generator):
//
//	cat, err := catalog.Load()           // embedded catalog
//	for _, app := range cat.Apps() {     // app.ID, app.Name, app.Category, app.Domains
//	}
//	app, ok := cat.Match("https://dl.dropboxusercontent.com/x") // → Dropbox
package discovery
