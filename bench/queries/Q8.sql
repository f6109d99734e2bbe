SELECT count(*) AS count_, sum(BytesSent) AS sum_BytesSent FROM DeviceNetworkEvents WHERE Timestamp BETWEEN TIMESTAMPTZ '{{DAY}} 00:00:00+00' AND TIMESTAMPTZ '{{DAY}} 00:00:00+00' + INTERVAL 1 day
