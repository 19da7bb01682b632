//! The vendor's zoned timestamps (`2026-01-15T00:00:00+01:00[Europe/Berlin]`), calendar dates
//! and terms, and their text.
//!
//! A timestamp keeps the studio's wall-clock time and offset as sent, so it is shown in the
//! studio's time zone wherever the visitor is, and compared as an instant. `time` reads the
//! RFC 3339 instant; the RFC 9557 annotations after it, which `time` does not read, are split
//! off here. The wire types ([`crate::model`]) use these; nothing here uses them.

use std::fmt;

use serde::{Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
pub use time::{Date, Time};
use time::{Month, OffsetDateTime, PrimitiveDateTime};

use crate::i18n::Locale;
use crate::open_enum;
use crate::wire::{object, required, FromJson, Json, WireError};

open_enum!(
    /// The unit of a `Term` or `TermWithMinutes`.
    TermUnit {
        Minutes = "MINUTES",
        Hours = "HOURS",
        Day = "DAY",
        Week = "WEEK",
        Month = "MONTH",
        Year = "YEAR",
    }
);

/// `Term` and `TermWithMinutes`: a length of time such as 2 weeks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    pub value: i32,
    pub unit: TermUnit,
}

impl FromJson for Term {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a term")?;
        Ok(Term {
            value: required(json, &["value"])?,
            unit: required(json, &["unit"])?,
        })
    }
}

/// A moment as the studio sees it: its local date and time, the UTC offset then, and the IANA
/// zone name when the vendor sent one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StudioDateTime {
    local: OffsetDateTime,
    zone: Option<String>,
    /// The vendor sent a bare `yyyy-MM-dd`: there is no time of day to show.
    date_only: bool,
}

/// `…T00:00+01:00` with the seconds Java's `ZonedDateTime.toString()` leaves out when they are
/// zero written in (`…T00:00:00+01:00`), which RFC 3339 requires; `None` when they are there.
fn with_seconds(instant: &str) -> Option<String> {
    let time = instant.find(['T', 't'])? + 1;
    let minutes_end = time + 5;
    let clock = instant.get(time..minutes_end)?.as_bytes();
    let after = instant.get(minutes_end..)?;
    (clock[2] == b':' && !after.starts_with(':'))
        .then(|| format!("{}:00{after}", &instant[..minutes_end]))
}

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a zoned timestamp: \"{0}\"")]
pub struct TimestampError(pub String);

impl StudioDateTime {
    /// Reads `2026-01-15T00:00:00+01:00[Europe/Berlin]`, the same with fractional seconds, `Z`
    /// or without the zone, and a bare date `2026-01-15` (taken as midnight UTC).
    pub fn parse(text: &str) -> Result<StudioDateTime, TimestampError> {
        let fail = || TimestampError(text.to_owned());
        let (instant, zone) = split_annotations(text.trim()).ok_or_else(fail)?;
        let zone = zone.map(str::to_owned);
        let parsed = OffsetDateTime::parse(instant, &Rfc3339).or_else(|error| {
            with_seconds(instant)
                .ok_or(error)
                .and_then(|full| OffsetDateTime::parse(&full, &Rfc3339))
        });
        if let Ok(local) = parsed {
            return Ok(StudioDateTime {
                local,
                zone,
                date_only: false,
            });
        }
        let date = parse_date(instant).ok_or_else(fail)?;
        Ok(StudioDateTime {
            local: PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc(),
            zone,
            date_only: true,
        })
    }

    /// `local`, the studio's wall clock and offset, in the IANA zone `zone`.
    pub fn in_zone(local: OffsetDateTime, zone: &str) -> StudioDateTime {
        StudioDateTime {
            local,
            zone: Some(zone.to_owned()),
            date_only: false,
        }
    }

    /// The studio's calendar date.
    pub fn date(&self) -> Date {
        self.local.date()
    }

    /// Whether the vendor sent a bare date, with no time of day.
    pub fn is_date_only(&self) -> bool {
        self.date_only
    }

    /// Whether this names a day rather than a moment: a bare date, or midnight as written.
    pub fn is_day(&self) -> bool {
        self.date_only || self.local.time() == Time::MIDNIGHT
    }

