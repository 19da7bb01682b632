//! The paging helper follows `hasNext` and the returned `offset` to the end.

use std::cell::RefCell;

use futures_executor::block_on;
use perfectgym_offers_core::model::{OfferPage, OnlineOffer, PageOffset};
use perfectgym_offers_core::paging::{fetch_all_pages, fetch_pages_showing, MAX_PAGES};
use perfectgym_offers_core::ApiError;

fn offer(id: i64) -> OnlineOffer {
    serde_json::from_value(
        serde_json::json!({ "onlineOfferId": id, "name": format!("Offer {id}") }),
    )
    .unwrap()
}

fn page(ids: &[i64], next: Option<&str>) -> OfferPage {
    OfferPage {
        result: ids.iter().copied().map(offer).collect::<Vec<_>>().into(),
        has_next: next.is_some(),
        offset: next.map(|n| PageOffset(n.into())),
    }
}

#[test]
fn follows_cursor_offsets_and_short_pages_to_the_end() {
    let asked = RefCell::new(Vec::new());
    let pages = [
        ("0", page(&[1, 2, 3], Some("cursor-3"))),
        // Fewer results than asked for does not mean the end: hasNext does.
        ("cursor-3", page(&[4], Some("cursor-4"))),
        ("cursor-4", page(&[5, 6], None)),
    ];
    let offers = block_on(fetch_all_pages(|offset| {
        asked.borrow_mut().push(offset.0.clone());
        let found = pages
            .iter()
            .find(|(o, _)| *o == offset.0)
            .map(|(_, p)| p.clone());
        async move { found.ok_or(ApiError::from_status(400, None)) }
    }))
    .unwrap();
    let ids: Vec<i64> = offers.iter().map(|o| o.online_offer_id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6]);
    assert_eq!(
        *asked.borrow(),
        ["0", "cursor-3", "cursor-4"],
        "offsets are sent back as returned"
    );
}

#[test]
fn shows_the_offers_so_far_after_each_page_but_the_last() {
    let mut answers = vec![
        page(&[1, 2], Some("2")),
        page(&[3], Some("3")),
        page(&[4], None),
    ]
    .into_iter();
    let mut shown = Vec::new();
    let offers = block_on(fetch_pages_showing(
        |_| {
            let next = answers.next().unwrap();
            async move { Ok(next) }
        },
        |so_far| shown.push(so_far.iter().map(|o| o.online_offer_id).collect::<Vec<_>>()),
    ))
    .unwrap();
    assert_eq!(shown, [vec![1, 2], vec![1, 2, 3]]);
    assert_eq!(offers.len(), 4);
}

#[test]
fn keeps_offers_seen_on_two_pages_once() {
    let mut answers = vec![page(&[1, 2], Some("2")), page(&[2, 3], None)].into_iter();
    let offers = block_on(fetch_all_pages(|_| {
        let next = answers.next().unwrap();
        async move { Ok(next) }
    }))
    .unwrap();
    assert_eq!(offers.len(), 3);
}

#[test]
fn stops_at_the_first_error() {
    let calls = RefCell::new(0);
    let result = block_on(fetch_all_pages(|_| {
        *calls.borrow_mut() += 1;
        let n = *calls.borrow();
        async move {
            if n == 1 {
                Ok(page(&[1], Some("1")))
            } else {
                Err(ApiError::from_status(503, None))
            }
        }
    }));
    assert_eq!(
        result,
        Err(ApiError::Http {
            status: 503,
            body: None
        })
    );
    assert_eq!(*calls.borrow(), 2);
}

#[test]
fn a_repeated_offset_is_an_error_not_a_loop() {
    let calls = RefCell::new(0usize);
    let result = block_on(fetch_all_pages(|_| {
        *calls.borrow_mut() += 1;
        async { Ok(page(&[1], Some("same"))) }
    }));
    // Found out on the page that names "same" a second time, not by the bound on pages.
    assert!(
        matches!(&result, Err(ApiError::Decode { cause }) if cause.contains("did not advance")),
        "{result:?}"
    );
    assert_eq!(*calls.borrow(), 2);
    let result = block_on(fetch_all_pages(|_| async {
        Ok(OfferPage {
            result: Vec::new().into(),
            has_next: true,
            offset: None,
        })
    }));
    assert!(matches!(result, Err(ApiError::Decode { .. })), "{result:?}");
}

#[test]
fn an_endless_server_is_cut_off() {
    let calls = RefCell::new(0usize);
    let result = block_on(fetch_all_pages(|_| {
        *calls.borrow_mut() += 1;
        let n = *calls.borrow();
        async move { Ok(page(&[n as i64], Some(&n.to_string()))) }
    }));
    assert!(matches!(result, Err(ApiError::Decode { .. })));
    assert_eq!(*calls.borrow(), MAX_PAGES);
}

#[test]
fn unreadable_offers_of_every_page_are_named_and_the_rest_kept() {
    let result = block_on(fetch_all_pages(|offset| async move {
        let mut page = page(if offset.0 == "0" { &[1, 2] } else { &[3] }, None);
        if offset.0 == "0" {
            page.has_next = true;
            page.offset = Some(PageOffset("after 2".into()));
        }
        page.result
            .unreadable
            .push(format!("item 9 left out (page {offset})"));
        Ok(page)
    }))
    .unwrap();
    let ids: Vec<i64> = result.iter().map(|o| o.online_offer_id).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(
        result.unreadable,
        ["item 9 left out (page 0)", "item 9 left out (page after 2)"]
    );
}

#[test]
fn an_offset_that_is_no_cursor_is_not_sent_back() {
    let result = block_on(fetch_all_pages(|offset| async move {
        assert_eq!(offset.0, "0", "only the first page is asked for");
        Ok(page(&[1], Some("line\nbreak")))
    }));
    assert!(
        matches!(&result, Err(ApiError::Decode { cause }) if cause.contains("not a paging cursor")),
        "{result:?}"
    );
}
