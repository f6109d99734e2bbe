package gen

import "strings"

// App is a cloud app as the generator sees it: a name and the host names its
// traffic goes to. Config.Apps takes them in popularity order (most used
// first); the generator draws apps Zipf-like by that rank.
type App struct {
	Name  string
	Hosts []string
}

// BuiltinApps is the small built-in list of real cloud apps and their hosts,
// used when Config.Apps is empty, most popular first. Figma is not in it: it is
// reserved for the planted rare-app story. Dropbox is an ordinary popular app
// (the seed hunting query looks for it); the exfiltration story adds its
// night-time uploads on top.
var BuiltinApps = []App{
	{"Microsoft 365", []string{"www.office.com", "login.microsoftonline.com", "outlook.office365.com", "substrate.office.com", "officecdn.microsoft.com"}},
	{"Google", []string{"www.google.com", "google.com", "apis.google.com", "fonts.googleapis.com", "www.gstatic.com", "accounts.google.com"}},
	{"Microsoft Teams", []string{"teams.microsoft.com", "statics.teams.cdn.office.net", "presence.teams.microsoft.com"}},
	{"Microsoft SharePoint Online", []string{"contoso.sharepoint.com", "contoso-my.sharepoint.com"}},
	{"YouTube", []string{"www.youtube.com", "i.ytimg.com", "rr3---sn-4g5e6nsz.googlevideo.com"}},
	{"Microsoft Bing", []string{"www.bing.com", "th.bing.com"}},
	{"LinkedIn", []string{"www.linkedin.com", "media.licdn.com", "static.licdn.com"}},
	{"Microsoft OneDrive for Business", []string{"onedrive.live.com", "api.onedrive.com", "skyapi.onedrive.live.com"}},
	{"Gmail", []string{"mail.google.com"}},
	{"Google Drive", []string{"drive.google.com", "docs.google.com"}},
	{"Slack", []string{"slack.com", "app.slack.com", "files.slack.com", "a.slack-edge.com"}},
	{"Zoom", []string{"zoom.us", "us02web.zoom.us", "zoom.com"}},
	{"Dropbox", []string{"www.dropbox.com", "dropbox.com", "dl.dropboxusercontent.com", "api.dropboxapi.com", "cfl.dropboxstatic.com"}},
	{"Amazon", []string{"www.amazon.com", "m.media-amazon.com", "images-na.ssl-images-amazon.com"}},
	{"Facebook", []string{"www.facebook.com", "static.xx.fbcdn.net"}},
	{"GitHub", []string{"github.com", "api.github.com", "raw.githubusercontent.com", "objects.githubusercontent.com", "github.githubassets.com"}},
	{"Salesforce", []string{"login.salesforce.com", "contoso.my.salesforce.com", "contoso.lightning.force.com"}},
	{"Atlassian", []string{"contoso.atlassian.net", "id.atlassian.com", "api.atlassian.com"}},
	{"Adobe", []string{"www.adobe.com", "acrobat.adobe.com", "ims-na1.adobelogin.com"}},
	{"Apple", []string{"www.apple.com", "gateway.icloud.com", "p45-contacts.icloud.com"}},
	{"Cloudflare", []string{"www.cloudflare.com", "cdnjs.cloudflare.com", "challenges.cloudflare.com"}},
	{"Wikipedia", []string{"en.wikipedia.org", "upload.wikimedia.org"}},
	{"Amazon Web Services", []string{"s3.amazonaws.com", "console.aws.amazon.com", "signin.aws.amazon.com"}},
	{"ChatGPT", []string{"chatgpt.com", "chat.openai.com", "cdn.oaistatic.com", "api.openai.com"}},
	{"Zendesk", []string{"contoso.zendesk.com", "static.zdassets.com"}},
	{"Webex", []string{"contoso.webex.com", "web.webex.com"}},
	{"Canva", []string{"www.canva.com", "static.canva.com"}},
	{"Notion", []string{"www.notion.so", "notion.so", "msgstore.www.notion.so"}},
	{"Trello", []string{"trello.com", "api.trello.com"}},
	{"Spotify", []string{"open.spotify.com", "apresolve.spotify.com", "spclient.wg.spotify.com"}},
	{"Netflix", []string{"www.netflix.com", "assets.nflxext.com"}},
	{"Reddit", []string{"www.reddit.com", "i.redd.it", "styles.redditmedia.com"}},
	{"X (Twitter)", []string{"x.com", "twitter.com", "pbs.twimg.com", "abs.twimg.com"}},
	{"WhatsApp", []string{"web.whatsapp.com", "mmg.whatsapp.net"}},
	{"Claude", []string{"claude.ai", "api.anthropic.com"}},
	{"Discord", []string{"discord.com", "cdn.discordapp.com", "gateway.discord.gg"}},
	{"Telegram", []string{"web.telegram.org", "telegram.org"}},
	{"GitLab", []string{"gitlab.com"}},
	{"DigitalOcean", []string{"cloud.digitalocean.com"}},
	{"Yahoo", []string{"www.yahoo.com", "mail.yahoo.com", "s.yimg.com"}},
	{"Intuit", []string{"quickbooks.intuit.com", "accounts.intuit.com"}},
	{"TikTok", []string{"www.tiktok.com", "v16-webapp.tiktok.com"}},
	{"Proton Mail", []string{"mail.proton.me", "account.proton.me"}},
	{"MEGA", []string{"mega.nz", "g.api.mega.co.nz"}},
	{"WeTransfer", []string{"wetransfer.com", "www.wetransfer.com", "storm-eu-west-1.wetransfer.net"}},
	{"Box", []string{"app.box.com", "box.com", "dl.boxcloud.com"}},
	{"Yandex", []string{"yandex.ru", "mc.yandex.ru"}},
	{"Baidu", []string{"www.baidu.com"}},
	{"TeraBox", []string{"www.terabox.com"}},
	{"Alibaba Cloud", []string{"www.alibabacloud.com", "oss-cn-hangzhou.aliyuncs.com"}},
	{"Tencent", []string{"www.qq.com", "weixin.qq.com"}},
}

