//! What a mask would do to an export, before it is written: how many values each rule masks and
//! a few examples (where, which key, before and after). Walks exactly what the writers mask, with
//! the same function. Depends on `model` and the other `export` modules.

use super::mask::Mask;
use super::{Ctx, ExportFormat};
use strand_model::dump::value_text;
use strand_model::time::format_timestamp_zoned;
use strand_model::{Interner, KeyValue, Trace, Value};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MaskPreview {
    /// Every rule of the mask, in order, with the number of values it changes.
    pub rules: Vec<RuleHits>,
    /// The first changed values.
    pub samples: Vec<MaskSample>,
    /// Values changed in all.
    pub values: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleHits {
    pub rule: String,
    pub values: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaskSample {
    /// `span cart: GET /cart`, `resource of cart`, `log line 2024-05-01 12:00:00.005 UTC` (in the
    /// display zone, named), …
    pub place: String,
    pub key: String,
    pub before: String,
    pub after: String,
}

/// The parts of a trace whose values a format writes (and so masks): the preview counts only
/// what leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    pub resources: bool,
    pub scopes: bool,
    /// Span attributes.
    pub spans: bool,
    pub events: bool,
    pub links: bool,
    /// Log lines (bodies and attributes) and their resources.
    pub logs: bool,
}

impl Parts {
    pub const ALL: Parts = Parts { resources: true, scopes: true, spans: true, events: true, links: true, logs: true };

    /// What `format` writes (README's table of losses says the same in words).
    pub fn written_by(format: ExportFormat) -> Parts {
        let spans_only = Parts { logs: false, ..Parts::ALL };
        match format {
            ExportFormat::Otlp => spans_only,
            ExportFormat::OtlpLogs => {
                Parts { resources: false, scopes: false, spans: false, events: false, links: false, logs: true }
            }
            // Resources travel as the local endpoint (addresses and port), events without attributes.
            ExportFormat::Zipkin => Parts { scopes: false, events: false, links: false, ..spans_only },
            // Links become references without their attributes.
            ExportFormat::Jaeger => Parts { scopes: false, links: false, ..spans_only },
            ExportFormat::Chrome => Parts { resources: false, scopes: false, links: false, ..Parts::ALL },
        }
    }
}

/// What `mask` changes in the `parts` of `traces` (spans, resources, scopes, events, links, log
/// lines and their bodies, as the exports write them); at most `max_samples` examples.
pub fn mask_preview(
    strings: &Interner,
    traces: &[&Trace],
    mask: &Mask,
    parts: Parts,
    max_samples: usize,
) -> MaskPreview {
    let ctx = Ctx { strings, mask };
    let mut walk = Walk {
        ctx: &ctx,
        parts,
        preview: MaskPreview {
            rules: mask.rules().iter().map(|r| RuleHits { rule: r.text.clone(), values: 0 }).collect(),
            ..MaskPreview::default()
        },
        max_samples,
    };
    if mask.is_empty() {
        return walk.preview;
    }
    for trace in traces {
        walk.trace(trace);
    }
    walk.preview
}

struct Walk<'c, 'a> {
    ctx: &'c Ctx<'a>,
    parts: Parts,
    preview: MaskPreview,
    max_samples: usize,
}

impl Walk<'_, '_> {
    fn trace(&mut self, trace: &Trace) {
        let strings = self.ctx.strings;
        let parts = self.parts;
        if parts.resources {
            for r in &trace.resources {
                self.attrs(trace, trace.attrs_of(r.attrs), || format!("resource of {}", strings.get(r.service)));
            }
        }
        if parts.scopes {
            for s in &trace.scopes {
                self.attrs(trace, trace.attrs_of(s.attrs), || format!("scope {}", strings.get(s.name)));
            }
        }
        for span in &trace.spans {
            let place = || format!("span {}: {}", strings.get(trace.service_of(span)), strings.get(span.name));
            if parts.spans {
                self.attrs(trace, trace.attrs_of(span.attrs), place);
            }
            if parts.events {
                for e in trace.events_of(span) {
                    self.attrs(trace, trace.attrs_of(e.attrs), || {
                        format!("event {:?} of {}", strings.get(e.name), place())
                    });
                }
            }
            if parts.links {
                for l in trace.links_of(span) {
                    self.attrs(trace, trace.attrs_of(l.attrs), || format!("link of {}", place()));
                }
            }
        }
        if !parts.logs {
            return;
        }
        for r in &trace.log_resources {
            self.attrs(trace, trace.attrs_of(r.attrs), || format!("log resource of {}", strings.get(r.service)));
        }
        for log in &trace.logs {
            let place = || format!("log line {}", format_timestamp_zoned(log.time_ns));
            self.value(trace, "body", log.body, place);
            self.attrs(trace, trace.attrs_of(log.attrs), place);
        }
    }

    fn attrs(&mut self, trace: &Trace, attrs: &[KeyValue], place: impl Fn() -> String) {
        for kv in attrs {
            self.value(trace, self.ctx.strings.get(kv.key), kv.value, &place);
        }
    }

    fn value(&mut self, trace: &Trace, key: &str, value: Value, place: impl Fn() -> String) {
        let Some(masked) = self.ctx.masked(trace, key, value) else { return };
        self.preview.values += 1;
        for &rule in &masked.rules {
            if let Some(hits) = self.preview.rules.get_mut(rule) {
                hits.values += 1;
            }
        }
        if self.preview.samples.len() < self.max_samples {
            self.preview.samples.push(MaskSample {
                place: place(),
                key: key.to_string(),
                before: value_text(self.ctx.strings, trace, value),
                after: masked.text,
            });
        }
    }
}
