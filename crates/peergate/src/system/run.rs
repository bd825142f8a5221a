//! The one way peergate runs a program: an argument vector (never a shell string), a timeout, and
//! an error that carries the program, its arguments, the exit status and what it printed, so the
//! user sees wg-quick's own words when something fails.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

/// A program and its arguments, plus extra environment variables.
#[derive(Debug, Clone)]
pub struct Argv {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
    /// Fed to the program's standard input (`nft -f -`, `iptables-restore`).
    pub stdin: Option<String>,
}

impl Argv {
    pub fn new(program: impl Into<PathBuf>) -> Argv {
        Argv { program: program.into(), args: Vec::new(), env: Vec::new(), stdin: None }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Argv {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Argv {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn stdin(mut self, text: impl Into<String>) -> Argv {
        self.stdin = Some(text.into());
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Argv {
        self.env.push((key.into(), value.into()));
        self
    }
}

impl fmt::Display for Argv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.program.display())?;
        for arg in &self.args {
            write!(f, " {}", arg.to_string_lossy())?;
        }
        Ok(())
    }
}

#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot run `{argv}`: {source}")]
    Spawn { argv: String, source: std::io::Error },
    #[error("`{argv}` failed ({status}): {}", output_text(.stderr, .stdout))]
    Failed { argv: String, status: String, stdout: String, stderr: String },
    /// Killed at the deadline; what it had written to stderr by then is kept (often the reason).
    #[error("`{argv}` did not finish within {secs} s{}", said(.stderr))]
    Timeout { argv: String, secs: u64, stderr: String },
}

fn said(stderr: &str) -> String {
    match stderr.trim() {
        "" => String::new(),
        text => format!("; it said: {text}"),
    }
}

fn output_text(stderr: &str, stdout: &str) -> String {
    let text = if stderr.trim().is_empty() { stdout.trim() } else { stderr.trim() };
    if text.is_empty() { "no output".into() } else { text.to_string() }
}

/// Runs `argv` to completion (killed after `timeout`); non-zero exit is an error.
pub async fn run(argv: &Argv, timeout: Duration) -> Result<Output, RunError> {
    let shown = argv.to_string();
    tracing::debug!(argv = %shown, "running");
    let mut command = Command::new(&argv.program);
    command
        .args(&argv.args)
        .envs(argv.env.iter().map(|(k, v)| (k, v)))
        .stdin(if argv.stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(|source| RunError::Spawn { argv: shown.clone(), source })?;
    if let (Some(text), Some(mut stdin)) = (&argv.stdin, child.stdin.take()) {
        use tokio::io::AsyncWriteExt;
        stdin.write_all(text.as_bytes()).await.map_err(|source| RunError::Spawn { argv: shown.clone(), source })?;
    }
    // Read both pipes beside the wait, so a program killed at the deadline still tells us why.
    let stdout_task = tokio::spawn(read_all(child.stdout.take()));
    let stderr_task = tokio::spawn(read_all(child.stderr.take()));
    let status = match tokio::time::timeout(timeout, child.wait()).await {
        Ok(result) => result.map_err(|source| RunError::Spawn { argv: shown.clone(), source })?,
        Err(_) => {
            let _ = child.kill().await;
            let stderr =
                tokio::time::timeout(Duration::from_secs(1), stderr_task).await.ok().and_then(Result::ok).unwrap_or_default();
            return Err(RunError::Timeout { argv: shown, secs: timeout.as_secs(), stderr });
        }
    };
    let stdout = stdout_task.await.unwrap_or_default();
    let stderr = stderr_task.await.unwrap_or_default();
    if status.success() {
        Ok(Output { stdout, stderr })
    } else {
        Err(RunError::Failed { argv: shown, status: status.to_string(), stdout, stderr })
    }
}

/// All of a pipe, as text (empty when there is no pipe or it fails).
async fn read_all(pipe: Option<impl tokio::io::AsyncRead + Unpin>) -> String {
    use tokio::io::AsyncReadExt;
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        let _ = pipe.read_to_end(&mut bytes).await;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn arguments_are_never_interpreted_by_a_shell() {
        let out = run(&Argv::new("echo").arg("$(reboot); `id`"), Duration::from_secs(5)).await.unwrap();
        assert_eq!(out.stdout, "$(reboot); `id`\n");
    }

    #[tokio::test]
    async fn stdin_is_fed_to_the_program() {
        let out = run(&Argv::new("cat").stdin("table inet x {}\n"), Duration::from_secs(5)).await.unwrap();
        assert_eq!(out.stdout, "table inet x {}\n");
    }

    #[tokio::test]
    async fn failures_carry_program_status_and_stderr() {
        let err = run(&Argv::new("ls").arg("/definitely/not/here"), Duration::from_secs(5)).await.unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`ls /definitely/not/here` failed"), "{text}");
        assert!(text.contains("No such file"), "{text}");
        let err = run(&Argv::new("/no/such/program"), Duration::from_secs(5)).await.unwrap_err();
        assert!(matches!(err, RunError::Spawn { .. }));
        let err = run(&Argv::new("sleep").arg("5"), Duration::from_millis(100)).await.unwrap_err();
        assert!(matches!(err, RunError::Timeout { .. }));
    }

    #[tokio::test]
    async fn a_program_killed_at_the_deadline_still_says_why() {
        let started = std::time::Instant::now();
        let argv = Argv::new("sh").args(["-c", "echo 'Temporary failure in name resolution' >&2; exec sleep 5"]);
        let err = run(&argv, Duration::from_millis(300)).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(3), "killed at the deadline");
        let text = err.to_string();
        assert!(text.contains("did not finish within 0 s; it said: Temporary failure in name resolution"), "{text}");
    }
}
