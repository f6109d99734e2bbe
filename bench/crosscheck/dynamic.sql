-- tostring(missing) is "" (NULL here, compared as ""); parse_json("") is null.
SELECT json_extract_string(nullif(AdditionalFields, ''), '$.version') AS Version,
       json_extract(nullif(AdditionalFields, ''), '$.established')::BOOLEAN AS Established,
       json_extract_string(nullif(AdditionalFields, ''), '$.direction') AS Direction, count(*) AS Count
FROM DeviceNetworkEvents
GROUP BY ALL
