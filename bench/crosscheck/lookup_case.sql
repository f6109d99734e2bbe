SELECT CASE WHEN d.OSPlatform ILIKE 'Windows%' THEN 'win' WHEN d.OSPlatform = 'macOS' THEN 'mac' ELSE 'other' END AS Family,
       e.ActionType, count(*) AS Count
FROM DeviceNetworkEvents e LEFT JOIN (SELECT DISTINCT DeviceId, OSPlatform FROM DeviceInfo) d ON e.DeviceId = d.DeviceId
GROUP BY ALL
ORDER BY Family, Count DESC, ActionType
