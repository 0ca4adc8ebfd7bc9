import type { FeedBar } from './feed-bar-check.js';

/** Where a session's bars come from. */
export type FeedKind = 'replay' | 'synthetic' | 'ccxt';

/** One bar for one lane (symbol) of a session. */
export interface FeedEvent {
  lane: number;
  bar: FeedBar;
}

/** Where a resumed session's feed starts: after `seq` handled bars, after each lane's last handled bar time. */
export interface FeedResume {
  seq: number;
  lastTs: number[];
}

/**
 * A session's bars, one at a time, in time order (lanes in config order at equal times). Stored
 * feeds (replay, synthetic) know every bar up front; a live feed (ccxt) polls and may wait.
 * @example for (let e = await feed.next(wait); e; e = await feed.next(wait)) handle(e);
 */
export interface SessionFeed {
  readonly kind: FeedKind;
  /** Bars each lane can receive at most (the size of its simulation buffer), by lane. */
  readonly capacity: number[];
  /** Bars the whole feed delivers, when known up front. */
  readonly total: number | undefined;
  /**
   * The next bar, or undefined once the feed is over (window end). A live feed waits for the next
   * closed bar and gives up waiting (undefined) as soon as `shouldStop()` says so.
   */
  next(shouldStop: () => boolean): Promise<FeedEvent | undefined>;
  /**
   * The time of the bar `next` would return without polling or waiting, when the feed already
   * holds it; undefined otherwise. The runtime commits a minute's bars of every lane together.
   */
  ready(): number | undefined;
}
