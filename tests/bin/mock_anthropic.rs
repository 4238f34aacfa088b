//! `mock-anthropic`: a local stand-in for the Anthropic Messages API, for tests only.
//!
//! The integration tests run the real Claude Code CLI with `ANTHROPIC_BASE_URL` pointing
//! here, so it works offline and answers predictably. What the CLI needs (measured with
//! 2.1.197): `HEAD /` at start; `POST /v1/messages?beta=true` with `stream: true` for the
//! main turn and for a tool-less side call that names the session; Messages API SSE
//! events in order; a `tool_use` round trip to reach the permission prompt.
//!
//! The answer is chosen by whole words in the last user message, after dropping the
//! `<system-reminder>` blocks the CLI adds to it (they mention tools and would match):
//! - a request without tools (the title side call) gets the title JSON;
//! - a last user message carrying a `tool_result` gets `… MOCK-TOOL-DONE`;
//! - `tool` gets a Bash `tool_use` (`echo hi > out.txt`), stop reason `tool_use`;
//! - `slow` gets only SSE pings for `MOCK_SLOW_SECONDS` (default 3), then `MOCK-SLOW-DONE`;
//! - anything else gets `Mock answer to: <prompt> MOCK-ANSWER-OK`.
//!
//! Binds 127.0.0.1 only. `--port-file` appears (atomically) once the server accepts
//! connections. Every request is logged as one JSON line to stderr or `--log`.

use std::fs::{self, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use serde::Serialize;
use serde_json::{Value, json};

/// Longest request line or header line accepted.
const MAX_LINE: usize = 64 * 1024;
const MAX_HEADERS: usize = 128;
/// The CLI resends the whole conversation and ~27 tool schemas every turn, so bodies
/// reach hundreds of KiB; this only stops runaway input.
const MAX_BODY: usize = 64 * 1024 * 1024;
/// Streamed text arrives in small pieces with short pauses, like the real API, so the
/// CLI shows its busy state for a moment even for short answers.
const DELTA_CHARS: usize = 12;
const DELTA_PAUSE: Duration = Duration::from_millis(20);
/// Pings keep a slow stream alive and let a write notice a client that hung up.
const PING_EVERY: Duration = Duration::from_millis(500);
const DEFAULT_SLOW: Duration = Duration::from_secs(3);
const PROMPT_ECHO_CHARS: usize = 60;

const TITLE_TEXT: &str = r#"{"isNewTopic": true, "title": "Mock session"}"#;
const TOOL_INTRO: &str = "I'll write the file with a shell command.";
const TOOL_DONE_TEXT: &str = "Tool result received. MOCK-TOOL-DONE";
const SLOW_TEXT: &str = "Sorry for the wait. MOCK-SLOW-DONE";

#[derive(Parser)]
#[command(about = "Local mock of the Anthropic Messages API, for tests (binds 127.0.0.1 only)")]
struct Args {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Once listening, write the port here (temp file + rename, so readers never see half).
    #[arg(long)]
    port_file: Option<PathBuf>,
    /// Append the per-request JSON lines here instead of stderr.
    #[arg(long)]
    log: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, args.port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let port = listener.local_addr().context("no local address")?.port();
    let log: Box<dyn Write + Send> = match &args.log {
        Some(path) => Box::new(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open log {}", path.display()))?,
        ),
        None => Box::new(io::stderr()),
    };
    let slow = slow_duration(std::env::var("MOCK_SLOW_SECONDS").ok().as_deref());
    let server = Arc::new(Server::new(slow, log));
    if let Some(path) = &args.port_file {
        write_atomically(path, &port.to_string())
            .with_context(|| format!("cannot write port file {}", path.display()))?;
    }
    // A test may read the port from stdout instead; one that closed stdout loses nothing.
    let _ = writeln!(io::stdout(), "LISTENING {port}");
    server.run(&listener);
    Ok(())
}

fn slow_duration(setting: Option<&str>) -> Duration {
    setting
        .and_then(|s| s.trim().parse::<f64>().ok())
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .unwrap_or(DEFAULT_SLOW)
}

fn write_atomically(path: &Path, contents: &str) -> io::Result<()> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    fs::write(&temp, contents)?;
    fs::rename(&temp, path)
}

