//! A small read-only reader of SQLite database files, from bytes.
//!
//! Why not rusqlite: opening a database from memory needs
//! `Connection::deserialize`, which in the pinned rusqlite 0.32 takes an
//! `OwnedData` that only `unsafe` code can build (the workspace forbids
//! `unsafe`), and writing the bytes to a temporary file would make this
//! crate do I/O. Reading tables is a small part of the documented file
//! format (sqlite.org/fileformat2.html): the header, table b-tree pages
//! (interior and leaf), overflow chains and the record format. Index
//! b-trees, free lists and journals are never needed. The reader is tested
//! against databases written by the real SQLite (rusqlite, in the tests).
//!
//! Promises: any byte string gives `Ok` or `Err`, never a panic; every page
//! is visited at most once per table walk (no cycles); tree depth and
//! overflow chains are bounded; only UTF-8 databases are read.
//!
//! Memory is bounded by the file's size, not by what its pointers claim.
//! In a real database every byte belongs to at most one cell, so a walk
//! charges each cell its pointer, header and payload (and each overflow page
//! its size) against a budget of the file's length: cell pointers that
//! repeat or overlap, which would otherwise copy one large cell thousands of
//! times, exhaust it and are refused. A record has at most
//! [`MAX_COLUMNS`] values (SQLite's own hard limit) and a table at most
//! [`MAX_VALUES`] values in all, so a file of tiny records cannot inflate
//! into gigabytes of decoded values either.

use std::collections::HashSet;

/// A value stored in a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Real(r) if r.fract() == 0.0 && r.abs() < 9.0e15 => Some(*r as i64),
            Value::Text(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

/// A table's rows with its column names (from the `CREATE TABLE`).
#[derive(Debug)]
pub(crate) struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// The index of a column, case-insensitively.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
    }

    /// The value in `row` of the column `name` (`Null` when absent).
    pub fn get<'r>(&self, row: &'r [Value], name: &str) -> &'r Value {
        static NULL: Value = Value::Null;
        self.column(name).and_then(|i| row.get(i)).unwrap_or(&NULL)
    }
}

/// An opened database (borrowing the file's bytes).
pub(crate) struct Db<'a> {
    bytes: &'a [u8],
    page_size: usize,
    usable: usize,
    pages: usize,
}

/// Called with each row's rowid and record payload.
type RowVisitor<'v> = dyn FnMut(i64, &[u8]) -> Result<(), String> + 'v;

const MAGIC: &[u8; 16] = b"SQLite format 3\0";
const MAX_DEPTH: usize = 32;
/// SQLite's hard upper bound on the columns of a table (`SQLITE_MAX_COLUMN`
/// can be raised to this at most).
pub(crate) const MAX_COLUMNS: usize = 32767;
/// Values a table read may hold in all (rows × columns): far above any
/// authenticator's database (10,000 accounts of 20 columns is 200,000),
/// and ≈ 32 MiB of `Value`s at most.
pub(crate) const MAX_VALUES: usize = 1 << 20;

/// What a walk may still read: starts at the file's length (see the module
/// doc).
struct Budget(usize);

impl Budget {
    fn charge(&mut self, n: usize) -> Result<(), String> {
        self.0 = self.0.checked_sub(n).ok_or(
            "corrupt database: its cells add up to more than the file (repeated or overlapping cells)",
        )?;
        Ok(())
    }
}

