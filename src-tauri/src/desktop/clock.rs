//! This machine's clock, checked: against the NTP server named in Settings
//! when there is one, else against the account server's HTTP `Date` when
//! the account server is a remote one (the bundled backend runs on this
//! very clock, so it proves nothing). Checked at start, every hour, and
//! whenever the settings that matter change; the window gets each result
//! as the `clock-status` event and shows `clock-warning` while the offset
//! is beyond 15 s.
//!
//! Besides, every reply of a remote account server is a measurement: the
//! account client hands each reply's `Date` to [`reply_watcher`], which
//! updates the same view (and tells the window when it changed by a
//! second or more, or crossed the 15 s line). An NTP server named in
//! Settings takes precedence (it was chosen, and is precise to the
//! millisecond where a `Date` is precise to the second): then replies are
//! not used.
//!
//! With Settings' "correct the codes" on, codes are made at this clock
//! plus the measured offset ([`code_now_ms`]); off (the default), the
//! offset is only reported.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;

use apiq_clock::{ClockError, Measurement};
use tauri::{AppHandle, Emitter, Manager, State};

use super::dto::ClockView;
use crate::dto::Settings;
use crate::state::{lock, now_ms, AppState};

/// How often the clock is checked again.
pub const CHECK_EVERY: Duration = Duration::from_secs(3600);
/// How long one check may take.
const TIMEOUT: Duration = Duration::from_secs(8);
/// The event carrying a new [`ClockView`].
pub const EVENT: &str = "clock-status";

/// The app, for [`reply_watcher`] (set by [`start`]).
static APP: OnceLock<AppHandle> = OnceLock::new();

/// The offset applied to codes, milliseconds (0 unless Settings ask for
/// the correction and a measurement exists).
static APPLIED_MS: AtomicI64 = AtomicI64::new(0);

/// Unix milliseconds to make codes at: now, plus the measured offset when
/// the correction is on.
pub fn code_now_ms() -> u64 {
    let t = now_ms() as i64 + APPLIED_MS.load(Ordering::SeqCst);
    t.max(0) as u64
}

/// [`code_now_ms`] in seconds.
pub fn code_now_secs() -> u64 {
    code_now_ms() / 1000
}

/// What the clock is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An NTP server, `HOST[:PORT]`.
    Ntp(String),
    /// A remote account server's base URL.
    Server(String),
    /// Nothing to compare with.
    None,
}

/// The source the settings (and `APIQ_SERVER_URL`) give.
pub fn source_for(settings: &Settings) -> Source {
    if !settings.ntp_server.trim().is_empty() {
        return Source::Ntp(settings.ntp_server.trim().to_string());
    }
    match crate::account::configured_url(&settings.server_url) {
        Some(url) => Source::Server(url),
        None => Source::None,
    }
}

/// Measures against `source` (blocking; up to a few seconds).
pub fn measure(source: &Source) -> Option<Result<Measurement, ClockError>> {
    match source {
        Source::Ntp(host) => Some(apiq_clock::sntp::query(host, TIMEOUT)),
        // On a thread of its own: this may be called from a command running
        // on the async runtime, where blocking on a future would panic.
        Source::Server(url) => std::thread::scope(|s| {
            s.spawn(|| tauri::async_runtime::block_on(apiq_clock::http::query(url, TIMEOUT)))
                .join()
                .ok()
        }),
        Source::None => None,
    }
}

/// The clock checker's state: the last result, and a bell to check again
/// before the hour is up.
#[derive(Default)]
pub struct ClockMonitor {
    view: Mutex<ClockView>,
    wake: Mutex<bool>,
    bell: Condvar,
}

impl ClockMonitor {
    pub fn view(&self) -> ClockView {
        lock(&self.view).clone()
    }

    /// Checks now with these settings; stores and returns the result, and
    /// sets the offset codes are made with.
    pub fn check(&self, settings: &Settings) -> ClockView {
        let source = source_for(settings);
        let result = measure(&source);
        let mut view = lock(&self.view);
        let next = next_view(&view, &source, result, settings.clock_correct, now_ms());
        apply(&next);
        *view = next.clone();
        next
    }

    /// A reply of the remote account server at `url` gave measurement `m`
    /// (its `Date`): the view is updated unless Settings name an NTP
    /// server. Returns the new view when the window should be told.
    pub fn observe(&self, url: &str, m: Measurement, settings: &Settings) -> Option<ClockView> {
        let mut view = lock(&self.view);
        let (next, tell) = observed_view(&view, url, m, settings, now_ms())?;
        apply(&next);
        *view = next.clone();
        tell.then_some(next)
    }

    /// Asks the checker thread to check again now.
    pub fn ring(&self) {
        *lock(&self.wake) = true;
        self.bell.notify_all();
    }

    /// Waits until rung or `limit` passed.
    fn wait(&self, limit: Duration) {
        let guard = lock(&self.wake);
        let (mut guard, _) = self
            .bell
            .wait_timeout_while(guard, limit, |rung| !*rung)
            .unwrap_or_else(|p| p.into_inner());
        *guard = false;
    }
}

