//! The one message `ccmux hook` sends: a header line naming the format, the
//! session and the payload's length, then the payload.
//!
//! The length lets the server tell a whole payload from one cut short (a
//! client killed mid-write); the format tag lets an instance drop messages
//! from a `ccmux hook` of another version instead of misreading them.

use super::MAX_PAYLOAD;
use crate::session::SessionId;

const TAG: &str = "ccmux-hook/1";

/// The longest header line, its `\n` included: tag, hyphenated UUID, length
/// and separators fit well within this.
pub const MAX_HEADER: usize = 80;

pub fn encode(session: &SessionId, payload: &[u8]) -> Vec<u8> {
    let header = format!("{TAG} {} {}\n", session.0.hyphenated(), payload.len());
    let mut frame = Vec::with_capacity(header.len() + payload.len());
    frame.extend_from_slice(header.as_bytes());
    frame.extend_from_slice(payload);
    frame
}

/// Reads a frame's header line (without its `\n`) back: the session and the
/// payload's length. `None` for anything that is not exactly one.
pub fn decode_header(line: &[u8]) -> Option<(SessionId, usize)> {
    if line.len() >= MAX_HEADER {
        return None;
    }
    let header = std::str::from_utf8(line).ok()?;
    let mut fields = header.split(' ');
    if fields.next()? != TAG {
        return None;
    }
    let session = uuid::Uuid::parse_str(fields.next()?).ok()?;
    let len: usize = fields.next()?.parse().ok()?;
    if fields.next().is_some() || len > MAX_PAYLOAD {
        return None;
    }
    Some((SessionId(session), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header and payload of an encoded frame.
    fn split(frame: &[u8]) -> (&[u8], &[u8]) {
        let end = frame.iter().position(|&b| b == b'\n').unwrap();
        (&frame[..end], &frame[end + 1..])
    }

    #[test]
    fn round_trip() {
        let id = SessionId::new();
        for payload in [&b""[..], b"{\"hook_event_name\":\"Stop\"}", b"a\nb\n\xff"] {
            let frame = encode(&id, payload);
            assert!(frame.starts_with(format!("ccmux-hook/1 {id} ").as_bytes()));
            let (header, rest) = split(&frame);
            assert_eq!(decode_header(header), Some((id, payload.len())));
            assert_eq!(rest, payload);
        }
    }

    #[test]
    fn largest_header_fits() {
        let frame = encode(&SessionId::new(), &vec![b'x'; MAX_PAYLOAD]);
        let header_len = frame.len() - MAX_PAYLOAD;
        assert!(header_len <= MAX_HEADER, "{header_len}");
        assert!(decode_header(split(&frame).0).is_some());
    }

    #[test]
    fn rejects_what_is_not_one_header() {
        let id = "0b9e7c3a-5d1f-4c61-9a56-2f0c1d2e3f40";
        for bad in [
            String::new(),
            format!("ccmux-hook/1 {id}"),
            format!("ccmux-hook/1 {id} 2 extra"),
            format!("ccmux-hook/1 {id} -2"),
            format!("ccmux-hook/2 {id} 2"),
            "ccmux-hook/1 not-a-uuid 2".into(),
            format!("ccmux-hook/1  {id} 2"),
            format!("ccmux-hook/1 {id} {}", MAX_PAYLOAD + 1),
            format!("{}ccmux-hook/1 {id} 2", " ".repeat(MAX_HEADER)),
        ] {
            assert_eq!(decode_header(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(decode_header(b"\xff\xfe 1"), None);
        assert!(decode_header(format!("ccmux-hook/1 {id} 2").as_bytes()).is_some());
    }
}
