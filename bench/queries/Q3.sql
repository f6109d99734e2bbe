SELECT count(*) AS Count FROM DeviceNetworkEvents WHERE regexp_matches(RemoteUrl, '(^|[^[:alnum:]])(?i:wetransfer)([^[:alnum:]]|$)')
