import { Template } from 'adaptivecards-templating';
import { compileTemplate } from './template-compiler';
import allocationExports from './templates/allocation-exports.json';
import allocationOwnerPick from './templates/allocation-owner-pick.json';
import allocationOwnerRequest from './templates/allocation-owner-request.json';
import allocationProposal from './templates/allocation-proposal.json';
import frameForm from './templates/frame-form.json';
import frameOverview from './templates/frame-overview.json';
import portfolioAdmin from './templates/portfolio-admin.json';
import portfolioForm from './templates/portfolio-form.json';
import applicationSummary from './templates/application-summary.json';
import applicationsList from './templates/applications-list.json';
import coachAsk from './templates/coach-ask.json';
import coachFaqForm from './templates/coach-faq-form.json';
import coachMessage from './templates/coach-message.json';
import coachRelay from './templates/coach-relay.json';
import coachThread from './templates/coach-thread.json';
import completenessCheck from './templates/completeness-check.json';
import dashboardApplications from './templates/dashboard-applications.json';
import dashboardLinks from './templates/dashboard-links.json';
import dashboardOverview from './templates/dashboard-overview.json';
import dashboardPortfolio from './templates/dashboard-portfolio.json';
import privacyCard from './templates/privacy-card.json';
import ideaForm from './templates/idea-form.json';
import message from './templates/message.json';
import reviewApplication from './templates/review-application.json';
import reviewCard from './templates/review-card.json';
import reviewStatement from './templates/review-statement.json';
import reviewSettings from './templates/review-settings.json';
import followupForm from './templates/followup-form.json';
import reminderList from './templates/reminder-list.json';
import wizardStep from './templates/wizard-step.json';

/** Adaptive Card JSON as sent to Teams. */
export type AdaptiveCard = Record<string, unknown>;

const TEMPLATES = {
  'wizard-step': wizardStep,
  'application-summary': applicationSummary,
  'applications-list': applicationsList,
  'idea-form': ideaForm,
  message,
  'coach-ask': coachAsk,
  'coach-faq-form': coachFaqForm,
  'coach-message': coachMessage,
  'coach-relay': coachRelay,
  'coach-thread': coachThread,
  'review-card': reviewCard,
  'review-application': reviewApplication,
  'review-statement': reviewStatement,
  'review-settings': reviewSettings,
  'followup-form': followupForm,
  'reminder-list': reminderList,
  'completeness-check': completenessCheck,
  'dashboard-overview': dashboardOverview,
  'dashboard-portfolio': dashboardPortfolio,
  'dashboard-applications': dashboardApplications,
  'dashboard-links': dashboardLinks,
  'privacy-card': privacyCard,
  'allocation-proposal': allocationProposal,
  'allocation-owner-request': allocationOwnerRequest,
  'allocation-owner-pick': allocationOwnerPick,
  'allocation-exports': allocationExports,
  'frame-overview': frameOverview,
  'frame-form': frameForm,
  'portfolio-admin': portfolioAdmin,
  'portfolio-form': portfolioForm,
} as const;

export type TemplateName = keyof typeof TEMPLATES;

const compiled = new Map<TemplateName, (model: object) => AdaptiveCard>();
const libraryTemplates = new Map<TemplateName, Template>();

/** Teams refuses bot messages near 100 KB; we stay well under 80 KB. */
export const MAX_CARD_BYTES = 80 * 1024;

/**
 * Compiles every card template now (start-up): compiling one takes a few ms, and the first
 * compile of an expression the template compiler hands to adaptive-expressions loads its parser
 * (50-90 ms on a busy machine), which the first turn to show that card would otherwise wait for,
 * and every other person's turn with it.
 */
export function precompileTemplates(): void {
  for (const name of Object.keys(TEMPLATES) as TemplateName[])
    if (!compiled.has(name)) compiled.set(name, compileTemplate(TEMPLATES[name]));
}

