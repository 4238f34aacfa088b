//! One session's status as a state machine fed with hooks, screens and output.
//!
//! Pure logic: the caller passes the current time into every call and calls
//! [`Tracker::on_deadline`] when [`Tracker::next_deadline`] comes, so the
//! tracker needs no timers or threads and tests need no clocks.

use std::time::{Duration, Instant};

use super::hook::{Hook, HookEvent};
use super::rules::{Rules, ScreenStatus};
use crate::session::Status;

/// Claude may carry on right after a Stop (a Stop hook that blocks, a queued
/// prompt), so a turn only counts as finished once it has stayed quiet this long.
pub const IDLE_DEBOUNCE: Duration = Duration::from_millis(500);

/// A program we know nothing about is busy while its output flows, and idle
/// once it has been quiet this long.
pub const GENERIC_QUIET: Duration = Duration::from_millis(1500);

/// A program redraws its screen when its window changes size (SIGWINCH: a
/// shell reprints its prompt, a full-screen program repaints). Output this
/// soon after a resize is that redraw, not work, so it does not make an idle
/// generic program busy. It covers the 250 ms in which the hub may not read
/// a session nobody looks at, and a slow program's repaint.
pub const RESIZE_REDRAW: Duration = Duration::from_secs(1);

/// Hooks decide a hooked session's status, but one can be lost (a client
/// past its deadline on a loaded machine), and Claude sends no Stop when the
/// user interrupts a turn (Esc) or rejects a tool. So when the screen has
/// clearly contradicted the hooks this long, with no hook in between, the
/// screen wins. The margin covers the moments a screen lags a hook: the idle
/// prompt still drawn right after a prompt is submitted.
pub const HOOK_SILENCE: Duration = Duration::from_secs(2);

/// Prompts can be whole pasted files; the task is a one-line summary.
const TASK_MAX_CHARS: usize = 1000;

/// What a call changed, for the caller to pass on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// The new status, if it changed.
    pub status: Option<Status>,
    /// Set when the session starts waiting for the user: why, for a notification.
    pub needs_user: Option<String>,
    /// A Claude turn ended (busy or waiting to idle).
    pub turn_finished: bool,
    /// Why it waits changed, while it was waiting already.
    pub reason_changed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Claude,
    Generic,
}

/// The status of one session and what is known about its work.
#[derive(Debug, Clone)]
pub struct Tracker {
    kind: Kind,
    status: Status,
    task: Option<String>,
    tool: Option<String>,
    waiting_reason: Option<String>,
    last_hook: Option<Instant>,
    ending: bool,
    /// A /compact the user asked for: it ends with SessionStart `compact`
    /// instead of a Stop, while an automatic one happens inside a turn.
    manual_compact: bool,
    /// When to become idle unless something else happens first: the Stop
    /// debounce for Claude, the quiet timeout for generic programs.
    idle_at: Option<Instant>,
    /// When the session's window last changed size (see [`RESIZE_REDRAW`]).
    resized_at: Option<Instant>,
    /// What a hooked session's screen last said, and since when it has.
    seen: Option<Seen>,
}

#[derive(Debug, Clone)]
struct Seen {
    status: ScreenStatus,
    reason: Option<String>,
    since: Instant,
}

impl Tracker {
    /// A tracker for a Claude Code session: hooks, or failing them screen rules.
    pub fn claude() -> Self {
        Self::with_kind(Kind::Claude)
    }

    /// A tracker for any other program: busy while output flows, idle once it
    /// has been quiet for [`GENERIC_QUIET`], from its start on. Should hooks
    /// arrive after all, it follows them instead.
    pub fn generic(now: Instant) -> Self {
        Self {
            idle_at: Some(now + GENERIC_QUIET),
            ..Self::with_kind(Kind::Generic)
        }
    }

