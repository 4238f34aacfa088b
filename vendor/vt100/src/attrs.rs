use crate::term::BufWrite as _;
use alloc::string::String;

/// Represents a foreground or background color for cells.
#[derive(Eq, PartialEq, Debug, Copy, Clone, Default)]
pub enum Color {
    /// The default terminal color.
    #[default]
    Default,

    /// An indexed terminal color.
    Idx(u8),

    /// An RGB terminal color. The parameters are (red, green, blue).
    Rgb(u8, u8, u8),
}

/// How text is underlined (SGR 4, `4:0` to `4:5`, 21, 24).
///
/// patched (see PATCHES.md): added by ccmux; upstream knew only on and off.
#[derive(Eq, PartialEq, Debug, Copy, Clone, Default)]
pub enum UnderlineStyle {
    /// Not underlined.
    #[default]
    None,
    /// A single straight line (SGR 4 or `4:1`).
    Single,
    /// Two lines (SGR 21 or `4:2`).
    Double,
    /// A wavy line (`4:3`), which editors use for diagnostics.
    Curly,
    /// A dotted line (`4:4`).
    Dotted,
    /// A dashed line (`4:5`).
    Dashed,
}

impl UnderlineStyle {
    /// The style `4:n` selects, if `n` names one.
    pub(crate) fn from_sgr(n: u16) -> Option<Self> {
        Some(match n {
            0 => Self::None,
            1 => Self::Single,
            2 => Self::Double,
            3 => Self::Curly,
            4 => Self::Dotted,
            5 => Self::Dashed,
            _ => return None,
        })
    }

    /// The `n` of `4:n` for this style.
    pub(crate) fn sgr(self) -> u8 {
        match self {
            Self::None => 0,
            Self::Single => 1,
            Self::Double => 2,
            Self::Curly => 3,
            Self::Dotted => 4,
            Self::Dashed => 5,
        }
    }
}

const TEXT_MODE_INTENSITY: u8 = 0b0000_0011;
const TEXT_MODE_BOLD: u8 = 0b0000_0001;
const TEXT_MODE_DIM: u8 = 0b0000_0010;
const TEXT_MODE_ITALIC: u8 = 0b0000_0100;
// patched (see PATCHES.md): this bit was the underline, which is now
// `Attrs::underline`; the next three bits were free.
const TEXT_MODE_HIDDEN: u8 = 0b0000_1000;
const TEXT_MODE_INVERSE: u8 = 0b0001_0000;
const TEXT_MODE_STRIKETHROUGH: u8 = 0b0010_0000;
const TEXT_MODE_OVERLINE: u8 = 0b0100_0000;
const TEXT_MODE_BLINK: u8 = 0b1000_0000;

// patched (see PATCHES.md): `ulcolor` and `underline` are new. Together
// with the mode bits above they cost the cell 5 bytes of inline text (see
// cell.rs) to stay at 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Attrs {
    pub fgcolor: Color,
    pub bgcolor: Color,
    pub ulcolor: Color,
    pub mode: u8,
    pub underline: UnderlineStyle,
}

impl Default for Attrs {
    fn default() -> Self {
        Self::new()
    }
}

impl Attrs {
    pub const fn new() -> Self {
        Self {
            fgcolor: Color::Default,
            bgcolor: Color::Default,
            ulcolor: Color::Default,
            mode: 0,
            underline: UnderlineStyle::None,
        }
    }

