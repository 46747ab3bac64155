/**
 * The contrast check of docs/status-colours.md: on the wizard, the summary, "mina ansökningar" and
 * the dashboards, text keeps the host's default colour (which Teams keeps at WCAG 2.1 AA contrast on
 * its light, dark and high-contrast themes) and a state is told by an emoji badge and words.
 */
import {
  applicationsListCard,
  summaryCard,
  wizardStepCard,
} from '../../../cards/application-cards';
import { dashboardOverviewCard, dashboardPortfolioCard } from '../../../cards/dashboard-cards';
import { STATUS_BADGES, statusBadge } from '../../../cards/status-badge';
import type { ApplicationDoc, ApplicationStatus } from '../../../services/applications/application';
import { computeDashboard } from '../../../services/insight/figures';
import { dashboardInput, portfolio } from '../insight/insight-fixture';

/** Every TextBlock colour and every text of a card. */
function textColours(card: unknown): { colours: string[]; texts: string[] } {
  const colours: string[] = [];
  const texts: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'TextBlock') {
        colours.push(typeof o.color === 'string' ? o.color : 'Default');
        if (typeof o.text === 'string') texts.push(o.text);
      }
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card);
  return { colours, texts };
}

const app = (status: ApplicationStatus, over: Partial<ApplicationDoc> = {}): ApplicationDoc => ({
  _id: `a-${status}`,
  ownerId: 'o',
  ownerName: 'Anna',
  status,
  inputs: {
    title: 'Projekt',
    portfolioId: 'p1',
    startDate: '2027-02-01',
    endDate: '2028-03-01',
    isStage: 'false',
  },
  step: 4,
  reached: 5,
  version: 1,
  createdAt: '2026-11-01T10:00:00Z',
  updatedAt: '2026-11-02T10:00:00Z',
  ...over,
});

describe('status colours (WCAG 2.1 AA)', () => {
  it('when cards show errors, warnings, notices and statuses, then no text is drawn in a status colour and each state carries a badge', () => {
    const portfolios = [portfolio('p1', 1)];
    const validation = {
      errors: [{ field: 'ownerName', code: 'required' }],
      warnings: [{ field: 'endDate', code: 'past_fiscal_year', params: { year: '2027' } }],
      values: {},
    };
    const step = wizardStepCard({
      app: app('draft'),
      stepIndex: 4,
      validation,
      portfolios,
      locale: 'sv',
      notice: 'Utkastet är sparat.',
    });
    const summary = summaryCard({
      app: app('draft'),
      portfolios,
      locale: 'sv',
      byStep: [validation, validation, validation, validation, validation, validation],
    });
    const statuses = Object.keys(STATUS_BADGES) as ApplicationStatus[];
    const list = applicationsListCard(
      statuses.map((s) => app(s, { _id: `x-${s}` })),
      'sv',
    );
    const figures = computeDashboard(dashboardInput());
    const d = { figures, years: [2027], scope: { admin: true, all: true, portfolioIds: [] } };
    const cards = [
      step,
      summary,
      list,
      dashboardOverviewCard('sv', d),
      dashboardPortfolioCard('sv', d, 'p1')!,
    ];
    for (const card of cards)
      expect(new Set(textColours(card).colours)).toEqual(new Set(['Default']));

    const stepTexts = textColours(step).texts.join('\n');
    expect(stepTexts).toContain('❗ Fyll i det här fältet.');
    expect(stepTexts).toContain('⚠️ Tidplanen sträcker sig förbi budgetåret 2027');
    expect(stepTexts).toContain('✅ Utkastet är sparat.');
    const listText = textColours(list).texts.join('\n');
    for (const s of statuses) expect(listText).toContain(statusBadge(s, 'sv'));
    expect(statusBadge('approved', 'sv')).toBe('✅ Beviljad');
    expect(statusBadge('rejected', 'en')).toBe('⛔ Rejected');
  });
});
