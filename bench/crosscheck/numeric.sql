-- stdev is the sample standard deviation; bin on a long floors to a multiple.
SELECT (BytesSent // 10000) * 10000 AS Bucket, count(*) AS Count, round(avg(BytesReceived), 2) AS AvgReceived,
       stddev_samp(BytesSent) AS Spread, sum(BytesReceived::DOUBLE) / sum(BytesSent) AS Ratio
FROM DeviceNetworkEvents
WHERE BytesSent IS NOT NULL AND (BytesSent // 10000) * 10000 < 200000
GROUP BY 1
