-- innerunique keeps one left row per key; OSPlatform is fixed per device, so any_value is deterministic.
-- approx: Devices
WITH l AS (SELECT DeviceId, any_value(OSPlatform) AS OSPlatform FROM DeviceInfo GROUP BY DeviceId)
SELECT l.OSPlatform, count(*) AS Rows, count(DISTINCT l.DeviceId) AS Devices
FROM l JOIN DeviceNetworkEvents e ON l.DeviceId = e.DeviceId
WHERE e.RemotePort = 3389
GROUP BY ALL
