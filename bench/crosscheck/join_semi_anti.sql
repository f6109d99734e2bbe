WITH talkers AS (
  SELECT DISTINCT DeviceId FROM DeviceNetworkEvents
  WHERE regexp_matches(coalesce(RemoteUrl, ''), '(^|[^[:alnum:]])(?i:figma|github|dropbox)([^[:alnum:]]|$)')
), d AS (SELECT DISTINCT DeviceId, OSPlatform FROM DeviceInfo)
SELECT Side, OSPlatform, count(*) AS Devices FROM (
  SELECT 'semi' AS Side, OSPlatform FROM d WHERE DeviceId IN (SELECT DeviceId FROM talkers)
  UNION ALL
  SELECT 'rightanti' AS Side, OSPlatform FROM d WHERE DeviceId NOT IN (SELECT DeviceId FROM talkers)
) GROUP BY ALL
