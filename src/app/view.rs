use super::compose::Compose;
use super::prompt::Prompt;
use super::switcher::Switcher;
use crate::copy::CopyMode;
use crate::picker::Picker;
use crate::session::{SessionId, Status};

/// What fills the screen besides the tab bar and status line.
pub enum View {
    /// The focused session's screen.
    Tabs,
    /// Copy mode over the focused session's history: scrolled back,
    /// searching, selecting (this viewer's own, see `crate::copy`).
    Copy(Box<CopyMode>),
    Table(TableView),
    /// The directory picker over the tabs; Esc returns to `back`.
    Picker {
        picker: Box<Picker>,
        back: Back,
    },
    /// The keys. Opened from copy mode, copy mode's keys, and Esc returns
    /// to it as it was.
    Help(Option<Box<CopyMode>>),
    Confirm(Confirm),
    /// A line typed in the status line, over the tabs.
    Prompt(Prompt),
    /// The session switcher over the tabs.
    Switcher(Box<Switcher>),
    /// A prompt being written, for one session's queue or several.
    Compose(Box<Compose>),
    /// A session's queued prompts.
    Queue(QueueView),
}

/// The session table's state: the selected row (of the rows shown), and how
/// rows are sorted and filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TableView {
    pub selected: usize,
    pub attention_first: bool,
    pub filter: Filter,
}

/// The queue view's state: whose queue, the selected prompt (by id, so it
/// stays selected as the ones before it go in; by position when it is gone),
/// and the table it was opened from, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueView {
    pub session: SessionId,
    pub selected: usize,
    pub prompt: Option<u64>,
    pub table: Option<TableView>,
}

impl QueueView {
    pub fn new(session: SessionId, table: Option<TableView>) -> Self {
        Self {
            session,
            selected: 0,
            prompt: None,
            table,
        }
    }

    /// Where it returns to.
    pub fn back(&self) -> Back {
        self.table.map_or(Back::Tabs, Back::Table)
    }
}

/// Which sessions the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    Waiting,
    Busy,
    Idle,
    Ended,
}

impl Filter {
    pub fn next(self) -> Self {
        match self {
            Filter::All => Filter::Waiting,
            Filter::Waiting => Filter::Busy,
            Filter::Busy => Filter::Idle,
            Filter::Idle => Filter::Ended,
            Filter::Ended => Filter::All,
        }
    }

    pub fn admits(self, status: &Status) -> bool {
        match self {
            Filter::All => true,
            Filter::Waiting => *status == Status::Waiting,
            Filter::Busy => *status == Status::Busy,
            Filter::Idle => matches!(status, Status::Idle | Status::Starting | Status::Running),
            Filter::Ended => !status.is_live(),
        }
    }

    pub fn label(self) -> Option<&'static str> {
        match self {
            Filter::All => None,
            Filter::Waiting => Some("only waiting"),
            Filter::Busy => Some("only busy"),
            Filter::Idle => Some("only idle"),
            Filter::Ended => Some("only ended"),
        }
    }
}

/// Where a popup returns to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Back {
    Tabs,
    Table(TableView),
    Queue(QueueView),
}

/// An action that waits for the user's yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Stop { id: SessionId, back: Back },
    Quit,
}