// ---------------------------------------------------------------------------
// Server: a thread per connection, keep-alive, one log line per request.

struct Server {
    slow: Duration,
    log: Mutex<Box<dyn Write + Send>>,
}

/// What the log says about one request.
#[derive(Serialize)]
struct Record {
    method: String,
    path: String,
    status: u16,
    model: Option<String>,
    behaviour: &'static str,
    stream: bool,
    prompt: Option<String>,
    hung_up: bool,
}

enum Response {
    Json(u16, Value),
    Stream(Vec<Step>),
}

/// One step of an SSE reply: send an event, or pause.
#[derive(Debug)]
enum Step {
    Send(Value),
    Wait(Duration),
}

impl Server {
    fn new(slow: Duration, log: Box<dyn Write + Send>) -> Self {
        Self {
            slow,
            log: Mutex::new(log),
        }
    }

    fn run(self: &Arc<Self>, listener: &TcpListener) {
        for connection in listener.incoming() {
            match connection {
                Ok(stream) => {
                    let worker = Arc::clone(self);
                    let spawned = thread::Builder::new()
                        .name("mock-connection".into())
                        .spawn(move || worker.serve(stream));
                    if let Err(err) = spawned {
                        self.note(&format!("cannot start a connection thread: {err}"));
                    }
                }
                Err(err) => {
                    self.note(&format!("accept failed: {err}"));
                    // Out of file descriptors fails every accept; do not spin on it.
                    thread::sleep(Duration::from_millis(50));
                }
            }
        }
    }

    fn serve(&self, stream: TcpStream) {
        // SSE events are small writes that must reach the CLI at once.
        let _ = stream.set_nodelay(true);
        let Ok(read_half) = stream.try_clone() else {
            return;
        };
        let mut reader = BufReader::new(read_half);
        let mut writer = stream;
        loop {
            let head = match read_head(&mut reader) {
                Ok(Some(head)) => head,
                Ok(None) => return,
                Err(err) => return self.reject(&mut writer, &err),
            };
            if head
                .header("expect")
                .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
                && writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err()
            {
                return;
            }
            let body = match read_body(&mut reader, &head) {
                Ok(body) => body,
                Err(err) => return self.reject(&mut writer, &err),
            };
            let keep_alive = head.keep_alive();
            let (response, mut record) = self.route(&head, &body);
            let head_only = head.method == "HEAD";
            record.hung_up = write_response(&mut writer, &response, head_only, keep_alive).is_err();
            self.record(&record);
            if record.hung_up || !keep_alive {
                return;
            }
        }
    }

    /// Answers a request that cannot be parsed; a connection that just broke gets nothing.
    fn reject(&self, writer: &mut TcpStream, err: &io::Error) {
        if err.kind() == io::ErrorKind::InvalidData {
            let body = api_error("invalid_request_error", &err.to_string());
            let _ = write_response(writer, &Response::Json(400, body), false, false);
            self.note(&format!("bad request: {err}"));
        }
    }

    fn route(&self, head: &Head, body: &[u8]) -> (Response, Record) {
        let mut record = Record {
            method: head.method.clone(),
            path: head.target.clone(),
            status: 200,
            model: None,
            behaviour: "",
            stream: false,
            prompt: None,
            hung_up: false,
        };
        let response = match (head.method.as_str(), head.path()) {
            ("HEAD", "/") => {
                record.behaviour = "probe";
                Response::Json(200, json!({}))
            }
            ("GET", "/v1/models") => {
                record.behaviour = "models";
                Response::Json(200, models())
            }
            ("POST", "/v1/messages/count_tokens") => {
                record.behaviour = "count-tokens";
                Response::Json(200, json!({ "input_tokens": 42 }))
            }
            ("POST", "/v1/messages") => self.messages(body, &mut record),
            _ => {
                record.behaviour = "not-found";
                Response::Json(404, api_error("not_found_error", "mock: no such endpoint"))
            }
        };
        if let Response::Json(status, _) = &response {
            record.status = *status;
        }
        (response, record)
    }

