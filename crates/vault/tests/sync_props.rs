//! The merge of sync states, against a model: random histories of changes
//! on 2–3 devices with random syncs between them (and devices whose wall
//! clocks are wrong), then every device syncing with every other. Checks:
//!
//! - `merge` is commutative, associative and idempotent on the states the
//!   histories produce;
//! - every device ends with the same vault;
//! - that vault is what the model says: each field holds the value of the
//!   latest change made to it anywhere (no acknowledged change lost), an
//!   entry is removed exactly when its removal came after every change to
//!   it, an HOTP counter is the highest reached, recovery codes are the
//!   union and a code used anywhere is used.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use apiq_otp::{Algorithm, Entry, Kind, Secret};
use apiq_vault::sync::{merge, DeviceId, Field, Stamp, State};
use apiq_vault::{EntryId, RecoveryCodes, VaultEntry};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Add { dev: usize, hotp: bool },
    Issuer { dev: usize, pick: usize, v: u8 },
    Note { dev: usize, pick: usize, v: u8 },
    Groups { dev: usize, pick: usize, v: u8 },
    Favorite { dev: usize, pick: usize },
    Secret { dev: usize, pick: usize, v: u8 },
    ToFront { dev: usize, pick: usize },
    Remove { dev: usize, pick: usize },
    Hotp { dev: usize, pick: usize, by: u8 },
    CodeAdd { dev: usize, pick: usize, code: u8 },
    CodeUse { dev: usize, pick: usize, code: u8 },
    Sync { from: usize, to: usize },
    Wait { ms: u16 },
}

fn op(devs: usize) -> impl Strategy<Value = Op> {
    let d = 0..devs;
    let p = any::<usize>();
    prop_oneof![
        (d.clone(), any::<bool>()).prop_map(|(dev, hotp)| Op::Add { dev, hotp }),
        (d.clone(), p, 0..4u8).prop_map(|(dev, pick, v)| Op::Issuer { dev, pick, v }),
        (d.clone(), p, 0..4u8).prop_map(|(dev, pick, v)| Op::Note { dev, pick, v }),
        (d.clone(), p, 0..4u8).prop_map(|(dev, pick, v)| Op::Groups { dev, pick, v }),
        (d.clone(), p).prop_map(|(dev, pick)| Op::Favorite { dev, pick }),
        (d.clone(), p, 1..4u8).prop_map(|(dev, pick, v)| Op::Secret { dev, pick, v }),
        (d.clone(), p).prop_map(|(dev, pick)| Op::ToFront { dev, pick }),
        (d.clone(), p).prop_map(|(dev, pick)| Op::Remove { dev, pick }),
        (d.clone(), p, 1..5u8).prop_map(|(dev, pick, by)| Op::Hotp { dev, pick, by }),
        (d.clone(), p, 0..6u8).prop_map(|(dev, pick, code)| Op::CodeAdd { dev, pick, code }),
        (d.clone(), p, 0..6u8).prop_map(|(dev, pick, code)| Op::CodeUse { dev, pick, code }),
        (d.clone(), d.clone()).prop_map(|(from, to)| Op::Sync { from, to }),
        (d.clone(), d).prop_map(|(from, to)| Op::Sync { from, to }),
        (0..3000u16).prop_map(|ms| Op::Wait { ms }),
    ]
}

fn entry(id: u64, hotp: bool) -> VaultEntry {
    let kind = if hotp {
        Kind::Hotp { counter: 0 }
    } else {
        Kind::Totp { period: 30 }
    };
    let mut raw = [0u8; 16];
    raw[..8].copy_from_slice(&id.to_le_bytes());
    VaultEntry {
        id: EntryId(raw),
        otp: Entry::new(
            kind,
            "Issuer",
            "name",
            Secret::from_bytes(vec![0; 10]).unwrap(),
            Algorithm::Sha1,
            6,
        )
        .unwrap(),
        note: String::new(),
        groups: Vec::new(),
        favorite: false,
        pinned: false,
        icon: None,
        created: 1,
        updated: 1,
        archived: false,
        recovery: RecoveryCodes::default(),
    }
}

/// What the model remembers: every acknowledged field write with its
/// stamp, every removal, the highest counters and the recovery codes.
#[derive(Default)]
struct Model {
    writes: BTreeMap<(EntryId, usize), Vec<(Stamp, String)>>,
    removals: BTreeMap<EntryId, Vec<Stamp>>,
    counters: BTreeMap<EntryId, u64>,
    codes: BTreeMap<EntryId, BTreeSet<String>>,
    used: BTreeMap<EntryId, BTreeSet<String>>,
}

fn field_value(s: &State, e: &VaultEntry, f: Field) -> String {
    match f {
        Field::Issuer => e.otp.issuer.clone(),
        Field::Note => e.note.clone(),
        Field::Groups => e.groups.join(","),
        Field::Favorite => e.favorite.to_string(),
        Field::Otp => format!("{:?}", e.otp.secret().expose()),
        Field::Order => s.meta[&e.id].order.to_string(),
        _ => String::new(),
    }
}

