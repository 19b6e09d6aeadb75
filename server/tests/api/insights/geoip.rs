//! With a GeoIP database configured, a page view keeps the country of its
//! address, and nothing more of the address; the database is read again
//! when the operator replaces the file.
//!
//! No GeoIP database can be bundled, so the tests write a small one in the
//! MaxMind DB format (a binary search tree over the address bits, a data
//! section and the metadata), as a real one from `geoipupdate` would be.

use std::{net::Ipv4Addr, path::Path};

use app::insights::{countries_ssr::Countries, recording_ssr::Recorder};
use sea_orm::EntityTrait;

use super::{
    dashboard::{report, table},
    recording::{FIREFOX, visit},
};
use crate::{
    forum::threads::forum_admin,
    helpers::{TestApp, TestResult, spawn_app_with},
};

/// A MaxMind DB file (IPv6 tree, 24-bit records) in which each IPv4
/// network of `networks` is in the country of its code.
fn mmdb(networks: &[(Ipv4Addr, u8, &str)]) -> Vec<u8> {
    #[derive(Clone, Copy)]
    enum Record {
        Empty,
        Node(usize),
        Data(usize),
    }
    let mut data = Vec::new();
    let mut nodes = vec![[Record::Empty; 2]];
    for (network, prefix, code) in networks {
        let offset = data.len();
        data.extend(map(&[("country", map(&[("iso_code", string(code))]))]));
        // IPv4 addresses sit under ::/96 in an IPv6 tree.
        let bits = (96 + usize::from(*prefix), u128::from(u32::from(*network)));
        let mut node = 0;
        for depth in 0..bits.0 {
            let bit = usize::from((bits.1 >> (127 - depth)) & 1 == 1);
            if depth + 1 == bits.0 {
                nodes[node][bit] = Record::Data(offset);
            } else {
                node = match nodes[node][bit] {
                    Record::Node(next) => next,
                    _ => {
                        nodes.push([Record::Empty; 2]);
                        let next = nodes.len() - 1;
                        nodes[node][bit] = Record::Node(next);
                        next
                    }
                };
            }
        }
    }
    let count = nodes.len();
    let mut file = Vec::new();
    for pair in &nodes {
        for record in pair {
            let value = match *record {
                Record::Empty => count,
                Record::Node(next) => next,
                Record::Data(offset) => count + 16 + offset,
            };
            // 24-bit records: the low three bytes.
            file.extend(&(value as u32).to_be_bytes()[1..]);
        }
    }
    file.extend([0; 16]);
    file.extend(data);
    file.extend(b"\xAB\xCD\xEFMaxMind.com");
    file.extend(map(&[
        ("binary_format_major_version", uint(5, 2)),
        ("binary_format_minor_version", uint(5, 0)),
        ("build_epoch", extended(9, &1_796_000_000_u64.to_be_bytes())),
        ("database_type", string("Test-Country")),
        (
            "description",
            map(&[("en", string("Countries for the tests"))]),
        ),
        ("ip_version", uint(5, 6)),
        ("languages", extended_array(&[string("en")])),
        ("node_count", uint(6, count as u64)),
        ("record_size", uint(5, 24)),
    ]));
    file
}

/// A control byte: the type, and a size under 29.
fn control(kind: u8, size: usize) -> u8 {
    assert!(size < 29, "a longer value needs the longer size forms");
    (kind << 5) | size as u8
}

fn string(text: &str) -> Vec<u8> {
    let mut out = vec![control(2, text.len())];
    out.extend(text.as_bytes());
    out
}

fn map(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = vec![control(7, entries.len())];
    for (key, value) in entries {
        out.extend(string(key));
        out.extend(value);
    }
    out
}

/// An unsigned integer of type 5 (16 bits) or 6 (32 bits), shortest form.
fn uint(kind: u8, value: u64) -> Vec<u8> {
    let bytes: Vec<u8> = value
        .to_be_bytes()
        .into_iter()
        .skip_while(|byte| *byte == 0)
        .collect();
    let mut out = vec![control(kind, bytes.len())];
    out.extend(bytes);
    out
}

/// A value of an extended type (9: uint64).
fn extended(kind: u8, bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![control(0, bytes.len()), kind - 7];
    out.extend(bytes);
    out
}