/** Expands a card template (cards/templates/*.json) with its view model. */
export function renderTemplate(name: TemplateName, model: object): AdaptiveCard {
  let expand = compiled.get(name);
  if (!expand) {
    expand = compileTemplate(TEMPLATES[name]);
    compiled.set(name, expand);
  }
  const card = expand(model);
  if (CHECK_AGAINST_LIBRARY) assertSameAsLibrary(name, model, card);
  return card;
}

/** In the test suite every rendered card is also expanded by the library and compared. */
const CHECK_AGAINST_LIBRARY = process.env.PK_CHECK_TEMPLATES === '1';

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

function assertSameAsLibrary(name: TemplateName, model: object, card: AdaptiveCard): void {
  const reference = JSON.stringify(canonical(renderWithLibrary(name, model)));
  const ours = JSON.stringify(canonical(card));
  if (reference !== ours) {
    throw new Error(
      `compiled template ${name} differs from adaptivecards-templating:\n ours ${ours.slice(0, 2000)}\n lib  ${reference.slice(0, 2000)}`,
    );
  }
}

/** The same card through the general adaptivecards-templating engine (the compiled one's reference). */
export function renderWithLibrary(name: TemplateName, model: object): AdaptiveCard {
  let t = libraryTemplates.get(name);
  if (!t) {
    t = new Template(TEMPLATES[name]);
    libraryTemplates.set(name, t);
  }
  return t.expand({ $root: model }) as AdaptiveCard;
}

export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

/** Byte size of a card as it travels to Teams (UTF-8). */
export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/**
 * Size of a card as Teams counts it against its limit: "the message encoded as UTF-16"
 * (learn.microsoft.com, "Format your bot messages": about 100 KB, keep within 80 KB), so two
 * bytes per UTF-16 code unit, which is what `string.length` counts (å, ä, ö: 2 bytes; an emoji:
 * 4). Stricter than {@link cardBytes} for Latin text; the send-time guard and the list cards use it.
 */
export function cardUtf16Bytes(card: AdaptiveCard): number {
  return cardJson(card).length * 2;
}

/**
 * A card's JSON text, made once: a builder that keeps its card within the limit measures it,
 * the send-time guard measures it again, and the invoke answer sends it (a large card is tens of
 * KB of JSON). A card is not changed once it is built (builders and the guard make new objects).
 */
export function cardJson(card: AdaptiveCard): string {
  let json = serialisedCards.get(card);
  if (json === undefined) {
    json = JSON.stringify(card);
    serialisedCards.set(card, json);
  }
  return json;
}

const serialisedCards = new WeakMap<AdaptiveCard, string>();

/**
 * The JSON text of an invoke answer (`{statusCode, type, value}`), with the card in `value`
 * serialised once (cardJson): the same document as JSON.stringify gives, `value` last.
 */
export function invokeAnswerJson(body: unknown): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return JSON.stringify(body);
  const { value, ...rest } = body as { value?: unknown };
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return JSON.stringify(body);
  const head = JSON.stringify(rest);
  const card = cardJson(value as AdaptiveCard);
  return head === '{}' ? `{"value":${card}}` : `${head.slice(0, -1)},"value":${card}}`;
}

/** Anything {@link escapeMarkdown} would change. */
const NEEDS_ESCAPE = /[\\*_`[\]~]|^\s*(?:[-+#>]|\d+\.)/m;

/** Escapes the markdown Adaptive Cards' TextBlock understands, so user text renders as typed. */
export function escapeMarkdown(text: string): string {
  // Most text has nothing to escape: one scan instead of four replacements.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(/\\/g, '\\\\')
    .replace(/([*_`[\]~])/g, '\\$1')
    .replace(/^(\s*)([-+#>])/gm, '$1\\$2')
    .replace(/^(\s*)(\d+)\./gm, '$1$2\\.');
}

/** Shortens display-only text for a card (the stored text is never touched). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
