//! Mock HostUp API server (filled in by the mock work).
