//! The one-shot loopback listener of the authorization code grant: 127.0.0.1, an ephemeral
//! port, exactly one callback (a request for another path is answered 404 and waited past),
//! and a deadline.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpListener;

use super::AuthError;

/// The callback path on the loopback listener.
pub const PATH: &str = "/callback";

/// A bound listener, before the browser is sent to the authorize URL.
pub struct Loopback {
    listener: TcpListener,
    pub redirect_uri: String,
}

impl Loopback {
    /// Binds 127.0.0.1 on `port`, or on one the OS picks.
    pub async fn bind(port: Option<u16>) -> Result<Self, AuthError> {
        let listener = TcpListener::bind(("127.0.0.1", port.unwrap_or(0)))
            .await
            .map_err(|error| match port {
                Some(port) => AuthError::Callback(format!(
                    "cannot listen on 127.0.0.1:{port} for the sign-in's redirect ({error}); stop what uses that port, or register another callback port with the app and pass it as `--callback-port`"
                )),
                None => AuthError::Callback(format!("cannot listen on 127.0.0.1: {error}")),
            })?;
        let port = listener
            .local_addr()
            .map_err(|error| AuthError::Callback(error.to_string()))?
            .port();
        Ok(Self {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}{PATH}"),
        })
    }

    /// Waits for the one callback and returns its request target (`/callback?code=…`). The
    /// browser gets a short page saying whether to go back to the terminal.
    pub async fn wait(
        self,
        timeout: Duration,
        check: impl Fn(&str) -> Result<(), AuthError>,
    ) -> Result<String, AuthError> {
        let accept = async {
            loop {
                let (mut stream, _) = self
                    .listener
                    .accept()
                    .await
                    .map_err(|error| AuthError::Callback(error.to_string()))?;
                let mut line = String::new();
                {
                    let mut reader = BufReader::new(&mut stream);
                    if reader.read_line(&mut line).await.is_err() {
                        continue;
                    }
                    // Drain the headers so the browser sees a clean response.
                    let mut header = String::new();
                    while reader
                        .read_line(&mut header)
                        .await
                        .is_ok_and(|read| read > 2)
                    {
                        header.clear();
                    }
                }
                let target = line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned();
                if !target.starts_with(PATH) {
                    let _ = respond(&mut stream, 404, "Not the inlet callback.").await;
                    continue;
                }
                let outcome = check(&target);
                let _ = match &outcome {
                    Ok(()) => respond(
                        &mut stream,
                        200,
                        "inlet is connected. You can close this tab and go back to the terminal.",
                    )
                    .await,
                    Err(_) => {
                        respond(
                            &mut stream,
                            400,
                            "inlet refused this sign-in; see the terminal.",
                        )
                        .await
                    }
                };
                outcome?;
                return Ok(target);
            }
        };
        tokio::time::timeout(timeout, accept).await.map_err(|_| {
            AuthError::Callback(format!(
                "no sign-in arrived within {}",
                humantime::format_duration(timeout)
            ))
        })?
    }
}

async fn respond(
    stream: &mut tokio::net::TcpStream,
    status: u16,
    text: &str,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let body = format!("<!doctype html><meta charset=utf-8><title>inlet</title><p>{text}</p>\n");
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
