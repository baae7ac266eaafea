//! The offline recovery-code vault: a service's one-time recovery (backup)
//! codes kept beside its entry, each marked used or unused.
//!
//! [`parse_codes`] reads the text users paste or the file a service lets
//! them download. It is pure and tolerant: one or more codes per line
//! (columns separated by tabs or 2+ spaces), numbering (`1.`, `1)`, `(1)`,
//! `#1`), bullets (`-`, `*`, `•`…), spaces or dashes inside codes, and
//! headers, blank lines and explanatory sentences around them, which are
//! left out.
//!
//! How a code is told from prose: a code is a run of ASCII letters and
//! digits, optionally in groups separated by single spaces or dashes, 6 to
//! 64 characters without the separators, groups of 3 to 16. A candidate
//! with a digit is a code. A letters-only candidate is a code only when it
//! has the same shape (group lengths) as a code with a digit in the same
//! text, or, in a text without any, when at least three candidates share
//! its shape of equal-length groups; a sentence like "SAVE YOUR BACKUP
//! CODES" never matches those. Codes are compared by their *normalized*
//! form: separators removed, ASCII lower case.

use std::collections::{HashMap, HashSet};
use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// How few unused codes make [`RecoveryCodes::is_low`] true.
pub const LOW_THRESHOLD: usize = 2;

/// The text of one recovery code, wiped on drop, hidden from `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeText(Zeroizing<String>);

impl CodeText {
    pub fn new(text: impl Into<String>) -> Self {
        CodeText(Zeroizing::new(text.into()))
    }
    /// The code as the service wrote it (trimmed).
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Separators removed, lower case: what comparisons use.
    pub fn normalized(&self) -> Zeroizing<String> {
        normalize(&self.0)
    }
}

impl fmt::Debug for CodeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeText(***)")
    }
}

/// One recovery code and its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryCode {
    pub code: CodeText,
    /// When it was added (unix seconds).
    pub added: u64,
    /// When it was marked used (unix seconds); `None` while unused.
    pub used_at: Option<u64>,
}

impl RecoveryCode {
    pub fn is_used(&self) -> bool {
        self.used_at.is_some()
    }
}

/// The recovery codes of one entry, in the order they were added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryCodes {
    pub codes: Vec<RecoveryCode>,
}

/// What [`RecoveryCodes::use_code`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeUse {
    /// Unused codes left.
    pub remaining: usize,
    /// `remaining <= LOW_THRESHOLD`: time to get new codes from the service.
    pub low: bool,
}

/// Why [`RecoveryCodes::use_code`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseError {
    NotFound,
    AlreadyUsed { used_at: u64 },
}

impl RecoveryCodes {
    /// Unused codes.
    pub fn remaining(&self) -> usize {
        self.codes.iter().filter(|c| !c.is_used()).count()
    }

    /// Codes are kept and two or fewer are unused.
    pub fn is_low(&self) -> bool {
        !self.codes.is_empty() && self.remaining() <= LOW_THRESHOLD
    }

    /// Adds codes not already present (by normalized form); returns how many
    /// were new.
    pub fn add<I, S>(&mut self, codes: I, now: u64) -> usize
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut seen: HashSet<Norm> = self
            .codes
            .iter()
            .map(|c| Norm(c.code.normalized()))
            .collect();
        let mut added = 0;
        for code in codes {
            let code = CodeText::new(code.into().trim());
            let n = code.normalized();
            if n.is_empty() || !seen.insert(Norm(n)) {
                continue;
            }
            self.codes.push(RecoveryCode {
                code,
                added: now,
                used_at: None,
            });
            added += 1;
        }
        added
    }

    /// Marks the code matching `code` (normalized, compared in constant
    /// time) as used at `now`.
    pub fn use_code(&mut self, code: &str, now: u64) -> Result<CodeUse, UseError> {
        let wanted = normalize(code);
        if wanted.is_empty() {
            return Err(UseError::NotFound);
        }
        let mut found = None;
        for (i, c) in self.codes.iter().enumerate() {
            let n = c.code.normalized();
            if bool::from(n.as_bytes().ct_eq(wanted.as_bytes())) && found.is_none() {
                found = Some(i);
            }
        }
        let i = found.ok_or(UseError::NotFound)?;
        if let Some(used_at) = self.codes[i].used_at {
            return Err(UseError::AlreadyUsed { used_at });
        }
        self.codes[i].used_at = Some(now);
        let remaining = self.remaining();
        Ok(CodeUse {
            remaining,
            low: remaining <= LOW_THRESHOLD,
        })
    }

    /// Indexes of codes whose normalized form contains the normalized query.
    pub fn search(&self, query: &str) -> Vec<usize> {
        let q = normalize(query);
        if q.is_empty() {
            return Vec::new();
        }
        self.codes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.code.normalized().contains(q.as_str()))
            .map(|(i, _)| i)
            .collect()
    }
}

