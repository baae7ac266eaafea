//! Request parameters: the query string first, then the body
//! (`application/x-www-form-urlencoded`, or a JSON object whose scalar
//! values are taken as text and whose arrays/objects as their JSON text).
//! The first occurrence of a name wins; unknown names (`appid`, `ruk`, …)
//! are ignored by the handlers. Values are wiped from memory on drop.

use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use crate::error::ApiError;

/// At most this many parameters are read; more is a 4.
const MAX_PARAMS: usize = 64;

pub struct Params(Vec<(String, String)>);

impl Drop for Params {
    fn drop(&mut self) {
        for (_, v) in self.0.iter_mut() {
            v.zeroize();
        }
    }
}

impl Params {
    /// Parses a query string and a body of the given content type.
    pub fn parse(query: &str, content_type: &str, body: &[u8]) -> Result<Params, ApiError> {
        let mut out = Vec::new();
        push_form(&mut out, query.as_bytes())?;
        let ct = content_type.to_ascii_lowercase();
        let trimmed = body.iter().all(u8::is_ascii_whitespace);
        if trimmed {
            // no body
        } else if ct.contains("json") {
            let v: Value = serde_json::from_slice(body)
                .map_err(|_| ApiError::InvalidParam("malformed JSON body".into()))?;
            let Value::Object(map) = v else {
                return Err(ApiError::InvalidParam(
                    "the JSON body must be an object".into(),
                ));
            };
            for (k, v) in map {
                let text = match v {
                    Value::Null => continue,
                    Value::String(s) => s,
                    Value::Bool(b) => b.to_string(),
                    Value::Number(n) => n.to_string(),
                    other => other.to_string(),
                };
                push(&mut out, k, text)?;
            }
        } else {
            push_form(&mut out, body)?;
        }
        Ok(Params(out))
    }

    /// The value, if present (possibly empty).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A required, non-empty value.
    pub fn req(&self, name: &str) -> Result<&str, ApiError> {
        match self.get(name) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(ApiError::missing(name)),
        }
    }

    /// A required secret value, copied into wiping memory.
    pub fn secret(&self, name: &str) -> Result<Zeroizing<String>, ApiError> {
        self.req(name).map(|v| Zeroizing::new(v.to_owned()))
    }

    /// An optional value, `None` when absent or empty.
    pub fn opt(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }
}

fn push(out: &mut Vec<(String, String)>, k: String, v: String) -> Result<(), ApiError> {
    if out.len() >= MAX_PARAMS {
        return Err(ApiError::InvalidParam("too many parameters".into()));
    }
    out.push((k, v));
    Ok(())
}

fn push_form(out: &mut Vec<(String, String)>, bytes: &[u8]) -> Result<(), ApiError> {
    for (k, v) in form_urlencoded::parse(bytes) {
        push(out, k.into_owned(), v.into_owned())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_then_form_then_json() {
        let p = Params::parse(
            "a=1&b=&appid=x",
            "application/x-www-form-urlencoded",
            b"a=2&c=%C3%A9+x",
        )
        .unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("c"), Some("é x"));
        assert_eq!(p.opt("b"), None);
        assert!(p.req("b").is_err());
        let p = Params::parse(
            "",
            "application/json",
            br#"{"x":"s","n":5,"t":true,"l":["a","b"],"z":null}"#,
        )
        .unwrap();
        assert_eq!(p.get("x"), Some("s"));
        assert_eq!(p.get("n"), Some("5"));
        assert_eq!(p.get("t"), Some("true"));
        assert_eq!(p.get("l"), Some(r#"["a","b"]"#));
        assert_eq!(p.get("z"), None);
        assert!(Params::parse("", "application/json", b"[1]").is_err());
        assert!(Params::parse("", "application/json", b"{").is_err());
        let many = (0..100)
            .map(|i| format!("k{i}=v"))
            .collect::<Vec<_>>()
            .join("&");
        assert!(Params::parse(&many, "", b"").is_err());
        // Invalid UTF-8 and stray escapes are decoded lossily, never refused.
        let p = Params::parse("a=%FF%&b=%zz", "text/plain", b"\xff=\xfe").unwrap();
        assert!(p.get("a").is_some());
    }
}
