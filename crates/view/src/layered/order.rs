//! Ordering: the greedy vertex sequence that decides which edges to reverse, barycenter
//! reordering of a layer, and the exact count of crossings between neighbouring layers.

/// The Eades–Lin–Smyth heuristic for a small feedback arc set: repeatedly take sinks off the
/// end and sources off the front, else the node with the most outgoing minus incoming edges
/// left. Returns every node's place in the sequence; edges from a later to an earlier place are
/// the ones to reverse. `O((V + E) log V)` with an ordered set as the priority queue.
pub(super) fn greedy_sequence(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    use std::collections::BTreeSet;
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut inc: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if let (Some(o), Some(i)) = (out.get_mut(a), inc.get_mut(b)) {
            o.push(b);
            i.push(a);
        }
    }
    let mut out_degree: Vec<i64> = out.iter().map(|l| l.len() as i64).collect();
    let mut in_degree: Vec<i64> = inc.iter().map(|l| l.len() as i64).collect();
    let key = |v: usize, o: &[i64], i: &[i64]| (i.get(v).copied().unwrap_or(0) - o.get(v).copied().unwrap_or(0), v);
    let mut queue: BTreeSet<(i64, usize)> = (0..n).map(|v| key(v, &out_degree, &in_degree)).collect();
    let mut live = vec![true; n];
    let mut front: Vec<usize> = Vec::with_capacity(n);
    let mut back: Vec<usize> = Vec::new();
    let mut sinks: Vec<usize> = (0..n).filter(|&v| out_degree.get(v) == Some(&0)).collect();
    let mut sources: Vec<usize> = (0..n).filter(|&v| in_degree.get(v) == Some(&0)).collect();
    sinks.reverse();
    sources.reverse();
    loop {
        let is_live = |v: usize, live: &[bool]| live.get(v).copied().unwrap_or(false);
        let (v, to_back) = if let Some(v) = sinks.pop() {
            if !is_live(v, &live) {
                continue;
            }
            (v, true)
        } else if let Some(v) = sources.pop() {
            if !is_live(v, &live) {
                continue;
            }
            (v, false)
        } else if let Some(&(_, v)) = queue.first() {
            (v, false)
        } else {
            break;
        };
        queue.remove(&key(v, &out_degree, &in_degree));
        if let Some(l) = live.get_mut(v) {
            *l = false;
        }
        if to_back {
            back.push(v);
        } else {
            front.push(v);
        }
        for &w in out.get(v).map_or(&[][..], Vec::as_slice) {
            if !is_live(w, &live) {
                continue;
            }
            queue.remove(&key(w, &out_degree, &in_degree));
            if let Some(d) = in_degree.get_mut(w) {
                *d -= 1;
                if *d == 0 {
                    sources.push(w);
                }
            }
            queue.insert(key(w, &out_degree, &in_degree));
        }
        for &u in inc.get(v).map_or(&[][..], Vec::as_slice) {
            if !is_live(u, &live) {
                continue;
            }
            queue.remove(&key(u, &out_degree, &in_degree));
            if let Some(d) = out_degree.get_mut(u) {
                *d -= 1;
                if *d == 0 {
                    sinks.push(u);
                }
            }
            queue.insert(key(u, &out_degree, &in_degree));
        }
    }
    let mut place = vec![0usize; n];
    for (i, v) in front.into_iter().chain(back.into_iter().rev()).enumerate() {
        if let Some(p) = place.get_mut(v) {
            *p = i;
        }
    }
    place
}

/// Sorts layer `l` by the barycenter of each node's neighbours in `adjacent` (a node without
/// neighbours there keeps its place as its key). Ties keep the current order.
pub(super) fn reorder(ranks: &mut [Vec<usize>], l: usize, pos: &mut [usize], adjacent: &[Vec<usize>]) {
    let Some(rank) = ranks.get_mut(l) else { return };
    let mut keyed: Vec<(f64, usize, usize)> = rank
        .iter()
        .map(|&v| {
            let here = pos.get(v).copied().unwrap_or(0);
            let neighbours = adjacent.get(v).map_or(&[][..], Vec::as_slice);
            let key = if neighbours.is_empty() {
                here as f64
            } else {
                neighbours.iter().map(|&w| pos.get(w).copied().unwrap_or(0) as f64).sum::<f64>()
                    / neighbours.len() as f64
            };
            (key, here, v)
        })
        .collect();
    strand_model::order::sort_by(&mut keyed, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (i, (_, _, v)) in keyed.into_iter().enumerate() {
        if let Some(slot) = rank.get_mut(i) {
            *slot = v;
        }
        if let Some(p) = pos.get_mut(v) {
            *p = i;
        }
    }
}

/// Edge crossings between all pairs of neighbouring layers: inversions of the lower ends when
/// the segments are sorted by their upper ends, counted with a Fenwick tree.
pub(super) fn count_crossings(ranks: &[Vec<usize>], pos: &[usize], down: &[Vec<usize>]) -> u64 {
    let mut total = 0u64;
    let mut segments: Vec<(usize, usize)> = Vec::new();
    for (l, rank) in ranks.iter().enumerate() {
        let Some(below) = ranks.get(l + 1) else { break };
        segments.clear();
        for &v in rank {
            let pv = pos.get(v).copied().unwrap_or(0);
            for &w in down.get(v).map_or(&[][..], Vec::as_slice) {
                segments.push((pv, pos.get(w).copied().unwrap_or(0)));
            }
        }
        strand_model::order::sort(&mut segments);
        let mut tree = vec![0u64; below.len() + 1];
        for (inserted, &(_, b)) in (0u64..).zip(&segments) {
            // Count earlier segments whose lower end is strictly right of b.
            let mut at_most_b = 0u64;
            let mut i = b + 1;
            while i > 0 {
                at_most_b += tree.get(i).copied().unwrap_or(0);
                i &= i - 1;
            }
            total += inserted - at_most_b;
            let mut i = b + 1;
            while let Some(slot) = tree.get_mut(i) {
                *slot += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}
