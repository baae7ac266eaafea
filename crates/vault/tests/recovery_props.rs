//! Property tests of the recovery-code parser: whatever decorations a
//! service's file wraps its codes in, the codes come out, in order, each
//! once, and nothing else does.

use apiq_vault::recovery::{normalize, parse_codes};
use proptest::prelude::*;

/// Explanatory lines real files carry around their codes.
const PROSE: &[&str] = &[
    "SAVE YOUR BACKUP CODES",
    "Keep these backup codes somewhere safe but accessible.",
    "You can only use each backup code once.",
    "Recovery codes for your account",
    "(user@example.com)",
    "Generated: Jan 1, 2024",
    "Each code can be used once",
    "Put these in a safe spot.",
    "GitHub recovery codes",
    "If you lose your device and don't have the recovery codes, you will lose access.",
    "KEEP THEM SAFE",
    "Page 1 of 2",
    "----------",
    "=====",
];

/// A code with at least one digit, in groups of 4–5 joined by a separator.
fn code() -> impl Strategy<Value = String> {
    (
        prop::collection::vec("[a-z0-9]{4,5}", 1..4),
        prop::sample::select(vec![" ", "-"]),
        "[0-9]",
    )
        .prop_map(|(mut groups, sep, digit)| {
            // Guarantee a digit so the code does not rely on its neighbours.
            groups[0].replace_range(0..1, &digit);
            groups.join(sep)
        })
        .prop_filter("6+ characters", |c| normalize(c).len() >= 6)
}

fn decoration() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "", "- ", "* ", "• ", "1. ", "12) ", "(3) ", "#4 ", "5: ", "   ", "\t",
    ])
    .prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn decorated_codes_among_prose_come_out_exactly(
        codes in prop::collection::vec(code(), 1..12),
        decorations in prop::collection::vec(decoration(), 12),
        prose in prop::collection::vec((0..PROSE.len(), 0..14usize), 0..6),
        columns in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        // Unique by normalized form, as the parser reports them.
        let mut seen = std::collections::HashSet::new();
        let codes: Vec<String> =
            codes.into_iter().filter(|c| seen.insert(normalize(c).to_string())).collect();
        let mut lines: Vec<String> = Vec::new();
        let mut i = 0;
        while i < codes.len() {
            let left = format!("{}{}", decorations[i % 12], codes[i]);
            if columns && i + 1 < codes.len() {
                lines.push(format!("{left}        {}{}", decorations[(i + 1) % 12], codes[i + 1]));
                i += 2;
            } else {
                lines.push(left);
                i += 1;
            }
        }
        for (p, at) in prose {
            let at = at.min(lines.len());
            lines.insert(at, PROSE[p].to_string());
            lines.insert(at, String::new());
        }
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        prop_assert_eq!(parse_codes(&text), codes);
    }

    #[test]
    fn any_text_parses_without_panic_into_plausible_unique_codes(text in any::<String>()) {
        let out = parse_codes(&text);
        let mut seen = std::collections::HashSet::new();
        for c in &out {
            let n = normalize(c);
            prop_assert!((6..=64).contains(&n.len()));
            prop_assert!(c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == ' ' || ch == '-'));
            prop_assert!(seen.insert(n.to_string()));
        }
    }

    #[test]
    fn parsing_its_own_output_is_stable(text in "([a-zA-Z0-9 .\\-]{0,30}\n){0,20}") {
        let once = parse_codes(&text);
        prop_assert_eq!(parse_codes(&once.join("\n")), once.clone());
    }
}
