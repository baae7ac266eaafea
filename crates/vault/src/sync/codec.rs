//! The sync section of content version 2 (`FORMAT.md`): after the entries,
//! postcard of the device, its name, the remembered folder, the clock, the
//! password slot's stamp, a table of the devices named in stamps, and one
//! record of stamps per entry (live entries first, then removed ones, in
//! the order the entries were written). It holds no secret of its own; a
//! local vault file (never a sync-folder file) may append, after it, a
//! second postcard value with the data keys the vault had before its last
//! password changes ([`OldKeys`]), inside the encrypted content. Readers
//! that do not know it ignore it (postcard leaves trailing bytes alone).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::content::VaultEntry;
use crate::sync::clock::{Clock, DeviceId, Stamp};
use crate::sync::state::{EntryMeta, State, FIELDS as N_FIELDS};

/// What a vault file says about the device that wrote it, beside the state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Local {
    /// A name for people ("laptop"), shown in `sync status`.
    pub device_name: String,
    /// The sync folder this vault is published in (local files only).
    pub folder: Option<String>,
    /// When the file was written (Unix milliseconds).
    pub written_ms: u64,
    /// The data keys before the last password changes (local files only):
    /// to read the sync-folder files of devices that have not taken the
    /// new password yet.
    pub old_keys: OldKeys,
}

/// Data keys the vault had before (newest first, at most [`OldKeys::MAX`]).
/// Wiped on drop; `Debug` shows only how many.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct OldKeys(pub Vec<zeroize::Zeroizing<[u8; 32]>>);

impl OldKeys {
    pub const MAX: usize = 4;

    /// Remembers `key` as the newest old key.
    pub fn push(&mut self, key: &[u8; 32]) {
        self.0.retain(|k| **k != *key);
        self.0.insert(0, zeroize::Zeroizing::new(*key));
        self.0.truncate(Self::MAX);
    }
}

impl std::fmt::Debug for OldKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OldKeys({} keys)", self.0.len())
    }
}

#[derive(Serialize, Deserialize)]
struct OldKeysWire(Vec<[u8; 32]>);

#[derive(Serialize, Deserialize, Clone, Copy)]
struct StampWire(u64, u32, u16);

#[derive(Serialize, Deserialize)]
struct RecordWire {
    order: u64,
    counter: u64,
    removed: Option<StampWire>,
    stamps: [StampWire; N_FIELDS],
}

#[derive(Serialize, Deserialize)]
struct MetaWire {
    device: [u8; 8],
    device_name: String,
    folder: Option<String>,
    written_ms: u64,
    clock: StampWire,
    slot_stamp: StampWire,
    devices: Vec<[u8; 8]>,
    live: u32,
    records: Vec<RecordWire>,
}

struct Devices {
    index: HashMap<DeviceId, u16>,
    list: Vec<[u8; 8]>,
}

impl Devices {
    fn wire(&mut self, s: Stamp) -> StampWire {
        let next = self.list.len() as u16;
        let i = *self.index.entry(s.device).or_insert_with(|| {
            self.list.push(s.device.0);
            next
        });
        StampWire(s.wall_ms, s.count, i)
    }
}

/// The entries to write, in order (live, then removed), and the section.
pub(crate) fn encode<'a>(
    state: &'a State,
    local: &Local,
) -> (
    impl Iterator<Item = &'a VaultEntry> + Clone,
    zeroize::Zeroizing<Vec<u8>>,
) {
    let mut d = Devices {
        index: HashMap::new(),
        list: Vec::new(),
    };
    let entries = state.entries.iter().chain(&state.removed);
    let records = entries
        .clone()
        .map(|e| {
            let m = &state.meta[&e.id];
            RecordWire {
                order: m.order,
                counter: m.counter,
                removed: m.removed.map(|s| d.wire(s)),
                stamps: m.stamps.map(|s| d.wire(s)),
            }
        })
        .collect();
    let wire = MetaWire {
        device: state.device().0,
        device_name: local.device_name.clone(),
        folder: local.folder.clone(),
        written_ms: local.written_ms,
        clock: d.wire(state.clock.last),
        slot_stamp: d.wire(state.slot_stamp),
        devices: Vec::new(),
        live: state.entries.len() as u32,
        records,
    };
    let wire = MetaWire {
        devices: d.list,
        ..wire
    };
    let mut bytes = postcard::to_stdvec(&wire).expect("serializing into memory cannot fail");
    if !local.old_keys.0.is_empty() {
        let mut old = OldKeysWire(local.old_keys.0.iter().map(|k| **k).collect());
        let tail = zeroize::Zeroizing::new(
            postcard::to_stdvec(&old).expect("serializing into memory cannot fail"),
        );
        zeroize::Zeroize::zeroize(&mut old.0);
        bytes.extend_from_slice(&tail);
    }
    (entries, zeroize::Zeroizing::new(bytes))
}

