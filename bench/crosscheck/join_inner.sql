SELECT d.OSPlatform, count(*) AS Connections, sum(e.BytesSent) AS Sent
FROM DeviceNetworkEvents e JOIN (SELECT DISTINCT DeviceId, OSPlatform FROM DeviceInfo) d ON e.DeviceId = d.DeviceId
WHERE e.RemotePort = 443
GROUP BY ALL