fn extended_array(items: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![control(0, items.len()), 11 - 7];
    for item in items {
        out.extend(item);
    }
    out
}

fn write_database(path: &Path, networks: &[(Ipv4Addr, u8, &str)]) -> std::io::Result<()> {
    // Replaced whole, as `geoipupdate` does.
    let fresh = path.with_extension("new");
    std::fs::write(&fresh, mmdb(networks))?;
    std::fs::rename(fresh, path)
}

async fn countries(app: &TestApp) -> Result<Vec<Option<String>>, Box<dyn std::error::Error>> {
    app.state.settings::<Recorder>()?.flush().await;
    Ok(app::insights::recording_ssr::page_view::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|view| view.country)
        .collect())
}

#[test]
fn the_database_gives_a_country_for_an_address_and_none_for_others() -> TestResult {
    let folder = tempfile::tempdir()?;
    let path = folder.path().join("countries.mmdb");
    write_database(
        &path,
        &[
            (Ipv4Addr::new(81, 2, 69, 0), 24, "GB"),
            (Ipv4Addr::new(89, 160, 0, 0), 16, "SE"),
        ],
    )?;
    let countries = Countries::open(&path).map_err(|e| e.to_string())?;
    assert_eq!(countries.country_of("81.2.69.142").as_deref(), Some("GB"));
    assert_eq!(countries.country_of("89.160.20.128").as_deref(), Some("SE"));
    assert_eq!(countries.country_of("81.2.70.1"), None);
    assert_eq!(countries.country_of("2001:db8::1"), None);
    assert_eq!(countries.country_of("not an address"), None);

    std::fs::write(folder.path().join("broken.mmdb"), b"not a database")?;
    let error = Countries::open(folder.path().join("broken.mmdb"))
        .err()
        .unwrap_or_default();
    assert!(error.contains("broken.mmdb"), "{error}");
    Ok(())
}

#[tokio::test]
async fn a_page_view_keeps_the_country_and_no_more_of_the_address() -> TestResult {
    let folder = tempfile::tempdir()?;
    let path = folder.path().join("countries.mmdb");
    write_database(&path, &[(Ipv4Addr::new(81, 2, 69, 0), 24, "GB")])?;
    let file = path.display().to_string();
    let app = spawn_app_with(&[
        ("PORTAL_GEOIP_DB", file.as_str()),
        ("PORTAL_TRUST_FORWARDED_FOR", "true"),
    ])
    .await?;

    for address in ["81.2.69.142", "198.51.100.7"] {
        visit(
            &app,
            "/",
            &[("user-agent", FIREFOX), ("x-forwarded-for", address)],
        )
        .await?;
    }
    assert_eq!(countries(&app).await?, [Some("GB".to_owned()), None]);

    // The operator's weekly update moves the network; the housekeeping
    // reads the new file without a restart.
    write_database(&path, &[(Ipv4Addr::new(81, 2, 69, 0), 24, "IE")])?;
    app::features::periodic(&app.state).await?;
    visit(
        &app,
        "/forum",
        &[("user-agent", FIREFOX), ("x-forwarded-for", "81.2.69.142")],
    )
    .await?;
    assert_eq!(countries(&app).await?[2].as_deref(), Some("IE"));

    // The dashboard has a table of countries.
    let (boss, _) = forum_admin(&app).await?;
    let day = app.clock.now().date().to_string();
    let mut shown = table(&report(&boss, &day, &day).await?, "Country");
    shown.sort();
    assert_eq!(shown, [("GB".to_owned(), 1, 1), ("IE".to_owned(), 1, 1)]);

    for ((table, column), values) in app.every_value().await? {
        for value in values {
            for secret in ["81.2.69.142", "198.51.100.7", "81.2.69"] {
                assert!(!value.contains(secret), "{table}.{column} holds {secret:?}");
            }
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_geoip_setting_that_names_no_database_stops_the_start() -> TestResult {
    let result = spawn_app_with(&[("PORTAL_GEOIP_DB", "/nowhere/countries.mmdb")]).await;
    let error = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("PORTAL_GEOIP_DB"), "{error}");
    Ok(())
}
