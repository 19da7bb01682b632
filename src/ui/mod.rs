//! The Leptos views: each component reads signals and renders; the logic worth testing lives in
//! `perfectgym-offers-core`.

pub mod offer_card;
pub mod offer_list;
pub mod status;
pub mod widget;

pub use widget::OfferWidget;
