SELECT DeviceId, Timestamp, DeviceName, OSPlatform, OSVersion, LoggedOnUsers
FROM DeviceInfo
QUALIFY row_number() OVER (PARTITION BY DeviceId ORDER BY Timestamp DESC) = 1
