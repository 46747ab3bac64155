import { Locale } from '../../services/shared/actor';

/** Swedish text for coaching (questions to project coaches, their threads and the FAQ). */
const sv = {
  askCoach: 'Fråga en coach',
  ask: {
    title: 'Fråga en projektcoach',
    intro:
      'Projektcoacherna hjälper dig att skriva en bra ansökan. Ställ din fråga så svarar en coach här i chatten.',
    about: 'Gäller: {context}',
    questionLabel: 'Din fråga *',
    questionHint: 'Högst {max} tecken.',
    applicationLabel: 'Gäller ansökan (valfritt)',
    noApplication: 'Ingen särskild ansökan',
    send: 'Skicka frågan',
    backToApplication: 'Tillbaka till ansökan',
    empty: 'Skriv din fråga först – rutan är tom.',
    tooLong:
      'Frågan är {length} tecken, högst {max} tillåts. Korta den och skicka igen – inget har tagits bort.',
    invalid: 'Frågan måste vara text.',
    stepContext: 'steg {n} av {total}: {title}',
  },
  suggestions: {
    title: 'Kanske finns svaret redan',
    intro: 'Coacherna har svarat på liknande frågor förut:',
    yourQuestion: 'Din fråga: {text}',
    askAnyway: 'Skicka frågan till en coach ändå',
    enough: 'Det räckte, tack',
    thanks: 'Vad bra! Skriv **fråga** följt av din fråga om du behöver mer hjälp.',
  },
  sent: {
    title: 'Frågan är skickad',
    body: 'Din fråga (#{seq}) har gått till projektcoacherna. Svaret kommer här i chatten.',
    quote: '”{text}”',
    replySent: 'Skickat till coachen (fråga #{seq}).',
    reopened: 'Frågan (#{seq}) är öppnad igen och ditt meddelande har skickats till coachen.',
    queued: 'Sparat. Det skickas till coachen (fråga #{seq}) så snart tråden finns i coachkanalen.',
  },
  noChannel:
    'Det finns ingen coachkanal ännu, så frågan kunde inte skickas. Projektkontoret ställer in den med **coachkanal** i en kanal. Din fråga står kvar i rutan.',
  pickQuestion: {
    title: 'Vilken fråga gäller det?',
    intro: 'Du har flera öppna frågor till coacherna. Välj vart ditt meddelande ska:',
    message: 'Ditt meddelande: {text}',
    sendTo: 'Till #{seq}: {text}',
  },
  relay: {
    title: 'Svar från {coach}',
    about: 'På din fråga #{seq}: ”{question}”',
    replyLabel: 'Ditt svar',
    replyHint: 'Skriv här, eller skriv direkt i chatten.',
    reply: 'Svara',
    resolvedNote: 'Frågan är markerad som löst – svarar du öppnas den igen.',
    attachmentOnly:
      '(Coachen skickade en bilaga eller bild som bara syns i Teams-kanalen. Be gärna om svaret i text.)',
    clipped: '(Svaret är förkortat här. Be coachen om resten.)',
  },
  reply: {
    empty: 'Skriv ett svar först – rutan är tom.',
    tooLong:
      'Svaret är {length} tecken, högst {max} tillåts. Korta det och skicka igen – inget har tagits bort.',
  },
  resolvedNotice: {
    title: 'Din fråga #{seq} är löst',
    body: '{coach} har markerat frågan ”{question}” som löst. Svara på coachens meddelande om du vill fortsätta.',
  },
  undeliverable: {
    title: 'Frågan kom inte fram',
    body: 'Din fråga #{seq} kunde inte läggas i coachkanalen. Projektkontoret har fått veta. Försök igen senare med **fråga**.',
    office: 'Frågan #{seq} från {asker} kunde inte läggas i coachkanalen: {error}',
  },
  thread: {
    title: 'Fråga #{seq} från {asker}',
    asker: 'Frågar',
    organisation: 'Organisation',
    application: 'Ansökan',
    step: 'Steg',
    portfolio: 'Portfölj',
    status: 'Status',
    assignee: 'Ansvarig',
    asked: 'Ställd',
    firstAnswer: 'Första svar',
    firstAnswerValue: '{at} ({hours} arbetstimmar)',
    nobody: 'Ingen ännu',
    howTo: 'Svara i tråden – svaret går till {asker} i Teams. Svar från {asker} kommer hit.',
    claim: 'Jag tar den',
    resolve: 'Löst',
    saveFaq: 'Spara som FAQ',
    editFaq: 'Ändra FAQ-svaret',
    showApplication: 'Visa ansökan',
    hideApplication: 'Dölj ansökan',
    faqSaved: 'Sparad i FAQ.',
    appStatus: 'Ansökans status',
    need: 'Behov',
    devCost: 'Utvecklingskostnad',
    runningCost: 'Drift och förvaltning per år',
    part: 'Del',
    status_open: 'Väntar på coach',
    status_claimed: '{name} har tagit frågan – svar kommer',
    status_answered: 'Besvarad – väntar på sökande',
    status_resolved: 'Löst',
    resolvedBy: 'Löst av {name} {at}',
    reopened: 'Öppnad igen av sökande',
  },
  notices: {
    claimed: 'Du har tagit frågan.',
    alreadyYours: 'Frågan är redan din.',
    claimedByOther: '{name} har redan tagit frågan.',
    resolved: 'Frågan är markerad som löst. {asker} har fått veta.',
    alreadyResolved: 'Frågan är redan löst.',
    notCoach:
      'Bara projektcoacher kan ta, lösa eller spara frågor som FAQ. Be projektkontoret ge dig rollen coach.',
    noApplication: 'Frågan gäller ingen särskild ansökan.',
    applicationGone: 'Ansökan finns inte längre.',
    faqNeedsResolved: 'Markera frågan som löst innan svaret sparas i FAQ.',
  },
  applicantMessage: {
    title: '{asker} svarar',
    reopened: 'Frågan var löst men är nu öppnad igen.',
  },
  reminder: {
    title: 'Påminnelse: fråga #{seq} väntar på svar',
    body: '{asker} har väntat i mer än {hours} arbetstimmar.',
    assigned: 'Ansvarig: {name}.',
    unassigned: 'Ingen har tagit frågan – tryck **Jag tar den** på frågekortet.',
  },
  unreachable: {
    title: 'Kunde inte nå sökande',
    body: 'Svaret kunde inte levereras till {asker} (boten är borttagen eller användaren finns inte längre). Kontakta {asker} på annat sätt.',
  },
  faqForm: {
    title: 'Spara som FAQ',
    intro:
      'Spara frågan och svaret så att andra sökande hittar det själva. Skriv om dem så att de går att förstå utan tråden.',
    question: 'Fråga *',
    answer: 'Svar *',
    portfolio: 'Portfölj',
    allPortfolios: 'Alla portföljer',
    save: 'Spara i FAQ',
    cancel: 'Avbryt',
    emptyQuestion: 'Skriv frågan.',
    emptyAnswer: 'Skriv svaret.',
    tooLong: '{length} tecken, högst {max} tillåts.',
    badPortfolio: 'Välj en portfölj i listan.',
  },
  faqSearch: {
    title: 'Svar från FAQ: ”{query}”',
    none: 'Inga FAQ-svar matchar ”{query}”. Skriv **fråga {query}** för att fråga en projektcoach.',
    askLabel: 'Fråga en coach',
    allPortfolios: 'Alla portföljer',
  },
  channel: {
    bound: 'Den här kanalen är nu coachkanal.',
    general:
      'Frågor om ansökningar vars portfölj saknar egen coachkanal, och frågor utan ansökan, hamnar här.',
    portfolios: 'Frågor om ansökningar i de här portföljerna hamnar här: {list}.',
    howTo:
      'Varje fråga blir en tråd. Svara i tråden så går svaret till den som frågade; tryck **Jag tar den** och **Löst** på frågekortet.',
    notAdmin: 'Bara projektkontorets administratörer kan välja coachkanal.',
    channelOnly:
      'Skriv **coachkanal** i den kanal där coacherna ska få frågorna, och nämn mig: @Projektkontoret coachkanal.',
    unknownPortfolios:
      'Jag känner inte igen {list}. Skriv portföljernas nummer (t.ex. **coachkanal 1 3**), **coachkanal alla**, eller bara **coachkanal** för allmänna frågor.',
  },
  refusals: {
    notFound: 'Jag hittar inte den frågan.',
    notYours: 'Den frågan är inte din.',
  },
};