/// A normalized code as a set key (wiped on drop).
#[derive(PartialEq, Eq)]
struct Norm(Zeroizing<String>);

impl std::hash::Hash for Norm {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.as_str().hash(state);
    }
}

/// Separators and everything but ASCII letters and digits removed, lower case.
pub fn normalize(code: &str) -> Zeroizing<String> {
    Zeroizing::new(
        code.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect(),
    )
}

const MIN_LEN: usize = 6;
const MAX_LEN: usize = 64;
const MIN_GROUP: usize = 3;
const MAX_GROUP: usize = 16;

/// A line fragment that looks like a code.
struct Candidate<'a> {
    text: &'a str,
    shape: Vec<usize>,
    has_digit: bool,
}

/// The recovery codes in a pasted text or downloaded file, in order, each
/// once (by normalized form), as written (trimmed, decorations removed).
pub fn parse_codes(text: &str) -> Vec<String> {
    let candidates: Vec<Candidate> = text
        .lines()
        .flat_map(cells)
        .filter_map(|cell| candidate(strip_decoration(cell)))
        .collect();
    let strong: HashSet<(&[usize], Case)> = candidates
        .iter()
        .filter(|c| c.has_digit)
        .map(|c| (c.shape.as_slice(), case_of(c.text)))
        .collect();
    let mut shape_count: HashMap<&[usize], usize> = HashMap::new();
    for c in &candidates {
        *shape_count.entry(c.shape.as_slice()).or_default() += 1;
    }
    let accept = |c: &Candidate| {
        if c.has_digit {
            return true;
        }
        let case = case_of(c.text);
        if case == Case::Mixed || has_common_word(c.text) {
            return false;
        }
        if !strong.is_empty() {
            return strong.contains(&(c.shape.as_slice(), case))
                || strong.contains(&(c.shape.as_slice(), Case::None));
        }
        let equal_groups = c.shape.windows(2).all(|w| w[0] == w[1]);
        equal_groups && shape_count[c.shape.as_slice()] >= 3
    };
    let mut seen = HashSet::new();
    candidates
        .iter()
        .filter(|c| accept(c))
        .filter(|c| seen.insert(Norm(normalize(c.text))))
        .map(|c| c.text.to_string())
        .collect()
}

/// The case of a fragment's letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Case {
    None,
    Lower,
    Upper,
    Mixed,
}

fn case_of(text: &str) -> Case {
    let lower = text.bytes().any(|b| b.is_ascii_lowercase());
    let upper = text.bytes().any(|b| b.is_ascii_uppercase());
    match (lower, upper) {
        (false, false) => Case::None,
        (true, false) => Case::Lower,
        (false, true) => Case::Upper,
        (true, true) => Case::Mixed,
    }
}

/// Words of the sentences around codes; a letters-only fragment with one of
/// them is prose.
const COMMON_WORDS: &[&str] = &[
    "account", "after", "backup", "been", "code", "codes", "each", "from", "have", "here", "into",
    "keep", "lose", "once", "only", "place", "print", "recovery", "safe", "save", "secure", "spot",
    "store", "that", "them", "these", "this", "used", "when", "will", "with", "your",
];

fn has_common_word(text: &str) -> bool {
    text.split([' ', '-'])
        .any(|w| COMMON_WORDS.contains(&w.to_ascii_lowercase().as_str()))
}

