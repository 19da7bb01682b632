//! Loading and error notices shared by every view.

use leptos::prelude::*;
use perfectgym_offers_core::{ApiError, Locale};

use crate::embed::events::HostEvent;
use crate::embed::host::Host;
use crate::ui::context::WidgetContext;

/// Items of a list that could not be read and were left out: a warning in the console and an
/// `error` event for the developer; the visitor sees the rest of the list.
pub fn report_unreadable(host: &Host, locale: Locale, list: &str, unreadable: &[String]) {
    if unreadable.is_empty() {
        return;
    }
    let cause = format!("{list}: {}", unreadable.join("; "));
    web_sys::console::warn_1(&format!("perfectgym-offers: {cause}").into());
    host.emit(HostEvent::error(locale.messages().items_left_out(), cause));
}

/// A busy notice that screen readers announce politely.
#[component]
pub fn Loading(text: &'static str) -> impl IntoView {
    view! {
        <p class="pgo-status pgo-status--loading" role="status">
            <span class="pgo-spinner" aria-hidden="true"></span>
            {text}
        </p>
    }
}

/// An error the visitor can act on: the message in their language, and a retry button when the
/// failure may pass. The developer-facing cause goes to the console, a data attribute and the
/// page's `error` event.
#[component]
pub fn ErrorNotice(
    error: ApiError,
    locale: Locale,
    #[prop(optional, into)] on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let cause = error.to_string();
    web_sys::console::warn_1(&format!("perfectgym-offers: {cause}").into());
    if let Some(context) = use_context::<WidgetContext>() {
        context.host.emit(HostEvent::failed(&error, locale));
    }
    let retry = on_retry.filter(|_| !matches!(error, ApiError::Config { .. }));
    view! {
        <div class="pgo-status pgo-status--error" role="alert" data-cause=cause>
            <p>{error.user_message(locale)}</p>
            {retry.map(|on_retry| view! {
                <button type="button" class="pgo-button" on:click=move |_| on_retry.run(())>
                    {locale.messages().retry()}
                </button>
            })}
        </div>
    }
}
