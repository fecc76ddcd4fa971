//! Recently taken screenshots, kept briefly: a class wall asks often.

use std::time::{Duration, Instant};

/// Recently taken screenshots, by (VM, width).
pub struct ScreenshotCache {
    ttl: Duration,
    map: std::sync::Mutex<std::collections::HashMap<(i64, u32), (Instant, Vec<u8>)>>,
}

impl ScreenshotCache {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, map: Default::default() }
    }
    pub fn get(&self, key: (i64, u32)) -> Option<Vec<u8>> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&key).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, png)| png.clone())
    }
    pub fn put(&self, key: (i64, u32), png: Vec<u8>) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, (at, _)| at.elapsed() < self.ttl);
        map.insert(key, (Instant::now(), png));
    }
}
