package io.tutormesh.gateway.calendar;

import java.time.Instant;

/**
 * One booked lesson in a calendar feed, as the renderer needs it.
 *
 * @param sessionId the session's id, the event's UID (stable, so that a calendar app updates it in place)
 * @param counterpartName who the lesson is with (the student for a tutor's feed, the tutor for a student's)
 * @param cancelled a cancelled lesson stays in the feed with STATUS:CANCELLED, so that subscribers drop it
 */
public record CalendarEntry(
    String sessionId, String subject, String level, Instant start, Instant end, String counterpartName, boolean cancelled) {}
