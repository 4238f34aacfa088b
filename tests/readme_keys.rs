//! The README's keys table is the help overlay: the same default bindings,
//! each action's row starting with its help line, and nothing else. Both come
//! from the one action list (`ccmux::action::ACTIONS`), so they cannot drift.
//! Its copy mode table is copy mode's help page (`ccmux::copy::help`).

use ccmux::action::ACTIONS;
use ccmux::keys::Keymap;

/// The tables under `## Keys`, in order, each as its rows: the backquoted
/// keys of the first cell, and the second cell.
fn readme_tables() -> Vec<Vec<(Vec<String>, String)>> {
    let readme = include_str!("../README.md");
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Keys\n"))
        .expect("README.md has a \"## Keys\" section");
    let mut tables: Vec<Vec<&str>> = Vec::new();
    let mut in_table = false;
    for line in section.lines() {
        let row = line.starts_with('|');
        if row && !in_table {
            tables.push(Vec::new());
        }
        if let (true, Some(table)) = (row, tables.last_mut()) {
            table.push(line);
        }
        in_table = row;
    }
    tables
        .into_iter()
        .map(|table| {
            table
                .into_iter()
                .skip(2) // the heading and the |---| line
                .map(|line| {
                    let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
                    let keys = cells[0]
                        .split('`')
                        .skip(1)
                        .step_by(2)
                        .map(str::to_string)
                        .collect();
                    (keys, cells.get(1).unwrap_or(&"").trim().to_string())
                })
                .collect()
        })
        .collect()
}

/// The rows of the keys table: the first under `## Keys`.
fn readme_rows() -> Vec<(Vec<String>, String)> {
    readme_tables().into_iter().next().unwrap_or_default()
}

/// The default bindings grouped by action, in help order, with the help line.
fn help_rows() -> Vec<(Vec<String>, &'static str)> {
    let help = Keymap::default().help();
    ACTIONS
        .iter()
        .filter_map(|info| {
            let keys: Vec<String> = help
                .iter()
                .filter(|(_, action)| action.kind() == info.kind)
                .map(|(label, _)| label.clone())
                .collect();
            (!keys.is_empty()).then_some((keys, info.help))
        })
        .collect()
}

#[test]
fn the_readme_keys_table_is_the_help() {
    let readme = readme_rows();
    let help = help_rows();
    let expected: String = help
        .iter()
        .map(|(keys, help)| {
            let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            format!("| {} | {help} … |\n", keys.join(", "))
        })
        .collect();
    let hint = format!("README.md's keys table should have these rows, in order:\n{expected}");
    assert_eq!(readme.len(), help.len(), "{hint}");
    for ((readme_keys, readme_what), (keys, help)) in readme.iter().zip(&help) {
        assert_eq!(readme_keys, keys, "{hint}");
        assert!(
            readme_what.starts_with(help),
            "the row of {keys:?} should start with {help:?}, not {readme_what:?}\n{hint}"
        );
    }
}

#[test]
fn the_readme_copy_mode_table_is_its_help() {
    let tables = readme_tables();
    let readme = tables
        .get(1)
        .expect("a copy mode table after the keys table");
    let help = ccmux::copy::help();
    let expected: String = help
        .iter()
        .map(|(keys, what)| format!("| `{keys}` | {what} … |\n"))
        .collect();
    let hint = format!("README.md's copy mode table should have these rows, in order:\n{expected}");
    assert_eq!(readme.len(), help.len(), "{hint}");
    for ((readme_keys, readme_what), (keys, what)) in readme.iter().zip(&help) {
        assert_eq!(readme_keys, &[keys.to_string()], "{hint}");
        assert!(readme_what.starts_with(what), "{readme_what:?}\n{hint}");
    }
}
