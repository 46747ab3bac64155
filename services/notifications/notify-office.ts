import { Services } from '../services';
import { OFFICE_CHANNEL, OfficeChannelSetting } from '../settings/settings-repository';
import { OutboxPayload } from '../outbox/outbox-repository';

/**
 * Queues a notice for the project office: in its channel when one is set, else to every
 * admin personally. The id makes a retried turn queue nothing twice.
 */
export async function notifyOffice(
  s: Pick<Services, 'settings' | 'users' | 'outbox' | 'clock'>,
  effectId: string,
  payload: OutboxPayload,
): Promise<void> {
  const now = s.clock();
  const channel = await s.settings.get<OfficeChannelSetting>(OFFICE_CHANNEL);
  if (channel?.channelId) {
    await s.outbox.enqueue(`${effectId}:office`, { kind: 'channel', ...channel }, payload, now);
    return;
  }
  for (const admin of await s.users.withRole('admin')) {
    await s.outbox.enqueue(`${effectId}:admin:${admin._id}`, { kind: 'user', aadObjectId: admin._id }, payload, now);
  }
}
