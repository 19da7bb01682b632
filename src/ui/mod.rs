//! The Leptos views: each component reads signals and renders; the logic worth testing lives in
//! `perfectgym-offers-core`.

pub mod checkout;
pub mod context;
pub mod loaded;
pub mod my_offers;
pub mod offer_card;
pub mod offer_picker;
pub mod paused_checkout;
pub mod receipt;
pub mod status;
pub mod widget;

pub use widget::OfferWidget;

/// An ARIA state's value (`aria-checked`, `aria-pressed`…): static text, so no attribute
/// closure of the widget builds a `String` (each such closure type costs its own code).
pub fn aria(state: bool) -> &'static str {
    if state {
        "true"
    } else {
        "false"
    }
}
