//! The HTTP edge. Routes come from [`Method::ALL`] (GET and POST each; other
//! verbs 405) plus `GET /openapi.json`; anything else is 404. A body larger
//! than the configured limit is 413. Every API outcome is HTTP 200 with the
//! JSON envelope; a panic anywhere below is caught and answered with the
//! generic internal-error envelope, so no input can produce a 5xx.
//!
//! Request data never reaches the log: a request is logged by method name,
//! result code and duration only.
//!
//! [`guard`] is the defence of a local listener (`design/account-api.md`,
//! "Defences of a local listener"): on a loopback address a request whose
//! `Host` is not a loopback name is refused with 403 (DNS rebinding), and a
//! request whose `Origin` is not the server's own is refused with 403 on
//! any address (a web page must not drive the backend). Both before any
//! handler runs, so a refused request changes nothing.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use apiq_account_proto::{Refusal, ResultCode};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::api::{self, Cx};
use crate::error::ApiError;
use crate::params::Params;
use crate::AppState;
use apiq_account_proto::Method;

/// The OpenAPI 3 document of the API, served at `/openapi.json`.
pub use apiq_account_proto::OPENAPI_JSON;

fn json_response(status: StatusCode, v: &impl serde::Serialize) -> Response {
    json_text(status, serde_json::to_string(v).unwrap_or_default())
}

fn json_text(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// The router of the whole API.
pub fn router(state: AppState) -> Router {
    let mut r = Router::new().route(
        "/openapi.json",
        get(|| async {
            let mut resp = OPENAPI_JSON.into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            resp
        }),
    );
    for m in Method::ALL {
        let h = move |State(st): State<AppState>, req: Request| handle(st, m, req);
        r = r.route(&m.path(), get(h).post(h));
    }
    r.fallback(|| async {
        json_response(StatusCode::NOT_FOUND, &transport_refusal("unknown method"))
    })
    .layer(tower_http::catch_panic::CatchPanicLayer::custom(
        |_: Box<dyn std::any::Any + Send>| {
            tracing::error!("a request handler panicked");
            json_response(StatusCode::OK, &ApiError::Internal.envelope())
        },
    ))
    .with_state(state)
}

/// Wraps `router` with the Host and Origin checks for a server listening
/// on `local` (see the module doc).
pub fn guard(router: Router, local: SocketAddr) -> Router {
    let loopback = local.ip().is_loopback();
    router.layer(axum::middleware::from_fn(
        move |req: Request, next: axum::middleware::Next| async move {
            match refusal(&req, loopback) {
                Some(why) => json_response(StatusCode::FORBIDDEN, &transport_refusal(why)),
                None => next.run(req).await,
            }
        },
    ))
}

/// Why a request is refused at the door, if it is.
fn refusal(req: &Request, loopback: bool) -> Option<&'static str> {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    if loopback && !host.as_deref().is_some_and(is_loopback_host) {
        return Some("this server answers only requests addressed to this machine (Host)");
    }
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let own = host.as_deref().is_some_and(|h| {
            origin
                .to_str()
                .is_ok_and(|o| o == format!("http://{h}") || o == format!("https://{h}"))
        });
        if !own {
            return Some("requests from web pages of other origins are refused (Origin)");
        }
    }
    None
}

/// `127.0.0.0/8`, `::1` or `localhost`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [::1] or [::1]:port
        match rest.split_once(']') {
            Some((ip, tail)) if tail.is_empty() || tail.starts_with(':') => ip,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
            Some(_) => return false,
            None => host,
        }
    };
    match name.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => name.eq_ignore_ascii_case("localhost"),
    }
}

async fn handle(st: AppState, m: Method, req: Request) -> Response {
    let started = std::time::Instant::now();
    let addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let (parts, body) = req.into_parts();
    let limit = st.inner.config.body_limit;
    let declared_too_big = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > limit);
    if declared_too_big {
        return too_large();
    }
    let bytes = match axum::body::to_bytes(Body::new(body), limit).await {
        Ok(b) => b,
        Err(_) => return too_large(),
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let query = parts.uri.query().unwrap_or("");
    let outcome = match Params::parse(query, content_type, &bytes) {
        Ok(p) => {
            let cx = Cx {
                now: st.now(),
                st,
                addr,
            };
            // On its own task, so a request runs to its end even when the
            // client goes away: a claimed password check is always
            // settled, a multi-step change never cut in the middle.
            tokio::spawn(api::dispatch(cx, m, p))
                .await
                .unwrap_or_else(|e| {
                    tracing::error!(error = %e, "request task failed");
                    Err(ApiError::Internal)
                })
        }
        Err(e) => Err(e),
    };
    let (result, body) = match outcome {
        Ok(body) => (0, body),
        Err(e) => {
            let refusal = e.envelope();
            (
                refusal.result,
                serde_json::to_string(&refusal).unwrap_or_default(),
            )
        }
    };
    tracing::debug!(
        method = m.name(),
        result,
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    json_text(StatusCode::OK, body)
}

/// 413; the body is left unread, so the connection is closed after it.
fn too_large() -> Response {
    let mut r = json_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        &transport_refusal("request body too large"),
    );
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

/// The envelope of a transport fault (404, 413): result 4 with the text.
fn transport_refusal(error: &str) -> Refusal {
    Refusal {
        result: ResultCode::InvalidParam.code(),
        error: error.into(),
        retry_after: None,
        reason: None,
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn loopback_hosts() {
        for h in [
            "127.0.0.1",
            "127.0.0.1:8420",
            "127.8.9.1:1",
            "localhost",
            "LOCALHOST:80",
            "[::1]",
            "[::1]:8420",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "evil.example",
            "evil.example:8420",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.1:8420",
            "[::2]:8420",
            "[::1]x",
            "localhost:80x",
            "",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }
}
