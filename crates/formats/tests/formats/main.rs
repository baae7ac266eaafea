//! The integration tests of apiq-formats, one binary:
//! - `fixtures`: every file of the Aegis importer suite imports to the
//!   entries `expected.json` lists, by name and by auto-detection, and
//!   gives the listed codes;
//! - `roundtrip`: every exporter's output imports back to the same entries;
//! - `aegis_python`: our encrypted Aegis export opens with an independent
//!   implementation (Python `cryptography`, `tests/aegis_decrypt.py`);
//! - `errors`: wrong passwords, truncation, random bytes, huge and deeply
//!   nested inputs are clear errors;
//! - `hostile`: crafted inputs that would cost gigabytes or minutes (repeated
//!   SQLite cells, Java back-references, hundreds of Aegis password slots)
//!   are refused quickly, in bounded memory;
//! - `props`: no input makes any importer panic;
//! - `sqlite`: the built-in SQLite reader against databases the real SQLite
//!   writes.

mod aegis_python;
mod common;
mod errors;
mod fixtures;
mod hostile;
mod props;
mod roundtrip;
mod sqlite;
