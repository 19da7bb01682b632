//! Reading the vendor's JSON into the wire types: the one place that says which member each field
//! is read from, which older names are accepted and what `null` or a missing member means. And
//! writing the request bodies the widget sends ([`ToJson`]).
//!
//! The reader walks a tree that is already parsed: in the widget the browser's `JSON.parse` (the
//! widget's API client implements [`Json`] for it), natively `serde_json::Value`. Native code keeps
//! serde's `Deserialize` for every wire type, implemented through this reader
//! ([`deserialize_via_reader!`]), so the proxy and the tests read exactly as the widget does. serde's
//! derived decoders are not used for reading: in the wasm they and serde-wasm-bindgen's
//! generic machinery cost 11.8 KB gzip, this reader 6 KB (README, "Bundle size").

use std::fmt;

/// The largest whole number a JS number (an f64) holds exactly: `Number.MAX_SAFE_INTEGER`.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A parsed JSON value the wire types can be read from.
pub trait Json: Sized {
    /// The member `name` of an object (`None` when absent, or when this is not an object).
    fn member(&self, name: &str) -> Option<Self>;
    fn is_null(&self) -> bool;
    fn string(&self) -> Option<String>;
    /// A number that is a whole number an `i64` holds exactly.
    fn integer(&self) -> Option<i64>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
    /// The items of a list.
    fn items(&self) -> Option<Vec<Self>>;
    fn is_object(&self) -> bool;

    /// What this is, for a message: `a string`, `a number`, `null`...
    fn kind(&self) -> &'static str {
        if self.is_null() {
            "null"
        } else if self.string().is_some() {
            "a string"
        } else if self.number().is_some() {
            "a number"
        } else if self.boolean().is_some() {
            "a boolean"
        } else if self.items().is_some() {
            "a list"
        } else {
            "an object"
        }
    }
}

/// Why a value could not be read, in serde's words (`missing field `name``).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError(pub String);

impl WireError {
    /// `found` where `expected` belongs.
    pub fn invalid_type(found: &impl Json, expected: &str) -> WireError {
        WireError(format!(
            "invalid type: {}, expected {expected}",
            found.kind()
        ))
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WireError {}

/// A wire type read from a parsed JSON value.
pub trait FromJson: Sized {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError>;
}

/// The first of `names` (the current name, then older ones) that `json` has and is not null
/// (where a body has both, the current name wins; serde called that a duplicate field).
pub fn present<J: Json>(json: &J, names: &[&str]) -> Option<J> {
    names
        .iter()
        .find_map(|name| json.member(name).filter(|value| !value.is_null()))
}

/// A member that must be there: the first of `names` present.
pub fn required<J: Json, T: FromJson>(json: &J, names: &[&str]) -> Result<T, WireError> {
    match present(json, names) {
        Some(value) => T::from_json(&value),
        None => Err(WireError(format!(
            "missing field `{}`",
            names.first().copied().unwrap_or_default()
        ))),
    }
}

/// A member that may be missing or `null`.
pub fn optional<J: Json, T: FromJson>(json: &J, names: &[&str]) -> Result<Option<T>, WireError> {
    present(json, names)
        .map(|value| T::from_json(&value))
        .transpose()
}

/// An optional part of an item that is shown only when it can be read (a category, a term): one
/// the tenant wrote with `null` inside (`{"id": null}`) reads as absent, and the item stays.
pub fn optional_part<J: Json, T: FromJson>(json: &J, names: &[&str]) -> Option<T> {
    optional(json, names).ok().flatten()
}

/// A member whose absence has a natural value (an empty name, no ids, `false`): missing or
/// `null` gives that value.
pub fn or_default<J: Json, T: FromJson + Default>(
    json: &J,
    names: &[&str],
) -> Result<T, WireError> {
    Ok(optional(json, names)?.unwrap_or_default())
}

/// An object, or the reason it is not one. An empty list reads as an object with no members:
/// some backends write an empty object as `[]` (and serde read it so).
pub fn object<J: Json>(json: &J, what: &str) -> Result<(), WireError> {
    if json.is_object() || json.items().is_some_and(|items| items.is_empty()) {
        Ok(())
    } else {
        Err(WireError::invalid_type(json, what))
    }
}

impl FromJson for String {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        json.string()
            .ok_or_else(|| WireError::invalid_type(json, "a string"))
    }
}

impl FromJson for bool {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        json.boolean()
            .ok_or_else(|| WireError::invalid_type(json, "a boolean"))
    }
}

