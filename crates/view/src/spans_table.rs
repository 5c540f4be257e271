//! The sortable tables of the trace page: the span table of the Spans tab (every span, sorted and
//! filtered as an index permutation, shown a screenful at a time) and the grouped statistics of
//! the Statistics tab (group-by choices, sorting, rows as text). Depends on `model`, `analysis`
//! and `view::colors`.
//!
//! Sorting is stable and deterministic: ties keep tree order (span table) or the order
//! `trace_stats` returns (statistics). Strings sort by a rank computed once per distinct
//! interned string, so a million spans sort as integers.

use crate::colors::service_hue;
use crate::sort::{positions, Sort, SortColumn};
use std::cmp::Ordering;
use strand_analysis::stats::{GroupBy, GroupStats, TraceStats};
use strand_analysis::tree::SpanTree;
use strand_model::time::format_duration;
use strand_model::{Interner, StatusCode, StrId, Trace};

// ---------------------------------------------------------------------------------------------
// The span table

/// The columns of the span table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpanColumn {
    Service,
    Name,
    Kind,
    Start,
    Duration,
    SelfTime,
    Error,
    Warnings,
}

impl SpanColumn {
    pub const ALL: [SpanColumn; 8] = [
        SpanColumn::Service,
        SpanColumn::Name,
        SpanColumn::Kind,
        SpanColumn::Start,
        SpanColumn::Duration,
        SpanColumn::SelfTime,
        SpanColumn::Error,
        SpanColumn::Warnings,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SpanColumn::Service => "Service",
            SpanColumn::Name => "Name",
            SpanColumn::Kind => "Kind",
            SpanColumn::Start => "Start",
            SpanColumn::Duration => "Duration",
            SpanColumn::SelfTime => "Self time",
            SpanColumn::Error => "Error",
            SpanColumn::Warnings => "Warnings",
        }
    }

    pub fn numeric(self) -> bool {
        !matches!(self, SpanColumn::Service | SpanColumn::Name | SpanColumn::Kind)
    }
}

/// How the span table is sorted: `None` is tree order (a third click on a column returns to it,
/// [`crate::sort::cycled`]).
pub type SpanSort = Option<Sort<SpanColumn>>;

impl SortColumn for SpanColumn {
    fn numeric(self) -> bool {
        SpanColumn::numeric(self)
    }
}

/// Warnings per span, indexed like `trace.spans`.
pub fn warning_counts(trace: &Trace) -> Vec<u32> {
    let mut counts = vec![0u32; trace.spans.len()];
    for w in &trace.warnings {
        if let Some(c) = w.span.and_then(|s| counts.get_mut(s as usize)) {
            *c += 1;
        }
    }
    counts
}

/// The spans to show, in the order to show them: those whose service or name contains `filter`
/// (ignoring case; all when it is blank), sorted by `sort`, ties in tree order.
pub fn span_order(
    strings: &Interner,
    trace: &Trace,
    tree: &SpanTree,
    self_ns: &[i64],
    warnings: &[u32],
    sort: SpanSort,
    filter: &str,
) -> Vec<u32> {
    let needle = filter.trim().to_lowercase();
    let mut order: Vec<u32> = tree.preorder.clone();
    if !needle.is_empty() {
        // One test per distinct string, not per span.
        let mut verdict: Vec<u8> = vec![0; strings.len()]; // 0 unknown, 1 no, 2 yes
        let mut matches = |id: StrId| {
            let Some(v) = verdict.get_mut(id.0 as usize) else {
                return false;
            };
            if *v == 0 {
                *v = if strings.get(id).to_lowercase().contains(&needle) { 2 } else { 1 };
            }
            *v == 2
        };
        order.retain(|&i| trace.span(i).is_some_and(|s| matches(s.name) || matches(trace.service_of(s))));
    }
    let Some(sort) = sort else { return order };
    let column = sort.column;
    let span_of = |i: u32| trace.span(i);
    let int_key = |i: u32| -> i64 {
        let Some(s) = span_of(i) else { return i64::MIN };
        match column {
            SpanColumn::Start => s.start_ns,
            SpanColumn::Duration => s.duration_ns,
            SpanColumn::SelfTime => self_ns.get(i as usize).copied().unwrap_or(0),
            SpanColumn::Error => i64::from(s.status == StatusCode::Error),
            SpanColumn::Warnings => i64::from(warnings.get(i as usize).copied().unwrap_or(0)),
            SpanColumn::Kind => s.kind as i64,
            SpanColumn::Service | SpanColumn::Name => 0,
        }
    };
    let keys: Vec<i64> = match column {
        SpanColumn::Service => {
            let rank = string_ranks(strings, trace.spans.iter().map(|s| trace.service_of(s)));
            order.iter().map(|&i| span_of(i).map_or(i64::MAX, |s| rank_of(&rank, trace.service_of(s)))).collect()
        }
        SpanColumn::Name => {
            let rank = string_ranks(strings, trace.spans.iter().map(|s| s.name));
            order.iter().map(|&i| span_of(i).map_or(i64::MAX, |s| rank_of(&rank, s.name))).collect()
        }
        SpanColumn::Kind => {
            // By the kind's name, as the table shows it.
            order.iter().map(|&i| span_of(i).map_or(i64::MAX, |s| kind_rank(s.kind.as_str()))).collect()
        }
        _ => order.iter().map(|&i| int_key(i)).collect(),
    };
    // Sort positions of the tree-ordered list: ties keep tree order.
    let positions = positions(order.len(), sort, |a, b| keys.get(a).cmp(&keys.get(b)));
    positions.iter().filter_map(|&p| order.get(p).copied()).collect()
}

