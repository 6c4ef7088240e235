package io.tutormesh.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes ConfigMap carries a copy of {@code deploy/production.conf}: the two must not
 * drift apart. (Here because this module's tests are the ones that may read {@code deploy/}.)
 */
class DeployConfigDriftTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final String KEY = "  production.conf: |";
  private static final String INDENT = "    ";

  @Test
  void configMapHoldsExactlyProductionConf() throws IOException {
    String conf = Files.readString(DEPLOY.resolve("production.conf"), StandardCharsets.UTF_8);
    List<String> manifest =
        Files.readAllLines(DEPLOY.resolve("k8s/tutormesh-statefulset.yaml"), StandardCharsets.UTF_8);

    assertThat(manifest).as("the ConfigMap key in tutormesh-statefulset.yaml").contains(KEY);
    StringBuilder block = new StringBuilder();
    for (String line : manifest.subList(manifest.indexOf(KEY) + 1, manifest.size())) {
      if (!line.isEmpty() && !line.startsWith(INDENT)) {
        break; // the end of the block scalar
      }
      block.append(line.isEmpty() ? "" : line.substring(INDENT.length())).append('\n');
    }

    assertThat(block.toString().stripTrailing() + "\n")
        .as("ConfigMap tutormesh-config in deploy/k8s/tutormesh-statefulset.yaml; regenerate it from"
            + " deploy/production.conf (see deploy/k8s/README.md)")
        .isEqualTo(conf);
  }
}