impl FromJson for i64 {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        json.integer()
            .ok_or_else(|| WireError::invalid_type(json, "i64"))
    }
}

/// An integer of a narrower type: out of its range is an error, as serde has it.
fn narrow<J: Json, T: TryFrom<i64>>(json: &J, expected: &str) -> Result<T, WireError> {
    let wide = json
        .integer()
        .ok_or_else(|| WireError::invalid_type(json, expected))?;
    T::try_from(wide).map_err(|_| WireError(format!("invalid value: {wide}, expected {expected}")))
}

impl FromJson for i32 {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        narrow(json, "i32")
    }
}

impl FromJson for u32 {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        narrow(json, "u32")
    }
}

impl FromJson for u64 {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        narrow(json, "u64")
    }
}

/// A list whose every item must be readable (for lists of ids and values; lists of offers and
/// purchases are [`crate::model::Readable`]).
impl<T: FromJson> FromJson for Vec<T> {
    fn from_json<J: Json>(json: &J) -> Result<Self, WireError> {
        json.items()
            .ok_or_else(|| WireError::invalid_type(json, "a list"))?
            .iter()
            .map(T::from_json)
            .collect()
    }
}

/// A JSON object being written: in the widget the browser's own object (sent with
/// `JSON.stringify`), natively a `serde_json` map (to check it against serde's `Serialize`).
pub trait JsonObject {
    fn set_string(&mut self, name: &str, value: &str);
    fn set_integer(&mut self, name: &str, value: i64);
    fn set_number(&mut self, name: &str, value: f64);
    fn set_strings(&mut self, name: &str, values: &[String]);
    fn set_null(&mut self, name: &str);

    /// A member written only when there is a value (serde's `skip_serializing_if`).
    fn set_optional_string(&mut self, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.set_string(name, value);
        }
    }

    /// A member written as `null` when there is no value (serde's plain `Option`).
    fn set_nullable_string(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(value) => self.set_string(name, value),
            None => self.set_null(name),
        }
    }
}

/// A body the widget sends, written member by member as serde's `Serialize` writes it natively
/// (`core/tests/contract.rs` compares the two): serde's serializers stay out of the wasm.
pub trait ToJson {
    fn write_json(&self, out: &mut impl JsonObject);
}

/// Natively, serde's `Deserialize` for wire types, through [`FromJson`] over a `serde_json::Value`:
/// one reader for the widget, the proxy and the tests.
#[cfg(not(target_arch = "wasm32"))]
#[macro_export]
macro_rules! deserialize_via_reader {
    ($($name:ty),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                <$name as $crate::wire::FromJson>::from_json(&&value)
                    .map_err(serde::de::Error::custom)
            }
        }
    )*};
}

/// In the wasm the reader is used directly and serde's `Deserialize` stays out.
#[cfg(target_arch = "wasm32")]
#[macro_export]
macro_rules! deserialize_via_reader {
    ($($name:ty),* $(,)?) => {};
}

#[cfg(not(target_arch = "wasm32"))]
impl Json for &serde_json::Value {
    fn member(&self, name: &str) -> Option<Self> {
        self.as_object()?.get(name)
    }

    fn is_null(&self) -> bool {
        serde_json::Value::is_null(self)
    }

    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn integer(&self) -> Option<i64> {
        // As in the widget, where every number is a float: `5.0` and `1e3` are whole numbers.
        self.as_i64().or_else(|| {
            let number = self.as_f64()?;
            (number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER).then_some(number as i64)
        })
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().map(|items| items.iter().collect())
    }

    fn is_object(&self) -> bool {
        serde_json::Value::is_object(self)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl JsonObject for serde_json::Map<String, serde_json::Value> {
    fn set_string(&mut self, name: &str, value: &str) {
        self.insert(name.to_owned(), value.into());
    }

    fn set_integer(&mut self, name: &str, value: i64) {
        self.insert(name.to_owned(), value.into());
    }

    fn set_number(&mut self, name: &str, value: f64) {
        self.insert(name.to_owned(), value.into());
    }

    fn set_strings(&mut self, name: &str, values: &[String]) {
        self.insert(name.to_owned(), values.into());
    }

    fn set_null(&mut self, name: &str) {
        self.insert(name.to_owned(), serde_json::Value::Null);
    }
}
