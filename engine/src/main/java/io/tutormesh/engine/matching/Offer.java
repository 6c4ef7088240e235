package io.tutormesh.engine.matching;

import io.tutormesh.engine.common.CborSerializable;
import java.time.Instant;

/** One offer of a session to one tutor; only that tutor may accept it, before `expiresAt`. */
public record Offer(
    String offerId,
    String sessionId,
    String tutorId,
    String studentId,
    String subject,
    String level,
    String language,
    int durationMinutes,
    long rateCents,
    String currency,
    Instant expiresAt) implements CborSerializable {}
