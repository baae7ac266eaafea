//! # `apiq`: the command-line front end
//!
//! The contract is `design/cli.md`: command names, flags, output formats and
//! exit codes that outside scripts rely on. Every command here follows one
//! discipline, enforced in [`main`]:
//!
//! - a command *returns* its standard output as text instead of printing as
//!   it goes, so a failure half-way leaves stdout empty;
//! - a failure is one `error:` line on stderr (warnings are `warning:` lines)
//!   and a non-zero exit: 2 for bad input or usage ([`Failure::input`]),
//!   1 for other failures (no QR code found, I/O, refused by a server);
//! - files are written atomically ([`fsutil::write_atomic`]), so a failing
//!   command changes no file.

mod account;
mod clock_cmd;
mod fsutil;
mod otp_cmds;
mod resync_cmd;
mod sync_cmd;
mod vault_cmd;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// Bad input or usage: exit 2.
    pub fn input(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Failure {
            code: 2,
            message: message.into(),
        })
    }

    /// Any other failure with an explicit exit code.
    pub fn with_code(code: u8, message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Failure {
            code,
            message: message.into(),
        })
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Prints a `warning:` line on stderr (never secret material).
pub fn warn(message: impl std::fmt::Display) {
    eprintln!("warning: {message}");
}

#[derive(Parser)]
#[command(
    name = "apiq",
    version,
    about = "Apiq Authenticator: one-time codes, QR codes, the encrypted vault and the account",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the current code of each otpauth:// URI (`-` reads them from stdin).
    Code(otp_cmds::CodeArgs),
    /// Parse a file, URI or stdin without storing anything; print the entries as JSON.
    Inspect(otp_cmds::InspectArgs),
    /// Decode every QR code in images.
    Scan(otp_cmds::ScanArgs),
    /// Render a URI as a QR code (PNG with --out, else in the terminal).
    Qr(otp_cmds::QrArgs),
    #[command(flatten)]
    Vault(vault_cmd::Command),
    /// Sync this vault with other devices through a folder (Syncthing, Nextcloud, a share).
    Sync(sync_cmd::SyncArgs),
    /// The account: sign-in, two-factor authentication, access tokens.
    Account {
        #[command(subcommand)]
        cmd: account::AccountCmd,
        /// The account server (default: $APIQ_SERVER_URL or $APIQ_SERVER, the signed-in server, or the bundled backend).
        #[arg(long, global = true)]
        server: Option<String>,
    },
    /// How far this machine's clock is from the account server's or an NTP server's.
    Clock(clock_cmd::ClockArgs),
    /// Put a drifted HOTP counter right from the next two codes the service accepts.
    Resync(resync_cmd::ResyncArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Code(a) => otp_cmds::code(a),
        Command::Inspect(a) => otp_cmds::inspect(a),
        Command::Scan(a) => otp_cmds::scan(a),
        Command::Qr(a) => otp_cmds::qr(a),
        Command::Vault(c) => vault_cmd::run(c),
        Command::Sync(a) => sync_cmd::run(a),
        Command::Account { cmd, server } => account::run(cmd, server),
        Command::Clock(a) => clock_cmd::run(a),
        Command::Resync(a) => resync_cmd::run(a),
    };
    finish(result)
}

/// Writes a successful command's output, or its error, and picks the exit code.
fn finish(result: anyhow::Result<String>) -> ExitCode {
    match result {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                // A closed pipe (`apiq list | head`) is not worth a message.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot write the output: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(e) => {
            let code = e.downcast_ref::<Failure>().map(|f| f.code).unwrap_or(1);
            eprintln!("error: {e:#}");
            ExitCode::from(code)
        }
    }
}
