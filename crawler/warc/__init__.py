"""WARC capture of fetched pages, replay from WARC files, and record sources."""
