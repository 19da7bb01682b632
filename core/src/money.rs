//! Exact decimal money and its formatting per locale and currency.
//!
//! The vendor sends amounts as JSON numbers in major units (`20`, `19.99`). They are held as an
//! integer count of ten-thousandths, which is exact for every ISO 4217 currency (none has more
//! than four minor digits) and keeps a decimal crate's code out of the wasm bundle: all the widget
//! does with money is read it, subtract it and print it.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::wire::{object, required, FromJson, Json, JsonObject, WireError};

use crate::i18n::Locale;

const SCALE_DIGITS: u32 = 4;
const SCALE: i64 = 10_000;

/// An exact decimal amount in major units of some currency (4 fraction digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(i64);

/// Why text or a number could not be read as an [`Amount`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a money amount: \"{0}\"")]
pub struct AmountError(pub String);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    /// `units` whole major units, e.g. `Amount::from_units(20)` is 20.00.
    pub const fn from_units(units: i64) -> Amount {
        Amount(units * SCALE)
    }

    /// An amount from a count of hundredths (cents): `from_cents(1999)` is 19.99.
    pub const fn from_cents(cents: i64) -> Amount {
        Amount(cents * (SCALE / 100))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `self - other`, or `None` where the result would not fit.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }

    /// `self + other`, or `None` where the result would not fit.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    /// `percent` % of this amount, rounded half away from zero to the scale.
    pub fn percent(self, percent: u32) -> Amount {
        // Split so that only the remainder is rounded, in i64 (128-bit division would bring
        // its software routines into the wasm): q·p + round(r·p / 100), q and r of one sign.
        let percent = i64::from(percent);
        let (whole, rest) = (self.0 / 100, self.0 % 100);
        let rest = rest * percent;
        let rounded = (rest.abs() + 50) / 100 * rest.signum();
        Amount(whole.saturating_mul(percent).saturating_add(rounded))
    }

    /// The absolute value split into whole units and `digits` fraction digits, rounded half away
    /// from zero (the rule `Intl.NumberFormat` uses by default).
    fn rounded_parts(self, digits: u32) -> (u64, u64) {
        let digits = digits.min(SCALE_DIGITS);
        let step = 10_u64.pow(SCALE_DIGITS - digits);
        // |i64::MIN| plus half a step still fits a u64.
        let rounded = (self.0.unsigned_abs() + step / 2) / step;
        let unit = 10_u64.pow(digits);
        (rounded / unit, rounded % unit)
    }

    fn to_f64(self) -> f64 {
        // Both operands are exact f64 values and IEEE division rounds correctly, so this is the
        // f64 nearest the decimal amount: 19.99 prints as "19.99". (No float formatting or
        // parsing code: in wasm those cost ~20 KB.)
        self.0 as f64 / SCALE as f64
    }

    fn from_f64(value: f64) -> Result<Amount, AmountError> {
        // The f64 nearest a decimal with at most four fraction digits lies within half a unit
        // in the last place of it; scaled by 10^4 that is far below 0.5 for every amount under
        // 2^53 / 10^4, so rounding recovers the decimal exactly.
        let scaled = value * SCALE as f64;
        if !scaled.is_finite() || scaled.abs() >= MAX_EXACT_SCALED {
            return Err(AmountError(
                "a number that is not a money amount".to_owned(),
            ));
        }
        Ok(Amount(scaled.round() as i64))
    }
}

/// 2^53: below it every integer is an exact f64.
const MAX_EXACT_SCALED: f64 = 9_007_199_254_740_992.0;

impl FromStr for Amount {
    type Err = AmountError;

    /// Reads plain decimal text (`"19.99"`, `"-5"`, `"1e3"` is refused). More than four fraction
    /// digits are rounded half away from zero.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = || AmountError(text.to_owned());
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || whole.len() > 15 {
            return Err(fail());
        }
        // At most 15 digits fit an i64; scaled by 10^4 they may not (checked below).
        let whole: i64 = whole.parse().map_err(|_| fail())?;
        let mut scaled = whole.checked_mul(SCALE).ok_or_else(fail)?;
        for (position, byte) in fraction.bytes().enumerate() {
            let digit = i64::from(byte - b'0');
            let add = if position < SCALE_DIGITS as usize {
                digit * 10_i64.pow(SCALE_DIGITS - 1 - position as u32)
            } else {
                // Only the first dropped digit decides the rounding.
                i64::from(digit >= 5)
            };
            scaled = scaled.checked_add(add).ok_or_else(fail)?;
            if position >= SCALE_DIGITS as usize {
                break;
            }
        }
        Ok(Amount(if negative { -scaled } else { scaled }))
    }
}

impl fmt::Display for Amount {
    /// Plain decimal text with the fraction digits that matter: `20`, `19.99`, `0.125`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (whole, fraction) = self.rounded_parts(SCALE_DIGITS);
        if fraction == 0 {
            return write!(f, "{sign}{whole}");
        }
        let fraction = format!("{fraction:04}");
        write!(f, "{sign}{whole}.{}", fraction.trim_end_matches('0'))
    }
}

