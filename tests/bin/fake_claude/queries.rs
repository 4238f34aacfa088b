//! The startup query batch Claude Code sends, and the replies it waits for.
//!
//! Claude sends XTVERSION then DA1; DA1 is the sentinel, since every terminal
//! answers it and answers in order. Only if XTVERSION was answered does it ask
//! DECRQM 2026 (synchronized output), again followed by DA1.

use std::io;
use std::time::{Duration, Instant};

use crate::tty;

const ESC: u8 = 0x1b;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `DCS >| name ST`
    XtVersion(String),
    /// `CSI ? … c`
    Da1,
    /// `CSI ? mode ; value $ y`
    Decrqm { mode: u32, value: u32 },
}

/// What a scan of terminal input found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    pub replies: Vec<Reply>,
    /// Bytes that are not replies: keys the user typed meanwhile.
    pub input: Vec<u8>,
    /// Length of the prefix scanned; the rest may be the start of a reply.
    pub consumed: usize,
}

pub fn scan(buf: &[u8]) -> Scan {
    let mut found = Scan::default();
    let mut i = 0;
    while i < buf.len() {
        if buf[i] != ESC {
            found.input.push(buf[i]);
            i += 1;
            continue;
        }
        match reply_at(&buf[i..]) {
            Parsed::Reply(reply, len) => {
                found.replies.extend(reply);
                i += len;
            }
            Parsed::NotAReply(len) => {
                found.input.extend_from_slice(&buf[i..i + len]);
                i += len;
            }
            Parsed::Incomplete => break,
        }
    }
    found.consumed = i;
    found
}

enum Parsed {
    /// A reply (None: a DCS we do not care about) and its length.
    Reply(Option<Reply>, usize),
    NotAReply(usize),
    Incomplete,
}

fn reply_at(buf: &[u8]) -> Parsed {
    match buf.get(1) {
        None => Parsed::Incomplete,
        Some(b'P') => dcs(buf),
        Some(b'[') => match buf.get(2) {
            None => Parsed::Incomplete,
            Some(b'?') => private_csi(buf),
            Some(_) => Parsed::NotAReply(1),
        },
        Some(_) => Parsed::NotAReply(1),
    }
}

fn dcs(buf: &[u8]) -> Parsed {
    let body = &buf[2..];
    let Some(end) = body.windows(2).position(|w| w == b"\x1b\\") else {
        return Parsed::Incomplete;
    };
    let reply = body[..end]
        .strip_prefix(b">|")
        .map(|name| Reply::XtVersion(String::from_utf8_lossy(name).into_owned()));
    Parsed::Reply(reply, 2 + end + 2)
}

fn private_csi(buf: &[u8]) -> Parsed {
    let body = &buf[3..];
    let Some(end) = body.iter().position(|b| !(0x20..=0x3f).contains(b)) else {
        return Parsed::Incomplete;
    };
    let len = 3 + end + 1;
    let (params, final_byte) = (&body[..end], body[end]);
    let reply = match final_byte {
        b'c' => Some(Reply::Da1),
        b'y' => decrqm(params),
        _ => None,
    };
    match reply {
        Some(reply) => Parsed::Reply(Some(reply), len),
        None => Parsed::NotAReply(len),
    }
}

fn decrqm(params: &[u8]) -> Option<Reply> {
    let params = std::str::from_utf8(params.strip_suffix(b"$")?).ok()?;
    let (mode, value) = params.split_once(';')?;
    Some(Reply::Decrqm {
        mode: mode.parse().ok()?,
        value: value.parse().ok()?,
    })
}

/// What the terminal told us about itself.
#[derive(Debug, Default)]
pub struct Probe {
    pub name: Option<String>,
    pub sync: bool,
    /// Queries that went unanswered: `DA1`, `XTVERSION`, `DECRQM`.
    pub failures: Vec<&'static str>,
    /// Keys typed while we waited, to be handled once the prompt is up.
    pub typed: Vec<u8>,
}

pub enum Outcome {
    Done(Probe),
    /// Stdin closed while we waited.
    Eof,
}

