// Package gen generates a realistic, deterministic synthetic hunting dataset
// (DeviceNetworkEvents with byte counters, DeviceInfo, DeviceLogonEvents,
// DeviceNetworkInfo) as Arrow record batches.
//
// Generate pushes the batches into a Sink; WriteCatalog writes them into a
// storage catalog. The same Config (seed and End included) always yields the
// same rows in the same order, whatever the number of workers: every batch is
// produced by its own RNG seeded from the config seed and the batch's position
// in time. Low-cardinality string columns are Dictionary(Int32, String) arrays
// sharing one dictionary per column across all batches (Config.PlainStrings
// turns that off).
//
// The data carries three planted stories for demos and tests (see Stories): a
// device uploading gigabytes to Dropbox at night, one user signing in on many
// machines, and a rare app (Figma) used by one department only.
package gen