    /// Whether these are the default attributes: the same answer as
    /// `== Self::new()`, which no longer inlines since `Attrs` grew.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn is_default(&self) -> bool {
        self.mode == 0
            && matches!(
                (self.fgcolor, self.bgcolor, self.ulcolor, self.underline),
                (
                    Color::Default,
                    Color::Default,
                    Color::Default,
                    UnderlineStyle::None
                )
            )
    }

    pub fn bold(&self) -> bool {
        self.mode & TEXT_MODE_BOLD != 0
    }

    pub fn dim(&self) -> bool {
        self.mode & TEXT_MODE_DIM != 0
    }

    fn intensity(&self) -> u8 {
        self.mode & TEXT_MODE_INTENSITY
    }

    pub fn set_bold(&mut self) {
        self.mode &= !TEXT_MODE_INTENSITY;
        self.mode |= TEXT_MODE_BOLD;
    }

    pub fn set_dim(&mut self) {
        self.mode &= !TEXT_MODE_INTENSITY;
        self.mode |= TEXT_MODE_DIM;
    }

    pub fn set_normal_intensity(&mut self) {
        self.mode &= !TEXT_MODE_INTENSITY;
    }

    pub fn italic(&self) -> bool {
        self.mode & TEXT_MODE_ITALIC != 0
    }

    pub fn set_italic(&mut self, italic: bool) {
        if italic {
            self.mode |= TEXT_MODE_ITALIC;
        } else {
            self.mode &= !TEXT_MODE_ITALIC;
        }
    }

    pub fn underline(&self) -> bool {
        self.underline != UnderlineStyle::None
    }

    pub fn set_underline(&mut self, underline: bool) {
        self.underline = if underline {
            UnderlineStyle::Single
        } else {
            UnderlineStyle::None
        };
    }

    fn flag(&self, bit: u8) -> bool {
        self.mode & bit != 0
    }

    fn set_flag(&mut self, bit: u8, on: bool) {
        if on {
            self.mode |= bit;
        } else {
            self.mode &= !bit;
        }
    }

    pub fn strikethrough(&self) -> bool {
        self.flag(TEXT_MODE_STRIKETHROUGH)
    }

    pub fn set_strikethrough(&mut self, on: bool) {
        self.set_flag(TEXT_MODE_STRIKETHROUGH, on);
    }

    pub fn overline(&self) -> bool {
        self.flag(TEXT_MODE_OVERLINE)
    }

    pub fn set_overline(&mut self, on: bool) {
        self.set_flag(TEXT_MODE_OVERLINE, on);
    }

    pub fn blink(&self) -> bool {
        self.flag(TEXT_MODE_BLINK)
    }

    pub fn set_blink(&mut self, on: bool) {
        self.set_flag(TEXT_MODE_BLINK, on);
    }

    pub fn hidden(&self) -> bool {
        self.flag(TEXT_MODE_HIDDEN)
    }

    pub fn set_hidden(&mut self, on: bool) {
        self.set_flag(TEXT_MODE_HIDDEN, on);
    }

    pub fn inverse(&self) -> bool {
        self.mode & TEXT_MODE_INVERSE != 0
    }

    pub fn set_inverse(&mut self, inverse: bool) {
        if inverse {
            self.mode |= TEXT_MODE_INVERSE;
        } else {
            self.mode &= !TEXT_MODE_INVERSE;
        }
    }

    pub fn write_escape_code_diff(
        &self,
        contents: &mut String,
        other: &Self,
    ) {
        self.write_escape_code_diff_fmt(contents, other)
            .expect("writing to a String cannot fail");
    }

    pub fn write_escape_code_diff_fmt(
        &self,
        writer: &mut impl alloc::fmt::Write,
        other: &Self,
    ) -> alloc::fmt::Result {
        if self != other && self == &Self::default() {
            return crate::term::ClearAttrs.write_fmt(writer);
        }

        let attrs = crate::term::Attrs::default();

        let attrs = if self.fgcolor == other.fgcolor {
            attrs
        } else {
            attrs.fgcolor(self.fgcolor)
        };
        let attrs = if self.bgcolor == other.bgcolor {
            attrs
        } else {
            attrs.bgcolor(self.bgcolor)
        };
        let attrs = if self.intensity() == other.intensity() {
            attrs
        } else {
            attrs.intensity(match self.intensity() {
                0 => crate::term::Intensity::Normal,
                TEXT_MODE_BOLD => crate::term::Intensity::Bold,
                TEXT_MODE_DIM => crate::term::Intensity::Dim,
                _ => unreachable!(),
            })
        };
        let attrs = if self.italic() == other.italic() {
            attrs
        } else {
            attrs.italic(self.italic())
        };
        let attrs = if self.underline == other.underline {
            attrs
        } else {
            attrs.underline(self.underline)
        };
        let attrs = if self.inverse() == other.inverse() {
            attrs
        } else {
            attrs.inverse(self.inverse())
        };
        let attrs = if self.ulcolor == other.ulcolor {
            attrs
        } else {
            attrs.ulcolor(self.ulcolor)
        };
        let attrs = if self.strikethrough() == other.strikethrough() {
            attrs
        } else {
            attrs.strikethrough(self.strikethrough())
        };
        let attrs = if self.overline() == other.overline() {
            attrs
        } else {
            attrs.overline(self.overline())
        };
        let attrs = if self.blink() == other.blink() {
            attrs
        } else {
            attrs.blink(self.blink())
        };
        let attrs = if self.hidden() == other.hidden() {
            attrs
        } else {
            attrs.hidden(self.hidden())
        };

        attrs.write_fmt(writer)
    }
}
