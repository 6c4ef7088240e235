package io.tutormesh.engine.money;

import io.tutormesh.engine.common.CborSerializable;
import java.time.Instant;

/**
 * A plan owner's answer to a wake-up ({@code CheckPlan} of a student or a tutor): it has done what
 * was due, and its plan needs looking at again at {@code nextCheckAt} (null: never, the plan is over
 * or there is none). The durable waker keeps one due row per owner at that instant.
 */
public record PlanDue(String ownerId, Instant nextCheckAt) implements CborSerializable {}
