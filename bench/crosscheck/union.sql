SELECT Kind, time_bucket(INTERVAL 1 day, Timestamp) AS Day, count(*) AS Count
FROM (SELECT Timestamp, DeviceId, 'ssh' AS Kind FROM DeviceNetworkEvents WHERE RemotePort = 22
      UNION ALL
      SELECT Timestamp, DeviceId, 'rdp-logon' AS Kind FROM DeviceLogonEvents WHERE LogonType = 'RemoteInteractive')
GROUP BY ALL
