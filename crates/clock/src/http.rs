//! The offset from an HTTP server's `Date` header (RFC 9110: the time the
//! reply was made, to the second).
//!
//! The header is read as the middle of its second (it is truncated, so the
//! server's time was in `[Date, Date + 1)`), against the middle of the
//! local round trip: the error is at most half the round trip plus half a
//! second, plenty to tell a clock that is a minute off.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{now_f64, ClockError, Measurement};

/// The measurement given by one reply of `source`: the server's time from
/// its `Date` (whole seconds, read as the middle of its second), the local
/// times the request left and the reply arrived (as
/// [`offset_from_date`]). For the `Date` of replies already received (the
/// account client's).
pub fn measurement_from_reply(
    source: &str,
    server: SystemTime,
    sent: SystemTime,
    received: SystemTime,
) -> Measurement {
    let secs = |t: SystemTime| {
        t.duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    };
    let (t_send, t_recv) = (secs(sent), secs(received));
    Measurement {
        offset_s: secs(server).trunc() + 0.5 - (t_send + t_recv) / 2.0,
        source: source.trim_end_matches('/').to_string(),
        round_trip_s: (t_recv - t_send).max(0.0),
    }
}

/// The offset (reference minus local, seconds) given a `Date` header
/// received for a request sent at `t_send` and answered at `t_recv`
/// (local Unix seconds).
pub fn offset_from_date(date: &str, t_send: f64, t_recv: f64) -> Result<f64, ClockError> {
    let server = httpdate::parse_http_date(date.trim())
        .map_err(|_| ClockError::BadReply(format!("Date header {date:?}")))?;
    let server = server
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| ClockError::BadReply(format!("Date header {date:?} is before 1970")))?
        .as_secs_f64()
        + 0.5;
    Ok(server - (t_send + t_recv) / 2.0)
}

/// Asks `url` (any path; the status does not matter, only the `Date`
/// header) and measures the offset against it.
pub async fn query(url: &str, timeout: Duration) -> Result<Measurement, ClockError> {
    let url = url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ClockError::BadAddress(url.into()));
    }
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| ClockError::Unreachable {
            what: url.into(),
            reason: e.to_string(),
        })?;
    let t_send = now_f64();
    let resp = client.get(url).send().await.map_err(|e| {
        if e.is_timeout() {
            ClockError::Timeout(url.into())
        } else {
            ClockError::Unreachable {
                what: url.into(),
                reason: e.to_string(),
            }
        }
    })?;
    let t_recv = now_f64();
    let date = resp
        .headers()
        .get(reqwest::header::DATE)
        .ok_or(ClockError::NoDate)?
        .to_str()
        .map_err(|_| ClockError::BadReply("a Date header that is not text".into()))?;
    Ok(Measurement {
        offset_s: offset_from_date(date, t_send, t_recv)?,
        source: url.trim_end_matches('/').to_string(),
        round_trip_s: (t_recv - t_send).max(0.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_is_read_as_the_middle_of_its_second() {
        // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
        let o = offset_from_date(
            "Sun, 06 Nov 1994 08:49:37 GMT",
            784_111_777.0,
            784_111_778.0,
        )
        .unwrap();
        assert!(o.abs() < 1e-9, "{o}");
        let o = offset_from_date(
            "Sun, 06 Nov 1994 08:49:37 GMT",
            784_111_657.0,
            784_111_657.0,
        )
        .unwrap();
        assert!((o - 120.5).abs() < 1e-9, "{o}");
        let o = offset_from_date(
            "Sun, 06 Nov 1994 08:49:37 GMT",
            784_111_800.0,
            784_111_800.0,
        )
        .unwrap();
        assert!((o + 22.5).abs() < 1e-9, "{o}");
    }

    #[test]
    fn a_reply_already_received_is_measured_like_a_query() {
        let at = |s: f64| UNIX_EPOCH + Duration::from_secs_f64(s);
        let m = measurement_from_reply(
            "https://acct.example/",
            at(784_111_777.0),
            at(784_111_657.0),
            at(784_111_657.2),
        );
        assert!((m.offset_s - 120.4).abs() < 1e-6, "{m:?}");
        assert!((m.round_trip_s - 0.2).abs() < 1e-6, "{m:?}");
        assert_eq!(m.source, "https://acct.example");
        assert!(m.is_off());
        let same = offset_from_date(
            "Sun, 06 Nov 1994 08:49:37 GMT",
            784_111_657.0,
            784_111_657.2,
        )
        .unwrap();
        assert!((m.offset_s - same).abs() < 1e-6);
    }

    #[test]
    fn a_malformed_date_is_an_error() {
        for bad in ["", "yesterday", "Sun, 06 Nov 1994 25:49:37 GMT"] {
            assert!(
                matches!(
                    offset_from_date(bad, 0.0, 0.0),
                    Err(ClockError::BadReply(_))
                ),
                "{bad}"
            );
        }
    }
}
