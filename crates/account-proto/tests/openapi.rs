//! The protocol crate and the OpenAPI document describe the same API: the
//! same paths, for each method the same parameters as its request struct
//! and the same reply fields (nested objects included) as its reply
//! struct, the same result codes and refusal reasons.

use std::collections::BTreeSet;

use apiq_account_proto::*;
use serde::Serialize;
use serde_json::{json, Value};

fn doc() -> Value {
    serde_json::from_str(OPENAPI_JSON).unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn to_json<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap()
}

/// For every method: its request with every optional parameter given,
/// and a reply with one element in every list.
fn samples(m: Method) -> (Value, Value) {
    let s = "x";
    let pw = PasswordRequest {
        session: s,
        password: s,
    };
    let token = TokenInfo {
        api_list: vec!["*".into()],
        ..TokenInfo::default()
    };
    match m {
        Method::CreateAccount => (
            to_json(&CreateAccountRequest {
                email: s,
                password: s,
                name: Some(s),
            }),
            to_json(&Created::default()),
        ),
        Method::Signin => (
            to_json(&SigninRequest {
                login: s,
                password: s,
            }),
            to_json(&SigninReply::default()),
        ),
        Method::Verify2FACode => (
            to_json(&Verify2FACodeRequest {
                session: s,
                code: s,
            }),
            to_json(&SigninReply::default()),
        ),
        Method::Signout => (to_json(&SessionRequest { session: s }), to_json(&Empty {})),
        Method::GetSessions => (
            to_json(&SessionRequest { session: s }),
            to_json(&Sessions {
                sessions: vec![SessionInfo::default()],
            }),
        ),
        Method::SignoutSessions => (
            to_json(&SignoutSessionsRequest {
                session: s,
                ids: Ids::All.to_param(),
            }),
            to_json(&Empty {}),
        ),
        Method::CreateToken => (
            to_json(&CreateTokenRequest {
                session: s,
                password: s,
                description: s,
                api_list: Some("*".into()),
                token_template: Some(s),
                expires_at: Some(s),
            }),
            to_json(&CreatedTokenReply {
                token: CreatedToken {
                    value: Sensitive::new("v"),
                    info: token.clone(),
                },
            }),
        ),
        Method::GetTokens => (
            to_json(&GetTokensRequest {
                session: s,
                ids: Some("*".into()),
            }),
            to_json(&Tokens {
                tokens: vec![token],
            }),
        ),
        Method::DeleteTokens => (
            to_json(&DeleteTokensRequest {
                session: s,
                password: s,
                ids: "*".into(),
            }),
            to_json(&Empty {}),
        ),
        Method::GetUserInfo => (
            to_json(&SessionRequest { session: s }),
            to_json(&UserInfo::default()),
        ),
        Method::Get2FAConfig => (to_json(&pw), to_json(&TwoFactorConfig::default())),
        Method::Enable2FA => (
            to_json(&Enable2FARequest {
                session: s,
                password: s,
                code: s,
            }),
            to_json(&NewCodes {
                recovery_codes: vec![Sensitive::new("c")],
            }),
        ),
        Method::Get2FABackupCodes => (
            to_json(&pw),
            to_json(&BackupCodes {
                recovery_codes: vec![BackupCode::default()],
                remaining: 0,
            }),
        ),
        Method::Regenerate2FABackupCodes => (
            to_json(&pw),
            to_json(&NewCodes {
                recovery_codes: vec![Sensitive::new("c")],
            }),
        ),
        Method::Disable2FA => (to_json(&pw), to_json(&Empty {})),
        Method::GetAuditLog => (
            to_json(&GetAuditLogRequest {
                session: s,
                limit: Some(1),
            }),
            to_json(&AuditLog {
                events: vec![AuditEvent::default()],
            }),
        ),
    }
}