/// A rank per interned string among `ids`: alphabetical, ignoring case, then exact.
fn string_ranks(strings: &Interner, ids: impl Iterator<Item = StrId>) -> Vec<(StrId, i64)> {
    let mut distinct: Vec<StrId> = ids.collect();
    distinct.sort_unstable(); // one id per span: the standard sort
    distinct.dedup();
    let mut named: Vec<(String, &str, StrId)> =
        distinct.into_iter().map(|id| (strings.get(id).to_lowercase(), strings.get(id), id)).collect();
    strand_model::order::sort(&mut named);
    let mut ranks: Vec<(StrId, i64)> = named.into_iter().enumerate().map(|(r, (_, _, id))| (id, r as i64)).collect();
    strand_model::order::sort(&mut ranks);
    ranks
}

fn rank_of(ranks: &[(StrId, i64)], id: StrId) -> i64 {
    ranks.binary_search_by_key(&id, |&(s, _)| s).ok().and_then(|p| ranks.get(p)).map_or(i64::MAX, |&(_, r)| r)
}

fn kind_rank(name: &str) -> i64 {
    const NAMES: [&str; 6] = ["client", "consumer", "internal", "producer", "server", "unspecified"];
    NAMES.iter().position(|&n| n == name).map_or(i64::MAX, |p| p as i64)
}

/// One row of the span table, as text.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanTableRow {
    pub index: u32,
    pub service: String,
    pub hue: u32,
    pub name: String,
    pub kind: &'static str,
    /// Offset from the trace start.
    pub start: String,
    pub duration: String,
    pub self_time: String,
    pub error: bool,
    pub warnings: u32,
}

pub fn table_row(
    strings: &Interner,
    trace: &Trace,
    self_ns: &[i64],
    warnings: &[u32],
    index: u32,
) -> Option<SpanTableRow> {
    let span = trace.span(index)?;
    let service = strings.get(trace.service_of(span));
    Some(SpanTableRow {
        index,
        service: service.to_string(),
        hue: service_hue(service),
        name: strings.get(span.name).to_string(),
        kind: span.kind.as_str(),
        start: format!("+{}", format_duration(span.start_ns.saturating_sub(trace.start_ns))),
        duration: format_duration(span.duration_ns),
        self_time: format_duration(self_ns.get(index as usize).copied().unwrap_or(0)),
        error: span.status == StatusCode::Error,
        warnings: warnings.get(index as usize).copied().unwrap_or(0),
    })
}

/// The rows to render for a scroll position: `first..end` of `total` rows of `row_height_px`
/// in a box `viewport_px` high, with `overscan` extra rows on each side.
pub fn visible_rows(
    scroll_top_px: f64,
    viewport_px: f64,
    row_height_px: f64,
    total: usize,
    overscan: usize,
) -> (usize, usize) {
    if total == 0 || row_height_px <= 0.0 {
        return (0, 0);
    }
    let first = (scroll_top_px.max(0.0) / row_height_px).floor() as usize;
    let shown = (viewport_px.max(0.0) / row_height_px).ceil() as usize + 1;
    let start = first.saturating_sub(overscan).min(total);
    let end = first.saturating_add(shown).saturating_add(overscan).min(total);
    (start, end.max(start))
}

