/**
 * The wizard as a Teams client drives it: the data of a click is the clicked action's own data
 * plus the card's inputs, with an emptied input left out (as Teams and the Playground do).
 */
import { App } from '../../bot/app';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { VALID_STEPS } from '../support/application-fixture';
import {
  appIdOf,
  cardOfCall,
  cardText,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';
import { Channel, GENERAL, officeCard, submitApplication, waitForCard } from './review-support';

type Card = Record<string, unknown>;

/** Every Action.Execute in a card (top-level and in ActionSets). */
function actionsOf(
  card: unknown,
): { verb: string; title: string; data: Record<string, unknown> }[] {
  const out: { verb: string; title: string; data: Record<string, unknown> }[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'Action.Execute' && typeof o.verb === 'string') {
        out.push({
          verb: o.verb,
          title: String(o.title ?? ''),
          data: (o.data ?? {}) as Record<string, unknown>,
        });
      }
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card);
  return out;
}

/** Inputs of a card with their current values, as a client would submit them unchanged. */
function inputsOfCard(card: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') {
        out[o.id] = typeof o.value === 'string' ? o.value : '';
      }
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card);
  return out;
}

/** Clicks `verb` on `card` the way Teams does: action data + inputs, empty inputs omitted. */
async function clientClick(
  chat: PersonalChat,
  card: unknown,
  verb: string,
  typed: Record<string, string> = {},
): Promise<{ status: number; card: Card }> {
  const action = actionsOf(card).find((a) => a.verb === verb);
  if (!action) throw new Error(`no ${verb} on card: ${cardText(card).slice(0, 300)}`);
  const inputs = { ...inputsOfCard(card), ...typed };
  const sent: Record<string, unknown> = { ...action.data };
  for (const [k, v] of Object.entries(inputs)) if (v !== '') sent[k] = v;
  return chat.click(verb, sent);
}

