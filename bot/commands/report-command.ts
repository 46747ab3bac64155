import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';
import { dueReportCard, followupRefusal } from '../verbs/followup-verbs';

/** `rapport` / `report`: the report card of a funded project that is due, in personal chat. */
export const reportCommand: CommandHandler = async (context, { deps, actor }) => {
  try {
    await sendCard(context, await dueReportCard(deps, actor));
  } catch (err) {
    await sendCard(context, followupRefusal(err, actor));
  }
};
