package io.tutormesh.engine.common;

/**
 * Marker for every message, event, state and reply that crosses a serialization boundary
 * (remoting, journal, snapshots). Bound to {@code jackson-cbor} in {@code serialization.conf}.
 * Ours on purpose: Pekko's own marker lives in a test artifact.
 */
public interface CborSerializable {}
