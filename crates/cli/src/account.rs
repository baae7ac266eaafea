//! `apiq account …`: the account side, as in the app, through
//! [`apiq_client`].
//!
//! - **Server**: `--server URL`, else `$APIQ_SERVER_URL` (or its older
//!   name `$APIQ_SERVER`), else the server the
//!   saved session belongs to, else the bundled backend's address
//!   ([`apiq_client::DEFAULT_SERVER`]).
//! - **Password**: `$APIQ_PASSWORD`, else the first line of standard input
//!   with `--password-stdin`, else a prompt on a terminal. Never an argument.
//! - **2FA codes** are arguments (`--code 123456`, or a recovery code): they
//!   are single-use and expire, so seeing them in a process list is harmless.
//! - **Session file**: after `signin`, the session is kept in
//!   `account-session.json` in the data folder (`$APIQ_DATA_DIR`, else the
//!   desktop app's data folder), written atomically with mode 0600, holding
//!   `{"server": URL, "session": VALUE}`. `signout` deletes it. A session
//!   the server no longer knows (705) deletes it too.
//!
//! Output follows the CLI contract: results on stdout only on success;
//! refusals become `error:` lines (exit 2 for bad input, 1 otherwise).

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::Context;
use apiq_client::{codes, Client, ClientError, Ids, TokenRequest};
use serde_json::json;
use zeroize::Zeroizing;

use crate::Failure;

const SESSION_FILE: &str = "account-session.json";

