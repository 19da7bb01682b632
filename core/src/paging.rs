//! Following the purchasable list's pages to the end.

use std::collections::HashSet;
use std::future::Future;

use crate::error::ApiError;
use crate::model::{OfferPage, OnlineOffer, PageOffset};

/// A guard against a server whose `hasNext` never ends: no gym sells this many offers online.
pub const MAX_PAGES: usize = 200;

/// Fetches page after page, sending back the `offset` each page returned (never computing one),
/// until `hasNext` is false. A server may return fewer offers than asked for; offers seen twice
/// (a cursor moving under a changing catalogue) are kept once. A server that repeats an offset or
/// pages without end is a decode error rather than an endless loop.
pub async fn fetch_all_pages<F, Fut>(fetch_page: F) -> Result<Vec<OnlineOffer>, ApiError>
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
) -> Result<Vec<OnlineOffer>, ApiError>
where
    F: FnMut(PageOffset) -> Fut,
    Fut: Future<Output = Result<OfferPage, ApiError>>,
{
    let mut offers = Vec::new();
    let mut seen_ids = HashSet::new();
    let mut seen_offsets = HashSet::new();
    let mut offset = PageOffset::first();
    for _ in 0..MAX_PAGES {
        seen_offsets.insert(offset.clone());
        let page = fetch_page(offset.clone()).await?;
        offers.extend(
            page.result
                .into_iter()
                .filter(|offer| seen_ids.insert(offer.online_offer_id)),
        );
        if !page.has_next {
            return Ok(offers);
        }
        so_far(&offers);
        offset = match page.offset {
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
