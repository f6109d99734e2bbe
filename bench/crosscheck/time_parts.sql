-- dayofweek is a timespan (Sunday = 0d), startofweek starts on Sunday; timespans compare as microseconds.
SELECT dayofweek(Timestamp)::BIGINT * 86400000000 AS Weekday,
       date_trunc('day', Timestamp) - to_days(dayofweek(Timestamp)::INT) AS Week, date_trunc('month', Timestamp) AS Month,
       count(*) AS Count, count(*) FILTER (WHERE hour(Timestamp) < 6) AS NightOwls, max(hour(Timestamp)) AS LastHour,
       max(epoch_us(Timestamp) - epoch_us(date_trunc('day', Timestamp))) AS Late
FROM DeviceNetworkEvents
GROUP BY ALL
