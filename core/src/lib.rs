//! The PerfectGym "Online offer operations" contract (API 1.13) and the widget's pure logic.
//!
//! Nothing here touches the DOM or the network, so all of it is tested natively and fast, and the
//! same wire types serve the widget (wasm) and the reference proxy's mock tenant (native).

pub mod access_code;
pub mod checkout;
pub mod dates;
pub mod error;
pub mod i18n;
pub mod model;
pub mod money;
pub mod offer_text;
mod open_enum;
pub mod paging;
pub mod widget_config;
pub mod wire;

pub use dates::StudioDateTime;
pub use error::ApiError;
pub use i18n::Locale;
pub use money::{Amount, Money};
