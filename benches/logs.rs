//! Native log import benchmark: synthetic ECS JSON lines (about 210 bytes a line: 12 services,
//! 10 lines per trace, one line in ten without trace context), imported as the app does.
//!
//! Direct: detection + decoding (`formats::import`), then merging (grouping by trace id, time
//! order), with the model's real memory (counting allocator) against the file size. Worker: what
//! the import worker and the page do: import and assemble on the side, encode
//! (`model::transfer`), decode into the page's dataset and merge; the page keeps only the model.
//! Split: what the browser does with a file of 32 MB or more (`formats::logs::parts`): the two
//! halves (cut after the first `\n` past the middle) imported, assembled and encoded apart (here
//! one after the other; in the browser by two workers at once, so the longer of the two counts),
//! then decoded, joined and merged on the page; the join is timed apart.
//!
//! ```text
//! cargo bench --bench logs                      # 10k, 100k, 1M lines
//! cargo bench --bench logs -- 100000            # chosen sizes
//! ```
//!
//! Times are medians over the runs (7 up to 10k lines, 5 up to 100k, 3 above), as in the trace
//! import benchmark. Prints a table and writes bench/out/native-logs.json.
#![allow(clippy::disallowed_methods)] // a benchmark measures time: native only
// Benchmark code: a failure should panic loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A counting global allocator needs `unsafe impl GlobalAlloc`; it only forwards to `System`.
#![allow(unsafe_code)]

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{Counting, CURRENT, PEAK};
use std::sync::atomic::Ordering;
use std::time::Instant;
use strand_formats::synth::synthesize_ecs_logs;
use strand_formats::{self as formats, AssembleOptions, Format};
use strand_model::{transfer, Dataset, Interner};

#[global_allocator]
static ALLOC: Counting = Counting;

struct Row {
    lines: usize,
    file_mb: f64,
    decode_s: f64,
    merge_s: f64,
    model_bytes: usize,
    peak_extra_bytes: usize,
    worker_import_s: f64,
    encode_s: f64,
    encoded_bytes: usize,
    page_merge_s: f64,
    page_model_bytes: usize,
    /// Split: the longer half's import + assembly + encode, and the page's join alone.
    half_s: f64,
    join_s: f64,
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![10_000, 100_000, 1_000_000] } else { sizes };
    let options = AssembleOptions::default();
    let mut rows = Vec::new();
    for &n in &sizes {
        let text = synthesize_ecs_logs(n, 42);
        // As the trace import benchmark: 7 runs up to 10k lines, 5 up to 100k, 3 above.
        let runs = if n > 100_000 {
            3
        } else if n > 10_000 {
            5
        } else {
            7
        };
        let mut times: [Vec<f64>; 7] = Default::default();
        let mut row = Row {
            lines: n,
            file_mb: text.len() as f64 / 1e6,
            decode_s: 0.0,
            merge_s: 0.0,
            model_bytes: 0,
            peak_extra_bytes: 0,
            worker_import_s: 0.0,
            encode_s: 0.0,
            encoded_bytes: 0,
            page_merge_s: 0.0,
            page_model_bytes: 0,
            half_s: 0.0,
            join_s: 0.0,
        };
        for _ in 0..runs {
            // Direct: import and merge in one dataset.
            let before = CURRENT.load(Ordering::Relaxed);
            PEAK.store(before, Ordering::Relaxed);
            let mut data = Dataset::new();
            let t0 = Instant::now();
            let (format, imported) = formats::import(text.as_bytes(), "synth.ecs.jsonl", None, &mut data.strings)
                .expect("synthetic logs import");
            let t1 = Instant::now();
            formats::merge(&mut data, imported, &options);
            let t2 = Instant::now();
            assert_eq!(format, Format::Ecs);
            assert_eq!(data.log_count(), n);
            times[0].push((t1 - t0).as_secs_f64());
            times[1].push((t2 - t1).as_secs_f64());
            row.model_bytes = CURRENT.load(Ordering::Relaxed).saturating_sub(before);
            row.peak_extra_bytes = PEAK.load(Ordering::Relaxed).saturating_sub(before);
            drop(data);

            // Worker and page: the page's dataset is all that stays.
            let before = CURRENT.load(Ordering::Relaxed);
            let mut page = Dataset::new();
            let t0 = Instant::now();
            let mut worker = Interner::new();
            let (_, imported) =
                formats::import_assembled(text.as_bytes(), "synth.ecs.jsonl", None, &mut worker, &options)
                    .expect("imports");
            let t1 = Instant::now();
            let encoded = transfer::encode(&worker, &imported.traces, &imported.dependencies, &imported.notes);
            drop(imported);
            drop(worker);
            let t2 = Instant::now();
            let decoded = transfer::decode_slice(&encoded, &mut page.strings).expect("decodes");
            let imported =
                formats::Imported { traces: decoded.traces, dependencies: decoded.dependencies, notes: decoded.notes };
            formats::merge_assembled(&mut page, imported, &options);
            let t3 = Instant::now();
            row.encoded_bytes = encoded.len();
            drop(encoded);
            assert_eq!(page.log_count(), n);
            times[2].push((t1 - t0).as_secs_f64());
            times[3].push((t2 - t1).as_secs_f64());
            times[4].push((t3 - t2).as_secs_f64());
            row.page_model_bytes = CURRENT.load(Ordering::Relaxed).saturating_sub(before);
            drop(page);

            let (half, join) = split(text.as_bytes(), n, &options);
            times[5].push(half);
            times[6].push(join);
        }
        let [decode, merge, worker_import, encode, page_merge, half, join] = times.each_mut().map(|t| median(t));
        (row.decode_s, row.merge_s, row.worker_import_s, row.encode_s, row.page_merge_s) =
            (decode, merge, worker_import, encode, page_merge);
        (row.half_s, row.join_s) = (half, join);
        print_row(&row, rows.is_empty());
        rows.push(row);
    }
    write_json(&rows);
}