    fn with_kind(kind: Kind) -> Self {
        Self {
            kind,
            status: Status::Starting,
            task: None,
            tool: None,
            waiting_reason: None,
            last_hook: None,
            ending: false,
            manual_compact: false,
            idle_at: None,
            seen: None,
            resized_at: None,
        }
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The last submitted prompt, on one line.
    pub fn task(&self) -> Option<&str> {
        self.task.as_deref()
    }

    /// The tool running now.
    pub fn tool(&self) -> Option<&str> {
        self.tool.as_deref()
    }

    /// Why the session waits for the user, while it does.
    pub fn waiting_reason(&self) -> Option<&str> {
        self.waiting_reason.as_deref()
    }

    /// Whether Claude's hooks report for this session; if so they, not the
    /// screen, decide its status.
    pub fn has_hooks(&self) -> bool {
        self.last_hook.is_some()
    }

    /// Claude said the session is ending (SessionEnd); the status stays until
    /// the process exits.
    pub fn is_ending(&self) -> bool {
        self.ending
    }

    /// When [`Tracker::on_deadline`] should be called next, if at all.
    pub fn next_deadline(&self) -> Option<Instant> {
        match (self.idle_at, self.screen_wins_at()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The process ended: `status` (`Exited` or `Failed`) is final, and every
    /// later call changes nothing. A live status is ignored.
    pub fn on_exit(&mut self, status: Status) {
        if self.status.is_live() && !status.is_live() {
            self.status = status;
            self.tool = None;
            self.waiting_reason = None;
            self.idle_at = None;
            self.seen = None;
        }
    }

    pub fn on_hook(&mut self, hook: &Hook, now: Instant) -> Change {
        if !self.status.is_live() {
            return Change::default();
        }
        self.kind = Kind::Claude;
        self.last_hook = Some(now);
        match &hook.event {
            HookEvent::SessionStart => self.session_start(hook),
            HookEvent::UserPromptSubmit => {
                if let Some(prompt) = &hook.prompt {
                    self.task = one_line(prompt);
                }
                self.tool = None;
                self.busy()
            }
            HookEvent::PreToolUse => {
                self.tool.clone_from(&hook.tool_name);
                // These tools are the question: their dialog is up until PostToolUse.
                match hook.tool_name.as_deref() {
                    Some("AskUserQuestion") => self.waiting("has a question".into()),
                    Some("ExitPlanMode") => self.waiting("has a plan to approve".into()),
                    _ => self.busy(),
                }
            }
            HookEvent::PermissionRequest => {
                if hook.tool_name.is_some() {
                    self.tool.clone_from(&hook.tool_name);
                }
                let reason = self.permission_reason(None);
                self.waiting(reason)
            }
            HookEvent::Notification => match hook.notification_type.as_deref() {
                Some("permission_prompt") => {
                    let reason = self.permission_reason(hook.message.as_deref());
                    self.waiting(reason)
                }
                Some("elicitation_dialog") => {
                    let reason = hook.message.as_deref().unwrap_or("has a question");
                    self.waiting(reason.to_string())
                }
                // Claude has sat at its prompt for a minute: if a turn is
                // still open here, it was interrupted without a Stop.
                Some("idle_prompt") if self.is_working() => self.idle(false),
                _ => Change::default(),
            },
            HookEvent::PostToolUse | HookEvent::PostToolUseFailure => {
                self.tool = None;
                self.busy()
            }
            HookEvent::Stop => {
                self.tool = None;
                match self.status {
                    Status::Idle => Change::default(),
                    Status::Starting => self.idle(false),
                    _ => {
                        self.idle_at = Some(now + IDLE_DEBOUNCE);
                        Change::default()
                    }
                }
            }
            HookEvent::PreCompact => {
                self.manual_compact = hook.trigger.as_deref() == Some("manual");
                self.busy()
            }
            HookEvent::SessionEnd => {
                self.ending = true;
                Change::default()
            }
            HookEvent::SubagentStop | HookEvent::Other(_) => Change::default(),
        }
    }

    /// Reads the status off the screen of a Claude session. Without hooks it
    /// decides the status. With hooks it is only remembered, and wins if it
    /// clearly contradicts them for [`HOOK_SILENCE`] with no hook in between
    /// (see [`Tracker::on_deadline`]).
    pub fn on_screen(&mut self, screen_text: &str, rules: &Rules, now: Instant) -> Change {
        if !self.reads_screen() {
            return Change::default();
        }
        let verdict = rules.classify(screen_text);
        if self.last_hook.is_some() {
            // A screen no rule knows contradicts nothing.
            self.seen = match (verdict, self.seen.take()) {
                (Some(v), Some(seen)) if seen.status == v.status => Some(seen),
                (Some(v), _) => Some(Seen {
                    status: v.status,
                    reason: v.reason.map(str::to_string),
                    since: now,
                }),
                (None, _) => None,
            };
            return Change::default();
        }
        let Some(verdict) = verdict else {
            return Change::default();
        };
        match verdict.status {
            ScreenStatus::Busy => self.busy(),
            ScreenStatus::Waiting => {
                self.waiting(verdict.reason.unwrap_or("needs you").to_string())
            }
            ScreenStatus::Idle if self.is_working() => {
                // A frame drawn between two steps of a turn can look idle.
                self.idle_soon(now);
                Change::default()
            }
            ScreenStatus::Idle if self.status == Status::Starting => self.idle(false),
            ScreenStatus::Idle => Change::default(),
        }
    }

    /// Whether `on_screen` would look at the screen: for a live Claude
    /// session. The caller can skip copying the screen's text otherwise.
    pub fn reads_screen(&self) -> bool {
        self.status.is_live() && self.kind == Kind::Claude
    }

    /// When the screen overrules the hooks, if it contradicts them: a
    /// dialog while they say idle or busy (a lost PermissionRequest), the
    /// prompt while they say busy or waiting (an interrupted turn, a lost
    /// Stop), the busy footer while they say idle (a lost UserPromptSubmit).
    /// Not busy over waiting: the rules may not know a question's dialog, and
    /// a lost PostToolUse is mended by the turn's next hook.
    fn screen_wins_at(&self) -> Option<Instant> {
        let (seen, last_hook) = (self.seen.as_ref()?, self.last_hook?);
        let contradicts = match seen.status {
            ScreenStatus::Waiting => self.status != Status::Waiting,
            ScreenStatus::Idle => self.is_working(),
            ScreenStatus::Busy => matches!(self.status, Status::Idle | Status::Starting),
        };
        contradicts.then(|| seen.since.max(last_hook) + HOOK_SILENCE)
    }

    /// The session's window changed size: the program will redraw.
    pub fn on_resize(&mut self, now: Instant) {
        self.resized_at = Some(now);
    }

    /// Output arrived. Only generic programs are judged by it, and the
    /// redraw that follows a resize does not count as work.
    pub fn on_output(&mut self, now: Instant) -> Change {
        if !self.status.is_live() || self.kind != Kind::Generic {
            return Change::default();
        }
        let redraw = self
            .resized_at
            .is_some_and(|at| now.saturating_duration_since(at) < RESIZE_REDRAW);
        if redraw && self.status != Status::Busy {
            return Change::default();
        }
        self.idle_at = Some(now + GENERIC_QUIET);
        self.set(Status::Busy)
    }

    /// Applies what was due at [`Tracker::next_deadline`]; early calls do nothing.
    pub fn on_deadline(&mut self, now: Instant) -> Change {
        if self.status.is_live()
            && self.screen_wins_at().is_some_and(|at| now >= at)
            && let Some(seen) = self.seen.clone()
        {
            return match seen.status {
                ScreenStatus::Busy => self.busy(),
                ScreenStatus::Waiting => {
                    self.waiting(seen.reason.unwrap_or_else(|| "needs you".into()))
                }
                ScreenStatus::Idle => {
                    let finished = self.is_working();
                    self.idle(finished)
                }
            };
        }
        match self.idle_at {
            Some(at) if now >= at && self.status.is_live() => {
                // A generic program going quiet has not finished anything we know of.
                let finished = self.kind == Kind::Claude && self.is_working();
                self.idle(finished)
            }
            _ => Change::default(),
        }
    }

    fn session_start(&mut self, hook: &Hook) -> Change {
        self.ending = false;
        match hook.source.as_deref() {
            // A new conversation at an empty prompt.
            Some("clear") | Some("resume") => {
                self.task = None;
                self.tool = None;
                self.idle(false)
            }
            Some("compact") if self.manual_compact => {
                self.manual_compact = false;
                self.idle(false)
            }
            // An automatic compaction inside a turn: the turn goes on.
            Some("compact") => Change::default(),
            _ if self.status == Status::Starting => self.idle(false),
            _ => Change::default(),
        }
    }

    fn permission_reason(&self, message: Option<&str>) -> String {
        match (&self.tool, message) {
            (Some(tool), _) => format!("needs permission for {tool}"),
            (None, Some(message)) => message.to_string(),
            (None, None) => "needs permission".to_string(),
        }
    }

    fn is_working(&self) -> bool {
        matches!(self.status, Status::Busy | Status::Waiting)
    }

    fn busy(&mut self) -> Change {
        self.idle_at = None;
        self.waiting_reason = None;
        self.set(Status::Busy)
    }

    fn waiting(&mut self, reason: String) -> Change {
        self.idle_at = None;
        let entering = self.status != Status::Waiting;
        let reason_changed = self.waiting_reason.as_ref() != Some(&reason);
        self.waiting_reason = Some(reason.clone());
        Change {
            reason_changed: !entering && reason_changed,
            needs_user: entering.then_some(reason),
            ..self.set(Status::Waiting)
        }
    }

    fn idle(&mut self, turn_finished: bool) -> Change {
        self.idle_at = None;
        self.waiting_reason = None;
        self.tool = None;
        Change {
            turn_finished,
            ..self.set(Status::Idle)
        }
    }

    /// Idle after [`IDLE_DEBOUNCE`], unless already on the way.
    fn idle_soon(&mut self, now: Instant) {
        if self.idle_at.is_none() {
            self.idle_at = Some(now + IDLE_DEBOUNCE);
        }
    }

    fn set(&mut self, status: Status) -> Change {
        if self.status == status {
            return Change::default();
        }
        self.status = status.clone();
        Change {
            status: Some(status),
            ..Change::default()
        }
    }
}

/// The prompt as one line: whitespace runs become one space, ends trimmed.
fn one_line(prompt: &str) -> Option<String> {
    let mut line = String::new();
    for word in prompt.split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.chars().count() > TASK_MAX_CHARS {
        line = line.chars().take(TASK_MAX_CHARS).collect::<String>() + "…";
    }
    (!line.is_empty()).then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(event: HookEvent) -> Hook {
        Hook {
            event,
            claude_session_id: None,
            transcript_path: None,
            last_assistant_message: None,
            tool_name: None,
            prompt: None,
            notification_type: None,
            message: None,
            source: None,
            reason: None,
            trigger: None,
        }
    }

    fn tool(event: HookEvent, name: &str) -> Hook {
        Hook {
            tool_name: Some(name.into()),
            ..hook(event)
        }
    }

    fn prompt(text: &str) -> Hook {
        Hook {
            prompt: Some(text.into()),
            ..hook(HookEvent::UserPromptSubmit)
        }
    }

    fn start(source: &str, id: &str) -> Hook {
        Hook {
            source: Some(source.into()),
            claude_session_id: Some(id.into()),
            ..hook(HookEvent::SessionStart)
        }
    }

    fn notification(kind: &str, message: &str) -> Hook {
        Hook {
            notification_type: Some(kind.into()),
            message: Some(message.into()),
            ..hook(HookEvent::Notification)
        }
    }

    fn to(status: Status) -> Change {
        Change {
            status: Some(status),
            ..Change::default()
        }
    }

    const MS: Duration = Duration::from_millis(1);

    /// A Claude tracker after SessionStart, at t0.
    fn started() -> (Tracker, Instant) {
        let t0 = Instant::now();
        let mut t = Tracker::claude();
        assert_eq!(t.on_hook(&start("startup", "s1"), t0), to(Status::Idle));
        (t, t0)
    }

    #[test]
    fn starts_starting_and_session_start_makes_it_idle() {
        let t = Tracker::claude();
        assert_eq!(t.status(), &Status::Starting);
        assert!(!t.has_hooks());
        let (t, _) = started();
        assert_eq!(t.status(), &Status::Idle);
        assert!(t.has_hooks());
    }

    #[test]
    fn a_full_turn_with_a_permission_prompt() {
        let (mut t, t0) = started();
        assert_eq!(
            t.on_hook(&prompt("please\n  use\tthe tool "), t0),
            to(Status::Busy)
        );
        assert_eq!(t.task(), Some("please use the tool"));

        assert_eq!(
            t.on_hook(&tool(HookEvent::PreToolUse, "Bash"), t0),
            Change::default()
        );
        assert_eq!(t.tool(), Some("Bash"));

        let c = t.on_hook(&tool(HookEvent::PermissionRequest, "Bash"), t0 + 40 * MS);
        assert_eq!(c.status, Some(Status::Waiting));
        assert_eq!(c.needs_user.as_deref(), Some("needs permission for Bash"));
        assert!(!c.turn_finished);
        assert_eq!(t.waiting_reason(), Some("needs permission for Bash"));

        // Claude's own notification of the same dialog does not notify twice.
        let c = t.on_hook(
            &notification(
                "permission_prompt",
                "Claude needs your permission to use Bash",
            ),
            t0 + 6000 * MS,
        );
        assert_eq!(c, Change::default());

        let c = t.on_hook(&tool(HookEvent::PostToolUse, "Bash"), t0 + 7000 * MS);
        assert_eq!(c, to(Status::Busy));
        assert_eq!(t.tool(), None);
        assert_eq!(t.waiting_reason(), None);

        let stop_at = t0 + 7300 * MS;
        assert_eq!(
            t.on_hook(&hook(HookEvent::Stop), stop_at),
            Change::default()
        );
        assert_eq!(t.status(), &Status::Busy);
        assert_eq!(t.next_deadline(), Some(stop_at + IDLE_DEBOUNCE));

        assert_eq!(t.on_deadline(stop_at + 499 * MS), Change::default());
        let c = t.on_deadline(stop_at + IDLE_DEBOUNCE);
        assert_eq!(
            c,
            Change {
                status: Some(Status::Idle),
                needs_user: None,
                turn_finished: true,
                reason_changed: false,
            }
        );
        assert_eq!(t.next_deadline(), None);
        assert_eq!(
            t.task(),
            Some("please use the tool"),
            "the task outlives the turn"
        );
    }

    #[test]
    fn work_right_after_stop_cancels_the_pending_idle() {
        let (mut t, t0) = started();
        t.on_hook(&prompt("go"), t0);
        t.on_hook(&hook(HookEvent::Stop), t0 + 100 * MS);
        assert!(t.next_deadline().is_some());
        assert_eq!(
            t.on_hook(&prompt("and more"), t0 + 200 * MS),
            Change::default()
        );
        assert_eq!(t.next_deadline(), None);
        assert_eq!(t.on_deadline(t0 + 2000 * MS), Change::default());
        assert_eq!(t.status(), &Status::Busy);
        assert_eq!(t.task(), Some("and more"));
    }

    #[test]
    fn subagent_stop_keeps_the_turn_going() {
        let (mut t, t0) = started();
        t.on_hook(&tool(HookEvent::PreToolUse, "Task"), t0);
        assert_eq!(
            t.on_hook(&hook(HookEvent::SubagentStop), t0),
            Change::default()
        );
        assert_eq!(t.status(), &Status::Busy);
        assert_eq!(t.next_deadline(), None);
    }

    #[test]
    fn idle_prompt_notification_is_not_waiting() {
        let (mut t, t0) = started();
        let c = t.on_hook(
            &notification("idle_prompt", "Claude is waiting for your input"),
            t0,
        );
        assert_eq!(c, Change::default());
        assert_eq!(t.status(), &Status::Idle);
    }

    #[test]
    fn idle_prompt_closes_a_turn_that_never_stopped() {
        let (mut t, t0) = started();
        t.on_hook(&prompt("go"), t0);
        let c = t.on_hook(&notification("idle_prompt", "waiting"), t0 + 60_000 * MS);
        assert_eq!(c, to(Status::Idle));
    }

    #[test]
    fn elicitation_and_question_tools_wait_for_the_user() {
        let (mut t, t0) = started();
        t.on_hook(&prompt("go"), t0);
        let c = t.on_hook(
            &notification("elicitation_dialog", "MCP server wants input"),
            t0,
        );
        assert_eq!(c.status, Some(Status::Waiting));
        assert_eq!(c.needs_user.as_deref(), Some("MCP server wants input"));

        let (mut t, t0) = started();
        t.on_hook(&prompt("go"), t0);
        let c = t.on_hook(&tool(HookEvent::PreToolUse, "AskUserQuestion"), t0);
        assert_eq!(c.needs_user.as_deref(), Some("has a question"));
        assert_eq!(
            t.on_hook(&tool(HookEvent::PostToolUse, "AskUserQuestion"), t0),
            to(Status::Busy)
        );
        let c = t.on_hook(&tool(HookEvent::PreToolUse, "ExitPlanMode"), t0);
        assert_eq!(c.needs_user.as_deref(), Some("has a plan to approve"));
    }

    #[test]
    fn permission_notification_alone_names_the_tool_or_quotes_claude() {
        let (mut t, t0) = started();
        let c = t.on_hook(
            &notification("permission_prompt", "Claude needs your permission"),
            t0,
        );
        assert_eq!(
            c.needs_user.as_deref(),
            Some("Claude needs your permission")
        );
    }

    #[test]
    fn clear_starts_a_new_conversation() {
        let (mut t, t0) = started();
        t.on_hook(&prompt("old work"), t0);
        t.on_hook(&hook(HookEvent::Stop), t0);
        t.on_deadline(t0 + IDLE_DEBOUNCE);
        let end = Hook {
            reason: Some("clear".into()),
            ..hook(HookEvent::SessionEnd)
        };
        t.on_hook(&end, t0 + 1000 * MS);
        assert!(t.is_ending());
        assert_eq!(
            t.on_hook(&start("clear", "s2"), t0 + 1000 * MS),
            Change::default()
        );
        assert_eq!(t.task(), None);
        assert!(
            !t.is_ending(),
            "/clear ends a conversation, not the session"
        );
        assert_eq!(t.status(), &Status::Idle);
    }

    #[test]
    fn session_end_is_a_flag_not_a_status() {
        let (mut t, t0) = started();
        let end = Hook {
            reason: Some("prompt_input_exit".into()),
            ..hook(HookEvent::SessionEnd)
        };
        assert_eq!(t.on_hook(&end, t0), Change::default());
        assert!(t.is_ending());
        assert_eq!(t.status(), &Status::Idle);
    }

    #[test]
    fn manual_compaction_ends_with_session_start_auto_does_not() {
        let (mut t, t0) = started();
        let compact = |trigger: &str| Hook {
            trigger: Some(trigger.into()),
            ..hook(HookEvent::PreCompact)
        };
        assert_eq!(t.on_hook(&compact("manual"), t0), to(Status::Busy));
        assert_eq!(t.on_hook(&start("compact", "s1"), t0), to(Status::Idle));

        t.on_hook(&prompt("long work"), t0);
        t.on_hook(&compact("auto"), t0);
        assert_eq!(t.on_hook(&start("compact", "s1"), t0), Change::default());
        assert_eq!(t.status(), &Status::Busy);
    }

    #[test]
    fn never_leaves_exited_or_failed() {
        for end in [Status::Exited(0), Status::Failed("no such file".into())] {
            let (mut t, t0) = started();
            t.on_hook(&prompt("go"), t0);
            t.on_hook(&hook(HookEvent::Stop), t0);
            t.on_exit(end.clone());
            assert_eq!(t.next_deadline(), None);
            t.on_exit(Status::Exited(3));
            t.on_exit(Status::Idle);
            let rules = Rules::default();
            let later = t0 + 10_000 * MS;
            for c in [
                t.on_hook(&prompt("again"), later),
                t.on_hook(&start("clear", "s9"), later),
                t.on_hook(&tool(HookEvent::PermissionRequest, "Bash"), later),
                t.on_screen("❯ \n  ? for shortcuts", &rules, later),
                t.on_output(later),
                t.on_deadline(later),
            ] {
                assert_eq!(c, Change::default());
            }
            assert_eq!(t.status(), &end);
        }
    }

    #[test]
    fn live_statuses_are_not_exits() {
        let (mut t, _) = started();
        t.on_exit(Status::Busy);
        assert_eq!(t.status(), &Status::Idle);
    }

    const IDLE: &str = "───\n❯\u{a0}\n───\n  ? for shortcuts · ← for agents\n\n\n";
    const BUSY: &str = "✽ Booping…\n───\n❯\u{a0}\n───\n  esc to interrupt · ← for agents\n\n";
    const PERMISSION: &str =
        " Do you want to proceed?\n ❯ 1. Yes\n   2. Yes, and always allow\n   3. No\n";

    #[test]
    fn screen_rules_drive_a_session_without_hooks() {
        let rules = Rules::default();
        let t0 = Instant::now();
        let mut t = Tracker::claude();
        assert_eq!(t.on_screen("", &rules, t0), Change::default());
        assert_eq!(t.on_screen(IDLE, &rules, t0), to(Status::Idle));
        assert_eq!(t.on_screen(BUSY, &rules, t0), to(Status::Busy));
        let c = t.on_screen(PERMISSION, &rules, t0);
        assert_eq!(c.status, Some(Status::Waiting));
        assert_eq!(c.needs_user.as_deref(), Some("needs permission"));
        assert_eq!(t.on_screen(BUSY, &rules, t0), to(Status::Busy));

        // Idle is debounced: a busy frame soon after cancels it.
        assert_eq!(t.on_screen(IDLE, &rules, t0), Change::default());
        assert_eq!(t.next_deadline(), Some(t0 + IDLE_DEBOUNCE));
        // Repeated idle frames do not push the deadline back.
        t.on_screen(IDLE, &rules, t0 + 300 * MS);
        assert_eq!(t.next_deadline(), Some(t0 + IDLE_DEBOUNCE));
        t.on_screen(BUSY, &rules, t0 + 400 * MS);
        assert_eq!(t.next_deadline(), None);

        t.on_screen(IDLE, &rules, t0 + 1000 * MS);
        let c = t.on_deadline(t0 + 1000 * MS + IDLE_DEBOUNCE);
        assert_eq!(c.status, Some(Status::Idle));
        assert!(c.turn_finished);
    }

    #[test]
    fn hooks_overrule_the_screen_while_they_speak() {
        let rules = Rules::default();
        let (mut t, t0) = started();
        assert_eq!(t.on_screen(BUSY, &rules, t0), Change::default());
        assert_eq!(t.status(), &Status::Idle);

        t.on_hook(&prompt("go"), t0);
        // The idle prompt is still drawn right after submitting.
        assert_eq!(t.on_screen(IDLE, &rules, t0 + 100 * MS), Change::default());
        assert_eq!(t.next_deadline(), Some(t0 + 100 * MS + HOOK_SILENCE));
        assert_eq!(t.on_screen(BUSY, &rules, t0 + 300 * MS), Change::default());
        assert_eq!(t.next_deadline(), None);
        assert_eq!(t.on_deadline(t0 + 10 * HOOK_SILENCE), Change::default());
        assert_eq!(t.status(), &Status::Busy);
        assert!(t.reads_screen());
    }

    #[test]
    fn an_interrupted_turn_without_stop_ends_from_the_screen() {
        let rules = Rules::default();
        let (mut t, t0) = started();
        t.on_hook(&prompt("slow again please"), t0);
        let later = t0 + HOOK_SILENCE;
        assert_eq!(t.on_screen(BUSY, &rules, later), Change::default());
        assert_eq!(t.on_screen(IDLE, &rules, later), Change::default());
        assert_eq!(t.next_deadline(), Some(later + HOOK_SILENCE));
        let c = t.on_deadline(later + HOOK_SILENCE);
        assert_eq!(c.status, Some(Status::Idle));
        assert!(c.turn_finished);
    }

    /// The case: the hooks that would have said so were lost, and the
    /// tab shows idle while Claude asks "Do you want to proceed?".
    #[test]
    fn a_dropped_permission_hook_is_recovered_from_the_screen() {
        let rules = Rules::default();
        let (mut t, t0) = started();
        let shown = t0 + 5000 * MS;
        assert_eq!(t.on_screen(PERMISSION, &rules, shown), Change::default());
        assert_eq!(t.next_deadline(), Some(shown + HOOK_SILENCE));
        assert_eq!(t.on_deadline(shown + HOOK_SILENCE - MS), Change::default());
        let c = t.on_deadline(shown + HOOK_SILENCE);
        assert_eq!(c.status, Some(Status::Waiting));
        assert_eq!(c.needs_user.as_deref(), Some("needs permission"));
        // Settled: the screen agrees now, nothing more is due.
        assert_eq!(t.next_deadline(), None);
        assert_eq!(
            t.on_screen(PERMISSION, &rules, shown + 2 * HOOK_SILENCE),
            Change::default()
        );
        assert_eq!(t.next_deadline(), None);

        // Mid-turn: PreToolUse came, PermissionRequest did not. The dialog is
        // up at once, while the last hook is recent: its time counts.
        let (mut t, t0) = started();
        t.on_hook(&prompt("go"), t0);
        let pre = t0 + 1000 * MS;
        t.on_hook(&tool(HookEvent::PreToolUse, "Bash"), pre);
        t.on_screen(PERMISSION, &rules, pre + 10 * MS);
        assert_eq!(t.next_deadline(), Some(pre + 10 * MS + HOOK_SILENCE));
        let c = t.on_deadline(pre + 10 * MS + HOOK_SILENCE);
        assert_eq!(c.status, Some(Status::Waiting));
    }

    #[test]
    fn a_dropped_prompt_hook_is_recovered_from_the_screen() {
        let rules = Rules::default();
        let (mut t, t0) = started();
        t.on_screen(BUSY, &rules, t0 + 100 * MS);
        let c = t.on_deadline(t0 + 100 * MS + HOOK_SILENCE);
        assert_eq!(c, to(Status::Busy));
    }

    #[test]
    fn a_hook_restarts_the_wait_and_the_screen_does_not_flap() {
        let rules = Rules::default();
        let (mut t, t0) = started();
        t.on_hook(&prompt("go"), t0);
        t.on_screen(PERMISSION, &rules, t0 + 100 * MS);
        // The hook arrives late after all: it decides, and the clock restarts.
        let late = t0 + 1500 * MS;
        let c = t.on_hook(&tool(HookEvent::PermissionRequest, "Bash"), late);
        assert_eq!(c.needs_user.as_deref(), Some("needs permission for Bash"));
        assert_eq!(t.next_deadline(), None, "the screen agrees");
        // Answered: the tool runs, and the dialog is gone from the screen.
        t.on_hook(&tool(HookEvent::PostToolUse, "Bash"), late + 1000 * MS);
        assert_eq!(t.next_deadline(), Some(late + 1000 * MS + HOOK_SILENCE));
        t.on_screen(BUSY, &rules, late + 1100 * MS);
        assert_eq!(t.next_deadline(), None);
        // A frame no rule knows (output scrolling by) contradicts nothing.
        t.on_screen("plain output\n", &rules, late + 1200 * MS);
        assert_eq!(t.on_deadline(late + 10 * HOOK_SILENCE), Change::default());
        assert_eq!(t.status(), &Status::Busy);
    }

    #[test]
    fn a_busy_screen_does_not_overrule_a_question() {
        let rules = Rules::default();
        let (mut t, t0) = started();
        t.on_hook(&prompt("go"), t0);
        t.on_hook(&tool(HookEvent::PreToolUse, "AskUserQuestion"), t0);
        t.on_screen(BUSY, &rules, t0 + 100 * MS);
        assert_eq!(t.next_deadline(), None);
        assert_eq!(t.on_deadline(t0 + 10 * HOOK_SILENCE), Change::default());
        assert_eq!(t.status(), &Status::Waiting);
    }

    #[test]
    fn generic_programs_are_busy_while_output_flows() {
        let t0 = Instant::now();
        let mut t = Tracker::generic(t0);
        assert!(!t.reads_screen());
        assert_eq!(t.on_screen(BUSY, &Rules::default(), t0), Change::default());
        assert_eq!(t.on_output(t0 + 100 * MS), to(Status::Busy));
        assert_eq!(t.on_output(t0 + 1000 * MS), Change::default());
        assert_eq!(t.next_deadline(), Some(t0 + 1000 * MS + GENERIC_QUIET));
        assert_eq!(t.on_deadline(t0 + 2000 * MS), Change::default());
        assert_eq!(t.on_deadline(t0 + 2500 * MS), to(Status::Idle));
        assert_eq!(t.next_deadline(), None, "no timer while idle");
        assert_eq!(t.on_output(t0 + 9000 * MS), to(Status::Busy));
    }

    /// Focusing a session from a client of another size resizes it, and a
    /// shell reprints its prompt on SIGWINCH: that is not work.
    #[test]
    fn the_redraw_after_a_resize_is_not_work() {
        let t0 = Instant::now();
        let mut t = Tracker::generic(t0);
        assert_eq!(t.on_deadline(t0 + GENERIC_QUIET), to(Status::Idle));
        let resized = t0 + 5000 * MS;
        t.on_resize(resized);
        assert_eq!(t.on_output(resized + 5 * MS), Change::default());
        assert_eq!(t.on_output(resized + 300 * MS), Change::default());
        assert_eq!(t.status(), &Status::Idle);
        assert_eq!(t.next_deadline(), None, "no timer while idle");
        // Output that goes on past the redraw is work again.
        assert_eq!(t.on_output(resized + RESIZE_REDRAW), to(Status::Busy));

        // A program already busy stays busy through a resize.
        t.on_resize(resized + 2000 * MS);
        assert_eq!(t.on_output(resized + 2100 * MS), Change::default());
        assert_eq!(t.status(), &Status::Busy);
        assert_eq!(t.next_deadline(), Some(resized + 2100 * MS + GENERIC_QUIET));
    }

    #[test]
    fn a_silent_generic_program_is_idle() {
        let t0 = Instant::now();
        let mut t = Tracker::generic(t0);
        assert_eq!(t.next_deadline(), Some(t0 + GENERIC_QUIET));
        assert_eq!(t.on_deadline(t0 + GENERIC_QUIET), to(Status::Idle));
    }

    #[test]
    fn a_generic_program_that_sends_hooks_is_claude() {
        let t0 = Instant::now();
        let mut t = Tracker::generic(t0);
        t.on_hook(&start("startup", "s1"), t0);
        t.on_hook(&prompt("go"), t0);
        assert_eq!(t.on_output(t0), Change::default());
        assert_eq!(t.on_deadline(t0 + 5 * GENERIC_QUIET), Change::default());
        assert_eq!(t.status(), &Status::Busy);
    }

    #[test]
    fn claude_sessions_ignore_raw_output() {
        let (mut t, t0) = started();
        assert_eq!(t.on_output(t0), Change::default());
        assert_eq!(t.next_deadline(), None);
    }

    #[test]
    fn task_is_one_tidy_line() {
        assert_eq!(one_line("  a\r\n\n b\t c  ").as_deref(), Some("a b c"));
        assert_eq!(one_line(" \n "), None);
        let long = one_line(&"é".repeat(5000)).unwrap();
        assert_eq!(long.chars().count(), TASK_MAX_CHARS + 1);
    }
}
