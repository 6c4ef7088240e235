package io.tutormesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * What the benchmarks share ({@link MatchingBench}, {@link RoomBench}): console lines, bounded
 * setup calls, the machine's description, and the formatting of histograms (microseconds in,
 * milliseconds out) and of ratios to the floor.
 */
final class Bench {

  private Bench() {}

  /** A console line with the UTC time of day. */
  /**
   * Reads the node's catalogue (`GET /v1/catalog`): the first `maxSubjects` subjects, in order,
   * with their levels, into `subjects` and `levels`; answers the platform currency.
   */
  static String loadCatalog(Rest rest, String adminToken, int maxSubjects, List<String> subjects, Map<String, List<String>> levels)
      throws Exception {
    JsonNode catalog = rest.expect("GET", "/v1/catalog", adminToken, null, 200).get(30, TimeUnit.SECONDS);
    for (JsonNode s : catalog.path("subjects")) {
      if (subjects.size() >= maxSubjects) {
        break;
      }
      String name = s.path("subject").asText();
      List<String> lv = new ArrayList<>();
      s.path("levels").forEach(l -> lv.add(l.asText()));
      subjects.add(name);
      levels.put(name, lv);
    }
    if (subjects.isEmpty()) {
      throw new IllegalStateException("GET /v1/catalog listed no subjects: " + catalog);
    }
    return catalog.path("currency").asText("EUR");
  }

  static void say(String line) {
    System.out.println(DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now()) + " " + line);
  }

  /**
   * Runs {@code task(0..n-1)} with at most {@code concurrency} in flight and waits for all; throws
   * when any failed (setup must be complete before a measurement).
   */
  static void bounded(int n, int concurrency, IntFunction<CompletableFuture<?>> task) throws InterruptedException {
    Semaphore permits = new Semaphore(concurrency);
    List<CompletableFuture<?>> all = new ArrayList<>(n);
    AtomicInteger failures = new AtomicInteger();
    List<String> firstFailures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      permits.acquire();
      CompletableFuture<?> f;
      try {
        f = task.apply(i);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      all.add(f.whenComplete((r, e) -> {
        permits.release();
        if (e != null && failures.incrementAndGet() <= 3) {
          synchronized (firstFailures) {
            firstFailures.add(String.valueOf(e.getCause() == null ? e : e.getCause()));
          }
        }
      }));
    }
    for (CompletableFuture<?> f : all) {
      try {
        f.join();
      } catch (Exception ignored) {
        // counted
      }
    }
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " of " + n + " setup calls failed, e.g. " + firstFailures);
    }
  }

  /** {@code call}, again after 500 ms if it failed, at most {@code attempts} times. */
  static <T> CompletableFuture<T> retry(int attempts, Supplier<CompletableFuture<T>> call) {
    return call.get().handle((r, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(r);
      }
      if (attempts <= 1) {
        return CompletableFuture.<T>failedFuture(e);
      }
      return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS))
          .thenCompose(x -> retry(attempts - 1, call));
    }).thenCompose(f -> f);
  }

  /**
   * With a money feature, an instant request places a hold: tops every student up once with the
   * largest credit pack ({@code pm_card_ok}). Does nothing when the node has no
   * {@code GET /v1/credit-packs}. Returns how many top-ups failed.
   */
  static int topUp(Rest rest, String adminToken, List<LoadDriver.Student> students, int concurrency, String prefix)
      throws Exception {
    var packs = rest.send("GET", "/v1/credit-packs", adminToken, null).get(30, TimeUnit.SECONDS);
    if (packs.statusCode() != 200) {
      return 0;
    }
    JsonNode best = null;
    for (JsonNode p : Rest.read(packs.body()).path("items")) {
      if (best == null || p.path("creditCents").asLong() > best.path("creditCents").asLong()) {
        best = p;
      }
    }
    if (best == null) {
      return 0;
    }
    String packId = best.path("packId").asText();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    bounded(students.size(), concurrency, i -> {
      LoadDriver.Student s = students.get(i);
      return Rest.expect(rest.send("POST", "/v1/students/" + s.id + "/wallet/top-ups", s.token,
              Map.of("packId", packId, "paymentMethod", "pm_card_ok"), "Idempotency-Key", prefix + "-topup-" + s.id),
              "POST", "top-up", 200, 201)
          .whenComplete((r, e) -> {
            if (e != null) {
              failed.incrementAndGet();
            }
            int n = done.incrementAndGet();
            if (n % 2000 == 0 || n == students.size()) {
              say("  wallet top-ups (" + packId + "): " + n + "/" + students.size());
            }
          });
    });
    return failed.get();
  }

  /** nproc, CPU model, memory, Java, OS, the bench's heap and its open-files limit. */
  static String machine() {
    String cpu = "?";
    String mem = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
      mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
          .map(l -> l.replaceAll("\\D+", "")).map(kb -> String.format("%.1f GiB", Long.parseLong(kb) / 1048576.0))
          .findFirst().orElse("?");
    } catch (Exception ignored) {
      // not Linux
    }
    String files = "?";
    try {
      files = Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
          .map(l -> l.replaceAll("\\s+", " ").replace("Max open files ", "")).findFirst().orElse("?");
    } catch (Exception ignored) {
      // not Linux
    }
    return "nproc " + Runtime.getRuntime().availableProcessors() + " (" + cpu + "), " + mem + ", "
        + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", bench max heap "
        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, open files limit (soft hard) " + files;
  }

  /** "machine / node / Cassandra / bench / other" cores, for a table cell. */
  static String cpuCells(CpuMeter.Usage u) {
    if (u == null) {
      return "-";
    }
    return String.format("%.2f / %s / %s / %.2f / %.2f", u.machineBusyCores(),
        u.nodeCores() < 0 ? "?" : String.format("%.2f", u.nodeCores()),
        u.childCores() < 0 ? "?" : String.format("%.2f", u.childCores()), u.benchCores(), u.otherCores());
  }

  /** The {@code pct} percentile of a microsecond histogram, in milliseconds ("-" when empty). */
  static String ms(Histogram h, double pct) {
    synchronized (h) {
      return h.getTotalCount() == 0 ? "-" : String.format("%.3f", h.getValueAtPercentile(pct) / 1000.0);
    }
  }

  /** p99 of {@code h} / p99 of {@code floor}, one decimal ("-" when either is empty). */
  static String ratio(Histogram h, Histogram floor) {
    long a;
    long b;
    synchronized (h) {
      a = h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(99);
    }
    synchronized (floor) {
      b = floor.getTotalCount() == 0 ? -1 : floor.getValueAtPercentile(99);
    }
    if (a < 0 || b <= 0) {
      return "-";
    }
    return String.format("%.1f", (double) a / b);
  }

  static String pcts(Histogram h) {
    return "p50 " + ms(h, 50) + " ms, p99 " + ms(h, 99) + " ms, max " + ms(h, 100) + " ms (n " + h.getTotalCount() + ")";
  }

  static String fmt(double rate) {
    return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.format("%.1f", rate);
  }

  static String nf(double ms) {
    return Double.isNaN(ms) ? "-" : Double.isInfinite(ms) ? "inf" : String.format("%.1f", ms);
  }
}