/// Rebuilds the state from decoded entries and the section; a fixed reason
/// when they do not fit together.
pub(crate) fn decode(
    entries: Vec<VaultEntry>,
    section: &[u8],
) -> Result<(State, Local), &'static str> {
    const BAD: &str = "the sync section does not decode";
    let (wire, rest): (MetaWire, &[u8]) = postcard::take_from_bytes(section).map_err(|_| BAD)?;
    let old_keys = if rest.is_empty() {
        OldKeys::default()
    } else {
        let mut w: OldKeysWire = postcard::from_bytes(rest).map_err(|_| BAD)?;
        let keys = OldKeys(w.0.iter().map(|k| zeroize::Zeroizing::new(*k)).collect());
        zeroize::Zeroize::zeroize(&mut w.0);
        keys
    };
    if wire.records.len() != entries.len() || wire.live as usize > entries.len() {
        return Err(BAD);
    }
    let stamp = |w: StampWire| -> Result<Stamp, &'static str> {
        let device = wire.devices.get(w.2 as usize).ok_or(BAD)?;
        Ok(Stamp {
            wall_ms: w.0,
            count: w.1,
            device: DeviceId(*device),
        })
    };
    let device = DeviceId(wire.device);
    let mut clock = Clock::new(device);
    clock.observe(stamp(wire.clock)?);
    let mut state = State::new(device);
    state.clock = clock;
    state.slot_stamp = stamp(wire.slot_stamp)?;
    for (e, r) in entries.iter().zip(&wire.records) {
        let mut stamps = [Stamp::ZERO; N_FIELDS];
        for (s, w) in stamps.iter_mut().zip(r.stamps) {
            *s = stamp(w)?;
        }
        let meta = EntryMeta {
            stamps,
            order: r.order,
            counter: r.counter,
            removed: r.removed.map(stamp).transpose()?,
        };
        if state.meta.insert(e.id, meta).is_some() {
            return Err("two entries share an id");
        }
    }
    let mut entries = entries;
    state.removed = entries.split_off(wire.live as usize);
    state.entries = entries;
    let meta = &state.meta;
    if state.entries.iter().any(|e| !meta[&e.id].live())
        || state.removed.iter().any(|e| meta[&e.id].live())
    {
        return Err("the sync section does not match the entries");
    }
    state.entries.sort_by_key(|e| (meta[&e.id].order, e.id));
    state.removed.sort_by_key(|e| e.id);
    Ok((
        state,
        Local {
            device_name: wire.device_name,
            folder: wire.folder,
            written_ms: wire.written_ms,
            old_keys,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old keys travel after the sync section and come back; without
    /// them the section is byte for byte what older versions wrote (and
    /// they read a section with them, ignoring the tail); `Debug` never
    /// shows a key.
    #[test]
    fn old_keys_round_trip_after_the_section_and_never_show() {
        let state = State::new(DeviceId::random());
        let mut local = Local {
            device_name: "laptop".into(),
            ..Local::default()
        };
        let (_, plain) = encode(&state, &local);
        local.old_keys.push(&[7; 32]);
        local.old_keys.push(&[9; 32]);
        let (_, with) = encode(&state, &local);
        assert!(with.starts_with(&plain) && with.len() > plain.len());
        let (_, back) = decode(Vec::new(), &with).unwrap();
        assert_eq!(back.old_keys, local.old_keys);
        assert_eq!(*back.old_keys.0[0], [9; 32]);
        // What an older reader does: the section alone, the tail ignored.
        let older: MetaWire = postcard::from_bytes(&with).unwrap();
        assert_eq!(older.device_name, "laptop");
        let shown = format!("{local:?}");
        assert!(
            shown.contains("OldKeys(2 keys)") && !shown.contains("9, 9"),
            "{shown}"
        );
        for n in 0..10u8 {
            local.old_keys.push(&[n; 32]);
        }
        assert_eq!(local.old_keys.0.len(), OldKeys::MAX);
    }
}
