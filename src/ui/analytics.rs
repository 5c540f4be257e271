//! Latency analytics over every loaded trace: a sortable, filterable table per service or per
//! operation; for the selected row (or all spans) the latency histogram with p50/p90/p99 markers
//! and the rate, errors and duration charts; jumps to the slowest traces of a row and to the
//! traces of a brushed time window; CSV and Prometheus exports. Numbers, rows, geometry and the
//! export texts come from `analysis::stats`, `view::analytics` and `view::charts`.

use super::charts::{HistogramSvg, SeriesSvg};
use super::hooks::use_element_size;
use super::outliers::OutliersPanel;
use super::store::DataHandle;
use std::rc::Rc;
use strand_analysis::stats::{dataset_stats, filtered_summary, red_series, span_metrics};
use strand_model::time::format_duration;
use strand_view::analytics::{
    red_bucket_count, red_charts, red_tooltip, rows, table_order, Column, Level, RowFilter, Selection, TableSort,
};
use strand_view::charts::{bucket_durations, buckets_label, format_rate, histogram_chart};
use strand_view::compare::{root_operations, slowest_route, DEFAULT_SLOWEST_PERCENT};
use strand_view::export::stats::{csv, prometheus};
use strand_view::outliers::SpanSelector;
use strand_view::route::{Page, Route};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Rows drawn at most; a filter narrows the rest.
const MAX_ROWS: usize = 500;
const HISTOGRAM_HEIGHT_PX: f64 = 230.0;
const RED_HEIGHT_PX: f64 = 132.0;

#[derive(Properties, PartialEq)]
pub struct AnalyticsProps {
    pub data: DataHandle,
    pub route: Route,
    pub on_navigate: Callback<(Route, bool)>,
}

