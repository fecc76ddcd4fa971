//! Screenshots for the class wall, made cheap: QEMU dumps its screen raw
//! (PPM: no compression in QEMU), a screen that has not changed since the
//! last look is answered from the PNG made then, and a changed one is scaled
//! straight from the raw pixels and encoded small. A picture younger than
//! the cache's ttl is answered without asking QEMU at all.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

/// A decoded screen: RGB, 8 bits per sample.
#[derive(Debug, PartialEq)]
pub struct Screen<'a> {
    pub width: u32,
    pub height: u32,
    pub rgb: &'a [u8],
}

/// Largest screen accepted (QEMU's displays stay far below).
const MAX_SIDE: u32 = 16384;

/// Parses a binary PPM (`P6`, maxval 255) as QEMU's `screendump` writes it;
/// comments and any whitespace between header fields are accepted too.
pub fn parse_ppm(data: &[u8]) -> Result<Screen<'_>, String> {
    let mut at = 0;
    let mut fields = [0u32; 3];
    if data.get(..2) != Some(b"P6") {
        return Err("not a binary PPM (no P6)".into());
    }
    at += 2;
    for field in &mut fields {
        // Whitespace and comments before each number.
        loop {
            match data.get(at) {
                Some(b) if b.is_ascii_whitespace() => at += 1,
                Some(b'#') => {
                    while data.get(at).is_some_and(|b| *b != b'\n') {
                        at += 1;
                    }
                }
                Some(_) => break,
                None => return Err("the PPM header ends early".into()),
            }
        }
        let start = at;
        while data.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        let digits = std::str::from_utf8(&data[start..at]).unwrap_or_default();
        *field = digits.parse().map_err(|_| format!("a bad PPM header number at byte {start}"))?;
    }
    // Exactly one whitespace byte ends the header.
    if !data.get(at).is_some_and(u8::is_ascii_whitespace) {
        return Err("the PPM header does not end in whitespace".into());
    }
    at += 1;
    let [width, height, maxval] = fields;
    if maxval != 255 {
        return Err(format!("PPM maxval {maxval} (only 255 is read)"));
    }
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!("a {width}x{height} PPM"));
    }
    let len = width as usize * height as usize * 3;
    let rgb = data.get(at..at + len).ok_or_else(|| format!("the PPM has {} of {len} pixel bytes", data.len() - at))?;
    Ok(Screen { width, height, rgb })
}

/// The screen as PNG, scaled down (nearest neighbour, never up) to `width`.
pub fn to_png(screen: &Screen<'_>, width: Option<u32>) -> Result<Vec<u8>, String> {
    let w = width.unwrap_or(screen.width).min(screen.width).max(1);
    let h = ((screen.height as u64 * w as u64) / screen.width as u64).max(1) as u32;
    let scaled;
    let pixels = if w == screen.width {
        screen.rgb
    } else {
        let mut out = Vec::with_capacity(w as usize * h as usize * 3);
        let line = screen.width as usize * 3;
        for y in 0..h {
            let sy = (y as u64 * screen.height as u64 / h as u64) as usize;
            let row = &screen.rgb[sy * line..(sy + 1) * line];
            for x in 0..w {
                let sx = (x as u64 * screen.width as u64 / w as u64) as usize * 3;
                out.extend_from_slice(&row[sx..sx + 3]);
            }
        }
        scaled = out;
        &scaled
    };
    let mut encoded = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut encoded, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(pixels).map_err(|e| e.to_string())?;
    }
    Ok(encoded)
}

fn fingerprint(screen: &Screen<'_>) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (screen.width, screen.height).hash(&mut h);
    screen.rgb.hash(&mut h);
    h.finish()
}

/// One VM's last screen: when it was looked at, its fingerprint, and the
/// PNGs made from it by width (0: full size).
struct Seen {
    at: Instant,
    fingerprint: u64,
    pngs: HashMap<u32, Vec<u8>>,
}

/// The last screen of each VM looked at recently.
pub struct ScreenshotCache {
    ttl: Duration,
    map: std::sync::Mutex<HashMap<i64, Seen>>,
}

/// What a fresh dump came to, for tests and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    /// The screen had not changed: the PNG made before.
    Unchanged,
    /// Encoded now.
    Encoded,
}

