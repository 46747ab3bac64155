import {
  ConversationRepository,
  personalKey,
} from '../../../services/conversations/conversation-repository';
import { openTestStore } from '../../support/test-store';

const AAD = '00000000-0000-0000-0000-0000000000c1';
const doc = {
  _id: personalKey(AAD),
  kind: 'personal' as const,
  aadObjectId: AAD,
  tenantId: 't1',
  reference: {
    serviceUrl: 'https://smba.example/',
    channelId: 'msteams',
    conversation: { id: 'a:c1', conversationType: 'personal', tenantId: 't1' },
    bot: { id: '28:bot', name: 'Projektkontoret' },
    user: { id: '29:c1', aadObjectId: AAD, name: 'Cilla' },
    locale: 'sv-SE',
  },
};

describe('conversation references shared by several instances', () => {
  it('when another instance marked a user unreachable and the user writes again through this one, then the user is reachable again', async () => {
    const store = await openTestStore();
    const a = new ConversationRepository(store);
    const b = new ConversationRepository(store);
    await a.init();
    await a.save(doc, new Date('2027-03-01T09:00:00Z'));
    await b.markUnreachable(doc._id, new Date('2027-03-01T09:05:00Z'));
    expect((await a.get(doc._id))?.unreachableSince).toBe('2027-03-01T09:05:00.000Z');
    await a.save(doc, new Date('2027-03-01T09:10:00Z'));
    const stored = await b.get(doc._id);
    expect(stored?.unreachableSince).toBeUndefined();
    expect(stored?.updatedAt).toBe('2027-03-01T09:10:00.000Z');
  });

  it('when the same reference arrives again, then it is not written again; a changed one is', async () => {
    const store = await openTestStore();
    const a = new ConversationRepository(store);
    await a.save(doc, new Date('2027-03-01T09:00:00Z'));
    await a.save({ ...doc, reference: { ...doc.reference } }, new Date('2027-03-01T09:01:00Z'));
    expect((await a.get(doc._id))?.updatedAt).toBe('2027-03-01T09:00:00.000Z');
    await a.save(
      { ...doc, reference: { ...doc.reference, locale: 'en-US' } },
      new Date('2027-03-01T09:02:00Z'),
    );
    const stored = await a.get(doc._id);
    expect(stored?.updatedAt).toBe('2027-03-01T09:02:00.000Z');
    expect(stored?.reference.locale).toBe('en-US');
  });
});
