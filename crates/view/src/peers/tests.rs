use super::*;
use expect_test::expect;
use strand_testkit::dataset;

/// Twenty `POST /orders` spans of `checkout`, 1 ms to 20 ms, over two traces (times from 1 ms:
/// a zero start reads as a missing one).
fn orders() -> Dataset {
    let mut a = String::from("batch web 1000000..100000000\n");
    let mut b = String::from("batch web 1000000..100000000\n");
    for ms in 1..=20 {
        let line = format!("  POST_/orders checkout 1000000..{} server\n", 1_000_000 + ms * 1_000_000);
        if ms % 2 == 0 {
            a.push_str(&line);
        } else {
            b.push_str(&line);
        }
    }
    dataset(&[&a, &b])
}

#[test]
fn details_say_where_a_span_stands_with_a_histogram_and_the_slowest_peers() {
    let data = orders();
    let index = PeerIndex::build(&data);
    // Trace 0 holds the even durations: its third order is 6 ms, its last 20 ms.
    let view = peer_view(&data, &index, 0, 3, 3).unwrap();
    let bars: Vec<String> =
        view.bars.iter().map(|b| format!("{}{:.2} {}", if b.marked { "*" } else { " " }, b.height, b.title)).collect();
    let slowest: Vec<String> =
        view.slowest.iter().map(|l| format!("{}{}", l.label, if l.is_this { " (this)" } else { "" })).collect();
    expect![[r#"
        p30 of 20 `checkout POST /orders` spans loaded
         0.10 500µs – 1.00ms: 1 span
         0.10 1.00ms – 2.00ms: 1 span
         0.30 2.00ms – 5.00ms: 3 spans
        *0.50 5.00ms – 10.0ms: 5 spans
         1.00 10.0ms – 20.0ms: 10 spans
        20.0ms · trace 0000000000000001
        19.0ms · trace 0000000000000002
        18.0ms · trace 0000000000000001
    "#]]
    .assert_eq(&format!("{}\n{}\n{}\n", view.text, bars.join("\n"), slowest.join("\n")));
    let top = peer_view(&data, &index, 0, 10, 1).unwrap();
    assert_eq!(top.text, "p100 of 20 `checkout POST /orders` spans loaded");
    assert!(top.slowest[0].is_this);
    assert_eq!(
        slow_marker_title(&data, &index, 0, 10).as_deref(),
        Some("slower than the p95 (19.0ms) of 20 `checkout POST /orders` spans")
    );
    assert_eq!(slow_marker_title(&data, &index, 0, 9), None);
    let root = peer_view(&data, &index, 0, 0, 5).unwrap();
    assert_eq!(root.text, "p100 of 2 `web batch` spans loaded");
    assert!(peer_view(&data, &index, 7, 0, 5).is_none());
}