impl ScreenshotCache {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, map: Default::default() }
    }

    /// A PNG of `width` made within the ttl, if there is one.
    pub fn recent(&self, vm: i64, width: u32) -> Option<Vec<u8>> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&vm).filter(|s| s.at.elapsed() < self.ttl).and_then(|s| s.pngs.get(&width).cloned())
    }

    /// The PNG of `width` for a screen just dumped (raw PPM): the one made
    /// before if the screen is unchanged, else a new one.
    pub fn from_dump(&self, vm: i64, width: u32, ppm: &[u8]) -> Result<(Vec<u8>, Made), String> {
        let screen = parse_ppm(ppm)?;
        let print = fingerprint(&screen);
        {
            let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(seen) = map.get_mut(&vm).filter(|s| s.fingerprint == print) {
                seen.at = Instant::now();
                if let Some(png) = seen.pngs.get(&width) {
                    return Ok((png.clone(), Made::Unchanged));
                }
            }
        }
        let png = to_png(&screen, (width > 0).then_some(width))?;
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        // Forget VMs nobody has looked at for a while.
        map.retain(|_, s| s.at.elapsed() < self.ttl * 30);
        let seen = map.entry(vm).or_insert_with(|| Seen { at: Instant::now(), fingerprint: print, pngs: HashMap::new() });
        if seen.fingerprint != print {
            seen.fingerprint = print;
            seen.pngs.clear();
        }
        seen.at = Instant::now();
        seen.pngs.insert(width, png.clone());
        Ok((png, Made::Encoded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ppm(w: u32, h: u32, header: &str, fill: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
        let mut out = header.replace("{w}", &w.to_string()).replace("{h}", &h.to_string()).into_bytes();
        for y in 0..h {
            for x in 0..w {
                out.extend_from_slice(&fill(x, y));
            }
        }
        out
    }

    fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut r = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size()];
        let info = r.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn qemu_style_and_commented_headers_parse() {
        let data = ppm(4, 2, "P6\n{w} {h}\n255\n", |x, y| [x as u8, y as u8, 7]);
        let s = parse_ppm(&data).unwrap();
        assert_eq!((s.width, s.height, s.rgb.len()), (4, 2, 24));
        assert_eq!(&s.rgb[..3], &[0, 0, 7]);
        let data = ppm(4, 2, "P6 # a comment\n{w}\t{h} # more\n255 ", |_, _| [1, 2, 3]);
        assert_eq!(parse_ppm(&data).unwrap().rgb[..3], [1, 2, 3]);
    }

    #[test]
    fn bad_ppms_are_refused_not_panicked_on() {
        let good = ppm(4, 2, "P6\n{w} {h}\n255\n", |_, _| [0, 0, 0]);
        for bad in [
            &b""[..],
            b"P5\n4 2\n255\n",
            b"P6\n4 2\n65535\n",
            b"P6\n0 2\n255\n",
            b"P6\n99999 2\n255\n",
            b"P6\n4 2\n255",
            b"P6\n4 x\n255\n",
            b"P6\n4 2\n255\nshort",
            &good[..good.len() - 1],
        ] {
            assert!(parse_ppm(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        // Every prefix and every single-byte change of a good file: an
        // answer, never a panic.
        for n in 0..good.len() {
            let _ = parse_ppm(&good[..n]);
            for b in [0u8, b' ', b'#', b'9', 255] {
                let mut m = good.clone();
                m[n] = b;
                let _ = parse_ppm(&m);
            }
        }
    }

    #[test]
    fn scaling_keeps_the_aspect_and_samples_the_picture() {
        // Left half red, right half blue.
        let data = ppm(640, 400, "P6\n{w} {h}\n255\n", |x, _| if x < 320 { [255, 0, 0] } else { [0, 0, 255] });
        let png = to_png(&parse_ppm(&data).unwrap(), Some(320)).unwrap();
        let (w, h, px) = decode(&png);
        assert_eq!((w, h), (320, 200));
        assert_eq!(&px[..3], &[255, 0, 0]);
        assert_eq!(&px[px.len() - 3..], &[0, 0, 255]);
        let (w, h, _) = decode(&to_png(&parse_ppm(&data).unwrap(), Some(4096)).unwrap());
        assert_eq!((w, h), (640, 400), "never scaled up");
    }

    #[test]
    fn an_unchanged_screen_is_not_encoded_again() {
        let cache = ScreenshotCache::new(Duration::from_secs(2));
        let a = ppm(64, 32, "P6\n{w} {h}\n255\n", |x, y| [x as u8, y as u8, 0]);
        let b = ppm(64, 32, "P6\n{w} {h}\n255\n", |x, y| [x as u8, y as u8, 1]);
        let (first, made) = cache.from_dump(1, 16, &a).unwrap();
        assert_eq!(made, Made::Encoded);
        let (again, made) = cache.from_dump(1, 16, &a).unwrap();
        assert_eq!((made, &again), (Made::Unchanged, &first));
        assert_eq!(cache.from_dump(1, 32, &a).unwrap().1, Made::Encoded, "another width is made once");
        assert_eq!(cache.from_dump(1, 16, &b).unwrap().1, Made::Encoded, "a changed screen is");
        assert_eq!(cache.from_dump(2, 16, &b).unwrap().1, Made::Encoded, "per VM");
        assert_eq!(cache.recent(1, 16).map(|p| decode(&p).2[2]), Some(1));
    }
}