    fn messages(&self, body: &[u8], record: &mut Record) -> Response {
        let Ok(request) = serde_json::from_slice::<Value>(body) else {
            record.behaviour = "bad-request";
            return Response::Json(400, api_error("invalid_request_error", "body is not JSON"));
        };
        let model = request["model"].as_str().unwrap_or("claude-mock");
        let turn = Turn::from_request(&request);
        let behaviour = Behaviour::choose(&turn);
        let reply = Reply::new(behaviour, &turn.prompt, self.slow);
        record.model = Some(model.to_owned());
        record.behaviour = behaviour.name();
        record.stream = request["stream"].as_bool() == Some(true);
        record.prompt = Some(turn.prompt.chars().take(PROMPT_ECHO_CHARS).collect());
        if record.stream {
            Response::Stream(reply.steps(model))
        } else {
            Response::Json(200, reply.message(model))
        }
    }

    fn record(&self, record: &Record) {
        match serde_json::to_string(record) {
            Ok(line) => self.write_log(&line),
            Err(err) => self.note(&format!("cannot log a request: {err}")),
        }
    }

    /// Logs something that is not a request, in the same JSON-lines format.
    fn note(&self, message: &str) {
        self.write_log(&json!({ "note": message }).to_string());
    }

    fn write_log(&self, line: &str) {
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        // A log that cannot be written must not take the server down with it.
        let _ = writeln!(log, "{line}").and_then(|()| log.flush());
    }
}

fn models() -> Value {
    json!({
        "data": [{
            "type": "model",
            "id": "claude-mock",
            "display_name": "Claude Mock",
            "created_at": "2025-01-01T00:00:00Z",
        }],
        "has_more": false,
        "first_id": "claude-mock",
        "last_id": "claude-mock",
    })
}

fn api_error(kind: &str, message: &str) -> Value {
    json!({ "type": "error", "error": { "type": kind, "message": message } })
}

// ---------------------------------------------------------------------------
// Choosing the answer.

/// What the last user message asks for.
#[derive(Debug, PartialEq)]
struct Turn {
    /// Its text blocks without system reminders.
    prompt: String,
    has_tool_result: bool,
    /// Whether the request offers tools at all: side calls do not.
    has_tools: bool,
}

impl Turn {
    fn from_request(request: &Value) -> Self {
        let has_tools = request["tools"].as_array().is_some_and(|t| !t.is_empty());
        let last_user = request["messages"]
            .as_array()
            .and_then(|messages| messages.iter().rev().find(|m| m["role"] == "user"));
        let content = last_user.map_or(&Value::Null, |m| &m["content"]);
        let (texts, has_tool_result): (Vec<&str>, bool) = match content {
            Value::String(text) => (vec![text], false),
            Value::Array(blocks) => (
                blocks
                    .iter()
                    .filter(|b| b["type"] == "text")
                    .filter_map(|b| b["text"].as_str())
                    .collect(),
                blocks.iter().any(|b| b["type"] == "tool_result"),
            ),
            _ => (Vec::new(), false),
        };
        let prompt = texts
            .iter()
            .map(|text| strip_system_reminders(text).trim().to_owned())
            .filter(|text| !text.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        Self {
            prompt,
            has_tool_result,
            has_tools,
        }
    }
}

/// Removes `<system-reminder>…</system-reminder>` blocks; an unclosed one runs to the end.
fn strip_system_reminders(text: &str) -> String {
    const OPEN: &str = "<system-reminder>";
    const CLOSE: &str = "</system-reminder>";
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        kept.push_str(&rest[..start]);
        let inside = &rest[start + OPEN.len()..];
        match inside.find(CLOSE) {
            Some(end) => rest = &inside[end + CLOSE.len()..],
            None => return kept,
        }
    }
    kept.push_str(rest);
    kept
}