/// A whole amount is written as an integer, any other as the f64 nearest it.
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.whole_units() {
            Some(units) => serializer.serialize_i64(units),
            None => serializer.serialize_f64(self.to_f64()),
        }
    }
}

impl Amount {
    /// The amount in whole units, when it has no fraction: written as a JSON integer.
    fn whole_units(self) -> Option<i64> {
        (self.0 % SCALE == 0).then_some(self.0 / SCALE)
    }

    /// The member `name` of `out`, written as serde's `Serialize` above writes it.
    pub fn write_json(self, name: &str, out: &mut impl JsonObject) {
        match self.whole_units() {
            Some(units) => out.set_integer(name, units),
            None => out.set_number(name, self.to_f64()),
        }
    }
}

impl FromJson for Amount {
    /// A number, or decimal text (some tenants quote amounts).
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        if let Some(whole) = json.integer() {
            whole
                .checked_mul(SCALE)
                .map(Amount)
                .ok_or_else(|| WireError(AmountError(whole.to_string()).to_string()))
        } else if let Some(number) = json.number() {
            Amount::from_f64(number).map_err(|error| WireError(error.to_string()))
        } else if let Some(text) = json.string() {
            text.trim()
                .parse()
                .map_err(|error: AmountError| WireError(error.to_string()))
        } else {
            Err(WireError::invalid_type(
                json,
                "a decimal amount as a number or a string",
            ))
        }
    }
}

/// The vendor's `Money`: an amount in major units and an ISO 4217 currency code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Money {
    pub amount: Amount,
    pub currency: String,
}

impl FromJson for Money {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        object(json, "a money object")?;
        Ok(Money {
            amount: required(json, &["amount"])?,
            currency: required(json, &["currency"])?,
        })
    }
}

crate::deserialize_via_reader!(Amount, Money);

impl Money {
    pub fn new(amount: Amount, currency: &str) -> Money {
        Money {
            amount,
            currency: currency.to_owned(),
        }
    }

    /// The amount as the visitor's locale prints it (`CHF 35.00` in `de-CH`, `35,00 €` in
    /// `de-DE`): the browser's `Intl.NumberFormat` in the widget.
    pub fn format(&self, locale: Locale) -> String {
        locale.money(self)
    }

    /// The amount as `Intl.NumberFormat` with `style: "currency"` prints it in en-US
    /// (`€1,234.50`) or, with `german`, de-DE (`1.234,50 €`): natively, where there is no `Intl`.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn native_format(&self, german: bool) -> String {
        let code = self.currency.trim().to_ascii_uppercase();
        let (whole, fraction) = self.amount.rounded_parts(minor_digits(&code));
        let (group, decimal) = if german { ('.', ',') } else { (',', '.') };
        let mut number = group_thousands(whole, group);
        let digits = minor_digits(&code) as usize;
        if digits > 0 {
            number.push(decimal);
            number.push_str(&format!("{fraction:0digits$}"));
        }
        // Like Intl, a negative amount keeps its sign even where it rounds to zero.
        let sign = if self.amount.is_negative() { "-" } else { "" };
        let symbol = currency_symbol(&code, german);
        const NBSP: char = '\u{a0}';
        match (german, symbol) {
            (false, Some(symbol)) => format!("{sign}{symbol}{number}"),
            (false, None) => format!("{sign}{code}{NBSP}{number}"),
            (true, symbol) => format!("{sign}{number}{NBSP}{}", symbol.unwrap_or(&code)),
        }
    }
}

