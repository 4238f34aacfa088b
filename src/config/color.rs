//! Colour values of the `[colors]` table: `"cyan"`, `"bright-blue"`,
//! `"#ff8800"`, `"238"` (palette index), `"default"` (the terminal's own).

use ratatui::style::Color;

/// `None` when the text is not a colour.
pub fn parse_color(text: &str) -> Option<Color> {
    let text = text.trim();
    if let Some(hex) = text.strip_prefix('#') {
        return parse_hex(hex);
    }
    if let Ok(index) = text.parse::<u8>() {
        return Some(Color::Indexed(index));
    }
    let name: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let bright = name
        .strip_prefix("bright")
        .or_else(|| name.strip_prefix("light"));
    // Standard ANSI names: "white" is colour 7 (ratatui's Gray) and
    // "bright-white" colour 15 (ratatui's White).
    Some(match (bright, name.as_str()) {
        (_, "default" | "reset") => Color::Reset,
        (None, "black") => Color::Black,
        (None, "red") => Color::Red,
        (None, "green") => Color::Green,
        (None, "yellow") => Color::Yellow,
        (None, "blue") => Color::Blue,
        (None, "magenta") => Color::Magenta,
        (None, "cyan") => Color::Cyan,
        (None, "white" | "gray" | "grey") => Color::Gray,
        (None, "darkgray" | "darkgrey") | (Some("black"), _) => Color::DarkGray,
        (Some("red"), _) => Color::LightRed,
        (Some("green"), _) => Color::LightGreen,
        (Some("yellow"), _) => Color::LightYellow,
        (Some("blue"), _) => Color::LightBlue,
        (Some("magenta"), _) => Color::LightMagenta,
        (Some("cyan"), _) => Color::LightCyan,
        (Some("white"), _) => Color::White,
        _ => return None,
    })
}

fn parse_hex(hex: &str) -> Option<Color> {
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |digits: &str| u8::from_str_radix(digits, 16).ok();
    match hex.len() {
        6 => Some(Color::Rgb(
            channel(&hex[0..2])?,
            channel(&hex[2..4])?,
            channel(&hex[4..6])?,
        )),
        // "#f80" is "#ff8800".
        3 => {
            let short = |i: usize| channel(&hex[i..=i]).map(|v| v * 17);
            Some(Color::Rgb(short(0)?, short(1)?, short(2)?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours() {
        let cases = [
            ("cyan", Some(Color::Cyan)),
            ("Cyan", Some(Color::Cyan)),
            ("black", Some(Color::Black)),
            ("red", Some(Color::Red)),
            ("green", Some(Color::Green)),
            ("yellow", Some(Color::Yellow)),
            ("blue", Some(Color::Blue)),
            ("magenta", Some(Color::Magenta)),
            ("white", Some(Color::Gray)),
            ("gray", Some(Color::Gray)),
            ("grey", Some(Color::Gray)),
            ("bright-black", Some(Color::DarkGray)),
            ("dark-gray", Some(Color::DarkGray)),
            ("bright-red", Some(Color::LightRed)),
            ("bright-green", Some(Color::LightGreen)),
            ("bright-yellow", Some(Color::LightYellow)),
            ("bright-blue", Some(Color::LightBlue)),
            ("bright_blue", Some(Color::LightBlue)),
            ("light-blue", Some(Color::LightBlue)),
            ("brightblue", Some(Color::LightBlue)),
            ("bright-magenta", Some(Color::LightMagenta)),
            ("bright-cyan", Some(Color::LightCyan)),
            ("bright-white", Some(Color::White)),
            ("default", Some(Color::Reset)),
            ("reset", Some(Color::Reset)),
            ("0", Some(Color::Indexed(0))),
            ("238", Some(Color::Indexed(238))),
            ("255", Some(Color::Indexed(255))),
            ("#ff8800", Some(Color::Rgb(0xff, 0x88, 0x00))),
            ("#FF8800", Some(Color::Rgb(0xff, 0x88, 0x00))),
            ("#f80", Some(Color::Rgb(0xff, 0x88, 0x00))),
            ("256", None),
            ("-1", None),
            ("#ff880", None),
            ("#gg8800", None),
            ("#", None),
            ("#ffé", None),
            ("bright-purple", None),
            ("bright", None),
            ("purple", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_color(text), want, "{text:?}");
        }
    }
}
