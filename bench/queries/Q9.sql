SELECT * FROM DeviceNetworkEvents WHERE RemoteUrl IN ('dropbox.com', 'www.dropbox.com', 'dl.dropboxusercontent.com', 'content.dropboxapi.com') ORDER BY Timestamp DESC
