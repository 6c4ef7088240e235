package io.tutormesh.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Who used the CPU during a phase (Linux /proc): the whole machine, this bench JVM, and — with
 * --node-pid — the node JVM and its children (the embedded Cassandra). On a 2-core machine that
 * node and bench share, "the rest" is whatever else ran at the same time, and it matters.
 */
final class CpuMeter {

  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  /** One reading. */
  record Sample(long wallNanos, long machineTotal, long machineIdle, long benchCpuNanos, long nodeTicks, long childTicks, String loadAvg) {}

  /** What a phase cost, in cores (1.0 = one core busy for the whole phase). */
  record Usage(double seconds, double machineBusyCores, double benchCores, double nodeCores, double childCores, String loadAvgAfter) {
    double otherCores() {
      return Math.max(0, machineBusyCores - benchCores - (nodeCores < 0 ? 0 : nodeCores) - (childCores < 0 ? 0 : childCores));
    }

    @Override
    public String toString() {
      return String.format("machine %.2f cores busy of %d; bench %.2f; node %s; its Cassandra %s; everything else %.2f; load avg %s",
          machineBusyCores, Runtime.getRuntime().availableProcessors(), benchCores,
          nodeCores < 0 ? "?" : String.format("%.2f", nodeCores), childCores < 0 ? "?" : String.format("%.2f", childCores),
          otherCores(), loadAvgAfter);
    }
  }

  private final long nodePid;

  CpuMeter(long nodePid) {
    this.nodePid = nodePid;
  }

  Sample sample() {
    long total = -1;
    long idle = -1;
    String load = "?";
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      total = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      String[] l = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      load = l[0] + " " + l[1] + " " + l[2];
    } catch (Exception ignored) {
      // not Linux
    }
    long bench = -1;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      bench = os.getProcessCpuTime();
    }
    long node = -1;
    long children = -1;
    if (nodePid > 0) {
      node = ticks(nodePid);
      children = 0;
      for (long pid : descendants(nodePid)) {
        long t = ticks(pid);
        if (t > 0) {
          children += t;
        }
      }
    }
    return new Sample(System.nanoTime(), total, idle, bench, node, children, load);
  }

  static Usage between(Sample a, Sample b) {
    double seconds = (b.wallNanos() - a.wallNanos()) / 1e9;
    double cores = Runtime.getRuntime().availableProcessors();
    double machine = -1;
    if (a.machineTotal() >= 0 && b.machineTotal() > a.machineTotal()) {
      double busy = (b.machineTotal() - a.machineTotal()) - (b.machineIdle() - a.machineIdle());
      machine = cores * busy / (b.machineTotal() - a.machineTotal());
    }
    double bench = a.benchCpuNanos() < 0 ? -1 : (b.benchCpuNanos() - a.benchCpuNanos()) / 1e9 / seconds;
    double node = a.nodeTicks() < 0 || b.nodeTicks() < 0 ? -1 : (b.nodeTicks() - a.nodeTicks()) / TICKS_PER_SECOND / seconds;
    double child = a.childTicks() < 0 || b.childTicks() < 0 ? -1 : (b.childTicks() - a.childTicks()) / TICKS_PER_SECOND / seconds;
    return new Usage(seconds, machine, bench, node, child, b.loadAvg());
  }

  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
      // after "pid (comm) ": state is f[0]; utime is field 14 overall = f[11], stime f[12]
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return -1;
    }
  }

  private static List<Long> descendants(long pid) {
    List<Long> out = new ArrayList<>();
    ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> out.add(d.pid())));
    return out;
  }
}
