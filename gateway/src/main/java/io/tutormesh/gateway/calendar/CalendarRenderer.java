package io.tutormesh.gateway.calendar;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import net.fortuna.ical4j.data.CalendarOutputter;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.DtStamp;
import net.fortuna.ical4j.model.property.ProdId;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.model.property.XProperty;
import net.fortuna.ical4j.model.property.immutable.ImmutableCalScale;
import net.fortuna.ical4j.model.property.immutable.ImmutableStatus;
import net.fortuna.ical4j.model.property.immutable.ImmutableVersion;
import net.fortuna.ical4j.validate.ValidationException;

/**
 * An RFC 5545 calendar of booked lessons, built with ical4j (never hand-written text): PRODID,
 * VERSION 2.0, CALSCALE GREGORIAN (no METHOD: a feed is not an iTIP message), and one VEVENT per
 * lesson with UID = session id, DTSTART/DTEND in UTC, SUMMARY "subject (level) with counterpart", STATUS CONFIRMED or CANCELLED.
 * Pure: the same entries and stamp give the same text.
 *
 * <p>A calendar with events is validated by ical4j before it is written. RFC 5545's grammar wants
 * at least one component, so an empty feed (no lessons yet) is written without validation: calendar
 * apps and ical4j's own parser read it fine, and a subscription keeps working until lessons appear.
 */
public final class CalendarRenderer {

  public static final String PRODUCT_ID = "-//Tutormesh//Tutormesh calendar 1.0//EN";

  private CalendarRenderer() {}

  /**
   * @param name the calendar's display name (X-WR-CALNAME)
   * @param stamp DTSTAMP of every event: when the feed was produced
   */
  public static String render(String name, List<CalendarEntry> entries, Instant stamp) {
    Calendar calendar = new Calendar()
        .add(new ProdId(PRODUCT_ID))
        .add(ImmutableVersion.VERSION_2_0)
        .add(ImmutableCalScale.GREGORIAN)
        .add(new XProperty("X-WR-CALNAME", name));
    entries.stream()
        .sorted(Comparator.comparing(CalendarEntry::start).thenComparing(CalendarEntry::sessionId))
        .forEach(entry -> calendar.add(event(entry, stamp)));
    StringWriter text = new StringWriter();
    try {
      new CalendarOutputter(!entries.isEmpty()).output(calendar, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ValidationException e) {
      throw new IllegalStateException("the calendar does not follow RFC 5545: " + e.getMessage(), e);
    }
    return text.toString();
  }

  private static VEvent event(CalendarEntry entry, Instant stamp) {
    VEvent event = new VEvent(false)
        .add(new DtStamp(stamp))
        .add(new Uid(entry.sessionId()))
        .add(new net.fortuna.ical4j.model.property.DtStart<>(entry.start()))
        .add(new net.fortuna.ical4j.model.property.DtEnd<>(entry.end()))
        .add(new net.fortuna.ical4j.model.property.Summary(summary(entry)))
        .add(new Description("Tutormesh lesson " + entry.sessionId()))
        .add(entry.cancelled() ? ImmutableStatus.VEVENT_CANCELLED : ImmutableStatus.VEVENT_CONFIRMED);
    return event;
  }

  static String summary(CalendarEntry entry) {
    StringBuilder summary = new StringBuilder(entry.subject() == null ? "Lesson" : entry.subject());
    if (entry.level() != null && !entry.level().isBlank()) {
      summary.append(" (").append(entry.level()).append(')');
    }
    if (entry.counterpartName() != null && !entry.counterpartName().isBlank()) {
      summary.append(" with ").append(entry.counterpartName());
    }
    return summary.toString();
  }
}
