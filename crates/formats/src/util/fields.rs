//! Loose OTP fields as foreign formats store them (a type, an algorithm
//! name, numbers of any width), turned into a validated entry through
//! [`apiq_otp::Entry::from_params`], or into the typed [`SkipReason`] it
//! cannot be one.

use apiq_otp::{Algorithm, Entry, Kind, OtpError, Params, Secret, SkipReason};

/// The bare type of an OTP, as formats name it; [`Kind`] adds the period
/// or counter once they are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OtpType {
    Totp,
    Hotp,
    Steam,
}

impl OtpType {
    /// `totp`, `hotp` or `steam` in any case, spaces around ignored;
    /// anything else is [`OtpError::BadType`].
    pub fn parse(name: &str) -> Result<OtpType, SkipReason> {
        match name.trim().to_ascii_lowercase().as_str() {
            "totp" => Ok(OtpType::Totp),
            "hotp" => Ok(OtpType::Hotp),
            "steam" => Ok(OtpType::Steam),
            _ => Err(OtpError::BadType(name.trim().to_string()).into()),
        }
    }
}

/// An algorithm name as formats write it (`SHA1`, `sha-256`, `HmacSHA512`
/// is not seen; empty means the default): `None` for absent or empty.
pub(crate) fn parse_algorithm(name: Option<&str>) -> Result<Option<Algorithm>, SkipReason> {
    match name.map(str::trim).filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(a) => Ok(Some(Algorithm::parse(&a.replace('-', ""))?)),
    }
}

/// Loose OTP fields as a foreign format stores them, turned into a
/// validated entry by [`Fields::build`].
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub kind: OtpType,
    pub issuer: String,
    pub name: String,
    /// `None`: SHA1.
    pub algorithm: Option<Algorithm>,
    pub digits: Option<i64>,
    pub period: Option<i64>,
    pub counter: Option<i64>,
}

impl Fields {
    pub fn new(kind: OtpType, issuer: impl Into<String>, name: impl Into<String>) -> Self {
        Fields {
            kind,
            issuer: issuer.into(),
            name: name.into(),
            algorithm: None,
            digits: None,
            period: None,
            counter: None,
        }
    }

    /// Validates the fields with `secret` (defaults: SHA1, 6 digits, 30 s; an
    /// HOTP entry without a counter starts at 0).
    /// The error is the reason to report in a [`apiq_otp::Skipped`].
    pub fn build(&self, secret: Result<Secret, OtpError>) -> Result<Entry, SkipReason> {
        let period = match self.period {
            None | Some(0) => 30,
            Some(p) => u32::try_from(p).map_err(|_| OtpError::BadPeriod(p.to_string()))?,
        };
        let kind = match self.kind {
            OtpType::Totp => Kind::Totp { period },
            OtpType::Steam => Kind::Steam { period },
            OtpType::Hotp => {
                let c = self.counter.unwrap_or(0);
                Kind::Hotp {
                    counter: u64::try_from(c).map_err(|_| OtpError::BadCounter(c.to_string()))?,
                }
            }
        };
        let secret = secret?;
        let digits = match self.digits {
            None => 6,
            Some(d) => u8::try_from(d).map_err(|_| OtpError::BadDigits(d.to_string()))?,
        };
        let params = Params {
            kind,
            algorithm: self.algorithm.unwrap_or_default(),
            digits,
        };
        Ok(Entry::from_params(
            params,
            self.issuer.trim(),
            self.name.trim(),
            secret,
        )?)
    }
}

/// Splits `Issuer:name` when the issuer is unknown; strips a leading
/// `issuer:` from `name` when it repeats a known issuer.
pub(crate) fn split_issuer(issuer: &str, name: &str) -> (String, String) {
    let issuer = issuer.trim();
    let name = name.trim();
    if issuer.is_empty() {
        if let Some((i, n)) = name.split_once(':') {
            return (i.trim().to_string(), n.trim().to_string());
        }
        return (String::new(), name.to_string());
    }
    match name.strip_prefix(issuer).and_then(|r| r.strip_prefix(':')) {
        Some(rest) => (issuer.to_string(), rest.trim().to_string()),
        None => (issuer.to_string(), name.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_splitting() {
        assert_eq!(
            split_issuer("", "Deno:Mason"),
            ("Deno".into(), "Mason".into())
        );
        assert_eq!(
            split_issuer("Deno", "Deno:Mason"),
            ("Deno".into(), "Mason".into())
        );
        assert_eq!(
            split_issuer("Deno", "Mason"),
            ("Deno".into(), "Mason".into())
        );
        assert_eq!(split_issuer("", "Mason"), ("".into(), "Mason".into()));
    }

    #[test]
    fn types_and_algorithms_parse() {
        assert_eq!(OtpType::parse(" TOTP "), Ok(OtpType::Totp));
        assert_eq!(OtpType::parse("Steam"), Ok(OtpType::Steam));
        assert_eq!(
            OtpType::parse("motp"),
            Err(SkipReason::Invalid(OtpError::BadType("motp".into())))
        );
        assert_eq!(parse_algorithm(None), Ok(None));
        assert_eq!(parse_algorithm(Some(" ")), Ok(None));
        assert_eq!(
            parse_algorithm(Some("sha-512")),
            Ok(Some(Algorithm::Sha512))
        );
        assert_eq!(
            parse_algorithm(Some("MD5")),
            Err(SkipReason::Invalid(OtpError::BadAlgorithm("MD5".into())))
        );
    }

    #[test]
    fn fields_validate() {
        let s = || Secret::from_base32("JBSWY3DPEHPK3PXP");
        assert!(Fields::new(OtpType::Totp, "a", "b").build(s()).is_ok());
        let mut f = Fields::new(OtpType::Hotp, "a", "b");
        f.counter = Some(-1);
        assert!(f.build(s()).is_err());
        f.counter = Some(3);
        f.digits = Some(300);
        assert!(f.build(s()).is_err());
        f.digits = Some(8);
        f.algorithm = Some(Algorithm::Sha256);
        let e = f.build(s()).unwrap();
        assert_eq!(e.algorithm(), Algorithm::Sha256);
        assert_eq!(e.kind().counter(), Some(3));
    }
}
