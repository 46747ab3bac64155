/**
 * What the bot stores about a person, collection by collection, and what an erasure request
 * (GDPR art. 17) does with it, weighed against the principle of public access
 * (offentlighetsprincipen, TF 2 kap.) and the duty to keep public records (arkivlagen 3 §).
 * docs/indicators.md shows this table; a unit test checks that every collection in services/
 * is listed here, so a new collection cannot slip past the privacy rules.
 */

/**
 * delete: removed; anonymise: the person's identity and content removed, the rest kept;
 * redact: content removed, a bare record kept; keep: a public record or an official act, kept;
 * ephemeral: no content, gone by itself within minutes; none: holds no personal data.
 */
export type ErasurePolicy = 'delete' | 'anonymise' | 'redact' | 'keep' | 'ephemeral' | 'none';

export interface PersonalDataRule {
  collection: string;
  /** Which of the collection's documents the rule is about. */
  scope: { sv: string; en: string };
  policy: ErasurePolicy;
  /** The reasoning in one line. */
  reason: { sv: string; en: string };
}

/** The rules in the order the documentation lists them. */
export const PERSONAL_DATA_RULES: readonly PersonalDataRule[] = [
  {
    collection: 'users',
    scope: {
      sv: 'profil och val (namn, e-post, organisation, språk, välkomnad)',
      en: 'profile and choices (name, e-mail, organisation, language, welcomed)',
    },
    policy: 'delete',
    reason: {
      sv: 'Arbetsdata för att tilltala personen i Teams; ingen skyldighet att spara (art. 17.1 a). Roller behålls: de är ett beslut i verksamheten (art. 6.1 e) och tas bort med `roller`.',
      en: 'Working data to address the person in Teams; no duty to keep it (art. 17.1 a). Roles stay: an official assignment (art. 6.1 e), removed with `roles`.',
    },
  },
  {
    collection: 'conversations',
    scope: { sv: 'referens till den personliga chatten', en: 'reference to the personal chat' },
    policy: 'delete',
    reason: {
      sv: 'Behövs bara för att kunna skriva till personen; ingen skyldighet att spara (art. 17.1 a).',
      en: 'Only needed to write to the person; no duty to keep it (art. 17.1 a).',
    },
  },
  {
    collection: 'applications',
    scope: { sv: 'utkast som aldrig skickats in', en: 'drafts never submitted' },
    policy: 'delete',
    reason: {
      sv: 'Aldrig inkommen till myndigheten, alltså ingen allmän handling (TF 2 kap. 9 §): raderas (art. 17.1 a).',
      en: 'Never received by the authority, so not an official document (TF 2:9): erased (art. 17.1 a).',
    },
  },
  {
    collection: 'applications',
    scope: {
      sv: 'inskickade ansökningar (som sökande eller kontaktperson)',
      en: 'submitted applications (as applicant or contact)',
    },
    policy: 'keep',
    reason: {
      sv: 'Inkommen handling och allmän handling (TF 2 kap. 4, 9 §§) som ska bevaras (arkivlagen 3 §): undantag från radering (art. 17.3 b, d; art. 86).',
      en: 'A received official document (TF 2:4, 2:9) that must be kept (Archives Act s. 3): exempt from erasure (art. 17.3 b, d; art. 86).',
    },
  },
  {
    collection: 'ideas',
    scope: { sv: 'idéskisser', en: 'idea sketches' },
    policy: 'keep',
    reason: {
      sv: 'En idéskiss som skickats till projektkontoret är inkommen och därmed allmän handling (TF 2 kap. 9 §): behålls (art. 17.3 b).',
      en: 'An idea sketch sent to the project office has been received and is an official document (TF 2:9): kept (art. 17.3 b).',
    },
  },
  {
    collection: 'coachQuestions',
    scope: {
      sv: 'frågor personen ställt till coacherna',
      en: 'questions the person asked the coaches',
    },
    policy: 'anonymise',
    reason: {
      sv: 'Rådgivning av tillfällig betydelse som får gallras enligt dokumenthanteringsplanen: innehåll och identitet tas bort, tidsstämplar behålls för svarstidsstatistiken (inte längre personuppgifter, skäl 26).',
      en: 'Advice of passing importance that the records plan lets the municipality cull: content and identity removed, timings kept for the answer-time statistics (no longer personal data, recital 26).',
    },
  },
  {
    collection: 'coachQuestions',
    scope: { sv: 'svar personen gett som coach', en: 'answers the person gave as a coach' },
    policy: 'keep',
    reason: {
      sv: 'Givna i tjänsten, del av en annan persons ärende (art. 6.1 e): behålls.',
      en: "Given in the official role, part of another person's matter (art. 6.1 e): kept.",
    },
  },
  {
    collection: 'coachFaq',
    scope: {
      sv: 'svar personen sparat i coachernas FAQ',
      en: "answers the person saved in the coaches' FAQ",
    },
    policy: 'keep',
    reason: {
      sv: 'Allmänt hållna svar skrivna i tjänsten (art. 6.1 e): behålls.',
      en: 'General answers written in the official role (art. 6.1 e): kept.',
    },
  },
  {
    collection: 'coachRosters',
    scope: {
      sv: 'medlemskap i coachkanalen (cache från Teams)',
      en: 'coach channel membership (cache of Teams)',
    },
    policy: 'delete',
    reason: {
      sv: 'Kopia av Teams medlemslista: personen tas bort ur kopian; den läses om från Teams bara så länge personen är medlem.',
      en: 'A copy of the Teams member list: the person is removed from it; it is read again from Teams only while they are a member.',
    },
  },
  {
    collection: 'channelRosters',
    scope: {
      sv: 'medlemskap i beredningskanaler (cache från Teams)',
      en: 'review channel membership (cache of Teams)',
    },
    policy: 'delete',
    reason: {
      sv: 'Kopia av Teams medlemslista: personen tas bort ur kopian; den läses om från Teams bara så länge personen är medlem.',
      en: 'A copy of the Teams member list: the person is removed from it; it is read again from Teams only while they are a member.',
    },
  },
  {
    collection: 'reviewChannels',
    scope: {
      sv: 'kanaler personen kopplat som administratör',
      en: 'channels the person bound as an admin',
    },
    policy: 'keep',
    reason: {
      sv: 'Åtgärd i tjänsten som visar vem som konfigurerat processen (art. 6.1 e, 5.2): behålls.',
      en: 'An official act showing who configured the process (art. 6.1 e, 5.2): kept.',
    },
  },
  {
    collection: 'reviewItems',
    scope: {
      sv: 'beredningsärenden (sökande, yttrande, avslut)',
      en: 'review items (applicant, statement, closing)',
    },
    policy: 'keep',
    reason: {
      sv: 'Beredningen av ett ärende och IT-yttrandet är allmänna handlingar (TF 2 kap. 10 §): behålls (art. 17.3 b).',
      en: 'The preparation of a matter and the IT statement are official documents (TF 2:10): kept (art. 17.3 b).',
    },
  },
  {
    collection: 'reviewVotes',
    scope: {
      sv: 'röster, betyg och jävsförklaringar',
      en: 'votes, scores and conflict-of-interest declarations',
    },
    policy: 'keep',
    reason: {
      sv: 'Vem som deltog och vem som anmält jäv ska framgå (KL 6 kap. 28–32 §§, 5 kap. 69 §): behålls (art. 17.3 b).',
      en: 'Who took part and who declared a conflict must be on record (Local Government Act 6:28–32, 5:69): kept (art. 17.3 b).',
    },
  },
  {
    collection: 'reviewObjections',
    scope: {
      sv: 'jävsinvändningar och ordförandens beslut',
      en: "conflict objections and the chair's rulings",
    },
    policy: 'keep',
    reason: {
      sv: 'Del av jävsprövningen i ärendet (KL 6 kap. 28–32 §§): behålls (art. 17.3 b).',
      en: 'Part of the conflict ruling in the matter (Local Government Act 6:28–32): kept (art. 17.3 b).',
    },
  },
  {
    collection: 'reviewComments',
    scope: { sv: 'inlägg i beredningstråden', en: 'posts in the review thread' },
    policy: 'keep',
    reason: {
      sv: 'Beredningsunderlag i ärendet (TF 2 kap. 10 §): behålls (art. 17.3 b).',
      en: 'Preparatory material of the matter (TF 2:10): kept (art. 17.3 b).',
    },
  },
  {
    collection: 'completenessChecks',
    scope: {
      sv: 'kompletteringar (begärda eller gjorda)',
      en: 'completeness checks (requested or done)',
    },
    policy: 'keep',
    reason: {
      sv: 'Handläggningen av en inkommen ansökan (TF 2 kap. 10 §): behålls (art. 17.3 b).',
      en: 'Handling of a received application (TF 2:10): kept (art. 17.3 b).',
    },
  },
  {
    collection: 'allocationRounds',
    scope: {
      sv: 'fördelningsomgångar (ordförande, beslutsfattare, motiveringar)',
      en: 'allocation rounds (chair, decision maker, reasons)',
    },
    policy: 'keep',
    reason: {
      sv: 'Beslutsunderlag och beslut är allmänna handlingar: behålls (art. 17.3 b, art. 86).',
      en: 'Decision material and decisions are official documents: kept (art. 17.3 b, art. 86).',
    },
  },
  {
    collection: 'frameLedgers',
    scope: {
      sv: 'ramens bokföring med kopior av besluten',
      en: 'the frame ledger with copies of the decisions',
    },
    policy: 'keep',
    reason: {
      sv: 'Kopia av beslut (allmänna handlingar) som håller ramen: behålls (art. 17.3 b).',
      en: 'Copies of decisions (official documents) that hold the frame: kept (art. 17.3 b).',
    },
  },
  {
    collection: 'decisions',
    scope: {
      sv: 'beslut (som sökande, beslutsfattare eller jävig)',
      en: 'decisions (as applicant, decision maker or recused)',
    },
    policy: 'keep',
    reason: {
      sv: 'Beslut är allmänna handlingar som aldrig ändras och ska bevaras (TF 2 kap., arkivlagen): behålls (art. 17.3 b, d; art. 86).',
      en: 'Decisions are official documents, never edited, that must be kept (TF ch. 2, Archives Act): kept (art. 17.3 b, d; art. 86).',
    },
  },
  {
    collection: 'ownerAcceptances',
    scope: {
      sv: 'mottagarens godkännande av driftkostnaden',
      en: "the owner's acceptance of the running cost",
    },
    policy: 'keep',
    reason: {
      sv: 'Villkor för beslutet om medel (seed 000 SID 6): behålls (art. 17.3 b).',
      en: 'A condition of the funding decision (seed 000 SID 6): kept (art. 17.3 b).',
    },
  },
  {
    collection: 'projects',
    scope: {
      sv: 'finansierade projekt (som ansvarig)',
      en: 'funded projects (as the one responsible)',
    },
    policy: 'keep',
    reason: {
      sv: 'Uppföljning av beviljade offentliga medel (002 §7.4): behålls (art. 17.3 b).',
      en: 'Follow-up of granted public funds (002 §7.4): kept (art. 17.3 b).',
    },
  },
  {
    collection: 'project_reports',
    scope: {
      sv: 'lägesrapporter och nyttouppföljning',
      en: 'status reports and benefit follow-ups',
    },
    policy: 'keep',
    reason: {
      sv: 'Inkomna rapporter är allmänna handlingar (TF 2 kap. 9 §): behålls (art. 17.3 b).',
      en: 'Received reports are official documents (TF 2:9): kept (art. 17.3 b).',
    },
  },
  {
    collection: 'survey_responses',
    scope: {
      sv: 'svar på beredningsgruppens årliga enkät',
      en: "answers to the review group's yearly survey",
    },
    policy: 'keep',
    reason: {
      sv: 'Lämnade i uppdraget som ledamot och underlag för årsuppföljningen (TF 2 kap. 10 §): behålls.',
      en: 'Given as a member of the review group, the basis of the yearly follow-up (TF 2:10): kept.',
    },
  },
  {
    collection: 'settings',
    scope: {
      sv: 'inställningar personen ändrat som administratör',
      en: 'settings the person changed as an admin',
    },
    policy: 'keep',
    reason: {
      sv: 'Åtgärd i tjänsten (art. 6.1 e, 5.2): behålls.',
      en: 'An official act (art. 6.1 e, 5.2): kept.',
    },
  },
  {
    collection: 'reminder_prefs',
    scope: {
      sv: 'val om påminnelser (avstängt, pausat)',
      en: 'reminder choices (opted out, snoozed)',
    },
    policy: 'delete',
    reason: {
      sv: 'Personliga val, arbetsdata (art. 17.1 a).',
      en: 'Personal choices, working data (art. 17.1 a).',
    },
  },
  {
    collection: 'reminder_ledger',
    scope: {
      sv: 'påminnelser om raderade utkast och frågor',
      en: 'reminders about erased drafts and questions',
    },
    policy: 'delete',
    reason: {
      sv: 'Arbetsdata om det som raderas (art. 17.1 a).',
      en: 'Working data about what is erased (art. 17.1 a).',
    },
  },
  {
    collection: 'reminder_ledger',
    scope: {
      sv: 'påminnelser om skyldigheter som finns kvar (rapporter, röster)',
      en: 'reminders about duties that remain (reports, votes)',
    },
    policy: 'keep',
    reason: {
      sv: 'Visar att påminnelsen redan gått ut, så att personen inte påminns två gånger om en skyldighet kopplad till en allmän handling (art. 6.1 e).',
      en: 'Shows the reminder went out, so the person is not reminded twice of a duty tied to an official document (art. 6.1 e).',
    },
  },
  {
    collection: 'outbox',
    scope: { sv: 'meddelanden till personen', en: 'messages to the person' },
    policy: 'redact',
    reason: {
      sv: 'Ej levererade raderas; levererade töms på innehåll och behåller bara id, tid och status så att inget skickas två gånger (art. 17.1 a).',
      en: 'Undelivered ones are erased; delivered ones lose their content and keep only id, time and status so nothing is sent twice (art. 17.1 a).',
    },
  },
  {
    collection: 'outbox_windows',
    scope: {
      sv: 'tidsstämplar för Teams hastighetsgränser i personens chatt',
      en: "timestamps for Teams' rate limits in the person's chat",
    },
    policy: 'delete',
    reason: {
      sv: 'Inget innehåll; raderas när inget meddelande är på väg.',
      en: 'No content; deleted when no message is on its way.',
    },
  },
  {
    collection: 'audit',
    scope: { sv: 'granskningslogg där personen nämns', en: 'audit entries naming the person' },
    policy: 'redact',
    reason: {
      sv: 'Ansvarsskyldighet (art. 5.2) för ändringar i allmänna handlingar: behålls. Poster om raderad arbetsdata behåller vem/vad/när men förlorar före/efter-innehållet.',
      en: 'Accountability (art. 5.2) for changes to official documents: kept. Entries about erased working data keep who/what/when but lose their before/after content.',
    },
  },
  {
    collection: 'privacy_requests',
    scope: {
      sv: 'registerutdrag och raderingar som gjorts om personen',
      en: 'exports and erasures made about the person',
    },
    policy: 'keep',
    reason: {
      sv: 'Visar att begäran hanterats (art. 12, 5.2); innehåller bara id och antal.',
      en: 'Shows the request was handled (art. 12, 5.2); holds ids and counts only.',
    },
  },
  {
    collection: 'scheduler_leases',
    scope: { sv: 'lås för schemaläggaren', en: "the scheduler's locks" },
    policy: 'ephemeral',
    reason: {
      sv: 'Inget innehåll; försvinner inom en minut.',
      en: 'No content; gone within a minute.',
    },
  },
  {
    collection: 'processedActivities',
    scope: { sv: 'id:n på hanterade Teams-aktiviteter', en: 'ids of handled Teams activities' },
    policy: 'ephemeral',
    reason: {
      sv: 'Inget innehåll; rensas av botens egen gallring.',
      en: "No content; purged by the bot's own retention.",
    },
  },
  {
    collection: 'portfolios',
    scope: { sv: 'portföljer och ramar', en: 'portfolios and frames' },
    policy: 'none',
    reason: { sv: 'Inga personuppgifter.', en: 'No personal data.' },
  },
  {
    collection: 'counters',
    scope: { sv: 'löpnummer', en: 'sequence numbers' },
    policy: 'none',
    reason: { sv: 'Inga personuppgifter.', en: 'No personal data.' },
  },
  {
    collection: 'benefitPostings',
    scope: {
      sv: 'ordstammar ur nyttobeskrivningen i inskickade ansökningar (sökindex för dubbelräkning)',
      en: 'word stems of the benefit claims of submitted applications (double-counting search index)',
    },
    policy: 'keep',
    reason: {
      sv: 'Härledd ur inskickade ansökningar, som bevaras (arkivlagen 3 §); följer ansökan och försvinner när den återkallas eller avslås.',
      en: 'Derived from submitted applications, which are kept (Archives Act s. 3); follows the application and goes when it is withdrawn or rejected.',
    },
  },
  {
    collection: 'benefitTermCounts',
    scope: { sv: 'antal ansökningar per ordstam', en: 'applications per word stem' },
    policy: 'none',
    reason: { sv: 'Inga personuppgifter: bara tal.', en: 'No personal data: numbers only.' },
  },
  {
    collection: 'benefitIndexed',
    scope: { sv: 'vilka ansökningar som är indexerade', en: 'which applications are indexed' },
    policy: 'none',
    reason: {
      sv: 'Inga personuppgifter: ansökans id och inskickningstid.',
      en: 'No personal data: the application id and time of submission.',
    },
  },
  {
    collection: 'benefitIndexMeta',
    scope: { sv: 'när sökindexet byggdes', en: 'when the search index was built' },
    policy: 'none',
    reason: { sv: 'Inga personuppgifter.', en: 'No personal data.' },
  },
  {
    collection: '_pk_locks',
    scope: { sv: 'lås för uppdateringar (bara FerretDB)', en: 'update locks (FerretDB only)' },
    policy: 'none',
    reason: {
      sv: 'Inga personuppgifter: samlingens namn och ett hashvärde av dokumentets id.',
      en: 'No personal data: the collection name and a hash of the document id.',
    },
  },
];

/** Every collection the rules cover. */
export const COVERED_COLLECTIONS: ReadonlySet<string> = new Set(
  PERSONAL_DATA_RULES.map((r) => r.collection),
);
