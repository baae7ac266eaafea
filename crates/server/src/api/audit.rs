//! The audit trail: events written with each change (and to the server
//! log, never with a secret), and `getauditlog`.

use apiq_account_proto::{self as proto, Method};

use super::{auth, ok, Cx, Reply};
use crate::clock::format_utc;
use crate::error::ApiError;
use crate::params::Params;
use crate::store::Db;
use crate::throttle;

/// Logs an audit event to the server log (never secrets: event names, ids).
pub(super) fn log_event(uid: Option<i64>, event: &str, detail: &str) {
    tracing::info!(target: "apiq_server::audit", uid, event, detail, "audit");
}

pub(super) fn audit(
    db: &mut dyn Db,
    uid: Option<i64>,
    cx_now: u64,
    addr: &str,
    event: &str,
    detail: &str,
) -> Result<(), ApiError> {
    log_event(uid, event, detail);
    db.audit(uid, cx_now, event, addr, detail)?;
    Ok(())
}

/// After a failure raised the counter to `failures`: audit the moments the
/// account becomes throttled and locked.
pub(super) fn audit_threshold(
    db: &mut dyn Db,
    uid: i64,
    now: u64,
    addr: &str,
    failures: u32,
) -> Result<(), ApiError> {
    if failures == throttle::FREE_FAILURES {
        audit(
            db,
            Some(uid),
            now,
            addr,
            "account.throttled",
            &format!("{failures} consecutive failures"),
        )?;
    } else if failures == throttle::LOCK_AT {
        audit(
            db,
            Some(uid),
            now,
            addr,
            "account.locked",
            &format!("{failures} consecutive failures"),
        )?;
    }
    Ok(())
}

pub(super) async fn get_audit_log(cx: &Cx, p: &Params) -> Reply {
    let pr = auth(cx, p, Method::GetAuditLog).await?;
    let limit = match p.opt("limit") {
        None => 100,
        Some(t) => t
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| ApiError::param("limit", "1 to 1000"))?,
    };
    let uid = pr.user.id;
    let rows = cx.db(move |db| Ok(db.audit_of(uid, limit)?)).await?;
    let events = rows
        .into_iter()
        .map(|e| proto::AuditEvent {
            id: e.id,
            time: format_utc(e.at),
            event: e.event,
            address: e.address,
            detail: e.detail,
        })
        .collect();
    ok(&proto::AuditLog { events })
}
