//! The `apiq-authenticator` binary: everything lives in the library.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    apiq_authenticator::run()
}
