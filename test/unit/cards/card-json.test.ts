import fc from 'fast-check';
import { cardJson, cardUtf16Bytes, invokeAnswerJson } from '../../../cards/render';

/**
 * A card's JSON is made once (render.ts cardJson) and reused by the size checks and the invoke
 * answer: what is sent must be the same document JSON.stringify makes of the answer.
 */
describe('a card serialised once', () => {
  it('when an invoke answer carries a card, then its text is the same JSON document as JSON.stringify of the answer, whatever the card holds', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(
        fc.record({ body: fc.array(json, { maxLength: 5 }), lang: fc.string() }),
        fc.option(fc.record({ statusCode: fc.integer(), type: fc.string() }), { nil: undefined }),
        (card, head) => {
          const answer = { ...(head ?? {}), value: card };
          // Measured first, as the guard does: the answer reuses that text.
          expect(cardUtf16Bytes(card)).toBe(JSON.stringify(card).length * 2);
          const text = invokeAnswerJson(answer);
          expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(answer)));
          expect(text.length).toBe(JSON.stringify(answer).length);
        },
      ),
    );
  });

  it('when the answer has no card, then it is serialised as it is', () => {
    for (const body of [undefined, null, 'x', 3, [1], { statusCode: 200 }, { value: 'text' }])
      expect(invokeAnswerJson(body)).toBe(JSON.stringify(body));
  });

  it('when a card is serialised twice, then the same text is given without serialising again', () => {
    const card = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'Hej' }] };
    const spy = jest.spyOn(JSON, 'stringify');
    const first = cardJson(card);
    expect(cardJson(card)).toBe(first);
    expect(cardUtf16Bytes(card)).toBe(first.length * 2);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});
