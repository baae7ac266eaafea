//! Which account server a front end talks to, decided one way for both.
//!
//! In order: what the person named for this run (the CLI's `--server`),
//! then `$APIQ_SERVER_URL` (`$APIQ_SERVER` is accepted as an older alias),
//! then what was saved (the window's Settings, the CLI's signed-in
//! session). `None` means "nobody chose": the window then starts its
//! bundled backend ([`bundled`], feature `bundled-server`), the CLI uses
//! [`apiq_client::DEFAULT_SERVER`]. Addresses are trimmed and lose a
//! trailing `/`, so that one server is always spelled one way.

use std::ffi::OsString;

/// The environment variable naming the account server.
pub const SERVER_ENV: &str = "APIQ_SERVER_URL";
/// Accepted as well (what the CLI read before).
pub const SERVER_ENV_ALIAS: &str = "APIQ_SERVER";

/// A server address as compared and stored: trimmed, no trailing `/`.
pub fn normalize(url: &str) -> String {
    url.trim().trim_end_matches('/').to_string()
}

/// The server the environment names, if any (`env` looks a variable up).
pub fn from_env_with(env: impl Fn(&str) -> Option<OsString>) -> Option<String> {
    [SERVER_ENV, SERVER_ENV_ALIAS].iter().find_map(|k| {
        env(k)
            .and_then(|v| v.into_string().ok())
            .map(|v| normalize(&v))
            .filter(|v| !v.is_empty())
    })
}

/// The chosen server: `explicit`, else the environment, else `saved`;
/// `None` when nobody chose one.
pub fn choose(explicit: Option<&str>, saved: Option<&str>) -> Option<String> {
    choose_with(explicit, saved, |k| std::env::var_os(k))
}

/// [`choose`] with the environment given (for tests).
pub fn choose_with(
    explicit: Option<&str>,
    saved: Option<&str>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Option<String> {
    let given = |s: Option<&str>| s.map(normalize).filter(|s| !s.is_empty());
    given(explicit)
        .or_else(|| from_env_with(env))
        .or_else(|| given(saved))
}

/// Whether two spellings name the same server.
pub fn same(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

/// The bundled backend: the `apiq-server` router in this process, on
/// 127.0.0.1 and a free port, its database in the data folder.
#[cfg(feature = "bundled-server")]
pub mod bundled {
    use std::path::Path;

    /// The database of the bundled backend, in the data folder.
    pub const ACCOUNT_DB: &str = "account.db";

    /// Why the bundled backend did not start.
    #[derive(Debug, thiserror::Error)]
    pub enum StartError {
        #[error("{0}")]
        Server(String),
        #[error("cannot listen on 127.0.0.1: {0}")]
        Listen(#[from] std::io::Error),
    }

    /// Starts the backend on the current Tokio runtime; returns its URL.
    pub async fn start(data_dir: &Path) -> Result<String, StartError> {
        let db = data_dir.join(ACCOUNT_DB);
        let state = tokio::task::spawn_blocking(move || {
            let mut config = apiq_server::Config::new(db);
            // A few sign-ins a day: the hashing threads do not keep 19 MiB
            // each for the life of the app (the dummy hash made at start
            // would otherwise hold one thread's for ever).
            config.keep_hash_memory = false;
            apiq_server::AppState::new(config)
        })
        .await
        .map_err(|e| StartError::Server(e.to_string()))?
        .map_err(|e| StartError::Server(e.to_string()))?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(apiq_server::serve(listener, state));
        Ok(format!("http://{addr}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn one_order_for_both_front_ends() {
        let none: &[(&str, &str)] = &[];
        assert_eq!(choose_with(None, None, env(none)), None);
        assert_eq!(
            choose_with(None, Some(" http://s:1/ "), env(none)).as_deref(),
            Some("http://s:1")
        );
        let e = [("APIQ_SERVER_URL", "http://env:2/")];
        assert_eq!(
            choose_with(None, Some("http://s:1"), env(&e)).as_deref(),
            Some("http://env:2")
        );
        assert_eq!(
            choose_with(Some("http://flag:3"), Some("http://s:1"), env(&e)).as_deref(),
            Some("http://flag:3")
        );
    }

    #[test]
    fn the_old_variable_is_an_alias_and_the_new_one_wins() {
        let old = [("APIQ_SERVER", "http://old:1")];
        assert_eq!(from_env_with(env(&old)).as_deref(), Some("http://old:1"));
        let both = [
            ("APIQ_SERVER", "http://old:1"),
            ("APIQ_SERVER_URL", "http://new:2"),
        ];
        assert_eq!(from_env_with(env(&both)).as_deref(), Some("http://new:2"));
        let empty = [("APIQ_SERVER_URL", " "), ("APIQ_SERVER", "http://old:1")];
        assert_eq!(from_env_with(env(&empty)).as_deref(), Some("http://old:1"));
    }

    #[test]
    fn spellings_of_one_server_are_the_same() {
        assert!(same("http://h:1/", " http://h:1"));
        assert!(!same("http://h:1", "http://h:2"));
    }
}
