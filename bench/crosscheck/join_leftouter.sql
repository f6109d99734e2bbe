SELECT d.DeviceName, s.Smb, s.LastSmb
FROM (SELECT DISTINCT DeviceId, DeviceName FROM DeviceInfo) d
LEFT JOIN (SELECT DeviceId, count(*) AS Smb, max(Timestamp) AS LastSmb FROM DeviceNetworkEvents WHERE RemotePort = 445 GROUP BY DeviceId) s
  ON d.DeviceId = s.DeviceId
