//! Trace comparison: aligns the spans of two traces by their (service, operation) path from the
//! root and reports, per path, how often it ran and how long it took in each. Owns only that
//! alignment; depends on `model` and `analysis::tree`, never on `formats`, `view` or the browser.
//!
//! The rules:
//!
//! - **Path.** A span's path is the chain of (service name, span name) pairs from its root down
//!   to itself, shown as `frontend:GET / > cart:get_cart`. Spans of both traces with the same
//!   path are one row, however many times they ran. Both traces must use the same [`Interner`]
//!   (the dataset's), since paths are matched by interned ids.
//! - **Per row:** the count and total duration in A and in B, and the mean (total / count,
//!   truncated to whole nanoseconds; 0 when the path did not run). Negative span durations
//!   count as 0.
//! - **Status.** `Added`: only in B. `Removed`: only in A. `Changed`: the count differs, or the
//!   mean duration differs by more than [`CHANGED_RELATIVE_PERCENT`] percent of A's mean *and*
//!   by more than [`CHANGED_ABSOLUTE_NS`] (both, so that tiny spans jittering by a few
//!   microseconds and long spans moving by a few percent are not flagged). `Same` otherwise.
//! - **Order.** Rows form the tree of paths in pre-order. Siblings come in order of first
//!   appearance in A's pre-order, then the paths only in B in order of first appearance in B's
//!   pre-order; so an added call is listed under its caller, after the calls A already had.
//! - **Totals:** span counts and end-to-end durations (`Trace::duration_ns`) of A and B.
//!
//! Paths are built iteratively: walking each trace in pre-order, a span's path id comes from
//! its parent's path id plus its own (service, name) through one hash map, so the work is
//! O(n) apart from building the span trees. The `path` strings themselves grow with depth (a
//! pathological chain of n distinct nested operations makes O(n²) text), which is inherent in
//! showing full paths; `depth`, `service` and `operation` are there for indented displays.

use std::collections::HashMap;

use crate::tree::SpanTree;
use strand_model::{Interner, StrId, Trace};

/// A mean duration that moved by more than this percentage of A's mean (and by more than
/// [`CHANGED_ABSOLUTE_NS`]) makes a row `Changed`.
pub const CHANGED_RELATIVE_PERCENT: i64 = 10;

/// A mean duration that moved by more than this many nanoseconds (1 ms), and by more than
/// [`CHANGED_RELATIVE_PERCENT`] percent, makes a row `Changed`.
pub const CHANGED_ABSOLUTE_NS: i64 = 1_000_000;

/// How a path differs between trace A and trace B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PathStatus {
    Same,
    Changed,
    /// Only in B.
    Added,
    /// Only in A.
    Removed,
}

impl PathStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PathStatus::Same => "same",
            PathStatus::Changed => "changed",
            PathStatus::Added => "added",
            PathStatus::Removed => "removed",
        }
    }
}

