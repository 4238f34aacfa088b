//! Deterministic terminal output to feed the parser and fill screens with.
//!
//! The recipe is muxbench's `gen_corpus.py --mode mixed` (the corpus ccmux is
//! compared with tmux on), rebuilt here so `cargo bench` needs no data files:
//! lines 0–300 columns wide (70% up to 100, 20% up to 200), plain words and
//! logs, 16/256/truecolor runs, CJK/Hangul/emoji, `\r` progress bars and
//! cursor-movement rewrites. Not byte-identical to the Python output (its
//! random generator differs), but the same mix, and the same bytes every run.

/// splitmix64: tiny, and the same sequence on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// 0..n (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// lo..=hi
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "for",
    "on",
    "that",
    "with",
    "error",
    "warning",
    "info",
    "debug",
    "compiling",
    "building",
    "running",
    "test",
    "passed",
    "failed",
    "ok",
    "src",
    "lib",
    "main",
    "fn",
    "impl",
    "struct",
    "enum",
    "match",
    "let",
    "mut",
    "pub",
    "use",
    "crate",
    "request",
    "response",
    "GET",
    "POST",
    "200",
    "404",
    "latency",
    "ms",
    "bytes",
    "cache",
    "token",
    "context",
    "session",
    "claude",
    "tool_use",
    "assistant",
    "stream",
    "chunk",
    "Finished",
    "Compiling",
    "Checking",
    "serde",
    "tokio",
    "ratatui",
    "vt100",
    "/usr/lib",
    "./target/debug/app",
    "--release",
    "0x7ffd3a2c",
    "127.0.0.1:8080",
    "{",
    "}",
    "=>",
    "->",
    "::",
    ";",
    "|",
    "&&",
    "#",
    "$",
    "%",
    "@",
    "!",
    "?",
    "*",
    "+",
    "-",
    "=",
    "<",
    ">",
];
const NARROW_UNICODE: &[char] = &[
    'ä', 'ö', 'ü', 'ß', 'é', 'ñ', 'ø', '€', '§', '°', '±', 'µ', '─', '│', '┌', '┐', '└', '┘', '═',
    '║', '▀', '▄', '█', '░', '▒', '▓', '●', '○', '◆', '■', '▲', '►',
];
const SPINNER: &[char] = &['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// One kind of line programs print.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Words,
    Log,
    Sgr16,
    Sgr256,
    Truecolor,
    Wide,
    Progress,
    Cursor,
    Empty,
}

/// The mix gen_corpus.py draws lines from, with its weights.
pub const MIXED: &[(f64, Kind)] = &[
    (0.34, Kind::Words),
    (0.12, Kind::Log),
    (0.08, Kind::Sgr16),
    (0.08, Kind::Sgr256),
    (0.08, Kind::Truecolor),
    (0.12, Kind::Wide),
    (0.06, Kind::Progress),
    (0.06, Kind::Cursor),
    (0.06, Kind::Empty),
];

impl Kind {
    /// A line about `width` columns wide, without its newline.
    pub fn line(self, r: &mut Rng, width: usize) -> String {
        match self {
            Kind::Words => words(r, width),
            Kind::Log => log_line(r, width),
            Kind::Sgr16 => coloured(r, width, sgr16),
            Kind::Sgr256 => coloured(r, width, sgr256),
            Kind::Truecolor => coloured(r, width, truecolor),
            Kind::Wide => wide(r, width),
            Kind::Progress => progress(r, width),
            Kind::Cursor => cursor_moves(r, width),
            Kind::Empty => String::new(),
        }
    }
}