/// Whether the bytes start like a SQLite database.
pub(crate) fn is_sqlite(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

impl<'a> Db<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Self, String> {
        if bytes.len() < 100 || !is_sqlite(bytes) {
            return Err("not a SQLite database".into());
        }
        let raw = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
        let page_size = if raw == 1 { 65536 } else { raw };
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err("invalid page size".into());
        }
        let reserved = bytes[20] as usize;
        let usable = page_size
            .checked_sub(reserved)
            .filter(|u| *u >= 480)
            .ok_or("invalid reserved space")?;
        if u32::from_be_bytes([bytes[56], bytes[57], bytes[58], bytes[59]]) > 1 {
            return Err("only UTF-8 databases are supported".into());
        }
        let pages = bytes.len() / page_size;
        if pages == 0 {
            return Err("truncated database".into());
        }
        // The header's page count is valid when its "version-valid-for"
        // number matches the change counter; then a shorter file is cut.
        let be = |at: usize| {
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let declared = be(28) as usize;
        if declared > pages && be(92) == be(24) {
            return Err(format!("truncated database ({pages} of {declared} pages)"));
        }
        Ok(Db {
            bytes,
            page_size,
            usable,
            pages,
        })
    }

    /// `(name, sql)` of every table in the schema.
    pub fn tables(&self) -> Result<Vec<(String, String, u32)>, String> {
        let mut out = Vec::new();
        self.walk(1, &mut |_, rec| {
            let v = decode_record(rec)?;
            if v.first().and_then(Value::as_str) == Some("table") {
                let name = v.get(1).and_then(Value::as_str).unwrap_or("").to_string();
                let root = v.get(3).and_then(Value::as_i64).unwrap_or(0);
                let sql = v.get(4).and_then(Value::as_str).unwrap_or("").to_string();
                out.push((name, sql, u32::try_from(root).unwrap_or(0)));
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Every row of the table `name` (case-insensitive).
    pub fn table(&self, name: &str) -> Result<Table, String> {
        let (_, sql, root) = self
            .tables()?
            .into_iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            .ok_or_else(|| format!("no table {name:?}"))?;
        let (columns, rowid_alias) = parse_columns(&sql);
        if columns.len() > MAX_COLUMNS {
            return Err(format!(
                "table {name:?} has more than {MAX_COLUMNS} columns"
            ));
        }
        let mut rows = Vec::new();
        let mut values_left = MAX_VALUES;
        self.walk(root, &mut |rowid, rec| {
            let mut values = decode_record(rec)?;
            values.resize(columns.len().max(values.len()), Value::Null);
            values_left = values_left
                .checked_sub(values.len())
                .ok_or("the table holds more values than any authenticator's database")?;
            if let Some(i) = rowid_alias {
                if values[i] == Value::Null {
                    values[i] = Value::Int(rowid);
                }
            }
            rows.push(values);
            Ok(())
        })?;
        Ok(Table { columns, rows })
    }

    fn page(&self, number: u32) -> Result<&'a [u8], String> {
        let n = number as usize;
        if n == 0 || n > self.pages {
            return Err(format!("page {number} out of range"));
        }
        let start = (n - 1) * self.page_size;
        Ok(&self.bytes[start..start + self.page_size])
    }

    /// Visits every row of the table b-tree rooted at `root`, in rowid
    /// order, with its rowid and full record payload.
    fn walk(&self, root: u32, visit: &mut RowVisitor) -> Result<(), String> {
        let mut seen = HashSet::new();
        let mut budget = Budget(self.bytes.len());
        self.walk_page(root, 0, &mut seen, &mut budget, visit)
    }

    fn walk_page(
        &self,
        number: u32,
        depth: usize,
        seen: &mut HashSet<u32>,
        budget: &mut Budget,
        visit: &mut RowVisitor,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH || !seen.insert(number) {
            return Err("corrupt b-tree (a cycle or too deep)".into());
        }
        let page = self.page(number)?;
        let hdr = if number == 1 { 100 } else { 0 };
        let usable = &page[..self.usable];
        let kind = *usable.get(hdr).ok_or("short page")?;
        let cells = be16(usable, hdr + 3)? as usize;
        let (interior, header_len) = match kind {
            0x05 => (true, 12),
            0x0d => (false, 8),
            _ => return Err(format!("page {number} is not a table b-tree page")),
        };
        for i in 0..cells {
            let ptr = be16(usable, hdr + header_len + 2 * i)? as usize;
            if interior {
                let child = be32(usable, ptr)?;
                let (_, n) = varint(usable, ptr + 4)?;
                budget.charge(2 + 4 + n)?;
                self.walk_page(child, depth + 1, seen, budget, visit)?;
            } else {
                let (payload_len, n1) = varint(usable, ptr)?;
                let (rowid, n2) = varint(usable, ptr + n1)?;
                budget.charge(2 + n1 + n2)?;
                let payload = self.payload(usable, ptr + n1 + n2, payload_len, seen, budget)?;
                visit(rowid as i64, &payload)?;
            }
        }
        if interior {
            let right = be32(usable, hdr + 8)?;
            self.walk_page(right, depth + 1, seen, budget, visit)?;
        }
        Ok(())
    }

    /// A leaf cell's payload, following its overflow chain.
    fn payload(
        &self,
        page: &[u8],
        at: usize,
        len: u64,
        seen: &mut HashSet<u32>,
        budget: &mut Budget,
    ) -> Result<Vec<u8>, String> {
        let u = self.usable as u64;
        if len > self.bytes.len() as u64 {
            return Err("payload larger than the file".into());
        }
        // Charged before anything is copied.
        budget.charge(len as usize)?;
        let x = u - 35;
        let local = if len <= x {
            len
        } else {
            let m = ((u - 12) * 32 / 255) - 23;
            let k = m + ((len - m) % (u - 4));
            if k <= x {
                k
            } else {
                m
            }
        } as usize;
        let mut out = Vec::with_capacity(len as usize);
        out.extend_from_slice(page.get(at..at + local).ok_or("cell beyond its page")?);
        let mut next = if (local as u64) < len {
            be32(page, at + local)?
        } else {
            0
        };
        while (out.len() as u64) < len {
            if next == 0 || !seen.insert(next) {
                return Err("broken overflow chain".into());
            }
            let p = &self.page(next)?[..self.usable];
            budget.charge(4)?; // the page's next pointer; its content is in `len`
            next = be32(p, 0)?;
            let want = ((len - out.len() as u64) as usize).min(self.usable - 4);
            out.extend_from_slice(&p[4..4 + want]);
        }
        Ok(out)
    }
}

fn be16(b: &[u8], at: usize) -> Result<u16, String> {
    b.get(at..at + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .ok_or_else(|| "read beyond a page".into())
}

fn be32(b: &[u8], at: usize) -> Result<u32, String> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| "read beyond a page".into())
}

/// SQLite's big-endian varint: 1–9 bytes. Returns (value, length).
fn varint(b: &[u8], at: usize) -> Result<(u64, usize), String> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let byte = *b.get(at + i).ok_or("varint beyond a page")?;
        if i == 8 {
            return Ok(((v << 8) | u64::from(byte), 9));
        }
        v = (v << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Ok((v, i + 1));
        }
    }
    unreachable!("the loop returns by its ninth byte")
}

