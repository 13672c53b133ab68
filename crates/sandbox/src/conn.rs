//! The sandbox's TCP listener. Every accepted connection gets TCP_NODELAY and a cut switch that
//! the `reset` fault arms: the connection then dies in the middle of the next response body
//! with a TCP reset, as when a provider's load balancer drops a connection. Doing this at the
//! socket needs no extra dependency and breaks the connection exactly as a client would see it.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Accepts connections like axum's own `TcpListener` support, wrapping each in a [`Connection`].
pub(crate) struct Listener {
    inner: TcpListener,
}

impl Listener {
    pub(crate) fn new(inner: TcpListener) -> Listener {
        Listener { inner }
    }
}

impl axum::serve::Listener for Listener {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Connection, SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    // Small JSON answers should not wait on Nagle's algorithm; benchmarks
                    // measure this.
                    if let Err(err) = stream.set_nodelay(true) {
                        tracing::debug!(error = %err, "sandbox could not set TCP_NODELAY");
                    }
                    return (Connection::new(stream), addr);
                }
                Err(err) => {
                    // A client that gave up during the handshake is no reason to pause; running
                    // out of file descriptors is, or the loop would spin (as axum does).
                    tracing::debug!(error = %err, "sandbox could not accept a connection");
                    if !is_connection_error(&err) {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

fn is_connection_error(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Lets a request's handler arm its connection's cut switch. Reaches handlers as
/// `ConnectInfo<CutHandle>` because the sandbox serves with connect info of this type.
#[derive(Debug, Clone)]
pub(crate) struct CutHandle(Arc<AtomicUsize>);

impl CutHandle {
    /// The response about to be written on this connection will carry its head and `keep`
    /// bytes of body, then the connection is reset. `keep` must be shorter than the body, or
    /// the cut lands in whatever the connection writes next.
    pub(crate) fn after_body_bytes(&self, keep: usize) {
        // 0 means "not armed", so the stored value is one more than `keep`.
        self.0.store(keep.saturating_add(1), Ordering::Release);
    }
}

impl Connected<IncomingStream<'_, Listener>> for CutHandle {
    fn connect_info(stream: IncomingStream<'_, Listener>) -> CutHandle {
        CutHandle(stream.io().armed.clone())
    }
}

/// A TCP stream that writes normally until its cut switch is armed, then lets through the rest
/// of the response head and `keep` body bytes, and fails every later write after turning the
/// close into a reset.
pub(crate) struct Connection {
    stream: TcpStream,
    armed: Arc<AtomicUsize>,
    cut: Cut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// Writes pass through.
    Idle,
    /// Writing the response head; `matched` bytes of its `\r\n\r\n` end were seen so far.
    Head { matched: usize, keep: usize },
    /// Writing the body; `keep` more bytes may go.
    Body { keep: usize },
    /// The connection is broken: nothing more is written.
    Done,
}

const HEAD_END: &[u8; 4] = b"\r\n\r\n";

impl Connection {
    fn new(stream: TcpStream) -> Connection {
        Connection {
            stream,
            armed: Arc::new(AtomicUsize::new(0)),
            cut: Cut::Idle,
        }
    }

    /// Picks up an armed switch when no cut is under way.
    fn take_arming(&mut self) {
        if self.cut == Cut::Idle {
            let armed = self.armed.swap(0, Ordering::AcqRel);
            if armed > 0 {
                self.cut = Cut::Head {
                    matched: 0,
                    keep: armed - 1,
                };
            }
        }
    }

    /// How many bytes of `buf` may be written now (`buf.len()` when unrestricted).
    fn allowed(&self, buf: &[u8]) -> usize {
        match self.cut {
            Cut::Idle => buf.len(),
            Cut::Head { matched, keep } => match head_end(matched, buf) {
                Some(end) => end.saturating_add(keep).min(buf.len()),
                None => buf.len(),
            },
            Cut::Body { keep } => keep.min(buf.len()),
            Cut::Done => 0,
        }
    }

    /// Accounts for `written`, the bytes that actually went out.
    fn advance(&mut self, written: &[u8]) {
        match self.cut {
            Cut::Idle | Cut::Done => {}
            Cut::Head { matched, keep } => match head_end(matched, written) {
                Some(end) => {
                    self.cut = Cut::Body {
                        keep: keep.saturating_sub(written.len() - end),
                    };
                }
                None => {
                    self.cut = Cut::Head {
                        matched: matched_after(matched, written),
                        keep,
                    };
                }
            },
            Cut::Body { keep } => {
                self.cut = Cut::Body {
                    keep: keep.saturating_sub(written.len()),
                };
            }
        }
    }

    /// Breaks the connection: with a zero linger time, closing the socket sends a reset
    /// instead of an orderly end, and the failed write makes hyper close it now.
    fn break_off(&mut self) -> io::Error {
        if let Err(err) = self.stream.set_zero_linger() {
            tracing::debug!(error = %err, "sandbox could not set SO_LINGER for a reset");
        }
        self.cut = Cut::Done;
        io::Error::new(
            io::ErrorKind::ConnectionReset,
            "sandbox fault: connection reset mid-response",
        )
    }
}

/// Where the head ends in `buf` (the index just past `\r\n\r\n`), given `matched` bytes of the
/// terminator already seen.
fn head_end(mut matched: usize, buf: &[u8]) -> Option<usize> {
    for (at, byte) in buf.iter().enumerate() {
        matched = step(matched, *byte);
        if matched == HEAD_END.len() {
            return Some(at + 1);
        }
    }
    None
}

fn matched_after(matched: usize, buf: &[u8]) -> usize {
    buf.iter()
        .fold(matched, |matched, byte| step(matched, *byte))
}

/// One byte of the search for `\r\n\r\n`.
fn step(matched: usize, byte: u8) -> usize {
    if byte == HEAD_END[matched] {
        matched + 1
    } else if byte == b'\r' {
        1
    } else {
        0
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        this.take_arming();
        if this.cut == Cut::Idle {
            return Pin::new(&mut this.stream).poll_write(cx, buf);
        }
        let allowed = this.allowed(buf);
        if allowed == 0 && !buf.is_empty() {
            return Poll::Ready(Err(this.break_off()));
        }
        match Pin::new(&mut this.stream).poll_write(cx, &buf[..allowed]) {
            Poll::Ready(Ok(written)) => {
                this.advance(&buf[..written]);
                Poll::Ready(Ok(written))
            }
            other => other,
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.take_arming();
        if self.cut == Cut::Idle {
            return Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        }
        // While a cut is under way, one slice at a time keeps the accounting simple; a short
        // write is always allowed.
        let first = bufs
            .iter()
            .find(|buf| !buf.is_empty())
            .map_or(&[][..], |buf| &buf[..]);
        self.poll_write(cx, first)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.cut == Cut::Done {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // An orderly shutdown would send FIN first; a broken connection only resets.
        if self.cut == Cut::Done {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_of_a_head_across_writes() {
        assert_eq!(head_end(0, b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n{}"), Some(25));
        assert_eq!(head_end(0, b"HTTP/1.1 200 OK\r\nA: b\r\n"), None);
        let matched = matched_after(0, b"HTTP/1.1 200 OK\r\nA: b\r\n");
        assert_eq!(matched, 2);
        assert_eq!(head_end(matched, b"\r\n{}"), Some(2));
        assert_eq!(head_end(0, b"\r\r\n\r\n"), Some(5));
    }
}
