-- != with one null side is true (kql.md), so rows with null BytesSent stay; iff(null, ...) takes the else branch.
SELECT CASE WHEN BytesSent > 100000 THEN 'big' ELSE 'small' END AS Size, Protocol, count(*) AS Rows,
       count(*) FILTER (WHERE BytesSent IS NULL) AS NullSent, sum(BytesSent // 1024) AS SumKb,
       max(BytesSent + BytesReceived) AS MaxTotal, min(BytesSent) AS MinSent
FROM DeviceNetworkEvents
WHERE BytesSent IS DISTINCT FROM 5000 AND LocalPort IS DISTINCT FROM 0
GROUP BY ALL