    /// The IANA zone the vendor named, e.g. `Europe/Berlin`.
    pub fn zone(&self) -> Option<&str> {
        self.zone.as_deref()
    }

    /// Seconds since the Unix epoch, for comparing with "now".
    pub fn unix_seconds(&self) -> i64 {
        self.local.unix_timestamp()
    }

    /// The studio-local date as the visitor's locale prints it (`dateStyle: "medium"`):
    /// `Jan 15, 2026` in en-US, `15.01.2026` in de-DE.
    pub fn format_date(&self, locale: Locale) -> String {
        locale.date(self.date())
    }

    /// Date and studio-local time (`dateStyle: "medium", timeStyle: "short"`):
    /// `Jan 15, 2026, 8:05 AM` / `15.01.2026, 08:05`. A date-only value prints only its date.
    pub fn format_date_time(&self, locale: Locale) -> String {
        if self.date_only {
            return self.format_date(locale);
        }
        locale.date_time(self.date(), self.local.time())
    }
}

impl fmt::Display for StudioDateTime {
    /// The wire form, so a value encodes back as it came.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.date_only {
            write!(f, "{}", iso_date(self.date()))?;
        } else {
            let wire = self.local.format(&Rfc3339).map_err(|_| fmt::Error)?;
            f.write_str(&wire)?;
        }
        match &self.zone {
            Some(zone) => write!(f, "[{zone}]"),
            None => Ok(()),
        }
    }
}

impl Serialize for StudioDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl FromJson for StudioDateTime {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        StudioDateTime::parse(&String::from_json(json)?)
            .map_err(|error| WireError(error.to_string()))
    }
}

crate::deserialize_via_reader!(Term, StudioDateTime);

/// Splits RFC 9557's annotations off a timestamp: `…+01:00[!Europe/Berlin][u-ca=iso8601]` gives
/// the RFC 3339 text and `Europe/Berlin`. The time zone is the first annotation unless that is a
/// `key=value` tag; `!` only marks it critical. Tags after it say nothing the widget uses.
/// `None` when the annotations are empty or not in brackets.
fn split_annotations(text: &str) -> Option<(&str, Option<&str>)> {
    let Some((instant, annotations)) = text.split_once('[') else {
        return Some((text, None));
    };
    let (first, tags) = annotations.split_once(']')?;
    let first = first.strip_prefix('!').unwrap_or(first);
    let tags_bracketed = tags.is_empty() || (tags.starts_with('[') && tags.ends_with(']'));
    if first.is_empty() || !tags_bracketed {
        return None;
    }
    Some((instant, (!first.contains('=')).then_some(first)))
}

/// Reads a calendar date written `yyyy-MM-dd` (a real day: no 30 February): `validFrom`, a date
/// input's value. It is exactly RFC 3339's full-date, so `time`'s RFC 3339 parser checks it.
pub fn parse_date(text: &str) -> Option<Date> {
    let midnight = format!("{text}T00:00:00Z");
    OffsetDateTime::parse(&midnight, &Rfc3339)
        .ok()
        .map(OffsetDateTime::date)
}

/// The `yyyy-MM-dd` form the vendor wants in requests (`validFrom`).
pub fn iso_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The last day an offer valid from `valid_from` for `validity` can be used: the day before the
/// term has passed, as the vendor writes `expiryDate` (its day ticket expires on the day it is
/// valid from), so a two-week pass from the 1st is used until the 14th. A term shorter than a
/// day ends on the day it starts; an unknown unit gives `None`.
pub fn last_day_of_use(valid_from: Date, validity: &Term) -> Option<Date> {
    let end = add_term(valid_from, validity)?;
    Some(end.previous_day()?.max(valid_from))
}

/// The date `term` after `date` (days, weeks, months, years; months clamp to the month's end).
/// Units shorter than a day leave the date as it is; an unknown unit gives `None`.
fn add_term(date: Date, term: &Term) -> Option<Date> {
    let value = i64::from(term.value);
    match term.unit {
        TermUnit::Minutes | TermUnit::Hours => Some(date),
        TermUnit::Day => date.checked_add(time::Duration::days(value)),
        TermUnit::Week => date.checked_add(time::Duration::weeks(value)),
        TermUnit::Month => add_months(date, value),
        TermUnit::Year => add_months(date, value.checked_mul(12)?),
        TermUnit::Unknown(_) => None,
    }
}

