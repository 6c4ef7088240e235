package io.tutormesh.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.auth.JwtAuth;
import io.tutormesh.gateway.calendar.FeedTokens;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Schedules, slots and calendar feeds through real HTTP, against the real embedded Cassandra. */
class ScheduleIntegrationTest {

  private static final String ZONE = "Europe/Paris";
  private static final String EVERY_MORNING = """
      {"timezone":"Europe/Paris","weekly":[
        {"day":"MON","start":"09:00","end":"10:00"},{"day":"TUE","start":"09:00","end":"10:00"},
        {"day":"WED","start":"09:00","end":"10:00"},{"day":"THU","start":"09:00","end":"10:00"},
        {"day":"FRI","start":"09:00","end":"10:00"},{"day":"SAT","start":"09:00","end":"10:00"},
        {"day":"SUN","start":"09:00","end":"10:00"}],
       "exceptions":[{"date":"2020-01-01","available":false},{"start":"2020-01-02T10:00","end":"2020-01-02T12:00","available":true}]}
      """;

  private static Node node;
  private static Api api;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNodes.start();
    api = new Api(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
  }

  /** A registered tutor's id; its token is {@code api.token(id, "tutor")}. */
  private static String tutor() {
    String id = unique("sched");
    Reply created = api.put("/v1/tutors/" + id, api.token(id, "tutor"), """
        {"displayName":"Ada","subjects":[{"subject":"math","levels":["high"]}],"languages":["fr"],
         "rateCents":4500,"currency":"EUR","timezone":"Europe/Paris","bio":"Calculus."}
        """);
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    return id;
  }

  private static String enc(Instant at) {
    return URLEncoder.encode(at.toString(), StandardCharsets.UTF_8);
  }

  // --- schedule and slots ---

  @Test
  void slotsKeepTheTutorsWallClockAcrossADstChange() {
    String id = tutor();
    String token = api.token(id, "tutor");
    Reply put = api.put("/v1/tutors/" + id + "/schedule", token, EVERY_MORNING);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.json().get("weekly")).hasSize(7);
    assertThat(put.json().get("exceptions").get(1).get("start").asText()).isEqualTo("2020-01-02T10:00");

    ZoneId zone = ZoneId.of(ZONE);
    ZoneOffsetTransition change = zone.getRules().nextTransition(Instant.now().plus(Duration.ofDays(4)));
    Instant from = change.getInstant().minus(Duration.ofDays(3));
    Instant to = change.getInstant().plus(Duration.ofDays(3));
    Reply slots = api.get("/v1/tutors/" + id + "/slots?from=" + enc(from) + "&to=" + enc(to) + "&durationMinutes=60",
        api.token(unique("partner"), "partner"));

    assertThat(slots.status()).as(slots.body()).isEqualTo(200);
    List<Instant> expected = new ArrayList<>();
    for (LocalDate date = from.atZone(zone).toLocalDate(); !date.isAfter(to.atZone(zone).toLocalDate()); date = date.plusDays(1)) {
      Instant nine = date.atTime(9, 0).atZone(zone).toInstant();
      if (!nine.isBefore(from) && nine.isBefore(to)) {
        expected.add(nine);
      }
    }
    List<Instant> starts = new ArrayList<>();
    slots.json().get("slots").forEach(s -> starts.add(Instant.parse(s.get("start").asText())));
    assertThat(starts).containsExactlyElementsOf(expected).hasSizeGreaterThanOrEqualTo(5);
    assertThat(slots.json().get("slots").get(0).get("end").asText())
        .isEqualTo(expected.get(0).plus(Duration.ofHours(1)).toString());
    // 09:00 on the wall clock both sides of the change: its UTC time moved by the change's hour
    assertThat(starts).extracting(s -> s.atZone(zone).getHour()).containsOnly(9);
    assertThat(starts).extracting(s -> s.atZone(java.time.ZoneOffset.UTC).getHour()).containsOnly(7, 8).contains(7, 8);

