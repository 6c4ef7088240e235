package io.tutormesh.persistence;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one keyspace that holds everything (journal, snapshots, projection offsets, read sides),
 * created from the CQL files in the {@code schema/} resource folder, applied in name order.
 *
 * <p>Every statement is idempotent ({@code IF NOT EXISTS}), so the schema is applied at every
 * start. Files may use {@code ${keyspace}} and {@code ${replication}}, and hold several statements
 * separated by {@code ;}; lines starting with {@code --} are comments. Schema changes can take
 * seconds each on a loaded cluster: statements run with {@link #DDL_TIMEOUT}.
 */
public final class CassandraSchema {

  /** Default timeout of each schema statement; the driver's default (2 s) is too short. */
  public static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);
  /** Request timeout of sessions made by {@link #connect}. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /** Replication for a single node (development, tests). */
  public static final String SINGLE_NODE_REPLICATION =
      "{'class':'SimpleStrategy','replication_factor':1}";

  private static final Logger log = LoggerFactory.getLogger(CassandraSchema.class);
  private static final String FOLDER = "schema";
  private static final String FIRST_FILE = "001-keyspace.cql";
  // An unquoted CQL identifier starts with a letter; the plugin's own check agrees.
  private static final Pattern KEYSPACE = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,47}");
  private static final Pattern REPLICATION = Pattern.compile("\\{[^;{}]*'class'[^;{}]*}");

  private CassandraSchema() {}

  /**
   * Creates the keyspace and every table that is missing; leaves existing ones alone.
   *
   * @param replication a CQL replication map, e.g. {@link #SINGLE_NODE_REPLICATION} or {@code
   *     {'class':'NetworkTopologyStrategy','dc1':3}}
   */
  public static void apply(CqlSession session, String keyspace, String replication) {
    apply(session, keyspace, replication, DDL_TIMEOUT);
  }

  /** {@link #apply(CqlSession, String, String)} with another timeout for each statement. */
  public static void apply(
      CqlSession session, String keyspace, String replication, Duration ddlTimeout) {
    List<String> statements = statements(keyspace, replication);
    long started = System.nanoTime();
    for (String cql : statements) {
      long statementStarted = System.nanoTime();
      session.execute(SimpleStatement.newInstance(cql).setTimeout(ddlTimeout));
      log.debug("{} ms: {}", millisSince(statementStarted), firstLine(cql));
    }
    log.info("Schema of keyspace {} applied ({} statements) in {} ms",
        keyspace, statements.size(), millisSince(started));
  }

  /** The statements {@link #apply} runs, in order, with the placeholders filled in. */
  public static List<String> statements(String keyspace, String replication) {
    validateKeyspace(keyspace);
    if (replication == null || !REPLICATION.matcher(replication.strip()).matches()) {
      throw new IllegalArgumentException("Not a CQL replication map: " + replication
          + " (expected e.g. " + SINGLE_NODE_REPLICATION + ")");
    }
    Map<String, String> values = Map.of(
        "${keyspace}", keyspace,
        "${replication}", replication.strip());
    List<String> statements = new ArrayList<>();
    for (String script : scripts()) {
      String filled = script;
      for (Map.Entry<String, String> value : values.entrySet()) {
        filled = filled.replace(value.getKey(), value.getValue());
      }
      if (filled.contains("${")) {
        throw new IllegalStateException("Unknown placeholder in schema script:\n" + filled);
      }
      statements.addAll(split(filled));
    }
    return statements;
  }

  /** Checks a keyspace name: a letter, then letters, digits or _, at most 48 in all. */
  public static String validateKeyspace(String keyspace) {
    if (keyspace == null || !KEYSPACE.matcher(keyspace).matches()) {
      throw new IllegalArgumentException("Invalid keyspace name '" + keyspace
          + "': use letters, digits and _, start with a letter, at most 48 characters");
    }
    return keyspace;
  }

  /**
   * A driver session for the given contact points, made for schema changes: a request timeout
   * ({@link #REQUEST_TIMEOUT}) long enough for them, and no schema metadata ({@code
   * session.getMetadata()} lists no keyspaces; query {@code system_schema} instead). With schema
   * metadata on, the driver holds every DDL statement until its debounced metadata refresh (1 s
   * window) completes: the full schema took ≈ 14 s instead of ≈ 1.7 s here. Other settings come
   * from the driver's configuration ({@code datastax-java-driver} in {@code application.conf}).
   */
  public static CqlSession connect(List<InetSocketAddress> contactPoints, String localDatacenter) {
    DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, REQUEST_TIMEOUT)
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, REQUEST_TIMEOUT)
        .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
        .build();
    return CqlSession.builder()
        .withConfigLoader(config)
        .addContactPoints(contactPoints)
        .withLocalDatacenter(localDatacenter)
        .build();
  }

  /** The schema files' contents, in file name order. */
  private static List<String> scripts() {
    URL first = CassandraSchema.class.getClassLoader().getResource(FOLDER + "/" + FIRST_FILE);
    if (first == null) {
      throw new IllegalStateException("Resource " + FOLDER + "/" + FIRST_FILE + " not found");
    }
    String url = first.toString();
    try {
      URI folder = new URI(url.substring(0, url.length() - FIRST_FILE.length()));
      if (!"jar".equals(folder.getScheme())) {
        return read(Path.of(folder));
      }
      try (FileSystem jar = FileSystems.newFileSystem(folder, Map.of())) {
        return read(jar.provider().getPath(folder));
      } catch (FileSystemAlreadyExistsException e) {
        return read(Path.of(folder));
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Bad schema resource URL " + first, e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the schema scripts next to " + first, e);
    }
  }

  private static List<String> read(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> scripts = files
          .filter(file -> file.getFileName().toString().endsWith(".cql"))
          .sorted(Comparator.comparing(file -> file.getFileName().toString()))
          .collect(Collectors.toList());
      List<String> contents = new ArrayList<>();
      for (Path script : scripts) {
        contents.add(Files.readString(script, StandardCharsets.UTF_8));
      }
      return contents;
    }
  }

  /** Splits a script at {@code ;} outside string literals, dropping {@code --} comment lines. */
  static List<String> split(String script) {
    String code = script.lines()
        .filter(line -> !line.strip().startsWith("--"))
        .collect(Collectors.joining("\n"));
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inString = false;
    for (char c : code.toCharArray()) {
      if (c == '\'') {
        inString = !inString; // '' inside a literal toggles twice: still inside
      }
      if (c == ';' && !inString) {
        addIfNotBlank(statements, current);
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    addIfNotBlank(statements, current);
    return statements;
  }

  private static void addIfNotBlank(List<String> statements, StringBuilder statement) {
    String cql = statement.toString().strip();
    if (!cql.isEmpty()) {
      statements.add(cql);
    }
  }

  private static String firstLine(String cql) {
    return cql.lines().findFirst().orElse(cql);
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
