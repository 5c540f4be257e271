//! Where traces come from besides files: collector APIs (Jaeger, Zipkin, Tempo). URL building and
//! response decoding are pure; only a thin fetch layer in `ui` performs requests.
//! Depends on `model` and `formats`.
