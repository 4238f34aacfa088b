//! The config file as written: every key optional, unknown keys refused.
//! Values checked beyond their TOML type keep their span, so a bad one can be
//! pointed at.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::profile::ProfileFile;
use crate::keys::KeysConfig;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub command: Option<Spanned<String>>,
    pub args: Option<Vec<String>>,
    pub env: Option<BTreeMap<String, String>>,
    pub scrollback: Option<usize>,
    pub agent: Option<Spanned<String>>,
    pub notify: Option<bool>,
    pub clipboard: Option<bool>,
    pub restore: Option<bool>,
    pub auto_restart: Option<bool>,
    pub profiles: Option<BTreeMap<Spanned<String>, ProfileFile>>,
    pub picker: Option<PickerFile>,
    pub colors: Option<ColorsFile>,
    pub keys: Option<KeysConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PickerFile {
    pub start_dir: Option<Spanned<String>>,
    pub show_hidden: Option<bool>,
}

/// One optional colour per `Theme` field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColorsFile {
    pub accent: Option<Spanned<String>>,
    pub chrome_fg: Option<Spanned<String>>,
    pub chrome_bg: Option<Spanned<String>>,
    pub dim: Option<Spanned<String>>,
    pub attention: Option<Spanned<String>>,
    pub idle: Option<Spanned<String>>,
    pub busy: Option<Spanned<String>>,
    pub waiting: Option<Spanned<String>>,
    pub exited: Option<Spanned<String>>,
    pub failed: Option<Spanned<String>>,
}
