//! How dates and moments are written: on pages, in mail and in exports.
//! Times are kept in UTC, and written so.

use time::{OffsetDateTime, UtcOffset, macros::format_description};

/// `2026-11-29`: in tables, file names and `datetime` attributes.
pub fn day(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(format_description!("[year]-[month]-[day]"))
        // Formatting a valid date with a static description cannot fail;
        // fall back to the plain date rather than panic if it ever does.
        .unwrap_or_else(|_| at.date().to_string())
}

/// `29 November 2026`: in sentences people read.
pub fn long_day(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[day padding:none] [month repr:long] [year]"
        ))
        .unwrap_or_else(|_| at.date().to_string())
}

/// `2026-11-29 14:05 UTC`: a moment, as posts and logs show it.
pub fn moment(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_else(|_| at.date().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn each_form_writes_the_same_moment_in_utc() {
        let at = datetime!(2026-11-29 23:05 -2);
        assert_eq!(day(at), "2026-11-30");
        assert_eq!(long_day(at), "30 November 2026");
        assert_eq!(moment(at), "2026-11-30 01:05 UTC");
        assert_eq!(long_day(datetime!(2026-03-04 09:00 UTC)), "4 March 2026");
    }
}