pub fn probe(timeout: Duration) -> io::Result<Outcome> {
    let mut probe = Probe::default();
    let mut pending = Vec::new();

    tty::write_all(b"\x1b[>0q\x1b[c")?;
    let Some(replies) = await_da1(timeout, &mut pending, &mut probe.typed)? else {
        return Ok(Outcome::Eof);
    };
    let mut da1 = replies.contains(&Reply::Da1);
    probe.name = replies.into_iter().find_map(|r| match r {
        Reply::XtVersion(name) => Some(name),
        _ => None,
    });

    if probe.name.is_none() {
        probe.failures.push("XTVERSION");
    } else {
        tty::write_all(b"\x1b[?2026$p\x1b[c")?;
        let Some(replies) = await_da1(timeout, &mut pending, &mut probe.typed)? else {
            return Ok(Outcome::Eof);
        };
        da1 |= replies.contains(&Reply::Da1);
        let sync = replies.iter().find_map(|r| match r {
            Reply::Decrqm { mode: 2026, value } => Some(*value),
            _ => None,
        });
        match sync {
            Some(value) => probe.sync = matches!(value, 1 | 2),
            None => probe.failures.push("DECRQM"),
        }
    }
    if !da1 {
        probe.failures.insert(0, "DA1");
    }
    // Whatever is left half-parsed was not a reply after all.
    probe.typed.append(&mut pending);
    Ok(Outcome::Done(probe))
}

/// Read replies until DA1 arrives or the time is up; `None` on end of input.
fn await_da1(
    timeout: Duration,
    pending: &mut Vec<u8>,
    typed: &mut Vec<u8>,
) -> io::Result<Option<Vec<Reply>>> {
    let deadline = Instant::now() + timeout;
    let mut replies = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Some(replies));
        }
        if !tty::wait_readable(left)? {
            continue;
        }
        let n = match tty::read(tty::STDIN, &mut chunk) {
            Ok(0) => return Ok(None),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        pending.extend_from_slice(&chunk[..n]);
        let found = scan(pending);
        pending.drain(..found.consumed);
        typed.extend_from_slice(&found.input);
        let done = found.replies.contains(&Reply::Da1);
        replies.extend(found.replies);
        if done {
            return Ok(Some(replies));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tmux_replies() {
        let found = scan(b"\x1bP>|tmux 3.3a\x1b\\\x1b[?1;2c");
        assert_eq!(
            found.replies,
            [Reply::XtVersion("tmux 3.3a".into()), Reply::Da1]
        );
        assert!(found.input.is_empty());
        assert_eq!(found.consumed, 22);
    }

    #[test]
    fn decrqm_values() {
        let found = scan(b"\x1b[?2026;2$y\x1b[?2026;0$y\x1b[?62;22c");
        assert_eq!(
            found.replies,
            [
                Reply::Decrqm {
                    mode: 2026,
                    value: 2
                },
                Reply::Decrqm {
                    mode: 2026,
                    value: 0
                },
                Reply::Da1
            ]
        );
    }

    #[test]
    fn typed_keys_are_kept_apart() {
        let found = scan(b"hi\x1b[A\x1b[?1;2c\r\x1b[?1u");
        assert_eq!(found.replies, [Reply::Da1]);
        assert_eq!(found.input, b"hi\x1b[A\r\x1b[?1u");
        assert_eq!(found.consumed, 18);
    }

    #[test]
    fn partial_reply_waits_for_more() {
        let buf = b"x\x1bP>|xterm(3";
        let found = scan(buf);
        assert!(found.replies.is_empty());
        assert_eq!(found.input, b"x");
        assert_eq!(found.consumed, 1);

        for partial in [&b"\x1b"[..], b"\x1b[", b"\x1b[?", b"\x1b[?2026;1$"] {
            assert_eq!(scan(partial).consumed, 0, "{partial:?}");
        }
    }

    #[test]
    fn other_dcs_is_dropped_not_typed() {
        let found = scan(b"\x1bP1$r0m\x1b\\a");
        assert!(found.replies.is_empty());
        assert_eq!(found.input, b"a");
    }

    #[test]
    fn malformed_decrqm_is_input() {
        let found = scan(b"\x1b[?x;1$y");
        assert!(found.replies.is_empty());
        assert_eq!(found.input, b"\x1b[?x;1$y");
    }
}
