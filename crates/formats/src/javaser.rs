//! Reads the one Java-serialized object FreeOTP 2.x backups hold: a
//! `java.util.HashMap<String, String>`.
//!
//! Only what that needs of the Java Object Serialization Stream Protocol
//! (docs.oracle.com/javase/8/docs/platform/serialization/spec/protocol.html):
//! the stream magic, one `TC_OBJECT` with a `TC_CLASSDESC` of primitive
//! fields, the `writeObject` block (capacity, size) and `size` key/value
//! pairs of `TC_STRING`, `TC_LONGSTRING`, `TC_REFERENCE` (to an earlier
//! string) or `TC_NULL`. Strings are "modified UTF-8". Anything else is an
//! error, never a panic; lengths are checked against the input.
//!
//! A back-reference costs 5 bytes of stream but yields a copy of a string
//! that may be megabytes long; the text copied for references in one read is
//! capped at the stream's own length, so memory stays within a small
//! multiple of the input whatever the references say.

use zeroize::Zeroizing;

const MAGIC: [u8; 4] = [0xAC, 0xED, 0x00, 0x05];
const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_LONGSTRING: u8 = 0x7C;
const BASE_HANDLE: u32 = 0x7E_0000;

/// Whether the bytes start a Java serialization stream.
pub(crate) fn is_java_serialized(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// A string→string map entry; values may hold secrets, so both are
/// zeroized on drop.
pub(crate) type Pair = (Zeroizing<String>, Option<Zeroizing<String>>);

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    /// Handles in assignment order; `None` for non-string objects.
    handles: Vec<Option<Zeroizing<String>>>,
    /// Bytes references may still copy (see the module doc).
    reference_budget: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.b.len());
        let end = end.ok_or("truncated serialization stream")?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        let s = self.take(2)?;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Result<u32, String> {
        let s = self.take(4)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn utf(&mut self) -> Result<Zeroizing<String>, String> {
        let n = self.u16()? as usize;
        decode_modified_utf8(self.take(n)?)
    }
    fn new_handle(&mut self, value: Option<Zeroizing<String>>) {
        self.handles.push(value);
    }

    /// A string object: new, long, a back-reference, or null.
    fn string(&mut self) -> Result<Option<Zeroizing<String>>, String> {
        match self.u8()? {
            TC_NULL => Ok(None),
            TC_STRING => {
                let s = self.utf()?;
                self.new_handle(Some(s.clone()));
                Ok(Some(s))
            }
            TC_LONGSTRING => {
                let s = self.take(8)?;
                let n = u64::from_be_bytes(s.try_into().map_err(|_| "bad length")?);
                let n = usize::try_from(n).map_err(|_| "string too long")?;
                let s = decode_modified_utf8(self.take(n)?)?;
                self.new_handle(Some(s.clone()));
                Ok(Some(s))
            }
            TC_REFERENCE => {
                let h = self.u32()?;
                let i = h.checked_sub(BASE_HANDLE).ok_or("bad handle")? as usize;
                match self.handles.get(i) {
                    Some(Some(s)) => {
                        self.reference_budget = self
                            .reference_budget
                            .checked_sub(s.len())
                            .ok_or("references repeat more text than the stream holds")?;
                        Ok(Some(s.clone()))
                    }
                    _ => Err("a reference to something not a string".into()),
                }
            }
            t => Err(format!("unexpected stream element 0x{t:02x}")),
        }
    }
}

/// Parses a serialized `java.util.HashMap` of strings.
pub(crate) fn read_string_map(bytes: &[u8]) -> Result<Vec<Pair>, String> {
    if !is_java_serialized(bytes) {
        return Err("not a Java serialization stream".into());
    }
    let mut r = Reader {
        b: bytes,
        pos: 4,
        handles: Vec::new(),
        reference_budget: bytes.len(),
    };
    if r.u8()? != TC_OBJECT || r.u8()? != TC_CLASSDESC {
        return Err("the stream does not start with an object".into());
    }
    let class = r.utf()?;
    if class.as_str() != "java.util.HashMap" {
        return Err(format!(
            "expected a java.util.HashMap, found {}",
            class.as_str()
        ));
    }
    r.take(8)?; // serialVersionUID
    r.new_handle(None); // the class descriptor
    let _flags = r.u8()?;
    let fields = r.u16()?;
    let mut primitive_bytes = 0usize;
    for _ in 0..fields {
        let code = r.u8()?;
        r.utf()?; // field name
        primitive_bytes += match code {
            b'B' | b'Z' => 1,
            b'C' | b'S' => 2,
            b'F' | b'I' => 4,
            b'D' | b'J' => 8,
            _ => return Err("HashMap with object fields".into()),
        };
    }
    if r.u8()? != TC_ENDBLOCKDATA {
        return Err("class annotations are not supported".into());
    }
    if r.u8()? != TC_NULL {
        return Err("unexpected superclass descriptor".into());
    }
    r.new_handle(None); // the map object
    r.take(primitive_bytes)?; // loadFactor, threshold
    if r.u8()? != TC_BLOCKDATA {
        return Err("missing HashMap block data".into());
    }
    let len = r.u8()? as usize;
    if len < 8 {
        return Err("short HashMap block data".into());
    }
    let block = r.take(len)?;
    let size = u32::from_be_bytes([block[4], block[5], block[6], block[7]]) as usize;
    if size > bytes.len() {
        return Err("HashMap size larger than the stream".into());
    }
    let mut out = Vec::with_capacity(size);
    for _ in 0..size {
        let key = r.string()?.ok_or("a null key")?;
        let value = r.string()?;
        out.push((key, value));
    }
    Ok(out)
}

