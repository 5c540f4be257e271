//! One compiled sort for code that sorts small or rarely: tables, lists, layouts, exports.
//!
//! Every `slice::sort_by_key(|x| …)` call compiles its own copy of the standard library's sort
//! (its closure is a new type): in the WebAssembly build that was 432 functions and about a
//! third of a megabyte. [`sort_by`] and [`sort_by_key`] sort positions instead, through one
//! comparison behind a `dyn` reference, so the sort itself is compiled once for the whole app;
//! what each call adds is a few lines that move the items into place. They are stable, like
//! `slice::sort_by`, and cost an allocation of one `usize` per item and an indirect call per
//! comparison: keep the standard sorts for the import path and for sorts that run per span.
//! Depends on nothing else in `model`.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal items in their order (like `slice::sort_by`).
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    sort_dyn(items, &compare);
}

/// Sorts `items` by the key `key` gives each, keeping equal items in their order (like
/// `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_dyn(items, &|a: &T, b: &T| key(a).cmp(&key(b)));
}

/// Sorts `items` in their own order (like `slice::sort`, which is also what
/// `sort_unstable` gives for items whose equal ones cannot be told apart).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_dyn(items, &T::cmp);
}

fn sort_dyn<T>(items: &mut [T], compare: &dyn Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    {
        let items: &[T] = items;
        sort_positions(&mut order, &|a, b| match (items.get(a), items.get(b)) {
            (Some(x), Some(y)) => compare(x, y),
            _ => Ordering::Equal,
        });
    }
    place(items, &mut order);
}

/// The one instance of the standard sort: positions, compared through `compare`.
#[inline(never)]
fn sort_positions(order: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

/// Puts the item at `order[i]` at position `i`, walking each cycle of the permutation once
/// (`order` is used up: visited entries become `usize::MAX`).
fn place<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        while let Some(slot) = order.get_mut(at) {
            let from = std::mem::replace(slot, usize::MAX);
            if from == usize::MAX || from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        // Pairs sorted by their first half only: equal keys keep their order.
        let mut seed = 7u64;
        for len in [0, 1, 2, 3, 5, 8, 17, 64, 257] {
            let mut items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|p| p.0);
            let mut by_key = items.clone();
            sort_by_key(&mut by_key, |p| p.0);
            assert_eq!(by_key, expected, "len {len}");
            sort_by(&mut items, |a, b| b.0.cmp(&a.0));
            expected.sort_by_key(|p| std::cmp::Reverse(p.0));
            assert_eq!(items, expected, "len {len}, descending");
        }
    }

    #[test]
    fn moves_items_that_are_not_copy() {
        let mut names: Vec<String> =
            ["delta", "alpha", "charlie", "bravo", "alpha"].iter().map(|s| s.to_string()).collect();
        sort_by(&mut names, |a, b| a.cmp(b));
        assert_eq!(names, ["alpha", "alpha", "bravo", "charlie", "delta"]);
        sort_by_key(&mut names, |s| std::cmp::Reverse(s.len()));
        assert_eq!(names, ["charlie", "alpha", "alpha", "bravo", "delta"]);
    }
}