#[derive(clap::Args, Debug, Clone, Default)]
pub struct PasswordOpts {
    /// Read the account password from the first line of standard input
    /// (else $APIQ_PASSWORD, else a prompt).
    #[arg(long)]
    password_stdin: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum AccountCmd {
    /// Create an account (the e-mail is the login).
    Signup {
        email: String,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        pw: PasswordOpts,
    },
    /// Sign in and keep the session in the data folder.
    Signin {
        login: String,
        /// The TOTP code or a recovery code, when the account uses 2FA
        /// (prompted for on a terminal when missing).
        #[arg(long)]
        code: Option<String>,
        #[command(flatten)]
        pw: PasswordOpts,
    },
    /// Sign out and forget the saved session.
    Signout,
    /// The signed-in account.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Two-factor authentication.
    #[command(name = "2fa", subcommand)]
    TwoFa(TwoFaCmd),
    /// Personal access tokens.
    #[command(subcommand)]
    Token(TokenCmd),
    /// The account's audit events, newest first.
    Audit {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum TwoFaCmd {
    /// Without --code: print a new secret and its otpauth:// URI to add to
    /// an authenticator. With --code: turn 2FA on and print the recovery codes.
    Enable {
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        pw: PasswordOpts,
    },
    /// Show the recovery codes and which were used.
    Codes {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        pw: PasswordOpts,
    },
    /// Replace every recovery code; prints the new ones.
    Regenerate {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        pw: PasswordOpts,
    },
    /// Turn 2FA off (other sessions are signed out).
    Disable {
        #[command(flatten)]
        pw: PasswordOpts,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum TokenCmd {
    /// Create a token; its value is printed once.
    Create {
        /// What the token is for.
        #[arg(long)]
        description: String,
        /// Methods it may call, dotted (`users.Account.GetUserInfo`),
        /// separated by `,`; `*` for every method a token may call.
        #[arg(long, default_value = "users.Account.GetUserInfo")]
        api_list: String,
        /// UTC `yyyy-MM-dd HH:mm:ss`.
        #[arg(long)]
        expires_at: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        pw: PasswordOpts,
    },
    /// List tokens (never their values).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Delete tokens by id (`*` for all).
    Delete {
        #[arg(required = true)]
        ids: Vec<String>,
        #[command(flatten)]
        pw: PasswordOpts,
    },
}

/// Runs one account command; returns its standard output.
pub fn run(cmd: AccountCmd, server: Option<String>) -> anyhow::Result<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(run_async(cmd, server))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    server: String,
    session: String,
}

impl Drop for Saved {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.session.zeroize();
    }
}

fn session_path() -> anyhow::Result<PathBuf> {
    Ok(crate::fsutil::data_dir()?.join(SESSION_FILE))
}

fn load_saved() -> anyhow::Result<Option<Saved>> {
    let path = session_path()?;
    match std::fs::read(&path) {
        Ok(bytes) => {
            let bytes = Zeroizing::new(bytes);
            let saved: Saved = serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is damaged; sign in again", path.display()))?;
            Ok(Some(saved))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn save(saved: &Saved) -> anyhow::Result<()> {
    let path = crate::fsutil::ensure_data_dir()?.join(SESSION_FILE);
    let bytes = Zeroizing::new(serde_json::to_vec(saved)?);
    crate::fsutil::write_atomic(&path, &bytes, true)
}

fn forget() -> anyhow::Result<()> {
    let path = session_path()?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot delete {}", path.display())),
    }
}

/// The server: `--server`, `$APIQ_SERVER_URL` (or `$APIQ_SERVER`), the
/// saved session's, else the bundled backend's address (see
/// [`apiq_app::server`]).
fn server_url(flag: Option<String>, saved: Option<&Saved>) -> String {
    apiq_app::server::choose(flag.as_deref(), saved.map(|s| s.server.as_str()))
        .unwrap_or_else(|| apiq_client::DEFAULT_SERVER.to_owned())
}

fn password(opts: &PasswordOpts) -> anyhow::Result<Zeroizing<String>> {
    if opts.password_stdin {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read standard input")?;
        let pw = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
        if pw.is_empty() {
            return Err(Failure::input(
                "--password-stdin: the first line of standard input is empty",
            ));
        }
        return Ok(pw);
    }
    if let Some(pw) = std::env::var("APIQ_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Ok(Zeroizing::new(pw));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::input(
            "no account password: set APIQ_PASSWORD, pass --password-stdin, or run in a terminal",
        ));
    }
    let pw = Zeroizing::new(
        rpassword::prompt_password("Account password: ")
            .map_err(|e| Failure::input(format!("cannot read the password: {e}")))?,
    );
    if pw.is_empty() {
        return Err(Failure::input("the password is empty"));
    }
    Ok(pw)
}

/// Maps a client error to the CLI's failure (exit 2 for bad input).
fn fail(e: ClientError) -> anyhow::Error {
    match &e {
        ClientError::Api {
            code: codes::INVALID_PARAM,
            message,
            ..
        } => Failure::input(message.clone()),
        ClientError::Api {
            code: codes::TOO_MANY_ATTEMPTS,
            message,
            retry_after,
        } => anyhow::anyhow!(
            "{message} (result 704; retry after {} s)",
            retry_after.unwrap_or(1)
        ),
        ClientError::Api {
            code: codes::SESSION_INVALID,
            ..
        } => {
            let _ = forget();
            anyhow::anyhow!(
                "not signed in, or the session expired: run `apiq account signin LOGIN`"
            )
        }
        ClientError::BadUrl(_) | ClientError::InsecureUrl(_) => Failure::input(e.to_string()),
        _ => anyhow::Error::new(e),
    }
}

/// The saved session and a client of its server.
fn signed_in(flag: Option<String>) -> anyhow::Result<(Client, Saved)> {
    let saved = load_saved()?
        .ok_or_else(|| anyhow::anyhow!("not signed in: run `apiq account signin LOGIN` first"))?;
    let url = server_url(flag, Some(&saved));
    if !apiq_app::server::same(&url, &saved.server) {
        return Err(Failure::input(format!(
            "signed in to {}, not {url}: sign in there first",
            saved.server
        )));
    }
    Ok((Client::new(url).map_err(fail)?, saved))
}

fn prompt_code() -> anyhow::Result<String> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::input(
            "this account uses two-factor authentication: pass --code CODE (a TOTP or recovery code)",
        ));
    }
    eprint!("Two-factor code: ");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the code")?;
    Ok(line.trim().to_owned())
}

fn lines(items: impl IntoIterator<Item = String>) -> String {
    let mut out = String::new();
    for i in items {
        out.push_str(&i);
        out.push('\n');
    }
    out
}