/// Sets the offset codes are made with from a view.
fn apply(view: &ClockView) {
    let applied = match (view.corrected, view.offset_s) {
        (true, Some(o)) => (o * 1000.0).round() as i64,
        _ => 0,
    };
    APPLIED_MS.store(applied, Ordering::SeqCst);
}

/// The view after a reply of the account server at `url` measured `m`,
/// and whether it differs enough from `prev` to tell the window (the
/// warning appears or goes, the source or the correction changed, an
/// error is cleared, or the offset moved by a second or more: a `Date` is
/// only precise to the second). `None` when replies are not used (an NTP
/// server is named in Settings).
pub fn observed_view(
    prev: &ClockView,
    url: &str,
    m: Measurement,
    settings: &Settings,
    now_ms: u64,
) -> Option<(ClockView, bool)> {
    if matches!(source_for(settings), Source::Ntp(_)) {
        return None;
    }
    let next = next_view(
        prev,
        &Source::Server(url.to_string()),
        Some(Ok(m)),
        settings.clock_correct,
        now_ms,
    );
    let moved = match (prev.offset_s, next.offset_s) {
        (Some(a), Some(b)) => (a - b).abs() >= 1.0,
        _ => true,
    };
    let tell = moved
        || prev.off != next.off
        || prev.source != next.source
        || prev.corrected != next.corrected
        || prev.error.is_some();
    Some((next, tell))
}

/// What the account client of a remote server (at `url`) calls with each
/// reply's `Date`: the clock monitor measures with it, and the window gets
/// `clock-status` when the result changed (see [`observed_view`]).
pub fn reply_watcher(url: String) -> impl Fn(&apiq_client::ReplyDate) + Send + Sync + 'static {
    move |d| {
        let Some(app) = APP.get() else { return };
        let (Some(monitor), Some(state)) =
            (app.try_state::<ClockMonitor>(), app.try_state::<AppState>())
        else {
            return;
        };
        let m = apiq_clock::http::measurement_from_reply(&url, d.server, d.sent, d.received);
        if let Some(view) = monitor.observe(&url, m, &state.settings()) {
            let _ = app.emit(EVENT, &view);
        }
    }
}

/// The view after a check: a success replaces the offset; a failure keeps
/// the last known offset (from the same source) and says why.
pub fn next_view(
    prev: &ClockView,
    source: &Source,
    result: Option<Result<Measurement, ClockError>>,
    correct: bool,
    now_ms: u64,
) -> ClockView {
    let mut v = match result {
        None => ClockView::default(),
        Some(Ok(m)) => ClockView {
            offset_s: Some(m.offset_s),
            source: m.source.clone(),
            off: m.is_off(),
            message: m.is_off().then(|| apiq_clock::warning_text(&m)),
            corrected: false,
            error: None,
            checked_at_ms: now_ms,
        },
        Some(Err(e)) => {
            let name = match source {
                Source::Ntp(h) => format!("ntp:{h}"),
                Source::Server(u) => u.clone(),
                Source::None => String::new(),
            };
            let keep = prev.source == name && prev.offset_s.is_some();
            ClockView {
                error: Some(format!("The clock could not be checked: {e}.")),
                checked_at_ms: now_ms,
                source: name,
                ..if keep {
                    prev.clone()
                } else {
                    ClockView::default()
                }
            }
        }
    };
    v.corrected = correct && v.offset_s.is_some();
    v
}

/// Starts the checker thread: a check now, then hourly or when rung.
pub fn start(app: AppHandle) {
    app.manage(ClockMonitor::default());
    let _ = APP.set(app.clone());
    std::thread::spawn(move || loop {
        let settings = app.state::<AppState>().settings();
        let monitor = app.state::<ClockMonitor>();
        let view = monitor.check(&settings);
        let _ = app.emit(EVENT, &view);
        monitor.wait(CHECK_EVERY);
    });
}

/// Checks again soon (settings changed).
pub fn recheck(app: &AppHandle) {
    if let Some(m) = app.try_state::<ClockMonitor>() {
        m.ring();
    }
}

/// The last check.
#[tauri::command(async)]
pub fn clock_status(monitor: State<'_, ClockMonitor>) -> ClockView {
    monitor.view()
}

