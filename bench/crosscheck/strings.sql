-- != keeps nulls (Kusto strings are never null: null reads as ""), contains/startswith are case-insensitive,
-- has is a whole-term match.
-- approx: Urls
SELECT RemotePort, count(*) AS Count, count(DISTINCT RemoteUrl) AS Urls, count(*) FILTER (WHERE RemoteUrl ILIKE 'https://%') AS Https
FROM DeviceNetworkEvents
WHERE coalesce(RemoteUrl, '') <> ''
  AND NOT coalesce(RemoteUrl, '') ILIKE '%microsoft%'
  AND NOT regexp_matches(coalesce(RemoteUrl, ''), '(^|[^[:alnum:]])(?i:google)([^[:alnum:]]|$)')
  AND coalesce(InitiatingProcessAccountUpn, '') <> 'nobody@contoso.com'
GROUP BY ALL
