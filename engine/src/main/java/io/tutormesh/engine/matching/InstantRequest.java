package io.tutormesh.engine.matching;

import io.tutormesh.engine.common.CborSerializable;

/** What a student asks for: "a calculus tutor, in French, right now". */
public record InstantRequest(String subject, String level, String language, long maxRateCents, int durationMinutes)
    implements CborSerializable {}
