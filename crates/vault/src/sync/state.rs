//! The mergeable state of a vault: entries with per-field change stamps,
//! removed entries kept as tombstones, and the pure [`merge`] of two
//! states. No I/O here: the folder side is in `vault/sync_folder.rs`.
//!
//! Rules (the contract in `design/cli.md`, "Sync between devices"):
//!
//! - every field of an entry ([`Field`]) is a last-writer-wins register
//!   ordered by its [`Stamp`] (a hybrid logical clock); equal stamps (only
//!   possible from two devices sharing an id) fall back to comparing the
//!   values, so the result never depends on the order of merging;
//! - an HOTP counter is the highest any device reached;
//! - recovery codes are the union (by normalized text); a code used on any
//!   device is used (earliest use kept); the earliest `added` is kept; an
//!   entry's codes are kept sorted by (added, normalized text);
//! - a removal is a stamp on the entry: the entry is removed while no field
//!   was changed after it, so a change made later on another device brings
//!   it back; the removed entry's data stays (encrypted, like the backups)
//!   until [`State::compact`] drops it after [`TOMBSTONE_RETENTION_MS`].
//!
//! Each of these is a join (commutative, associative, idempotent), and so
//! is their product: [`merge`] is one too, which is what makes every
//! device end with the same vault whatever order they sync in
//! (`tests/sync_props.rs` checks it against a model).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use crate::content::{EntryId, VaultEntry};
use crate::recovery::{RecoveryCode, RecoveryCodes};
use crate::sync::clock::{Clock, DeviceId, Stamp};

/// How long a removed entry is kept so that devices that have not synced
/// yet learn of the removal: 90 days. A device that stays away longer and
/// still holds the entry brings it back (it is not lost).
pub const TOMBSTONE_RETENTION_MS: u64 = 90 * 24 * 3600 * 1000;

/// The fields stamped one by one (the HOTP counter, recovery codes and the
/// times merge by their own rules and carry no stamp).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Field {
    /// The OTP parameters: type, period, secret, algorithm, digits.
    Otp,
    Issuer,
    Name,
    Note,
    Groups,
    Favorite,
    Pinned,
    Icon,
    Archived,
    /// The entry's place in the list.
    Order,
}

/// How many [`Field`]s there are.
pub const FIELDS: usize = 10;

const ALL: [Field; FIELDS] = [
    Field::Otp,
    Field::Issuer,
    Field::Name,
    Field::Note,
    Field::Groups,
    Field::Favorite,
    Field::Pinned,
    Field::Icon,
    Field::Archived,
    Field::Order,
];

/// The sync bookkeeping of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryMeta {
    /// When each [`Field`] last changed.
    pub stamps: [Stamp; FIELDS],
    /// Sort key of the entry in the list (ties by id).
    pub order: u64,
    /// The highest HOTP counter reached (0 for other types).
    pub counter: u64,
    /// When it was removed, if ever.
    pub removed: Option<Stamp>,
}

impl EntryMeta {
    fn new(stamp: Stamp, order: u64, counter: u64) -> Self {
        EntryMeta {
            stamps: [stamp; FIELDS],
            order,
            counter,
            removed: None,
        }
    }

    /// The latest change to any field.
    pub fn latest(&self) -> Stamp {
        self.stamps.iter().copied().max().unwrap_or(Stamp::ZERO)
    }

    /// Not removed, or changed after its removal.
    pub fn live(&self) -> bool {
        self.removed.is_none_or(|r| self.latest() > r)
    }
}

/// A vault's entries with everything needed to merge them.
///
/// Invariants: every entry of `entries` (live, sorted by order then id)
/// and of `removed` (sorted by id) has its `meta`; no other id has one.
#[derive(Debug, Clone)]
pub struct State {
    pub entries: Vec<VaultEntry>,
    pub removed: Vec<VaultEntry>,
    pub meta: HashMap<EntryId, EntryMeta>,
    /// This device's clock (not part of the content).
    pub clock: Clock,
    /// When the password slot was last set (the slot itself is in the file
    /// header; the latest one wins in the folder).
    pub slot_stamp: Stamp,
}

fn counter_of(e: &VaultEntry) -> u64 {
    e.otp.kind().counter().unwrap_or(0)
}

