package io.tutormesh.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** The wire's JSON: one mapper, strict on input, ISO-8601 instants on output. */
public final class Json {

  public static final ContentType.WithFixedCharset PROBLEM_JSON =
      MediaTypes.customWithFixedCharset("application", "problem+json", HttpCharsets.UTF_8, java.util.Map.of(), false)
          .toContentType();

  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .registerModule(new ParameterNamesModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  private Json() {}

  /** Parses a request body; any problem becomes a 400 that names the field. */
  public static <T> T read(String body, Class<T> type) {
    if (body == null || body.isBlank()) {
      throw new ProblemException(Problem.badRequest("", "a JSON body is required"));
    }
    try {
      T value = MAPPER.readValue(body, type);
      if (value == null) {
        throw new ProblemException(Problem.badRequest("", "a JSON object is required"));
      }
      return value;
    } catch (MismatchedInputException e) {
      String path = pathOf(e);
      return fail(path, path.isEmpty() ? "a JSON object is required" : "has the wrong type");
    } catch (JsonMappingException e) {
      return fail(pathOf(e), "is not valid: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      return fail("", "malformed JSON: " + e.getOriginalMessage());
    }
  }

  private static <T> T fail(String field, String detail) {
    throw new ProblemException(Problem.badRequest(field, detail));
  }

  /** `subjects[0].levels[1]` from Jackson's reference path. */
  static String pathOf(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON for " + value.getClass(), e);
    }
  }

  public static HttpEntity.Strict entity(Object value) {
    return HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes(value));
  }

  public static HttpResponse response(int status, Object value) {
    return HttpResponse.create().withStatus(StatusCodes.get(status)).withEntity(entity(value));
  }

  public static HttpResponse problem(Problem problem) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(problem.status()))
        .withEntity(HttpEntities.create(PROBLEM_JSON, bytes(problem)));
  }
}
