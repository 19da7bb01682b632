//! JSON as the browser holds it: a value `JSON.parse` produced, read by core's wire reader
//! (`core::wire`), and objects written member by member for `JSON.stringify` or a page's script.
//! The browser parses and prints; the wasm only looks members up and sets them, so no JSON parser
//! and none of serde's decoders or serializers are in it.

use js_sys::{Array, Reflect};
use perfectgym_offers_core::wire::{Json, JsonObject, ToJson, MAX_SAFE_INTEGER};
use wasm_bindgen::JsValue;

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

/// A JS object being written member by member: a body the API client sends with
/// `JSON.stringify`, or an event's detail handed to the page as it is.
pub struct JsObject(pub js_sys::Object);

impl JsObject {
    pub fn new() -> JsObject {
        JsObject(js_sys::Object::new())
    }

    /// `value` written as an object of its own.
    pub fn of(value: &impl ToJson) -> JsObject {
        let mut object = JsObject::new();
        value.write_json(&mut object);
        object
    }

    pub fn set(&mut self, name: &str, value: &JsValue) {
        // Setting a member of a plain object cannot throw.
        let _ = Reflect::set(&self.0, &JsValue::from_str(name), value);
    }

    /// The JSON text of the object, for a request body.
    pub fn to_json_text(&self) -> Option<String> {
        js_sys::JSON::stringify(&self.0).ok()?.as_string()
    }
}

impl Default for JsObject {
    fn default() -> Self {
        JsObject::new()
    }
}

impl JsonObject for JsObject {
    fn set_string(&mut self, name: &str, value: &str) {
        self.set(name, &JsValue::from_str(value));
    }

    fn set_integer(&mut self, name: &str, value: i64) {
        // Ids (an attribute's are checked against MAX_SAFE_INTEGER, a tenant's came as JS
        // numbers) and milliseconds: all within a JS number's exact range.
        self.set(name, &JsValue::from_f64(value as f64));
    }

    fn set_number(&mut self, name: &str, value: f64) {
        self.set(name, &JsValue::from_f64(value));
    }

    fn set_strings(&mut self, name: &str, values: &[String]) {
        let list: Array = values.iter().map(|v| JsValue::from_str(v)).collect();
        self.set(name, &list);
    }

    fn set_null(&mut self, name: &str) {
        self.set(name, &JsValue::NULL);
    }
}

impl From<JsObject> for JsValue {
    fn from(object: JsObject) -> JsValue {
        object.0.into()
    }
}
