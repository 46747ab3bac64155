import { Middleware, TurnContext } from 'botbuilder';
import { Store } from '../services/store/store';

/**
 * Nothing reaches Teams from a turn before what the turn wrote is on disk (Store.durable): each
 * message, card update and deletion the bot sends (in a person's turn or a proactive one) waits
 * for the store's barrier first. The invoke answer is not sent here: the server writes it to the
 * HTTP response after the same barrier (server.ts).
 */
export function durableSends(store: Store): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      context.onSendActivities(async (_ctx, activities, send) => {
        if (activities.some((a) => a.type !== 'invokeResponse')) await store.durable();
        return send();
      });
      context.onUpdateActivity(async (_ctx, _activity, update) => {
        await store.durable();
        return update();
      });
      context.onDeleteActivity(async (_ctx, _reference, remove) => {
        await store.durable();
        return remove();
      });
      await next();
    },
  };
}
