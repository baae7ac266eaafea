//! apiq-scan: see the crate description; filled in by its issue.