// ---------------------------------------------------------------------------------------------
// The statistics table

/// A group-by choice of the Statistics tab: what the `<select>` offers.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupChoice {
    /// The `<option>` value: `service`, `operation` or `attr:<key>`.
    pub value: String,
    pub label: String,
    pub group_by: GroupBy,
}

/// Service, operation, then every attribute key of the trace's spans and resources, by name.
pub fn group_choices(strings: &Interner, trace: &Trace) -> Vec<GroupChoice> {
    let mut seen: Vec<bool> = vec![false; strings.len()];
    let mut keys: Vec<StrId> = Vec::new();
    let mut note = |id: StrId| {
        if let Some(s) = seen.get_mut(id.0 as usize) {
            if !*s {
                *s = true;
                keys.push(id);
            }
        }
    };
    for span in &trace.spans {
        for kv in trace.attrs_of(span.attrs) {
            note(kv.key);
        }
    }
    for resource in &trace.resources {
        for kv in trace.attrs_of(resource.attrs) {
            note(kv.key);
        }
    }
    let mut names: Vec<(&str, StrId)> =
        keys.into_iter().map(|k| (strings.get(k), k)).filter(|(n, _)| !n.is_empty()).collect();
    strand_model::order::sort(&mut names);
    let mut out = vec![
        GroupChoice { value: "service".into(), label: "Service".into(), group_by: GroupBy::Service },
        GroupChoice { value: "operation".into(), label: "Operation".into(), group_by: GroupBy::Operation },
    ];
    out.extend(names.into_iter().map(|(name, key)| GroupChoice {
        value: format!("attr:{name}"),
        label: format!("Attribute {name}"),
        group_by: GroupBy::Attribute(key),
    }));
    out
}

/// The columns of the statistics table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatsColumn {
    Group,
    Count,
    Total,
    Avg,
    Min,
    Max,
    SelfTotal,
    SelfAvg,
    Share,
}

impl StatsColumn {
    pub const ALL: [StatsColumn; 9] = [
        StatsColumn::Group,
        StatsColumn::Count,
        StatsColumn::Total,
        StatsColumn::Avg,
        StatsColumn::Min,
        StatsColumn::Max,
        StatsColumn::SelfTotal,
        StatsColumn::SelfAvg,
        StatsColumn::Share,
    ];

    pub fn label(self) -> &'static str {
        match self {
            StatsColumn::Group => "Group",
            StatsColumn::Count => "Count",
            StatsColumn::Total => "Total",
            StatsColumn::Avg => "Avg",
            StatsColumn::Min => "Min",
            StatsColumn::Max => "Max",
            StatsColumn::SelfTotal => "Self total",
            StatsColumn::SelfAvg => "Self avg",
            StatsColumn::Share => "% of trace",
        }
    }
}

/// How the statistics table is sorted: `None` is the order of `trace_stats` (self total, largest
/// first).
pub type StatsSort = Option<Sort<StatsColumn>>;

impl SortColumn for StatsColumn {
    /// Every column but the group is a number.
    fn numeric(self) -> bool {
        self != StatsColumn::Group
    }
}

/// Positions of `groups` in display order; ties keep the order of `trace_stats`.
pub fn stats_order(groups: &[GroupStats], sort: StatsSort) -> Vec<usize> {
    let Some(sort) = sort else { return (0..groups.len()).collect() };
    let cmp = |a: &GroupStats, b: &GroupStats| -> Ordering {
        match sort.column {
            StatsColumn::Group => {
                a.key.label().to_lowercase().cmp(&b.key.label().to_lowercase()).then_with(|| a.key.cmp(&b.key))
            }
            StatsColumn::Count => a.count.cmp(&b.count),
            StatsColumn::Total => a.total_ns.cmp(&b.total_ns),
            StatsColumn::Avg => a.avg_ns.cmp(&b.avg_ns),
            StatsColumn::Min => a.min_ns.cmp(&b.min_ns),
            StatsColumn::Max => a.max_ns.cmp(&b.max_ns),
            // The share is the self total over one denominator: same order, exact integers.
            StatsColumn::SelfTotal | StatsColumn::Share => a.self_total_ns.cmp(&b.self_total_ns),
            StatsColumn::SelfAvg => a.self_avg_ns.cmp(&b.self_avg_ns),
        }
    };
    positions(groups.len(), sort, |a, b| match (groups.get(a), groups.get(b)) {
        (Some(x), Some(y)) => cmp(x, y),
        _ => Ordering::Equal,
    })
}