async fn run_async(cmd: AccountCmd, server: Option<String>) -> anyhow::Result<String> {
    match cmd {
        AccountCmd::Signup { email, name, pw } => {
            let c = Client::new(server_url(server, None)).map_err(fail)?;
            let pw = password(&pw)?;
            let uid = c
                .create_account(&email, &pw, name.as_deref())
                .await
                .map_err(fail)?;
            Ok(format!("created account {uid} ({email})\n"))
        }
        AccountCmd::Signin { login, code, pw } => {
            let url = server_url(server, None);
            let c = Client::new(url.clone()).map_err(fail)?;
            let pw = password(&pw)?;
            let mut reply = c.signin(&login, &pw).await.map_err(fail)?;
            if reply.two_factor_required {
                let code = match code {
                    Some(c) => c,
                    None => prompt_code()?,
                };
                reply = c
                    .verify_2fa_code(reply.session.expose(), &code)
                    .await
                    .map_err(fail)?;
            }
            save(&Saved {
                server: c.base_url().to_owned(),
                session: reply.session.expose().to_owned(),
            })?;
            Ok(format!("signed in to {url} as {login}\n"))
        }
        AccountCmd::Signout => {
            let Some(saved) = load_saved()? else {
                return Ok("not signed in\n".into());
            };
            let c = Client::new(server_url(server, Some(&saved))).map_err(fail)?;
            match c.signout(&saved.session).await {
                Ok(()) => {}
                Err(e) if e.is_session_invalid() => {}
                Err(e) => return Err(fail(e)),
            }
            forget()?;
            Ok("signed out\n".into())
        }
        AccountCmd::Status { json } => {
            let (c, s) = signed_in(server)?;
            let me = c.get_user_info(&s.session).await.map_err(fail)?;
            if json {
                let mut v = serde_json::to_value(&me)?;
                v["server"] = json!(c.base_url());
                return Ok(format!("{}\n", serde_json::to_string_pretty(&v)?));
            }
            Ok(format!(
                "server: {}\nlogin: {}\nname: {}\nuid: {}\ntwo-factor: {}\nrecovery codes left: {}\n",
                c.base_url(),
                me.login,
                me.name,
                me.uid,
                if me.two_factor_enabled { "on" } else { "off" },
                me.recovery_codes_remaining
            ))
        }
        AccountCmd::TwoFa(cmd) => two_fa(cmd, server).await,
        AccountCmd::Token(cmd) => token(cmd, server).await,
        AccountCmd::Audit { limit, json } => {
            let (c, s) = signed_in(server)?;
            let events = c
                .get_audit_log(&s.session, Some(limit))
                .await
                .map_err(fail)?;
            if json {
                return Ok(format!("{}\n", serde_json::to_string_pretty(&events)?));
            }
            Ok(lines(events.iter().map(|e| {
                format!("{}  {:<28} {:<15} {}", e.time, e.event, e.address, e.detail)
            })))
        }
    }
}

async fn two_fa(cmd: TwoFaCmd, server: Option<String>) -> anyhow::Result<String> {
    let (c, s) = signed_in(server)?;
    match cmd {
        TwoFaCmd::Enable {
            code: None,
            json,
            pw,
        } => {
            let pw = password(&pw)?;
            let cfg = c.get_2fa_config(&s.session, &pw).await.map_err(fail)?;
            if json {
                let v = json!({
                    "secret": cfg.secret.expose(),
                    "otpauthUri": cfg.otpauth_uri.expose(),
                });
                return Ok(format!("{}\n", serde_json::to_string_pretty(&v)?));
            }
            Ok(format!(
                "secret: {}\nuri: {}\nAdd it to your authenticator, then run: apiq account 2fa enable --code CODE\n",
                cfg.secret.expose(),
                cfg.otpauth_uri.expose()
            ))
        }
        TwoFaCmd::Enable {
            code: Some(code),
            json,
            pw,
        } => {
            let pw = password(&pw)?;
            let codes = c.enable_2fa(&s.session, &pw, &code).await.map_err(fail)?;
            print_codes(&codes, json)
        }
        TwoFaCmd::Codes { json, pw } => {
            let pw = password(&pw)?;
            let b = c
                .get_2fa_backup_codes(&s.session, &pw)
                .await
                .map_err(fail)?;
            if json {
                let list: Vec<_> = b
                    .recovery_codes
                    .iter()
                    .map(|c| json!({ "code": c.code.expose(), "used": c.used }))
                    .collect();
                let v = json!({ "recoveryCodes": list, "remaining": b.remaining });
                return Ok(format!("{}\n", serde_json::to_string_pretty(&v)?));
            }
            Ok(lines(b.recovery_codes.iter().map(|c| {
                format!(
                    "{}{}",
                    c.code.expose(),
                    if c.used { "  (used)" } else { "" }
                )
            })))
        }
        TwoFaCmd::Regenerate { json, pw } => {
            let pw = password(&pw)?;
            let codes = c
                .regenerate_2fa_backup_codes(&s.session, &pw)
                .await
                .map_err(fail)?;
            print_codes(&codes, json)
        }
        TwoFaCmd::Disable { pw } => {
            let pw = password(&pw)?;
            c.disable_2fa(&s.session, &pw).await.map_err(fail)?;
            Ok("two-factor authentication is off; other sessions were signed out\n".into())
        }
    }
}

