package io.tutormesh.gateway.http;

/** Thrown (or used to fail a future) anywhere in a route to answer with a problem. */
public final class ProblemException extends RuntimeException {
  private final Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
