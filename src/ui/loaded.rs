//! A value a future loads, read reactively: what the offer list, an offer's details and "my
//! offers" wait for. Leptos's `LocalResource` does the same, but every value type brings its own
//! copy of Leptos's async machinery (async-derived signals, their wakers and locks): for these
//! three it cost 14.3 KB of the widget's wasm gzipped (measured 2026-11-27), about 6 % of what a
//! phone downloads, for nothing a visitor sees. This is the part the widget uses, once.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

type Load<T> = Box<dyn Fn() -> Pin<Box<dyn Future<Output = T>>>>;

/// `get` is `None` while loading, then what the load brought. `reload` (an error's "Try again")
/// shows the loading state again and loads anew. An answer that arrives after a newer load began,
/// or after the view is gone, is dropped.
pub struct Loaded<T: 'static> {
    value: RwSignal<Option<T>, LocalStorage>,
    attempt: StoredValue<u32>,
    load: StoredValue<Load<T>, LocalStorage>,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loaded<T> {}

impl<T: Clone + 'static> Loaded<T> {
    /// Starts loading at once.
    pub fn new<F: Future<Output = T> + 'static>(load: impl Fn() -> F + 'static) -> Self {
        let load: Load<T> = Box::new(move || Box::pin(load()));
        let loaded = Loaded {
            value: RwSignal::new_local(None),
            attempt: StoredValue::new(0),
            load: StoredValue::new_local(load),
        };
        loaded.reload();
        loaded
    }

    pub fn reload(self) {
        let _ = self.value.try_set(None);
        let Some(attempt) = self.attempt.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        let Some(future) = self.load.try_with_value(|load| load()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let value = future.await;
            if self.attempt.try_get_value() == Some(attempt) {
                let _ = self.value.try_set(Some(value));
            }
        });
    }

    /// The value, tracked: the view reading it follows the load.
    pub fn get(self) -> Option<T> {
        self.value.get()
    }

    /// Reads the value now, untracked (for a handler; `None` also once the view is gone).
    pub fn with_untracked<R>(self, read: impl FnOnce(&T) -> R) -> Option<R> {
        self.value
            .try_with_untracked(|v| v.as_ref().map(read))
            .flatten()
    }
}
