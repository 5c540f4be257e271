//! Service dependency links as Jaeger (`/api/dependencies`) and Zipkin (`/api/v2/dependencies`)
//! serve them: `[{parent, child, callCount, errorCount?}]`, bare or inside `{"data": …}`.
//! Depends on `model` and `formats::builder`.

use super::builder::{LenientStr, Scalar};
use super::{Format, ImportError, Imported};
use serde::Deserialize;
use strand_model::{DependencyLink, Interner};

#[derive(Deserialize)]
struct Wrapped<'a> {
    #[serde(borrow, default)]
    data: Option<Vec<LinkDto<'a>>>,
}

#[derive(Deserialize)]
struct LinkDto<'a> {
    #[serde(borrow, default)]
    parent: LenientStr<'a>,
    #[serde(borrow, default)]
    child: LenientStr<'a>,
    #[serde(borrow, default, rename = "callCount")]
    call_count: Option<Scalar<'a>>,
    #[serde(borrow, default, rename = "errorCount")]
    error_count: Option<Scalar<'a>>,
}

pub fn import(bytes: &[u8], file: &str, strings: &mut Interner) -> Result<Imported, ImportError> {
    let err = |e: serde_json::Error| ImportError::from_json(file, Format::Dependencies, &e, 0);
    let text = crate::utf8::text(bytes, file, 0)?;
    let links: Vec<LinkDto> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(err)?
    } else {
        serde_json::from_str::<Wrapped>(text).map_err(err)?.data.unwrap_or_default()
    };
    let dependencies = links
        .iter()
        .map(|l| DependencyLink {
            parent: strings.intern(l.parent.as_str()),
            child: strings.intern(l.child.as_str()),
            call_count: l.call_count.as_ref().and_then(Scalar::as_u64).unwrap_or(0),
            error_count: l.error_count.as_ref().and_then(Scalar::as_u64).unwrap_or(0),
        })
        .collect();
    Ok(Imported { traces: Vec::new(), dependencies, notes: Vec::new() })
}
