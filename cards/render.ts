import { Template } from 'adaptivecards-templating';
import applicationSummary from './templates/application-summary.json';
import applicationsList from './templates/applications-list.json';
import ideaForm from './templates/idea-form.json';
import message from './templates/message.json';
import wizardStep from './templates/wizard-step.json';

/** Adaptive Card JSON as sent to Teams. */
export type AdaptiveCard = Record<string, unknown>;

const TEMPLATES = {
  'wizard-step': wizardStep,
  'application-summary': applicationSummary,
  'applications-list': applicationsList,
  'idea-form': ideaForm,
  message,
} as const;

export type TemplateName = keyof typeof TEMPLATES;

const compiled = new Map<TemplateName, Template>();

/** Teams refuses bot messages near 100 KB; we stay well under 80 KB. */
export const MAX_CARD_BYTES = 80 * 1024;

/** Expands a card template (cards/templates/*.json) with its view model. */
export function renderTemplate(name: TemplateName, model: object): AdaptiveCard {
  let t = compiled.get(name);
  if (!t) {
    t = new Template(TEMPLATES[name]);
    compiled.set(name, t);
  }
  const card = t.expand({ $root: model }) as AdaptiveCard;
  return card;
}

/** Byte size of a card as it travels to Teams. */
export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** Escapes the markdown Adaptive Cards' TextBlock understands, so user text renders as typed. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/([*_`[\]~])/g, '\\$1')
    .replace(/^(\s*)([-+#>]|\d+\.)/gm, '$1\\$2');
}

/** Shortens display-only text for a card (the stored text is never touched). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
