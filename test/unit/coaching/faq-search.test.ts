import {
  foldAccents,
  rankDocuments,
  searchTerms,
  termSimilarity,
} from '../../../services/coaching/faq-search';

const FAQ = [
  {
    id: 'nytta',
    question: 'Hur räknar jag fram nyttan i nyttokalkylen?',
    answer: 'Räkna frigjorda timmar per år gånger timkostnaden och ange vem som hemtar nyttan.',
  },
  {
    id: 'agare',
    question: 'Vem ska äga e-tjänsten efter projektet?',
    answer: 'Ett förvaltningsobjekt som accepterar driftkostnaden, innan medel tilldelas.',
  },
  {
    id: 'wcag',
    question: 'Måste vi följa WCAG?',
    answer: 'Ja, WCAG 2.1 AA gäller för alla nya e-tjänster.',
  },
  {
    id: 'ram',
    question: 'Hur stor är portföljens ram i år?',
    answer: 'Kommunfullmäktige beslutar ramen i budgeten.',
  },
];

describe('FAQ search terms', () => {
  it('when text has case, accents, punctuation and stop words, then only stemmed content words remain, accents folded', () => {
    expect(searchTerms('Hur RÄKNAR jag fram nyttan i nyttokalkylen?')).toEqual([
      'rakn',
      'fram',
      'nyttan',
      'nyttokalkyl',
    ]);
    expect(searchTerms('och det att i en jag')).toEqual([]);
    expect(searchTerms('What is the frame?')).toHaveLength(1);
    expect(searchTerms('What is the frame?')).toEqual(searchTerms('frames'));
    expect(foldAccents('Förvaltningsobjekt på Åland')).toBe('Forvaltningsobjekt pa Aland');
  });

  it('when a user types without å, ä and ö, then the words still match', () => {
    expect(searchTerms('forvaltningen')).toEqual(searchTerms('förvaltningen'));
    expect(searchTerms('rakna')).toEqual(searchTerms('räkna'));
  });

  it('when one word is a compound part of another, then it matches partly; unrelated words do not', () => {
    expect(termSimilarity('kalkyl', 'nyttokalkyl')).toBeGreaterThan(0);
    expect(termSimilarity('nyttokalkyl', 'nyttokalkyl')).toBe(1);
    expect(termSimilarity('ram', 'program')).toBe(0);
    expect(termSimilarity('wcag', 'budget')).toBe(0);
  });
});

describe('rankDocuments', () => {
  it('when a question is asked again in other words, then the earlier answer ranks first', () => {
    const hits = rankDocuments('Hur ska nyttokalkylen räknas?', FAQ);
    expect(hits[0]?.id).toBe('nytta');
    expect(hits[0].score).toBeGreaterThan(0.5);
  });

  it('when a single keyword is searched, then entries with it (or its compound) are found', () => {
    expect(rankDocuments('nyttokalkyl', FAQ).map((h) => h.id)).toEqual(['nytta']);
    expect(rankDocuments('WCAG tillgänglighet', FAQ)[0]?.id).toBe('wcag');
    expect(rankDocuments('driftkostnader', FAQ, { minScore: 0.2 })[0]?.id).toBe('agare');
  });

  it('when nothing relates, or the query is only stop words, then nothing is suggested', () => {
    expect(rankDocuments('Hur bokar jag ett mötesrum?', FAQ)).toEqual([]);
    expect(rankDocuments('hur och vad', FAQ)).toEqual([]);
    expect(rankDocuments('', FAQ)).toEqual([]);
    expect(rankDocuments('nyttokalkyl', [])).toEqual([]);
  });

  it('when many entries match, then at most the limit come back, best first', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({
      id: `e${i}`,
      question: `Nyttokalkyl fråga ${i}`,
      answer: 'Svar',
    }));
    const hits = rankDocuments('nyttokalkyl', many, { limit: 3 });
    expect(hits).toHaveLength(3);
    expect(hits[0].score).toBeGreaterThanOrEqual(hits[2].score);
  });

  it('when a rare word matches, then it outweighs a common one', () => {
    const docs = [
      { id: 'common', question: 'Projekt och projektplan', answer: 'projekt' },
      { id: 'rare', question: 'Projekt med e-legitimation', answer: 'BankID' },
      { id: 'other', question: 'Projekt i portföljen', answer: 'projekt' },
    ];
    expect(rankDocuments('projekt e-legitimation', docs)[0]?.id).toBe('rare');
  });
});
