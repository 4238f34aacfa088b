//! The App options the benches and tests/app.rs share: defaults, nothing
//! persisted, UTC.

use std::path::PathBuf;

use ccmux::app::{NotifyStyle, Options};
use ccmux::keys::Keymap;
use ccmux::picker::RecentDirs;
use ccmux::status::Rules;
use ccmux::ui::theme::Theme;

pub fn options(dir: PathBuf) -> Options {
    Options {
        keymap: Keymap::default(),
        theme: Theme::default(),
        picker_start: dir,
        show_hidden: false,
        home: None,
        recent: RecentDirs::default(),
        recent_path: None,
        notify: false,
        notify_style: NotifyStyle::Osc9,
        claude: false,
        rules: Rules::default(),
        tz: jiff::tz::TimeZone::UTC,
    }
}
