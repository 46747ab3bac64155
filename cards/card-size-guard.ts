import { Locale } from '../services/shared/actor';
import { AdaptiveCard, cardUtf16Bytes as cardBytes, MAX_CARD_BYTES } from './render';
import { pagingText } from './strings/paging-strings';

/** What the guard did to a card on its way out. */
export interface FittedCard {
  card: AdaptiveCard;
  truncated: boolean;
  /** Size before and after, in UTF-16 bytes, as Teams counts its limit (render.ts cardUtf16Bytes). */
  bytesBefore: number;
  bytesAfter: number;
}

function notice(text: string): Record<string, unknown> {
  return {
    type: 'TextBlock',
    text,
    wrap: true,
    color: 'Warning',
    weight: 'Bolder',
    separator: true,
  };
}

/** The card with only the first `keep` body elements, and the notice last. */
function withBody(card: AdaptiveCard, body: unknown[], keep: number, line: string): AdaptiveCard {
  return { ...card, body: [...body.slice(0, keep), notice(line)] };
}

/**
 * The last line of defence before a card is sent: a card over Teams' limit (paging and the card
 * builders should make this never happen) is cut to what fits, whole body elements from the end,
 * with a line saying so; failing that, only its first element and the line, then the line alone.
 * A card is never sent over the limit.
 */
export function fitCard(card: AdaptiveCard, locale: Locale, max = MAX_CARD_BYTES): FittedCard {
  const bytesBefore = cardBytes(card);
  if (bytesBefore <= max) return { card, truncated: false, bytesBefore, bytesAfter: bytesBefore };
  const line = pagingText(locale).truncated;
  const body = Array.isArray(card.body) ? (card.body as unknown[]) : [];
  const fits = (c: AdaptiveCard): boolean => cardBytes(c) <= max;
  const done = (c: AdaptiveCard): FittedCard => ({
    card: c,
    truncated: true,
    bytesBefore,
    bytesAfter: cardBytes(c),
  });
  // The most whole body elements that fit, found by bisection (each try is one JSON.stringify).
  let lo = 0;
  let hi = body.length - 1;
  if (hi >= 0 && fits(withBody(card, body, 0, line))) {
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(withBody(card, body, mid, line))) lo = mid;
      else hi = mid - 1;
    }
    return done(withBody(card, body, lo, line));
  }
  // The actions themselves are too large: keep the text, drop the buttons.
  const bare: AdaptiveCard = { ...card, actions: [] };
  if (body.length > 0 && fits(withBody(bare, body, 1, line)))
    return done(withBody(bare, body, 1, line));
  return done({
    type: 'AdaptiveCard',
    $schema: card.$schema ?? 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: card.version ?? '1.5',
    body: [notice(line)],
  });
}
