//! Self time per span: the part of a span's duration not covered by its synchronous children.
//! Owns only that computation; depends on `model` and `analysis::tree`, never on `formats`,
//! `view` or the browser.
//!
//! The rules:
//!
//! - A span's self time is its duration minus the *union* of its synchronous children's
//!   intervals, each clipped to the span's own interval `[start, end]`. Parallel children that
//!   overlap are counted once; the part of a child that lies outside its parent (clock skew,
//!   fire-and-forget work that outlived the caller) is not subtracted.
//! - Asynchronous children, as decided by [`is_async_child`] (a `FOLLOWS_FROM` reference, a
//!   CONSUMER child, any child of a PRODUCER), are ignored: the parent does not wait for them,
//!   so the time they run is still the parent's own time.
//! - Grandchildren do not matter: only direct children cover their parent.
//! - Self time is never negative; a span with a negative duration has a self time of 0.
//!
//! One sweep per parent over its children, which [`SpanTree`] already keeps sorted by start
//! time: O(n) after the tree is built, no recursion.

use crate::tree::{is_async_child, SpanTree};
use strand_model::Trace;

/// Self time in nanoseconds of every span, indexed like `trace.spans`.
pub fn self_times(trace: &Trace, tree: &SpanTree) -> Vec<i64> {
    let mut out = Vec::with_capacity(trace.spans.len());
    for (i, parent) in trace.spans.iter().enumerate() {
        let duration_ns = parent.duration_ns.max(0);
        let window_start = parent.start_ns;
        let window_end = window_start.saturating_add(duration_ns);
        let mut covered_ns: i64 = 0;
        // The merged interval being grown; children arrive by start time, and clipping the start
        // to the window keeps that order, so a new child either extends it or starts a new one.
        let mut current: Option<(i64, i64)> = None;
        let children = u32::try_from(i).map_or(&[][..], |idx| tree.children_of(idx));
        for &c in children {
            let Some(child) = trace.span(c) else { continue };
            if is_async_child(parent, child) {
                continue;
            }
            let start = child.start_ns.max(window_start);
            let end = child.end_ns().min(window_end);
            if end <= start {
                continue;
            }
            current = match current {
                Some((run_start, run_end)) if start <= run_end => Some((run_start, run_end.max(end))),
                Some((run_start, run_end)) => {
                    covered_ns = covered_ns.saturating_add(run_end.saturating_sub(run_start));
                    Some((start, end))
                }
                None => Some((start, end)),
            };
        }
        if let Some((run_start, run_end)) = current {
            covered_ns = covered_ns.saturating_add(run_end.saturating_sub(run_start));
        }
        out.push(duration_ns.saturating_sub(covered_ns).max(0));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use strand_testkit::dataset;

    /// Renders every span in tree order, indented, with its duration and self time.
    fn check(fixture: &str, expect: Expect) {
        let data = dataset(&[fixture]);
        let trace = &data.traces[0];
        let tree = SpanTree::build(trace);
        let self_ns = self_times(trace, &tree);
        assert_eq!(self_ns.len(), trace.spans.len());
        let mut out = String::new();
        for &i in &tree.preorder {
            let span = &trace.spans[i as usize];
            let indent = "  ".repeat(tree.depth[i as usize] as usize);
            let name = data.strings.get(span.name);
            out.push_str(&format!("{indent}{name} duration={} self={}\n", span.duration_ns, self_ns[i as usize]));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn sequential_children() {
        check(
            "
root svc 100..200
  a svc 110..130
  b svc 130..150
  c svc 160..190
",
            expect![[r#"
                root duration=100 self=30
                  a duration=20 self=20
                  b duration=20 self=20
                  c duration=30 self=30
            "#]],
        );
    }

    #[test]
    fn overlapping_parallel_children_count_once() {
        check(
            "
root svc 100..200
  a svc 110..150
  b svc 120..140
  c svc 130..170
",
            expect![[r#"
                root duration=100 self=40
                  a duration=40 self=40
                  b duration=20 self=20
                  c duration=40 self=40
            "#]],
        );
    }

    #[test]
    fn nested_overlap_only_direct_children_cover_their_parent() {
        check(
            "
root svc 100..200
  a svc 110..160
    a1 svc 110..140
    a2 svc 130..150
  b svc 150..180
    b1 svc 155..160
",
            expect![[r#"
                root duration=100 self=30
                  a duration=50 self=10
                    a1 duration=30 self=30
                    a2 duration=20 self=20
                  b duration=30 self=25
                    b1 duration=5 self=5
            "#]],
        );
    }

    #[test]
    fn children_partly_or_wholly_outside_are_clipped() {
        check(
            "
root svc 200..300
  early svc 150..220
  late svc 280..360
  after svc 400..500
",
            expect![[r#"
                root duration=100 self=60
                  early duration=70 self=70
                  late duration=80 self=80
                  after duration=100 self=100
            "#]],
        );
    }

    #[test]
    fn async_children_are_not_subtracted() {
        check(
            "
root svc 100..200
  follower svc 110..150 follows
  publish queue 150..160 producer
    consume worker 155..190 consumer
    handle worker 160..195
",
            expect![[r#"
                root duration=100 self=90
                  follower duration=40 self=40
                  publish duration=10 self=10
                    consume duration=35 self=35
                    handle duration=35 self=35
            "#]],
        );
    }

    #[test]
    fn single_span() {
        check(
            "
only svc 105..125
",
            expect![[r#"
                only duration=20 self=20
            "#]],
        );
    }

    #[test]
    fn several_roots() {
        check(
            "
first svc 100..150
  child svc 110..120
second svc 140..200
  child2 svc 140..200
",
            expect![[r#"
                first duration=50 self=40
                  child duration=10 self=10
                second duration=60 self=0
                  child2 duration=60 self=60
            "#]],
        );
    }

    #[test]
    fn zero_duration_spans() {
        check(
            "
root svc 100..110
  instant svc 105..105
  empty svc 110..110
    inner svc 110..110
",
            expect![[r#"
                root duration=10 self=10
                  instant duration=0 self=0
                  empty duration=0 self=0
                    inner duration=0 self=0
            "#]],
        );
    }
}
