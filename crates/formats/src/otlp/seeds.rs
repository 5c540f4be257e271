//! Streaming: seeds that convert each span as soon as it is read (see the module docs of `otlp`).

use super::*;

// ---------------------------------------------------------------------------------------------
// Streaming: seeds that convert each span as soon as it is deserialized, so that no document-wide
// DTO tree is built. They follow the derived DTOs field by field (same names and aliases, same
// `null` handling, same errors).
//
// The result must be that of converting the whole DTO tree in document order: `resourceSpans`,
// `batches`, then the `trace` envelope, then `result`; `scopeSpans` before
// `instrumentationLibrarySpans`; a resource's spans with that resource, a scope's spans with
// that scope (`scope`, else `instrumentationLibrary`). Files nearly always put things in that
// order, so the first reading guesses that whatever comes first may be converted at once: spans
// whose resource or scope has not been read get the empty one (as when there is none). A key
// that shows a guess wrong (a `resource` or `scope` with content after spans that went without,
// `resourceSpans` after `batches`…) stops the reading, and the document is read again without
// guessing: then a part that comes before what must be converted ahead of it is read into DTOs
// and converted when its turn comes. A scope's spans that come after `instrumentationLibrary`
// but before any `scope` key are read into DTOs in both readings. Strings interned before a
// failed guess, or before an error that makes the document unusable, stay in the interner.

/// `Option<T>` for a seed: `null` is nothing, anything else goes to the seed.
pub(super) struct Optional<S>(pub(super) S);

impl<'de, S: DeserializeSeed<'de, Value = ()>> DeserializeSeed<'de> for Optional<S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de, Value = ()>> Visitor<'de> for Optional<S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("option")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.deserialize(d)
    }
}

/// What a `TracesData` holds, in the order the DTO walk converts it.
#[derive(Clone, Copy)]
pub(super) enum DocPart {
    ResourceSpans = 0,
    Batches = 1,
    Trace = 2,
    Result = 3,
}

impl DocPart {
    pub(super) fn from_key(key: &str) -> Option<DocPart> {
        match key {
            "resourceSpans" | "resource_spans" => Some(DocPart::ResourceSpans),
            "batches" => Some(DocPart::Batches),
            "trace" => Some(DocPart::Trace),
            "result" => Some(DocPart::Result),
            _ => None,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            DocPart::ResourceSpans => "resourceSpans",
            DocPart::Batches => "batches",
            DocPart::Trace => "trace",
            DocPart::Result => "result",
        }
    }
}

/// A part of a `TracesData` read ahead of its turn.
pub(super) enum Parked<'a> {
    Resources(Vec<ResourceSpans<'a>>),
    Doc(TracesData<'a>),
}

/// One `TracesData` object (the document, or an envelope's content).
pub(super) struct DocSeed<'d, 's> {
    pub(super) decoder: &'d mut Decoder<'s>,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("TracesData", &[], self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct TracesData")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let doc = TracesData::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.decoder.document(doc);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let decoder = self.decoder;
        // Per part, in order: was it seen, did it convert spans, is it waiting to be converted.
        let mut seen = [false; 4];
        let mut converted = [false; 4];
        let mut parked: [Option<Parked<'de>>; 4] = [None, None, None, None];
        // A bare `ResourceSpans` (see `TracesData`), converted when the document ends.
        let mut bare = ResourceSpans { resource: None, scope_spans: None, instrumentation_library_spans: None };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let Some(part) = DocPart::from_key(&key.0) else {
                match &*key.0 {
                    "resource" => bare.resource = map.next_value::<BareResource>()?.0,
                    "scopeSpans" | "scope_spans" => bare.scope_spans = map.next_value()?,
                    "instrumentationLibrarySpans" | "instrumentation_library_spans" => {
                        bare.instrumentation_library_spans = map.next_value()?;
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                continue;
            };
            let rank = part as usize;
            if seen.get(rank).copied().unwrap_or(false) {
                return Err(de::Error::duplicate_field(part.name()));
            }
            if decoder.guess && converted.iter().skip(rank + 1).any(|c| *c) {
                return Err(decoder.guessed_wrong());
            }
            let ready = decoder.guess || seen.iter().zip(&parked).take(rank).all(|(s, p)| *s && p.is_none());
            let spans_before = decoder.spans_read;
            let value = match (part, ready) {
                (DocPart::ResourceSpans | DocPart::Batches, true) => {
                    map.next_value_seed(Optional(ResourceListSeed { decoder: &mut *decoder }))?;
                    None
                }
                (DocPart::Trace | DocPart::Result, true) => {
                    map.next_value_seed(Optional(DocSeed { decoder: &mut *decoder }))?;
                    None
                }
                (DocPart::ResourceSpans | DocPart::Batches, false) => {
                    map.next_value::<Option<Vec<ResourceSpans<'de>>>>()?.map(Parked::Resources)
                }
                (DocPart::Trace | DocPart::Result, false) => {
                    map.next_value::<Option<Box<TracesData<'de>>>>()?.map(|doc| Parked::Doc(*doc))
                }
            };
            if let Some(slot) = seen.get_mut(rank) {
                *slot = true;
            }
            if let Some(slot) = converted.get_mut(rank) {
                *slot = decoder.spans_read != spans_before;
            }
            if let Some(slot) = parked.get_mut(rank) {
                *slot = value;
            }
            // Convert what waited for this part, as far as the parts seen so far allow.
            for (s, p) in seen.iter().zip(parked.iter_mut()) {
                if !*s {
                    break;
                }
                if let Some(p) = p.take() {
                    decoder.parked(p);
                }
            }
        }
        for p in parked.into_iter().flatten() {
            decoder.parked(p);
        }
        if bare.scope_spans.is_some() || bare.instrumentation_library_spans.is_some() {
            decoder.resource_spans(bare);
        } else if !seen.iter().any(|s| *s) {
            decoder.unknown_documents += 1;
        }
        Ok(())
    }
}

/// A list of `ResourceSpans` (`resourceSpans` or `batches`).
pub(super) struct ResourceListSeed<'d, 's> {
    pub(super) decoder: &'d mut Decoder<'s>,
}

impl<'de> DeserializeSeed<'de> for ResourceListSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResourceListSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(ResourceSeed { decoder: &mut *self.decoder })?.is_some() {}
        Ok(())
    }
}

/// One `ResourceSpans`.
pub(super) struct ResourceSeed<'d, 's> {
    pub(super) decoder: &'d mut Decoder<'s>,
}

impl<'de> DeserializeSeed<'de> for ResourceSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("ResourceSpans", &[], self)
    }
}