/** The shape every coaching string table has (the Swedish one). */
export type CoachStrings = typeof sv;

/** English text for coaching, used when the user's Teams locale is English. */
const en: CoachStrings = {
  askCoach: 'Ask a coach',
  ask: {
    title: 'Ask a project coach',
    intro:
      'The project coaches help you write a good application. Ask your question and a coach answers here in the chat.',
    about: 'About: {context}',
    questionLabel: 'Your question *',
    questionHint: 'At most {max} characters.',
    applicationLabel: 'About application (optional)',
    noApplication: 'No particular application',
    send: 'Send question',
    backToApplication: 'Back to the application',
    empty: 'Write your question first – the box is empty.',
    tooLong:
      'The question is {length} characters; at most {max} are allowed. Shorten it and send again – nothing was removed.',
    invalid: 'The question must be text.',
    stepContext: 'step {n} of {total}: {title}',
  },
  suggestions: {
    title: 'The answer may already exist',
    intro: 'The coaches have answered similar questions before:',
    yourQuestion: 'Your question: {text}',
    askAnyway: 'Send the question to a coach anyway',
    enough: 'That helped, thanks',
    thanks: 'Great! Write **ask** followed by your question if you need more help.',
  },
  sent: {
    title: 'Question sent',
    body: 'Your question (#{seq}) has gone to the project coaches. The answer will come here in the chat.',
    quote: '"{text}"',
    replySent: 'Sent to the coach (question #{seq}).',
    reopened: 'Question #{seq} is open again and your message has gone to the coach.',
    queued:
      'Saved. It goes to the coach (question #{seq}) as soon as the thread exists in the coach channel.',
  },
  noChannel:
    'There is no coach channel yet, so the question could not be sent. The project office sets it with **coach channel** in a channel. Your question is still in the box.',
  pickQuestion: {
    title: 'Which question is this about?',
    intro: 'You have several open questions to the coaches. Choose where your message should go:',
    message: 'Your message: {text}',
    sendTo: 'To #{seq}: {text}',
  },
  relay: {
    title: 'Answer from {coach}',
    about: 'To your question #{seq}: "{question}"',
    replyLabel: 'Your answer',
    replyHint: 'Write here, or just write in the chat.',
    reply: 'Reply',
    resolvedNote: 'The question is marked as resolved – replying opens it again.',
    attachmentOnly:
      '(The coach sent an attachment or image that only shows in the Teams channel. Ask for the answer as text.)',
    clipped: '(The answer is shortened here. Ask the coach for the rest.)',
  },
  reply: {
    empty: 'Write an answer first – the box is empty.',
    tooLong:
      'The answer is {length} characters; at most {max} are allowed. Shorten it and send again – nothing was removed.',
  },
  resolvedNotice: {
    title: 'Your question #{seq} is resolved',
    body: '{coach} marked the question "{question}" as resolved. Reply to the coach\'s message if you want to continue.',
  },
  undeliverable: {
    title: 'The question did not arrive',
    body: 'Your question #{seq} could not be posted in the coach channel. The project office has been told. Try again later with **ask**.',
    office: 'Question #{seq} from {asker} could not be posted in the coach channel: {error}',
  },
  thread: {
    title: 'Question #{seq} from {asker}',
    asker: 'Asked by',
    organisation: 'Organisation',
    application: 'Application',
    step: 'Step',
    portfolio: 'Portfolio',
    status: 'Status',
    assignee: 'Assigned to',
    asked: 'Asked',
    firstAnswer: 'First answer',
    firstAnswerValue: '{at} ({hours} working hours)',
    nobody: 'Nobody yet',
    howTo:
      'Reply in the thread – the answer goes to {asker} in Teams. Answers from {asker} come here.',
    claim: "I'll take it",
    resolve: 'Resolved',
    saveFaq: 'Save as FAQ',
    editFaq: 'Edit the FAQ answer',
    showApplication: 'Show application',
    hideApplication: 'Hide application',
    faqSaved: 'Saved in the FAQ.',
    appStatus: 'Application status',
    need: 'Need',
    devCost: 'Development cost',
    runningCost: 'Operation and maintenance per year',
    part: 'Part',
    status_open: 'Waiting for a coach',
    status_claimed: '{name} has taken the question – an answer is coming',
    status_answered: 'Answered – waiting for the applicant',
    status_resolved: 'Resolved',
    resolvedBy: 'Resolved by {name} {at}',
    reopened: 'Reopened by the applicant',
  },
  notices: {
    claimed: 'You have taken the question.',
    alreadyYours: 'The question is already yours.',
    claimedByOther: '{name} has already taken the question.',
    resolved: 'The question is marked as resolved. {asker} has been told.',
    alreadyResolved: 'The question is already resolved.',
    notCoach:
      'Only project coaches can take, resolve or save questions as FAQ. Ask the project office for the coach role.',
    noApplication: 'The question is not about a particular application.',
    applicationGone: 'The application no longer exists.',
    faqNeedsResolved: 'Mark the question as resolved before saving the answer in the FAQ.',
  },
  applicantMessage: {
    title: '{asker} replies',
    reopened: 'The question was resolved but is now open again.',
  },
  reminder: {
    title: 'Reminder: question #{seq} is waiting for an answer',
    body: '{asker} has waited for more than {hours} working hours.',
    assigned: 'Assigned to: {name}.',
    unassigned: "Nobody has taken the question – press **I'll take it** on the question card.",
  },
  unreachable: {
    title: 'Could not reach the applicant',
    body: 'The answer could not be delivered to {asker} (the bot was removed or the user no longer exists). Contact {asker} another way.',
  },
  faqForm: {
    title: 'Save as FAQ',
    intro:
      'Save the question and answer so other applicants find it themselves. Rewrite them so they make sense without the thread.',
    question: 'Question *',
    answer: 'Answer *',
    portfolio: 'Portfolio',
    allPortfolios: 'All portfolios',
    save: 'Save in FAQ',
    cancel: 'Cancel',
    emptyQuestion: 'Write the question.',
    emptyAnswer: 'Write the answer.',
    tooLong: '{length} characters; at most {max} are allowed.',
    badPortfolio: 'Choose a portfolio from the list.',
  },
  faqSearch: {
    title: 'Answers from the FAQ: "{query}"',
    none: 'No FAQ answers match "{query}". Write **ask {query}** to ask a project coach.',
    askLabel: 'Ask a coach',
    allPortfolios: 'All portfolios',
  },
  channel: {
    bound: 'This channel is now a coach channel.',
    general:
      'Questions about applications whose portfolio has no coach channel of its own, and questions without an application, come here.',
    portfolios: 'Questions about applications in these portfolios come here: {list}.',
    howTo:
      "Every question becomes a thread. Reply in the thread and the answer goes to whoever asked; press **I'll take it** and **Resolved** on the question card.",
    notAdmin: 'Only the project office administrators can choose the coach channel.',
    channelOnly:
      'Write **coach channel** in the channel where the coaches should get the questions, and mention me: @Projektkontoret coach channel.',
    unknownPortfolios:
      "I don't recognise {list}. Write the portfolios' numbers (e.g. **coach channel 1 3**), **coach channel all**, or just **coach channel** for general questions.",
  },
  refusals: {
    notFound: 'I cannot find that question.',
    notYours: 'That question is not yours.',
  },
};

/** Coaching's string tables by locale. */
export const coachStrings: Record<Locale, CoachStrings> = { sv, en };
