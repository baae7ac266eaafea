//! `apiq clock`: how far this machine's clock is from the account server's
//! (its HTTP `Date`) or an NTP server's (cli.md, "Clock"). Positive: this
//! clock is behind. The measuring is `apiq-clock`'s; this module parses the
//! flags, picks the default server and formats the answer.

use std::time::Duration;

use apiq_clock::{describe_offset, ClockError, Measurement};
use clap::Args;

use crate::Failure;

#[derive(Args, Debug)]
pub struct ClockArgs {
    /// Compare with this account server's clock (its HTTP Date header).
    /// Default: $APIQ_SERVER_URL, $APIQ_SERVER, else the bundled backend's address.
    #[arg(long, value_name = "URL", conflicts_with = "ntp")]
    server: Option<String>,
    /// Compare with an NTP server (SNTP over UDP; the port defaults to 123).
    #[arg(long, value_name = "HOST[:PORT]")]
    ntp: Option<String>,
    /// Print `{"offset_s": …, "source": …}`.
    #[arg(long)]
    json: bool,
    /// How many seconds to wait for the answer.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    timeout: u64,
}

/// The server `apiq clock` asks when neither flag is given.
fn default_server() -> String {
    ["APIQ_SERVER_URL", "APIQ_SERVER"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| apiq_client::DEFAULT_SERVER.to_owned())
}

fn failure(e: ClockError) -> anyhow::Error {
    match e {
        ClockError::BadAddress(_) => Failure::input(e.to_string()),
        _ => Failure::with_code(1, e.to_string()),
    }
}

pub fn run(a: ClockArgs) -> anyhow::Result<String> {
    let timeout = Duration::from_secs(a.timeout.max(1));
    let m = match a.ntp {
        Some(host) => apiq_clock::sntp::query(&host, timeout).map_err(failure)?,
        None => {
            let url = a.server.unwrap_or_else(default_server);
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(apiq_clock::http::query(&url, timeout))
                .map_err(failure)?
        }
    };
    Ok(format_measurement(&m, a.json))
}

fn format_measurement(m: &Measurement, json: bool) -> String {
    // Tenths of a second: the measurement is not finer than that (an HTTP
    // Date is to the second).
    let offset = (m.offset_s * 10.0).round() / 10.0;
    if json {
        let v = serde_json::json!({
            "offset_s": offset,
            "source": m.source,
            "round_trip_s": (m.round_trip_s * 1000.0).round() / 1000.0,
        });
        return format!("{v}\n");
    }
    let verdict = if m.is_off() {
        "; codes made here will be refused: turn on automatic date and time (NTP)"
    } else {
        ""
    };
    format!(
        "{offset:+.1} s: this clock is {} compared with {}{verdict}\n",
        describe_offset(m.offset_s),
        m.source
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_text_say_the_same() {
        let m = Measurement {
            offset_s: 120.44,
            source: "http://127.0.0.1:9".into(),
            round_trip_s: 0.0012,
        };
        let v: serde_json::Value = serde_json::from_str(&format_measurement(&m, true)).unwrap();
        assert_eq!(v["offset_s"], 120.4);
        assert_eq!(v["source"], "http://127.0.0.1:9");
        let t = format_measurement(&m, false);
        assert!(t.starts_with("+120.4 s: this clock is 2 min behind"), "{t}");
        assert!(t.contains("refused"), "{t}");
        let ok = Measurement {
            offset_s: -0.3,
            ..m
        };
        assert!(!format_measurement(&ok, false).contains("refused"));
    }
}