/// Checks now and answers with the result (also sent as the event).
#[tauri::command(async)]
pub fn clock_check(
    app: AppHandle,
    state: State<'_, AppState>,
    monitor: State<'_, ClockMonitor>,
) -> ClockView {
    let view = monitor.check(&state.settings());
    let _ = app.emit(EVENT, &view);
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(ntp: &str, correct: bool) -> Settings {
        Settings {
            ntp_server: ntp.into(),
            clock_correct: correct,
            ..Settings::default()
        }
    }

    #[test]
    fn the_source_is_ntp_first_then_a_remote_server_then_none() {
        assert_eq!(
            source_for(&settings("pool.ntp.org", false)),
            Source::Ntp("pool.ntp.org".into())
        );
        if std::env::var_os("APIQ_SERVER_URL").is_none() {
            let mut s = settings("", false);
            assert_eq!(source_for(&s), Source::None);
            s.server_url = "https://acct.example/".into();
            assert_eq!(
                source_for(&s),
                Source::Server("https://acct.example".into())
            );
        }
    }

    #[test]
    fn a_shifted_ntp_server_gives_a_warning_and_on_request_corrected_codes() {
        let r = apiq_clock::sntp::Responder::start(100.0).unwrap();
        let m = ClockMonitor::default();
        let v = m.check(&settings(&r.addr().to_string(), false));
        let o = v.offset_s.unwrap();
        assert!((o - 100.0).abs() < 0.2, "{v:?}");
        assert!(v.off && !v.corrected);
        assert!(
            v.message.as_deref().unwrap().contains("1 min 40 s behind"),
            "{v:?}"
        );
        let skew = code_now_ms() as i64 - now_ms() as i64;
        assert!(skew.abs() < 50, "no correction asked: {skew}");

        let v = m.check(&settings(&r.addr().to_string(), true));
        assert!(v.corrected);
        let skew = code_now_ms() as i64 - now_ms() as i64;
        assert!(
            (skew - 100_000).abs() < 300,
            "corrected by the offset: {skew}"
        );

        // No source: nothing measured, nothing applied.
        let v = m.check(&settings("", true));
        if std::env::var_os("APIQ_SERVER_URL").is_none() {
            assert_eq!(v, ClockView::default());
            let skew = code_now_ms() as i64 - now_ms() as i64;
            assert!(skew.abs() < 50, "{skew}");
        }
    }

    #[test]
    fn a_failed_check_keeps_the_last_offset_of_the_same_source_and_says_why() {
        let src = Source::Ntp("127.0.0.1:9".into());
        let ok = Measurement {
            offset_s: 30.0,
            source: "ntp:127.0.0.1:9".into(),
            round_trip_s: 0.0,
        };
        let v1 = next_view(&ClockView::default(), &src, Some(Ok(ok)), false, 1);
        assert!(v1.off && v1.error.is_none());
        let v2 = next_view(
            &v1,
            &src,
            Some(Err(ClockError::Timeout("x".into()))),
            false,
            2,
        );
        assert_eq!(v2.offset_s, Some(30.0));
        assert!(v2.off);
        assert!(v2.error.as_deref().unwrap().contains("did not answer"));
        // Another source: the old offset is not carried over.
        let other = Source::Ntp("127.0.0.1:10".into());
        let v3 = next_view(
            &v1,
            &other,
            Some(Err(ClockError::Timeout("x".into()))),
            true,
            3,
        );
        assert_eq!(v3.offset_s, None);
        assert!(!v3.off && !v3.corrected);
    }

    #[test]
    fn every_reply_of_a_remote_server_measures_unless_ntp_is_named() {
        let url = "https://acct.example";
        let m = |o: f64| Measurement {
            offset_s: o,
            source: url.into(),
            round_trip_s: 0.1,
        };
        let none = settings("", false);
        // A server three minutes ahead: the warning, told.
        let (v1, tell) = observed_view(&ClockView::default(), url, m(180.4), &none, 1).unwrap();
        assert!(tell && v1.off && !v1.corrected, "{v1:?}");
        assert_eq!(v1.source, url);
        assert!(
            v1.message.as_deref().unwrap().contains("3 min behind"),
            "{v1:?}"
        );
        // The next reply says the same to within the Date's second: kept,
        // not told again.
        let (v2, tell) = observed_view(&v1, url, m(180.9), &none, 2).unwrap();
        assert!(!tell && v2.off && v2.checked_at_ms == 2, "{v2:?}");
        // The clock was set right: the warning goes, told.
        let (v3, tell) = observed_view(&v2, url, m(0.4), &none, 3).unwrap();
        assert!(tell && !v3.off && v3.message.is_none(), "{v3:?}");
        // With the correction on, the offset is applied to codes.
        let (v4, tell) = observed_view(&v3, url, m(-60.0), &settings("", true), 4).unwrap();
        assert!(tell && v4.off && v4.corrected, "{v4:?}");
        // After a failed check (an error shown), a reply clears it.
        let failed = ClockView {
            error: Some("The clock could not be checked".into()),
            ..v3.clone()
        };
        let (v5, tell) = observed_view(&failed, url, m(0.4), &none, 5).unwrap();
        assert!(tell && v5.error.is_none(), "{v5:?}");
        // An NTP server named in Settings: replies are not used.
        assert!(observed_view(&v1, url, m(0.0), &settings("pool.ntp.org", false), 6).is_none());
    }

    #[test]
    fn the_checker_wakes_when_rung() {
        let m = std::sync::Arc::new(ClockMonitor::default());
        let m2 = std::sync::Arc::clone(&m);
        let t = std::thread::spawn(move || {
            let start = std::time::Instant::now();
            m2.wait(Duration::from_secs(30));
            start.elapsed()
        });
        std::thread::sleep(Duration::from_millis(50));
        m.ring();
        assert!(t.join().unwrap() < Duration::from_secs(10));
    }
}