fn otp_key(e: &VaultEntry) -> (&'static str, Option<u32>, &[u8], u8, u8) {
    let k = e.otp.kind();
    (
        k.type_name(),
        k.period(),
        e.otp.secret().expose(),
        e.otp.algorithm() as u8,
        e.otp.digits(),
    )
}

/// Orders two values of one field (not [`Field::Order`], which lives in
/// the meta): `Equal` means the same value.
fn value_cmp(f: Field, a: &VaultEntry, b: &VaultEntry) -> Ordering {
    match f {
        Field::Otp => otp_key(a).cmp(&otp_key(b)),
        Field::Issuer => a.otp.issuer.cmp(&b.otp.issuer),
        Field::Name => a.otp.name.cmp(&b.otp.name),
        Field::Note => a.note.cmp(&b.note),
        Field::Groups => a.groups.cmp(&b.groups),
        Field::Favorite => a.favorite.cmp(&b.favorite),
        Field::Pinned => a.pinned.cmp(&b.pinned),
        Field::Icon => a.icon.cmp(&b.icon),
        Field::Archived => a.archived.cmp(&b.archived),
        Field::Order => Ordering::Equal,
    }
}

fn copy_field(f: Field, dst: &mut VaultEntry, src: &VaultEntry) {
    match f {
        Field::Otp => {
            let issuer = std::mem::take(&mut dst.otp.issuer);
            let name = std::mem::take(&mut dst.otp.name);
            dst.otp = src.otp.clone();
            dst.otp.issuer = issuer;
            dst.otp.name = name;
        }
        Field::Issuer => dst.otp.issuer.clone_from(&src.otp.issuer),
        Field::Name => dst.otp.name.clone_from(&src.otp.name),
        Field::Note => dst.note.clone_from(&src.note),
        Field::Groups => dst.groups.clone_from(&src.groups),
        Field::Favorite => dst.favorite = src.favorite,
        Field::Pinned => dst.pinned = src.pinned,
        Field::Icon => dst.icon.clone_from(&src.icon),
        Field::Archived => dst.archived = src.archived,
        Field::Order => {}
    }
}

/// Sorts codes by (added, normalized text): the one order every device
/// agrees on.
pub(crate) fn canonical_codes(r: &mut RecoveryCodes) {
    if r.codes
        .windows(2)
        .all(|w| code_key_cmp(&w[0], &w[1]) != Ordering::Greater)
    {
        return;
    }
    r.codes.sort_by(code_key_cmp);
}

fn code_key_cmp(a: &RecoveryCode, b: &RecoveryCode) -> Ordering {
    a.added
        .cmp(&b.added)
        .then_with(|| a.code.normalized().cmp(&b.code.normalized()))
        .then_with(|| a.code.expose().cmp(b.code.expose()))
}

/// Union by normalized text; used anywhere is used (earliest use); the
/// earliest `added`; the smaller spelling of one code.
fn merge_codes(a: &RecoveryCodes, b: &RecoveryCodes) -> RecoveryCodes {
    if a == b {
        return a.clone();
    }
    let mut all: Vec<(zeroize::Zeroizing<String>, RecoveryCode)> = a
        .codes
        .iter()
        .chain(&b.codes)
        .map(|c| (c.code.normalized(), c.clone()))
        .collect();
    all.sort_by(|x, y| x.0.cmp(&y.0));
    let mut merged: Vec<RecoveryCode> = Vec::with_capacity(all.len());
    let mut last: Option<zeroize::Zeroizing<String>> = None;
    for (n, c) in all {
        if last.as_ref() == Some(&n) {
            let m = merged.last_mut().expect("a previous code");
            m.added = m.added.min(c.added);
            m.used_at = match (m.used_at, c.used_at) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
            if c.code.expose() < m.code.expose() {
                m.code = c.code;
            }
        } else {
            merged.push(c);
            last = Some(n);
        }
    }
    let mut out = RecoveryCodes { codes: merged };
    canonical_codes(&mut out);
    out
}

