import { VERBS } from '../../cards/verbs';
import { VerbDef } from '../handler-types';
import { helpShow } from './help-verb';
import {
  applicationBack,
  applicationContinue,
  applicationGoto,
  applicationNew,
  applicationNext,
  applicationReview,
  applicationSave,
  applicationsList,
  applicationSubmit,
  applicationView,
  applicationWithdraw,
  applicationWithdrawConfirm,
} from './application-verbs';
import { ideaNew, ideaSubmit } from './idea-verbs';

/** Card verbs (Action.Execute) to their handlers: a lookup table, never an if-chain. */
export const VERB_TABLE: ReadonlyMap<string, VerbDef> = new Map<string, VerbDef>([
  [VERBS.applicationNew, { scope: 'personal', handler: applicationNew }],
  [VERBS.applicationNext, { scope: 'personal', handler: applicationNext }],
  [VERBS.applicationBack, { scope: 'personal', handler: applicationBack }],
  [VERBS.applicationSave, { scope: 'personal', handler: applicationSave }],
  [VERBS.applicationReview, { scope: 'personal', handler: applicationReview }],
  [VERBS.applicationGoto, { scope: 'personal', handler: applicationGoto }],
  [VERBS.applicationSubmit, { scope: 'personal', handler: applicationSubmit }],
  [VERBS.applicationContinue, { scope: 'personal', handler: applicationContinue }],
  [VERBS.applicationView, { scope: 'personal', handler: applicationView }],
  [VERBS.applicationWithdraw, { scope: 'personal', handler: applicationWithdraw }],
  [VERBS.applicationWithdrawConfirm, { scope: 'personal', handler: applicationWithdrawConfirm }],
  [VERBS.applicationsList, { scope: 'personal', handler: applicationsList }],
  [VERBS.ideaNew, { scope: 'personal', handler: ideaNew }],
  [VERBS.ideaSubmit, { scope: 'personal', handler: ideaSubmit }],
  [VERBS.helpShow, { scope: 'anywhere', handler: helpShow }],
]);
