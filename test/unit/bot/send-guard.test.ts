/**
 * The size guard where cards are sent (bot/send.ts), on botbuilder's own TestAdapter: a card over
 * Teams' limit leaves cut to fit with a line saying so and a warning in the turn's log; a card
 * that fits leaves untouched.
 */
import { TestAdapter, TurnContext } from 'botbuilder';
import pino from 'pino';
import { guardCard, sendCard } from '../../../bot/send';
import { AdaptiveCard, cardUtf16Bytes, MAX_CARD_BYTES } from '../../../cards/render';
import { TURN_LOG_KEY } from '../../../services/logging/turn-logger';

const row = (i: number) => ({
  type: 'TextBlock',
  text: `${i} ${'Överförmyndarnämnden, Årsta '.repeat(40)}`,
  wrap: true,
});
const card = (rows: number): AdaptiveCard => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Mina ansökningar' },
    ...Array.from({ length: rows }, (_, i) => row(i)),
  ],
  actions: [
    { type: 'Action.Execute', title: 'Nästa', verb: 'applications.page', data: { page: '2' } },
  ],
});

/** A pino logger writing its lines into an array. */
function memoryLog(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'warn' },
    { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  return { log, lines };
}

/** What a turn sends when its handler calls sendCard with `c`, in a chat with `locale`. */
async function sent(c: AdaptiveCard, locale: string, log: pino.Logger): Promise<AdaptiveCard> {
  let out: AdaptiveCard = {};
  const adapter = new TestAdapter(async (context: TurnContext) => {
    context.turnState.set(TURN_LOG_KEY, log);
    await sendCard(context, c);
  });
  await adapter
    .send({ type: 'message', text: 'mina ansökningar', locale })
    .assertReply((activity) => {
      out = activity.attachments?.[0]?.content as AdaptiveCard;
    })
    .startTest();
  return out;
}

describe('cards are never sent over the size limit', () => {
  it('when a turn sends a card over 80 KB (UTF-16), then what leaves fits, ends with the notice, and a warning is logged', async () => {
    const big = card(150);
    expect(cardUtf16Bytes(big)).toBeGreaterThan(MAX_CARD_BYTES);
    const { log, lines } = memoryLog();
    const out = await sent(big, 'sv-SE', log);
    expect(cardUtf16Bytes(out)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    const body = out.body as { text: string }[];
    expect(body[0].text).toBe('Mina ansökningar');
    expect(body[body.length - 1].text).toContain('Kortet blev för stort för Teams och har kortats');
    expect(out.actions).toEqual(big.actions);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'card over the Teams size limit: truncated before sending',
        bytesBefore: cardUtf16Bytes(big),
        bytesAfter: cardUtf16Bytes(out),
        limit: MAX_CARD_BYTES,
      }),
    ]);
    const english = await sent(big, 'en-US', log);
    expect(JSON.stringify(english)).toContain('The card was too large for Teams');
  });

  it('when a card fits, then it is sent as it is and nothing is logged', async () => {
    const small = card(3);
    const { log, lines } = memoryLog();
    expect(await sent(small, 'sv-SE', log)).toEqual(small);
    expect(guardCard(small, 'sv', log)).toBe(small);
    expect(lines).toEqual([]);
  });
});