#[function_component(AnalyticsPage)]
pub fn analytics_page(props: &AnalyticsProps) -> Html {
    let generation = props.data.generation;
    let stats = use_memo(generation, {
        let data = props.data.clone();
        move |_| dataset_stats(&data.borrow())
    });
    let selection = Selection::from_route(&props.route);
    let level = use_state_eq(|| {
        if props.route.service.is_some() && props.route.operation.is_none() {
            Level::Services
        } else {
            Level::Operations
        }
    });
    let filter_text = use_state(String::new);
    let table_rows = use_memo((generation, *level), {
        let stats = stats.clone();
        move |(_, level)| rows(&stats, *level)
    });
    let sort = props.route.sort.as_deref().and_then(TableSort::parse);
    let filter = RowFilter::parse_for(&filter_text, Some(&props.data.borrow()));
    let order = table_order(&table_rows, sort, &filter);

    // The selection's numbers and series.
    let detail_data = use_memo((generation, selection.clone()), {
        let data = props.data.clone();
        let stats = stats.clone();
        move |(_, selection)| {
            let data = data.borrow();
            selection.span_filter(&data, &stats).map(|f| {
                let summary = filtered_summary(&data, f);
                let series = red_series(&data, red_bucket_count(summary.count), f);
                (summary, series)
            })
        }
    });

    // Buckets brushed on the histogram, for the selection they were brushed on.
    let hist_brush = use_state(|| None::<(Selection, (usize, usize))>);
    let brushed = hist_brush.as_ref().filter(|(s, _)| *s == selection).map(|&(_, b)| b);
    let on_hist_brush = {
        let hist_brush = hist_brush.clone();
        let selection = selection.clone();
        Callback::from(move |buckets: (usize, usize)| hist_brush.set(Some((selection.clone(), buckets))))
    };
    // Root operations with at least two traces: their rows offer "slowest 10% vs the rest".
    let roots = use_memo(generation, {
        let data = props.data.clone();
        move |_| {
            root_operations(&data.borrow())
                .into_iter()
                .filter(|r| r.traces >= 2)
                .map(|r| (r.service, r.operation))
                .collect::<std::collections::BTreeSet<(String, String)>>()
        }
    });

    let charts_box = use_node_ref();
    let (charts_width, _) = use_element_size(charts_box.clone());
    let histogram_width = (charts_width * 0.5 - 10.0).max(320.0);
    let red_width = (charts_width - histogram_width - 20.0).max(320.0);

    let navigate = props.on_navigate.clone();
    let route = props.route.clone();
    let select = {
        let navigate = navigate.clone();
        let route = route.clone();
        Callback::from(move |selection: Selection| navigate.emit((selection.apply(&route), true)))
    };
    let slowest = {
        let navigate = navigate.clone();
        let route = route.clone();
        Callback::from(move |selection: Selection| {
            navigate.emit((
                Route {
                    page: Page::Traces,
                    service: selection.service,
                    operation: selection.operation,
                    sort: Some("duration-desc".to_string()),
                    ..route.session()
                },
                true,
            ))
        })
    };
    let on_brush = {
        let navigate = navigate.clone();
        let route = route.clone();
        let selection = selection.clone();
        Callback::from(move |window: (i64, i64)| {
            navigate.emit((
                Route {
                    page: Page::Traces,
                    service: selection.service.clone(),
                    operation: selection.operation.clone(),
                    window: Some(window),
                    sort: Some("start-asc".to_string()),
                    ..route.session()
                },
                true,
            ))
        })
    };

    let set_level = |l: Level| {
        let level = level.clone();
        Callback::from(move |_: MouseEvent| level.set(l))
    };
    let on_filter = {
        let filter_text = filter_text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                filter_text.set(input.value());
            }
        })
    };
    let export_error = use_state(|| None::<String>);
    let export_csv = {
        let stats = stats.clone();
        let export_error = export_error.clone();
        Callback::from(move |_: MouseEvent| {
            export_error.set(
                super::download::save_text(&csv(&stats), "strand-latency-stats.csv", "text/csv;charset=utf-8").err(),
            );
        })
    };
    let export_prometheus = {
        let data = props.data.clone();
        let stats = stats.clone();
        let export_error = export_error.clone();
        Callback::from(move |_: MouseEvent| {
            let text = prometheus(&span_metrics(&data.borrow()), &stats.window);
            export_error.set(
                super::download::save_text(&text, "strand-span-metrics.prom", "text/plain;version=0.0.4;charset=utf-8")
                    .err(),
            );
        })
    };

    let columns: Vec<Column> = Column::of(*level).collect();
    let header = columns.iter().map(|&column| {
        let onclick = {
            let navigate = navigate.clone();
            let route = route.clone();
            Callback::from(move |_: MouseEvent| {
                let next = strand_view::sort::clicked(sort, column);
                navigate.emit((Route { sort: Some(next.key()), ..route.clone() }, false));
            })
        };
        let aria = strand_view::sort::aria(sort, column);
        let arrow = match aria {
            "ascending" => " ▲",
            "descending" => " ▼",
            _ => "",
        };
        html! {
            <th class={classes!(column.numeric().then_some("num"))} aria-sort={aria} title={column.title()} data-column={column.key()}>
                <button class="sort-button" {onclick}>{ column.label() }{ arrow }</button>
            </th>
        }
    });
    let body = order.iter().take(MAX_ROWS).filter_map(|&i| table_rows.get(i)).map(|row| {
        let row_selection = row.selection();
        let selected = selection.is_row(row);
        let onclick = {
            let select = select.clone();
            let row_selection = row_selection.clone();
            let current = selection.clone();
            Callback::from(move |_: MouseEvent| {
                // Clicking the selected row again shows everything.
                select.emit(if current == row_selection { Selection::default() } else { row_selection.clone() })
            })
        };
        let onkeydown = {
            let select = select.clone();
            let row_selection = row_selection.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    select.emit(row_selection.clone());
                }
            })
        };
        let on_slowest = {
            let slowest = slowest.clone();
            let row_selection = row_selection.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                slowest.emit(row_selection.clone());
            })
        };
        let cells = columns.iter().map(|&column| {
            let text = row.cell(column);
            let value = row.value(column).map(|v| v.to_string());
            let class = classes!(
                column.numeric().then_some("num"),
                (column == Column::Errors && row.summary.errors > 0).then_some("has-errors"),
                format!("col-{}", column.key())
            );
            if column == Column::Service {
                html! {
                    <td {class} data-column={column.key()}>
                        <span class="swatch" style={format!("background:{}", strand_view::colors::service_color(&row.service))}></span>
                        { text }
                    </td>
                }
            } else {
                html! { <td {class} data-column={column.key()} data-value={value}>{ text }</td> }
            }
        });
        let label = row_selection.title();
        let compare = row
            .operation
            .as_ref()
            .filter(|op| roots.contains(&(row.service.clone(), (*op).clone())))
            .map(|op| {
                let next = slowest_route(&route, Some((row.service.clone(), op.clone())), DEFAULT_SLOWEST_PERCENT);
                let navigate = navigate.clone();
                let onclick = Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    navigate.emit((next.clone(), true));
                });
                html! {
                    <button class="btn small slowest-vs-rest" {onclick} aria-label={format!("Compare the slowest 10% of {label} with the rest")}
                            title="Compare the slowest 10% of the traces with this root operation against the rest, path by path">
                        { "Slowest 10% vs rest" }
                    </button>
                }
            });
        html! {
            <tr class={classes!("analytics-row", selected.then_some("selected"))} aria-selected={selected.to_string()} tabindex="0"
                data-service={row.service.clone()} data-operation={row.operation.clone()} data-kind={row.kind.map(|k| k.as_str())}
                {onclick} {onkeydown}>
                { for cells }
                <td class="row-actions">
                    { for compare }
                    <button class="btn small slowest-traces" onclick={on_slowest} title="Open the trace list filtered to this row, longest traces first"
                            aria-label={format!("Slowest traces of {label}")}>{ "Slowest traces" }</button>
                </td>
            </tr>
        }
    });
    let shown = order.len().min(MAX_ROWS);
    let count_text = if order.len() > MAX_ROWS {
        format!("showing {shown} of {} matching rows (of {}); filter to narrow", order.len(), table_rows.len())
    } else if filter.is_empty() {
        format!("{} rows", table_rows.len())
    } else {
        format!("{} of {} rows", order.len(), table_rows.len())
    };

    // The outliers panel's scope (the selected row) and the histogram's brushed durations.
    let scope =
        selection.span_filter(&props.data.borrow(), &stats).filter(|_| !selection.is_all()).map(SpanSelector::Filter);
    let brush_selector = brushed.map(|(first, last)| {
        let (from_ns, to_ns) = bucket_durations(first, last);
        SpanSelector::Durations { filter: strand_analysis::stats::SpanFilter::All, from_ns, to_ns }
    });
    let clear_brush = {
        let hist_brush = hist_brush.clone();
        Callback::from(move |_: MouseEvent| hist_brush.set(None))
    };

    // The detail panel.
    let detail = match detail_data.as_ref() {
        Some((summary, series)) => {
            let markers = [("p50", summary.p50_ns), ("p90", summary.p90_ns), ("p99", summary.p99_ns)];
            let hist = Rc::new(histogram_chart(&summary.histogram, &markers, histogram_width, HISTOGRAM_HEIGHT_PX));
            let red = red_charts(series, red_width, RED_HEIGHT_PX);
            let tooltips = Rc::new(series.buckets.iter().map(red_tooltip).collect::<Vec<_>>());
            let title = selection.title();
            let facts = [
                ("count", summary.count.to_string()),
                ("errors", format!("{} ({:.1}%)", summary.errors, summary.error_rate * 100.0)),
                ("throughput", summary.throughput_per_s.map_or("-".to_string(), format_rate)),
                ("p50", format_duration(summary.p50_ns)),
                ("p90", format_duration(summary.p90_ns)),
                ("p99", format_duration(summary.p99_ns)),
                ("max", format_duration(summary.max_ns)),
            ];
            let clear = {
                let select = select.clone();
                Callback::from(move |_: MouseEvent| select.emit(Selection::default()))
            };
            html! {
                <>
                    <div class="detail-head">
                        <h2 class="detail-title">{ title.clone() }</h2>
                        <dl class="detail-facts">
                            { for facts.iter().map(|(k, v)| html! { <div data-fact={*k}><dt>{ *k }</dt><dd>{ v }</dd></div> }) }
                        </dl>
                        if !selection.is_all() {
                            <button class="btn small show-all" onclick={clear}>{ "Show all spans" }</button>
                        }
                    </div>
                    <div class="chart-row">
                        <figure class="chart-panel histogram-panel">
                            <figcaption>
                                { "Latency histogram" }<span class="muted">{ " · spans per duration bucket, log scale · drag to look into a range" }</span>
                                if let Some((first, last)) = brushed {
                                    <span class="chip hist-brush-chip">
                                        <span class="chip-label">{ format!("brushed {}", buckets_label(first, last)) }</span>
                                        <button class="chip-remove" aria-label="Clear the brushed range" title="Clear the brushed range" onclick={clear_brush.clone()}>{ "×" }</button>
                                    </span>
                                }
                            </figcaption>
                            <HistogramSvg chart={hist} label={format!("Latency histogram of {title}")}
                                          on_brush={Some(on_hist_brush.clone())} {brushed} />
                        </figure>
                        <div class="red-panel">
                            <figure class="chart-panel">
                                <figcaption>{ "Rate" }<span class="muted">{ " · spans started per second (or minute, hour, day) · drag to select traces" }</span></figcaption>
                                <SeriesSvg chart={Rc::new(red.rate)} name="rate" label={format!("Rate of {title}")} tooltips={tooltips.clone()} on_brush={on_brush.clone()} />
                            </figure>
                            <figure class="chart-panel">
                                <figcaption>{ "Errors" }<span class="muted">{ " · spans with error status per interval" }</span></figcaption>
                                <SeriesSvg chart={Rc::new(red.errors)} name="errors" label={format!("Errors of {title}")} tooltips={tooltips.clone()} on_brush={on_brush.clone()} />
                            </figure>
                            <figure class="chart-panel">
                                <figcaption>{ "Duration" }<span class="legend"><span class="key key-p99"></span>{ "p99" }<span class="key key-p50"></span>{ "p50" }</span></figcaption>
                                <SeriesSvg chart={Rc::new(red.duration)} name="duration" label={format!("Duration p50 and p99 of {title}")} tooltips={tooltips} on_brush={on_brush} />
                            </figure>
                        </div>
                    </div>
                    <OutliersPanel data={props.data.clone()} scope={scope.clone()} scope_label={title.clone()}
                                   offer_brush={true} brush={brush_selector.clone()} offer_all={false}
                                   default_threshold={format_duration(summary.p90_ns)} />
                </>
            }
        }
        None => {
            let clear = {
                let select = select.clone();
                Callback::from(move |_: MouseEvent| select.emit(Selection::default()))
            };
            html! {
                <p class="analytics-missing" role="status">
                    { format!("{} is not among the loaded spans. ", selection.title()) }
                    <button class="btn small" onclick={clear}>{ "Show all spans" }</button>
                </p>
            }
        }
    };

    html! {
        <section class="analytics" aria-label="Analytics">
            <div class="analytics-toolbar">
                <div class="level-toggle" role="group" aria-label="Table level">
                    { for [Level::Services, Level::Operations].into_iter().map(|l| html! {
                        <button class={classes!("btn", "small", (*level == l).then_some("active"))} data-level={l.label().to_lowercase()}
                                aria-pressed={(*level == l).to_string()} onclick={set_level(l)}>{ l.label() }</button>
                    }) }
                </div>
                <input class="analytics-filter" type="search" placeholder="Filter: cart, op:GET, errors>0, p99>100ms"
                       aria-label="Filter rows" value={(*filter_text).clone()} oninput={on_filter}
                       title="Words match service and operation names; service:, op:, kind: match one column; count, errors, error-rate, throughput, p50, p90, p99, max and self take > >= < <= =" />
                <span class="muted row-count">{ count_text }</span>
                <span class="muted totals">{ format!("{} spans · {} errors · percentiles are nearest-rank", stats.span_count, stats.error_count) }</span>
                <div class="exports">
                    <button class="btn small export-csv" onclick={export_csv} title="All service and operation rows as CSV">{ "Export CSV" }</button>
                    <button class="btn small export-prometheus" onclick={export_prometheus}
                            title="Calls and duration histograms per service, span name, kind and status, as the spanmetrics connector names them">
                        { "Export Prometheus" }
                    </button>
                </div>
            </div>
            if !filter.problems.is_empty() {
                <p class="filter-problems" role="alert">{ filter.problems.join(" · ") }</p>
            }
            if let Some(error) = (*export_error).clone() {
                <p class="notice notice-error" role="alert">{ format!("The export could not be started: {error}. Try again, or use strand-cli stats --json.") }</p>
            }
            <div class="analytics-table-box">
                <table class="grid analytics-table" data-level={level.label().to_lowercase()}>
                    <thead><tr>{ for header }<th><span class="visually-hidden">{ "Actions" }</span></th></tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
                if order.is_empty() {
                    <p class="muted analytics-empty">{ "No row matches the filter." }</p>
                }
            </div>
            <div class="analytics-detail" ref={charts_box}>
                if charts_width > 0.0 {
                    { detail }
                }
            </div>
        </section>
    }
}
