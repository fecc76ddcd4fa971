//! Ready answers for busy lists: the serialized page, kept with the stamp
//! of the tables it was read from (`store::changes`) and served until one
//! of them changes. A class of students polling their VMs then costs a
//! lookup per request instead of a query and its JSON.

use crate::store::changes::{Changes, Tables};
use bytes::Bytes;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

/// Pages larger than this are not kept.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// Keys share this many turns to make an answer.
const TURNS: usize = 16;

#[derive(Debug)]
pub struct Answers {
    capacity: usize,
    entries: Mutex<HashMap<String, (u64, Bytes)>>,
    /// One request at a time makes a missing answer, so a change does not
    /// send every waiting request to the database at once.
    turns: [tokio::sync::Mutex<()>; TURNS],
    hasher: RandomState,
}

impl Answers {
    /// Keeps at most `capacity` answers; 0 keeps none.
    pub fn new(capacity: usize) -> Answers {
        Answers {
            capacity,
            entries: Mutex::new(HashMap::new()),
            turns: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
            hasher: RandomState::new(),
        }
    }

    /// The answer for `key`, read from `tables`: the kept one while they are
    /// unchanged, else made by `make` (one request per key at a time) and
    /// kept.
    pub async fn get_or_make<E, F, Fut>(&self, key: String, tables: Tables, changes: &Changes, make: F) -> Result<Bytes, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Bytes, E>>,
    {
        if self.capacity == 0 {
            return make().await;
        }
        if let Some(kept) = self.get(&key, changes.stamp(tables)) {
            return Ok(kept);
        }
        let _turn = self.turns[self.hasher.hash_one(&key) as usize % TURNS].lock().await;
        // Whoever had the turn before may have made it.
        let stamp = changes.stamp(tables);
        if let Some(kept) = self.get(&key, stamp) {
            return Ok(kept);
        }
        let answer = make().await?;
        if changes.settled(tables, stamp) {
            self.put(key, stamp, answer.clone());
        }
        Ok(answer)
    }

    /// The answer kept for `key` if it was made at `stamp`.
    fn get(&self, key: &str, stamp: u64) -> Option<Bytes> {
        if self.capacity == 0 {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(key).filter(|(s, _)| *s == stamp).map(|(_, b)| b.clone())
    }

    /// Keeps `answer`, read after `stamp` was taken and settled since
    /// (`Changes::settled`), for `key`. The key
    /// must name everything the answer depends on besides the tables:
    /// whose view it is, the filter, the page.
    fn put(&self, key: String, stamp: u64, answer: Bytes) {
        if self.capacity == 0 || answer.len() > MAX_ANSWER_BYTES {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            // Full: make room. Which one goes matters little; a popular
            // page is back after its next request.
            if let Some(k) = entries.keys().next().cloned() {
                entries.remove(&k);
            }
        }
        entries.insert(key, (stamp, answer));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_serves_only_its_stamp_and_the_cache_stays_bounded() {
        let a = Answers::new(2);
        a.put("x".into(), 7, Bytes::from_static(b"seven"));
        assert_eq!(a.get("x", 7).as_deref(), Some(&b"seven"[..]));
        assert_eq!(a.get("x", 8), None, "a changed table makes the answer stale");
        assert_eq!(a.get("y", 7), None);
        a.put("y".into(), 1, Bytes::from_static(b"y"));
        a.put("z".into(), 1, Bytes::from_static(b"z"));
        assert_eq!(a.entries.lock().unwrap().len(), 2);
        assert_eq!(a.get("z", 1).as_deref(), Some(&b"z"[..]));
        let off = Answers::new(0);
        off.put("x".into(), 1, Bytes::from_static(b"x"));
        assert_eq!(off.get("x", 1), None);
    }

    #[tokio::test]
    async fn many_requests_for_a_missing_answer_make_it_once() {
        let answers = std::sync::Arc::new(Answers::new(8));
        let changes = Changes::new();
        let made = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tables = Tables::of(&["t"]);
        let asks = (0..20).map(|_| {
            let (answers, changes, made) = (answers.clone(), changes.clone(), made.clone());
            tokio::spawn(async move {
                answers
                    .get_or_make("k".into(), tables, &changes, || async {
                        made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok::<_, ()>(Bytes::from_static(b"page"))
                    })
                    .await
            })
        });
        for ask in asks.collect::<Vec<_>>() {
            assert_eq!(ask.await.unwrap().unwrap(), Bytes::from_static(b"page"));
        }
        assert_eq!(made.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
