/** The journal line format lives in @buff/core (the notification outbox shares it). */
export { appendLinesDurably, decodeLines, encodeLine } from '@buff/core';
export type { DecodedJournal } from '@buff/core';
