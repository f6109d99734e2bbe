WITH smb AS (SELECT DeviceId, count(*) AS Smb FROM DeviceNetworkEvents WHERE RemotePort = 445 GROUP BY 1),
     devices AS (SELECT DISTINCT DeviceId, DeviceName FROM DeviceInfo),
     u AS (SELECT d.DeviceName, s.Smb FROM smb s RIGHT JOIN devices d ON s.DeviceId = d.DeviceId
           UNION ALL
           SELECT d.DeviceName, NULL FROM devices d WHERE d.DeviceId IN (SELECT DeviceId FROM smb))
SELECT count(*) AS Rows, count(Smb) AS WithSmb, coalesce(sum(Smb), 0) AS TotalSmb FROM u
