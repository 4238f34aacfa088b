//! `ccmux send` and the prompt queue with the real Claude Code CLI offline
//! (see tests/real_claude): a prompt goes in only while Claude is idle at its
//! prompt, never while it streams an answer nor into a permission dialog,
//! and `--wait` prints Claude's answer.

mod real_claude;
mod support;

use real_claude::World;
use support::Pty;

/// What `ccmux send` prints for a prompt that waits in `id`'s queue.
fn queued(id: &str, position: usize) -> String {
    format!("{}: queued at position {position}\n", &id[..8])
}

/// The prompts Claude took, in order, as the user's own UserPromptSubmit
/// hook saw them.
fn submitted(w: &World) -> Vec<String> {
    let log = std::fs::read_to_string(w.home.join("user-hook.log")).unwrap_or_default();
    serde_json::Deserializer::from_str(&log)
        .into_iter::<serde_json::Value>()
        .filter_map(|payload| Some(payload.ok()?["prompt"].as_str()?.to_string()))
        .collect()
}

/// A session in directory `a`, and a terminal attached to it once Claude is
/// at its prompt. (A prompt sent before that, as soon as Claude reports its
/// start, can be lost: `send_wait_prints_each_answer_in_turn` meets it.)
fn started(w: &World) -> (String, Pty) {
    let id = w.new_session("a");
    let pty = w.attach();
    pty.wait_text("? for shortcuts");
    w.wait_ls("idle", |l| l[0]["status"] == "idle");
    (id, pty)
}

#[test]
fn a_prompt_sent_while_an_answer_streams_waits_for_the_turn_to_end() {
    let Some(w) = World::new(&["a"]) else {
        return;
    };
    let (id, pty) = started(&w);
    assert_eq!(
        w.send(&[&id, "please be slow"]),
        format!("{}: delivered\n", &id[..8])
    );
    w.wait_ls("busy", |l| l[0]["status"] == "busy");
    assert_eq!(w.send(&[&id, "hello"]), queued(&id, 1));

    w.wait_ls("hello delivered and answered", |l| {
        l[0]["queued"] == 0 && l[0]["task"] == "hello" && l[0]["status"] == "idle"
    });
    let screen = pty.wait_text("Mock answer to: hello MOCK-ANSWER-OK");
    let slow_done = screen.find("MOCK-SLOW-DONE").expect("the slow answer");
    assert!(
        slow_done < screen.find("❯ hello").expect("the prompt"),
        "{screen}"
    );
    assert_eq!(submitted(&w), ["please be slow", "hello"]);
}

#[test]
fn a_prompt_sent_during_a_permission_dialog_waits_until_the_user_approves() {
    let Some(w) = World::new(&["a"]) else {
        return;
    };
    let (id, mut pty) = started(&w);
    w.send(&[&id, "please use the tool"]);
    w.wait_ls("waiting for permission", |l| l[0]["status"] == "waiting");
    assert_eq!(w.send(&[&id, "hello"]), queued(&id, 1));
    pty.wait_text("Do you want to proceed?");
    // Claude asks until someone answers: the prompt is still queued, not
    // typed into the dialog.
    assert_eq!(w.ls()[0]["queued"], 1);
    assert_eq!(submitted(&w), ["please use the tool"]);
    pty.send("\r");
    let screen = pty.wait_text("Mock answer to: hello MOCK-ANSWER-OK");
    let tool_done = screen.find("MOCK-TOOL-DONE").expect("the tool's answer");
    assert!(
        tool_done < screen.find("❯ hello").expect("the prompt"),
        "{screen}"
    );
    assert_eq!(submitted(&w), ["please use the tool", "hello"]);
    let out = std::fs::read_to_string(w.dir("a").join("out.txt")).expect("the tool ran");
    assert_eq!(out, "hi\n");
}

#[test]
fn send_wait_prints_each_answer_in_turn() {
    let Some(w) = World::new(&["a"]) else {
        return;
    };
    // As a script would: no wait for Claude to start, the first prompt
    // waits in the queue until Claude is at its prompt.
    let id = w.new_session("a");
    for step in ["first step", "second step"] {
        let (out, err, code) = w.run(&["send", "--wait", &id, step]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            out,
            format!("Mock answer to: {step} MOCK-ANSWER-OK\n"),
            "{err}{:#?}\n{}",
            w.ls(),
            w.glance()
        );
    }
}