const TRACKED: [Field; 6] = [
    Field::Issuer,
    Field::Note,
    Field::Groups,
    Field::Favorite,
    Field::Otp,
    Field::Order,
];

impl Model {
    /// Logs every tracked field whose stamp moved in `after` (a write was
    /// acknowledged by the device).
    fn log(&mut self, before: &State, after: &State) {
        for e in &after.entries {
            let m = &after.meta[&e.id];
            for f in TRACKED {
                let i = f as usize;
                let old = before.meta.get(&e.id).map(|m| m.stamps[i]);
                if old != Some(m.stamps[i]) {
                    self.writes
                        .entry((e.id, i))
                        .or_default()
                        .push((m.stamps[i], field_value(after, e, f)));
                }
            }
            let c = self.counters.entry(e.id).or_default();
            *c = (*c).max(m.counter);
            for c in &e.recovery.codes {
                self.codes
                    .entry(e.id)
                    .or_default()
                    .insert(c.code.expose().to_string());
                if c.is_used() {
                    self.used
                        .entry(e.id)
                        .or_default()
                        .insert(c.code.expose().to_string());
                }
            }
        }
        for e in &after.removed {
            let r = after.meta[&e.id].removed.unwrap();
            if before.meta.get(&e.id).and_then(|m| m.removed) != Some(r) {
                self.removals.entry(e.id).or_default().push(r);
            }
        }
    }

    fn check(&self, s: &State) {
        let all: HashMap<EntryId, (&VaultEntry, bool)> = s
            .entries
            .iter()
            .map(|e| (e.id, (e, true)))
            .chain(s.removed.iter().map(|e| (e.id, (e, false))))
            .collect();
        let ids: BTreeSet<EntryId> = self.counters.keys().copied().collect();
        assert_eq!(ids.len(), all.len(), "every entry ever added is known");
        for id in ids {
            let (e, live) = all[&id];
            let mut latest = Stamp::ZERO;
            for f in TRACKED {
                let w = &self.writes[&(id, f as usize)];
                let (stamp, value) = w.iter().max_by_key(|w| w.0).unwrap();
                latest = latest.max(*stamp);
                assert_eq!(&field_value(s, e, f), value, "{f:?} of {id:?}");
            }
            let removed = self.removals.get(&id).and_then(|r| r.iter().max());
            let expect_live = removed.is_none_or(|r| latest > *r);
            assert_eq!(live, expect_live, "liveness of {id:?}");
            assert_eq!(s.meta[&id].counter, self.counters[&id]);
            if let Some(c) = e.otp.kind().counter() {
                assert_eq!(c, self.counters[&id]);
            }
            let codes: BTreeSet<String> = e
                .recovery
                .codes
                .iter()
                .map(|c| c.code.expose().to_string())
                .collect();
            assert_eq!(codes, self.codes.get(&id).cloned().unwrap_or_default());
            let used: BTreeSet<String> = e
                .recovery
                .codes
                .iter()
                .filter(|c| c.is_used())
                .map(|c| c.code.expose().to_string())
                .collect();
            assert_eq!(used, self.used.get(&id).cloned().unwrap_or_default());
        }
    }
}

