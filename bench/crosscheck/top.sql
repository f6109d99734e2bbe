SELECT InitiatingProcessFileName, sum(BytesSent) AS Up
FROM DeviceNetworkEvents WHERE ActionType = 'ConnectionSuccess'
GROUP BY 1 ORDER BY Up DESC NULLS LAST LIMIT 5
