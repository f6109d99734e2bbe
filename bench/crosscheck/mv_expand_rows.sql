-- mv-expand: an array gives a row per element, [] zero rows, null one row.
SELECT OSPlatform,
       sum(CASE WHEN coalesce(LoggedOnUsers, '') = '' THEN 1 ELSE json_array_length(LoggedOnUsers) END) AS Rows,
       sum(CASE WHEN coalesce(LoggedOnUsers, '') = '' THEN 1 ELSE 0 END) AS NullUsers
FROM DeviceInfo
GROUP BY ALL
HAVING Rows > 0