/// A line's columns: split at tabs and at runs of two or more spaces.
fn cells(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let sep_len = if bytes[i] == b'\t' {
            1
        } else if bytes[i] == b' ' && bytes.get(i + 1) == Some(&b' ') {
            let mut j = i;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                j += 1;
            }
            j - i
        } else {
            0
        };
        if sep_len > 0 {
            out.push(&line[start..i]);
            i += sep_len;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(&line[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

/// Removes leading bullets and numbering: `- `, `* `, `• `, `1. `, `1) `,
/// `(1) `, `#1 `, `1: `, repeatedly.
fn strip_decoration(cell: &str) -> &str {
    let mut s = cell.trim();
    loop {
        let before = s;
        for bullet in [
            '-', '*', '•', '·', '+', '–', '—', '◦', '▪', '‣', '>', '□', '☐',
        ] {
            if let Some(rest) = s.strip_prefix(bullet) {
                if rest.starts_with(char::is_whitespace) {
                    s = rest.trim_start();
                }
            }
        }
        s = strip_number(s);
        if s == before {
            return s;
        }
    }
}

fn strip_number(s: &str) -> &str {
    let (open, rest) = match s.strip_prefix('(') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('#').unwrap_or(s)),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return s;
    }
    let after = &rest[digits..];
    let after = if open {
        match after.strip_prefix(')') {
            Some(a) => a,
            None => return s,
        }
    } else if let Some(a) = after.strip_prefix(['.', ')', ':']) {
        a
    } else if s.starts_with('#') {
        after
    } else {
        return s;
    };
    if after.starts_with(char::is_whitespace) {
        after.trim_start()
    } else {
        s
    }
}

fn candidate(s: &str) -> Option<Candidate<'_>> {
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        return None;
    }
    let groups: Vec<&str> = s.split([' ', '-']).collect();
    // No empty group: separators are single and not at the ends.
    if groups.iter().any(|g| g.is_empty()) {
        return None;
    }
    let shape: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let total: usize = shape.iter().sum();
    if !(MIN_LEN..=MAX_LEN).contains(&total) {
        return None;
    }
    if shape.len() > 1 && shape.iter().any(|&l| !(MIN_GROUP..=MAX_GROUP).contains(&l)) {
        return None;
    }
    Some(Candidate {
        text: s,
        shape,
        has_digit: s.bytes().any(|b| b.is_ascii_digit()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn google_two_column_file() {
        let text = "SAVE YOUR BACKUP CODES\n\
                    Keep these backup codes somewhere safe but accessible.\n\
                    \n\
                    1. 1234 5678        6. 2345 6789\n\
                    2. 3456 7890        7. 4567 8901\n\
                    \n\
                    (user@example.com)\n\
                    * You can only use each backup code once.\n\
                    * Need more? Visit https://g.co/2sv\n\
                    * Generated: Jan 1, 2024\n";
        assert_eq!(
            parse_codes(text),
            ["1234 5678", "2345 6789", "3456 7890", "4567 8901"]
        );
    }

    #[test]
    fn github_dashes_bullets_and_letter_only_codes_of_the_same_shape() {
        let text = "GitHub recovery codes\n\
                    - a1b2c-3d4e5\n\
                    - abcde-fghij\n\
                    • 0f9e8-d7c6b\n\
                    Keep your recovery codes as safe as your password.\n";
        assert_eq!(
            parse_codes(text),
            ["a1b2c-3d4e5", "abcde-fghij", "0f9e8-d7c6b"]
        );
    }

    #[test]
    fn numbering_styles_and_duplicates() {
        let text = "1) 11111111\n(2) 22222222\n#3 33333333\n4: 44444444\n5.\t55555555\n11111111\n";
        assert_eq!(
            parse_codes(text),
            ["11111111", "22222222", "33333333", "44444444", "55555555"]
        );
    }

    #[test]
    fn letters_only_codes_need_company() {
        assert_eq!(parse_codes("KEEP THEM SAFE\n"), Vec::<String>::new());
        assert_eq!(
            parse_codes("abcdefgh\nijklmnop\nqrstuvwx\nimportant!\n"),
            ["abcdefgh", "ijklmnop", "qrstuvwx"]
        );
    }

    #[test]
    fn use_remaining_low_and_search() {
        let mut r = RecoveryCodes::default();
        assert!(!r.is_low(), "no codes is not low, it is none");
        assert_eq!(
            r.add(["1234-5678", "2222 3333", "4444 5555", "12345678"], 10),
            3
        );
        assert_eq!(r.remaining(), 3);
        assert_eq!(
            r.use_code("12345678", 20),
            Ok(CodeUse {
                remaining: 2,
                low: true
            })
        );
        assert_eq!(
            r.use_code("1234 5678", 21),
            Err(UseError::AlreadyUsed { used_at: 20 })
        );
        assert_eq!(r.use_code("9999 9999", 21), Err(UseError::NotFound));
        assert_eq!(r.use_code("", 21), Err(UseError::NotFound));
        assert!(r.is_low());
        assert_eq!(r.search("3333"), vec![1]);
        assert_eq!(r.search("45"), vec![0, 2]);
        assert_eq!(format!("{:?}", r.codes[0].code), "CodeText(***)");
    }
}