    Reply read = api.get("/v1/tutors/" + id + "/schedule", token);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().get("timezone").asText()).isEqualTo(ZONE);
    assertThat(read.json().get("weekly").get(0).get("day").asText()).isEqualTo("MON");
  }

  @Test
  void aTutorWithoutScheduleHasNoSlotsAndAnUnknownTutorIsNotFound() {
    String id = tutor();
    String token = api.token(id, "tutor");

    Reply slots = api.get("/v1/tutors/" + id + "/slots", token);
    assertThat(slots.status()).as(slots.body()).isEqualTo(200);
    assertThat(slots.json().get("slots")).isEmpty();
    assertThat(slots.json().get("durationMinutes").asInt()).isEqualTo(60);
    assertThat(api.get("/v1/tutors/" + id + "/schedule", token).json().get("weekly")).isEmpty();

    String nobody = unique("nobody");
    assertThat(api.get("/v1/tutors/" + nobody + "/slots", token).status()).isEqualTo(404);
    assertThat(api.put("/v1/tutors/" + nobody + "/schedule", api.token(nobody, "tutor"), EVERY_MORNING).status()).isEqualTo(404);
  }

  static Stream<Arguments> badSchedules() {
    return Stream.of(
        Arguments.of("{\"timezone\":\"Mars/Olympus\",\"weekly\":[]}", "timezone"),
        Arguments.of("{\"weekly\":[]}", "timezone"),
        Arguments.of("{\"timezone\":\"Europe/Paris\",\"weekly\":[{\"day\":\"MON\",\"start\":\"25:00\",\"end\":\"26:00\"}]}", "weekly[0].start"),
        Arguments.of("{\"timezone\":\"Europe/Paris\",\"weekly\":[{\"day\":\"MON\",\"start\":\"24:00\",\"end\":\"24:00\"}]}", "weekly[0].start"),
        Arguments.of("{\"timezone\":\"Europe/Paris\",\"weekly\":[{\"day\":\"MON\",\"start\":\"12:00\",\"end\":\"09:00\"}]}", "weekly[0].end"),
        Arguments.of("{\"timezone\":\"Europe/Paris\",\"weekly\":[{\"day\":\"MON\",\"start\":\"09:00\",\"end\":\"12:00\"},"
            + "{\"day\":\"MON\",\"start\":\"11:00\",\"end\":\"13:00\"}]}", "weekly[1]"),
        Arguments.of("{\"timezone\":\"Europe/Paris\",\"weekly\":[{\"day\":\"MONDAY\",\"start\":\"09:00\",\"end\":\"10:00\"}]}", "weekly[0].day"),
        Arguments.of("{\"timezone\":\"Europe/Paris\"}", "weekly"),
        Arguments.of("{\"timezone\":\"Europe/Paris\",\"weekly\":{}}", "weekly"),
        Arguments.of("{\"timezone\":\"Europe/Paris\",\"weekly\":[],\"exceptions\":[{\"date\":\"2026-12-24\"}]}", "exceptions[0].available"),
        Arguments.of("{\"timezone\":\"Europe/Paris\",\"weekly\":[],\"exceptions\":[{\"start\":\"2026-12-24T14:00\","
            + "\"end\":\"2026-12-24T12:00\",\"available\":true}]}", "exceptions[0].end"),
        Arguments.of("{\"timezone\":\"Europe/Paris\",\"weekly\":[", null));
  }

  @ParameterizedTest
  @MethodSource("badSchedules")
  void aBadScheduleIs400NamingTheFieldAndChangesNothing(String body, String field) {
    String id = tutor();
    String token = api.token(id, "tutor");
    assertThat(api.put("/v1/tutors/" + id + "/schedule", token, EVERY_MORNING).status()).isEqualTo(200);
    String before = api.get("/v1/tutors/" + id + "/schedule", token).body();

    Reply refused = api.put("/v1/tutors/" + id + "/schedule", token, body);

    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.isProblem()).isTrue();
    if (field != null) {
      assertThat(refused.json().get("field").asText()).isEqualTo(field);
    }
    assertThat(api.get("/v1/tutors/" + id + "/schedule", token).body()).isEqualTo(before);
  }

  @Test
  void badSlotQueriesAre400NamingTheParameter() {
    String id = tutor();
    String token = api.token(id, "tutor");
    Instant now = Instant.now();
    String base = "/v1/tutors/" + id + "/slots?";

    for (String[] bad : List.of(
        new String[] {"from=yesterday", "from"},
        new String[] {"from=%2B1000000000-01-01T00:00:00Z", "from"},
        new String[] {"to=-999999999-01-01T00:00:00Z", "to"},
        new String[] {"to=2026-13-01T00:00:00Z", "to"},
        new String[] {"durationMinutes=sixty", "durationMinutes"},
        new String[] {"durationMinutes=10", "durationMinutes"},
        new String[] {"durationMinutes=181", "durationMinutes"},
        new String[] {"from=" + enc(now) + "&to=" + enc(now.minusSeconds(60)), "to"},
        new String[] {"from=" + enc(now) + "&to=" + enc(now.plus(Duration.ofDays(40))), "to"})) {
      Reply refused = api.get(base + bad[0], token);
      assertThat(refused.status()).as(bad[0] + ": " + refused.body()).isEqualTo(400);
      assertThat(refused.isProblem()).isTrue();
      assertThat(refused.json().get("field").asText()).as(bad[0]).isEqualTo(bad[1]);
    }
    assertThat(api.get(base + "durationMinutes=30", token).status()).as("the tutor goes on").isEqualTo(200);
  }

  @Test
  void onlyTheTutorOrAnAdminReadsAndWritesTheSchedule() {
    String id = tutor();
    String other = tutor();
    String path = "/v1/tutors/" + id + "/schedule";
    assertThat(api.put(path, api.token(id, "tutor"), EVERY_MORNING).status()).isEqualTo(200);
    String before = api.get(path, api.token(id, "tutor")).body();
    String changed = EVERY_MORNING.replace("\"10:00\"", "\"11:00\"");

    assertThat(api.put(path, api.token(other, "tutor"), changed).status()).isEqualTo(403);
    assertThat(api.put(path, api.token(id, "student"), changed).status()).isEqualTo(403);
    assertThat(api.put(path, api.token(unique("partner"), "partner"), changed).status()).isEqualTo(403);
    assertThat(api.put(path, null, changed).status()).isEqualTo(401);
    assertThat(api.get(path, api.token(other, "tutor")).status()).isEqualTo(403);
    assertThat(api.get(path, api.token(id, "tutor")).body()).isEqualTo(before);

    Reply byAdmin = api.put(path, api.token(unique("admin"), "admin"), changed);
    assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(200);
    assertThat(byAdmin.json().get("weekly").get(0).get("end").asText()).isEqualTo("11:00");
    assertThat(api.get("/v1/tutors/" + id + "/slots", null).status()).isEqualTo(401);
  }

  // --- calendar feeds ---

  private static Calendar parsed(String text) throws Exception {
    return new CalendarBuilder().build(new StringReader(text));
  }

  private static String pathOf(String url) {
    URI uri = URI.create(url);
    return uri.getRawPath() + "?" + uri.getRawQuery();
  }

  @Test
  void aTutorsCalendarFeedOpensWithItsTokenOnly() throws Exception {
    String id = tutor();
    String other = tutor();
    String token = api.token(id, "tutor");

    Reply feed = api.get("/v1/tutors/" + id + "/calendar-feed", token);
    assertThat(feed.status()).as(feed.body()).isEqualTo(200);
    String url = feed.json().get("url").asText();
    assertThat(url).startsWith("http://127.0.0.1:" + node.httpPort() + "/v1/tutors/" + id + "/calendar.ics?feed=");

    Reply ics = api.get(pathOf(url), null);
    assertThat(ics.status()).as(ics.body()).isEqualTo(200);
    assertThat(ics.contentType()).startsWith("text/calendar");
    Calendar calendar = parsed(ics.body());
    assertThat(calendar.<Property>getProperty("PRODID")).isPresent();
    assertThat(calendar.<Property>getProperty("VERSION").map(Property::getValue)).contains("2.0");

    assertThat(api.get("/v1/tutors/" + id + "/calendar.ics", token).status()).isEqualTo(200);
    assertThat(api.get("/v1/tutors/" + id + "/calendar.ics?feed=wrong", null).status()).isEqualTo(403);
    assertThat(api.get("/v1/tutors/" + id + "/calendar.ics?feed=", token).status()).isEqualTo(403);
    String othersFeed = api.get("/v1/tutors/" + other + "/calendar-feed", api.token(other, "tutor")).json().get("url").asText();
    String othersToken = othersFeed.substring(othersFeed.indexOf("feed=") + 5);
    assertThat(api.get("/v1/tutors/" + id + "/calendar.ics?feed=" + othersToken, null).status()).isEqualTo(403);
    assertThat(api.get("/v1/tutors/" + id + "/calendar.ics", null).status()).isEqualTo(401);
    assertThat(api.get("/v1/tutors/" + id + "/calendar.ics", api.token(other, "tutor")).status()).isEqualTo(403);
    assertThat(api.get("/v1/tutors/" + id + "/calendar-feed", api.token(other, "tutor")).status()).isEqualTo(403);
    assertThat(api.get("/v1/tutors/" + id + "/calendar-feed", null).status()).isEqualTo(401);
    String nobody = unique("nobody");
    assertThat(api.get("/v1/tutors/" + nobody + "/calendar-feed", api.token(nobody, "tutor")).status()).isEqualTo(404);
  }

  @Test
  void aStudentsCalendarFeedWorksTheSameWay() throws Exception {
    String id = unique("stud");
    String token = api.token(id, "student");
    Reply created = api.put("/v1/students/" + id, token,
        "{\"displayName\":\"Bob\",\"level\":\"high\",\"languages\":[\"fr\"],\"timezone\":\"America/Montreal\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(200);

    Reply feed = api.get("/v1/students/" + id + "/calendar-feed", token);
    assertThat(feed.status()).as(feed.body()).isEqualTo(200);
    Reply ics = api.get(pathOf(feed.json().get("url").asText()), null);
    assertThat(ics.status()).as(ics.body()).isEqualTo(200);
    assertThat(parsed(ics.body()).<Property>getProperty("PRODID")).isPresent();

    assertThat(api.get("/v1/students/" + id + "/calendar.ics?feed=wrong", null).status()).isEqualTo(403);
    assertThat(api.get("/v1/students/" + id + "/calendar.ics", api.token(unique("stud"), "student")).status()).isEqualTo(403);
    assertThat(api.get("/v1/students/" + id + "/calendar.ics", api.token(unique("admin"), "admin")).status()).isEqualTo(200);
    // the token is the node's HMAC of the kind and the id: a tutor's token for the same id opens nothing here
    FeedTokens tokens = new FeedTokens(JwtAuth.fromSecret(TestNodes.JWT_SECRET, Duration.ZERO).deriveKey("calendar-feed"));
    assertThat(api.get("/v1/students/" + id + "/calendar.ics?feed=" + tokens.tokenFor("student", id), null).status()).isEqualTo(200);
    assertThat(api.get("/v1/students/" + id + "/calendar.ics?feed=" + tokens.tokenFor("tutor", id), null).status()).isEqualTo(403);
  }
}
