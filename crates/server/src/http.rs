//! The HTTP edge. Routes come from [`Method::ALL`] (GET and POST each; other
//! verbs 405) plus `GET /openapi.json`; anything else is 404. A body larger
//! than the configured limit is 413. Every API outcome is HTTP 200 with the
//! JSON envelope; a panic anywhere below is caught and answered with the
//! generic internal-error envelope, so no input can produce a 5xx.
//!
//! Request data never reaches the log: a request is logged by method name,
//! result code and duration only.

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
            api::dispatch(cx, m, p).await
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
