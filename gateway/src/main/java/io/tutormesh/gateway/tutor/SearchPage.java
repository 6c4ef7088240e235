package io.tutormesh.gateway.tutor;

import io.tutormesh.persistence.directory.DirectoryListing;
import java.util.List;

/**
 * One page of tutor search from the candidates a request looked at, in tutor id order: at most
 * {@code limit} matches, and where the next page starts. Every tutor of the listing lands on
 * exactly one page: the next page starts after the last tutor looked at on this one.
 *
 * @param nextAfter the last tutor id this page covers, null when nothing is left
 */
public record SearchPage(List<DirectoryListing> items, String nextAfter) {

  /** A candidate looked at, and whether it passed every filter. */
  public record Checked(DirectoryListing listing, boolean matched) {}

  /**
   * @param checked the candidates looked at, in order; the reading stops after the {@code limit +
   *     1}th match or after {@code scanBound} candidates, whichever comes first
   */
  public static SearchPage of(List<Checked> checked, int limit, int scanBound) {
    List<DirectoryListing> matches = checked.stream().filter(Checked::matched).map(Checked::listing).toList();
    if (matches.size() > limit) {
      List<DirectoryListing> page = matches.subList(0, limit);
      return new SearchPage(page, page.get(limit - 1).tutorId());
    }
    if (checked.size() >= scanBound && !checked.isEmpty()) {
      // Stopped by the bound on work, not by the end of the listing: the next page goes on from here.
      return new SearchPage(matches, checked.get(checked.size() - 1).listing().tutorId());
    }
    return new SearchPage(matches, null);
  }
}