/// The split path: (the longer half's import, assembly and encode; the page's join), seconds.
fn split(text: &[u8], n: usize, options: &AssembleOptions) -> (f64, f64) {
    use formats::logs::parts;
    let middle = text.len() / 2;
    let cut = middle + parts::line_start(&text[middle..]).unwrap_or(text.len() - middle);
    let format = parts::split_format(&text[..text.len().min(256 * 1024)]).expect("splits");
    let halves = [(&text[..cut], true), (&text[cut..], false)];
    let mut encoded = Vec::new();
    let mut longest = 0f64;
    for (bytes, first) in halves {
        let t0 = Instant::now();
        let mut strings = Interner::new();
        let (imported, facts) = parts::import_part(bytes, "synth.ecs.jsonl", format, first, &mut strings, options);
        let bytes =
            transfer::encode_with(&strings, &imported.traces, &imported.dependencies, &imported.notes, &facts.encode());
        longest = longest.max(t0.elapsed().as_secs_f64());
        encoded.push(bytes);
    }
    let mut page = Dataset::new();
    let mut list = Vec::new();
    for bytes in &encoded {
        let decoded = transfer::decode_slice(bytes, &mut page.strings).expect("decodes");
        let facts = parts::LogFacts::decode(&decoded.extra, "synth.ecs.jsonl", format).expect("facts");
        let imported =
            formats::Imported { traces: decoded.traces, dependencies: decoded.dependencies, notes: decoded.notes };
        list.push((imported, facts));
    }
    let t0 = Instant::now();
    let joined = parts::join(format, list, &page.strings, options).expect("joins");
    let join = t0.elapsed().as_secs_f64();
    formats::merge_assembled(&mut page, joined, options);
    assert_eq!(page.log_count(), n);
    (longest, join)
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn print_row(r: &Row, header: bool) {
    if header {
        println!(
            "{:>9} {:>8} {:>9} {:>7} {:>8} {:>9} {:>9} {:>10} {:>9} {:>9} {:>9} {:>10} {:>7} {:>7}",
            "lines",
            "file MB",
            "decode s",
            "MB/s",
            "merge s",
            "model MB",
            "B/line",
            "model/file",
            "peak/file",
            "encode s",
            "page s",
            "page/file",
            "half s",
            "join s"
        );
    }
    let file = r.file_mb * 1e6;
    println!(
        "{:>9} {:>8.1} {:>9.3} {:>7.0} {:>8.3} {:>9.1} {:>9.0} {:>10.2} {:>9.2} {:>9.3} {:>9.3} {:>10.2} {:>7.3} {:>7.3}",
        r.lines,
        r.file_mb,
        r.decode_s,
        r.file_mb / r.decode_s,
        r.merge_s,
        r.model_bytes as f64 / 1e6,
        r.model_bytes as f64 / r.lines as f64,
        r.model_bytes as f64 / file,
        r.peak_extra_bytes as f64 / file,
        r.encode_s,
        r.page_merge_s,
        r.page_model_bytes as f64 / file,
        r.half_s,
        r.join_s,
    );
}

fn write_json(rows: &[Row]) {
    let items: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{{\"lines\":{},\"file_mb\":{:.3},\"decode_s\":{:.4},\"decode_mb_per_s\":{:.1},\"merge_s\":{:.4},\"model_bytes\":{},\"peak_extra_bytes\":{},\"worker_import_s\":{:.4},\"encode_s\":{:.4},\"encoded_bytes\":{},\"page_merge_s\":{:.4},\"page_model_bytes\":{},\"split_half_s\":{:.4},\"split_join_s\":{:.4}}}",
                r.lines,
                r.file_mb,
                r.decode_s,
                r.file_mb / r.decode_s,
                r.merge_s,
                r.model_bytes,
                r.peak_extra_bytes,
                r.worker_import_s,
                r.encode_s,
                r.encoded_bytes,
                r.page_merge_s,
                r.page_model_bytes,
                r.half_s,
                r.join_s
            )
        })
        .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/out");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("native-logs.json"), format!("[{}]\n", items.join(",\n")));
}
