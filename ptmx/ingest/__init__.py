"""Writers of dataset folders: PeaTMOSS SQLite → Parquet, the bundled sample, extension tables."""
