//! Assembly repairs as small text fixtures. Input, one span per line:
//!
//! ```text
//! id<-parent service start..end [server|client|producer|consumer|internal] [follows] [shared] [host=H]
//! ```
//!
//! `id` is a label (the same label twice makes a duplicate id); `<-parent` is omitted for roots
//! and may name a label that has no span (an orphan). Times are ns. The host is the service
//! unless `host=` is given. The output is the assembled tree in pre-order, indented by depth,
//! with each span's times after repairs, its clock-skew shift and its warnings.

use super::{assemble, skew_shift, AssembleOptions};
use crate::builder::push_attrs;
use expect_test::{expect, Expect};
use strand_model::{
    Interner, KeyValue, ParentRelation, Resource, Span, SpanId, SpanKind, Trace, TraceId, Value, NO_PARENT,
};

fn build(fixture: &str, strings: &mut Interner) -> Trace {
    let mut trace = Trace::new(TraceId::Hex(1));
    let mut labels: Vec<String> = Vec::new();
    let id_of = |label: &str, labels: &mut Vec<String>| -> SpanId {
        let pos = labels.iter().position(|l| l == label).unwrap_or_else(|| {
            labels.push(label.to_string());
            labels.len() - 1
        });
        SpanId::Hex(pos as u64 + 1)
    };
    for line in fixture.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut fields = line.split_whitespace();
        let ids = fields.next().expect("id");
        let (label, parent) = match ids.split_once("<-") {
            Some((label, parent)) => (label, Some(parent)),
            None => (ids, None),
        };
        let mut span = Span::empty(id_of(label, &mut labels));
        span.parent_id = parent.map(|p| id_of(p, &mut labels));
        span.name = strings.intern(label);
        let service = fields.next().expect("service");
        let (start, end) = fields.next().and_then(|t| t.split_once("..")).expect("start..end");
        span.start_ns = start.parse().expect("start");
        span.duration_ns = end.parse::<i64>().expect("end") - span.start_ns;
        let mut host = service.to_string();
        for field in fields {
            match field {
                "follows" => span.parent_relation = ParentRelation::FollowsFrom,
                "shared" => span.shared = true,
                other => match (SpanKind::parse(other), other.strip_prefix("host=")) {
                    (Some(kind), _) => span.kind = kind,
                    (None, Some(h)) => host = h.to_string(),
                    _ => panic!("unknown field {other}"),
                },
            }
        }
        let service_id = strings.intern(service);
        let mut host_attr =
            vec![KeyValue { key: strings.intern("host.name"), value: Value::Str(strings.intern(&host)) }];
        let found = trace.resources.iter().position(|r| {
            r.service == service_id
                && trace.attrs_of(r.attrs).first().is_some_and(|kv| kv.value == Value::Str(strings.intern(&host)))
        });
        span.resource = match found {
            Some(i) => i as u32,
            None => {
                let attrs = push_attrs(&mut trace, &mut host_attr);
                trace.resources.push(Resource { service: service_id, attrs });
                trace.resources.len() as u32 - 1
            }
        };
        trace.spans.push(span);
    }
    trace
}

fn render(trace: &Trace, strings: &Interner) -> String {
    let mut out = String::new();
    for &i in &trace.order {
        let Some(span) = trace.span(i) else { continue };
        let depth = trace.depth.get(i as usize).copied().unwrap_or(0) as usize;
        out.push_str(&"  ".repeat(depth));
        out.push_str(&format!(
            "{} {} {}..{}",
            strings.get(span.name),
            strings.get(trace.service_of(span)),
            span.start_ns,
            span.end_ns()
        ));
        if span.skew_ns != 0 {
            out.push_str(&format!(" shifted {:+}", span.skew_ns));
        }
        let mut kinds: Vec<&str> = trace.warnings.iter().filter(|w| w.span == Some(i)).map(|w| w.kind.code()).collect();
        kinds.sort_unstable();
        if !kinds.is_empty() {
            out.push_str(&format!("  [{}]", kinds.join(", ")));
        }
        out.push('\n');
    }
    out
}

fn check_with(fixture: &str, options: AssembleOptions, expect: Expect) {
    let mut strings = Interner::new();
    let mut trace = build(fixture, &mut strings);
    assemble(&mut trace, &strings, &options);
    let first = render(&trace, &strings);
    // Idempotent: assembling again (as a merge or the skew toggle does) changes nothing.
    assemble(&mut trace, &strings, &options);
    assert_eq!(render(&trace, &strings), first, "assembling twice changed the result");
    assert_eq!(trace.order.len(), trace.spans.len(), "tree order must cover every span");
    expect.assert_eq(&first);
}

fn check(fixture: &str, expect: Expect) {
    check_with(fixture, AssembleOptions::default(), expect);
}

#[test]
fn skew_rule() {
    // (parent start, parent duration, child start, child duration) -> shift
    let cases = [
        ((0, 100), (10, 50), 0),     // fits
        ((0, 100), (-50, 40), 80),   // starts before, shorter: centred (30..70)
        ((0, 100), (90, 40), -60),   // ends after, shorter: centred
        ((0, 100), (150, 20), -110), // wholly after, shorter: centred
        ((0, 100), (-20, 300), 20),  // longer, starts before: to the parent's start
        ((0, 100), (30, 300), 0),    // longer, starts after: a server outliving its client, stays
        ((0, 100), (0, 300), 0),     // longer, same start: stays
        ((0, 100), (0, 100), 0),     // equal, fits
    ];
    for ((ps, pd), (cs, cd), want) in cases {
        assert_eq!(skew_shift(ps, pd, cs, cd), want, "parent {ps}+{pd}, child {cs}+{cd}");
    }
}