/// Merges two versions of one entry (same id).
fn merge_entry(
    a: (&VaultEntry, &EntryMeta),
    b: (&VaultEntry, &EntryMeta),
) -> (VaultEntry, EntryMeta) {
    if a.0 == b.0 && a.1 == b.1 {
        return (a.0.clone(), a.1.clone());
    }
    let (mut e, mut m) = (a.0.clone(), a.1.clone());
    for f in ALL {
        let i = f as usize;
        let take_b = match b.1.stamps[i].cmp(&a.1.stamps[i]) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => match f {
                Field::Order => b.1.order > a.1.order,
                _ => value_cmp(f, b.0, a.0) == Ordering::Greater,
            },
        };
        if take_b {
            copy_field(f, &mut e, b.0);
            if f == Field::Order {
                m.order = b.1.order;
            }
            m.stamps[i] = b.1.stamps[i];
        }
    }
    m.counter = a.1.counter.max(b.1.counter);
    if e.otp.kind().counter().is_some() {
        e.otp.set_counter(m.counter);
    }
    e.recovery = merge_codes(&a.0.recovery, &b.0.recovery);
    e.created = a.0.created.min(b.0.created);
    e.updated = a.0.updated.max(b.0.updated);
    m.removed = a.1.removed.max(b.1.removed);
    (e, m)
}

impl State {
    /// An empty state for a device.
    pub fn new(device: DeviceId) -> Self {
        State {
            entries: Vec::new(),
            removed: Vec::new(),
            meta: HashMap::new(),
            clock: Clock::new(device),
            slot_stamp: Stamp::ZERO,
        }
    }

    /// The state of entries from a file written before sync existed: every
    /// field stamped with the entry's last change time, the list order kept.
    pub fn from_unstamped(mut entries: Vec<VaultEntry>, device: DeviceId) -> Self {
        let mut s = State::new(device);
        for (i, e) in entries.iter_mut().enumerate() {
            canonical_codes(&mut e.recovery);
            let stamp = Stamp {
                wall_ms: e.updated.saturating_mul(1000),
                count: 0,
                device,
            };
            s.clock.observe(stamp);
            s.meta
                .insert(e.id, EntryMeta::new(stamp, i as u64 + 1, counter_of(e)));
        }
        s.entries = entries;
        s
    }

    pub fn device(&self) -> DeviceId {
        self.clock.device
    }

    /// Same entries, tombstones, stamps and password stamp (the device and
    /// its clock aside): what "nothing new" means.
    pub fn same_content(&self, other: &State) -> bool {
        self.slot_stamp == other.slot_stamp
            && self.entries == other.entries
            && self.removed == other.removed
            && self.meta == other.meta
    }

