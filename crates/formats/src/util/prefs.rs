//! Android `shared_prefs` XML (`<map><string name="…">…</string>…</map>`),
//! as Authy, Battle.net, FreeOTP and TOTP Authenticator keep their data.
//! Nesting is bounded before the XML parser (which recurses) sees the
//! text; DTDs are refused by roxmltree itself.

use zeroize::Zeroizing;

use super::strip_bom;
use crate::FormatError;

/// Deepest element nesting accepted in XML: preference files are three
/// levels deep; roxmltree recurses per level, so a hostile file must not
/// reach it with thousands.
const MAX_XML_DEPTH: usize = 32;

/// Whether elements nest deeper than `max`, by a conservative scan: it may
/// count more depth than there is (tags inside comments), never less
/// (quoted attribute values are skipped).
fn xml_depth_exceeds(b: &[u8], max: usize) -> bool {
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let closing = b.get(i + 1) == Some(&b'/');
        let element = b
            .get(i + 1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c == b':');
        // Walk to the end of the tag, skipping quoted attribute values.
        let mut quote = None;
        let mut j = i + 1;
        while j < b.len() {
            match (quote, b[j]) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, c @ (b'"' | b'\'')) => quote = Some(c),
                (None, b'>') => break,
                _ => {}
            }
            j += 1;
        }
        let self_closing = j > 0 && b.get(j - 1) == Some(&b'/');
        if closing {
            depth = depth.saturating_sub(1);
        } else if element && !self_closing {
            depth += 1;
            if depth > max {
                return true;
            }
        }
        i = j + 1;
    }
    false
}

/// The `<string>` entries of an Android `shared_prefs` XML file
/// (`<map><string name="…">…</string>…</map>`), in file order. Other value
/// kinds (`int`, `boolean` …) are listed with their `value` attribute.
pub(crate) fn shared_prefs(
    bytes: &[u8],
    format: &'static str,
) -> Result<Vec<(String, Zeroizing<String>)>, FormatError> {
    let text = std::str::from_utf8(strip_bom(bytes))
        .map_err(|_| FormatError::corrupt(format, "the XML is not valid UTF-8"))?;
    if xml_depth_exceeds(text.as_bytes(), MAX_XML_DEPTH) {
        return Err(FormatError::corrupt(format, "XML nested too deeply"));
    }
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| FormatError::corrupt(format, format!("invalid XML ({e})")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "map" {
        return Err(FormatError::corrupt(
            format,
            "not an Android preferences file (no <map>)",
        ));
    }
    let mut out = Vec::new();
    for node in root.children().filter(|n| n.is_element()) {
        let Some(name) = node.attribute("name") else {
            continue;
        };
        let value = match node.tag_name().name() {
            "string" => node.text().unwrap_or(""),
            _ => node.attribute("value").unwrap_or(""),
        };
        out.push((name.to_string(), Zeroizing::new(value.to_string())));
    }
    Ok(out)
}
