-- KQL parse (simple mode): string columns match lazily, the last one takes the rest; no match gives "".
-- approx: Paths
SELECT regexp_extract(RemoteUrl, '^https://(.*?)/(.*)$', 1) AS Host, count(*) AS Count,
       count(DISTINCT regexp_extract(RemoteUrl, '^https://(.*?)/(.*)$', 2)) AS Paths
FROM DeviceNetworkEvents WHERE RemoteUrl ILIKE 'https://%'
GROUP BY ALL
