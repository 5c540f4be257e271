//! What the fields of a schemaless log line mean, by name: the table of names Strand reads a
//! time, level, message, ids, service, resource and logger from. Depends on `logs::fields`.

use super::fields::LevelNumbers;

/// What a field means. Within one role, a lower rank wins when a record has several fields
/// for it (`@timestamp` over `time`); the others stay attributes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    Time,
    Observed,
    Level(LevelNumbers),
    /// OTLP's severity number beside a level text (which it refines).
    SeverityNumber,
    Message,
    /// Trace id; `true` for Datadog's decimal ids.
    TraceId(bool),
    SpanId(bool),
    TraceParent,
    Flags,
    Service,
    /// Another resource attribute (`service.version`, `host.name`, …), kept under this key.
    ResourceAttr,
    Logger,
    /// The nanoseconds within the second of a time given in whole seconds or milliseconds
    /// (log4j's `instant.nanoOfSecond`, Google's `timestampNanos`); `true` when it only completes
    /// a time in milliseconds (logback's `nanoseconds`, a generic name otherwise).
    TimeFraction(bool),
}

pub(crate) const ROLES: usize = 13;

/// The rank of GELF's `short_message` among the message names: a line with it is GELF, whose
/// numeric `level` is a syslog priority.
pub(crate) const GELF_MESSAGE: u8 = 5;

/// Added to the rank of a name found under a container or prefix (`mdc.trace_id`), so a field
/// of the line itself with the same meaning wins.
const NESTED: u8 = 20;

/// Containers and prefixes that logging layouts put the fields of a line under: logback and
/// log4j's MDC (`mdc`, `contextMap`), Logstash's old event layout (`@fields`), Serilog's JSON
/// formatter (`Properties`), Google Cloud Logging's labels and GELF's additional fields
/// (`_trace_id`).
const PREFIXES: [&[u8]; 6] =
    [b"mdc.", b"contextmap.", b"@fields.", b"properties.", b"logging.googleapis.com/labels.", b"_"];

impl Role {
    pub(crate) fn slot(self) -> usize {
        match self {
            Role::Time => 0,
            Role::Observed => 1,
            Role::Level(_) => 2,
            Role::Message => 3,
            Role::TraceId(_) => 4,
            Role::SpanId(_) => 5,
            Role::TraceParent => 6,
            Role::Flags => 7,
            Role::Service => 8,
            Role::Logger => 9,
            Role::ResourceAttr => 10,
            Role::SeverityNumber => 11,
            Role::TimeFraction(_) => 12,
        }
    }
}

/// The role of a (flattened, dotted) key and its rank, by name in any case. The names are those
/// of OpenTelemetry, Elastic Common Schema, Fluent Bit / Docker, Serilog (CLEF), Google Cloud
/// Logging, Datadog, pino/bunyan, Python's logging, structlog, log4j and logback layouts, GELF,
/// zap and logfmt loggers. Keys longer than 64 bytes have no role.
pub fn role_of(key: &str) -> Option<(Role, u8)> {
    // zap's development encoder writes single capitals.
    match key {
        "T" => return Some((Role::Time, 14)),
        "L" => return Some((Role::Level(LevelNumbers::Guess), 10)),
        "M" => return Some((Role::Message, 11)),
        "N" => return Some((Role::Logger, 4)),
        _ => {}
    }
    let mut buf = [0u8; 64];
    let bytes = key.as_bytes();
    let lower = buf.get_mut(..bytes.len())?;
    lower.copy_from_slice(bytes);
    lower.make_ascii_lowercase();
    if lower.starts_with(b"attributes.") {
        // OpenTelemetry's console exporter nests a record's attributes under `attributes`: they
        // are attributes, whatever their names (the prefix is dropped).
        return None;
    }
    if let Some(rest) = lower.strip_prefix(b"resource.attributes.") {
        // Python's ConsoleLogExporter nests the resource under `resource.attributes`.
        return match rest {
            b"service.name" => Some((Role::Service, 4)),
            _ => Some((Role::ResourceAttr, 0)),
        };
    }
    if let Some(found) = named(lower) {
        return Some(found);
    }
    let rest = PREFIXES.iter().find_map(|prefix| lower.strip_prefix(*prefix))?;
    named(rest).map(|(role, rank)| (role, rank.saturating_add(NESTED)))
}

