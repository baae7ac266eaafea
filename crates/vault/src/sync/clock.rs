//! The hybrid logical clock that orders changes across devices.
//!
//! A [`Stamp`] is (wall milliseconds, counter, device id), compared in that
//! order. A device issues stamps from its own clock but never below the
//! largest stamp it has seen ([`Clock::observe`]), so once a device has
//! merged another's change, its own later changes win over it, whatever the
//! two wall clocks say: a device whose clock runs ahead wins only the races
//! it really is later in, not every change made after it (Kulkarni et al.,
//! "Logical Physical Clocks", 2014).

use std::fmt;

/// A device's random identifier in a sync folder (64 bits, shown as hex).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DeviceId(pub [u8; 8]);

impl DeviceId {
    /// A fresh random id.
    pub fn random() -> Self {
        DeviceId(crate::crypto::random_bytes())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 16 hex digits.
    pub fn parse(text: &str) -> Option<Self> {
        let mut id = [0u8; 8];
        hex::decode_to_slice(text, &mut id).ok()?;
        Some(DeviceId(id))
    }
}

impl fmt::Debug for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceId({})", self.to_hex())
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// When and where a change was made; later stamps win.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Debug)]
pub struct Stamp {
    /// Milliseconds since the Unix epoch (hybrid: never below a seen stamp).
    pub wall_ms: u64,
    /// Orders stamps within one millisecond.
    pub count: u32,
    /// The device that made the change (the last tie-break).
    pub device: DeviceId,
}

impl Stamp {
    /// The smallest stamp: "never changed".
    pub const ZERO: Stamp = Stamp {
        wall_ms: 0,
        count: 0,
        device: DeviceId([0; 8]),
    };
}

/// A device's clock: its id and the largest stamp it has issued or seen.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Clock {
    pub device: DeviceId,
    pub last: Stamp,
}

impl Clock {
    pub fn new(device: DeviceId) -> Self {
        Clock {
            device,
            last: Stamp::ZERO,
        }
    }

    /// A new stamp, later than every stamp issued or seen so far.
    pub fn tick(&mut self, now_ms: u64) -> Stamp {
        let (wall_ms, count) = if now_ms > self.last.wall_ms {
            (now_ms, 0)
        } else if self.last.count == u32::MAX {
            (self.last.wall_ms + 1, 0)
        } else {
            (self.last.wall_ms, self.last.count + 1)
        };
        self.last = Stamp {
            wall_ms,
            count,
            device: self.device,
        };
        self.last
    }

    /// Takes note of a stamp made elsewhere.
    pub fn observe(&mut self, s: Stamp) {
        if s > self.last {
            self.last = s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_increase_even_when_the_wall_clock_goes_back() {
        let mut c = Clock::new(DeviceId([1; 8]));
        let a = c.tick(1000);
        let b = c.tick(1000);
        let d = c.tick(5);
        assert!(a < b && b < d);
        assert_eq!(d.wall_ms, 1000);
    }

    #[test]
    fn a_change_after_seeing_a_future_stamp_beats_it() {
        let future = Stamp {
            wall_ms: 10_000_000,
            count: 3,
            device: DeviceId([9; 8]),
        };
        let mut c = Clock::new(DeviceId([1; 8]));
        c.observe(future);
        assert!(c.tick(1000) > future);
    }
}
