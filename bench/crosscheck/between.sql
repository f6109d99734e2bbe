-- between is inclusive at both ends.
-- approx: Hours
SELECT count(*) AS Count, min(Timestamp) AS First, max(Timestamp) AS Last, count(DISTINCT time_bucket(INTERVAL 1 hour, Timestamp)) AS Hours
FROM DeviceNetworkEvents
WHERE Timestamp BETWEEN TIMESTAMPTZ '2025-12-10 00:00:00+00' AND TIMESTAMPTZ '2025-12-11 06:00:00+00'