/// The role of a lowercased name.
fn named(lower: &[u8]) -> Option<(Role, u8)> {
    Some(match lower {
        b"@timestamp" => (Role::Time, 0),
        b"timestamp" => (Role::Time, 1),
        b"time" => (Role::Time, 2),
        b"ts" => (Role::Time, 3),
        b"@t" => (Role::Time, 4),
        b"date" => (Role::Time, 5),
        b"datetime" => (Role::Time, 6),
        // Python's `LogRecord.created` (epoch seconds) before its `asctime` (local time, no zone).
        b"created" => (Role::Time, 7),
        b"asctime" => (Role::Time, 8),
        b"eventtime" | b"event_time" => (Role::Time, 9),
        b"timeunixnano" | b"time_unix_nano" => (Role::Time, 10),
        b"instant.epochsecond" => (Role::Time, 11),
        b"timestampseconds" | b"timestamp.seconds" => (Role::Time, 12),
        b"timemillis" => (Role::Time, 13),
        b"instant.nanoofsecond" | b"timestampnanos" | b"timestamp.nanos" => (Role::TimeFraction(false), 0),
        b"nanoseconds" => (Role::TimeFraction(true), 1),
        b"observedtimestamp" | b"observed_timestamp" => (Role::Observed, 0),
        b"observedtimeunixnano" | b"observed_time_unix_nano" => (Role::Observed, 1),
        b"event.ingested" => (Role::Observed, 2),
        b"log.level" => (Role::Level(LevelNumbers::Guess), 0),
        b"level" => (Role::Level(LevelNumbers::Guess), 1),
        b"severity_text" | b"severitytext" => (Role::Level(LevelNumbers::Guess), 2),
        b"severity" => (Role::Level(LevelNumbers::Guess), 3),
        b"levelname" | b"level_name" => (Role::Level(LevelNumbers::Guess), 4),
        b"lvl" | b"loglevel" | b"log_level" => (Role::Level(LevelNumbers::Guess), 5),
        b"@l" => (Role::Level(LevelNumbers::Guess), 6),
        b"log.syslog.severity.name" => (Role::Level(LevelNumbers::Guess), 7),
        b"detected_level" => (Role::Level(LevelNumbers::Guess), 8),
        b"severity_number" | b"severitynumber" => (Role::SeverityNumber, 0),
        b"log.syslog.severity.code" | b"priority" => (Role::Level(LevelNumbers::Syslog), 9),
        b"message" => (Role::Message, 0),
        b"msg" => (Role::Message, 1),
        b"@m" => (Role::Message, 2),
        b"body" => (Role::Message, 3),
        b"log" => (Role::Message, 4),
        b"short_message" => (Role::Message, GELF_MESSAGE),
        b"text" => (Role::Message, 6),
        b"line" => (Role::Message, 7),
        b"@mt" => (Role::Message, 8),
        b"event" => (Role::Message, 9),
        b"@message" => (Role::Message, 10),
        // The OpenTelemetry Go stdout exporter's `{"Type": "STRING", "Value": …}`.
        b"body.value" => (Role::Message, 12),
        // Serilog's JSON formatter.
        b"renderedmessage" => (Role::Message, 13),
        b"messagetemplate" => (Role::Message, 14),
        b"trace.id" => (Role::TraceId(false), 0),
        b"trace_id" | b"traceid" => (Role::TraceId(false), 1),
        b"oteltraceid" | b"otel.trace_id" => (Role::TraceId(false), 2),
        b"logging.googleapis.com/trace" => (Role::TraceId(false), 3),
        b"x-b3-traceid" => (Role::TraceId(false), 4),
        b"dd.trace_id" => (Role::TraceId(true), 5),
        // structlog recipes that group the span's ids.
        b"span.trace_id" => (Role::TraceId(false), 6),
        // Serilog's compact format (CLEF).
        b"@tr" => (Role::TraceId(false), 7),
        b"span.id" => (Role::SpanId(false), 0),
        b"span_id" | b"spanid" => (Role::SpanId(false), 1),
        b"otelspanid" | b"otel.span_id" => (Role::SpanId(false), 2),
        b"logging.googleapis.com/spanid" => (Role::SpanId(false), 3),
        b"x-b3-spanid" => (Role::SpanId(false), 4),
        b"dd.span_id" => (Role::SpanId(true), 5),
        b"span.span_id" => (Role::SpanId(false), 6),
        b"@sp" => (Role::SpanId(false), 7),
        b"traceparent" => (Role::TraceParent, 0),
        b"trace_flags" | b"traceflags" | b"trace.flags" => (Role::Flags, 0),
        b"service.name" => (Role::Service, 0),
        b"service" => (Role::Service, 1),
        b"service_name" | b"servicename" => (Role::Service, 2),
        b"dd.service" => (Role::Service, 3),
        b"otelservicename" => (Role::Service, 4),
        // Python's logging instrumentation writes it in its text format.
        b"resource.service.name" => (Role::Service, 4),
        b"app" | b"application" | b"app_name" | b"appname" => (Role::Service, 5),
        b"service.version"
        | b"service.namespace"
        | b"service.environment"
        | b"service.instance.id"
        | b"deployment.environment"
        | b"deployment.environment.name"
        | b"host.name" => (Role::ResourceAttr, 0),
        b"log.logger" => (Role::Logger, 0),
        b"logger" | b"logger_name" | b"loggername" => (Role::Logger, 1),
        b"otel.scope.name" => (Role::Logger, 2),
        b"scope.name" => (Role::Logger, 3),
        // .NET's JSON console formatter.
        b"category" => (Role::Logger, 5),
        b"sourcecontext" => (Role::Logger, 6),
        _ => return None,
    })
}
