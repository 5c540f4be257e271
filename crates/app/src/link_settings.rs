//! The link-out setting: named URL templates to the user's log tool (Kibana Discover, Grafana
//! Explore with Loki, anything that takes a URL), filled in per span or trace by
//! `view::link_out`. Kept in local storage only, never in the address (a template may name an
//! internal host). [`set`] is what `Action::SetLinkTemplates` does: check every template, keep the
//! good ones, say what was wrong with the others, and ask to save.
//!
//! Stored form: a first line `strand-link-templates 1`, then one `NAME<TAB>TEMPLATE` line per
//! template. Reading is lenient: lines that are not in that form, or whose template no longer
//! checks, are skipped, so a value written by another build never breaks the page.

use crate::app::{App, Effect};
use strand_view::link_out::{check_template, LinkTemplate};

/// The first line of the stored form.
const HEADER: &str = "strand-link-templates 1";

/// At most this many templates are kept (the span details list them all).
pub const MAX_TEMPLATES: usize = 20;

/// The templates the user set, in their order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkSettings {
    pub templates: Vec<LinkTemplate>,
}

impl LinkSettings {
    /// Reads what [`LinkSettings::serialize`] wrote (leniently; see the module docs).
    pub fn parse(stored: &str) -> LinkSettings {
        let templates = stored
            .lines()
            .filter(|line| line.trim() != HEADER)
            .filter_map(|line| {
                let (name, template) = line.split_once('\t')?;
                let template = LinkTemplate { name: name.trim().to_string(), template: template.trim().to_string() };
                checked(&template).ok().map(|()| template)
            })
            .take(MAX_TEMPLATES)
            .collect();
        LinkSettings { templates }
    }

    /// The stored form; `None` when there is nothing to keep.
    pub fn serialize(&self) -> Option<String> {
        if self.templates.is_empty() {
            return None;
        }
        let mut out = String::from(HEADER);
        for t in &self.templates {
            out.push('\n');
            out.push_str(&one_line(&t.name));
            out.push('\t');
            out.push_str(&one_line(&t.template));
        }
        Some(out)
    }
}

/// What is wrong with one template as the settings form shows it: a name is needed, and the
/// template must be well formed and give an `http(s)` URL.
pub fn checked(template: &LinkTemplate) -> Result<(), String> {
    if template.name.trim().is_empty() {
        return Err("give the link a name (it is the link's text)".to_string());
    }
    if template.template.trim().is_empty() {
        return Err("the URL template is empty".to_string());
    }
    check_template(template.template.trim())
}

/// `Action::SetLinkTemplates`: keeps the templates that check (trimmed, at most
/// [`MAX_TEMPLATES`]), tells which were left out and why, and saves.
pub(crate) fn set(app: &mut App, templates: Vec<LinkTemplate>) -> Vec<Effect> {
    let mut kept = Vec::new();
    let mut problems = Vec::new();
    for t in templates {
        let t = LinkTemplate { name: t.name.trim().to_string(), template: t.template.trim().to_string() };
        if t.name.is_empty() && t.template.is_empty() {
            continue; // an empty row of the form
        }
        match checked(&t) {
            Ok(()) if kept.len() < MAX_TEMPLATES => kept.push(t),
            Ok(()) => problems.push(format!("{}: only {MAX_TEMPLATES} links are kept", t.name)),
            Err(why) => problems.push(format!("{}: {why}", if t.name.is_empty() { &t.template } else { &t.name })),
        }
    }
    if !problems.is_empty() {
        let text = format!("{} not saved.", strand_model::format::counted(problems.len() as u64, "log link template"));
        app.notices.error(text, problems);
    }
    app.links = LinkSettings { templates: kept };
    vec![Effect::SaveLinkTemplates(app.links.serialize())]
}

/// Tabs and line breaks would break the stored form; a name or URL has no use for them.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, template: &str) -> LinkTemplate {
        LinkTemplate { name: name.into(), template: template.into() }
    }

    #[test]
    fn stored_form_round_trips_and_reads_leniently() {
        let settings = LinkSettings {
            templates: vec![
                t("Kibana", "https://kibana.example/app/discover#/?_a=(query:(query:'trace.id:{trace_id}'))"),
                t("Loki\tlogs", "https://grafana.example/explore?x={{\"a\":\"{span_id}\"}}"),
            ],
        };
        let stored = settings.serialize().unwrap();
        assert_eq!(
            stored,
            "strand-link-templates 1\nKibana\thttps://kibana.example/app/discover#/?_a=(query:(query:'trace.id:{trace_id}'))\n\
             Loki logs\thttps://grafana.example/explore?x={{\"a\":\"{span_id}\"}}"
        );
        let read = LinkSettings::parse(&stored);
        assert_eq!(read.templates.len(), 2);
        assert_eq!(read.templates[1].name, "Loki logs");
        // Broken lines, unknown placeholders and non-http links are skipped; the rest is kept.
        let read = LinkSettings::parse(
            "garbage\nA\thttps://a/{trace_id}\nB\thttps://b/{nope}\nC\tjavascript:alert(1)\n\tD\nE\thttp://e/{service}",
        );
        assert_eq!(read.templates, vec![t("A", "https://a/{trace_id}"), t("E", "http://e/{service}")]);
        assert_eq!(LinkSettings::default().serialize(), None);
        assert_eq!(LinkSettings::parse(""), LinkSettings::default());
    }

    #[test]
    fn the_core_keeps_good_templates_says_why_others_were_left_out_and_saves() {
        use crate::app::{Action, Env};
        let env = Env {
            saved_link_templates: Some("strand-link-templates 1\nOld\thttps://old/{trace_id}".into()),
            ..Env::default()
        };
        let (mut app, _) = App::open(Default::default(), env);
        assert_eq!(app.links.templates, vec![t("Old", "https://old/{trace_id}")]);
        let effects = app.apply(Action::SetLinkTemplates(vec![
            t(" Kibana ", " https://kibana/{trace_id} "),
            t("", ""),
            t("Evil", "javascript:alert('{trace_id}')"),
            t("", "https://x/{span_id}"),
        ]));
        assert_eq!(app.links.templates, vec![t("Kibana", "https://kibana/{trace_id}")]);
        assert_eq!(
            effects,
            vec![Effect::SaveLinkTemplates(Some("strand-link-templates 1\nKibana\thttps://kibana/{trace_id}".into()))]
        );
        let notice = app.notices.list.last().unwrap();
        assert_eq!(notice.text, "2 log link templates not saved.");
        assert_eq!(
            notice.details,
            vec![
                "Evil: the link must start with http:// or https://".to_string(),
                "https://x/{span_id}: give the link a name (it is the link's text)".to_string(),
            ]
        );
        assert_eq!(app.apply(Action::SetLinkTemplates(Vec::new())), vec![Effect::SaveLinkTemplates(None)]);
        // Never in the address.
        assert!(!app.route.to_query().contains("kibana"));
    }

    #[test]
    fn a_template_needs_a_name_and_an_http_url() {
        assert_eq!(checked(&t("Logs", "https://x/{trace_id}")), Ok(()));
        assert_eq!(checked(&t(" ", "https://x/")), Err("give the link a name (it is the link's text)".into()));
        assert_eq!(checked(&t("x", "")), Err("the URL template is empty".into()));
        assert_eq!(
            checked(&t("x", "data:text/html,{trace_id}")),
            Err("the link must start with http:// or https://".into())
        );
        assert!(checked(&t("x", "https://x/{start")).unwrap_err().contains("without its '}'"));
    }
}
