//! Sorting a table by a clicked column, one way for every table (trace list, analytics, the
//! trace page's spans and statistics tabs): a [`Sort`] is a column and a direction; the first
//! click on a column sorts numbers largest first and text A to Z, a second click flips it.
//! Tables with an order of their own (tree order, the statistics' order) hold an
//! `Option<Sort<C>>`, where `None` is that order. Rows are sorted as positions, stably: ties keep
//! the table's own order.

use std::cmp::Ordering;

/// A column a table can be sorted by.
pub trait SortColumn: Copy + Eq {
    /// Numbers are sorted largest first on the first click, text A to Z.
    fn numeric(self) -> bool;
}

/// A column whose sort is kept in the route as `<key>-<asc|desc>`.
pub trait KeyedColumn: SortColumn + 'static {
    /// Every column, to parse a key back.
    const ALL: &'static [Self];
    /// The column's name in the route.
    fn key(self) -> &'static str;
}

/// A column and a direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort<C> {
    pub column: C,
    pub descending: bool,
}

impl<C: SortColumn> Sort<C> {
    /// The sort of a first click on `column`.
    pub fn first(column: C) -> Sort<C> {
        Sort { column, descending: column.numeric() }
    }

    /// The sort after clicking `column`: the same column flips, another starts with [`Sort::first`].
    pub fn clicked(self, column: C) -> Sort<C> {
        if self.column == column {
            Sort { column, descending: !self.descending }
        } else {
            Sort::first(column)
        }
    }

    /// The `aria-sort` value of `column`'s header.
    pub fn aria(self, column: C) -> &'static str {
        aria(Some(self), column)
    }

    /// `ordering` in this sort's direction.
    pub fn directed(self, ordering: Ordering) -> Ordering {
        if self.descending {
            ordering.reverse()
        } else {
            ordering
        }
    }
}

impl<C: KeyedColumn> Sort<C> {
    /// Parses `duration-desc`, `service-asc`; `None` for anything else (a sort of another table).
    pub fn parse(text: &str) -> Option<Sort<C>> {
        let (key, direction) = text.rsplit_once('-')?;
        let descending = match direction {
            "asc" => false,
            "desc" => true,
            _ => return None,
        };
        let column = C::ALL.iter().copied().find(|c| c.key() == key)?;
        Some(Sort { column, descending })
    }

    /// The route's value of this sort.
    pub fn key(self) -> String {
        format!("{}-{}", self.column.key(), if self.descending { "desc" } else { "asc" })
    }
}

/// After clicking `column` of a table sorted by `current` (`None`: its own order).
pub fn clicked<C: SortColumn>(current: Option<Sort<C>>, column: C) -> Sort<C> {
    current.map_or_else(|| Sort::first(column), |s| s.clicked(column))
}

/// Like [`clicked`], for tables that return to their own order on the third click of a column:
/// first click, flipped, then `None`.
pub fn cycled<C: SortColumn>(current: Option<Sort<C>>, column: C) -> Option<Sort<C>> {
    match current {
        Some(s) if s.column == column && s.descending != column.numeric() => None,
        _ => Some(clicked(current, column)),
    }
}

/// The `aria-sort` value of `column`'s header: `none` unless it is the sorted column.
pub fn aria<C: SortColumn>(current: Option<Sort<C>>, column: C) -> &'static str {
    match current {
        Some(s) if s.column == column && s.descending => "descending",
        Some(s) if s.column == column => "ascending",
        _ => "none",
    }
}

/// The positions `0..len` in the order `cmp` gives, turned by `sort`'s direction, ties in
/// position order (a stable sort). `cmp` compares the rows at two positions.
pub fn positions<C: SortColumn>(len: usize, sort: Sort<C>, cmp: impl Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..len).collect();
    positions.sort_by(|&a, &b| sort.directed(cmp(a, b)).then(a.cmp(&b)));
    positions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Col {
        Name,
        Count,
    }
    impl SortColumn for Col {
        fn numeric(self) -> bool {
            self == Col::Count
        }
    }
    impl KeyedColumn for Col {
        const ALL: &'static [Col] = &[Col::Name, Col::Count];
        fn key(self) -> &'static str {
            match self {
                Col::Name => "name",
                Col::Count => "count",
            }
        }
    }

    /// Clicks on headers, from no sort: each step prints the sort and the aria of both headers.
    fn check(clicks: &[Col], cycle: bool, expect: &str) {
        let mut current: Option<Sort<Col>> = None;
        let mut out = Vec::new();
        for &column in clicks {
            current = if cycle { cycled(current, column) } else { Some(clicked(current, column)) };
            let shown = current.map_or("own order".to_string(), |s| s.key());
            out.push(format!("{shown} ({}, {})", aria(current, Col::Name), aria(current, Col::Count)));
        }
        assert_eq!(out.join("; "), expect);
    }

    #[test]
    fn clicks_sort_numbers_largest_first_and_text_a_to_z_then_flip() {
        check(
            &[Col::Count, Col::Count, Col::Name, Col::Name],
            false,
            "count-desc (none, descending); count-asc (none, ascending); \
             name-asc (ascending, none); name-desc (descending, none)",
        );
    }

    #[test]
    fn a_third_click_returns_to_the_tables_own_order_where_it_has_one() {
        check(
            &[Col::Count, Col::Count, Col::Count, Col::Name, Col::Count],
            true,
            "count-desc (none, descending); count-asc (none, ascending); own order (none, none); \
             name-asc (ascending, none); count-desc (none, descending)",
        );
    }

    #[test]
    fn keys_parse_back_and_other_tables_keys_do_not() {
        for column in [Col::Name, Col::Count] {
            for descending in [false, true] {
                let sort = Sort { column, descending };
                assert_eq!(Sort::parse(&sort.key()), Some(sort));
            }
        }
        for text in ["p99-desc", "count", "count-up", ""] {
            assert_eq!(Sort::<Col>::parse(text), None, "{text}");
        }
    }

    #[test]
    fn positions_are_stable_in_either_direction() {
        let values = [3, 1, 3, 2];
        let by_value = |a: usize, b: usize| values[a].cmp(&values[b]);
        assert_eq!(positions(4, Sort { column: Col::Count, descending: false }, by_value), [1, 3, 0, 2]);
        assert_eq!(positions(4, Sort { column: Col::Count, descending: true }, by_value), [0, 2, 3, 1]);
    }
}
