-- stdev is the sample standard deviation (rounded: its last bits depend on merge order); bin on a long floors to a multiple.
SELECT (BytesSent // 10000) * 10000 AS Bucket, count(*) AS Count, round(avg(BytesReceived), 2) AS AvgReceived,
       round(stddev_samp(BytesSent), 4) AS Spread, sum(BytesReceived::DOUBLE) / sum(BytesSent) AS Ratio
FROM DeviceNetworkEvents
WHERE BytesSent IS NOT NULL AND (BytesSent // 10000) * 10000 < 200000
GROUP BY 1
