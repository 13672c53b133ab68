//! A hostile provider server for the security tests: plain HTTP/1.1 on any loopback address
//! (127.0.0.2 plays the foreign host), answering with whatever a test scripts, and recording
//! every request it receives (headers included) so a test can see where a credential went.
//!
//! It shares nothing with the product or the sandbox: a few dozen lines over std's TCP.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

/// What to answer.
pub enum Reply {
    /// A status, extra headers and a body.
    Body(u16, Vec<(String, String)>, String),
    /// A 200 whose JSON body is `len` bytes long (a string padded with spaces), written in
    /// chunks so the server never holds it; `announce` sends a `Content-Length`.
    Huge { len: u64, announce: bool },
    /// Accept the request and answer nothing for this long.
    Hang(Duration),
}

impl Reply {
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::Body(status, Vec::new(), body.to_string())
    }

    pub fn json_with(status: u16, headers: &[(&str, &str)], body: &serde_json::Value) -> Self {
        Self::Body(
            status,
            headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            body.to_string(),
        )
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

/// A running hostile server; its thread lives as long as the test process.
pub struct Hostile {
    pub origin: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Hostile {
    /// Listens on `ip` (an ephemeral port) and answers every request with `handler`.
    pub fn start(ip: &str, handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind((ip, 0)).expect("bind the hostile server");
        let origin = format!("http://{}", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = Arc::clone(&handler);
                let recorded = Arc::clone(&recorded);
                std::thread::spawn(move || serve(stream, &*handler, &recorded));
            }
        });
        Self { origin, seen }
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .map(|seen| seen.clone())
            .unwrap_or_default()
    }

    /// The host and port, for `//host:port` links.
    pub fn authority(&self) -> &str {
        self.origin.trim_start_matches("http://")
    }
}

fn serve(stream: TcpStream, handler: &Handler, recorded: &Mutex<Vec<Seen>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(stream) => stream,
        Err(_) => return,
    });
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let seen = Seen {
            method,
            target,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        if let Ok(mut recorded) = recorded.lock() {
            recorded.push(seen.clone());
        }
        let ok = match handler(&seen) {
            Reply::Body(status, extra, body) => {
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                    body.len()
                );
                for (name, value) in extra {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                writer
                    .write_all(head.as_bytes())
                    .and_then(|()| writer.write_all(body.as_bytes()))
                    .is_ok()
            }
            Reply::Huge { len, announce } => {
                let mut head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n".to_owned();
                if announce {
                    head.push_str(&format!("content-length: {len}\r\n"));
                }
                head.push_str("connection: close\r\n\r\n");
                let _ = writer.write_all(head.as_bytes());
                // `{"results":[],"pad":"    …"}`
                let open = br#"{"results":[],"pad":""#;
                let close = br#""}"#;
                let _ = writer.write_all(open);
                let mut left = len.saturating_sub((open.len() + close.len()) as u64);
                let chunk = vec![b' '; 64 * 1024];
                while left > 0 {
                    let take = left.min(chunk.len() as u64) as usize;
                    if writer.write_all(&chunk[..take]).is_err() {
                        return;
                    }
                    left -= take as u64;
                }
                let _ = writer.write_all(close);
                return;
            }
            Reply::Hang(duration) => {
                std::thread::sleep(duration);
                return;
            }
        };
        if !ok {
            return;
        }
    }
}
