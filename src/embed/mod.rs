//! The embedding surface: the `<perfectgym-offers>` custom element.
//!
//! The element's life cycle (connect, attribute change, disconnect) comes from a small JS class
//! (`element.js`) and lands here, where each element gets its own Leptos mount inside its shadow
//! root. An attribute change flows into the mounted widget's settings signal; only a new
//! `api-base` (another proxy) or settings that no longer read mount it afresh.

pub mod events;
pub mod host;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;
use perfectgym_offers_core::widget_config::{WidgetConfig, ATTRIBUTES};
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use crate::ui::OfferWidget;

/// The element's tag name.
pub const TAG_NAME: &str = "perfectgym-offers";

/// The widget's styles, adopted by each element's shadow root.
const WIDGET_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.min.css"));

#[wasm_bindgen(module = "/src/embed/element.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineOffersElement)]
    fn define_offers_element(
        tag_name: &str,
        attributes: js_sys::Array,
        css: &str,
        mount: &js_sys::Function,
        update: &js_sys::Function,
        unmount: &js_sys::Function,
    );
}

/// One mounted widget: dropping `_view` unmounts it; `config` is its live settings (`None` when
/// it shows a configuration error).
struct Mounted {
    _view: UnmountHandle<AnyViewState>,
    config: Option<RwSignal<WidgetConfig>>,
}

thread_local! {
    /// The widgets on the page by handle (a page holds one or a few: a list, which costs the wasm
    /// less than a map).
    static MOUNTED: RefCell<Vec<(u32, Mounted)>> = const { RefCell::new(Vec::new()) };
    static NEXT_HANDLE: Cell<u32> = const { Cell::new(1) };
}

/// Registers `<perfectgym-offers>` once per page; elements already in the page upgrade now.
pub fn define_element() {
    let mount = Closure::<dyn Fn(HtmlElement, HtmlElement) -> u32>::new(mount_element);
    let update = Closure::<dyn Fn(u32, HtmlElement) -> bool>::new(update_element);
    let unmount = Closure::<dyn Fn(u32)>::new(unmount_element);
    let attributes = ATTRIBUTES
        .iter()
        .map(|name| JsValue::from_str(name))
        .collect();
    define_offers_element(
        TAG_NAME,
        attributes,
        WIDGET_CSS,
        mount.as_ref().unchecked_ref(),
        update.as_ref().unchecked_ref(),
        unmount.as_ref().unchecked_ref(),
    );
    // Both live as long as the page: the element class keeps calling them.
    mount.forget();
    update.forget();
    unmount.forget();
}

/// Mounts a widget for `element` into `container` (inside its shadow root); returns a handle.
fn mount_element(element: HtmlElement, container: HtmlElement) -> u32 {
    let config = WidgetConfig::from_attributes(|name| element.get_attribute(name));
    let host = host::Host::new(Some(element));
    // Made inside the mount, so it belongs to the widget and goes with it.
    let live = Rc::new(Cell::new(None));
    let view = mount_to(container, {
        let live = Rc::clone(&live);
        move || {
            let config = config.map(RwSignal::new);
            live.set(config.as_ref().ok().copied());
            view! { <OfferWidget config host/> }.into_any()
        }
    });
    let mounted = Mounted {
        _view: view,
        config: live.get(),
    };
    let handle = NEXT_HANDLE.with(|next| next.replace(next.get().wrapping_add(1)));
    MOUNTED.with(|all| all.borrow_mut().push((handle, mounted)));
    handle
}

/// Gives the widget behind `handle` the element's attributes as they are now, keeping the
/// visitor's checkout. Returns `false` when it must be mounted afresh instead: settings it does
/// not follow live (see `can_follow`), or that are (or were) a configuration error.
fn update_element(handle: u32, element: HtmlElement) -> bool {
    let live = MOUNTED.with(|all| {
        let all = all.borrow();
        all.iter()
            .find(|(h, _)| *h == handle)
            .and_then(|(_, m)| m.config)
    });
    let Some(live) = live else {
        return false;
    };
    let Ok(config) = WidgetConfig::from_attributes(|name| element.get_attribute(name)) else {
        return false;
    };
    if live.try_with_untracked(|now| now.can_follow(&config)) != Some(true) {
        return false;
    }
    // Each set draws what follows it: only a real change.
    if live.try_with_untracked(|now| *now != config) == Some(true) {
        live.set(config);
    }
    true
}

/// Removes the widget behind `handle` (dropping the handle unmounts it and disposes its signals).
fn unmount_element(handle: u32) {
    let mounted = MOUNTED.with(|all| {
        let mut all = all.borrow_mut();
        let at = all.iter().position(|(h, _)| *h == handle)?;
        Some(all.swap_remove(at))
    });
    drop(mounted);
}
