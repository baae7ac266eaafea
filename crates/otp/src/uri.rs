//! `otpauth://` URIs: parsing what real exporters write, and formatting.
//!
//! Accepted spellings (all seen in exports): labels `Issuer:account`, with the
//! colon percent-encoded (`%3A`) and spaces after it; `+` means a space in the
//! query only (in the path it is a literal plus); secrets in any case, with
//! spaces or `=` padding; algorithm names in any case; parameters in any order
//! and of any case; unknown parameters (`image`, `codeDisplay`, …) ignored;
//! `otpauth://steam/…` and `encoder=steam` for Steam Guard.
//!
//! Refused, with a reason: a missing, empty or non-base32 secret; a type other
//! than totp/hotp/steam; an algorithm other than SHA1/SHA256/SHA512; digits
//! outside 6–10 (Steam is always 5); a period that is not a positive integer;
//! HOTP without `counter`.
//!
//! [`format()`] writes the canonical spelling, which [`parse`] reads back to an
//! equal entry.

use std::borrow::Cow;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::{Algorithm, Entry, Kind, OtpError, Params, Secret, DIGITS};

/// Parses one `otpauth://` URI (surrounding whitespace ignored).
pub fn parse(uri: &str) -> Result<Entry, OtpError> {
    let uri = uri.trim();
    let rest = strip_prefix_ignore_case(uri, "otpauth://").ok_or(OtpError::NotOtpauth)?;
    let (type_part, after_type) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => {
            let end = rest.find('?').unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        }
    };
    let (path, query) = match after_type.find('?') {
        Some(i) => (&after_type[..i], &after_type[i + 1..]),
        None => (after_type, ""),
    };
    // A fragment is not part of any exporter's URI; drop it.
    let query = query.split('#').next().unwrap_or("");

    let label = percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| OtpError::Malformed("the label is not valid UTF-8".into()))?;

    let mut secret: Option<String> = None;
    let mut issuer_param: Option<String> = None;
    let mut algorithm = Algorithm::Sha1;
    let mut digits: Option<String> = None;
    let mut period: Option<String> = None;
    let mut counter: Option<String> = None;
    let mut steam_encoder = false;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        // Keys are plain ASCII in every exporter seen; compare without
        // allocating, and decode only the values we use.
        let key = if k.contains('%') || k.contains('+') {
            Cow::Owned(decode_query(k)?.into_owned())
        } else {
            Cow::Borrowed(k)
        };
        let is = |name: &str| key.eq_ignore_ascii_case(name);
        if is("secret") {
            secret = Some(decode_query(v)?.into_owned());
        } else if is("issuer") {
            issuer_param = Some(decode_query(v)?.into_owned());
        } else if is("algorithm") {
            algorithm = Algorithm::parse(decode_query(v)?.trim())?;
        } else if is("digits") {
            digits = Some(decode_query(v)?.into_owned());
        } else if is("period") {
            period = Some(decode_query(v)?.into_owned());
        } else if is("counter") {
            counter = Some(decode_query(v)?.into_owned());
        } else if is("encoder") {
            steam_encoder = decode_query(v)?.eq_ignore_ascii_case("steam");
        }
    }

    let kind_name = type_part.to_ascii_lowercase();
    let parse_period = |p: &Option<String>| -> Result<u32, OtpError> {
        match p {
            None => Ok(30),
            Some(s) => match s.trim().parse::<u32>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(OtpError::BadPeriod(s.clone())),
            },
        }
    };
    let kind = match kind_name.as_str() {
        "totp" if steam_encoder => Kind::Steam {
            period: parse_period(&period)?,
        },
        "totp" => Kind::Totp {
            period: parse_period(&period)?,
        },
        "steam" => Kind::Steam {
            period: parse_period(&period)?,
        },
        "hotp" => {
            let c = counter.as_ref().ok_or(OtpError::MissingCounter)?;
            Kind::Hotp {
                counter: c
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| OtpError::BadCounter(c.clone()))?,
            }
        }
        _ => return Err(OtpError::BadType(type_part.to_string())),
    };
    let digits = match (&kind, digits) {
        (Kind::Steam { .. }, _) => 5,
        (_, None) => 6,
        (_, Some(d)) => match d.trim().parse::<u8>() {
            Ok(n) if DIGITS.contains(&n) => n,
            _ => return Err(OtpError::BadDigits(d)),
        },
    };
    let secret = Secret::from_base32(&secret.ok_or(OtpError::MissingSecret)?)?;
    let issuer_param = issuer_param.map(|i| i.trim().to_string());
    let (issuer, name) = match issuer_param {
        // An issuer that itself contains a colon: strip it as a whole.
        Some(i) if !i.is_empty() => {
            match label.strip_prefix(&i).and_then(|r| r.strip_prefix(':')) {
                Some(rest) => (i, rest.trim().to_string()),
                None => (i, split_label(&label).1),
            }
        }
        _ => {
            let (li, n) = split_label(&label);
            (li.unwrap_or_default(), n)
        }
    };
    let params = Params {
        kind,
        algorithm,
        digits,
    };
    Entry::from_params(params, issuer, name, secret)
}

/// Splits `Issuer:account` (first colon; spaces around the account trimmed).
fn split_label(label: &str) -> (Option<String>, String) {
    match label.split_once(':') {
        Some((issuer, name)) => (Some(issuer.trim().to_string()), name.trim().to_string()),
        None => (None, label.trim().to_string()),
    }
}