/// Decodes a record (header of serial types, then the values).
fn decode_record(rec: &[u8]) -> Result<Vec<Value>, String> {
    let (header_len, mut pos) = varint(rec, 0)?;
    let header_len = usize::try_from(header_len).map_err(|_| "bad record header")?;
    if header_len > rec.len() || header_len < pos {
        return Err("bad record header".into());
    }
    let mut types = Vec::new();
    while pos < header_len {
        if types.len() == MAX_COLUMNS {
            return Err(format!("a record with more than {MAX_COLUMNS} values"));
        }
        let (t, n) = varint(&rec[..header_len], pos)?;
        types.push(t);
        pos += n;
    }
    let mut body = header_len;
    let mut out = Vec::with_capacity(types.len());
    for t in types {
        let size = match t {
            0 | 8 | 9 => 0,
            1 => 1,
            2 => 2,
            3 => 3,
            4 => 4,
            5 => 6,
            6 | 7 => 8,
            10 | 11 => return Err("reserved serial type".into()),
            n => ((n - 12) / 2) as usize,
        };
        let bytes = rec
            .get(body..body.saturating_add(size))
            .ok_or("record shorter than its header")?;
        body += size;
        out.push(match t {
            0 => Value::Null,
            8 => Value::Int(0),
            9 => Value::Int(1),
            1..=6 => {
                // Big-endian two's complement of 1–8 bytes.
                let mut v: i64 = if bytes[0] & 0x80 != 0 { -1 } else { 0 };
                for &b in bytes {
                    v = (v << 8) | i64::from(b);
                }
                Value::Int(v)
            }
            7 => Value::Real(f64::from_be_bytes(
                bytes.try_into().map_err(|_| "bad real")?,
            )),
            n if n % 2 == 0 => Value::Blob(bytes.to_vec()),
            _ => Value::Text(String::from_utf8_lossy(bytes).into_owned()),
        });
    }
    Ok(out)
}

