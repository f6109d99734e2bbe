-- =~, in~, hasprefix, endswith are case-insensitive; contains_cs is not; has/hasprefix are term matches.
SELECT ActionType,
  count(*) FILTER (WHERE lower(InitiatingProcessFileName) = 'chrome.exe') AS Eq,
  count(*) FILTER (WHERE lower(InitiatingProcessFileName) IN ('msedge.exe', 'teams.exe')) AS InCi,
  count(*) FILTER (WHERE regexp_matches(coalesce(RemoteUrl, ''), '(^|[^[:alnum:]])(?i:drop)')) AS Prefix,
  count(*) FILTER (WHERE coalesce(RemoteUrl, '') ILIKE '%.com') AS Suffix,
  count(*) FILTER (WHERE regexp_matches(coalesce(RemoteUrl, ''), '^[a-z]+\.[a-z]+\.com$')) AS Regex,
  count(*) FILTER (WHERE coalesce(RemoteUrl, '') LIKE '%Microsoft%') AS CsContains,
  count(*) FILTER (WHERE NOT coalesce(RemoteUrl, '') ILIKE 'https%') AS NotStarts,
  count(*) FILTER (WHERE regexp_matches(coalesce(InitiatingProcessCommandLine, ''), '(^|[^[:alnum:]])(?i:NetworkService)([^[:alnum:]]|$)')) AS Term
FROM DeviceNetworkEvents
GROUP BY ALL
