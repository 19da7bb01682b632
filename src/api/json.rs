//! A value `JSON.parse` produced, read by core's wire reader (`core::wire`): the browser parses,
//! the wasm only looks members up, so neither a JSON parser nor serde's decoders are in it.

use js_sys::{Array, Reflect};
use perfectgym_offers_core::wire::Json;
use wasm_bindgen::JsValue;

/// The largest whole number a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A parsed JSON value (or any JS value: what is not JSON's reads as none of its kinds).
pub struct ParsedJson(pub JsValue);

impl Json for ParsedJson {
    fn member(&self, name: &str) -> Option<Self> {
        if !self.is_object() {
            return None;
        }
        let value = Reflect::get(&self.0, &JsValue::from_str(name)).ok()?;
        (!value.is_undefined()).then_some(ParsedJson(value))
    }

    fn is_null(&self) -> bool {
        self.0.is_null() || self.0.is_undefined()
    }

    fn string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn integer(&self) -> Option<i64> {
        // Every number is a float here; a whole one within the exact range is an integer.
        let number = self.0.as_f64()?;
        (number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER).then_some(number as i64)
    }

    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn items(&self) -> Option<Vec<Self>> {
        Array::is_array(&self.0).then(|| Array::from(&self.0).iter().map(ParsedJson).collect())
    }

    fn is_object(&self) -> bool {
        self.0.is_object() && !Array::is_array(&self.0)
    }
}
