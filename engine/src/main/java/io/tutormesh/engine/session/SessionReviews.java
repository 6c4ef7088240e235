package io.tutormesh.engine.session;

import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.review.Review;
import io.tutormesh.engine.review.ReviewLog;
import io.tutormesh.engine.review.ReviewRules;
import io.tutormesh.engine.review.ReviewSettings;
import io.tutormesh.engine.session.SessionEntity.Empty;
import io.tutormesh.engine.session.SessionEntity.Ended;
import io.tutormesh.engine.session.SessionEntity.Event;
import io.tutormesh.engine.session.SessionEntity.HideReview;
import io.tutormesh.engine.session.SessionEntity.ReviewAcknowledged;
import io.tutormesh.engine.session.SessionEntity.ReviewDelivered;
import io.tutormesh.engine.session.SessionEntity.ReviewHidden;
import io.tutormesh.engine.session.SessionEntity.ReviewReceipt;
import io.tutormesh.engine.session.SessionEntity.ReviewSubmitted;
import io.tutormesh.engine.session.SessionEntity.ReviewTick;
import io.tutormesh.engine.session.SessionEntity.SessionSummary;
import io.tutormesh.engine.session.SessionEntity.State;
import io.tutormesh.engine.session.SessionEntity.SubmitReview;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A completed session's reviews: each participant may review the other once ({@link
 * SubmitReview}), an admin may hide one ({@link HideReview}). The session is the single writer of
 * who reviewed it and of what is hidden (its {@link ReviewLog}); a refused command persists nothing.
 *
 * <p>Each review (and later its hidden version) is delivered at least once to the reviewed user's
 * entity ({@link TutorEntity.ReceiveReview} for the student's review {@code .s}, {@link
 * StudentEntity.ReceiveReview} for the tutor's {@code .t}), which applies it idempotently by
 * review id and version and answers {@link ReviewAcknowledged} through sharding (not to this
 * incarnation's actor: a session passivating meanwhile is started again by the answer); the
 * session writes {@link ReviewDelivered} then. Unacknowledged versions are sent again every {@code
 * tutormesh.reviews.delivery-retry-interval}, also after a restart, and the session does not
 * passivate while one is outstanding (a remembered session is restarted after a crash and goes on).
 */
final class SessionReviews extends SessionPart {

  private final ReviewSettings reviewSettings;
  /** Some review of this incarnation's state is not acknowledged yet: the session stays up. */
  private boolean delivering;

  SessionReviews(SessionEntity entity, ReviewSettings reviewSettings) {
    super(entity);
    this.reviewSettings = reviewSettings;
  }

  boolean delivering() {
    return delivering;
  }

  ReplyEffect<Event, State> submit(Ended state, SubmitReview command) {
    String userId = command.userId();
    boolean student = userId.equals(state.info().studentId());
    if (!student && !userId.equals(state.tutorId())) {
      return reject(command.replyTo(), Rejection.forbidden("only the session's participants may review it"));
    }
    Optional<Rejection> invalid = ReviewRules.check(command.rating(), command.comment(), reviewSettings.maxCommentChars());
    if (invalid.isPresent()) {
      return reject(command.replyTo(), invalid.get());
    }
    if (!state.wasCompleted()) {
      return reject(command.replyTo(), Rejection.conflict("only a completed session can be reviewed (it is " + state.status() + ")"));
    }
    Review.Side side = student ? Review.Side.STUDENT : Review.Side.TUTOR;
    if (state.reviews().by(side).isPresent()) {
      return reject(command.replyTo(), Rejection.conflict("duplicate review: you have reviewed this session already"));
    }
    String about = student ? state.tutorId() : state.info().studentId();
    Review review = new Review(ReviewRules.reviewId(sessionId, side), sessionId, side, userId, about, command.rating(),
        ReviewRules.normalized(command.comment()), clock.instant(), false);
    return Effect()
        .persist(new ReviewSubmitted(sessionId, review, review.at()))
        .thenRun(s -> deliverPending((Ended) s))
        .thenReply(command.replyTo(), s -> receipt(review));
  }

  /** A review asked of a session that has not ended (or does not exist). */
  ReplyEffect<Event, State> notCompleted(State state, SubmitReview command) {
    if (state instanceof Empty) {
      return entity.dispatch.whilePending(() -> entity.notFound(command.replyTo()));
    }
    SessionSummary summary = entity.summaryOf(state);
    if (!summary.isParticipant(command.userId())) {
      return reject(command.replyTo(), Rejection.forbidden("only the session's participants may review it"));
    }
    return reject(command.replyTo(), Rejection.conflict("only a completed session can be reviewed (it is " + summary.status() + ")"));
  }

  ReplyEffect<Event, State> hide(Ended state, HideReview command) {
    Optional<Review> review = state.reviews().find(command.reviewId());
    if (review.isEmpty()) {
      return unknownReview(command.replyTo(), command.reviewId());
    }
    if (review.get().hidden()) {
      return Effect().reply(command.replyTo(), receipt(review.get()));
    }
    return Effect()
        .persist(new ReviewHidden(sessionId, command.reviewId(), command.adminId(), clock.instant()))
        .thenRun(s -> deliverPending((Ended) s))
        .thenReply(command.replyTo(), s -> receipt(review.get().hide()));
  }

  /** A hide asked of a session that has not ended: it has no reviews. */
  ReplyEffect<Event, State> unknown(State state, HideReview command) {
    if (state instanceof Empty) {
      return entity.dispatch.whilePending(() -> unknownReview(command.replyTo(), command.reviewId()));
    }
    return unknownReview(command.replyTo(), command.reviewId());
  }

  ReplyEffect<Event, State> acknowledged(Ended state, ReviewAcknowledged ack) {
    ReviewLog after = state.reviews().delivered(ack.reviewId(), ack.hidden());
    if (after == state.reviews()) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new ReviewDelivered(sessionId, ack.reviewId(), ack.hidden(), clock.instant()))
        .thenRun(s -> {
          Ended now = (Ended) s;
          if (!now.reviews().delivering()) {
            delivering = false;
            timers.cancel(ReviewTick.INSTANCE);
            entity.passivateIfDone(now);
          }
        })
        .thenNoReply();
  }

  ReplyEffect<Event, State> tick(Ended state, ReviewTick tick) {
    deliverPending(state);
    return Effect().noReply();
  }

  /** Sends every unacknowledged review version to its reviewed user, and arms the retry; nothing pending: nothing. */
  void deliverPending(Ended state) {
    delivering = state.reviews().delivering();
    if (!delivering) {
      return;
    }
    timers.startSingleTimer(ReviewTick.INSTANCE, ReviewTick.INSTANCE, reviewSettings.deliveryRetryInterval());
    for (Review review : state.reviews().toDeliver()) {
      if (review.by() == Review.Side.STUDENT) {
        links.tutor(review.toUserId(), new TutorEntity.ReceiveReview(review));
      } else {
        links.student(review.toUserId(), new StudentEntity.ReceiveReview(review));
      }
    }
  }

  private StatusReply<ReviewReceipt> receipt(Review review) {
    return StatusReply.success(new ReviewReceipt(sessionId, review.reviewId(), review.hidden()));
  }

  private <T> ReplyEffect<Event, State> unknownReview(ActorRef<StatusReply<T>> replyTo, String reviewId) {
    return reject(replyTo, Rejection.notFound("review " + reviewId + " not found"));
  }
}
