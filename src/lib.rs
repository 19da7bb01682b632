//! perfectgym-offers: the embeddable online-offer widget.
//!
//! - [`api`]: the HTTP client of the online-offer operations (through the gym's proxy)
//! - [`ui`]: the Leptos views
//! - [`embed`]: the `<perfectgym-offers>` custom element
//! - [`locale`]: the visitor's texts (fetched per language) and `Intl` formatting
//!
//! The contract and all pure logic live in `perfectgym-offers-core`.

pub mod api;
pub mod embed;
pub mod locale;
pub mod ui;

pub use perfectgym_offers_core as core;

use wasm_bindgen::prelude::*;

/// Runs when the module loads: defines the custom element, so any `<perfectgym-offers>` on the
/// page comes alive.
#[wasm_bindgen(start)]
pub fn start() {
    embed::define_element();
}
