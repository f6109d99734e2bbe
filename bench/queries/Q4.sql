SELECT InitiatingProcessFileName, time_bucket(INTERVAL 1 hour, Timestamp) AS Timestamp, count(*) AS count_ FROM DeviceNetworkEvents GROUP BY ALL
