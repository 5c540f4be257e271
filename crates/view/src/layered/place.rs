//! Vertical placement of one layer: towards its neighbours, without overlaps.

/// Moves the nodes of layer `l` towards the mean centre of their neighbours in `primary` (and
/// `secondary`, when given), keeping the layer's order and separations: a weighted isotonic
/// regression solved by pool adjacent violators, `O(len)`.
pub(super) fn place(
    ranks: &[Vec<usize>],
    l: usize,
    y: &mut [f64],
    primary: &[Vec<usize>],
    secondary: Option<&Vec<Vec<usize>>>,
    separation: &dyn Fn(usize, usize) -> f64,
) {
    let Some(rank) = ranks.get(l) else { return };
    if rank.is_empty() {
        return;
    }
    // Offsets: the smallest distance from the layer's first node to each node.
    let mut offset = Vec::with_capacity(rank.len());
    let mut acc = 0.0;
    for (i, &v) in rank.iter().enumerate() {
        if i > 0 {
            if let Some(&prev) = rank.get(i - 1) {
                acc += separation(prev, v);
            }
        }
        offset.push(acc);
    }
    // Blocks of pooled targets: (weight, weighted sum, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(rank.len());
    for (i, &v) in rank.iter().enumerate() {
        let mut sum = 0.0;
        let mut count = 0usize;
        for list in std::iter::once(primary.get(v)).chain(std::iter::once(secondary.and_then(|s| s.get(v)))) {
            for &w in list.map_or(&[][..], Vec::as_slice) {
                sum += y.get(w).copied().unwrap_or(0.0);
                count += 1;
            }
        }
        let current = y.get(v).copied().unwrap_or(0.0);
        let (desired, weight) = if count == 0 { (current, 0.25) } else { (sum / count as f64, count as f64) };
        let target = desired - offset.get(i).copied().unwrap_or(0.0);
        blocks.push((weight, weight * target, 1));
        while blocks.len() >= 2 {
            let (Some(&last), Some(&prev)) = (blocks.last(), blocks.get(blocks.len() - 2)) else {
                break;
            };
            if prev.1 / prev.0 > last.1 / last.0 {
                blocks.pop();
                blocks.pop();
                blocks.push((prev.0 + last.0, prev.1 + last.1, prev.2 + last.2));
            } else {
                break;
            }
        }
    }
    let mut i = 0;
    for (weight, sum, count) in blocks {
        let z = sum / weight;
        for _ in 0..count {
            if let (Some(&v), Some(&off)) = (rank.get(i), offset.get(i)) {
                if let Some(slot) = y.get_mut(v) {
                    *slot = z + off;
                }
            }
            i += 1;
        }
    }
}
