-- discover_apps() by hand: app_map and user_map come from prowl's matcher (mapping.go).
-- approx: Users, Devices, IPAddresses
SELECT m.App, m.AppId, m.Category, m.Score, m.Tag,
       count(DISTINCT nullif(u.User, '')) AS Users,
       count(DISTINCT e.DeviceId) AS Devices,
       count(DISTINCT nullif(e.LocalIP, '')) AS IPAddresses,
       count(*) AS Transactions,
       sum(coalesce(e.BytesSent, 0)) + sum(coalesce(e.BytesReceived, 0)) AS TotalBytes,
       sum(coalesce(e.BytesSent, 0)) AS UploadBytes,
       sum(coalesce(e.BytesReceived, 0)) AS DownloadBytes,
       min(e.Timestamp) AS FirstSeen,
       max(e.Timestamp) AS LastSeen
FROM DeviceNetworkEvents e
JOIN app_map m ON coalesce(e.RemoteUrl, '') = m.RemoteUrl
LEFT JOIN user_map u ON coalesce(e.InitiatingProcessAccountSid, '') = u.Sid AND coalesce(e.InitiatingProcessAccountName, '') = u.Name
    AND coalesce(e.InitiatingProcessAccountDomain, '') = u.Domain AND coalesce(e.InitiatingProcessAccountUpn, '') = u.Upn
WHERE e.Timestamp > TIMESTAMPTZ '{{NOW}}' - INTERVAL 30 day
GROUP BY ALL
ORDER BY TotalBytes DESC
