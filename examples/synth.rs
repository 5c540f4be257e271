//! Writes a synthetic trace: `cargo run --release --example synth -- FORMAT SPANS [SEED] OUT`
//! (FORMAT: jaeger, zipkin or otlp), or ECS log lines (FORMAT `ecs`, SPANS counting lines). Used
//! by end-to-end tests and benchmarks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: synth FORMAT SPANS [SEED] OUT   (FORMAT: jaeger, zipkin, otlp, or ecs for log lines)";
    let ecs = args.first().is_some_and(|f| f == "ecs");
    let (Some(format), Some(spans), Some(out)) = (
        args.first().and_then(|f| strand_formats::synth::SynthFormat::parse(if ecs { "jaeger" } else { f })),
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
        args.last().filter(|_| args.len() >= 3),
    ) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let seed = if args.len() >= 4 { args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1) } else { 1 };
    let text = if ecs {
        strand_formats::synth::synthesize_ecs_logs(spans, seed)
    } else {
        strand_formats::synth::synthesize(format, spans, seed)
    };
    if let Err(e) = std::fs::write(out, text) {
        eprintln!("{out}: {e}");
        std::process::exit(1);
    }
}
