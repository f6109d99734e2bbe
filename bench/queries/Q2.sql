SELECT count(*) AS Count FROM DeviceNetworkEvents WHERE RemoteUrl ILIKE '%dropbox%'
