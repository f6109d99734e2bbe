SELECT coalesce(a.DeviceId, b.DeviceId) AS Device, a.Smb, b.Rdp
FROM (SELECT DeviceId, count(*) AS Smb FROM DeviceNetworkEvents WHERE RemotePort = 445 GROUP BY 1) a
FULL OUTER JOIN (SELECT DeviceId, count(*) AS Rdp FROM DeviceNetworkEvents WHERE RemotePort = 3389 GROUP BY 1) b
  ON a.DeviceId = b.DeviceId