/// Whether `word` appears as a whole word, ignoring ASCII case (like regex `\bword\b`).
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w.eq_ignore_ascii_case(word))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Behaviour {
    Title,
    Tool,
    ToolDone,
    Slow,
    Answer,
}

impl Behaviour {
    fn choose(turn: &Turn) -> Self {
        if !turn.has_tools {
            Self::Title
        } else if turn.has_tool_result {
            Self::ToolDone
        } else if has_word(&turn.prompt, "tool") {
            Self::Tool
        } else if has_word(&turn.prompt, "slow") {
            Self::Slow
        } else {
            Self::Answer
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Tool => "tool",
            Self::ToolDone => "tool-done",
            Self::Slow => "slow",
            Self::Answer => "answer",
        }
    }
}

enum Block {
    Text(String),
    ToolUse { id: String, input: Value },
}

/// An assistant message to send, whole or streamed.
struct Reply {
    blocks: Vec<Block>,
    stop_reason: &'static str,
    /// How long to send nothing but pings first.
    pings_for: Duration,
}

impl Reply {
    fn new(behaviour: Behaviour, prompt: &str, slow: Duration) -> Self {
        let text = |t: &str| Block::Text(t.to_owned());
        let (blocks, stop_reason, pings_for) = match behaviour {
            Behaviour::Title => (vec![text(TITLE_TEXT)], "end_turn", Duration::ZERO),
            Behaviour::Tool => {
                let tool = Block::ToolUse {
                    id: format!("toolu_mock_{}", uuid::Uuid::new_v4().simple()),
                    input: json!({
                        "command": "echo hi > out.txt",
                        "description": "Write hi to out.txt",
                    }),
                };
                (vec![text(TOOL_INTRO), tool], "tool_use", Duration::ZERO)
            }
            Behaviour::ToolDone => (vec![text(TOOL_DONE_TEXT)], "end_turn", Duration::ZERO),
            Behaviour::Slow => (vec![text(SLOW_TEXT)], "end_turn", slow),
            Behaviour::Answer => {
                let echo: String = prompt
                    .chars()
                    .take(PROMPT_ECHO_CHARS)
                    .map(|c| if c.is_whitespace() { ' ' } else { c })
                    .collect();
                let answer = format!("Mock answer to: {echo} MOCK-ANSWER-OK");
                (vec![Block::Text(answer)], "end_turn", Duration::ZERO)
            }
        };
        Self {
            blocks,
            stop_reason,
            pings_for,
        }
    }

    fn output_tokens(&self) -> usize {
        let chars: usize = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Text(text) => text.chars().count(),
                Block::ToolUse { input, .. } => input.to_string().len(),
            })
            .sum();
        (chars / 4).max(1)
    }

    /// The whole message, for `stream: false`.
    fn message(&self, model: &str) -> Value {
        let content: Vec<Value> = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Text(text) => json!({ "type": "text", "text": text }),
                Block::ToolUse { id, input } => {
                    json!({ "type": "tool_use", "id": id, "name": "Bash", "input": input })
                }
            })
            .collect();
        json!({
            "id": message_id(),
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": self.stop_reason,
            "stop_sequence": null,
            "usage": usage(self.output_tokens()),
        })
    }

    /// The SSE events of the Messages API stream, in order, with the pauses between them.
    fn steps(&self, model: &str) -> Vec<Step> {
        let ping = || Step::Send(json!({ "type": "ping" }));
        let mut steps = vec![
            Step::Send(json!({
                "type": "message_start",
                "message": {
                    "id": message_id(),
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": null,
                    "stop_sequence": null,
                    "usage": usage(1),
                },
            })),
            ping(),
        ];
        let mut left = self.pings_for;
        while !left.is_zero() {
            let pause = left.min(PING_EVERY);
            steps.extend([Step::Wait(pause), ping()]);
            left -= pause;
        }
        for (index, block) in self.blocks.iter().enumerate() {
            let (start, pieces, delta_type, field) = match block {
                Block::Text(text) => (
                    json!({ "type": "text", "text": "" }),
                    pieces(text),
                    "text_delta",
                    "text",
                ),
                Block::ToolUse { id, input } => (
                    json!({ "type": "tool_use", "id": id, "name": "Bash", "input": {} }),
                    pieces(&input.to_string()),
                    "input_json_delta",
                    "partial_json",
                ),
            };
            steps.push(Step::Send(json!({
                "type": "content_block_start",
                "index": index,
                "content_block": start,
            })));
            for piece in pieces {
                steps.push(Step::Wait(DELTA_PAUSE));
                steps.push(Step::Send(json!({
                    "type": "content_block_delta",
                    "index": index,
                    "delta": { "type": delta_type, field: piece },
                })));
            }
            steps.push(Step::Send(
                json!({ "type": "content_block_stop", "index": index }),
            ));
        }
        steps.push(Step::Send(json!({
            "type": "message_delta",
            "delta": { "stop_reason": self.stop_reason, "stop_sequence": null },
            "usage": { "output_tokens": self.output_tokens() },
        })));
        steps.push(Step::Send(json!({ "type": "message_stop" })));
        steps
    }
}