impl<'de> Visitor<'de> for ResourceSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct ResourceSpans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let rs = ResourceSpans::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.decoder.resource_spans(rs);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let decoder = self.decoder;
        let resource_no = decoder.next_resource_no();
        let no_resource = ResourceDto::default();
        // `Some` once the `resource` key was read.
        let mut resource: Option<ResourceDto<'de>> = None;
        // Whether spans were converted with no resource read (a guess), and from the second list.
        let mut guessed = false;
        let mut converted_library_spans = false;
        let mut seen_scope_spans = false;
        let mut seen_library_spans = false;
        let mut parked_scope_spans: Option<Vec<ScopeSpans<'de>>> = None;
        let mut parked_library_spans: Option<Vec<ScopeSpans<'de>>> = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.0.as_ref() {
                "resource" => {
                    if resource.is_some() {
                        return Err(de::Error::duplicate_field("resource"));
                    }
                    let read = map.next_value::<Option<ResourceDto<'de>>>()?.unwrap_or_default();
                    if guessed && !read.attributes.is_empty() {
                        return Err(decoder.guessed_wrong());
                    }
                    resource = Some(read);
                }
                "scopeSpans" | "scope_spans" => {
                    if seen_scope_spans {
                        return Err(de::Error::duplicate_field("scopeSpans"));
                    }
                    seen_scope_spans = true;
                    if converted_library_spans {
                        return Err(decoder.guessed_wrong());
                    }
                    match (&resource, decoder.guess) {
                        (Some(resource), _) => {
                            let seed = GroupListSeed { decoder: &mut *decoder, resource, resource_no };
                            map.next_value_seed(Optional(seed))?;
                        }
                        (None, true) => {
                            let before = decoder.spans_read;
                            let seed = GroupListSeed { decoder: &mut *decoder, resource: &no_resource, resource_no };
                            map.next_value_seed(Optional(seed))?;
                            guessed |= decoder.spans_read != before;
                        }
                        (None, false) => parked_scope_spans = map.next_value()?,
                    }
                }
                "instrumentationLibrarySpans" | "instrumentation_library_spans" => {
                    if seen_library_spans {
                        return Err(de::Error::duplicate_field("instrumentationLibrarySpans"));
                    }
                    seen_library_spans = true;
                    let in_turn = seen_scope_spans && parked_scope_spans.is_none();
                    let before = decoder.spans_read;
                    match (&resource, decoder.guess) {
                        (Some(resource), guess) if guess || in_turn => {
                            let seed = GroupListSeed { decoder: &mut *decoder, resource, resource_no };
                            map.next_value_seed(Optional(seed))?;
                        }
                        (None, true) => {
                            let seed = GroupListSeed { decoder: &mut *decoder, resource: &no_resource, resource_no };
                            map.next_value_seed(Optional(seed))?;
                            guessed |= decoder.spans_read != before;
                        }
                        _ => parked_library_spans = map.next_value()?,
                    }
                    converted_library_spans = decoder.guess && decoder.spans_read != before;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if let Some(resource) = &resource {
                for group in parked_scope_spans.take().into_iter().flatten() {
                    decoder.group(group, resource, resource_no);
                }
                if seen_scope_spans {
                    for group in parked_library_spans.take().into_iter().flatten() {
                        decoder.group(group, resource, resource_no);
                    }
                }
            }
        }
        let resource = resource.unwrap_or_default();
        for group in parked_scope_spans.into_iter().flatten().chain(parked_library_spans.into_iter().flatten()) {
            decoder.group(group, &resource, resource_no);
        }
        Ok(())
    }
}