#[test]
fn skew_server_starting_before_its_client_is_centred_and_its_subtree_follows() {
    check(
        r"
        root frontend 10..1000 server
        call<-root frontend 100..500 client
        handle<-call backend 40..240 server
        query<-handle backend 60..100 client
        ",
        expect![[r#"
            root frontend 10..1000
              call frontend 100..500
                handle backend 200..400 shifted +160  [clock-skew]
                  query backend 220..260 shifted +160  [clock-skew]
        "#]],
    );
}

#[test]
fn skew_server_ending_after_its_client_is_centred() {
    check(
        r"
        call frontend 100..500 client
        handle<-call backend 450..650 server
        ",
        expect![[r#"
            call frontend 100..500
              handle backend 200..400 shifted -250  [clock-skew]
        "#]],
    );
}

#[test]
fn skew_server_that_outlives_a_client_that_gave_up_stays() {
    // The client timed out at 500; the server started after the client and carried on to 2000.
    // Jaeger's and Zipkin's adjusters leave it; moving it would change the caller's self time,
    // the trace's duration and its critical path.
    check(
        r"
        call frontend 100..500 client
        handle<-call backend 130..2000 server
        work<-handle backend 200..1900
        ",
        expect![[r#"
            call frontend 100..500
              handle backend 130..2000  [outside-parent]
                work backend 200..1900
        "#]],
    );
}

#[test]
fn skew_longer_server_that_starts_before_its_client_moves_to_the_client_start() {
    check(
        r"
        call frontend 100..500 client
        handle<-call backend 50..800 server
        ",
        expect![[r#"
            call frontend 100..500
              handle backend 100..850 shifted +50  [clock-skew, outside-parent]
        "#]],
    );
}

#[test]
fn skew_never_moves_asynchronous_children() {
    check(
        r"
        send frontend 100..200 producer
        receive<-send worker 50..900 consumer
        later<-send audit 10..20 follows
        ",
        expect![[r#"
            send frontend 100..200
              later audit 10..20
              receive worker 50..900
        "#]],
    );
}

#[test]
fn skew_same_host_is_never_adjusted_and_off_means_raw() {
    let fixture = r"
        call frontend 100..500 client host=h1
        handle<-call backend 40..240 server host=h1
    ";
    check(
        fixture,
        expect![[r#"
            call frontend 100..500
              handle backend 40..240  [outside-parent]
        "#]],
    );
    check_with(
        r"
        call frontend 100..500 client
        handle<-call backend 40..240 server
        ",
        AssembleOptions { adjust_clock_skew: false },
        expect![[r#"
            call frontend 100..500
              handle backend 40..240  [outside-parent]
        "#]],
    );
}

#[test]
fn skew_child_on_a_third_host_is_judged_against_its_shifted_parent() {
    check(
        r"
        call a 1000..2000 client
        handle<-call b 500..1500 server
        inner<-handle c 600..700 client
        ",
        expect![[r#"
            call a 1000..2000
              handle b 1000..2000 shifted +500  [clock-skew]
                inner c 1450..1550 shifted +850  [clock-skew]
        "#]],
    );
}

#[test]
fn orphans_self_parents_and_cycles_become_roots() {
    check(
        r"
        a<-missing svc 5..10
        b<-b svc 20..30
        c<-d svc 40..50
        d<-c svc 45..50
        e<-d svc 46..48
        ",
        expect![[r#"
            a svc 5..10  [orphan]
            b svc 20..30  [self-parent]
            c svc 40..50  [cycle]
              d svc 45..50
                e svc 46..48
        "#]],
    );
}

#[test]
fn duplicate_ids_are_flagged_and_children_attach_to_the_first() {
    check(
        r"
        root svc 5..100
        x<-root svc 10..20
        x<-root svc 30..40
        child<-x svc 12..18
        ",
        expect![[r#"
            root svc 5..100
              x svc 10..20
                child svc 12..18
              x svc 30..40  [duplicate-id]
        "#]],
    );
}

#[test]
fn shared_client_server_ids_nest_and_children_go_to_the_server_half() {
    check(
        r"
        root frontend 5..100 server
        rpc<-root frontend 10..90 client
        rpc<-root backend 20..80 server shared
        work<-rpc backend 30..70
        ",
        expect![[r#"
            root frontend 5..100
              rpc frontend 10..90
                rpc backend 20..80
                  work backend 30..70
        "#]],
    );
}

#[test]
fn exact_duplicates_are_dropped() {
    check(
        r"
        root svc 5..100
        x<-root svc 10..20
        x<-root svc 10..20
        ",
        expect![[r#"
            root svc 5..100
              x svc 10..20  [duplicate-dropped]
        "#]],
    );
}

#[test]
fn missing_starts_take_the_parent_start() {
    check(
        r"
        root svc 100..200
        late<-root svc 0..30
        ",
        expect![[r#"
            root svc 100..200
              late svc 100..130
        "#]],
    );
    let _ = NO_PARENT;
}
