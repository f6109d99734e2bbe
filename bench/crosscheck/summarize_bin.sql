-- approx: Devices
SELECT time_bucket(INTERVAL 1 day, Timestamp) AS Day, Protocol, count(*) AS Events, sum(BytesSent) AS Sent,
       max(BytesReceived) AS MaxReceived, min(RemotePort) AS MinPort, avg(BytesSent) AS AvgSent,
       count(DISTINCT DeviceId) AS Devices, count(*) FILTER (WHERE ActionType = 'ConnectionFailed') AS Failed
FROM DeviceNetworkEvents
GROUP BY ALL
