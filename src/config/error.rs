use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// Why the config cannot be used. Displayed as `<file>:<line>:<col>: <what>`
/// so editors and terminals can jump to the spot.
#[derive(Debug)]
pub enum ConfigError {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    Invalid {
        file: String,
        /// 1-based line and column (in characters), when the problem has a
        /// place in the text.
        position: Option<(usize, usize)>,
        message: String,
    },
}

impl ConfigError {
    /// An error about `span` (a byte range) of `text`.
    pub(super) fn at(file: &str, text: &str, span: Option<Range<usize>>, message: &str) -> Self {
        ConfigError::Invalid {
            file: file.to_owned(),
            position: span.map(|span| line_col(text, span.start)),
            message: message.trim_end().to_owned(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read { path, source } => {
                write!(f, "{}: cannot read the config: {source}", path.display())
            }
            ConfigError::Invalid {
                file,
                position: Some((line, col)),
                message,
            } => write!(f, "{file}:{line}:{col}: {message}"),
            ConfigError::Invalid {
                file,
                position: None,
                message,
            } => write!(f, "{file}: {message}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Read { source, .. } => Some(source),
            ConfigError::Invalid { .. } => None,
        }
    }
}

/// 1-based line and column of a byte offset; the column counts characters,
/// as editors do.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |newline| newline + 1);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let text = "a = 1\nbé = 2\n";
        let cases = [
            (0, (1, 1)),
            (4, (1, 5)),
            (5, (1, 6)),
            (6, (2, 1)),
            // 'é' is two bytes but one column.
            (9, (2, 3)),
            (text.len(), (3, 1)),
            (text.len() + 10, (3, 1)),
        ];
        for (offset, want) in cases {
            assert_eq!(line_col(text, offset), want, "offset {offset}");
        }
    }

    #[test]
    fn display() {
        let err = ConfigError::at("c.toml", "x\ny = 1", Some(2..3), "bad y\n");
        assert_eq!(err.to_string(), "c.toml:2:1: bad y");
        let err = ConfigError::at("c.toml", "", None, "bad");
        assert_eq!(err.to_string(), "c.toml: bad");
    }
}
