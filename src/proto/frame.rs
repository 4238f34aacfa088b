//! Framing on the client socket: a 4-byte little-endian length, a kind byte,
//! then the body. Output frames carry terminal bytes as they are, so the hot
//! path (frames to a client) is never re-encoded; everything else is JSON.

use std::io::{self, Read, Write};

use tokio::io::{AsyncRead, AsyncReadExt};

/// The largest body either side accepts. A bigger length is a peer that is
/// not speaking this protocol (or is hostile): the connection is dropped
/// before anything is allocated for it.
pub const MAX_BODY: usize = 16 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON message (`ClientMsg` or `ServerMsg`).
    Json = 0,
    /// Bytes for the client's terminal, written as they are.
    Output = 1,
    /// The client's terminal itself: a one-byte body carrying its fds
    /// (`proto::tty`). Its body is never read as plain bytes.
    Tty = 2,
}

impl Kind {
    fn from_byte(b: u8) -> Option<Kind> {
        match b {
            0 => Some(Kind::Json),
            1 => Some(Kind::Output),
            2 => Some(Kind::Tty),
            _ => None,
        }
    }
}

/// One frame, its kind and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub kind: Kind,
    pub body: Vec<u8>,
}

/// The bytes of one frame, ready to write.
pub fn encode(kind: Kind, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + body.len());
    let len = u32::try_from(body.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.push(kind as u8);
    out.extend_from_slice(body);
    out
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

fn check_header(header: [u8; 5]) -> io::Result<(Kind, usize)> {
    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
    if len > MAX_BODY {
        return Err(invalid("frame too large"));
    }
    let kind = Kind::from_byte(header[4]).ok_or_else(|| invalid("unknown frame kind"))?;
    Ok((kind, len))
}

/// Reads one frame; `Ok(None)` at a clean end of stream (between frames).
pub async fn read_async(r: &mut (impl AsyncRead + Unpin)) -> io::Result<Option<Frame>> {
    let Some((kind, len)) = read_header_async(r).await? else {
        return Ok(None);
    };
    let mut body = vec![0; len];
    r.read_exact(&mut body).await?;
    Ok(Some(Frame { kind, body }))
}

/// Reads a frame's kind and body length, for a reader that reads some
/// bodies its own way (a `Tty` frame's); `Ok(None)` at a clean end.
pub async fn read_header_async(
    r: &mut (impl AsyncRead + Unpin),
) -> io::Result<Option<(Kind, usize)>> {
    let mut header = [0u8; 5];
    match r.read_exact(&mut header).await {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    check_header(header).map(Some)
}

/// As `read_async`, blocking.
pub fn read(r: &mut impl Read) -> io::Result<Option<Frame>> {
    let mut header = [0u8; 5];
    match r.read_exact(&mut header) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let (kind, len) = check_header(header)?;
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    Ok(Some(Frame { kind, body }))
}

/// Writes one frame, blocking.
pub fn write(w: &mut impl Write, kind: Kind, body: &[u8]) -> io::Result<()> {
    w.write_all(&encode(kind, body))?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_end_cleanly() {
        let mut wire = encode(Kind::Json, b"{}");
        wire.extend(encode(Kind::Output, b"\x1b[H"));
        let mut r = &wire[..];
        assert_eq!(
            read(&mut r).unwrap(),
            Some(Frame {
                kind: Kind::Json,
                body: b"{}".to_vec()
            })
        );
        assert_eq!(read(&mut r).unwrap().unwrap().body, b"\x1b[H");
        assert_eq!(read(&mut r).unwrap(), None);
    }

    #[test]
    fn garbage_is_refused_before_anything_is_allocated() {
        let mut huge = (u32::MAX).to_le_bytes().to_vec();
        huge.push(0);
        assert!(read(&mut &huge[..]).is_err());
        let mut bad_kind = 0u32.to_le_bytes().to_vec();
        bad_kind.push(9);
        assert!(read(&mut &bad_kind[..]).is_err());
        // Half a frame is an error, not a clean end.
        let half = &encode(Kind::Json, b"{\"a\":1}")[..7];
        assert!(read(&mut &half[..]).is_err());
    }
}
