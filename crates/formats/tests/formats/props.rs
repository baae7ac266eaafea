//! No input makes an importer panic: arbitrary bytes, and fixtures with
//! random bytes changed, cut or appended (which reach far deeper into each
//! parser than noise does). Fixtures whose key derivation costs seconds
//! per case (Argon2 64 MiB, PBKDF2 100,000+) are mutated without the
//! password, which stops them before the KDF.

use apiq_formats::{import, Format};
use proptest::prelude::*;

use crate::common::fixture;

/// One fixture per parser, with the password to use while mutating.
const SEEDS: &[(&str, Option<&[u8]>)] = &[
    ("plain.txt", None),
    ("ente_auth.txt", None),
    ("aegis_plain.json", None),
    ("aegis_plain_grouped_v2.json", None),
    ("2fas_authenticator_plain_v4.2fas", None),
    ("2fas_authenticator.json", None),
    ("andotp_plain.json", None),
    ("andotp_encrypted_old.bin", Some(b"test")),
    ("bitwarden.json", None),
    ("bitwarden.csv", None),
    ("stratum_plain.json", None),
    ("stratum_internal.db", None),
    ("authy_plain.xml", None),
    ("authy_encrypted.xml", Some(b"testtest")),
    ("authenticator_plus.zip", Some(b"testtesttest")),
    ("battle_net_authenticator.xml", None),
    ("duo.json", None),
    ("freeotp.xml", None),
    ("freeotp_plus.json", None),
    ("freeotp_v2_null_algo.xml", None),
    ("google_authenticator.sqlite", None),
    ("microsoft_authenticator.sqlite", None),
    ("steam.json", None),
    ("steam_old.json", None),
    ("proton_authenticator.json", None),
    ("totp_authenticator.bin", Some(b"Testtest1")),
    ("totp_authenticator_internal.xml", None),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = import(&bytes, None, Some(b"pw"));
        for f in Format::all() {
            let _ = import(&bytes, Some(*f), Some(b"pw"));
            let _ = import(&bytes, Some(*f), None);
        }
    }

    #[test]
    fn mutated_fixtures_never_panic(
        seed in 0..SEEDS.len(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        tail in proptest::collection::vec(any::<u8>(), 0..16),
    ) {
        let (file, password) = SEEDS[seed];
        let mut bytes = fixture(file);
        for (at, b) in &flips {
            let i = at.index(bytes.len());
            bytes[i] = *b;
        }
        let _ = import(&bytes, None, password);
        let cut_at = cut.index(bytes.len() + 1);
        bytes.truncate(cut_at);
        bytes.extend_from_slice(&tail);
        let _ = import(&bytes, None, password);
        for f in Format::all() {
            let _ = import(&bytes, Some(*f), password);
        }
    }
}
