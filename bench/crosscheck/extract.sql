-- extract and split give "" when nothing matches; strlen counts characters.
-- approx: Hosts
SELECT regexp_extract(coalesce(RemoteUrl, ''), '\.([a-z]+)$', 1) AS Tld, count(*) AS Count,
       max(length(coalesce(RemoteUrl, ''))) AS MaxLen, count(DISTINCT lower(split_part(coalesce(RemoteUrl, ''), '.', 1))) AS Hosts
FROM DeviceNetworkEvents
GROUP BY ALL
