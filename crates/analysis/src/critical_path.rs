//! The critical path of a trace: the chain of span segments that determined its end-to-end
//! time, computed like Jaeger UI's critical path. Owns only that walk; depends on `model` and
//! `analysis::tree`, never on `formats`, `view` or the browser.
//!
//! The rules:
//!
//! - **Start.** The walk starts at the root that ends last. With several roots (orphans that
//!   assembly could not attach) the root with the latest end wins; on a tie the one that starts
//!   first (the longest), then the first in [`SpanTree::roots`]. Only that root's window is
//!   covered: the other roots are not on the path.
//! - **Walk.** From the current span's end, walking backwards in time: pick the synchronous child
//!   that finishes last at or before the current time point. The interval between that child's
//!   end and the current point is the parent's own time on the path. Descend into the child with
//!   the same rule; when the child is done, the current point moves to the child's start and the
//!   walk continues in the parent with the children that end at or before that point. When no
//!   child is left, the rest down to the parent's start belongs to the parent.
//! - **Asynchronous children** ([`is_async_child`]: `FOLLOWS_FROM`, CONSUMER children, children
//!   of a PRODUCER) are never on the path: the parent does not wait for them.
//! - **Clipping.** Every child is clipped to its parent's window as already clipped itself, so a
//!   child that starts before its parent or ends after it only counts for the part inside, and a
//!   child wholly outside (or of zero length once clipped) is ignored. Hence the segments always
//!   tile the chosen root exactly: their lengths add up to the root's duration.
//! - **Ties.** Among children that end at the same time the one that starts first (the longest)
//!   is taken, then the lowest span index.
//! - **One difference from Jaeger UI:** Jaeger continues with children that end strictly before
//!   the returning child's start, so of two back-to-back children (`a` ends exactly where `b`
//!   starts) it gives `a`'s time to the parent. Here `a` is on the path, because `b` waited for it.
//!
//! The result is ordered by start time, adjacent segments of the same span are merged, and no
//! segment is empty. The walk is iterative (an explicit stack of frames sharing one buffer of
//! candidate children) and costs O(n log n) for sorting each span's children by end time.

use crate::tree::{is_async_child, SpanTree};
use strand_model::{SpanIdx, Trace};

/// A piece of the critical path: span `span` (an index into `trace.spans`) was what the trace
/// waited for between `start_ns` and `end_ns`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Segment {
    pub span: u32,
    pub start_ns: i64,
    pub end_ns: i64,
}

impl Segment {
    pub fn duration_ns(&self) -> i64 {
        self.end_ns.saturating_sub(self.start_ns)
    }
}

/// A child clipped to its parent's window, as a candidate for the path.
#[derive(Clone, Copy)]
struct Candidate {
    span: SpanIdx,
    start_ns: i64,
    end_ns: i64,
}

/// One span being walked: its clipped window, the current time point (which only moves back),
/// and its candidate children, `candidates[first..last]` sorted by end time descending, of
/// which `candidates[next..last]` are still to be looked at.
struct Frame {
    span: SpanIdx,
    first: usize,
    window_start_ns: i64,
    point_ns: i64,
    next: usize,
    last: usize,
}

