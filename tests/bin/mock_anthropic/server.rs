//! The server: a thread per connection, keep-alive, routing, one log line per request.

use std::io::{self, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use crate::behaviour::{Behaviour, Turn};
use crate::http::{Head, Response, read_body, read_head, write_response};
use crate::reply::{PROMPT_ECHO_CHARS, Reply};

pub(crate) struct Server {
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
    /// The earlier user messages of the conversation, cut as `prompt` is.
    earlier: Vec<String>,
    hung_up: bool,
}

impl Server {
    pub(crate) fn new(slow: Duration, log: Box<dyn Write + Send>) -> Self {
        Self {
            slow,
            log: Mutex::new(log),
        }
    }

    pub(crate) fn run(self: &Arc<Self>, listener: &TcpListener) {
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
            earlier: Vec::new(),
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
        let cut = |text: &str| text.chars().take(PROMPT_ECHO_CHARS).collect::<String>();
        record.prompt = Some(cut(&turn.prompt));
        record.earlier = turn.earlier.iter().map(|text| cut(text)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_SLOW;
    use crate::http::read_chunked;
    use crate::testing::{read_response_head, user_says};
    use std::io::Read;
    use std::net::Ipv4Addr;
    use std::time::Instant;

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
