//! The one message `ccmux hook` sends: a header line naming the format, the
//! session and the payload's length, then the payload.
//!
//! The length lets the server tell a whole payload from one cut short (a
//! client killed mid-write); the format tag lets an instance drop messages
//! from a `ccmux hook` of another version instead of misreading them.

use super::{HookMessage, MAX_PAYLOAD};
use crate::session::SessionId;

const TAG: &str = "ccmux-hook/1";

/// Tag, hyphenated UUID, length and separators fit well within this.
pub const MAX_HEADER: usize = 80;

/// The longest frame a server reads before giving up on a connection.
pub const MAX_FRAME: usize = MAX_HEADER + MAX_PAYLOAD;

pub fn encode(session: &SessionId, payload: &[u8]) -> Vec<u8> {
    let header = format!("{TAG} {} {}\n", session.0.hyphenated(), payload.len());
    let mut frame = Vec::with_capacity(header.len() + payload.len());
    frame.extend_from_slice(header.as_bytes());
    frame.extend_from_slice(payload);
    frame
}

/// Reads a whole frame back; `None` for anything that is not exactly one.
pub fn decode(frame: &[u8]) -> Option<HookMessage> {
    let end = frame.iter().take(MAX_HEADER).position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(&frame[..end]).ok()?;
    let payload = &frame[end + 1..];
    let mut fields = header.split(' ');
    if fields.next()? != TAG {
        return None;
    }
    let session = uuid::Uuid::parse_str(fields.next()?).ok()?;
    let len: usize = fields.next()?.parse().ok()?;
    if fields.next().is_some() || len > MAX_PAYLOAD || payload.len() != len {
        return None;
    }
    Some(HookMessage {
        session: SessionId(session),
        payload: payload.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let id = SessionId::new();
        for payload in [&b""[..], b"{\"hook_event_name\":\"Stop\"}", b"a\nb\n\xff"] {
            let frame = encode(&id, payload);
            assert!(frame.starts_with(format!("ccmux-hook/1 {id} ").as_bytes()));
            let msg = decode(&frame).unwrap();
            assert_eq!(msg.session, id);
            assert_eq!(msg.payload, payload);
        }
    }

    #[test]
    fn largest_header_fits() {
        let frame = encode(&SessionId::new(), &vec![b'x'; MAX_PAYLOAD]);
        let header_len = frame.len() - MAX_PAYLOAD;
        assert!(header_len <= MAX_HEADER, "{header_len}");
        assert!(decode(&frame).is_some());
    }

    #[test]
    fn rejects_what_is_not_one_whole_frame() {
        let id = "0b9e7c3a-5d1f-4c61-9a56-2f0c1d2e3f40";
        for bad in [
            String::new(),
            "no newline".into(),
            format!("ccmux-hook/1 {id} 2\n{{}}x"),
            format!("ccmux-hook/1 {id} 3\n{{}}"),
            format!("ccmux-hook/1 {id}\n{{}}"),
            format!("ccmux-hook/1 {id} 2 extra\n{{}}"),
            format!("ccmux-hook/1 {id} -2\n{{}}"),
            format!("ccmux-hook/2 {id} 2\n{{}}"),
            "ccmux-hook/1 not-a-uuid 2\n{}".into(),
            format!("ccmux-hook/1  {id} 2\n{{}}"),
            format!("ccmux-hook/1 {id} {}\n", MAX_PAYLOAD + 1),
            format!("{}ccmux-hook/1 {id} 2\n{{}}", " ".repeat(MAX_HEADER)),
        ] {
            assert_eq!(decode(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(decode(b"\xff\xfe 1\nx"), None);
        let good = format!("ccmux-hook/1 {id} 2\n{{}}");
        assert!(decode(good.as_bytes()).is_some());
    }
}
