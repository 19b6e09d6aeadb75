//! The country of a page view, from a GeoIP database the operator keeps
//! on the server (a MaxMind DB file: GeoLite2 Country or City, DB-IP
//! Lite, or any other in that format; none is bundled). The address is
//! looked up in memory while the request is served and only the
//! two-letter country code is kept, as the recorder keeps only the
//! browser's family of its user agent.
//!
//! Such files are updated weekly by tools like `geoipupdate`, which
//! replace the file in place; the housekeeping notices a new file and
//! reads it again without a restart.

use std::{
    net::IpAddr,
    path::PathBuf,
    sync::{Arc, RwLock},
    time::SystemTime,
};

use maxminddb::{PathElement, Reader};

/// A GeoIP database file, read into memory.
pub struct Countries {
    path: PathBuf,
    loaded: RwLock<Loaded>,
}

struct Loaded {
    reader: Arc<Reader<Vec<u8>>>,
    stamp: Option<Stamp>,
}

/// What tells a new file from the one read: replaced (as updaters do) or
/// written again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: SystemTime,
    length: u64,
    inode: u64,
}

impl std::fmt::Debug for Countries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Countries")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Countries {
    /// Reads the database at `path`; an error says what is wrong with it
    /// (so that a mistyped setting stops the start, not the statistics).
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, String> {
        let path = path.into();
        let loaded = read(&path)?;
        Ok(Self {
            path,
            loaded: RwLock::new(loaded),
        })
    }

    /// The ISO 3166 code of the country `address` is in, if the database
    /// knows it (the country of the network's registration otherwise).
    pub fn country_of(&self, address: &str) -> Option<String> {
        // An IPv4 client of a dual-stack listener is seen as `::ffff:a.b.c.d`.
        let address = address.parse::<IpAddr>().ok()?.to_canonical();
        let reader = self.loaded.read().ok()?.reader.clone();
        let found = reader.lookup(address).ok()?;
        ["country", "registered_country"]
            .into_iter()
            .find_map(|place| {
                found
                    .decode_path::<String>(&[PathElement::Key(place), PathElement::Key("iso_code")])
                    .ok()
                    .flatten()
            })
            .filter(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()))
    }

    /// Reads the file again if it changed since it was read; keeps the
    /// copy in memory if the new file cannot be read. Whether it was read.
    pub fn refresh(&self) -> bool {
        let stamp = stamp(&self.path);
        let unchanged = self.loaded.read().is_ok_and(|loaded| loaded.stamp == stamp);
        if unchanged {
            return false;
        }
        match read(&self.path) {
            Ok(fresh) => {
                if let Ok(mut loaded) = self.loaded.write() {
                    *loaded = fresh;
                }
                tracing::info!(path = %self.path.display(), "GeoIP database read again");
                true
            }
            Err(error) => {
                // Not tried again until the file changes once more.
                if let Ok(mut loaded) = self.loaded.write() {
                    loaded.stamp = stamp;
                }
                tracing::warn!(%error, "the new GeoIP database could not be read; the old one stays");
                false
            }
        }
    }
}

fn stamp(path: &std::path::Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        modified: meta.modified().ok()?,
        length: meta.len(),
        inode: meta.ino(),
    })
}

fn read(path: &std::path::Path) -> Result<Loaded, String> {
    let stamp = stamp(path);
    let reader = Reader::open_readfile(path).map_err(|error| {
        format!(
            "the GeoIP database {} cannot be read: {error}",
            path.display()
        )
    })?;
    Ok(Loaded {
        reader: Arc::new(reader),
        stamp,
    })
}
