//! Every file of `tests/fixtures/aegis-importers` must import to the
//! entries `expected.json` lists for it, by its `format` name and by
//! auto-detection, with nothing skipped; where an imported entry has its
//! reference vector's parameters, its codes at `codes_at` must be the
//! listed ones.

use apiq_formats::{import, Format, Import};
use serde_json::Value;

use crate::common::{canonical, expected, fixture};

/// The reference vectors' secrets (FORMATS.md, "The 8 reference
/// vectors"), to find which `codes_at` column an entry's codes are in.
const VECTORS: [(&str, &str); 8] = [
    ("V1", "4SJHB4GSD43FZBAI7C2HLRJGPQ"),
    ("V2", "5OM4WOOGPLQEF6UGN3CPEOOLWU"),
    ("V3", "7ELGJSGXNCCTV3O6LKJWYFV2RA"),
    ("V4", "YOOMIXWS5GN6RTBPUFFWKTW5M4"),
    ("V5", "KUVJJOM753IHTNDSZVCNKL7GII"),
    ("V6", "5VAML3X35THCEBVRLV24CGBKOY"),
    ("V7", "JRZCL47CMXVOQMNPZR2F7J4RGI"),
    ("V8", "BMGRXPGFARQQF4GMT25JATL2VYLAHDBI"),
];

/// The vector entries as plain.txt / battle_net give them exactly.
fn vector_entries(exp: &Value) -> Vec<Value> {
    let files = &exp["files"];
    let mut v: Vec<Value> = files["aegis_plain.json"]["entries"]
        .as_array()
        .unwrap()
        .clone();
    v.extend(
        files["battle_net_authenticator.xml"]["entries"]
            .as_array()
            .unwrap()
            .clone(),
    );
    v
}

const PARAMS: [&str; 6] = ["type", "secret", "algorithm", "digits", "period", "counter"];

fn matches(compare: &str, want: &Value, got: &Value) -> bool {
    match compare {
        "exact" => want == got,
        "params" => PARAMS.iter().all(|k| want[k] == got[k]),
        other => panic!("unknown compare mode {other}"),
    }
}

/// Checks one import against the expected entries of `file`; returns how
/// many codes were compared.
fn check(file: &str, spec: &Value, imported: &Import, exp: &Value) -> usize {
    assert!(
        imported.skipped.is_empty(),
        "{file}: skipped {:?}",
        imported.skipped
    );
    let want = spec["entries"].as_array().unwrap();
    let compare = spec["compare"].as_str().unwrap();
    assert_eq!(imported.entries.len(), want.len(), "{file}: entry count");
    let mut used = vec![false; imported.entries.len()];
    for w in want {
        let found = imported
            .entries
            .iter()
            .enumerate()
            .find(|(i, e)| !used[*i] && matches(compare, w, &canonical(&e.entry)));
        let Some((i, _)) = found else {
            let got: Vec<Value> = imported
                .entries
                .iter()
                .map(|e| canonical(&e.entry))
                .collect();
            panic!("{file}: no imported entry matches {w}\n imported: {got:#?}");
        };
        used[i] = true;
    }
    let vectors = vector_entries(exp);
    let mut codes = 0;
    for e in &imported.entries {
        let c = canonical(&e.entry);
        let Some((id, _)) = VECTORS.iter().find(|(_, s)| c["secret"] == *s) else {
            panic!("{file}: an entry with an unknown secret");
        };
        let vector = vectors.iter().find(|v| v["secret"] == c["secret"]).unwrap();
        if !PARAMS.iter().all(|k| vector[k] == c[k]) {
            continue; // a fix-up changed the parameters: the vector's codes do not apply
        }
        for (t, table) in exp["codes_at"].as_object().unwrap() {
            let t: u64 = t.parse().unwrap();
            assert_eq!(
                e.entry.code_at(t),
                table[*id].as_str().unwrap(),
                "{file}: {id} at {t}"
            );
            codes += 1;
        }
    }
    codes
}

fn password(spec: &Value) -> Option<Vec<u8>> {
    spec["password"].as_str().map(|p| p.as_bytes().to_vec())
}

#[test]
fn every_fixture_imports_by_name() {
    let exp = expected();
    let mut codes = 0;
    let files = exp["files"].as_object().unwrap();
    for (file, spec) in files {
        let name = spec["format"].as_str().unwrap();
        let format = Format::from_name(name).unwrap_or_else(|| panic!("format name {name}"));
        assert_eq!(format.name(), name);
        let bytes = fixture(file);
        let imported = import(&bytes, Some(format), password(spec).as_deref())
            .unwrap_or_else(|e| panic!("{file} as {name}: {e}"));
        assert_eq!(imported.format, format);
        codes += check(file, spec, &imported, &exp);
    }
    assert!(files.len() >= 40, "the whole suite is there");
    assert!(codes > 100, "codes were compared ({codes})");
}

