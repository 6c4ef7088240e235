package io.tutormesh.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.testing.Api.Reply;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** Ids, bodies and problem assertions shared by the session, availability and admin tests. */
public final class Fixtures {
  private Fixtures() {}

  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
  }

  public static String studentJson(String name) {
    return """
        {"displayName":"%s","level":"high","languages":["fr","en"],"timezone":"Europe/Paris"}
        """.formatted(name);
  }

  public static String tutorJson(String name, String subject, List<String> levels, List<String> languages, long rateCents) {
    return """
        {"displayName":"%s","subjects":[{"subject":"%s","levels":%s}],
         "languages":%s,"rateCents":%d,"currency":"EUR","timezone":"Europe/Berlin","bio":"Here to help."}
        """.formatted(name, subject, array(levels), array(languages), rateCents);
  }

  public static String instantJson(String subject, String level, String language, long maxRateCents, int durationMinutes) {
    return """
        {"subject":"%s","level":"%s","language":"%s","maxRateCents":%d,"durationMinutes":%d}
        """.formatted(subject, level, language, maxRateCents, durationMinutes);
  }

  private static String array(List<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(",", "[", "]"));
  }

  public static void assertProblem(Reply reply, int status) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.isProblem()).as("problem+json: " + reply.contentType()).isTrue();
    JsonNode problem = reply.json();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).isNotBlank();
    assertThat(problem.get("type").asText()).isNotBlank();
  }

  /** A 400 problem whose `field` is `field` ("": none named). */
  public static void assertBadField(Reply reply, String field) {
    assertProblem(reply, 400);
    if (field.isEmpty()) {
      assertThat(reply.json().has("field")).as(reply.body()).isFalse();
    } else {
      assertThat(reply.json().path("field").asText()).as(reply.body()).isEqualTo(field);
      assertThat(reply.json().get("detail").asText()).contains(field);
    }
  }

  /** The value of one Prometheus sample line (`name{labels} value`), or -1 when absent. */
  public static double sample(String scrape, String nameAndLabels) {
    return scrape
        .lines()
        .filter(line -> line.startsWith(nameAndLabels + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim()))
        .findFirst()
        .orElse(-1);
  }
}