/// The critical path of `trace`, ordered by start time.
pub fn critical_path(trace: &Trace, tree: &SpanTree) -> Vec<Segment> {
    let Some(root) = last_ending_root(trace, tree) else {
        return Vec::new();
    };
    let Some(root_span) = trace.span(root) else {
        return Vec::new();
    };
    let root_end = root_span.start_ns.saturating_add(root_span.duration_ns.max(0));

    // Segments are found from the end backwards; reversed at the end.
    let mut backwards: Vec<Segment> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    stack.push(open_frame(trace, tree, root, root_span.start_ns, root_end, &mut candidates));

    while let Some(frame) = stack.last_mut() {
        // Skip the children that end after the current point: the point only moves back, so
        // they can never be picked again. The first one left ends last at or before the point.
        while frame.next < frame.last && candidates.get(frame.next).is_some_and(|c| c.end_ns > frame.point_ns) {
            frame.next += 1;
        }
        let picked = if frame.next < frame.last { candidates.get(frame.next).copied() } else { None };
        match picked {
            Some(child) => {
                frame.next += 1;
                push_segment(&mut backwards, frame.span, child.end_ns, frame.point_ns);
                frame.point_ns = child.start_ns;
                let opened = open_frame(trace, tree, child.span, child.start_ns, child.end_ns, &mut candidates);
                stack.push(opened);
            }
            None => {
                push_segment(&mut backwards, frame.span, frame.window_start_ns, frame.point_ns);
                if let Some(done) = stack.pop() {
                    // Frames are LIFO, so the finished frame's candidates end the buffer.
                    candidates.truncate(done.first);
                }
            }
        }
    }

    let mut out: Vec<Segment> = Vec::with_capacity(backwards.len());
    for segment in backwards.into_iter().rev() {
        match out.last_mut() {
            Some(prev) if prev.span == segment.span && prev.end_ns == segment.start_ns => prev.end_ns = segment.end_ns,
            _ => out.push(segment),
        }
    }
    out
}

/// Total time on the critical path per span index (`n` entries; segments naming a span at or
/// past `n` are ignored).
pub fn critical_time_per_span(segments: &[Segment], n: usize) -> Vec<i64> {
    let mut out = vec![0i64; n];
    for segment in segments {
        if let Some(slot) = out.get_mut(segment.span as usize) {
            *slot = slot.saturating_add(segment.duration_ns().max(0));
        }
    }
    out
}

/// The root with the latest end; ties go to the earliest start, then to tree order.
fn last_ending_root(trace: &Trace, tree: &SpanTree) -> Option<SpanIdx> {
    let mut best: Option<(SpanIdx, i64, i64)> = None;
    for &root in &tree.roots {
        let Some(span) = trace.span(root) else { continue };
        let end = span.start_ns.saturating_add(span.duration_ns.max(0));
        let better = match best {
            None => true,
            Some((_, best_start, best_end)) => end > best_end || (end == best_end && span.start_ns < best_start),
        };
        if better {
            best = Some((root, span.start_ns, end));
        }
    }
    best.map(|(root, _, _)| root)
}

/// Pushes `span`'s synchronous children, clipped to `[window_start, window_end]`, onto the
/// candidate buffer sorted by end descending, and returns the frame that walks them.
fn open_frame(
    trace: &Trace,
    tree: &SpanTree,
    span: SpanIdx,
    window_start_ns: i64,
    window_end_ns: i64,
    candidates: &mut Vec<Candidate>,
) -> Frame {
    let first = candidates.len();
    if let Some(parent) = trace.span(span) {
        for &c in tree.children_of(span) {
            let Some(child) = trace.span(c) else { continue };
            if is_async_child(parent, child) {
                continue;
            }
            let start_ns = child.start_ns.max(window_start_ns);
            let end_ns = child.end_ns().min(window_end_ns);
            if end_ns > start_ns {
                candidates.push(Candidate { span: c, start_ns, end_ns });
            }
        }
    }
    if let Some(list) = candidates.get_mut(first..) {
        list.sort_unstable_by_key(|c| (std::cmp::Reverse(c.end_ns), c.start_ns, c.span));
    }
    Frame { span, first, window_start_ns, point_ns: window_end_ns, next: first, last: candidates.len() }
}