#[test]
fn every_fixture_imports_by_detection() {
    let exp = expected();
    for (file, spec) in exp["files"].as_object().unwrap() {
        let name = spec["format"].as_str().unwrap();
        let bytes = fixture(file);
        let imported = import(&bytes, None, password(spec).as_deref())
            .unwrap_or_else(|e| panic!("{file} detected: {e}"));
        // FreeOTP+ keeps FreeOTP's tokens.xml layout unchanged: the same
        // bytes cannot tell the apps apart, and both read it the same way.
        let same_layout = name == "freeotp-plus" && imported.format == Format::FreeOtp;
        assert!(
            imported.format.name() == name || same_layout,
            "{file}: detected {}",
            imported.format
        );
        check(file, spec, &imported, &exp);
    }
}

#[test]
fn aegis_v2_groups_migrate() {
    let i = import(
        &fixture("aegis_plain_grouped_v2.json"),
        Some(Format::Aegis),
        None,
    )
    .unwrap();
    let groups = |issuer: &str| {
        i.entries
            .iter()
            .find(|e| e.entry.issuer == issuer)
            .map(|e| e.groups.clone())
            .unwrap()
    };
    assert_eq!(groups("Deno"), ["group1"]);
    assert_eq!(groups("Airbnb"), ["group1"]);
    assert_eq!(groups("Issuu"), ["group2"]);
    let ungrouped = i.entries.iter().filter(|e| e.groups.is_empty()).count();
    assert_eq!(ungrouped, 4);
}

#[test]
fn fixtures_carry_no_invented_metadata() {
    let exp = expected();
    for (file, spec) in exp["files"].as_object().unwrap() {
        if file == "aegis_plain_grouped_v2.json" {
            continue;
        }
        let bytes = fixture(file);
        let i = import(&bytes, None, password(spec).as_deref()).unwrap();
        for e in &i.entries {
            assert_eq!(e.note, "", "{file}");
            assert!(!e.favorite, "{file}");
            assert!(e.icon.is_none(), "{file}");
            assert!(e.groups.is_empty(), "{file}: {:?}", e.groups);
        }
    }
}

#[test]
fn format_names_round_trip() {
    for f in Format::all() {
        assert_eq!(Format::from_name(f.name()), Some(*f));
        assert_eq!(Format::from_name(&f.name().to_uppercase()), Some(*f));
    }
    assert_eq!(Format::from_name("ente"), Some(Format::Otpauth));
    assert_eq!(
        Format::from_name("authenticator-pro"),
        Some(Format::Stratum)
    );
    assert_eq!(Format::from_name("auto"), None);
    assert_eq!(Format::from_name("nonsense"), None);
}

/// 2FAS's icon choice is kept (an icon of its collection, a label of the
/// person's own); what 2FAS makes by itself (its default icon, the two
/// letters of the name) is not an icon.
#[test]
fn twofas_keeps_a_chosen_icon_only() {
    let service = |name: &str, icon: &str| {
        format!(
            r#"{{"name":"{name}","secret":"JBSWY3DPEHPK3PXP","otp":{{"issuer":"{name}","account":"me","tokenType":"TOTP"}},"icon":{icon}}}"#
        )
    };
    let backup = format!(
        r#"{{"schemaVersion":4,"services":[{},{},{},{}],"groups":[]}}"#,
        service(
            "Deno",
            r#"{"selected":"Label","label":{"text":"DE","backgroundColor":"Yellow"}}"#
        ),
        service(
            "Mine",
            r#"{"selected":"Label","label":{"text":"XY","backgroundColor":"Pink"}}"#
        ),
        service(
            "Git",
            r#"{"selected":"IconCollection","iconCollection":{"id":"a5b3fb65-4ec5-43e6-8ec1-49e24ca9e7ad"}}"#
        ),
        service(
            "Hub",
            r#"{"selected":"IconCollection","iconCollection":{"id":"0c3b1a52-7f5e-4d0b-a6c2-3b1f2d4e5a60"}}"#
        ),
    );
    let i = import(backup.as_bytes(), Some(Format::TwoFas), None).unwrap();
    let icons: Vec<Option<String>> = i
        .entries
        .iter()
        .map(|e| {
            e.icon.as_ref().map(|ic| {
                assert_eq!(ic.mime, apiq_formats::TWOFAS_ICON_MIME);
                String::from_utf8(ic.data.clone()).unwrap()
            })
        })
        .collect();
    assert_eq!(icons[0], None);
    assert!(icons[1].as_deref().is_some_and(|s| s.contains("\"XY\"")));
    assert_eq!(icons[2], None);
    assert!(icons[3].as_deref().is_some_and(|s| s.contains("0c3b1a52")));
}
