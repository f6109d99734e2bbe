SELECT DeviceId, count(*) AS Big, max(BytesSent) AS MaxSent
FROM DeviceNetworkEvents
WHERE DeviceId IN (SELECT DeviceId FROM DeviceNetworkEvents GROUP BY DeviceId ORDER BY sum(BytesSent) DESC NULLS LAST LIMIT 3)
  AND BytesSent > 100000
GROUP BY 1