/// One (service, operation) path and how it ran in A and in B.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PathRow {
    /// `service:operation` pairs from the root, joined by ` > `.
    pub path: String,
    /// Number of pairs in the path minus one (roots are 0).
    pub depth: u32,
    /// The last pair of the path.
    pub service: String,
    pub operation: String,
    pub count_a: u64,
    pub count_b: u64,
    pub total_a_ns: i64,
    pub total_b_ns: i64,
    pub mean_a_ns: i64,
    pub mean_b_ns: i64,
    pub status: PathStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ComparisonTotals {
    pub spans_a: u64,
    pub spans_b: u64,
    pub duration_a_ns: i64,
    pub duration_b_ns: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Comparison {
    pub rows: Vec<PathRow>,
    pub totals: ComparisonTotals,
}

/// Marker for "no parent path" (a root's path).
const NO_PATH: u32 = u32::MAX;

/// One distinct path; the tree of paths is kept as children in the order they were first met.
struct PathNode {
    service: StrId,
    name: StrId,
    children: Vec<u32>,
    count: [u64; 2],
    total_ns: [i64; 2],
}

#[derive(Default)]
struct PathTable {
    nodes: Vec<PathNode>,
    roots: Vec<u32>,
    ids: HashMap<(u32, StrId, StrId), u32>,
}

impl PathTable {
    /// Adds every span of `trace` to side `side` (0 for A, 1 for B).
    fn add_trace(&mut self, trace: &Trace, side: usize) {
        let tree = SpanTree::build(trace);
        let mut span_path = vec![NO_PATH; trace.spans.len()];
        for &i in &tree.preorder {
            let Some(span) = trace.span(i) else { continue };
            // Pre-order puts parents first, so the parent's path id is already known.
            let parent_path = span_path.get(span.parent as usize).copied().unwrap_or(NO_PATH);
            let id = self.path_id(parent_path, trace.service_of(span), span.name);
            if let Some(slot) = span_path.get_mut(i as usize) {
                *slot = id;
            }
            if let Some(node) = self.nodes.get_mut(id as usize) {
                if let (Some(count), Some(total)) = (node.count.get_mut(side), node.total_ns.get_mut(side)) {
                    *count += 1;
                    *total = total.saturating_add(span.duration_ns.max(0));
                }
            }
        }
    }

    fn path_id(&mut self, parent: u32, service: StrId, name: StrId) -> u32 {
        if let Some(&id) = self.ids.get(&(parent, service, name)) {
            return id;
        }
        let id = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(PathNode { service, name, children: Vec::new(), count: [0; 2], total_ns: [0; 2] });
        match self.nodes.get_mut(parent as usize) {
            Some(p) => p.children.push(id),
            None => self.roots.push(id),
        }
        self.ids.insert((parent, service, name), id);
        id
    }

    /// Rows in pre-order of the path tree, building each path string from its parent's.
    fn rows(&self, strings: &Interner) -> Vec<PathRow> {
        let mut rows = Vec::with_capacity(self.nodes.len());
        let mut prefix = String::new();
        // (path id, depth, length of the parent's path in `prefix`)
        let mut stack: Vec<(u32, u32, usize)> = self.roots.iter().rev().map(|&r| (r, 0, 0)).collect();
        while let Some((id, depth, parent_len)) = stack.pop() {
            let Some(node) = self.nodes.get(id as usize) else {
                continue;
            };
            let service = strings.get(node.service);
            let operation = strings.get(node.name);
            prefix.truncate(parent_len);
            if depth > 0 {
                prefix.push_str(" > ");
            }
            prefix.push_str(service);
            prefix.push(':');
            prefix.push_str(operation);
            let [count_a, count_b] = node.count;
            let [total_a_ns, total_b_ns] = node.total_ns;
            let mean_a_ns = mean(total_a_ns, count_a);
            let mean_b_ns = mean(total_b_ns, count_b);
            rows.push(PathRow {
                path: prefix.clone(),
                depth,
                service: service.to_string(),
                operation: operation.to_string(),
                count_a,
                count_b,
                total_a_ns,
                total_b_ns,
                mean_a_ns,
                mean_b_ns,
                status: status(count_a, count_b, mean_a_ns, mean_b_ns),
            });
            for &child in node.children.iter().rev() {
                stack.push((child, depth.saturating_add(1), prefix.len()));
            }
        }
        rows
    }
}

/// Compares trace `a` (the baseline) with trace `b`, path by path.
pub fn compare(strings: &Interner, a: &Trace, b: &Trace) -> Comparison {
    let mut table = PathTable::default();
    table.add_trace(a, 0);
    table.add_trace(b, 1);
    Comparison {
        rows: table.rows(strings),
        totals: ComparisonTotals {
            spans_a: a.spans.len() as u64,
            spans_b: b.spans.len() as u64,
            duration_a_ns: a.duration_ns(),
            duration_b_ns: b.duration_ns(),
        },
    }
}

fn mean(total_ns: i64, count: u64) -> i64 {
    match i64::try_from(count) {
        Ok(n) if n > 0 => total_ns / n,
        _ => 0,
    }
}

fn status(count_a: u64, count_b: u64, mean_a_ns: i64, mean_b_ns: i64) -> PathStatus {
    if count_a == 0 {
        return PathStatus::Added;
    }
    if count_b == 0 {
        return PathStatus::Removed;
    }
    if count_a != count_b || mean_moved(mean_a_ns, mean_b_ns) {
        return PathStatus::Changed;
    }
    PathStatus::Same
}

/// Did the mean move by more than both thresholds? Computed in i128 so no value can overflow.
fn mean_moved(mean_a_ns: i64, mean_b_ns: i64) -> bool {
    let diff = (i128::from(mean_b_ns) - i128::from(mean_a_ns)).abs();
    diff > i128::from(CHANGED_ABSOLUTE_NS)
        && diff * 100 > i128::from(mean_a_ns).abs() * i128::from(CHANGED_RELATIVE_PERCENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use strand_testkit::dataset;

    /// Compares the first fixture (A) with the second (B) and renders one line per row (times
    /// in microseconds to keep fixtures readable), then the totals.
    fn check(fixture_a: &str, fixture_b: &str, expect: Expect) {
        let data = dataset(&[fixture_a, fixture_b]);
        let comparison = compare(&data.strings, &data.traces[0], &data.traces[1]);
        let mut out = String::new();
        for row in &comparison.rows {
            out.push_str(&format!(
                "{:<8} {}/{} mean {}us/{}us  {}\n",
                row.status.as_str(),
                row.count_a,
                row.count_b,
                row.mean_a_ns / 1000,
                row.mean_b_ns / 1000,
                row.path
            ));
        }
        let t = comparison.totals;
        out.push_str(&format!(
            "spans {}/{}, duration {}us/{}us\n",
            t.spans_a,
            t.spans_b,
            t.duration_a_ns / 1000,
            t.duration_b_ns / 1000
        ));
        expect.assert_eq(&out);
    }

    const CHECKOUT: &str = "
GET_/checkout frontend 1000000..21000000 server
  get_cart cart 2000000..7000000 client
    SELECT db 3000000..6000000 client
  charge payment 8000000..18000000 client
  render frontend 18000000..20000000
";

    #[test]
    fn identical_traces_are_all_same() {
        check(
            CHECKOUT,
            CHECKOUT,
            expect![[r#"
                same     1/1 mean 20000us/20000us  frontend:GET /checkout
                same     1/1 mean 5000us/5000us  frontend:GET /checkout > cart:get cart
                same     1/1 mean 3000us/3000us  frontend:GET /checkout > cart:get cart > db:SELECT
                same     1/1 mean 10000us/10000us  frontend:GET /checkout > payment:charge
                same     1/1 mean 2000us/2000us  frontend:GET /checkout > frontend:render
                spans 5/5, duration 20000us/20000us
            "#]],
        );
    }

    #[test]
    fn an_added_call_is_listed_under_its_caller() {
        check(
            CHECKOUT,
            "
GET_/checkout frontend 1000000..21000000 server
  get_cart cart 2000000..7000000 client
    SELECT db 3000000..6000000 client
    GET cache 2000000..2500000 client
  charge payment 8000000..18000000 client
  render frontend 18000000..20000000
",
            expect![[r#"
                same     1/1 mean 20000us/20000us  frontend:GET /checkout
                same     1/1 mean 5000us/5000us  frontend:GET /checkout > cart:get cart
                same     1/1 mean 3000us/3000us  frontend:GET /checkout > cart:get cart > db:SELECT
                added    0/1 mean 0us/500us  frontend:GET /checkout > cart:get cart > cache:GET
                same     1/1 mean 10000us/10000us  frontend:GET /checkout > payment:charge
                same     1/1 mean 2000us/2000us  frontend:GET /checkout > frontend:render
                spans 5/6, duration 20000us/20000us
            "#]],
        );
    }

    #[test]
    fn a_removed_call_keeps_its_subtree_removed() {
        check(
            CHECKOUT,
            "
GET_/checkout frontend 1000000..13000000 server
  charge payment 2000000..11000000 client
  render frontend 11000000..12000000
",
            expect![[r#"
                changed  1/1 mean 20000us/12000us  frontend:GET /checkout
                removed  1/0 mean 5000us/0us  frontend:GET /checkout > cart:get cart
                removed  1/0 mean 3000us/0us  frontend:GET /checkout > cart:get cart > db:SELECT
                same     1/1 mean 10000us/9000us  frontend:GET /checkout > payment:charge
                same     1/1 mean 2000us/1000us  frontend:GET /checkout > frontend:render
                spans 5/3, duration 20000us/12000us
            "#]],
        );
    }

    #[test]
    fn a_retried_call_changes_the_count() {
        check(
            CHECKOUT,
            "
GET_/checkout frontend 1000000..31000000 server
  get_cart cart 2000000..7000000 client
    SELECT db 3000000..6000000 client
  charge payment 8000000..18000000 client error
  charge payment 18000000..28000000 client
  render frontend 28000000..30000000
",
            expect![[r#"
                changed  1/1 mean 20000us/30000us  frontend:GET /checkout
                same     1/1 mean 5000us/5000us  frontend:GET /checkout > cart:get cart
                same     1/1 mean 3000us/3000us  frontend:GET /checkout > cart:get cart > db:SELECT
                changed  1/2 mean 10000us/10000us  frontend:GET /checkout > payment:charge
                same     1/1 mean 2000us/2000us  frontend:GET /checkout > frontend:render
                spans 5/6, duration 20000us/30000us
            "#]],
        );
    }

    #[test]
    fn a_slower_span_changes_only_past_both_thresholds() {
        // get_cart (+2 ms, +40%) and SELECT (+2 ms, +67%): changed. charge: +0.9 ms (9%): same.
        // render: +25% but only +0.5 ms: same. The root: +1.5 ms but only 7.5%: same.
        check(
            CHECKOUT,
            "
GET_/checkout frontend 1000000..22500000 server
  get_cart cart 2000000..9000000 client
    SELECT db 3000000..8000000 client
  charge payment 9000000..19900000 client
  render frontend 20000000..22500000
",
            expect![[r#"
                same     1/1 mean 20000us/21500us  frontend:GET /checkout
                changed  1/1 mean 5000us/7000us  frontend:GET /checkout > cart:get cart
                changed  1/1 mean 3000us/5000us  frontend:GET /checkout > cart:get cart > db:SELECT
                same     1/1 mean 10000us/10900us  frontend:GET /checkout > payment:charge
                same     1/1 mean 2000us/2500us  frontend:GET /checkout > frontend:render
                spans 5/5, duration 20000us/21500us
            "#]],
        );
    }

    #[test]
    fn same_operation_in_different_places_are_different_paths() {
        check(
            "
root svc 1000000..1000010
  query db 1000001..1000002
  call other 1000002..1000008
    query db 1000003..1000004
",
            "
root svc 1000000..1000010
  call other 1000002..1000008
    query db 1000003..1000004
    query db 1000004..1000005
",
            expect![[r#"
                same     1/1 mean 0us/0us  svc:root
                removed  1/0 mean 0us/0us  svc:root > db:query
                same     1/1 mean 0us/0us  svc:root > other:call
                changed  1/2 mean 0us/0us  svc:root > other:call > db:query
                spans 4/4, duration 0us/0us
            "#]],
        );
    }
}
