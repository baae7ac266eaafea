//! The sync section of content version 2 (`FORMAT.md`): after the entries,
//! postcard of the device, its name, the remembered folder, the clock, the
//! password slot's stamp, a table of the devices named in stamps, and one
//! record of stamps per entry (live entries first, then removed ones, in
//! the order the entries were written). It holds no secret.

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
}

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
) -> (impl Iterator<Item = &'a VaultEntry> + Clone, Vec<u8>) {
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
    let bytes = postcard::to_stdvec(&wire).expect("serializing into memory cannot fail");
    (entries, bytes)
}

/// Rebuilds the state from decoded entries and the section; a fixed reason
/// when they do not fit together.
pub(crate) fn decode(
    entries: Vec<VaultEntry>,
    section: &[u8],
) -> Result<(State, Local), &'static str> {
    const BAD: &str = "the sync section does not decode";
    let wire: MetaWire = postcard::from_bytes(section).map_err(|_| BAD)?;
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
        },
    ))
}