fn push_segment(out: &mut Vec<Segment>, span: SpanIdx, start_ns: i64, end_ns: i64) {
    if end_ns > start_ns {
        out.push(Segment { span, start_ns, end_ns });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use strand_testkit::dataset;

    /// Renders the path one segment per line, then the critical time per span (tree order,
    /// spans with none left out), and checks the invariants every path must keep.
    fn check(fixture: &str, expect: Expect) {
        let data = dataset(&[fixture]);
        let trace = &data.traces[0];
        let tree = SpanTree::build(trace);
        let path = critical_path(trace, &tree);
        assert_path_tiles_latest_root(trace, &tree, &path);
        let name = |i: u32| data.strings.get(trace.spans[i as usize].name).to_string();
        let mut out = String::new();
        for segment in &path {
            out.push_str(&format!("{:>5}..{:<5} {}\n", segment.start_ns, segment.end_ns, name(segment.span)));
        }
        let per_span = critical_time_per_span(&path, trace.spans.len());
        let totals: Vec<String> = tree
            .preorder
            .iter()
            .filter(|&&i| per_span[i as usize] > 0)
            .map(|&i| format!("{}={}", name(i), per_span[i as usize]))
            .collect();
        out.push_str(&format!("critical: {}\n", totals.join(" ")));
        expect.assert_eq(&out);
    }

    /// Segments are non-empty, ordered, touch each other, never repeat a span across a seam, and
    /// cover the root with the latest end exactly.
    fn assert_path_tiles_latest_root(trace: &Trace, tree: &SpanTree, path: &[Segment]) {
        let root = tree.roots.iter().copied().max_by_key(|&r| {
            let s = &trace.spans[r as usize];
            (s.end_ns(), std::cmp::Reverse(s.start_ns))
        });
        let Some(root) = root else {
            assert!(path.is_empty());
            return;
        };
        let root = &trace.spans[root as usize];
        if root.duration_ns <= 0 {
            assert!(path.is_empty());
            return;
        }
        assert_eq!(path.first().map(|s| s.start_ns), Some(root.start_ns));
        assert_eq!(path.last().map(|s| s.end_ns), Some(root.end_ns()));
        for segment in path {
            assert!(segment.end_ns > segment.start_ns, "empty segment {segment:?}");
        }
        for pair in path.windows(2) {
            assert_eq!(pair[0].end_ns, pair[1].start_ns, "gap or overlap in {pair:?}");
            assert_ne!(pair[0].span, pair[1].span, "unmerged segments {pair:?}");
        }
        let total: i64 = path.iter().map(Segment::duration_ns).sum();
        assert_eq!(total, root.duration_ns);
    }

    #[test]
    fn single_span() {
        check(
            "
only svc 100..200
",
            expect![[r#"
                  100..200   only
                critical: only=100
            "#]],
        );
    }

    #[test]
    fn sequential_children_with_gaps_between_them() {
        // Back-to-back children are both on the path: `b` waited for `a`.
        check(
            "
root svc 100..200
  a svc 110..130
  b svc 130..150
  c svc 160..190
",
            expect![[r#"
                  100..110   root
                  110..130   a
                  130..150   b
                  150..160   root
                  160..190   c
                  190..200   root
                critical: root=30 a=20 b=20 c=30
            "#]],
        );
    }

    #[test]
    fn parallel_children_the_longer_one_is_critical() {
        check(
            "
root svc 100..200
  fast svc 110..140
  slow svc 110..180
  tail svc 120..130
",
            expect![[r#"
                  100..110   root
                  110..180   slow
                  180..200   root
                critical: root=30 slow=70
            "#]],
        );
    }

    #[test]
    fn overlapping_children_only_those_ending_before_the_point_continue_the_path() {
        // `b` ends last; `a` ends after `b` starts, so the walk skips it and the parent owns the
        // time before `b`. `early` ends before `b` starts and is on the path again.
        check(
            "
root svc 100..200
  early svc 105..120
  a svc 110..160
  b svc 150..190
",
            expect![[r#"
                  100..105   root
                  105..120   early
                  120..150   root
                  150..190   b
                  190..200   root
                critical: root=45 early=15 b=40
            "#]],
        );
    }

    #[test]
    fn children_outside_their_parent_are_clipped() {
        check(
            "
root svc 200..300
  early svc 150..250
  late svc 270..360
    late_inner svc 290..350
  after svc 400..500
",
            expect![[r#"
                  200..250   early
                  250..270   root
                  270..290   late
                  290..300   late inner
                critical: root=20 early=50 late=20 late inner=10
            "#]],
        );
    }

    #[test]
    fn async_children_are_not_on_the_path() {
        check(
            "
root svc 100..200
  work svc 110..140
  follower svc 130..195 follows
  publish queue 140..160 producer
    deliver worker 145..199
  consume worker 150..198 consumer
",
            expect![[r#"
                  100..110   root
                  110..140   work
                  140..160   publish
                  160..200   root
                critical: root=50 work=30 publish=20
            "#]],
        );
    }

    #[test]
    fn nested_three_levels() {
        check(
            "
root svc 100..200
  a svc 110..190
    b svc 120..180
      c svc 130..150
      d svc 140..170
    b2 svc 115..118
  x svc 105..160
",
            expect![[r#"
                  100..110   root
                  110..115   a
                  115..118   b2
                  118..120   a
                  120..140   b
                  140..170   d
                  170..180   b
                  180..190   a
                  190..200   root
                critical: root=20 a=17 b2=3 b=30 d=30
            "#]],
        );
    }

    #[test]
    fn several_roots_the_one_ending_last_is_walked() {
        check(
            "
first svc 100..250
  child svc 110..240
second svc 140..260
  work svc 150..200
third svc 160..260
",
            expect![[r#"
                  140..150   second
                  150..200   work
                  200..260   second
                critical: second=70 work=50
            "#]],
        );
    }

    #[test]
    fn zero_length_spans_leave_no_segments() {
        check(
            "
root svc 100..110
  instant svc 105..105
  empty svc 110..110
",
            expect![[r#"
                  100..110   root
                critical: root=10
            "#]],
        );
        check(
            "
empty svc 107..107
",
            expect![[r#"
                critical: 
            "#]],
        );
    }

    #[test]
    fn critical_time_per_span_ignores_unknown_spans() {
        let segments = [
            Segment { span: 0, start_ns: 0, end_ns: 10 },
            Segment { span: 1, start_ns: 10, end_ns: 15 },
            Segment { span: 0, start_ns: 15, end_ns: 20 },
            Segment { span: 9, start_ns: 20, end_ns: 30 },
        ];
        assert_eq!(critical_time_per_span(&segments, 2), vec![15, 5]);
    }

    /// Not timed: 200k synthetic spans go through self time and the critical path without
    /// recursion or quadratic work, and the path stays inside the root.
    #[test]
    fn large_synthetic_trace() {
        use strand_formats::synth::{synthesize, SynthFormat};
        use strand_formats::{assemble::AssembleOptions, load};
        let text = synthesize(SynthFormat::Otlp, 200_000, 1);
        let mut data = strand_model::Dataset::new();
        load(&mut data, text.as_bytes(), "synth.json", None, &AssembleOptions::default())
            .expect("synthetic trace loads");
        let trace = &data.traces[0];
        assert_eq!(trace.spans.len(), 200_000);
        let tree = SpanTree::build(trace);

        let self_ns = crate::self_time::self_times(trace, &tree);
        assert_eq!(self_ns.len(), trace.spans.len());
        assert!(self_ns.iter().all(|&t| t >= 0));
        for (span, &t) in trace.spans.iter().zip(&self_ns) {
            assert!(t <= span.duration_ns.max(0));
        }

        let path = critical_path(trace, &tree);
        assert!(!path.is_empty());
        assert_path_tiles_latest_root(trace, &tree, &path);
        let root = tree.roots.iter().copied().max_by_key(|&r| trace.spans[r as usize].end_ns()).expect("a root");
        let root = &trace.spans[root as usize];
        for segment in &path {
            assert!(segment.start_ns >= root.start_ns && segment.end_ns <= root.end_ns(), "{segment:?} outside root");
        }
        let per_span = critical_time_per_span(&path, trace.spans.len());
        assert_eq!(per_span.iter().sum::<i64>(), root.duration_ns);
    }
}
