SELECT DeviceId, sum(BytesSent) AS TotalBytes FROM DeviceNetworkEvents GROUP BY DeviceId ORDER BY TotalBytes DESC NULLS LAST LIMIT 10
