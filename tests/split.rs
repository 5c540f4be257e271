//! A split import equals the whole import. For every sample (and the fixtures that exercise what
//! parts must agree on), at every level the scan could split at, cutting at every element
//! boundary one at a time (two parts) and at all of them (a part per element): importing each
//! part on its own, handing it over as the worker does (`model::transfer`, facts included),
//! joining and merging gives the canonical dump of `formats::load` of the whole document — with
//! and without clock-skew adjustment, into an empty dataset and into one that already holds
//! traces. Samples that must not split (Zipkin) are checked not to.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use strand_formats::join::{JoinFacts, Joiner};
use strand_formats::split::{self, Cut, Splitter};
use strand_formats::{self as formats, AssembleOptions, Format, Imported};
use strand_model::dump::dump_dataset;
use strand_model::{transfer, Dataset, Interner};

fn files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in [root.join("../shared/samples"), root.join("tests/fixtures/split")] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json") || n.ends_with(".jsonl"))
            .collect();
        names.sort();
        out.extend(names.into_iter().map(|n| (n.clone(), std::fs::read(dir.join(&n)).expect("readable"))));
    }
    assert!(out.len() >= 20, "files found: {}", out.len());
    out
}

/// Every element boundary at candidate `level` (`None`: JSON lines): the parts of one element
/// each, and the tail's start; `None` when the scan declines (e.g. more traces follow the one
/// whose spans it would split).
fn cut_everywhere(doc: &[u8], level: Option<usize>) -> Option<(Splitter, Vec<Cut>, u64)> {
    let mut splitter = Splitter::start(doc, doc.len() as u64, 1, level)?;
    let guess = splitter.guess_tail(doc, 0);
    let mut cuts = splitter.feed(0, doc).ok()?;
    let (last, tail) = splitter.finish(None).ok()?;
    if guess != Some(tail) {
        let at = |p: u64| String::from_utf8_lossy(&doc[p as usize..(p as usize + 120).min(doc.len())]).into_owned();
        panic!("level {level:?}: guessed {guess:?}: {:?}\nreal {tail}: {:?}", guess.map(at), at(tail));
    }
    cuts.extend(last);
    Some((splitter, cuts, tail))
}

/// Imports the parts (each a run of `cuts`) as workers do and joins them into `data`.
fn load_parts(data: &mut Dataset, doc: &[u8], name: &str, splitter: &Splitter, parts: &[Cut], tail: u64, skew: bool) {
    let mut joiner: Option<Joiner> = None;
    for (index, cut) in parts.iter().enumerate() {
        let part_doc = split::part_document(doc, splitter.head_end(), cut.body.clone(), tail).expect("in range");
        let mut spec = splitter.spec(cut);
        spec.index = index as u32;
        let mut worker = Interner::new();
        let (_, imported, facts) = formats::import_part(&part_doc, name, &mut worker, &spec)
            .unwrap_or_else(|e| panic!("{name} part {index}: {e}"));
        let bytes =
            transfer::encode_with(&worker, &imported.traces, &imported.dependencies, &imported.notes, &facts.encode());
        let decoded = transfer::decode_slice(&bytes, &mut data.strings).expect("decodes");
        let facts = JoinFacts::decode(&decoded.extra).expect("facts decode");
        let imported = Imported { traces: decoded.traces, dependencies: decoded.dependencies, notes: decoded.notes };
        joiner.get_or_insert_with(|| Joiner::new(spec.proto_names)).add(imported, facts, &mut data.strings);
    }
    let options = AssembleOptions { adjust_clock_skew: skew };
    match joiner.expect("at least one part").finish(&mut data.strings) {
        Some(joined) => {
            formats::merge(data, joined, &options);
        }
        // What the app does then: the whole document, for its error.
        None => assert!(formats::load(data, doc, name, None, &options).is_err(), "{name}: no usable line"),
    }
}

/// The parts made of `cuts` grouped at the given split positions (indices into `cuts`).
fn group(cuts: &[Cut], at: &[usize]) -> Vec<Cut> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(at);
    bounds.push(cuts.len());
    bounds
        .windows(2)
        .map(|w| Cut {
            index: 0,
            body: cuts[w[0]].body.start..cuts[w[1] - 1].body.end,
            first_line: cuts[w[0]].first_line,
        })
        .collect()
}

/// The whole import's dumps, per clock-skew setting and base dataset (empty, `before`).
fn expected(name: &str, doc: &[u8], before: &Dataset) -> Vec<String> {
    let mut out = Vec::new();
    for skew in [true, false] {
        for base in [Dataset::new(), before.clone()] {
            let mut whole = base;
            formats::load(&mut whole, doc, name, None, &AssembleOptions { adjust_clock_skew: skew }).expect("loads");
            out.push(dump_dataset(&whole));
        }
    }
    out
}

/// Checks one way of cutting `doc` against the whole import's dumps.
#[allow(clippy::too_many_arguments)]
fn check(
    name: &str,
    doc: &[u8],
    splitter: &Splitter,
    parts: &[Cut],
    tail: u64,
    before: &Dataset,
    want: &[String],
    what: &str,
) {
    let mut i = 0;
    for skew in [true, false] {
        for base in [Dataset::new(), before.clone()] {
            let mut split = base;
            load_parts(&mut split, doc, name, splitter, parts, tail, skew);
            let got = dump_dataset(&split);
            let want = &want[i];
            i += 1;
            if *want != got {
                let line = want.lines().zip(got.lines()).position(|(a, b)| a != b).unwrap_or(0);
                panic!(
                    "{name}, {what}, skew {skew}: first difference at dump line {line}\n want: {:?}\n  got: {:?}",
                    want.lines().nth(line),
                    got.lines().nth(line)
                );
            }
        }
    }
}

