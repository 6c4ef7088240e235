package io.tutormesh.gateway.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import org.junit.jupiter.api.Test;

/** The renderer's text is RFC 5545 as ical4j reads it back: every lesson, in UTC, cancelled ones marked. */
class CalendarRendererTest {

  private static final Instant STAMP = Instant.parse("2026-11-28T10:00:00Z");

  private static Calendar parsed(String text) throws Exception {
    return new CalendarBuilder().build(new StringReader(text));
  }

  private static String value(net.fortuna.ical4j.model.PropertyListAccessor component, String property) {
    return component.<Property>getProperty(property).map(Property::getValue).orElse(null);
  }

  @Test
  void severalLessonsIncludingACancelledOneReadBack() throws Exception {
    List<CalendarEntry> entries = List.of(
        new CalendarEntry("sess-2", "physics", "university", Instant.parse("2026-12-02T17:30:00Z"), Instant.parse("2026-12-02T18:15:00Z"), "Bob", true),
        new CalendarEntry("sess-1", "math", "high", Instant.parse("2026-12-01T09:00:00Z"), Instant.parse("2026-12-01T10:00:00Z"), "Ada; \"the, best\"", false),
        new CalendarEntry("sess-3", "french", null, Instant.parse("2027-03-28T00:30:00Z"), Instant.parse("2027-03-28T01:30:00Z"), null, false));

    String text = CalendarRenderer.render("Tutormesh: Ada", entries, STAMP);
    Calendar calendar = parsed(text);

    assertThat(text).contains("\r\n");
    assertThat(value(calendar, "PRODID")).isEqualTo(CalendarRenderer.PRODUCT_ID);
    assertThat(value(calendar, "VERSION")).isEqualTo("2.0");
    assertThat(value(calendar, "X-WR-CALNAME")).isEqualTo("Tutormesh: Ada");
    calendar.validate();
    List<VEvent> events = calendar.getComponents(Component.VEVENT);
    assertThat(events).extracting(e -> value(e, "UID")).containsExactly("sess-1", "sess-2", "sess-3");
    VEvent first = events.get(0);
    assertThat(value(first, "DTSTART")).isEqualTo("20261201T090000Z");
    assertThat(value(first, "DTEND")).isEqualTo("20261201T100000Z");
    assertThat(value(first, "SUMMARY")).isEqualTo("math (high) with Ada; \"the, best\"");
    assertThat(value(first, "STATUS")).isEqualTo("CONFIRMED");
    assertThat(value(first, "DTSTAMP")).isEqualTo("20261128T100000Z");
    assertThat(value(events.get(1), "STATUS")).isEqualTo("CANCELLED");
    assertThat(value(events.get(1), "SUMMARY")).isEqualTo("physics (university) with Bob");
    assertThat(value(events.get(2), "SUMMARY")).isEqualTo("french");
    assertThat(value(events.get(2), "DTSTART")).isEqualTo("20270328T003000Z");
  }

  @Test
  void anEmptyFeedIsACalendarWithItsProductAndVersion() throws Exception {
    String text = CalendarRenderer.render("Tutormesh: nobody", List.of(), STAMP);
    Calendar calendar = parsed(text);

    assertThat(text).startsWith("BEGIN:VCALENDAR\r\n").endsWith("END:VCALENDAR\r\n");
    assertThat(value(calendar, "PRODID")).isEqualTo(CalendarRenderer.PRODUCT_ID);
    assertThat(value(calendar, "VERSION")).isEqualTo("2.0");
    assertThat(calendar.getComponents()).isEmpty();
  }

  @Test
  void theSameEntriesGiveTheSameText() {
    List<CalendarEntry> entries = List.of(
        new CalendarEntry("sess-1", "math", "high", Instant.parse("2026-12-01T09:00:00Z"), Instant.parse("2026-12-01T10:00:00Z"), "Ada", false));

    assertThat(CalendarRenderer.render("x", entries, STAMP)).isEqualTo(CalendarRenderer.render("x", entries, STAMP));
  }
}
