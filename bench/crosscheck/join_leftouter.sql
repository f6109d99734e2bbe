SELECT d.DeviceName, s.Ssh, s.LastSsh
FROM (SELECT DISTINCT DeviceId, DeviceName FROM DeviceInfo) d
LEFT JOIN (SELECT DeviceId, count(*) AS Ssh, max(Timestamp) AS LastSsh FROM DeviceNetworkEvents WHERE RemotePort = 22 GROUP BY DeviceId) s
  ON d.DeviceId = s.DeviceId
