//! The span tree (defined in `model::tree`, shared with assembly) and the rule for which
//! children run asynchronously to their parent.

pub use strand_model::tree::SpanTree;
use strand_model::{ParentRelation, Span, SpanKind};

/// Does `child` run asynchronously to `parent`, i.e. the parent does not wait for it? True for
/// `FOLLOWS_FROM` references and for messaging hops (a CONSUMER child, or any child of a
/// PRODUCER). Asynchronous children neither reduce their parent's self time nor lie on its
/// critical path.
pub fn is_async_child(parent: &Span, child: &Span) -> bool {
    child.parent_relation == ParentRelation::FollowsFrom
        || child.kind == SpanKind::Consumer
        || parent.kind == SpanKind::Producer
}

#[cfg(test)]
mod tests {
    use super::*;
    use strand_model::{SpanIdx, Trace, NO_PARENT};
    use strand_testkit::{dataset, span_named};

    #[test]
    fn tree_orders_children_by_start_and_counts_subtrees() {
        let data = dataset(&["
root svc 0..100
  late svc 50..60
  early svc 10..20
    leaf svc 11..12
"]);
        let trace = &data.traces[0];
        let tree = SpanTree::build(trace);
        let name = |i: SpanIdx| data.strings.get(trace.spans[i as usize].name).to_string();
        let order: Vec<String> = tree.preorder.iter().map(|&i| name(i)).collect();
        assert_eq!(order, ["root", "early", "leaf", "late"]);
        let root = span_named(&data, trace, "root");
        assert_eq!(tree.subtree_size[root as usize], 4);
        assert_eq!(tree.depth[span_named(&data, trace, "leaf") as usize], 2);
        assert_eq!(tree.roots, vec![root]);
        assert_eq!(tree.children_of(root).iter().map(|&i| name(i)).collect::<Vec<_>>(), ["early", "late"]);
    }

    #[test]
    fn deep_chain_does_not_overflow() {
        // 200k spans, each the parent of the next: recursion would overflow the stack.
        let mut trace = Trace::new(strand_model::TraceId::Hex(1));
        let n = 200_000u32;
        for i in 0..n {
            let mut span = Span::empty(strand_model::SpanId::Hex(u64::from(i) + 1));
            span.start_ns = i64::from(i);
            span.duration_ns = 1_000_000 - 2 * i64::from(i);
            span.parent = if i == 0 { NO_PARENT } else { i - 1 };
            trace.spans.push(span);
        }
        let tree = SpanTree::build(&trace);
        assert_eq!(tree.subtree_size[0], n);
        assert_eq!(tree.depth.iter().max(), Some(&(n - 1)));
        assert_eq!(tree.preorder.len(), n as usize);
    }
}
