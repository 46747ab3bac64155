import { stemSwedish } from '../../../services/coaching/swedish-stemmer';

describe('stemSwedish (Snowball Swedish)', () => {
  it.each([
    ['jaktkarlarne', 'jaktkarl'],
    ['nyttokalkylen', 'nyttokalkyl'],
    ['nyttokalkyler', 'nyttokalkyl'],
    ['förvaltningen', 'förvaltning'],
    ['kostnaderna', 'kostnad'],
    ['klokheten', 'klok'],
    ['arbetade', 'arbet'],
    ['arbete', 'arbet'],
    ['kvinnornas', 'kvinn'],
    ['fåglarna', 'fågl'],
    ['räknar', 'räkn'],
    ['räknas', 'räkn'],
    ['tillgängligheten', 'tillgäng'],
  ])('when it stems %s, then it gives %s', (word, stem) => {
    expect(stemSwedish(word)).toBe(stem);
  });

  it('when a word is short or its suffix lies before R1, then it is left alone', () => {
    expect(stemSwedish('ja')).toBe('ja');
    expect(stemSwedish('löst')).toBe('löst');
    expect(stemSwedish('barn')).toBe('barn');
  });

  it('when the forms of one word are stemmed, then they meet in one stem', () => {
    const forms = ['ansökning', 'ansökningar', 'ansökningarna', 'ansökningen'];
    expect(new Set(forms.map(stemSwedish)).size).toBe(1);
  });
});
