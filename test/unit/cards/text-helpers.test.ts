import fc from 'fast-check';
import { escapeMarkdown } from '../../../cards/render';
import { fmt } from '../../../cards/strings';

/** The escaping rules written out plainly: the shortcut in escapeMarkdown must agree with them. */
const escapedPlainly = (text: string): string =>
  text
    .replace(/\\/g, '\\\\')
    .replace(/([*_`[\]~])/g, '\\$1')
    .replace(/^(\s*)([-+#>])/gm, '$1\\$2')
    .replace(/^(\s*)(\d+)\./gm, '$1$2\\.');

/** Placeholder filling written out plainly. */
const filledPlainly = (template: string, params: Record<string, string | number | undefined>) =>
  template.replace(/\{(\w+)\}/g, (m, k: string) =>
    params[k] === undefined ? m : String(params[k]),
  );

describe('card text helpers', () => {
  it('when text has markdown in it or not, then escapeMarkdown escapes exactly what the rules say', () => {
    const piece = fc.constantFrom(
      'a',
      'å',
      ' ',
      '\n',
      '\t',
      '-',
      '+',
      '#',
      '>',
      '*',
      '_',
      '`',
      '[',
      ']',
      '~',
      '\\',
      '1',
      '12',
      '.',
      'e-tjänst',
      '2026.',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        expect(escapeMarkdown(text)).toBe(escapedPlainly(text));
      }),
      { numRuns: 2000 },
    );
    expect(escapeMarkdown('Nytta för invånare')).toBe('Nytta för invånare');
    expect(escapeMarkdown('1. Först\n- sedan *fet*')).toBe('1\\. Först\n\\- sedan \\*fet\\*');
  });

  it('when a template has placeholders, known or not, then fmt fills the known ones and leaves the others visible', () => {
    const piece = fc.constantFrom(
      'Hej ',
      '{name}',
      '{count}',
      '{missing}',
      '{',
      '}',
      '{ x }',
      'å',
      '$&',
      '$1',
    );
    const value = fc.option(fc.constantFrom('Anna', 3, 0, '{count}', '$&', ''), { nil: undefined });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), value, value, (pieces, name, count) => {
        const template = pieces.join('');
        const params = { name, count };
        expect(fmt(template, params)).toBe(filledPlainly(template, params));
        // The second time comes from the parsed-template cache.
        expect(fmt(template, params)).toBe(filledPlainly(template, params));
      }),
      { numRuns: 2000 },
    );
  });
});
