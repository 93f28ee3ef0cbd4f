"""The corpus on disk: the SQLite store, its lock and its JSONL snapshot."""
