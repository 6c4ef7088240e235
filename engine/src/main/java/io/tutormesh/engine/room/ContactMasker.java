package io.tutormesh.engine.room;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Hides contact details in chat text, as marketplaces do to keep lessons on the platform: every
 * match of every pattern, in order, becomes the replacement. Immutable and thread-safe.
 *
 * <p>Configured patterns run on every chat message: keep repeated groups possessive ({@code (?:..)*+})
 * or use character classes, since {@link Pattern} recurses once per repetition of a group of
 * varying length, and a long message would overflow the stack.
 *
 * <p>The {@link #defaults()} hide e-mail addresses and phone numbers: 7 or more digits, possibly
 * separated by spaces, dots, dashes or parentheses, with an optional leading {@code +}. A decimal
 * ({@code 3.14159265}) or a date ({@code 2024-05-12}, {@code 12.05.2024}) is left alone, and so is
 * anything shorter ({@code 2+2=4}, {@code 1999}). Digits grouped only by spaces are hidden even when
 * they are not a phone number ({@code 1 000 000}): a false positive costs less than a leak.
 */
public final class ContactMasker {

  public static final String DEFAULT_REPLACEMENT = "[hidden]";

  /** An e-mail address, spaces around the {@code @} tolerated. */
  public static final String EMAIL =
      "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+\\s?@\\s?[A-Za-z0-9-]+\\.[A-Za-z0-9.-]*[A-Za-z]{2}";

  private static final String SEPARATOR = "[\\s.()\\-]";
  private static final String NO_MORE_DIGITS = "(?!" + SEPARATOR + "{0,3}\\d)";

  /** A phone number: 7+ digits separated by up to 3 of {@code " .()-"} each. */
  public static final String PHONE =
      "(?<![\\d.])" // starts a number, not inside one
      + "(?!\\d+\\.\\d+" + NO_MORE_DIGITS + ")" // not a decimal: 3.14159265
      + "(?!\\d{4}-\\d{1,2}-\\d{1,2}" + NO_MORE_DIGITS + ")" // not a date: 2024-05-12
      + "(?!\\d{1,2}([.-])\\d{1,2}\\1\\d{4}" + NO_MORE_DIGITS + ")" // not a date: 12.05.2024
      + "\\+?\\(?\\d(?:" + SEPARATOR + "{0,3}\\d){6,}+"; // possessive: a loop, not a recursion per digit

  /** The regexes of {@link #defaults()}, for a masker with its own replacement. */
  public static final List<String> DEFAULT_PATTERNS = List.of(EMAIL, PHONE);

  private static final ContactMasker DEFAULTS = of(DEFAULT_PATTERNS, DEFAULT_REPLACEMENT);

  private final List<Rule> rules;
  /** The replacement quoted for {@link Matcher#replaceAll(String)}, once rather than per message. */
  private final String quotedReplacement;

  public ContactMasker(List<Pattern> patterns, String replacement) {
    this.rules = patterns.stream().map(Rule::of).toList();
    this.quotedReplacement = Matcher.quoteReplacement(Objects.requireNonNull(replacement, "replacement"));
  }

  /**
   * A pattern, and a cheap test that a text may contain a match of it: the default patterns need an
   * {@code @} or seven digits, which a loop over the characters tells without running the regex
   * (most messages have neither); a configured pattern always runs.
   */
  private record Rule(Pattern pattern, Predicate<String> mayMatch) {

    static Rule of(Pattern pattern) {
      Predicate<String> mayMatch = switch (pattern.pattern()) {
        case EMAIL -> text -> text.indexOf('@') >= 0;
        case PHONE -> text -> hasDigits(text, 7);
        default -> text -> true;
      };
      return new Rule(pattern, mayMatch);
    }

    private static boolean hasDigits(String text, int wanted) {
      int found = 0;
      for (int i = 0; i < text.length() && found < wanted; i++) {
        if (Character.isDigit(text.charAt(i))) {
          found++;
        }
      }
      return found >= wanted;
    }
  }

  /** E-mail addresses and phone numbers become {@value #DEFAULT_REPLACEMENT}. */
  public static ContactMasker defaults() {
    return DEFAULTS;
  }

  /**
   * A masker from configured regexes ({@link Pattern} syntax).
   *
   * @throws IllegalArgumentException if a regex is missing, invalid or matches the empty string
   */
  public static ContactMasker of(List<String> regexes, String replacement) {
    List<Pattern> patterns = new ArrayList<>(regexes.size());
    for (int i = 0; i < regexes.size(); i++) {
      patterns.add(compile(i, regexes.get(i)));
    }
    return new ContactMasker(patterns, replacement);
  }

  public String mask(String text) {
    String masked = text;
    for (Rule rule : rules) {
      if (rule.mayMatch().test(masked)) {
        masked = rule.pattern().matcher(masked).replaceAll(quotedReplacement);
      }
    }
    return masked;
  }

  private static Pattern compile(int index, String regex) {
    String name = "contact pattern #" + index;
    if (regex == null || regex.isEmpty()) {
      throw new IllegalArgumentException(name + " is empty");
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          name + " /" + regex + "/ is not a valid regex: " + e.getDescription() + " near index " + e.getIndex(), e);
    }
    if (pattern.matcher("").matches()) {
      throw new IllegalArgumentException(name + " /" + regex + "/ matches the empty string");
    }
    return pattern;
  }
}
