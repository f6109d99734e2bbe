SELECT d.DeviceName
FROM (SELECT DISTINCT DeviceId, DeviceName FROM DeviceInfo) d
WHERE NOT EXISTS (SELECT 1 FROM DeviceNetworkEvents e WHERE e.RemotePort = 3389 AND e.DeviceId = d.DeviceId)
