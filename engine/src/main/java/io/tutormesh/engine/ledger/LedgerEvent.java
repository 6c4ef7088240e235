package io.tutormesh.engine.ledger;

/**
 * An event that moves money, so the ledger projection reads it. Only these are tagged: a tag costs
 * one more write per event (events-by-tag), and the matching hot path writes several events per
 * request that no projection reads.
 */
public interface LedgerEvent {

  /**
   * Whether this one moves money (and is tagged). An event that sometimes does (a closing request
   * that escrows its hold, but not one that releases it) says so per instance.
   */
  default boolean movesMoney() {
    return true;
  }
}
