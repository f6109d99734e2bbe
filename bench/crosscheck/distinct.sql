SELECT DISTINCT RemotePort, Protocol, ActionType FROM DeviceNetworkEvents WHERE RemotePort IN (80, 8080, 53)