    /// Records a local change: `after` is the new list of live entries (as
    /// a transaction left it). Every field that differs from the current
    /// state gets a fresh stamp, new entries get an order after the others,
    /// entries missing from `after` become tombstones, an entry that comes
    /// back (undo) is changed after its removal; if the entries that were
    /// there are in another relative order, the list is renumbered.
    pub fn record(&mut self, mut after: Vec<VaultEntry>, now_ms: u64) {
        let mut stamp = None;
        let clock = &mut self.clock;
        let mut tick = || *stamp.get_or_insert_with(|| clock.tick(now_ms));
        let old: HashMap<EntryId, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id, i))
            .collect();
        let mut seen = HashSet::with_capacity(after.len());
        after.retain(|e| seen.insert(e.id));
        let mut removed: HashMap<EntryId, VaultEntry> =
            self.removed.drain(..).map(|e| (e.id, e)).collect();
        let mut next_order = self.meta.values().map(|m| m.order).max().unwrap_or(0) + 1;
        let kept: Vec<(u64, EntryId)> = after
            .iter()
            .filter(|e| old.contains_key(&e.id))
            .map(|e| (self.meta[&e.id].order, e.id))
            .collect();
        let reordered = !kept.windows(2).all(|w| w[0] < w[1]);
        for e in after.iter_mut() {
            canonical_codes(&mut e.recovery);
            if let Some(&i) = old.get(&e.id) {
                let prev = &self.entries[i];
                let m = self.meta.get_mut(&e.id).expect("meta of a live entry");
                for f in ALL {
                    if f != Field::Order && value_cmp(f, prev, e) != Ordering::Equal {
                        m.stamps[f as usize] = tick();
                    }
                }
                m.counter = counter_of(e);
            } else if removed.remove(&e.id).is_some() {
                let s = tick();
                let m = self.meta.get_mut(&e.id).expect("meta of a tombstone");
                let order = m.stamps[Field::Order as usize];
                m.stamps = [s; FIELDS];
                m.stamps[Field::Order as usize] = order.max(s);
                m.counter = counter_of(e);
            } else {
                let m = EntryMeta::new(tick(), next_order, counter_of(e));
                next_order += 1;
                self.meta.insert(e.id, m);
            }
        }
        if reordered {
            for (pos, e) in after.iter().enumerate() {
                let m = self.meta.get_mut(&e.id).expect("meta");
                let order = pos as u64 + 1;
                if m.order != order {
                    m.order = order;
                    m.stamps[Field::Order as usize] = tick();
                }
            }
        }
        let still: HashSet<EntryId> = after.iter().map(|e| e.id).collect();
        for e in self.entries.drain(..) {
            if !still.contains(&e.id) {
                let s = tick();
                if let Some(m) = self.meta.get_mut(&e.id) {
                    m.removed = Some(s);
                }
                removed.insert(e.id, e);
            }
        }
        self.removed = removed.into_values().collect();
        self.removed.sort_by_key(|e| e.id);
        self.entries = after;
        self.sort();
    }

    fn sort(&mut self) {
        let meta = &self.meta;
        self.entries.sort_by_key(|e| (meta[&e.id].order, e.id));
    }

    /// Notes a new password slot (set on this device now).
    pub fn stamp_password(&mut self, now_ms: u64) {
        self.slot_stamp = self.clock.tick(now_ms);
    }

    /// Drops tombstones older than `retention_ms` at `now_ms`; `true` when
    /// one was dropped.
    pub fn compact(&mut self, now_ms: u64, retention_ms: u64) -> bool {
        let before = self.removed.len();
        let meta = &mut self.meta;
        self.removed.retain(|e| {
            let keep = meta[&e.id]
                .removed
                .is_some_and(|r| r.wall_ms.saturating_add(retention_ms) >= now_ms);
            if !keep {
                meta.remove(&e.id);
            }
            keep
        });
        self.removed.len() != before
    }

    /// Every stamp in the state (to move a clock past them).
    fn max_stamp(&self) -> Stamp {
        self.meta
            .values()
            .flat_map(|m| m.stamps.iter().copied().chain(m.removed))
            .chain([self.slot_stamp])
            .max()
            .unwrap_or(Stamp::ZERO)
    }
}

/// The merge of two states: every entry of either, each merged field by
/// field. The result keeps `a`'s device, with its clock moved past every
/// stamp seen. Commutative, associative and idempotent in content
/// ([`State::same_content`]).
pub fn merge(a: &State, b: &State) -> State {
    let mut records: HashMap<EntryId, (VaultEntry, EntryMeta)> =
        HashMap::with_capacity(a.meta.len().max(b.meta.len()));
    for e in a.entries.iter().chain(&a.removed) {
        records.insert(e.id, (e.clone(), a.meta[&e.id].clone()));
    }
    for e in b.entries.iter().chain(&b.removed) {
        let mb = &b.meta[&e.id];
        match records.get_mut(&e.id) {
            Some(r) => {
                if r.0 != *e || r.1 != *mb {
                    *r = merge_entry((&r.0, &r.1), (e, mb));
                }
            }
            None => {
                records.insert(e.id, (e.clone(), mb.clone()));
            }
        }
    }
    let mut out = State {
        entries: Vec::with_capacity(records.len()),
        removed: Vec::new(),
        meta: HashMap::with_capacity(records.len()),
        clock: a.clock,
        slot_stamp: a.slot_stamp.max(b.slot_stamp),
    };
    for (id, (e, m)) in records {
        if m.live() {
            out.entries.push(e);
        } else {
            out.removed.push(e);
        }
        out.meta.insert(id, m);
    }
    out.removed.sort_by_key(|e| e.id);
    out.sort();
    let seen = out.max_stamp();
    out.clock.observe(b.clock.last);
    out.clock.observe(seen);
    out
}