/// Java's modified UTF-8 (CESU-8 with NUL as `C0 80`) to a `String`.
fn decode_modified_utf8(b: &[u8]) -> Result<Zeroizing<String>, String> {
    // Plain ASCII and ordinary UTF-8 are the common case.
    if let Ok(s) = std::str::from_utf8(b) {
        return Ok(Zeroizing::new(s.to_string()));
    }
    let mut units: Zeroizing<Vec<u16>> = Zeroizing::new(Vec::with_capacity(b.len()));
    let mut i = 0;
    let bad = || "invalid modified UTF-8".to_string();
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            units.push(u16::from(c));
            i += 1;
        } else if c & 0xE0 == 0xC0 {
            let c2 = *b.get(i + 1).ok_or_else(bad)?;
            units.push((u16::from(c & 0x1F) << 6) | u16::from(c2 & 0x3F));
            i += 2;
        } else if c & 0xF0 == 0xE0 {
            let c2 = *b.get(i + 1).ok_or_else(bad)?;
            let c3 = *b.get(i + 2).ok_or_else(bad)?;
            units.push(
                (u16::from(c & 0x0F) << 12) | (u16::from(c2 & 0x3F) << 6) | u16::from(c3 & 0x3F),
            );
            i += 3;
        } else {
            return Err(bad());
        }
    }
    Ok(Zeroizing::new(String::from_utf16_lossy(&units)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream as Java writes `new HashMap<>(Map.of("a", "1", "b", "a"))`
    /// where the second value is a back-reference to the key "a".
    fn sample() -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.extend([TC_OBJECT, TC_CLASSDESC, 0, 17]);
        b.extend(b"java.util.HashMap");
        b.extend([0x05, 0x07, 0xda, 0xc1, 0xc3, 0x16, 0x60, 0xd1, 0x03, 0, 2]);
        b.extend([b'F', 0, 10]);
        b.extend(b"loadFactor");
        b.extend([b'I', 0, 9]);
        b.extend(b"threshold");
        b.extend([TC_ENDBLOCKDATA, TC_NULL]);
        b.extend([0x3f, 0x40, 0, 0, 0, 0, 0, 12]);
        b.extend([TC_BLOCKDATA, 8, 0, 0, 0, 16, 0, 0, 0, 2]);
        b.extend([TC_STRING, 0, 1, b'a', TC_STRING, 0, 1, b'1']);
        b.extend([TC_STRING, 0, 1, b'b', TC_REFERENCE, 0x00, 0x7e, 0x00, 0x02]);
        b.push(TC_ENDBLOCKDATA);
        b
    }

    #[test]
    fn reads_a_map_with_references() {
        let m = read_string_map(&sample()).unwrap();
        let m: Vec<(&str, Option<&str>)> = m
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_ref().map(|v| v.as_str())))
            .collect();
        assert_eq!(m, [("a", Some("1")), ("b", Some("a"))]);
    }

    #[test]
    fn every_truncation_is_an_error() {
        let s = sample();
        for n in 0..s.len() - 1 {
            assert!(read_string_map(&s[..n]).is_err(), "length {n}");
        }
    }

    #[test]
    fn modified_utf8() {
        assert_eq!(
            decode_modified_utf8(&[0xC0, 0x80, b'a']).unwrap().as_str(),
            "\0a"
        );
        // U+1F600 as a CESU-8 surrogate pair.
        let s = decode_modified_utf8(&[0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]).unwrap();
        assert_eq!(s.as_str(), "\u{1F600}");
    }
}