fn print_codes(codes: &[apiq_client::Sensitive], json: bool) -> anyhow::Result<String> {
    if json {
        let list: Vec<&str> = codes.iter().map(|c| c.expose()).collect();
        let v = json!({ "recoveryCodes": list });
        return Ok(format!("{}\n", serde_json::to_string_pretty(&v)?));
    }
    Ok(lines(codes.iter().map(|c| c.expose().to_owned())))
}

fn parse_ids(ids: &[String]) -> anyhow::Result<Ids> {
    if ids.iter().any(|i| i == "*") {
        return Ok(Ids::All);
    }
    let mut out = Vec::new();
    for part in ids.iter().flat_map(|i| i.split([',', ';'])) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        out.push(
            part.parse()
                .map_err(|_| Failure::input(format!("not a token id: {part}")))?,
        );
    }
    if out.is_empty() {
        return Err(Failure::input("no token id given"));
    }
    Ok(Ids::Some(out))
}

async fn token(cmd: TokenCmd, server: Option<String>) -> anyhow::Result<String> {
    let (c, s) = signed_in(server)?;
    match cmd {
        TokenCmd::Create {
            description,
            api_list,
            expires_at,
            json,
            pw,
        } => {
            let pw = password(&pw)?;
            let req = TokenRequest {
                description,
                api_list: api_list
                    .split([',', ';'])
                    .map(|m| m.trim().to_owned())
                    .filter(|m| !m.is_empty())
                    .collect(),
                token_template: None,
                expires_at,
            };
            let t = c.create_token(&s.session, &pw, &req).await.map_err(fail)?;
            if json {
                let mut v = serde_json::to_value(&t.info)?;
                v["value"] = json!(t.value.expose());
                return Ok(format!("{}\n", serde_json::to_string_pretty(&v)?));
            }
            Ok(format!("{}\n", t.value.expose()))
        }
        TokenCmd::List { json } => {
            let list = c.get_tokens(&s.session).await.map_err(fail)?;
            if json {
                return Ok(format!("{}\n", serde_json::to_string_pretty(&list)?));
            }
            Ok(lines(list.iter().map(|t| {
                format!(
                    "{}  …{}  {}  [{}]  expires {}",
                    t.id,
                    t.last4,
                    t.description,
                    t.api_list.join(","),
                    t.expires_at.as_deref().unwrap_or("never")
                )
            })))
        }
        TokenCmd::Delete { ids, pw } => {
            let ids = parse_ids(&ids)?;
            let pw = password(&pw)?;
            c.delete_tokens(&s.session, &pw, &ids).await.map_err(fail)?;
            Ok("deleted\n".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse() {
        assert_eq!(parse_ids(&["*".into()]).unwrap(), Ids::All);
        assert_eq!(
            parse_ids(&["1,2".into(), "3".into()]).unwrap(),
            Ids::Some(vec![1, 2, 3])
        );
        assert!(parse_ids(&["x".into()]).is_err());
    }
}
