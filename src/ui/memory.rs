//! The module's memory, grown ahead of a large model. Rust's allocator in WebAssembly grows the
//! memory by as little as it needs (64 KiB steps) when its free space runs out, and each step
//! costs the browser far more than handing out memory it already has: a model made of many small
//! lists (a log file of 1M lines is 100k traces) paid for thousands of steps.

/// Grows the memory once by `bytes`, if it can, for a model about to be built or decoded: the
/// freed block goes back to the allocator, which hands it out again piece by piece. Pages
/// nothing touches cost address space, not memory.
///
/// Measured on the import worker's job in Node's V8 (the same module, first job after start):
/// 1M ECS lines imported in 1.37-1.53 s against 2.33-2.59 s without; a one-trace file of 1M
/// OTLP spans (few, large lists) took the same time either way. The page makes room for one
/// decode step at a time: growing by a whole 1M-span encoding (152 MB) at once was a 94 ms
/// `wasm.GrowMemory` in the first step's task.
pub fn make_room(bytes: usize) {
    let mut room: Vec<u8> = Vec::new();
    let _ = room.try_reserve_exact(bytes);
}
