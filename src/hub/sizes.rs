//! Who looks at which session, and which size each session has.
//!
//! Sizing follows tmux's `window-size latest`: a session takes the size of
//! the client that most recently focused it or typed into it. So one client
//! alone keeps every session at its size (a switch resizes nothing), and
//! with two clients of different sizes the session follows the one in use.
//! An attaching client takes over every session whose client has gone.

use std::time::Instant;

use super::{ClientId, Hub};
use crate::session::SessionId;

pub(super) struct Viewer {
    pub focus: Option<SessionId>,
    /// The session area's size, rows then columns.
    pub size: (u16, u16),
    /// When it last attached, focused or typed: the latest wins sizes.
    pub active: Instant,
}

impl Hub {
    /// A client attached with a session area of `size` (rows, columns).
    pub fn attach(&mut self, client: ClientId, size: (u16, u16), now: Instant) {
        self.viewers.insert(
            client,
            Viewer {
                focus: None,
                size,
                active: now,
            },
        );
        let orphans: Vec<SessionId> = self
            .registry
            .iter()
            .map(|s| s.id())
            .filter(|id| {
                self.owners
                    .get(id)
                    .is_none_or(|owner| !self.viewers.contains_key(owner))
            })
            .collect();
        for id in orphans {
            self.own(client, id, now);
        }
        self.registry.set_default_size(size.0, size.1);
    }

    /// The client left: its sessions go to the client used most recently, if
    /// one is left; otherwise they keep their size.
    pub fn detach(&mut self, client: ClientId, now: Instant) {
        self.viewers.remove(&client);
        let Some(heir) = self.latest_viewer() else {
            return;
        };
        let orphans: Vec<SessionId> = self
            .owners
            .iter()
            .filter(|(_, owner)| **owner == client)
            .map(|(id, _)| *id)
            .collect();
        for id in orphans {
            self.own(heir, id, now);
        }
    }

    /// The client's session area is now `size`: its sessions follow.
    pub fn resize_client(&mut self, client: ClientId, size: (u16, u16), now: Instant) {
        let Some(viewer) = self.viewers.get_mut(&client) else {
            return;
        };
        viewer.size = size;
        let owned: Vec<SessionId> = self
            .owners
            .iter()
            .filter(|(_, owner)| **owner == client)
            .map(|(id, _)| *id)
            .collect();
        for id in owned {
            self.own(client, id, now);
        }
        if self.latest_viewer() == Some(client) {
            self.registry.set_default_size(size.0, size.1);
        }
    }

    /// `client` now shows `id` (or nothing). Looking at a session clears its
    /// mark and lets it announce again; it takes the client's size.
    pub fn focus(&mut self, client: ClientId, id: Option<SessionId>, now: Instant) {
        if let Some(viewer) = self.viewers.get_mut(&client) {
            viewer.focus = id;
            viewer.active = now;
        }
        if let Some(id) = id {
            self.last_focus = Some(id);
            self.look(id);
            self.own(client, id, now);
        }
    }

    /// `client` typed into `id`: the user is there.
    pub fn typed(&mut self, client: ClientId, id: SessionId, now: Instant) {
        if let Some(viewer) = self.viewers.get_mut(&client) {
            viewer.active = now;
        }
        self.look(id);
        self.own(client, id, now);
    }

    /// The user looks at `id`: its mark goes, and it may announce again.
    pub fn look(&mut self, id: SessionId) {
        if self.attention.remove(&id).is_some() {
            self.shown_changed();
        }
        self.limiter.looked(id);
    }

    /// Whether some client shows `id` now.
    pub fn is_viewed(&self, id: SessionId) -> bool {
        self.viewers.values().any(|v| v.focus == Some(id))
    }

    /// Gives `id` the size of `client`, resizing it if that differs. Its
    /// tracker hears of it: the program's redraw is not work.
    fn own(&mut self, client: ClientId, id: SessionId, now: Instant) {
        let Some(size) = self.viewers.get(&client).map(|v| v.size) else {
            return;
        };
        self.owners.insert(id, client);
        if let Some(session) = self.registry.get(id)
            && session.size() != size
        {
            session.resize(size.0, size.1);
            if let Some(tracker) = self.trackers.get_mut(&id) {
                tracker.on_resize(now);
            }
        }
    }

    pub(super) fn latest_viewer(&self) -> Option<ClientId> {
        self.viewers
            .iter()
            .max_by_key(|(id, v)| (v.active, **id))
            .map(|(id, _)| *id)
    }

    /// The size a new session gets: its client's, else the latest client's,
    /// else the last one known.
    pub(super) fn size_for(&self, client: Option<ClientId>) -> (u16, u16) {
        client
            .or_else(|| self.latest_viewer())
            .and_then(|c| self.viewers.get(&c))
            .map_or_else(|| self.registry.size(), |v| v.size)
    }
}