fn add_months(date: Date, months: i64) -> Option<Date> {
    let index = i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).ok()
}

/// A date as the visitor's locale prints it (`dateStyle: "medium"`).
pub fn format_date(date: Date, locale: Locale) -> String {
    locale.date(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_timestamp_whose_zero_seconds_were_left_out() {
        let short = StudioDateTime::parse("2026-01-15T00:00+01:00[Europe/Berlin]").unwrap();
        let full = StudioDateTime::parse("2026-01-15T00:00:00+01:00[Europe/Berlin]").unwrap();
        assert_eq!(short, full);
        assert_eq!(
            StudioDateTime::parse("2026-01-15T08:30Z").unwrap(),
            StudioDateTime::parse("2026-01-15T08:30:00Z").unwrap()
        );
        for broken in [
            "2026-01-15T8:30Z",
            "2026-01-15T",
            "2026-01-15T08:3",
            "2026-01-15T08:30",
        ] {
            assert!(StudioDateTime::parse(broken).is_err(), "{broken}");
        }
    }

    #[test]
    fn keeps_the_studio_wall_clock_and_zone() {
        let t = StudioDateTime::parse("2026-01-15T00:00:00+01:00[Europe/Berlin]").unwrap();
        assert_eq!(
            t.date(),
            Date::from_calendar_date(2026, Month::January, 15).unwrap()
        );
        assert_eq!(t.zone(), Some("Europe/Berlin"));
        // Midnight in Berlin is 23:00 UTC the day before.
        assert_eq!(t.unix_seconds(), 1_768_431_600);
        assert_eq!(t.to_string(), "2026-01-15T00:00:00+01:00[Europe/Berlin]");
    }

    #[test]
    fn reads_millis_missing_zone_and_bare_dates() {
        let t = StudioDateTime::parse("2022-06-22T08:00:00.000+02:00[Europe/Berlin]").unwrap();
        assert_eq!(
            t.format_date_time(Locale::native("de-DE")),
            "22.06.2022, 08:00"
        );
        let t = StudioDateTime::parse("2022-06-22T18:30:00Z").unwrap();
        assert_eq!(t.zone(), None);
        assert_eq!(
            t.format_date_time(Locale::native("en-US")),
            "Jun 22, 2022, 6:30 PM"
        );
        let t = StudioDateTime::parse("2026-03-01").unwrap();
        assert_eq!(t.format_date_time(Locale::native("en-US")), "Mar 1, 2026");
        assert_eq!(t.to_string(), "2026-03-01");
    }

    /// RFC 9557's annotation forms: critical zones, tags after the zone (the zone is the first
    /// annotation), tags alone, offsets as zones, and `Z` with a zone.
    #[test]
    fn reads_every_annotation_form() {
        let berlin_midnight = 1_768_431_600;
        for (text, zone) in [
            (
                "2026-01-15T00:00:00+01:00[!Europe/Berlin]",
                Some("Europe/Berlin"),
            ),
            (
                "2026-01-15T00:00:00+01:00[Europe/Berlin][u-ca=iso8601]",
                Some("Europe/Berlin"),
            ),
            ("2026-01-15T00:00:00+01:00[u-ca=iso8601]", None),
            ("2026-01-15T00:00:00+01:00[+01:00]", Some("+01:00")),
            ("2026-01-14T23:00:00Z[Europe/Berlin]", Some("Europe/Berlin")),
            (" 2026-01-14T23:00:00.000Z ", None),
        ] {
            let t = StudioDateTime::parse(text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                (t.zone(), t.unix_seconds()),
                (zone, berlin_midnight),
                "{text}"
            );
        }
        let t = StudioDateTime::parse("2026-03-01[Europe/Berlin]").unwrap();
        assert_eq!((t.zone(), t.is_date_only()), (Some("Europe/Berlin"), true));
        assert_eq!(t.to_string(), "2026-03-01[Europe/Berlin]");
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-01-15T25:00:00+01:00",
            "2026-01-15[x",
            "2026-01-15[]",
            "2026-01-15T00:00:00+01:00[Europe/Berlin]x",
            "2026-01-15T00:00:00+01:00[Europe/Berlin][u-ca=iso8601",
            "2026-01-15T08:00:00",
        ] {
            assert!(StudioDateTime::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn formats_dates_in_english_and_german() {
        let date = Date::from_calendar_date(2026, Month::December, 3).unwrap();
        assert_eq!(format_date(date, Locale::native("en-US")), "Dec 3, 2026");
        assert_eq!(format_date(date, Locale::native("de-DE")), "03.12.2026");
        assert_eq!(iso_date(date), "2026-12-03");
        assert_eq!(parse_date("2026-12-03"), Some(date));
        assert_eq!(parse_date("2026-02-30"), None);
    }

    /// Only the wire form of a real day, as `validFrom` and a date input write it.
    #[test]
    fn reads_only_real_days_written_yyyy_mm_dd() {
        for bad in [
            "2026-13-01",
            "20261203",
            "2026-12-03T10:00:00Z",
            "+2026-12-03",
            "2026-1-5",
            " 2026-12-03",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
        let leap_day = Date::from_calendar_date(2024, Month::February, 29).unwrap();
        assert_eq!(parse_date("2024-02-29"), Some(leap_day));
    }

    #[test]
    fn adds_validity_terms_to_a_start_date() {
        let start = Date::from_calendar_date(2026, Month::January, 31).unwrap();
        let term = |value, unit| Term { value, unit };
        assert_eq!(
            iso_date(add_term(start, &term(2, TermUnit::Week)).unwrap()),
            "2026-02-14"
        );
        assert_eq!(
            iso_date(add_term(start, &term(1, TermUnit::Month)).unwrap()),
            "2026-02-28"
        );
        assert_eq!(
            iso_date(add_term(start, &term(13, TermUnit::Month)).unwrap()),
            "2027-02-28"
        );
        assert_eq!(
            iso_date(add_term(start, &term(1, TermUnit::Year)).unwrap()),
            "2027-01-31"
        );
        assert_eq!(
            iso_date(add_term(start, &term(3, TermUnit::Day)).unwrap()),
            "2026-02-03"
        );
        assert_eq!(add_term(start, &term(4, TermUnit::Hours)), Some(start));
        assert_eq!(
            add_term(start, &term(1, TermUnit::Unknown("DECADE".into()))),
            None
        );
    }

    #[test]
    fn an_offer_is_used_until_the_day_before_its_term_has_passed() {
        let day = |month, day| Date::from_calendar_date(2026, month, day).unwrap();
        let term = |value, unit| Term { value, unit };
        let start = day(Month::January, 15);
        for (validity, last) in [
            (term(1, TermUnit::Day), start),
            (term(2, TermUnit::Week), day(Month::January, 28)),
            (term(1, TermUnit::Month), day(Month::February, 14)),
            (
                term(1, TermUnit::Year),
                Date::from_calendar_date(2027, Month::January, 14).unwrap(),
            ),
            (term(90, TermUnit::Minutes), start),
            (term(0, TermUnit::Day), start),
            (term(-3, TermUnit::Week), start),
        ] {
            assert_eq!(
                last_day_of_use(start, &validity),
                Some(last),
                "{validity:?}"
            );
        }
        let unknown = term(1, TermUnit::Unknown("DECADE".into()));
        assert_eq!(last_day_of_use(start, &unknown), None);
    }

    #[test]
    fn midnight_and_noon_in_twelve_hour_clock() {
        let t = StudioDateTime::parse("2026-01-15T00:05:00+01:00").unwrap();
        assert_eq!(
            t.format_date_time(Locale::native("en-US")),
            "Jan 15, 2026, 12:05 AM"
        );
        let t = StudioDateTime::parse("2026-01-15T12:00:00+01:00").unwrap();
        assert_eq!(
            t.format_date_time(Locale::native("en-US")),
            "Jan 15, 2026, 12:00 PM"
        );
    }
}
