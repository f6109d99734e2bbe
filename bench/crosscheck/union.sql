SELECT Kind, time_bucket(INTERVAL 1 day, Timestamp) AS Day, count(*) AS Count
FROM (SELECT Timestamp, DeviceId, 'smb' AS Kind FROM DeviceNetworkEvents WHERE RemotePort = 445
      UNION ALL
      SELECT Timestamp, DeviceId, 'rdp-logon' AS Kind FROM DeviceLogonEvents WHERE LogonType = 'RemoteInteractive')
GROUP BY ALL
