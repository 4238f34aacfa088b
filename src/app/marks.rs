//! The sessions a user marked in the table (space), to write one prompt for
//! all of them. Marks are this client's own: another viewer marks its own.

use std::collections::HashSet;

use crate::session::SessionId;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Marks(HashSet<SessionId>);

impl Marks {
    /// Marks `id`, or unmarks it if it was marked.
    pub fn toggle(&mut self, id: SessionId) {
        if !self.0.remove(&id) {
            self.0.insert(id);
        }
    }

    pub fn contains(&self, id: SessionId) -> bool {
        self.0.contains(&id)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Forgets the sessions that no longer exist (closed meanwhile).
    pub fn keep(&mut self, exists: impl Fn(SessionId) -> bool) {
        self.0.retain(|id| exists(*id));
    }

    /// The marked sessions in `order` (tab order), for drawing them.
    pub fn in_order(&self, order: impl IntoIterator<Item = SessionId>) -> Vec<SessionId> {
        order.into_iter().filter(|id| self.contains(*id)).collect()
    }

    /// Whom a prompt written now goes to: the marked sessions in `order`,
    /// else the `selected` one.
    pub fn targets(
        &self,
        order: impl IntoIterator<Item = SessionId>,
        selected: Option<SessionId>,
    ) -> Vec<SessionId> {
        let marked = self.in_order(order);
        if marked.is_empty() {
            selected.into_iter().collect()
        } else {
            marked
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marked_sessions_in_tab_order_else_the_selected_one() {
        let ids: Vec<SessionId> = (0..4).map(|_| SessionId::new()).collect();
        let mut marks = Marks::default();
        assert_eq!(marks.targets(ids.clone(), Some(ids[1])), [ids[1]]);
        assert!(marks.targets(ids.clone(), None).is_empty());

        marks.toggle(ids[3]);
        marks.toggle(ids[0]);
        marks.toggle(ids[2]);
        marks.toggle(ids[2]);
        assert!(marks.contains(ids[0]) && !marks.contains(ids[2]));
        assert_eq!(marks.in_order(ids.clone()), [ids[0], ids[3]]);
        assert_eq!(marks.targets(ids.clone(), Some(ids[1])), [ids[0], ids[3]]);

        // A closed session is no target.
        marks.keep(|id| id != ids[3]);
        assert_eq!(marks.targets(ids.clone(), Some(ids[1])), [ids[0]]);
        marks.clear();
        assert!(marks.in_order(ids.clone()).is_empty());
    }
}