/// Decodes a query value: `+` is a space, then percent-decoding. Borrows
/// when there is nothing to decode (the common case).
fn decode_query(s: &str) -> Result<Cow<'_, str>, OtpError> {
    if !s.contains(['+', '%']) {
        return Ok(Cow::Borrowed(s));
    }
    let plus = s.replace('+', " ");
    percent_decode_str(&plus)
        .decode_utf8()
        .map(|c| Cow::Owned(c.into_owned()))
        .map_err(|_| OtpError::Malformed("a query parameter is not valid UTF-8".into()))
}

pub(crate) fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

/// Characters escaped in labels and parameter values: everything but
/// unreserved ones (RFC 3986), so `:`, `&`, `=`, `+`, `/`, `?` never leak.
const ESCAPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Formats an entry as a canonical `otpauth://` URI (contains the secret).
pub fn format(entry: &Entry) -> String {
    let enc = |s: &str| utf8_percent_encode(s, ESCAPE).to_string();
    let kind = entry.kind();
    let type_name = match kind {
        Kind::Steam { .. } => "steam",
        k => k.type_name(),
    };
    let label = if entry.issuer.is_empty() {
        enc(&entry.name)
    } else {
        format!("{}:{}", enc(&entry.issuer), enc(&entry.name))
    };
    let mut uri = format!(
        "otpauth://{type_name}/{label}?secret={}",
        entry.secret().to_base32()
    );
    if !entry.issuer.is_empty() {
        uri.push_str("&issuer=");
        uri.push_str(&enc(&entry.issuer));
    }
    uri.push_str("&algorithm=");
    uri.push_str(entry.algorithm().as_str());
    uri.push_str(&format!("&digits={}", entry.digits()));
    match kind {
        Kind::Totp { period } | Kind::Steam { period } => {
            uri.push_str(&format!("&period={period}"))
        }
        Kind::Hotp { counter } => uri.push_str(&format!("&counter={counter}")),
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(uri: &str) -> Entry {
        parse(uri).unwrap_or_else(|e| panic!("{uri}: {e}"))
    }

    #[test]
    fn real_world_spellings() {
        let e = ok("otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30");
        assert_eq!(
            (e.issuer.as_str(), e.name.as_str()),
            ("ACME Co", "john.doe@email.com")
        );

        let e = ok("otpauth://totp/Example%3A%20alice?secret=jbswy3dpehpk3pxp");
        assert_eq!((e.issuer.as_str(), e.name.as_str()), ("Example", "alice"));
        assert_eq!(e.kind(), Kind::Totp { period: 30 });
        assert_eq!(e.digits(), 6);

        let e = ok("OTPAUTH://TOTP/a+b?issuer=Big+Corp&SECRET=JBSW%20Y3DP%20EHPK%203PXP&algorithm=sha256&digits=8&period=60&image=http%3A%2F%2Fx&codeDisplay=1");
        assert_eq!(e.name, "a+b", "a plus in the path is literal");
        assert_eq!(e.issuer, "Big Corp", "a plus in the query is a space");
        assert_eq!(e.algorithm(), Algorithm::Sha256);
        assert_eq!(e.kind(), Kind::Totp { period: 60 });

        let e = ok("otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(e.kind(), Kind::Steam { period: 30 });
        let e = ok("otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&encoder=steam&digits=5");
        assert_eq!(e.kind(), Kind::Steam { period: 30 });
        assert_eq!(e.digits(), 5);

        let e = ok("otpauth://hotp/x?counter=7&secret=JBSWY3DPEHPK3PXP=====");
        assert_eq!(e.kind(), Kind::Hotp { counter: 7 });
    }

    #[test]
    fn refusals() {
        use OtpError::*;
        let cases: &[(&str, OtpError)] = &[
            ("otpauth://totp/x", MissingSecret),
            ("otpauth://totp/x?secret=", EmptySecret),
            ("otpauth://totp/x?secret=JBSW1Y3", BadBase32),
            ("otpauth://motp/x?secret=JBSWY3DP", BadType("motp".into())),
            (
                "otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5",
                BadAlgorithm("MD5".into()),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DP&digits=5",
                BadDigits("5".into()),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DP&digits=11",
                BadDigits("11".into()),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DP&period=0",
                BadPeriod("0".into()),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DP&period=-30",
                BadPeriod("-30".into()),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DP&period=1.5",
                BadPeriod("1.5".into()),
            ),
            ("otpauth://hotp/x?secret=JBSWY3DP", MissingCounter),
            ("http://totp/x?secret=JBSWY3DP", NotOtpauth),
        ];
        for (uri, want) in cases {
            assert_eq!(parse(uri).as_ref().err(), Some(want), "{uri}");
        }
    }

    #[test]
    fn format_then_parse() {
        let e = ok("otpauth://totp/We%3Aird%20%26%20Co:a%2Fb%3Fc?secret=JBSWY3DPEHPK3PXP&issuer=We%3Aird%20%26%20Co&digits=7&period=45&algorithm=SHA512");
        assert_eq!(e.issuer, "We:ird & Co");
        assert_eq!(ok(&format(&e)), e);
    }
}