/// One row of the statistics table, as text.
#[derive(Clone, Debug, PartialEq)]
pub struct StatsRow {
    pub label: String,
    /// The service's hue when the group is a service or an operation.
    pub hue: Option<u32>,
    pub count: u64,
    pub total: String,
    pub avg: String,
    pub min: String,
    pub max: String,
    pub self_total: String,
    pub self_avg: String,
    /// 0..=100, for the bar.
    pub share_pct: f64,
    pub share: String,
}

pub fn stats_rows(stats: &TraceStats, sort: StatsSort) -> Vec<StatsRow> {
    use strand_analysis::stats::GroupKey;
    stats_order(&stats.groups, sort)
        .into_iter()
        .filter_map(|p| stats.groups.get(p))
        .map(|g| {
            let share_pct = (g.share * 100.0).clamp(0.0, 100.0);
            StatsRow {
                label: g.key.label(),
                hue: match &g.key {
                    GroupKey::Service { service } | GroupKey::Operation { service, .. } => Some(service_hue(service)),
                    GroupKey::Attribute { .. } => None,
                },
                count: g.count,
                total: format_duration(g.total_ns),
                avg: format_duration(g.avg_ns),
                min: format_duration(g.min_ns),
                max: format_duration(g.max_ns),
                self_total: format_duration(g.self_total_ns),
                self_avg: format_duration(g.self_avg_ns),
                share_pct,
                share: format!("{share_pct:.1}%"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sort::{aria, clicked, cycled};
    use expect_test::{expect, Expect};
    use strand_analysis::self_time::self_times;
    use strand_analysis::stats::trace_stats;
    use strand_testkit::dataset;

    const FIXTURE: &str = "
GET_/ api 1000..2000 server
  auth auth 1100..1200 client
  query db 1200..1800 client error
    parse db 1300..1350
  Render api 1800..1990
  render api 1800..1990
";

    /// The span table of [`FIXTURE`] sorted by `sort` and filtered by `filter`, one line per row.
    fn check(sort: SpanSort, filter: &str, expect: Expect) {
        let data = dataset(&[FIXTURE]);
        let trace = &data.traces[0];
        let tree = SpanTree::build(trace);
        let self_ns = self_times(trace, &tree);
        let warnings = warning_counts(trace);
        let order = span_order(&data.strings, trace, &tree, &self_ns, &warnings, sort, filter);
        let mut out = String::new();
        for i in order {
            let r = table_row(&data.strings, trace, &self_ns, &warnings, i).expect("a row");
            out.push_str(&format!(
                "{} {} [{}] {} {} self={}{}\n",
                r.service,
                r.name,
                r.kind,
                r.start,
                r.duration,
                r.self_time,
                if r.error { " error" } else { "" }
            ));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn tree_order_and_filter() {
        check(
            SpanSort::default(),
            "",
            expect![[r#"
                api GET / [server] +0ns 1.00µs self=110ns
                auth auth [client] +100ns 100ns self=100ns
                db query [client] +200ns 600ns self=550ns error
                db parse [unspecified] +300ns 50ns self=50ns
                api Render [unspecified] +800ns 190ns self=190ns
                api render [unspecified] +800ns 190ns self=190ns
            "#]],
        );
        check(
            SpanSort::default(),
            " DB ",
            expect![[r#"
                db query [client] +200ns 600ns self=550ns error
                db parse [unspecified] +300ns 50ns self=50ns
            "#]],
        );
    }

    #[test]
    fn sorting_is_stable() {
        let by = |column, descending| Some(Sort { column, descending });
        check(
            by(SpanColumn::Duration, true),
            "",
            expect![[r#"
                api GET / [server] +0ns 1.00µs self=110ns
                db query [client] +200ns 600ns self=550ns error
                api Render [unspecified] +800ns 190ns self=190ns
                api render [unspecified] +800ns 190ns self=190ns
                auth auth [client] +100ns 100ns self=100ns
                db parse [unspecified] +300ns 50ns self=50ns
            "#]],
        );
        check(
            by(SpanColumn::Name, false),
            "r",
            expect![[r#"
                db parse [unspecified] +300ns 50ns self=50ns
                db query [client] +200ns 600ns self=550ns error
                api Render [unspecified] +800ns 190ns self=190ns
                api render [unspecified] +800ns 190ns self=190ns
            "#]],
        );
        check(
            by(SpanColumn::Error, true),
            "",
            expect![[r#"
                db query [client] +200ns 600ns self=550ns error
                api GET / [server] +0ns 1.00µs self=110ns
                auth auth [client] +100ns 100ns self=100ns
                db parse [unspecified] +300ns 50ns self=50ns
                api Render [unspecified] +800ns 190ns self=190ns
                api render [unspecified] +800ns 190ns self=190ns
            "#]],
        );
        let s = cycled(SpanSort::default(), SpanColumn::Duration);
        assert_eq!(s, by(SpanColumn::Duration, true));
        assert_eq!(cycled(s, SpanColumn::Duration), by(SpanColumn::Duration, false));
        assert_eq!(cycled(cycled(s, SpanColumn::Duration), SpanColumn::Duration), SpanSort::default());
        assert_eq!(cycled(SpanSort::default(), SpanColumn::Name), by(SpanColumn::Name, false));
        assert_eq!(aria(s, SpanColumn::Duration), "descending");
        assert_eq!(aria(s, SpanColumn::Name), "none");
        assert_eq!(visible_rows(0.0, 100.0, 20.0, 1000, 5), (0, 11));
        assert_eq!(visible_rows(2000.0, 100.0, 20.0, 1000, 5), (95, 111));
        assert_eq!(visible_rows(1e9, 100.0, 20.0, 1000, 5), (1000, 1000));
        assert_eq!(visible_rows(0.0, 100.0, 20.0, 0, 5), (0, 0));
    }

    /// The statistics table of [`FIXTURE`] grouped by `group` (a choice value) and sorted.
    fn check_stats(group: &str, sort: StatsSort, expect: Expect) {
        let data = dataset(&[FIXTURE]);
        let trace = &data.traces[0];
        let tree = SpanTree::build(trace);
        let choice = group_choices(&data.strings, trace).into_iter().find(|c| c.value == group).expect("a choice");
        let stats = trace_stats(&data.strings, trace, &tree, choice.group_by);
        let mut out = String::new();
        for r in stats_rows(&stats, sort) {
            out.push_str(&format!(
                "{} n={} total={} avg={} min={} max={} self={} self_avg={} {}\n",
                r.label, r.count, r.total, r.avg, r.min, r.max, r.self_total, r.self_avg, r.share
            ));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn statistics_table() {
        check_stats(
            "service",
            StatsSort::default(),
            expect![[r#"
                db n=2 total=650ns avg=325ns min=50ns max=600ns self=600ns self_avg=300ns 50.4%
                api n=3 total=1.38µs avg=460ns min=190ns max=1.00µs self=490ns self_avg=163ns 41.2%
                auth n=1 total=100ns avg=100ns min=100ns max=100ns self=100ns self_avg=100ns 8.4%
            "#]],
        );
        check_stats(
            "service",
            Some(clicked(StatsSort::default(), StatsColumn::Count)),
            expect![[r#"
                api n=3 total=1.38µs avg=460ns min=190ns max=1.00µs self=490ns self_avg=163ns 41.2%
                db n=2 total=650ns avg=325ns min=50ns max=600ns self=600ns self_avg=300ns 50.4%
                auth n=1 total=100ns avg=100ns min=100ns max=100ns self=100ns self_avg=100ns 8.4%
            "#]],
        );
        check_stats(
            "operation",
            Some(clicked(StatsSort::default(), StatsColumn::Group)),
            expect![[r#"
                api: GET / n=1 total=1.00µs avg=1.00µs min=1.00µs max=1.00µs self=110ns self_avg=110ns 9.2%
                api: Render n=1 total=190ns avg=190ns min=190ns max=190ns self=190ns self_avg=190ns 16.0%
                api: render n=1 total=190ns avg=190ns min=190ns max=190ns self=190ns self_avg=190ns 16.0%
                auth: auth n=1 total=100ns avg=100ns min=100ns max=100ns self=100ns self_avg=100ns 8.4%
                db: parse n=1 total=50ns avg=50ns min=50ns max=50ns self=50ns self_avg=50ns 4.2%
                db: query n=1 total=600ns avg=600ns min=600ns max=600ns self=550ns self_avg=550ns 46.2%
            "#]],
        );
        let data = dataset(&["root api 1..9 http.status=200\n  child db 2..3 db.system=pg"]);
        let values: Vec<String> = group_choices(&data.strings, &data.traces[0]).into_iter().map(|c| c.value).collect();
        assert_eq!(values, ["service", "operation", "attr:db.system", "attr:http.status"]);
    }
}