/// Fraction digits a currency is shown with (ISO 4217 as ICU applies it).
#[cfg(not(target_arch = "wasm32"))]
fn minor_digits(code: &str) -> u32 {
    match code {
        "BIF" | "CLP" | "DJF" | "GNF" | "HUF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
        | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// The symbol CLDR gives a currency in en-US or de-DE, where it has one other than the code.
#[cfg(not(target_arch = "wasm32"))]
fn currency_symbol(code: &str, german: bool) -> Option<&'static str> {
    let symbol = match (code, german) {
        ("EUR", _) => "€",
        ("USD", _) => "$",
        ("GBP", _) => "£",
        ("JPY", _) => "¥",
        ("INR", _) => "₹",
        ("ILS", _) => "₪",
        ("KRW", _) => "₩",
        ("VND", _) => "₫",
        ("BRL", _) => "R$",
        ("CAD", _) => "CA$",
        ("NZD", _) => "NZ$",
        ("HKD", _) => "HK$",
        ("MXN", _) => "MX$",
        ("CNY", _) => "CN¥",
        ("TWD", _) => "NT$",
        ("AUD", false) => "A$",
        ("AUD", true) => "AU$",
        _ => return None,
    };
    Some(symbol)
}

#[cfg(not(target_arch = "wasm32"))]
fn group_thousands(value: u64, separator: char) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(amount: &str, currency: &str) -> Money {
        Money::new(amount.parse().unwrap(), currency)
    }

    #[test]
    fn reads_decimal_text_exactly() {
        assert_eq!("19.99".parse::<Amount>().unwrap(), Amount::from_cents(1999));
        assert_eq!("20".parse::<Amount>().unwrap(), Amount::from_units(20));
        assert_eq!("-0.5".parse::<Amount>().unwrap(), Amount::from_cents(-50));
        assert_eq!("0.00005".parse::<Amount>().unwrap().to_string(), "0.0001");
        for bad in [
            "",
            "-",
            "1e3",
            "1.2.3",
            "abc",
            ".5",
            "12,5",
            "9999999999999999",
        ] {
            assert!(bad.parse::<Amount>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn json_numbers_decode_without_float_error() {
        let amount: Amount = serde_json::from_str("0.1").unwrap();
        let sum = amount
            .checked_add(serde_json::from_str("0.2").unwrap())
            .unwrap();
        assert_eq!(sum, "0.3".parse().unwrap(), "0.1 + 0.2 must be exactly 0.3");
        let price: Amount = serde_json::from_str("19.99").unwrap();
        assert_eq!(price.to_string(), "19.99");
        let text: Amount = serde_json::from_str("\"12.50\"").unwrap();
        assert_eq!(text, Amount::from_cents(1250));
        assert!(serde_json::from_str::<Amount>("true").is_err());
    }

    #[test]
    fn encodes_whole_amounts_as_integers() {
        assert_eq!(
            serde_json::to_string(&Amount::from_units(20)).unwrap(),
            "20"
        );
        assert_eq!(
            serde_json::to_string(&Amount::from_cents(1999)).unwrap(),
            "19.99"
        );
    }

    #[test]
    fn subtracts_and_takes_percentages_exactly() {
        let price = money("49.90", "EUR").amount;
        assert_eq!(price.percent(20), "9.98".parse().unwrap());
        assert_eq!(
            price.checked_sub(price.percent(20)).unwrap().to_string(),
            "39.92"
        );
        assert_eq!(
            Amount::from_cents(-1).percent(50),
            "-0.005".parse().unwrap()
        );
        // Past the fourth fraction digit the result rounds half away from zero, either sign.
        for (amount, percent, expected) in [
            ("12.3457", 15, "1.8519"),
            ("-12.3457", 15, "-1.8519"),
            ("0.0005", 50, "0.0003"),
            ("-0.0005", 50, "-0.0003"),
            ("0.0003", 50, "0.0002"),
            ("1000000000.0001", 250, "2500000000.0003"),
        ] {
            let amount: Amount = amount.parse().unwrap();
            assert_eq!(
                amount.percent(percent),
                expected.parse().unwrap(),
                "{amount} × {percent} %"
            );
        }
    }

    #[test]
    fn formats_like_intl_in_english() {
        let nbsp = '\u{a0}';
        assert_eq!(money("20", "EUR").format(Locale::native("en-US")), "€20.00");
        assert_eq!(
            money("1234.5", "EUR").format(Locale::native("en-US")),
            "€1,234.50"
        );
        assert_eq!(
            money("19.99", "USD").format(Locale::native("en-US")),
            "$19.99"
        );
        assert_eq!(
            money("2500", "JPY").format(Locale::native("en-US")),
            "¥2,500"
        );
        assert_eq!(
            money("25", "CHF").format(Locale::native("en-US")),
            format!("CHF{nbsp}25.00")
        );
        assert_eq!(
            money("1.2345", "KWD").format(Locale::native("en-US")),
            format!("KWD{nbsp}1.235")
        );
        assert_eq!(money("-5", "GBP").format(Locale::native("en-US")), "-£5.00");
        assert_eq!(
            money("1234567.891", "PLN").format(Locale::native("en-US")),
            format!("PLN{nbsp}1,234,567.89")
        );
    }

    #[test]
    fn formats_like_intl_in_german() {
        let nbsp = '\u{a0}';
        assert_eq!(
            money("20", "EUR").format(Locale::native("de-DE")),
            format!("20,00{nbsp}€")
        );
        assert_eq!(
            money("1234.5", "EUR").format(Locale::native("de-DE")),
            format!("1.234,50{nbsp}€")
        );
        assert_eq!(
            money("19.99", "USD").format(Locale::native("de-DE")),
            format!("19,99{nbsp}$")
        );
        assert_eq!(
            money("25", "CHF").format(Locale::native("de-DE")),
            format!("25,00{nbsp}CHF")
        );
        assert_eq!(
            money("2500", "JPY").format(Locale::native("de-DE")),
            format!("2.500{nbsp}¥")
        );
        assert_eq!(
            money("-0.004", "EUR").format(Locale::native("de-DE")),
            format!("-0,00{nbsp}€"),
            "like Intl, a negative amount keeps its sign"
        );
        assert_eq!(
            money("25", "AUD").format(Locale::native("de-DE")),
            format!("25,00{nbsp}AU$")
        );
    }
}
