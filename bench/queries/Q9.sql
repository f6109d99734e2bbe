SELECT * FROM DeviceNetworkEvents WHERE RemoteUrl IN ('dropbox.com', 'www.dropbox.com', 'dl.dropboxusercontent.com') ORDER BY Timestamp DESC