#[test]
fn every_split_of_every_sample_imports_as_the_whole() {
    let files = files();
    // A dataset with traces of its own, some of which the files merge into.
    let mut before = Dataset::new();
    for (name, bytes) in files.iter().take(3) {
        formats::load(&mut before, bytes, name, None, &AssembleOptions::default()).expect("loads");
    }
    let mut split_files = 0;
    for (name, doc) in &files {
        let (format, candidates) = split::candidates(doc);
        let levels: Vec<Option<usize>> = match format {
            Some(Format::OtlpLines) => vec![None],
            Some(Format::Jaeger | Format::Otlp) => (0..candidates.len()).map(Some).collect(),
            _ => {
                assert!(Splitter::start(doc, doc.len() as u64, 1, None).is_none(), "{name} must not split");
                continue;
            }
        };
        for level in levels {
            let Some((splitter, cuts, tail)) = cut_everywhere(doc, level) else { continue };
            if cuts.len() < 2 {
                continue;
            }
            split_files += 1;
            eprintln!("{name}: level {level:?}: {} elements", cuts.len());
            let what = |w: &str| format!("level {level:?} ({} elements), {w}", cuts.len());
            let want = expected(name, doc, &before);
            check(name, doc, &splitter, &group(&cuts, &[]), tail, &before, &want, &what("one part"));
            check(name, doc, &splitter, &cuts, tail, &before, &want, &what("a part per element"));
            for k in 1..cuts.len() {
                let parts = group(&cuts, &[k]);
                check(name, doc, &splitter, &parts, tail, &before, &want, &what(&format!("cut before element {k}")));
            }
        }
    }
    assert!(split_files >= 12, "documents split: {split_files}");
}

/// A scalar value as text; lists and maps by their size (their ranges differ between imports).
fn value_text(value: strand_model::Value, s: &Interner) -> String {
    use strand_model::Value;
    match value {
        Value::Str(id) => s.get(id).to_string(),
        Value::Bytes(r) | Value::Array(r) | Value::Map(r) => format!("[{}]", r.len),
        other => format!("{other:?}"),
    }
}

/// Each span as text: its trace, id, name, service, times and attributes (resolved strings).
fn span_lines(data: &Dataset) -> Vec<String> {
    let s = &data.strings;
    let mut out = Vec::new();
    for trace in &data.traces {
        for span in &trace.spans {
            let service = trace.resources.get(span.resource as usize).map_or("", |r| s.get(r.service));
            let attrs: Vec<String> = trace
                .attrs_of(span.attrs)
                .iter()
                .map(|a| format!("{}={}", s.get(a.key), value_text(a.value, s)))
                .collect();
            out.push(format!(
                "{} {} {} {service} {} {} {}",
                trace.trace_id.display(s),
                span.span_id.display(s),
                s.get(span.name),
                span.start_ns,
                span.duration_ns,
                attrs.join(",")
            ));
        }
    }
    out.sort();
    out
}

/// A preview (the first bytes' complete elements, shown while a large file loads) of every
/// sample cut after every eighth of it: it imports, and each of its spans is one of the whole
/// import's, as it is there. Flat Zipkin lists of spans have no preview; Zipkin's list of
/// traces (`zipkin-traces.json`) has whole traces.
#[test]
fn a_preview_of_every_sample_holds_spans_of_the_whole_import() {
    let mut previews = 0;
    for (name, doc) in files() {
        let mut whole = Dataset::new();
        let Ok((format, _)) = formats::load(&mut whole, &doc, &name, None, &AssembleOptions::default()) else {
            continue;
        };
        let all = span_lines(&whole);
        let total = doc.len() as u64;
        let last_offset = total.saturating_sub(formats::preview::TAIL_BYTES);
        for eighth in 1..8 {
            let cut = doc.len() * eighth / 8;
            let Some(preview) =
                formats::preview::document(&doc[..cut], &doc[last_offset as usize..], last_offset, total)
            else {
                continue;
            };
            assert!(preview.covered <= cut as u64, "{name}: covers {} of {cut}", preview.covered);
            let flat_zipkin =
                format == Format::Zipkin && !doc.iter().filter(|b| !b.is_ascii_whitespace()).take(2).eq(b"[[");
            assert!(!flat_zipkin, "{name}: a flat Zipkin list of spans has no preview");
            let mut shown = Dataset::new();
            formats::load(&mut shown, &preview.document, &name, None, &AssembleOptions::default())
                .unwrap_or_else(|e| panic!("{name} cut at {cut}: the preview does not import: {e}"));
            let shown = span_lines(&shown);
            assert!(!shown.is_empty() || whole.traces.is_empty(), "{name} cut at {cut}: an empty preview");
            for line in &shown {
                assert!(all.binary_search(line).is_ok(), "{name} cut at {cut}: {line} is not in the whole import");
            }
            previews += 1;
        }
    }
    assert!(previews >= 40, "previews checked: {previews}");
}