fn run(devs: usize, skew: &[u64], ops: &[Op]) {
    let mut states: Vec<State> = (0..devs)
        .map(|i| State::new(DeviceId([i as u8 + 1; 8])))
        .collect();
    let mut model = Model::default();
    let mut now: u64 = 1_700_000_000_000;
    let mut next_id = 1u64;
    for op in ops {
        now += 1;
        let change = |states: &mut Vec<State>,
                      model: &mut Model,
                      dev: usize,
                      f: &mut dyn FnMut(&mut Vec<VaultEntry>)| {
            let before = states[dev].clone();
            let mut entries = before.entries.clone();
            f(&mut entries);
            states[dev].record(entries, now + skew[dev]);
            model.log(&before, &states[dev]);
        };
        let pick = |states: &Vec<State>, dev: usize, pick: usize| -> Option<usize> {
            let n = states[dev].entries.len();
            (n > 0).then(|| pick % n)
        };
        match *op {
            Op::Add { dev, hotp } => {
                let e = entry(next_id, hotp);
                next_id += 1;
                change(&mut states, &mut model, dev, &mut |v| v.push(e.clone()));
            }
            Op::Wait { ms } => now += u64::from(ms),
            Op::Sync { from, to } => {
                if from != to {
                    states[to] = merge(&states[to], &states[from]);
                }
            }
            ref other => {
                let dev = match *other {
                    Op::Issuer { dev, .. }
                    | Op::Note { dev, .. }
                    | Op::Groups { dev, .. }
                    | Op::Favorite { dev, .. }
                    | Op::Secret { dev, .. }
                    | Op::ToFront { dev, .. }
                    | Op::Remove { dev, .. }
                    | Op::Hotp { dev, .. }
                    | Op::CodeAdd { dev, .. }
                    | Op::CodeUse { dev, .. } => dev,
                    _ => unreachable!(),
                };
                let p = match *other {
                    Op::Issuer { pick, .. }
                    | Op::Note { pick, .. }
                    | Op::Groups { pick, .. }
                    | Op::Favorite { pick, .. }
                    | Op::Secret { pick, .. }
                    | Op::ToFront { pick, .. }
                    | Op::Remove { pick, .. }
                    | Op::Hotp { pick, .. }
                    | Op::CodeAdd { pick, .. }
                    | Op::CodeUse { pick, .. } => pick,
                    _ => unreachable!(),
                };
                let Some(i) = pick(&states, dev, p) else {
                    continue;
                };
                let other = other.clone();
                change(&mut states, &mut model, dev, &mut |v| match other {
                    Op::Issuer { v: x, .. } => v[i].otp.issuer = format!("issuer {x}"),
                    Op::Note { v: x, .. } => v[i].note = format!("note {x}"),
                    Op::Groups { v: x, .. } => v[i].groups = vec![format!("g{x}")],
                    Op::Favorite { .. } => v[i].favorite = !v[i].favorite,
                    Op::Secret { v: x, .. } => {
                        let kind = v[i].otp.kind();
                        let mut e = Entry::new(
                            kind,
                            "",
                            "",
                            Secret::from_bytes(vec![x; 10]).unwrap(),
                            Algorithm::Sha1,
                            6,
                        )
                        .unwrap();
                        e.issuer = std::mem::take(&mut v[i].otp.issuer);
                        e.name = std::mem::take(&mut v[i].otp.name);
                        v[i].otp = e;
                    }
                    Op::ToFront { .. } => {
                        let e = v.remove(i);
                        v.insert(0, e);
                    }
                    Op::Remove { .. } => {
                        v.remove(i);
                    }
                    Op::Hotp { by, .. } => {
                        if let Some(c) = v[i].otp.kind().counter() {
                            v[i].otp.set_counter(c + u64::from(by));
                        }
                    }
                    Op::CodeAdd { code, .. } => {
                        v[i].recovery
                            .add([format!("code-{code}-abcdef")], now / 1000);
                    }
                    Op::CodeUse { code, .. } => {
                        let _ = v[i]
                            .recovery
                            .use_code(&format!("code-{code}-abcdef"), now / 1000);
                    }
                    _ => {}
                });
            }
        }
    }
    // The algebra, on the states the history left.
    for a in &states {
        assert!(merge(a, a).same_content(a), "idempotent");
        for b in &states {
            assert!(merge(a, b).same_content(&merge(b, a)), "commutative");
            for c in &states {
                let l = merge(&merge(a, b), c);
                let r = merge(a, &merge(b, c));
                assert!(l.same_content(&r), "associative");
            }
        }
    }
    // Everyone syncs with everyone: A, B, C, then A and B again.
    for _ in 0..2 {
        for to in 0..devs {
            for from in 0..devs {
                if from != to {
                    states[to] = merge(&states[to], &states[from]);
                }
            }
        }
    }
    for s in &states[1..] {
        assert!(s.same_content(&states[0]), "devices converge");
    }
    model.check(&states[0]);
    // Nothing new: another merge changes nothing.
    let again = merge(&states[0], &states[devs - 1]);
    assert!(again.same_content(&states[0]));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn two_devices_converge_to_the_model(ops in proptest::collection::vec(op(2), 0..60)) {
        run(2, &[0, 0], &ops);
    }

    #[test]
    fn three_devices_with_wrong_clocks_converge_to_the_model(
        ops in proptest::collection::vec(op(3), 0..80),
        skew in proptest::collection::vec(prop_oneof![Just(0u64), Just(3_600_000u64), 0..5000u64], 3),
    ) {
        run(3, &skew, &ops);
    }
}

#[test]
fn a_change_after_a_removal_on_another_device_brings_the_entry_back() {
    let mut a = State::new(DeviceId([1; 8]));
    let mut b = State::new(DeviceId([2; 8]));
    a.record(vec![entry(1, false)], 1000);
    b = merge(&b, &a);
    // A removes it; later, B (which has not seen the removal) edits it.
    a.record(Vec::new(), 2000);
    let mut edited = b.entries.clone();
    edited[0].note = "kept".into();
    b.record(edited, 3000);
    let ab = merge(&a, &b);
    assert_eq!(ab.entries.len(), 1);
    assert_eq!(ab.entries[0].note, "kept");
    // An edit made before the removal does not.
    let mut c = State::new(DeviceId([3; 8]));
    c.record(vec![entry(2, false)], 1000);
    let mut d = merge(&State::new(DeviceId([4; 8])), &c);
    let mut e2 = d.entries.clone();
    e2[0].note = "older".into();
    d.record(e2, 1500);
    c.record(Vec::new(), 2500);
    let cd = merge(&c, &d);
    assert!(cd.entries.is_empty());
    assert_eq!(cd.removed.len(), 1);
}

#[test]
fn tombstones_are_compacted_after_the_retention() {
    let mut a = State::new(DeviceId([1; 8]));
    a.record(vec![entry(1, false)], 1000);
    a.record(Vec::new(), 2000);
    assert!(!a.compact(2000 + 10, 100));
    assert_eq!(a.removed.len(), 1);
    assert!(a.compact(2000 + 101, 100));
    assert!(a.removed.is_empty() && a.meta.is_empty());
}
