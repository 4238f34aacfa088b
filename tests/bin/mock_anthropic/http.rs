//! HTTP/1.1, just enough of it: request heads, Content-Length and chunked bodies,
//! keep-alive, and chunked SSE responses.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use serde_json::Value;

use crate::sse::{Step, sse_event};

/// Longest request line or header line accepted.
const MAX_LINE: usize = 64 * 1024;
const MAX_HEADERS: usize = 128;
/// The CLI resends the whole conversation and ~27 tool schemas every turn, so bodies
/// reach hundreds of KiB; this only stops runaway input.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// What a route answers: a JSON body, or an SSE stream.
pub(crate) enum Response {
    Json(u16, Value),
    Stream(Vec<Step>),
}

#[derive(Debug)]
pub(crate) struct Head {
    pub(crate) method: String,
    /// The request target as sent, query included.
    pub(crate) target: String,
    pub(crate) version: String,
    /// Names lowercased.
    pub(crate) headers: Vec<(String, String)>,
}

impl Head {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 is always closed,
    /// since it cannot carry our chunked streams anyway.
    pub(crate) fn keep_alive(&self) -> bool {
        let close = self.header("connection").is_some_and(|c| {
            c.split(',')
                .any(|token| token.trim().eq_ignore_ascii_case("close"))
        });
        self.version == "HTTP/1.1" && !close
    }
}

fn malformed(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.to_owned())
}

fn cut_short() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "connection closed mid-request",
    )
}

/// Reads one line without its CRLF (or bare LF); `None` at a clean end of input.
pub(crate) fn read_line(reader: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let read = reader
        .by_ref()
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut line)?;
    if read == 0 {
        return Ok(None);
    }
    if line.pop() != Some(b'\n') {
        return Err(if line.len() >= MAX_LINE {
            malformed("line too long")
        } else {
            cut_short()
        });
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}

/// Reads a request head; `None` when the client closed the connection between requests.
pub(crate) fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Head>> {
    // Blank lines before a request line are to be ignored (RFC 9112 §2.2).
    let request_line = loop {
        match read_line(reader)? {
            None => return Ok(None),
            Some(line) if line.is_empty() => continue,
            Some(line) => break line,
        }
    };
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("malformed request line"));
    };
    if method.is_empty() || !target.starts_with('/') || !version.starts_with("HTTP/1.") {
        return Err(malformed("malformed request line"));
    }
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader)?.ok_or_else(cut_short)?;
        if line.is_empty() {
            break;
        }
        if headers.len() == MAX_HEADERS {
            return Err(malformed("too many headers"));
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| malformed("malformed header line"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    Ok(Some(Head {
        method: method.to_owned(),
        target: target.to_owned(),
        version: version.to_owned(),
        headers,
    }))
}

/// Reads the body the head announces: chunked wins over Content-Length (RFC 9112 §6.3).
pub(crate) fn read_body(reader: &mut impl BufRead, head: &Head) -> io::Result<Vec<u8>> {
    let chunked = head.header("transfer-encoding").is_some_and(|te| {
        te.rsplit(',')
            .next()
            .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"))
    });
    if chunked {
        return read_chunked(reader);
    }
    let Some(length) = head.header("content-length") else {
        return Ok(Vec::new());
    };
    let length: usize = length
        .parse()
        .map_err(|_| malformed("malformed Content-Length"))?;
    if length > MAX_BODY {
        return Err(malformed("body too large"));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(body)
}

pub(crate) fn read_chunked(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader)?.ok_or_else(cut_short)?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size =
            usize::from_str_radix(size, 16).map_err(|_| malformed("malformed chunk size"))?;
        if size == 0 {
            // Trailer fields, if any, end with a blank line; we have no use for them.
            while !read_line(reader)?.ok_or_else(cut_short)?.is_empty() {}
            return Ok(body);
        }
        let start = body.len();
        let end = start
            .checked_add(size)
            .filter(|&end| end <= MAX_BODY)
            .ok_or_else(|| malformed("body too large"))?;
        body.resize(end, 0);
        reader.read_exact(&mut body[start..])?;
        if !read_line(reader)?.ok_or_else(cut_short)?.is_empty() {
            return Err(malformed("chunk data longer than its size"));
        }
    }
}

