package io.tutormesh.gateway.tutor;

import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.engine.review.Review;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.availability.TutorPresence;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `GET /v1/tutors` on a real node against the real embedded Cassandra: the tutor-directory
 * projection feeds it, so every expectation about the directory is awaited with a deadline. The
 * subjects' partitions are shared with other tests (and earlier runs): each test searches with a
 * language no other test uses and asserts only about its own tutors, paging through everything.
 */
class TutorSearchIntegrationTest {

  private static final Duration PROJECTION_DEADLINE = Duration.ofSeconds(45);

  private static Node node;
  private static Api api;
  private static String reader;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNodes.start();
    api = new Api(node.httpPort());
    reader = api.token(unique("partner"), "partner");
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  private static String profile(String name, Map<String, List<String>> subjects, List<String> languages, long rateCents) {
    String offers = subjects.entrySet().stream()
        .map(e -> "{\"subject\":\"" + e.getKey() + "\",\"levels\":" + array(e.getValue()) + "}")
        .collect(Collectors.joining(",", "[", "]"));
    return """
        {"displayName":"%s","subjects":%s,"languages":%s,"rateCents":%d,"currency":"EUR","timezone":"UTC","bio":"private bio"}
        """.formatted(name, offers, array(languages), rateCents);
  }

  private static String array(List<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(",", "[", "]"));
  }

  /** Registers (or updates) a tutor; answers its token. */
  private static String tutor(String id, Map<String, List<String>> subjects, List<String> languages, long rateCents) {
    String token = api.token(id, "tutor");
    Reply put = api.put("/v1/tutors/" + id, token, profile("Tutor " + id, subjects, languages, rateCents));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    return token;
  }

  /** Every item of a search, following nextCursor to the end; no tutor may come twice. */
  private static Map<String, JsonNode> searchAll(String query, int limit) {
    Map<String, JsonNode> items = new LinkedHashMap<>();
    String cursor = null;
    for (int page = 0; page < 500; page++) {
      Reply reply = api.get("/v1/tutors?" + query + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor), reader);
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      JsonNode body = reply.json();
      assertThat(body.get("items").size()).isLessThanOrEqualTo(limit);
      for (JsonNode item : body.get("items")) {
        assertThat(items.put(item.get("tutorId").asText(), item)).as("tutor listed twice: " + item).isNull();
      }
      assertThat(body.has("nextCursor")).isTrue();
      if (body.get("nextCursor").isNull()) {
        return items;
      }
      cursor = URLEncoder.encode(body.get("nextCursor").asText(), StandardCharsets.UTF_8);
    }
    throw new AssertionError("more than 500 pages for " + query);
  }

  private static Set<String> ids(String query) {
    return searchAll(query, 100).keySet();
  }

  /** Polls the search until it shows what is expected, or fails at the deadline. */
  private static Map<String, JsonNode> awaitSearch(String query, Predicate<Map<String, JsonNode>> expected, String what) throws InterruptedException {
    long end = System.nanoTime() + PROJECTION_DEADLINE.toNanos();
    Map<String, JsonNode> last = searchAll(query, 100);
    while (!expected.test(last)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + PROJECTION_DEADLINE + ": " + what + "; last: " + last.keySet());
      }
      TimeUnit.MILLISECONDS.sleep(200); // poll interval, bounded by the deadline
      last = searchAll(query, 100);
    }
    return last;
  }

  @Test
  void filtersPagingAndDroppedSubjects() throws Exception {
    String lang = "ky";
    String cheap = unique("srch");
    String pricey = unique("srch");
    String university = unique("srch");
    String twoSubjects = unique("srch");
    String otherLanguage = unique("srch");
    tutor(cheap, Map.of("chemistry", List.of("high")), List.of(lang, "en"), 1500);
    tutor(pricey, Map.of("chemistry", List.of("high", "university")), List.of(lang), 6000);
    tutor(university, Map.of("chemistry", List.of("university")), List.of(lang), 3000);
    String twoToken = tutor(twoSubjects, orderedMap("chemistry", List.of("middle"), "physics", List.of("high")), List.of(lang), 2000);
    tutor(otherLanguage, Map.of("chemistry", List.of("high")), List.of("tg"), 1000);
    List<String> mine = List.of(cheap, pricey, university, twoSubjects);

    Map<String, JsonNode> all = awaitSearch("subject=chemistry&language=" + lang, found -> found.keySet().containsAll(mine), "all four listed");
    assertThat(all).doesNotContainKey(otherLanguage);
    JsonNode entry = all.get(twoSubjects);
    assertThat(entry.get("displayName").asText()).isEqualTo("Tutor " + twoSubjects);
    assertThat(entry.get("subjects").toString()).isEqualTo("[\"chemistry\",\"physics\"]");
    assertThat(entry.get("levels").toString()).isEqualTo("[\"middle\"]");
    assertThat(entry.get("languages").toString()).isEqualTo("[\"" + lang + "\"]");
    assertThat(entry.get("rateCents").asLong()).isEqualTo(2000);
    assertThat(entry.get("currency").asText()).isEqualTo("EUR");
    assertThat(entry.get("rating").get("average").isNull()).isTrue();
    assertThat(entry.get("rating").get("count").asInt()).isZero();
    assertThat(entry.has("bio")).as("never private fields").isFalse();
    assertThat(entry.has("timezone")).isFalse();

    // Paging: small pages list every tutor exactly once (searchAll fails on a duplicate).
    assertThat(searchAll("subject=chemistry&language=" + lang, 1).keySet()).containsAll(mine);
    assertThat(searchAll("subject=chemistry&language=" + lang, 2).keySet()).containsAll(mine);
    Reply first = api.get("/v1/tutors?subject=chemistry&language=" + lang + "&limit=1", reader);
    assertThat(first.json().get("items")).hasSize(1);
    assertThat(first.json().get("nextCursor").asText()).isNotBlank();

    Set<String> high = ids("subject=chemistry&level=high&language=" + lang);
    assertThat(high).contains(cheap, pricey).doesNotContain(university, twoSubjects);
    Set<String> upTo3000 = ids("subject=chemistry&maxRateCents=3000&language=" + lang);
    assertThat(upTo3000).contains(cheap, university, twoSubjects).doesNotContain(pricey);
    assertThat(ids("subject=chemistry&language=en")).contains(cheap).doesNotContain(pricey, university, twoSubjects);
    assertThat(ids("subject=physics&language=" + lang)).contains(twoSubjects).doesNotContain(cheap);

    // Dropping a subject takes the tutor out of its listing.
    Reply put = api.put("/v1/tutors/" + twoSubjects, twoToken, profile("Tutor " + twoSubjects, Map.of("physics", List.of("high")), List.of(lang), 2000));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    awaitSearch("subject=chemistry&language=" + lang, found -> !found.containsKey(twoSubjects), "dropped from chemistry");
    assertThat(ids("subject=physics&language=" + lang)).contains(twoSubjects);
  }

  @Test
  void aRatingChangeShowsInSearchAndMinRatingAndASuspendedTutorDisappears() throws Exception {
    String lang = "tk";
    String id = unique("srch");
    tutor(id, Map.of("biology", List.of("high")), List.of(lang), 2500);
    awaitSearch("subject=biology&language=" + lang, found -> found.containsKey(id), "registered");
    assertThat(ids("subject=biology&minRating=0&language=" + lang)).as("no reviews: no rating").doesNotContain(id);

    // Two reviews land on the tutor (as a completed session's would): 5 and 3.
    var tutor = ClusterSharding.get(node.system()).entityRefFor(TutorEntity.ENTITY_KEY, id);
    for (int i = 0; i < 2; i++) {
      String sessionId = unique("sess");
      tutor.tell(new TutorEntity.ReceiveReview(new Review(
          sessionId + ".s", sessionId, Review.Side.STUDENT, unique("stu"), id, i == 0 ? 5 : 3, "ok", Instant.now(), false)));
    }
    // Both reviews projected (after the first alone the tutor is already at 5.0, above minRating=4).
    Map<String, JsonNode> rated = awaitSearch("subject=biology&minRating=4&language=" + lang,
        found -> found.containsKey(id) && found.get(id).get("rating").get("count").asInt() == 2, "rated 4.0 by two");
    assertThat(rated.get(id).get("rating").get("average").asDouble()).isEqualTo(4.0);
    assertThat(rated.get(id).get("rating").get("count").asInt()).isEqualTo(2);
    assertThat(ids("subject=biology&minRating=4.5&language=" + lang)).doesNotContain(id);

    String admin = api.token(unique("admin"), "admin");
    Reply suspended = api.post("/v1/admin/tutors/" + id + "/suspend", admin, "{\"reason\":\"test\"}");
    assertThat(suspended.status()).as(suspended.body()).isEqualTo(200);
    awaitSearch("subject=biology&language=" + lang, found -> !found.containsKey(id), "suspended tutor gone");

    Reply reinstated = api.post("/v1/admin/tutors/" + id + "/reinstate", admin, null);
    assertThat(reinstated.status()).as(reinstated.body()).isEqualTo(200);
    Map<String, JsonNode> back = awaitSearch("subject=biology&language=" + lang, found -> found.containsKey(id), "reinstated");
    assertThat(back.get(id).get("rating").get("count").asInt()).as("the rating survives").isEqualTo(2);
  }

  @Test
  void availableNowFollowsTheTutorsSocketAndAvailableAtTheirSchedule() throws Exception {
    String lang = "ug";
    String online = unique("srch");
    String offline = unique("srch");
    String scheduled = unique("srch");
    tutor(online, Map.of("latin", List.of("high")), List.of(lang), 2500);
    tutor(offline, Map.of("latin", List.of("high")), List.of(lang), 2500);
    String scheduledToken = tutor(scheduled, Map.of("latin", List.of("high")), List.of(lang), 2500);

    try (TutorPresence presence = TutorPresence.connect(node, online)) {
      Set<String> now = ids("subject=latin&availableNow=true&language=" + lang);
      assertThat(now).contains(online).doesNotContain(offline, scheduled);
      assertThat(ids("subject=latin&availableNow=true&level=university")).doesNotContain(online);
      assertThat(ids("subject=latin&availableNow=true&maxRateCents=2000&language=" + lang)).doesNotContain(online);
      JsonNode item = searchAll("subject=latin&availableNow=true&language=" + lang, 1).get(online);
      assertThat(item.get("levels").toString()).isEqualTo("[\"high\"]");
    }
    awaitSearch("subject=latin&availableNow=true&language=" + lang, found -> !found.containsKey(online), "offline after the socket closed");

    String everyDay = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN").stream()
        .map(day -> "{\"day\":\"" + day + "\",\"start\":\"08:00\",\"end\":\"18:00\"}")
        .collect(Collectors.joining(",", "{\"timezone\":\"UTC\",\"weekly\":[", "],\"exceptions\":[]}"));
    Reply schedule = api.put("/v1/tutors/" + scheduled + "/schedule", scheduledToken, everyDay);
    assertThat(schedule.status()).as(schedule.body()).isEqualTo(200);
    awaitSearch("subject=latin&language=" + lang, found -> found.keySet().containsAll(List.of(online, offline, scheduled)), "listed");

    Instant at = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(2)).plus(Duration.ofHours(10));
    Set<String> bookable = ids("subject=latin&availableAt=" + at + "&language=" + lang);
    assertThat(bookable).contains(scheduled).doesNotContain(online, offline);
    Instant night = at.plus(Duration.ofHours(12));
    assertThat(ids("subject=latin&availableAt=" + night + "&language=" + lang)).doesNotContain(scheduled);
  }

  @Test
  void badInputsAreProblemsNamingTheField() {
    String base = "/v1/tutors?subject=math";
    assertBadField(api.get("/v1/tutors", reader), "subject");
    assertBadField(api.get("/v1/tutors?subject=alchemy", reader), "subject");
    assertBadField(api.get(base + "&level=phd", reader), "level");
    assertBadField(api.get(base + "&language=xx", reader), "language");
    assertBadField(api.get(base + "&maxRateCents=-5", reader), "maxRateCents");
    assertBadField(api.get(base + "&maxRateCents=abc", reader), "maxRateCents");
    assertBadField(api.get(base + "&minRating=6", reader), "minRating");
    assertBadField(api.get(base + "&minRating=high", reader), "minRating");
    assertBadField(api.get(base + "&availableAt=soon", reader), "availableAt");
    assertBadField(api.get(base + "&availableNow=maybe", reader), "availableNow");
    assertBadField(api.get(base + "&limit=0", reader), "limit");
    assertBadField(api.get(base + "&limit=101", reader), "limit");
    assertBadField(api.get(base + "&cursor=AAAA", reader), "cursor");
    assertBadField(api.get(base + "&cursor=" + SearchCursor.encode("physics", "someone"), reader), "cursor");
    assertProblem(api.get(base, null), 401);
    assertProblem(api.get(base, "garbage"), 401);
    assertProblem(api.post(base, reader, "{}"), 405);
    for (String role : List.of("student", "tutor", "admin")) {
      assertThat(api.get(base + "&limit=1", api.token(unique(role), role)).status()).as(role).isEqualTo(200);
    }
  }

  private static Map<String, List<String>> orderedMap(String k1, List<String> v1, String k2, List<String> v2) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    map.put(k1, v1);
    map.put(k2, v2);
    return map;
  }

}
