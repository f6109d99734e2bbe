// Package gen generates a realistic, deterministic synthetic hunting dataset
// (DeviceNetworkEvents with byte counters, DeviceInfo, DeviceLogonEvents,
// DeviceNetworkInfo) as Arrow record batches.
//
// The same Config (seed included) always yields the same rows in the same
// order, whatever the number of workers: every batch is produced by its own
// RNG seeded from the config seed and the batch's position in time.
//
// The data carries three planted stories for demos and tests (see Stories): a
// device uploading gigabytes to Dropbox at night, one user signing in on many
// machines, and a rare app used by one department only.
package gen