pub(crate) fn http_chunk(data: &[u8]) -> Vec<u8> {
    let mut chunk = format!("{:x}\r\n", data.len()).into_bytes();
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(b"\r\n");
    chunk
}

fn response_head(status: u16, keep_alive: bool, fields: &[(&str, &str)]) -> String {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nrequest-id: req_mock_{}\r\nconnection: {}\r\n",
        uuid::Uuid::new_v4().simple(),
        if keep_alive { "keep-alive" } else { "close" },
    );
    for (name, value) in fields {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// Sends a response; an error means the client is gone.
pub(crate) fn write_response(
    out: &mut impl Write,
    response: &Response,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    match response {
        Response::Json(status, body) => {
            let body = body.to_string();
            let length = body.len().to_string();
            let fields = [
                ("content-type", "application/json"),
                ("content-length", length.as_str()),
            ];
            let mut bytes = response_head(*status, keep_alive, &fields);
            if !head_only {
                bytes.push_str(&body);
            }
            out.write_all(bytes.as_bytes())?;
        }
        Response::Stream(steps) => {
            let fields = [
                ("content-type", "text/event-stream; charset=utf-8"),
                ("cache-control", "no-cache"),
                ("transfer-encoding", "chunked"),
            ];
            out.write_all(response_head(200, keep_alive, &fields).as_bytes())?;
            for step in steps {
                match step {
                    Step::Send(event) => {
                        out.write_all(&http_chunk(sse_event(event).as_bytes()))?;
                        out.flush()?;
                    }
                    Step::Wait(pause) => thread::sleep(*pause),
                }
            }
            out.write_all(b"0\r\n\r\n")?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_SLOW;
    use crate::behaviour::Behaviour;
    use crate::reply::Reply;
    use crate::testing::read_response_head;
    use serde_json::json;
    use std::io::Cursor;

    fn head_of(raw: &str) -> Head {
        read_head(&mut Cursor::new(raw.as_bytes()))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn a_stream_is_a_chunked_sse_body() {
        let reply = Reply::new(Behaviour::Answer, "hello", DEFAULT_SLOW);
        let mut out = Vec::new();
        write_response(&mut out, &Response::Stream(reply.steps("m")), false, true).unwrap();
        let mut reader = Cursor::new(out);
        let (status, head) = read_response_head(&mut reader);
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert_eq!(
            head.header("content-type"),
            Some("text/event-stream; charset=utf-8")
        );
        let body = String::from_utf8(read_chunked(&mut reader).unwrap()).unwrap();
        let frames: Vec<&str> = body.split_terminator("\n\n").collect();
        assert!(frames[0].starts_with("event: message_start\ndata: {"));
        assert_eq!(
            frames.last().unwrap(),
            &"event: message_stop\ndata: {\"type\":\"message_stop\"}"
        );
        let text: String = frames
            .iter()
            .filter_map(|frame| frame.split_once("\ndata: "))
            .map(|(_, data)| serde_json::from_str::<Value>(data).unwrap())
            .filter_map(|event| event["delta"]["text"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(text, "Mock answer to: hello MOCK-ANSWER-OK");
    }

    #[test]
    fn a_json_response_has_its_length_and_head_requests_get_no_body() {
        let mut out = Vec::new();
        write_response(
            &mut out,
            &Response::Json(404, json!({ "a": 1 })),
            false,
            false,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert!(text.contains("\r\nconnection: close\r\n"));
        assert!(text.contains("\r\ncontent-length: 7\r\n"));
        assert!(text.ends_with("\r\n\r\n{\"a\":1}"));
        let mut out = Vec::new();
        write_response(&mut out, &Response::Json(200, json!({})), true, true).unwrap();
        assert!(String::from_utf8(out).unwrap().ends_with("\r\n\r\n"));
    }

    #[test]
    fn a_request_head_is_parsed() {
        let head = head_of(
            "\r\nPOST /v1/messages?beta=true HTTP/1.1\r\nHost: x\r\nX-Api-Key:  k \r\n\r\n",
        );
        assert_eq!(head.method, "POST");
        assert_eq!(head.target, "/v1/messages?beta=true");
        assert_eq!(head.path(), "/v1/messages");
        assert_eq!(head.header("x-api-key"), Some("k"));
        assert!(head.keep_alive());
        assert!(!head_of("GET / HTTP/1.1\nConnection: Close\n\n").keep_alive());
        assert!(!head_of("GET / HTTP/1.0\r\n\r\n").keep_alive());
    }

    #[test]
    fn a_clean_close_between_requests_is_not_an_error() {
        assert!(read_head(&mut Cursor::new(b"")).unwrap().is_none());
    }

    #[test]
    fn malformed_heads_are_rejected() {
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_LINE));
        for raw in [
            "GARBAGE\r\n\r\n",
            "GET / HTTP/1.1 extra\r\n\r\n",
            "GET x HTTP/1.1\r\n\r\n",
            "GET / SPDY/3\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            &long,
        ] {
            let err = read_head(&mut Cursor::new(raw.as_bytes())).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{raw:.40}");
        }
        let cut = read_head(&mut Cursor::new(b"GET / HTTP/1.1\r\nHost: x\r\n")).unwrap_err();
        assert_eq!(cut.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn bodies_are_read_by_content_length_and_requests_follow_each_other() {
        let raw = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\n\r\n";
        let mut reader = Cursor::new(raw.as_bytes());
        let first = read_head(&mut reader).unwrap().unwrap();
        assert_eq!(read_body(&mut reader, &first).unwrap(), b"hello");
        let second = read_head(&mut reader).unwrap().unwrap();
        assert_eq!(second.target, "/b");
        assert!(read_body(&mut reader, &second).unwrap().is_empty());
        assert!(read_head(&mut reader).unwrap().is_none());
    }

    #[test]
    fn chunked_bodies_are_reassembled() {
        let raw = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n\
                   4\r\n{\"a\"\r\n3;ext=1\r\n:12\r\nA\r\n}         \r\n0\r\nTrailer: x\r\n\r\nNEXT";
        let mut reader = Cursor::new(raw.as_bytes());
        let head = read_head(&mut reader).unwrap().unwrap();
        assert_eq!(
            read_body(&mut reader, &head).unwrap(),
            b"{\"a\":12}         "
        );
        let mut rest = String::new();
        reader.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "NEXT");
    }

    #[test]
    fn malformed_bodies_are_rejected() {
        let cases = [
            ("Content-Length: x", ""),
            ("Content-Length: 99999999999", ""),
            ("Transfer-Encoding: chunked", "zz\r\n"),
            ("Transfer-Encoding: chunked", "2\r\nabc\r\n0\r\n\r\n"),
            ("Transfer-Encoding: chunked", "ffffffffffffffff\r\n"),
        ];
        for (field, body) in cases {
            let raw = format!("POST / HTTP/1.1\r\n{field}\r\n\r\n{body}");
            let mut reader = Cursor::new(raw.as_bytes());
            let head = read_head(&mut reader).unwrap().unwrap();
            let err = read_body(&mut reader, &head).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{field} {body:?}");
        }
        let raw = "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort";
        let mut reader = Cursor::new(raw.as_bytes());
        let head = read_head(&mut reader).unwrap().unwrap();
        assert_eq!(
            read_body(&mut reader, &head).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
    }
}
