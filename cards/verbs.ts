/** Action.Execute verbs shared by the card templates and the bot's verb table. */
export const VERBS = {
  applicationNew: 'application.new',
  applicationNext: 'application.next',
  applicationBack: 'application.back',
  applicationSave: 'application.save',
  applicationReview: 'application.review',
  applicationGoto: 'application.goto',
  applicationSubmit: 'application.submit',
  applicationContinue: 'application.continue',
  applicationView: 'application.view',
  applicationWithdraw: 'application.withdraw',
  applicationWithdrawConfirm: 'application.withdrawConfirm',
  applicationsList: 'applications.list',
  ideaNew: 'idea.new',
  ideaSubmit: 'idea.submit',
  helpShow: 'help.show',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
