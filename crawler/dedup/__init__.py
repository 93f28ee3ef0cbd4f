"""Pure deduplication logic: fingerprints and merge rules (no I/O)."""