// The planted stories' apps and hosts.
var (
	dropboxHosts       = []string{"www.dropbox.com", "content.dropboxapi.com", "dl.dropboxusercontent.com", "api.dropboxapi.com"}
	dropboxUploadHosts = []string{"content.dropboxapi.com", "content.dropboxapi.com", "api.dropboxapi.com"}
	figmaHosts         = []string{"www.figma.com", "static.figma.com", "api.figma.com"}
)

// storyDomains are the registrable domains of the rare-app story: hosts under
// them are dropped from Config.Apps, so only the story's department uses it.
var storyDomains = []string{"figma.com"}

// WithCatalog returns BuiltinApps (the popular head, in order) followed by the
// apps of extra that are not among them (compared by name, ignoring case), so
// a large catalog becomes the mid tail of the traffic.
func WithCatalog(extra []App) []App {
	out := append([]App(nil), BuiltinApps...)
	seen := map[string]bool{}
	for _, a := range BuiltinApps {
		seen[strings.ToLower(a.Name)] = true
	}
	for _, a := range extra {
		if k := strings.ToLower(a.Name); !seen[k] && len(a.Hosts) > 0 {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// Hosts of the built-in processes' own update and service traffic.
var (
	windowsHosts = []string{"settings-win.data.microsoft.com", "v10.events.data.microsoft.com", "fe3cr.delivery.mp.microsoft.com",
		"dl.delivery.mp.microsoft.com", "ctldl.windowsupdate.com", "login.live.com", "array.bing.com"}
	defenderHosts = []string{"wdcp.microsoft.com", "winatp-gw-weu.microsoft.com", "us-v20.events.data.microsoft.com",
		"go.microsoft.com", "definitionupdates.microsoft.com"}
	appleHosts = []string{"gateway.icloud.com", "swscan.apple.com", "mesu.apple.com", "ocsp.apple.com"}
	linuxHosts = []string{"archive.ubuntu.com", "security.ubuntu.com", "packages.microsoft.com", "pypi.org", "files.pythonhosted.org"}
)

// Syllables of the long tail's made-up domain names.
var (
	tailSyllables = []string{"ka", "lo", "mi", "ran", "tor", "vel", "zen", "qu", "bri", "dax", "fen", "gor", "hub", "jin",
		"lux", "mor", "nex", "pix", "sol", "tri", "vox", "wex", "yo", "zap", "cor", "dyn", "ev", "fly", "gra", "io"}
	tailWords = []string{"cloud", "data", "shop", "media", "news", "labs", "soft", "net", "cdn", "apps", "blog", "store",
		"tech", "sync", "hub", "mail", "stat", "ads", "track", "game"}
	tailTLDs = []string{".com", ".com", ".com", ".net", ".io", ".org", ".co", ".de", ".co.uk", ".fr", ".app", ".xyz"}
)