/// Column names of a `CREATE TABLE` statement, and which one (if any) is an
/// `INTEGER PRIMARY KEY` (stored as the rowid, NULL in the record).
fn parse_columns(sql: &str) -> (Vec<String>, Option<usize>) {
    let (Some(open), Some(close)) = (sql.find('('), sql.rfind(')')) else {
        return (Vec::new(), None);
    };
    if close <= open {
        return (Vec::new(), None);
    }
    let body = &sql[open + 1..close];
    let mut defs = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0usize);
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q || (q == '[' && c == ']') => quote = None,
            (Some(_), _) => {}
            (None, '"' | '`' | '\'' | '[') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                defs.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    defs.push(&body[start..]);
    let mut columns = Vec::new();
    let mut rowid = None;
    for def in defs {
        let def = def.trim();
        let (name, rest) = match def.chars().next() {
            Some(q @ ('"' | '`' | '[')) => {
                let end_q = if q == '[' { ']' } else { q };
                match def[1..].find(end_q) {
                    Some(e) => (&def[1..1 + e], &def[2 + e..]),
                    None => continue,
                }
            }
            Some(_) => {
                let end = def.find(char::is_whitespace).unwrap_or(def.len());
                (&def[..end], &def[end..])
            }
            None => continue,
        };
        let first = name.to_ascii_uppercase();
        if ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].contains(&first.as_str()) {
            continue;
        }
        let upper: Vec<String> = rest
            .split_whitespace()
            .map(str::to_ascii_uppercase)
            .collect();
        if upper.first().map(String::as_str) == Some("INTEGER")
            && upper.windows(2).any(|w| w[0] == "PRIMARY" && w[1] == "KEY")
        {
            rowid = Some(columns.len());
        }
        columns.push(name.to_string());
    }
    (columns, rowid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_of_create_statements() {
        let (c, r) = parse_columns(
            "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, \
             counter INTEGER DEFAULT 0, PRIMARY KEY(x))",
        );
        assert_eq!(c, ["_id", "email", "counter"]);
        assert_eq!(r, Some(0));
        let (c, r) =
            parse_columns("CREATE TABLE `a` (`_id` INTEGER, \"b c\" varchar(32), [d] int)");
        assert_eq!(c, ["_id", "b c", "d"]);
        assert_eq!(r, None);
    }

    #[test]
    fn varints() {
        assert_eq!(varint(&[0x05], 0).unwrap(), (5, 1));
        assert_eq!(varint(&[0x81, 0x00], 0).unwrap(), (128, 2));
        assert_eq!(varint(&[0xff; 9], 0).unwrap(), (u64::MAX, 9));
        assert!(varint(&[0x81], 0).is_err());
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(Db::open(b"hello").is_err());
        let mut b = MAGIC.to_vec();
        b.resize(4096, 0);
        b[16] = 0x10; // 4096
        let db = Db::open(&b).unwrap();
        assert!(db.tables().is_err());
    }
}