/// About `size` bytes of lines drawn from `mix` (weight, kind).
pub fn corpus(mix: &[(f64, Kind)], size: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let total: f64 = mix.iter().map(|(w, _)| w).sum();
    let mut out = Vec::with_capacity(size + 1024);
    while out.len() < size {
        let mut x = r.unit() * total;
        let kind = mix
            .iter()
            .find(|(w, _)| {
                x -= w;
                x < 0.0
            })
            .map_or(Kind::Empty, |(_, k)| *k);
        let width = line_width(&mut r);
        out.extend_from_slice(kind.line(&mut r, width).as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"\x1b[0m\n");
    out
}

fn line_width(r: &mut Rng) -> usize {
    match r.unit() {
        x if x < 0.70 => r.between(0, 100),
        x if x < 0.90 => r.between(100, 200),
        _ => r.between(200, 300),
    }
}

fn words(r: &mut Rng, width: usize) -> String {
    let mut out = String::new();
    loop {
        let w = r.pick(WORDS);
        let sep = usize::from(!out.is_empty());
        if out.len() + sep + w.len() > width {
            return out;
        }
        if sep == 1 {
            out.push(' ');
        }
        out.push_str(w);
    }
}

fn sgr16(r: &mut Rng) -> String {
    let colour = r.pick(&[
        30, 31, 32, 33, 34, 35, 36, 37, 90, 91, 92, 93, 94, 95, 96, 97,
    ]);
    format!("\x1b[{colour}{}m", r.pick(&["", ";1", ";4", ";2"]))
}

fn sgr256(r: &mut Rng) -> String {
    let fg = r.below(256);
    match r.unit() < 0.7 {
        true => format!("\x1b[38;5;{fg}m"),
        false => format!("\x1b[38;5;{fg};48;5;{}m", r.below(256)),
    }
}

fn truecolor(r: &mut Rng) -> String {
    let rgb = |r: &mut Rng| format!("{};{};{}", r.below(256), r.below(256), r.below(256));
    let fg = rgb(r);
    match r.unit() < 0.7 {
        true => format!("\x1b[38;2;{fg}m"),
        false => format!("\x1b[38;2;{fg};48;2;{}m", rgb(r)),
    }
}

fn coloured(r: &mut Rng, width: usize, colour: fn(&mut Rng) -> String) -> String {
    let mut out = String::new();
    let mut n = 0;
    while n < width {
        let take = (width - n).min(r.between(3, 40));
        let seg = words(r, take);
        if seg.is_empty() {
            break;
        }
        n += seg.len();
        out += &colour(r);
        out += &seg;
        out += "\x1b[0m";
        if n < width {
            out.push(' ');
            n += 1;
        }
    }
    out
}

fn log_line(r: &mut Rng, width: usize) -> String {
    let (sgr, level) = *r.pick(&[
        ("\x1b[32m", "INFO "),
        ("\x1b[33m", "WARN "),
        ("\x1b[31;1m", "ERROR"),
        ("\x1b[36m", "DEBUG"),
        ("\x1b[2m", "TRACE"),
    ]);
    let stamp = format!(
        "2025-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        r.between(1, 12),
        r.between(1, 28),
        r.below(24),
        r.below(60),
        r.below(60),
        r.below(1000)
    );
    let text = words(r, width.saturating_sub(31));
    format!("\x1b[2m{stamp}\x1b[0m {sgr}{level}\x1b[0m {text}")
}

fn wide(r: &mut Rng, width: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    while n < width {
        let k = r.unit();
        let wide_char = match k {
            _ if n + 2 > width => None,
            k if k < 0.35 => char::from_u32(0x4E00 + r.below(600) as u32),
            k if k < 0.45 => char::from_u32(0xAC00 + r.below(200) as u32),
            k if k < 0.55 => char::from_u32(0x1F600 + r.below(0x4F) as u32),
            _ => None,
        };
        if let Some(c) = wide_char {
            out.push(c);
            n += 2;
        } else if k < 0.65 {
            out.push(*r.pick(NARROW_UNICODE));
            n += 1;
        } else {
            let w = r.pick(WORDS);
            let w = &w[..w.len().min(width - n)];
            out += w;
            n += w.len();
            if n < width {
                out.push(' ');
                n += 1;
            }
        }
    }
    out
}

fn progress(r: &mut Rng, width: usize) -> String {
    let bar = width.min(120).saturating_sub(30).max(10);
    let steps = r.between(5, 20);
    let label = words(r, 16);
    let mut out = String::new();
    for i in 0..=steps {
        let fill = bar * i / steps;
        out += &format!(
            "\r{} {label} [\x1b[32m{}\x1b[0m{}] {:3}% {i}/{steps}",
            SPINNER[i % SPINNER.len()],
            "#".repeat(fill),
            ".".repeat(bar - fill),
            i * 100 / steps
        );
    }
    out
}

fn cursor_moves(r: &mut Rng, width: usize) -> String {
    let kind = r.below(5);
    let a = words(r, width);
    let b_width = r.between(0, width);
    let b = words(r, b_width);
    match kind {
        // Rewrite the previous line, as spinners and status lines do.
        0 => format!("\x1b[1A\x1b[2K\r{b}"),
        // An absolute column, then erase to the end of the line.
        1 => {
            let col = r.between(1, a.len().max(1));
            let rest = &b[..b.len().min(width.saturating_sub(a.len()))];
            format!("{a}\x1b[{col}G\x1b[K{rest}")
        }
        // Save, jump, restore.
        2 => {
            let jump = r.between(1, 20);
            let (a, b) = (&a[..a.len().min(width / 2)], &b[..b.len().min(width / 2)]);
            format!("{a}\x1b7\x1b[{jump}CX\x1b8\x1b[K{b}")
        }
        // Columns made with cursor-forward.
        3 => (0..r.between(2, 6))
            .map(|_| {
                let w = r.between(4, 24);
                format!("{}\x1b[{}C", words(r, w), r.between(1, 8))
            })
            .collect(),
        // Up two, rewrite, down two: a status block refresh.
        _ => format!("\x1b[2A\r\x1b[K{}\x1b[2B\r{a}", words(r, 40)),
    }
}