describe('the application wizard as Teams clients drive it, over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset({ rosters: true });
    app = await startTestApp({ dataDir: freshDataDir() });
  });
  afterEach(async () => {
    await app.close();
  });

  async function startWizard(chat: PersonalChat): Promise<{ appId: string; card: Card }> {
    expect(await chat.say('ny ansökan')).toBe(200);
    const call = await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply');
    const card = cardOfCall(call);
    return { appId: appIdOf(card), card };
  }

  /** Fills steps 1.. up to (not including) `upTo` with valid answers; returns the card shown then. */
  async function fillUpTo(chat: PersonalChat, first: Card, upTo: number): Promise<Card> {
    let card = first;
    for (let step = 0; step < upTo; step++) {
      const r = await clientClick(chat, card, 'application.next', VALID_STEPS[step]);
      expect(cardText(r.card)).toContain(`Steg ${step + 2} av 6`);
      card = r.card;
    }
    return card;
  }

  it('when the applicant empties a field the client then leaves out, then the field is empty and its error can be fixed', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { appId, card: first } = await startWizard(chat);
    const costs = await fillUpTo(chat, first, 3);

    const bad = await clientClick(chat, costs, 'application.next', {
      ...VALID_STEPS[3],
      shareOrg3: 'Organisation 3',
    });
    expect(cardText(bad.card)).toContain('Rad 3: ange organisationens andel i procent.');
    expect((await app.services.applications.get(appId))!.inputs.shareOrg3).toBe('Organisation 3');

    // The applicant clears "Organisation 3"; the client sends no shareOrg3 at all.
    const fixed = await clientClick(chat, bad.card, 'application.next', { shareOrg3: '' });
    expect(cardText(fixed.card)).toContain('Steg 5 av 6');
    expect((await app.services.applications.get(appId))!.inputs.shareOrg3).toBe('');

    // Emptying a required text field the same way makes it missing (not silently kept).
    const back = await clientClick(chat, fixed.card, 'application.back');
    expect(cardText(back.card)).toContain('Steg 4 av 6');
    const cleared = await clientClick(chat, back.card, 'application.save', { devCost: '' });
    expect(cardText(cleared.card)).toContain('Fyll i det här fältet.');
    expect((await app.services.applications.get(appId))!.inputs.devCost).toBe('');
  });

  it('when the timeline runs past the budget year and is not a stage, then step 5 and the summary warn, as allocation will block', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { card: first } = await startWizard(chat);
    const timeline = await fillUpTo(chat, first, 4);
    const longer = {
      ...VALID_STEPS[4],
      startDate: '2027-02-01',
      endDate: '2028-06-30',
      isStage: 'false',
    };

    // Moving on saves it (a warning does not block) …
    const tech = await clientClick(chat, timeline, 'application.next', longer);
    expect(cardText(tech.card)).toContain('Steg 6 av 6');
    // … and coming back to step 5 shows the warning.
    const again = await clientClick(chat, tech.card, 'application.back');
    const againText = cardText(again.card);
    expect(againText).toContain('Steg 5 av 6');
    expect(againText).toContain('sträcker sig förbi budgetåret 2027');

    const summary = await clientClick(
      chat,
      (await clientClick(chat, again.card, 'application.next')).card,
      'application.review',
      VALID_STEPS[5],
    );
    expect(cardText(summary.card)).toContain('Granska din ansökan');
    expect(cardText(summary.card)).toContain('sträcker sig förbi budgetåret 2027');

    // Marked as a stage, the warning is gone from the step and the summary.
    const editStep5 = actionsOf(summary.card).find(
      (a) => a.verb === 'application.goto' && String(a.data.target) === '4',
    );
    const goto = await chat.click('application.goto', editStep5!.data);
    expect(cardText(goto.card)).toContain('sträcker sig förbi budgetåret 2027');
    const staged = await clientClick(chat, goto.card, 'application.save', { isStage: 'true' });
    expect(cardText(staged.card)).toContain('Steg 5 av 6');
    expect(cardText(staged.card)).not.toContain('sträcker sig förbi budgetåret');
    const step6 = await clientClick(chat, staged.card, 'application.next');
    const final = await clientClick(chat, step6.card, 'application.review');
    expect(cardText(final.card)).toContain('Granska din ansökan');
    expect(cardText(final.card)).not.toContain('sträcker sig förbi budgetåret');
  });

  it('when the summary is shown, then it names the portfolio and formats amounts, shares and hours', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { card: first } = await startWizard(chat);
    const last = await fillUpTo(chat, first, 5);
    const { card } = await clientClick(chat, last, 'application.review', VALID_STEPS[5]);
    const text = cardText(card);
    const portfolio = (await app.services.portfolios.get('p1'))!;
    expect(text).toContain(portfolio.name.sv);
    expect(text).not.toMatch(/^p1$/m);
    expect(text).toContain('1\u00a0200\u00a0000\u00a0kr');
    expect(text).toContain('150\u00a0000\u00a0kr');
    expect(text).toContain('70 %');
    expect(text).toContain('2\u00a0000 timmar');
    // Labels are their own wrapping text blocks, not FactSet titles that break mid-word.
    expect(JSON.stringify(card)).not.toContain('"FactSet"');
  });

  it('when a step is shown, then an empty dropdown reads "Välj …" and text limits have thousands separators', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { card: first } = await startWizard(chat);
    const json = JSON.stringify(first);
    expect(json).toContain('{"title":"Välj …","value":""}');
    const need = await fillUpTo(chat, first, 1);
    expect(cardText(need)).toContain('Högst 4\u00a0000 tecken.');
    const tooLong = await clientClick(chat, need, 'application.next', {
      ...VALID_STEPS[1],
      need: 'x'.repeat(4144),
    });
    expect(cardText(tooLong.card)).toContain('4\u00a0144 tecken, högst 4\u00a0000 tillåts');
  });

  it('when a draft is in the list, then it offers "Ta bort utkast", which asks first, deletes it and is audited', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { appId } = await startWizard(chat);
    const list = await chat.click('applications.list');
    const titles = actionsOf(list.card).map((a) => a.title);
    expect(titles).toContain('Ta bort utkast');
    expect(titles).not.toContain('Dra tillbaka');
    expect(cardText(list.card)).toContain('📝 Utkast');

    const ask = await clientClick(chat, list.card, 'application.deleteDraft');
    expect(cardText(ask.card)).toContain('Vill du ta bort utkastet');
    expect(await app.services.applications.get(appId)).not.toBeNull();

    const done = await clientClick(chat, ask.card, 'application.deleteDraftConfirm');
    expect(cardText(done.card)).toContain('Utkastet är borttaget');
    expect(await app.services.applications.get(appId)).toBeNull();
    const audit = await app.services.audit.forEntity(appId);
    expect(audit.map((a) => a.action)).toContain('application.draft_deleted');

    // Someone else cannot delete Anna's drafts.
    connector.reset();
    const other = await startWizard(chat);
    const eva = new PersonalChat(app.url, connector.url, DEMO_USERS.eva);
    const refused = await eva.click('application.deleteDraftConfirm', { appId: other.appId });
    expect(cardText(refused.card)).toContain('inte din');
    expect(await app.services.applications.get(other.appId)).not.toBeNull();
  });

  it('when the office asks for completion, then the reopened step repeats its note at the top', async () => {
    const general = new Channel(app, connector, GENERAL);
    const appId = await submitApplication(app, connector, DEMO_USERS.anna);
    const regNo = (await app.services.applications.get(appId))!.regNo!;
    const office = await officeCard(connector, regNo);
    const note = 'Beskriv besparingen per år tydligare.';
    await general.click(
      DEMO_USERS.bjorn,
      'completeness.request',
      { appId, submittedAt: office.submittedAt, missing: 'benefit', note },
      office.activityId,
    );
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await waitForCard(connector, chat.conversationId, 'Komplettering begärs');
    const opened = await chat.click('application.continue', { appId });
    const text = cardText(opened.card);
    expect(text).toContain('Steg 3 av 6');
    expect(text).toContain('Projektkontoret har begärt komplettering');
    expect(text).toContain('Björn Berg skrev:');
    expect(text).toContain(note);
    // Still there after a save that stays on the step.
    const saved = await clientClick(chat, opened.card, 'application.save');
    expect(cardText(saved.card)).toContain(note);
  });
});