/// Follows `$ref`s into the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").unwrap();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// The sample value `v` has exactly the shape `schema` documents: the same
/// property names at every level, and the JSON type of each.
fn same_shape(doc: &Value, schema: &Value, v: &Value, at: &str) {
    let schema = resolve(doc, schema);
    let ty = schema["type"]
        .as_str()
        .unwrap_or_else(|| panic!("{at}: no type"));
    match v {
        Value::Object(map) => {
            assert_eq!(ty, "object", "{at}");
            let props = schema["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{at}: the document lists no properties"));
            let in_doc: BTreeSet<&String> = props.keys().collect();
            let in_code: BTreeSet<&String> = map.keys().collect();
            assert_eq!(in_doc, in_code, "{at}: fields differ");
            for (k, sub) in map {
                same_shape(doc, &props[k], sub, &format!("{at}.{k}"));
            }
        }
        Value::Array(items) => {
            assert_eq!(ty, "array", "{at}");
            assert!(!items.is_empty(), "{at}: give the sample one element");
            same_shape(doc, &schema["items"], &items[0], &format!("{at}[]"));
        }
        Value::String(_) => assert_eq!(ty, "string", "{at}"),
        Value::Bool(_) => assert_eq!(ty, "boolean", "{at}"),
        Value::Number(_) => assert_eq!(ty, "integer", "{at}"),
        Value::Null => assert_eq!(schema["nullable"], true, "{at}: null but not nullable"),
    }
}

#[test]
fn paths_are_the_method_table() {
    let d = doc();
    let mut in_doc = keys(&d["paths"]);
    assert!(in_doc.remove("/openapi.json"));
    let in_code: BTreeSet<String> = Method::ALL.iter().map(|m| m.path()).collect();
    assert_eq!(in_doc, in_code);
}

#[test]
fn every_method_has_the_documented_parameters_and_reply() {
    let d = doc();
    for m in Method::ALL {
        let (req, reply) = samples(m);
        let item = &d["paths"][m.path()];
        for verb in ["get", "post"] {
            let op = &item[verb];
            let params: BTreeSet<String> = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(params, keys(&req), "{verb} {}: parameters", m.name());
            let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
            let [success, refusal] = schema["oneOf"].as_array().unwrap().as_slice() else {
                panic!("{}: oneOf of success and refusal", m.name())
            };
            assert_eq!(refusal["$ref"], "#/components/schemas/Refusal");
            let [envelope, payload] = success["allOf"].as_array().unwrap().as_slice() else {
                panic!("{}: allOf", m.name())
            };
            assert_eq!(envelope["$ref"], "#/components/schemas/Success");
            same_shape(&d, payload, &reply, m.name());
            // And the envelope around it serializes as the document says.
            let whole = to_json(&Success::new(&reply));
            assert_eq!(whole["result"], 0);
        }
    }
}

#[test]
fn refusals_codes_and_reasons_are_documented() {
    let d = doc();
    let refusal = &d["components"]["schemas"]["Refusal"];
    let text = refusal["properties"]["result"]["description"]
        .as_str()
        .unwrap();
    for c in ResultCode::ALL {
        if c != ResultCode::Ok {
            assert!(
                text.contains(&format!("{} ", c.code())),
                "{} is not in the document",
                c.name()
            );
        }
        assert_eq!(ResultCode::from_code(c.code()), Some(c));
    }
    assert_eq!(ResultCode::from_code(9999), None);
    // The reasons are the document's enum, spelled the same.
    let documented: BTreeSet<String> = refusal["properties"]["reason"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let in_code: BTreeSet<String> = [Reason::Busy, Reason::Throttled]
        .iter()
        .map(|r| to_json(r).as_str().unwrap().to_owned())
        .collect();
    assert_eq!(documented, in_code);
    // Every field of a full refusal is a documented property, and back.
    let full = Refusal {
        result: 704,
        error: "e".into(),
        retry_after: Some(1),
        reason: Some(Reason::Busy),
    };
    same_shape(&d, refusal, &to_json(&full), "Refusal");
    let back: Refusal = serde_json::from_value(json!({"result": 705, "error": "x"})).unwrap();
    assert_eq!(back.code(), Some(ResultCode::SessionInvalid));
    assert_eq!((back.retry_after, back.reason), (None, None));
}

#[test]
fn sensitive_values_stay_out_of_debug() {
    let r = SigninReply {
        session: Sensitive::new("s3cr3t"),
        two_factor_required: false,
    };
    assert!(!format!("{r:?}").contains("s3cr3t"));
    assert_eq!(to_json(&r)["session"], "s3cr3t");
}