/// A list of `ScopeSpans` (`scopeSpans` or `instrumentationLibrarySpans`) of one resource.
pub(super) struct GroupListSeed<'d, 's, 'r, 'a> {
    pub(super) decoder: &'d mut Decoder<'s>,
    pub(super) resource: &'r ResourceDto<'a>,
    pub(super) resource_no: usize,
}

impl<'de> DeserializeSeed<'de> for GroupListSeed<'_, '_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for GroupListSeed<'_, '_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let seed =
                GroupSeed { decoder: &mut *self.decoder, resource: self.resource, resource_no: self.resource_no };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
        }
    }
}

/// One `ScopeSpans`.
pub(super) struct GroupSeed<'d, 's, 'r, 'a> {
    pub(super) decoder: &'d mut Decoder<'s>,
    pub(super) resource: &'r ResourceDto<'a>,
    pub(super) resource_no: usize,
}

impl<'de> DeserializeSeed<'de> for GroupSeed<'_, '_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("ScopeSpans", &[], self)
    }
}

impl<'de> Visitor<'de> for GroupSeed<'_, '_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct ScopeSpans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let group = ScopeSpans::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.decoder.group(group, self.resource, self.resource_no);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let GroupSeed { decoder, resource, resource_no } = self;
        let scope_no = decoder.next_scope_no();
        let no_scope = ScopeDto::default();
        // Outer `Some` once the key was read.
        let mut scope: Option<Option<ScopeDto<'de>>> = None;
        let mut library: Option<Option<ScopeDto<'de>>> = None;
        // Whether spans were converted with no scope read (a guess).
        let mut guessed = false;
        let mut seen_spans = false;
        let mut parked: Option<Vec<SpanDto<'de>>> = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.0.as_ref() {
                "scope" => {
                    if scope.is_some() {
                        return Err(de::Error::duplicate_field("scope"));
                    }
                    let read: Option<ScopeDto<'de>> = map.next_value()?;
                    if guessed && read.as_ref().is_some_and(|s| !s.is_empty()) {
                        return Err(decoder.guessed_wrong());
                    }
                    scope = Some(read);
                }
                "instrumentationLibrary" | "instrumentation_library" => {
                    if library.is_some() {
                        return Err(de::Error::duplicate_field("instrumentationLibrary"));
                    }
                    let read: Option<ScopeDto<'de>> = map.next_value()?;
                    if guessed && read.as_ref().is_some_and(|s| !s.is_empty()) {
                        return Err(decoder.guessed_wrong());
                    }
                    library = Some(read);
                }
                "spans" => {
                    if seen_spans {
                        return Err(de::Error::duplicate_field("spans"));
                    }
                    seen_spans = true;
                    // The scope is `scope`, else `instrumentationLibrary`: known once `scope`
                    // was given, or both keys were read; guessed empty if neither was.
                    let known = match (&scope, &library) {
                        (Some(Some(s)), _) => Some(s),
                        (Some(None), Some(l)) => Some(l.as_ref().unwrap_or(&no_scope)),
                        (None, None) if decoder.guess => Some(&no_scope),
                        _ => None,
                    };
                    match known {
                        Some(scope_dto) => {
                            let before = decoder.spans_read;
                            let seed = SpanListSeed {
                                decoder: &mut *decoder,
                                resource,
                                resource_no,
                                scope: scope_dto,
                                scope_no,
                            };
                            map.next_value_seed(seed)?;
                            guessed = scope.is_none() && library.is_none() && decoder.spans_read != before;
                        }
                        None => parked = Some(map.next_value()?),
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(spans) = parked {
            let scope = scope.flatten().or(library.flatten()).unwrap_or_default();
            for span in &spans {
                decoder.span(span, resource, resource_no, &scope, scope_no);
            }
        }
        Ok(())
    }
}

/// The `spans` of one scope: each span is converted as soon as it is read.
pub(super) struct SpanListSeed<'d, 's, 'r, 'a> {
    pub(super) decoder: &'d mut Decoder<'s>,
    pub(super) resource: &'r ResourceDto<'a>,
    pub(super) resource_no: usize,
    pub(super) scope: &'r ScopeDto<'a>,
    pub(super) scope_no: usize,
}

impl<'de> DeserializeSeed<'de> for SpanListSeed<'_, '_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SpanListSeed<'_, '_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(span) = seq.next_element::<SpanDto<'de>>()? {
            self.decoder.span(&span, self.resource, self.resource_no, self.scope, self.scope_no);
        }
        Ok(())
    }
}
