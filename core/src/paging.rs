//! Following the purchasable list's pages to the end.

use std::future::Future;

use crate::error::ApiError;
use crate::model::{OfferPage, OnlineOffer, PageOffset, Readable};

/// A guard against a server whose `hasNext` never ends: no gym sells this many offers online.
pub const MAX_PAGES: usize = 200;

/// Fetches page after page, sending back the `offset` each page returned (never computing one),
/// until `hasNext` is false. A server may return fewer offers than asked for; offers seen twice
/// (a cursor moving under a changing catalogue) are kept once. A server that repeats an offset or
/// pages without end is a decode error rather than an endless loop. Offers that could not be read
/// are left out and named in the result's `unreadable`.
pub async fn fetch_all_pages<F, Fut>(fetch_page: F) -> Result<Readable<OnlineOffer>, ApiError>
where
    F: FnMut(PageOffset) -> Fut,
    Fut: Future<Output = Result<OfferPage, ApiError>>,
{
    fetch_pages_showing(fetch_page, |_| {}).await
}

/// [`fetch_all_pages`], telling `so_far` the offers gathered after each page that has a next one,
/// so a list can show them while the rest loads. The complete list is the result.
pub async fn fetch_pages_showing<F, Fut>(
    mut fetch_page: F,
    mut so_far: impl FnMut(&[OnlineOffer]),
) -> Result<Readable<OnlineOffer>, ApiError>
where
    F: FnMut(PageOffset) -> Fut,
    Fut: Future<Output = Result<OfferPage, ApiError>>,
{
    let mut offers = Readable::default();
    // Lists, not hash sets: a catalogue holds a few dozen offers and at most MAX_PAGES offsets,
    // and each hash-set type (with std's SipHash and random keys) costs the widget's wasm more
    // than scanning them does.
    let mut seen_ids: Vec<i64> = Vec::new();
    let mut seen_offsets = Vec::new();
    let mut offset = PageOffset::first();
    for _ in 0..MAX_PAGES {
        seen_offsets.push(offset.clone());
        let page = fetch_page(offset.clone()).await?;
        offers
            .items
            .extend(page.result.items.into_iter().filter(|offer| {
                let new = !seen_ids.contains(&offer.online_offer_id);
                if new {
                    seen_ids.push(offer.online_offer_id);
                }
                new
            }));
        offers.unreadable.extend(page.result.unreadable);
        if !page.has_next {
            return Ok(offers);
        }
        so_far(&offers.items);
        offset = match page.offset {
            Some(next) if !next.is_cursor() => {
                return Err(ApiError::Decode {
                    cause: format!(
                        "offset is not a paging cursor (empty, control characters or over {} characters)",
                        PageOffset::MAX_CHARS
                    ),
                })
            }
            Some(next) if !seen_offsets.contains(&next) => next,
            Some(repeated) => {
                return Err(ApiError::Decode {
                    cause: format!("paging did not advance: offset {repeated} came back again"),
                })
            }
            None => {
                return Err(ApiError::Decode {
                    cause: "hasNext is true but no offset was returned".to_owned(),
                })
            }
        };
    }
    Err(ApiError::Decode {
        cause: format!("more than {MAX_PAGES} pages of offers"),
    })
}
