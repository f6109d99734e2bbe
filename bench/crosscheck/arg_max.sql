SELECT DeviceId, max(Timestamp) AS Timestamp, arg_max(RemoteUrl, Timestamp) AS RemoteUrl, arg_max(RemotePort, Timestamp) AS RemotePort,
       min(Timestamp) AS First
FROM DeviceNetworkEvents WHERE coalesce(RemoteUrl, '') <> ''
GROUP BY 1
