-- approx: Platforms
SELECT json_extract_string(u, '$.UserName') AS UserName, json_extract_string(u, '$.DomainName') AS Domain,
       count(*) AS Entries, count(DISTINCT OSPlatform) AS Platforms
FROM (SELECT OSPlatform, unnest(json_extract(LoggedOnUsers, '$[*]')) AS u FROM DeviceInfo)
WHERE coalesce(json_extract_string(u, '$.UserName'), '') <> ''
GROUP BY ALL