fn message_id() -> String {
    format!("msg_mock_{}", uuid::Uuid::new_v4().simple())
}

fn usage(output_tokens: usize) -> Value {
    json!({
        "input_tokens": 42,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    })
}

/// Splits text into streaming pieces on character boundaries.
fn pieces(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(DELTA_CHARS)
        .map(|c| c.iter().collect())
        .collect()
}

// ---------------------------------------------------------------------------
// HTTP/1.1, just enough of it: request heads, Content-Length and chunked bodies,
// keep-alive, and chunked SSE responses.

#[derive(Debug)]
struct Head {
    method: String,
    /// The request target as sent, query included.
    target: String,
    version: String,
    /// Names lowercased.
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 is always closed,
    /// since it cannot carry our chunked streams anyway.
    fn keep_alive(&self) -> bool {
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
fn read_line(reader: &mut impl BufRead) -> io::Result<Option<String>> {
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
fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Head>> {
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
fn read_body(reader: &mut impl BufRead, head: &Head) -> io::Result<Vec<u8>> {
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

fn read_chunked(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
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

fn sse_event(event: &Value) -> String {
    let name = event["type"].as_str().unwrap_or("message");
    format!("event: {name}\ndata: {event}\n\n")
}

fn http_chunk(data: &[u8]) -> Vec<u8> {
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
fn write_response(
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
    use std::io::Cursor;
    use std::time::Instant;

    fn head_of(raw: &str) -> Head {
        read_head(&mut Cursor::new(raw.as_bytes()))
            .unwrap()
            .unwrap()
    }

    /// Reads a response's status line and header fields (kept in a `Head` to reuse its lookups).
    fn read_response_head(reader: &mut impl BufRead) -> (String, Head) {
        let status = read_line(reader).unwrap().unwrap();
        let mut headers = Vec::new();
        loop {
            let line = read_line(reader).unwrap().unwrap();
            let Some((name, value)) = line.split_once(':') else {
                break;
            };
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        let head = Head {
            method: String::new(),
            target: String::new(),
            version: String::new(),
            headers,
        };
        (status, head)
    }

    fn turn(request: Value) -> Turn {
        Turn::from_request(&request)
    }

    fn user_says(text: &str) -> Value {
        json!({
            "model": "claude-opus-4-8",
            "tools": [{ "name": "Bash" }],
            "messages": [
                { "role": "user", "content": "earlier tool slow" },
                { "role": "assistant", "content": "ok" },
                { "role": "user", "content": [{ "type": "text", "text": text }] },
            ],
        })
    }

    // -- choosing the answer ------------------------------------------------

    #[test]
    fn system_reminders_are_stripped() {
        let text = "<system-reminder>use the tool</system-reminder>hello <system-reminder>\nslow\n</system-reminder>world";
        assert_eq!(strip_system_reminders(text), "hello world");
        assert_eq!(strip_system_reminders("a <system-reminder>tool"), "a ");
        assert_eq!(strip_system_reminders("plain"), "plain");
    }

    #[test]
    fn words_match_whole_and_case_insensitively() {
        assert!(has_word("please use the Tool.", "tool"));
        assert!(has_word("slow", "slow"));
        assert!(!has_word("tools toolbox tool_use", "tool"));
        assert!(!has_word("slowly", "slow"));
        assert!(!has_word("", "tool"));
    }

    #[test]
    fn keywords_choose_the_behaviour() {
        let choose = |request| Behaviour::choose(&turn(request));
        assert_eq!(choose(user_says("please use the tool")), Behaviour::Tool);
        assert_eq!(choose(user_says("be slow")), Behaviour::Slow);
        assert_eq!(choose(user_says("hello")), Behaviour::Answer);
        let reminder = "<system-reminder>tool slow</system-reminder>hello";
        assert_eq!(choose(user_says(reminder)), Behaviour::Answer);
    }

    #[test]
    fn a_request_without_tools_is_the_title_call() {
        let mut request = user_says("please use the tool");
        request["tools"] = json!([]);
        assert_eq!(Behaviour::choose(&turn(request.clone())), Behaviour::Title);
        request.as_object_mut().unwrap().remove("tools");
        assert_eq!(Behaviour::choose(&turn(request)), Behaviour::Title);
    }

    #[test]
    fn a_tool_result_gets_the_final_answer() {
        let request = json!({
            "tools": [{ "name": "Bash" }],
            "messages": [
                { "role": "user", "content": "please use the tool" },
                { "role": "assistant", "content": [{ "type": "tool_use", "id": "t", "name": "Bash", "input": {} }] },
                { "role": "user", "content": [
                    { "type": "tool_result", "tool_use_id": "t", "content": "" },
                    { "type": "text", "text": "<system-reminder>x</system-reminder>" },
                ] },
            ],
        });
        let turn = turn(request);
        assert_eq!(
            turn,
            Turn {
                prompt: String::new(),
                has_tool_result: true,
                has_tools: true
            }
        );
        assert_eq!(Behaviour::choose(&turn), Behaviour::ToolDone);
    }

    #[test]
    fn odd_requests_still_get_an_answer() {
        for request in [
            json!(null),
            json!([]),
            json!({ "messages": 3 }),
            json!({ "tools": [1], "messages": [{ "role": "user", "content": 5 }] }),
        ] {
            let turn = turn(request);
            assert_eq!(turn.prompt, "");
            assert!(!turn.has_tool_result);
        }
    }

    #[test]
    fn the_answer_echoes_the_start_of_the_prompt() {
        let prompt = format!("line one\nline two {}", "x".repeat(100));
        let reply = Reply::new(Behaviour::Answer, &prompt, DEFAULT_SLOW);
        let Block::Text(text) = &reply.blocks[0] else {
            panic!("expected text");
        };
        let echo: String = prompt.replace('\n', " ").chars().take(60).collect();
        assert_eq!(text, &format!("Mock answer to: {echo} MOCK-ANSWER-OK"));
    }

    #[test]
    fn slow_seconds_come_from_the_environment_setting() {
        assert_eq!(slow_duration(None), DEFAULT_SLOW);
        assert_eq!(slow_duration(Some("0.5")), Duration::from_millis(500));
        assert_eq!(slow_duration(Some("nope")), DEFAULT_SLOW);
        assert_eq!(slow_duration(Some("-1")), DEFAULT_SLOW);
        assert_eq!(slow_duration(Some("inf")), DEFAULT_SLOW);
    }

    // -- replies ------------------------------------------------------------

    fn events(steps: &[Step]) -> Vec<&Value> {
        steps
            .iter()
            .filter_map(|s| match s {
                Step::Send(event) => Some(event),
                Step::Wait(_) => None,
            })
            .collect()
    }

    fn kinds(steps: &[Step]) -> Vec<String> {
        let mut kinds: Vec<String> = Vec::new();
        for event in events(steps) {
            let kind = event["type"].as_str().unwrap().to_owned();
            // Collapse runs of deltas and pings; their number is not the point.
            if kinds.last() != Some(&kind)
                || !matches!(kind.as_str(), "content_block_delta" | "ping")
            {
                kinds.push(kind);
            }
        }
        kinds
    }

    #[test]
    fn a_tool_reply_streams_text_then_tool_use() {
        let reply = Reply::new(Behaviour::Tool, "use the tool", DEFAULT_SLOW);
        let steps = reply.steps("claude-opus-4-8");
        assert_eq!(
            kinds(&steps),
            [
                "message_start",
                "ping",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "message_delta",
                "message_stop",
            ]
        );
        let events = events(&steps);
        assert_eq!(events[0]["message"]["model"], "claude-opus-4-8");
        let tool_start = events
            .iter()
            .find(|e| e["content_block"]["type"] == "tool_use")
            .unwrap();
        assert_eq!(tool_start["index"], 1);
        assert_eq!(tool_start["content_block"]["name"], "Bash");
        let json: String = events
            .iter()
            .filter(|e| e["delta"]["type"] == "input_json_delta")
            .map(|e| e["delta"]["partial_json"].as_str().unwrap())
            .collect();
        let input: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(input["command"], "echo hi > out.txt");
        assert_eq!(input["description"], "Write hi to out.txt");
        let end = events[events.len() - 2];
        assert_eq!(end["delta"]["stop_reason"], "tool_use");
        assert!(end["usage"]["output_tokens"].as_u64().unwrap() > 0);
    }

    #[test]
    fn streamed_text_adds_up_to_the_whole_text() {
        let reply = Reply::new(Behaviour::Title, "", DEFAULT_SLOW);
        let text: String = events(&reply.steps("m"))
            .iter()
            .filter(|e| e["delta"]["type"] == "text_delta")
            .map(|e| e["delta"]["text"].as_str().unwrap())
            .collect();
        assert_eq!(text, TITLE_TEXT);
    }

    #[test]
    fn a_slow_reply_pings_before_any_content() {
        let reply = Reply::new(Behaviour::Slow, "slow", Duration::from_millis(1200));
        let steps = reply.steps("m");
        let first_content = steps
            .iter()
            .position(|s| matches!(s, Step::Send(e) if e["type"] == "content_block_start"))
            .unwrap();
        let waited: Duration = steps[..first_content]
            .iter()
            .filter_map(|s| match s {
                Step::Wait(pause) => Some(*pause),
                Step::Send(_) => None,
            })
            .sum();
        assert_eq!(waited, Duration::from_millis(1200));
        assert_eq!(kinds(&steps)[..2], ["message_start", "ping"]);
        assert!(matches!(&steps[first_content - 1], Step::Send(e) if e["type"] == "ping"));
    }

    #[test]
    fn an_unstreamed_reply_is_the_whole_message() {
        let reply = Reply::new(Behaviour::Tool, "tool", DEFAULT_SLOW);
        let message = reply.message("m");
        assert_eq!(message["type"], "message");
        assert_eq!(message["stop_reason"], "tool_use");
        assert_eq!(message["content"][0]["text"], TOOL_INTRO);
        assert_eq!(
            message["content"][1]["input"]["command"],
            "echo hi > out.txt"
        );
    }

    #[test]
    fn pieces_respect_character_boundaries() {
        let text = "日本語🎉".repeat(10);
        let split = pieces(&text);
        assert_eq!(split.concat(), text);
        assert!(split.iter().all(|p| p.chars().count() <= DELTA_CHARS));
        assert!(pieces("").is_empty());
    }

    // -- SSE and HTTP framing -----------------------------------------------

    #[test]
    fn sse_events_are_named_after_their_type() {
        assert_eq!(
            sse_event(&json!({ "type": "ping" })),
            "event: ping\ndata: {\"type\":\"ping\"}\n\n"
        );
        assert_eq!(
            http_chunk(b"hello, world!!!!"),
            b"10\r\nhello, world!!!!\r\n"
        );
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

    // -- the server over real sockets -----------------------------------------

    #[derive(Clone, Default)]
    struct SharedLog(Arc<Mutex<Vec<u8>>>);

    impl Write for SharedLog {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl SharedLog {
        fn records(&self) -> Vec<Value> {
            String::from_utf8(self.0.lock().unwrap().clone())
                .unwrap()
                .lines()
                .map(|line| serde_json::from_str(line).unwrap())
                .collect()
        }

        fn wait_for(&self, what: impl Fn(&[Value]) -> bool) -> Vec<Value> {
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                let records = self.records();
                if what(&records) {
                    return records;
                }
                assert!(Instant::now() < deadline, "log never matched: {records:?}");
                thread::sleep(Duration::from_millis(20));
            }
        }
    }

    fn start_server(slow: Duration) -> (u16, SharedLog) {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = SharedLog::default();
        let server = Arc::new(Server::new(slow, Box::new(log.clone())));
        thread::spawn(move || server.run(&listener));
        (port, log)
    }

    fn post(body: &Value) -> String {
        let body = body.to_string();
        format!(
            "POST /v1/messages?beta=true HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    #[test]
    fn one_connection_serves_requests_in_turn() {
        let (port, log) = start_server(DEFAULT_SLOW);
        let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut writer = stream;

        writer
            .write_all(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let (status, head) = read_response_head(&mut reader);
        assert_eq!(status, "HTTP/1.1 200 OK");
        // No body follows, or it would garble the next status line.
        assert_eq!(head.header("content-length"), Some("2"));

        let mut request = user_says("hello there");
        request["stream"] = json!(true);
        writer.write_all(post(&request).as_bytes()).unwrap();
        let (_, head) = read_response_head(&mut reader);
        assert_eq!(head.header("transfer-encoding"), Some("chunked"));
        let body = String::from_utf8(read_chunked(&mut reader).unwrap()).unwrap();
        assert!(body.contains("message_stop"));

        writer
            .write_all(b"GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n")
            .unwrap();
        let (_, head) = read_response_head(&mut reader);
        let body = read_body(&mut reader, &head).unwrap();
        let models: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(models["data"][0]["id"], "claude-mock");
        assert!(
            read_head(&mut reader).unwrap().is_none(),
            "closed on request"
        );

        let records = log.wait_for(|r| r.len() == 3);
        assert_eq!(records[0]["behaviour"], "probe");
        assert_eq!(records[1]["behaviour"], "answer");
        assert_eq!(records[1]["model"], "claude-opus-4-8");
        assert_eq!(records[1]["path"], "/v1/messages?beta=true");
        assert_eq!(records[1]["prompt"], "hello there");
        assert_eq!(records[1]["hung_up"], false);
        assert_eq!(records[2]["behaviour"], "models");
    }

    #[test]
    fn a_client_hanging_up_mid_stream_is_logged_and_the_server_goes_on() {
        let (port, log) = start_server(Duration::from_secs(60));
        let mut request = user_says("be slow");
        request["stream"] = json!(true);
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        stream.write_all(post(&request).as_bytes()).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        read_response_head(&mut reader);
        drop(reader);
        drop(stream);

        let records = log.wait_for(|r| !r.is_empty());
        assert_eq!(records[0]["behaviour"], "slow");
        assert_eq!(records[0]["hung_up"], true);

        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        stream.write_all(b"GARBAGE\r\n\r\n").unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 400 Bad Request\r\n"));

        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        let mut request = user_says("hi");
        request["stream"] = json!(false);
        let text = post(&request).replace("Host: x", "Connection: close");
        stream.write_all(text.as_bytes()).unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        assert!(reply.contains("MOCK-ANSWER-OK"));
    }
}
