-- The highest sequence held per device, kept with the device row so an ingest answers it without scanning
-- the device's records (one statement fewer per batch).
ALTER TABLE devices ADD COLUMN highest_sequence BIGINT NOT NULL DEFAULT 0;
UPDATE devices SET highest_sequence = COALESCE((SELECT MAX(r.sequence) FROM records r WHERE r.device_id = devices.device_id), 0);
