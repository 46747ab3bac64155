/**
 * `beredningsregler` and `roller` are edited on cards (issue 14): the admin changes values on a
 * form, errors come back on the form with what was typed and nothing saved, others only read.
 */
import { App } from '../../bot/app';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { cardOfCall, cardText, DEMO_USERS, freshDataDir, startTestApp } from '../support/test-app';
import { Channel, GENERAL, waitForCard } from './review-support';

type Card = Record<string, unknown>;

/** What a client sends on Action.Execute: every input's value, emptied ones left out (as Teams does). */
function inputsOf(card: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') {
        const v = o.value === undefined ? '' : String(o.value);
        if (v !== '') out[o.id] = v;
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

function actionData(card: Card, verb: string): Record<string, unknown> {
  const action = (card.actions as { verb?: string; data?: Record<string, unknown> }[]).find(
    (a) => a.verb === verb,
  );
  if (!action) throw new Error(`no ${verb} on the card`);
  return action.data ?? {};
}

describe('review rules and roles on cards, over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;
  let general: Channel;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset({ rosters: true });
    app = await startTestApp({ dataDir: freshDataDir() });
    general = new Channel(app, connector, GENERAL);
  });
  afterEach(async () => {
    await app.close();
  });

  it('when an admin edits the review rules on the card, then a bad or emptied value comes back on the form and nothing is saved, and a valid change is saved and audited', async () => {
    expect(await general.say(DEMO_USERS.bjorn, 'beredningsregler')).toBe(200);
    const card = cardOfCall(await waitForCard(connector, GENERAL, 'Spara reglerna'));
    const inputs = inputsOf(card);
    expect(inputs.quorum_p1).toBe('3');
    expect(cardText(card)).toContain('Beslutförhet (antal röster som krävs)');

    // 0 is no quorum, and an emptied field (left out by the client) is empty: both are refused.
    const { days_p2: _emptied, ...withoutDays } = inputs;
    const bad = await general.click(
      DEMO_USERS.bjorn,
      'reviewRules.save',
      { ...withoutDays, quorum_p1: '0' },
      'rules-card',
    );
    expect(bad.text).toContain('Inget har sparats');
    expect(bad.text).toContain('Skriv ett heltal mellan 1 och 50');
    expect(bad.text).toContain('Skriv ett heltal mellan 1 och 120');
    expect(inputsOf(bad.card).quorum_p1).toBe('0');
    expect((await app.services.portfolios.get('p1'))!.quorum).toBe(3);

    const ok = await general.click(
      DEMO_USERS.bjorn,
      'reviewRules.save',
      { ...inputs, quorum_p1: '2', statement_p1: 'true' },
      'rules-card',
    );
    expect(ok.text).toContain('Reglerna är ändrade');
    expect((await app.services.portfolios.get('p1'))!.quorum).toBe(2);
    expect(inputsOf(ok.card).statement_p1).toBe('true');
    const audit = await app.services.audit.forEntity('p1');
    expect(audit.filter((e) => e.action === 'portfolio.review_rules_changed')).toHaveLength(1);

    // Someone else reads the rules (one word for quorum) and cannot save them.
    expect(await general.say(DEMO_USERS.eva, 'beredningsregler')).toBe(200);
    const read = cardText(cardOfCall(await waitForCard(connector, GENERAL, 'ändrar reglerna')));
    expect(read).toContain('beslutförhet 2');
    expect(read).not.toContain('Spara reglerna');
    const refused = await general.click(
      DEMO_USERS.eva,
      'reviewRules.save',
      { ...inputs, quorum_p1: '9' },
      'rules-card',
    );
    expect(refused.text).toContain('administratörer');
    expect((await app.services.portfolios.get('p1'))!.quorum).toBe(2);
  });

  it('when an admin ticks roles on the roles card, then the roles change (also for a new person by e-mail), an own admin role cannot be removed, and every change is audited', async () => {
    expect(await general.say(DEMO_USERS.bjorn, 'roller')).toBe(200);
    const card = cardOfCall(await waitForCard(connector, GENERAL, 'Spara roller'));
    expect(cardText(card)).toContain('David Dahl');
    expect(cardText(card)).not.toMatch(/\*\*0000|^0000/m);
    const inputs = inputsOf(card);
    const fredrik = '00000000-0000-0000-0000-000000000006';
    expect(inputs[`roles_${fredrik}`]).toBe('reviewer');
    const people = actionData(card, 'roles.save');

    // Removing one's own admin role comes back on the form; nothing is saved.
    const { [`roles_${DEMO_USERS.bjorn.aadObjectId}`]: _own, ...withoutOwn } = inputs;
    const own = await general.click(
      DEMO_USERS.bjorn,
      'roles.save',
      { ...people, ...withoutOwn, [`roles_${fredrik}`]: 'reviewer,chair' },
      'roles-card',
    );
    expect(own.text).toContain('Du kan inte ta bort din egen administratörsroll');
    expect((await app.services.users.get(fredrik))!.roles).toEqual(['reviewer']);

    const saved = await general.click(
      DEMO_USERS.bjorn,
      'roles.save',
      {
        ...people,
        ...inputs,
        [`roles_${fredrik}`]: 'reviewer,chair',
        new_person: 'anna.andersson@stad.example',
        new_roles: 'coach',
      },
      'roles-card',
    );
    expect(saved.text).toContain('Fredrik Falk');
    expect(saved.text).toContain('Anna Andersson');
    expect((await app.services.users.get(fredrik))!.roles).toEqual(['reviewer', 'chair']);
    expect((await app.services.users.get(DEMO_USERS.anna.aadObjectId))!.roles).toEqual(['coach']);
    expect(
      (await app.services.audit.forEntity(fredrik)).filter(
        (e) => e.action === 'user.roles_changed',
      ),
    ).toHaveLength(1);

    // Only admins edit roles.
    const refused = await general.click(
      DEMO_USERS.eva,
      'roles.save',
      { ...people, ...inputs, [`roles_${fredrik}`]: '' },
      'roles-card',
    );
    expect(refused.text).toContain('administratörer');
    expect((await app.services.users.get(fredrik))!.roles).toEqual(['reviewer', 'chair']);
  });
});
