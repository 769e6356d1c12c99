-- Records the device's outbox dropped to stay within its disk budget, summed per device, so the fleet page
-- shows data loss instead of hiding it.
ALTER TABLE devices ADD COLUMN records_dropped BIGINT NOT NULL DEFAULT 0;
