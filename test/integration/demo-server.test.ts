import { App } from '../../bot/app';
import { demoPeople, readDemoSeed } from '../../scripts/demo-config';
import { DemoServer, startDemoServer } from '../../scripts/demo-server';
import { freshDataDir, startTestApp } from '../support/test-app';

// The demo page's server is the bot's Bot Connector: whatever the bot sends to a channel is one
// stored conversation every member's view shows; a personal chat is its person's alone.

const seed = readDemoSeed();
const REVIEW = '19:demo-beredning@thread.tacv2';
const people = demoPeople();
const [anna, bjorn, , david] = people;

async function call(
  demo: DemoServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(path, demo.url), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function until<T>(what: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = what();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the demo server (the demo page and its Bot Connector)', () => {
  let app: App;
  let demo: DemoServer;

  beforeAll(async () => {
    app = await startTestApp({ dataDir: freshDataDir() });
    demo = await startDemoServer({
      botEndpoint: `${app.url}/api/messages`,
      tenantId: seed.tenantId,
      team: { id: seed.team.id, name: seed.team.name, channels: seed.team.channels },
      people,
    });
    await demo.installAll();
  });

  afterAll(async () => {
    await demo?.stop();
    await app?.close();
  });

  it('when the app is installed for everyone, then each person finds a welcome addressed to them in their own chat', async () => {
    for (const p of people) {
      const mine = await until(() => {
        const found = demo.messages().filter((m) => m.conversationId === p.personalChatId);
        return found.length > 0 ? found : undefined;
      });
      expect(mine.every((m) => m.fromBot)).toBe(true);
      expect(JSON.stringify(mine[0].attachments)).toContain(p.name);
    }
  });

  it('when David posts in the review channel, then the bot answers in his thread of the one shared channel', async () => {
    const res = await call(demo, 'POST', '/api/message', {
      personId: david.id,
      conversationId: REVIEW,
      text: 'hjälp',
    });
    expect(res.status).toBe(200);
    const post = demo.messages().find((m) => m.conversationId === REVIEW && m.fromId === david.id);
    expect(post?.text).toBe('<at>Projektkontoret</at> hjälp');
    const reply = await until(() =>
      demo.messages().find((m) => m.fromBot && m.threadId === post!.id),
    );
    expect(reply.conversationId).toBe(REVIEW);
  });

  it('when the bot starts a channel thread, replies in it and updates a post, then the stored channel has all of it', async () => {
    const created = await call(demo, 'POST', '/v3/conversations', {
      isGroup: true,
      channelData: { channel: { id: REVIEW } },
      activity: { type: 'message', text: 'Ett nytt ärende' },
    });
    expect(created.status).toBe(201);
    const rootId = created.body.activityId as string;
    expect(created.body.id).toBe(`${REVIEW};messageid=${rootId}`);

    const reply = await call(
      demo,
      'POST',
      `/v3/conversations/${encodeURIComponent(`${REVIEW};messageid=${rootId}`)}/activities`,
      { type: 'message', text: 'Första svaret' },
    );
    expect(reply.status).toBe(200);
    const stored = demo.messages().find((m) => m.id === reply.body.id);
    expect(stored).toMatchObject({
      conversationId: REVIEW,
      threadId: rootId,
      text: 'Första svaret',
    });

    const updated = await call(
      demo,
      'PUT',
      `/v3/conversations/${encodeURIComponent(REVIEW)}/activities/${rootId}`,
      { type: 'message', text: 'Ett uppdaterat ärende' },
    );
    expect(updated.status).toBe(200);
    expect(demo.messages().find((m) => m.id === rootId)).toMatchObject({
      text: 'Ett uppdaterat ärende',
      version: 2,
    });

    // The page's state carries the channel once, for every member.
    const state = await call(demo, 'GET', '/api/state?since=-1');
    const inChannel = (state.body.messages as { conversationId: string; id: string }[]).filter(
      (m) => m.id === rootId,
    );
    expect(inChannel).toHaveLength(1);
  });

  it('when the bot asks who is in a channel or a personal chat, then it gets the demo people with their names', async () => {
    const paged = await call(
      demo,
      'GET',
      `/v3/conversations/${encodeURIComponent(REVIEW)}/pagedmembers`,
    );
    const members = paged.body.members as { id: string; name: string; aadObjectId: string }[];
    expect(members.map((m) => m.name)).toEqual(people.map((p) => p.name));
    expect(members[3]).toMatchObject({ id: david.id, aadObjectId: david.aadObjectId });

    const one = await call(
      demo,
      'GET',
      `/v3/conversations/${encodeURIComponent(anna.personalChatId)}/members/${anna.aadObjectId}`,
    );
    expect(one.body).toMatchObject({ name: anna.name, id: anna.id });
    const stranger = await call(
      demo,
      'GET',
      `/v3/conversations/${encodeURIComponent(anna.personalChatId)}/members/${bjorn.aadObjectId}`,
    );
    expect(stranger.status).toBe(404);
    const unknown = await call(demo, 'POST', '/v3/conversations/nope/activities', {
      type: 'message',
      text: 'x',
    });
    expect(unknown.status).toBe(404);
  });

  it('when the page sends a message for an unknown person or without text, then it is told what is wrong (400)', async () => {
    const stranger = await call(demo, 'POST', '/api/message', {
      personId: '29:nobody',
      conversationId: REVIEW,
      text: 'hej',
    });
    expect(stranger).toEqual({ status: 400, body: { error: 'unknown person' } });
    const empty = await call(demo, 'POST', '/api/message', {
      personId: anna.id,
      conversationId: anna.personalChatId,
      text: '   ',
    });
    expect(empty).toEqual({ status: 400, body: { error: 'empty message' } });
    const foreign = await call(demo, 'POST', '/api/message', {
      personId: anna.id,
      conversationId: bjorn.personalChatId,
      text: 'hej',
    });
    expect(foreign.status).toBe(400);
  });
});
