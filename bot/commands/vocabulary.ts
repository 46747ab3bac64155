/**
 * The command vocabulary (DESIGN.md): each command's names, Swedish first, with English aliases,
 * and where it can be used. Only words: the handlers are attached in `./index`, so that what
 * lists commands (the help card) does not import every handler.
 */
export const VOCABULARY = [
  { names: ['hjalp', 'help', '?'], scope: 'anywhere' },
  { names: ['sprak', 'language'], scope: 'anywhere' },
  { names: ['ny ansokan', 'new application'], scope: 'personal' },
  { names: ['ny ide', 'new idea'], scope: 'personal' },
  { names: ['mina ansokningar', 'my applications'], scope: 'personal' },
  { names: ['fraga', 'ask'], scope: 'personal' },
  { names: ['coachkanal', 'coach channel'], scope: 'channel' },
  { names: ['koppla', 'link'], scope: 'channel' },
  { names: ['beredningsregler', 'review rules'], scope: 'anywhere' },
  { names: ['roller', 'roles'], scope: 'anywhere' },
  { names: ['rapport', 'report'], scope: 'personal' },
  { names: ['paminnelser', 'reminders'], scope: 'anywhere' },
  { names: ['utkorg', 'outbox'], scope: 'anywhere' },
  { names: ['portfoljer', 'portfolios', 'dashboard'], scope: 'anywhere' },
  { names: ['personuppgifter', 'personal data', 'gdpr'], scope: 'personal' },
  { names: ['fordela', 'allocate'], scope: 'anywhere' },
  { names: ['ramar', 'frames'], scope: 'anywhere' },
  { names: ['hantera portfoljer', 'manage portfolios'], scope: 'anywhere' },
] as const satisfies readonly {
  names: readonly string[];
  scope: 'personal' | 'anywhere' | 'channel';
}[];

/** A command by its first (Swedish) name. */
export type CommandKey = (typeof VOCABULARY)[number]['names'][0];
