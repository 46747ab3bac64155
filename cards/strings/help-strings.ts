import { Role } from '../../services/users/user-repository';

/**
 * One help line per command (keyed by the command's first, normalised name in bot/commands),
 * shown to the people whose roles may use it. No roles = everyone.
 */
export const COMMAND_HELP: Record<string, { roles?: Role[]; sv: string; en: string }> = {
  'ny ansokan': {
    sv: '**ny ansökan** – skriv en ansökan om medel steg för steg',
    en: '**new application** – write a funding application step by step',
  },
  'ny ide': {
    sv: '**ny idé** – berätta tidigt för projektkontoret om ett planerat projekt',
    en: '**new idea** – tell the project office early about a planned project',
  },
  'mina ansokningar': {
    sv: '**mina ansökningar** – dina utkast och ansökningar: fortsätt, visa eller dra tillbaka',
    en: '**my applications** – your drafts and applications: continue, view or withdraw',
  },
  fraga: {
    sv: '**fråga** ‹text› – ställ en fråga till projektcoacherna',
    en: '**ask** ‹text› – ask the project coaches a question',
  },
  rapport: {
    sv: '**rapport** – lämna en rapport för ett beviljat projekt',
    en: '**report** – report on a funded project',
  },
  portfoljer: {
    roles: ['admin', 'chair', 'decisionMaker', 'reviewer'],
    sv: '**portföljer** – ramar, beviljat, sökt och nyttohemtagning per portfölj',
    en: '**portfolios** – frames, granted, requested and benefit realisation per portfolio',
  },
  fordela: {
    roles: ['chair', 'decisionMaker'],
    sv: '**fördela** ‹portfölj› – förslag till fördelning inom ramen',
    en: '**allocate** ‹portfolio› – allocation proposal within the frame',
  },
  ramar: {
    roles: ['admin'],
    sv: '**ramar** – sätt portföljernas ramar och andelar per budgetår',
    en: '**frames** – set the portfolios\' frames and shares per fiscal year',
  },
  'hantera portfoljer': {
    roles: ['admin'],
    sv: '**hantera portföljer** – skapa portföljer och delar, byt namn, öppna och stäng dem',
    en: '**manage portfolios** – create portfolios and parts, rename, open and close them',
  },
  koppla: {
    roles: ['admin'],
    sv: '**koppla** ‹portfölj› – gör den här kanalen till portföljens beredningskanal (i kanalen)',
    en: '**link** ‹portfolio› – make this channel the portfolio\'s review channel (in the channel)',
  },
  coachkanal: {
    roles: ['admin'],
    sv: '**coachkanal** [portföljer] – gör den här kanalen till coachkanal (i kanalen)',
    en: '**coach channel** [portfolios] – make this channel a coach channel (in the channel)',
  },
  beredningsregler: {
    roles: ['admin'],
    sv: '**beredningsregler** – beslutförhet, tidsfrist och krav på IT-yttrande per portfölj',
    en: '**review rules** – quorum, deadline and required IT statement per portfolio',
  },
  roller: {
    roles: ['admin'],
    sv: '**roller** – se och dela ut roller',
    en: '**roles** – see and grant roles',
  },
  paminnelser: {
    roles: ['admin'],
    sv: '**påminnelser** – vilka påminnelser som skulle gå ut nu (provkörning)',
    en: '**reminders** – which reminders would go out now (dry run)',
  },
  utkorg: {
    roles: ['admin'],
    sv: '**utkorg** – meddelanden som inte kunde levereras, med försök igen',
    en: '**outbox** – messages that could not be delivered, with retry',
  },
  personuppgifter: {
    roles: ['admin'],
    sv: '**personuppgifter** – registerutdrag och radering för en person (GDPR)',
    en: '**personal data** – export and erasure for one person (GDPR)',
  },
  sprak: {
    sv: '**språk engelska** / **språk svenska** – vilket språk jag svarar dig på',
    en: '**language english** / **language swedish** – the language I answer you in',
  },
  hjalp: {
    sv: '**hjälp** [sökord] – det här, eller sök bland coachernas vanliga frågor',
    en: '**help** [search words] – this, or search the coaches\' FAQ',
  },
};
