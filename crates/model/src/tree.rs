//! The span tree of one trace: children in start order (CSR arrays), roots, pre-order, depth and
//! subtree sizes. O(n) apart from sorting siblings; iterative. Built from the parents that
//! assembly resolved (`Span::parent`); assembly itself uses it for tree order and depths, and
//! analysis for everything that walks the tree. Depends only on the other `model` modules.

use super::trace::{Span, SpanIdx, Trace, NO_PARENT};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanTree {
    /// `children[offsets[i]..offsets[i+1]]` are span `i`'s children, by start time then index.
    offsets: Vec<u32>,
    children: Vec<SpanIdx>,
    /// Roots by start time.
    pub roots: Vec<SpanIdx>,
    /// All spans in pre-order (each root followed by its subtree).
    pub preorder: Vec<SpanIdx>,
    /// Depth per span index (roots 0).
    pub depth: Vec<u32>,
    /// Number of spans in each span's subtree, itself included.
    pub subtree_size: Vec<u32>,
}

impl SpanTree {
    pub fn build(trace: &Trace) -> SpanTree {
        SpanTree::from_spans(&trace.spans)
    }

    /// The tree of `spans` by their resolved `parent` indices (out-of-range parents are roots).
    pub fn from_spans(spans: &[Span]) -> SpanTree {
        let n = spans.len();
        let mut offsets = vec![0u32; n + 1];
        let mut roots = Vec::new();
        for (i, span) in spans.iter().enumerate() {
            match parent_of(span, n) {
                Some(p) => {
                    if let Some(c) = offsets.get_mut(p + 1) {
                        *c += 1;
                    }
                }
                None => roots.push(i as SpanIdx),
            }
        }
        for i in 1..=n {
            let prev = offsets.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = offsets.get_mut(i) {
                *c += prev;
            }
        }
        let mut fill = offsets.clone();
        let mut children = vec![0u32; offsets.get(n).copied().unwrap_or(0) as usize];
        for (i, span) in spans.iter().enumerate() {
            if let Some(p) = parent_of(span, n) {
                if let Some(pos) = fill.get_mut(p) {
                    if let Some(slot) = children.get_mut(*pos as usize) {
                        *slot = i as SpanIdx;
                    }
                    *pos += 1;
                }
            }
        }
        let key = |i: &SpanIdx| (spans.get(*i as usize).map_or(i64::MAX, |s| s.start_ns), *i);
        for i in 0..n {
            let (a, b) =
                (offsets.get(i).copied().unwrap_or(0) as usize, offsets.get(i + 1).copied().unwrap_or(0) as usize);
            if b > a + 1 {
                if let Some(list) = children.get_mut(a..b) {
                    list.sort_unstable_by_key(key);
                }
            }
        }
        roots.sort_unstable_by_key(key);

        let mut tree = SpanTree {
            offsets,
            children,
            roots,
            preorder: Vec::with_capacity(n),
            depth: vec![0; n],
            subtree_size: vec![1; n],
        };
        let mut stack: Vec<SpanIdx> = tree.roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            tree.preorder.push(i);
            let d = tree.depth.get(i as usize).copied().unwrap_or(0);
            let (a, b) = (
                tree.offsets.get(i as usize).copied().unwrap_or(0),
                tree.offsets.get(i as usize + 1).copied().unwrap_or(0),
            );
            for &c in tree.children.get(a as usize..b as usize).unwrap_or(&[]).iter().rev() {
                if let Some(slot) = tree.depth.get_mut(c as usize) {
                    *slot = d + 1;
                }
                stack.push(c);
            }
        }
        // Subtree sizes: children come after their parent in pre-order, so a reverse sweep adds up.
        for &i in tree.preorder.iter().rev() {
            if let Some(p) = spans.get(i as usize).and_then(|s| parent_of(s, n)) {
                let size = tree.subtree_size.get(i as usize).copied().unwrap_or(1);
                if let Some(slot) = tree.subtree_size.get_mut(p) {
                    *slot += size;
                }
            }
        }
        tree
    }

    pub fn children_of(&self, idx: SpanIdx) -> &[SpanIdx] {
        let i = idx as usize;
        let (Some(&a), Some(&b)) = (self.offsets.get(i), self.offsets.get(i + 1)) else {
            return &[];
        };
        self.children.get(a as usize..b as usize).unwrap_or(&[])
    }

    pub fn len(&self) -> usize {
        self.depth.len()
    }

    pub fn is_empty(&self) -> bool {
        self.depth.is_empty()
    }
}

fn parent_of(span: &Span, n: usize) -> Option<usize> {
    (span.parent != NO_PARENT && (span.parent as usize) < n).then_some(span.parent as usize)
}
