import fc from 'fast-check';
import { checkText, normalizeCommand } from '../../../services/shared/text';

describe('checkText', () => {
  it('when text has CRLF line endings and surrounding space, then it is normalised and trimmed', () => {
    expect(checkText('  Rad ett\r\nRad två\rRad tre \n', { required: true, max: 100 })).toEqual({
      ok: true,
      value: 'Rad ett\nRad två\nRad tre',
    });
  });

  it('when a required field is blank or missing, then it is empty', () => {
    expect(checkText('  \r\n ', { required: true, max: 10 })).toEqual({
      ok: false,
      error: 'empty',
    });
    expect(checkText(undefined, { required: true, max: 10 })).toEqual({
      ok: false,
      error: 'empty',
    });
    expect(checkText(null, { required: true, max: 10 })).toEqual({ ok: false, error: 'empty' });
  });

  it('when an optional field is blank or missing, then it is an empty string', () => {
    expect(checkText(' ', { required: false, max: 10 })).toEqual({ ok: true, value: '' });
    expect(checkText(undefined, { required: false, max: 10 })).toEqual({ ok: true, value: '' });
  });

  it('when the value is not a string, then it is invalid', () => {
    for (const value of [42, true, {}, ['a']]) {
      expect(checkText(value, { required: false, max: 10 })).toEqual({
        ok: false,
        error: 'invalid',
      });
    }
  });

  it('when text is longer than the maximum, then it is refused, not truncated', () => {
    expect(checkText('abcdef', { required: true, max: 5 })).toEqual({
      ok: false,
      error: 'too_long',
    });
    expect(checkText('abcde', { required: true, max: 5 })).toEqual({ ok: true, value: 'abcde' });
  });

  it('when text has decomposed letters or emoji, then length counts characters', () => {
    const decomposed = 'a\u030angstro\u0308m'; // "ångström" typed with combining marks
    expect(checkText(decomposed, { required: true, max: 8 })).toEqual({
      ok: true,
      value: 'ångström',
    });
    expect(checkText('👍👍', { required: true, max: 2 })).toEqual({ ok: true, value: '👍👍' });
  });

  it('when any string is checked, then the result is either the whole cleaned text or an error', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (s, max) => {
          const cleaned = s.replace(/\r\n?/g, '\n').normalize('NFC').trim();
          const result = checkText(s, { required: true, max });
          if (result.ok) expect(result.value).toBe(cleaned);
          else expect(['empty', 'too_long']).toContain(result.error);
        },
      ),
    );
  });
});

describe('normalizeCommand', () => {
  it.each([
    ['Ny Ansökan', 'ny ansokan'],
    ['HJÄLP!', 'hjalp'],
    ['<at>Projektkontoret</at> ny ansökan', 'ny ansokan'],
    ['<at>Projektkontoret</at>&nbsp;Hjälp', 'hjalp'],
    ['  ny   \n ansökan  ', 'ny ansokan'],
    ['Idé', 'ide'],
    ['Översikt?', 'oversikt'],
    ['/hjälp', 'hjalp'],
    ['status PK 2026/0042.', 'status pk 2026/0042'],
    ['Bedömning ✅', 'bedomning'],
    ['', ''],
  ])('when the message is %j, then the command key is %j', (input, expected) => {
    expect(normalizeCommand(input)).toBe(expected);
  });

  it('when a command is normalised twice, then the second pass changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        const once = normalizeCommand(s);
        expect(normalizeCommand(once)).toBe(once);
        expect(once).toBe(once.toLowerCase());
        expect(once).not.toMatch(/^\s|\s$|\s{2}/);
      }),
    );
  });
});
