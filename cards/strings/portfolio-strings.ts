import { Locale } from '../../services/shared/actor';

/** Swedish text for `hantera portföljer` (portfolios and parts) and a wizard with nothing open. */
const sv = {
  admin: {
    title: 'Hantera portföljer',
    intro:
      'Här skapar du portföljer och deras delar, byter namn och öppnar eller stänger dem. En stängd portfölj eller del erbjuds inte i nya ansökningar; ansökningar som redan finns ligger kvar.',
    empty:
      'Det finns inga portföljer än, så ingen kan söka. Skapa den första med **Ny portfölj**, eller starta boten med produktionsfröet (`SEED_FILE=deployment/seed/production-seed.json`) som har Stockholms fem portföljer.',
    noneOpen: 'Ingen portfölj är öppen just nu: sökande kan inte börja en ansökan.',
    name: '{number}\\. {name}',
    open: 'Öppen för ansökningar',
    closed: 'Stängd för nya ansökningar',
    key: 'Kortnamn: `{key}`',
    relaxed: 'Lättade krav på nyttokalkyl',
    parts: 'Delar: {list}',
    partOpen: '{name} (öppen)',
    partClosed: '{name} (stängd)',
    noParts: 'Inga öppna delar – portföljen erbjuds inte i ansökningar.',
    frames: 'Ramar: {list}',
    noFrames: 'Ingen ram satt än – sätt den med **Ram {year}**.',
    edit: 'Ändra',
    close: 'Stäng',
    reopen: 'Öppna',
    frame: 'Ram {year}',
    create: 'Ny portfölj',
    allFrames: 'Alla ramar',
    created: 'Portföljen {name} är skapad och öppen för ansökningar. Sätt ramen med **Ram {year}**.',
    saved: 'Ändringarna i {name} är sparade.',
    unchanged: 'Inget ändrades.',
    opened: '{name} är öppen för ansökningar igen.',
    closedNotice: '{name} är stängd för nya ansökningar. Ansökningar som redan finns ligger kvar.',
    changed:
      'Någon annan ändrade portföljen samtidigt. Här är den som den är nu – gör din ändring igen.',
    notFound: 'Jag hittar inte den portföljen. Här är alla portföljer som finns.',
    adminOnly:
      'Bara projektkontoret (administratörer) kan hantera portföljer. Be projektkontoret om hjälp om en portfölj saknas.',
  },
  form: {
    createTitle: 'Ny portfölj',
    editTitle: 'Ändra portfölj {number}',
    number: 'Nummer (1–{max})',
    key: 'Kortnamn för kommandon, t.ex. `innovation` i `koppla innovation`',
    nameSv: 'Namn på svenska',
    nameEn: 'Namn på engelska (tomt = samma som på svenska)',
    description: 'Beskrivning (valfri)',
    relaxed: 'Lättade krav på nyttokalkyl (som innovationsportföljen)',
    open: 'Öppen för nya ansökningar',
    partsTitle: 'Delar',
    partsIntro:
      'Portföljens pengar delas på delar vars andelar sätts med ramen. Ge en del ett eget namn om ni kallar den något annat, och öppna eller stäng den. En del som finns kan stängas men inte tas bort.',
    partState: '{part}',
    partNameSv: 'Eget namn på svenska (tomt = {part})',
    partNameEn: 'Eget namn på engelska',
    stateOpen: 'Öppen',
    stateClosed: 'Stängd',
    stateNone: 'Inte med',
    save: 'Spara',
    createAction: 'Skapa portfölj',
    back: 'Tillbaka till portföljerna',
    fixBelow: 'Rätta det som är markerat nedan.',
    errors: {
      required: {
        number: 'Skriv portföljens nummer, t.ex. 6.',
        key: 'Skriv ett kortnamn, t.ex. `innovation`.',
        nameSv: 'Skriv portföljens namn.',
      } as Record<string, string>,
      too_long: 'Högst {max} tecken.',
      name_taken: 'Portfölj {number} heter redan så. Välj ett annat namn.',
      number_invalid: 'Numret ska vara ett heltal från 1 till {max}.',
      number_taken: 'Det finns redan en portfölj med nummer {number}. Välj ett annat nummer.',
      key_invalid:
        'Kortnamnet ska börja med en bokstav och bara ha bokstäverna a–z, siffror och bindestreck (2–30 tecken).',
      key_taken: 'Portfölj {number} har redan det kortnamnet. Välj ett annat.',
      parts_none: 'Välj minst en del som är med i portföljen (Öppen eller Stängd).',
      part_remove: 'En del som finns kan inte tas bort – välj Stängd i stället.',
    },
  },
  wizard: {
    title: 'Ny ansökan',
    noOpenPortfolio:
      'Det finns ingen öppen portfölj att söka i just nu. Projektkontoret har fått veta det.',
  },
  office: {
    noOpenTitle: 'Någon ville söka, men ingen portfölj är öppen',
    noOpenText:
      '{applicant} försökte börja en ansökan {day}, men det finns ingen öppen portfölj. Skriv **hantera portföljer** för att skapa eller öppna en, eller starta boten med produktionsfröet (`SEED_FILE=deployment/seed/production-seed.json`). Du får högst ett sådant meddelande om dagen.',
  },
};

export type PortfolioStrings = typeof sv;

const en: PortfolioStrings = {
  admin: {
    title: 'Manage portfolios',
    intro:
      'Create portfolios and their parts, rename them, and open or close them here. A closed portfolio or part is not offered in new applications; applications that exist stay.',
    empty:
      'There are no portfolios yet, so nobody can apply. Create the first with **New portfolio**, or start the bot with the production seed (`SEED_FILE=deployment/seed/production-seed.json`), which has Stockholm\'s five portfolios.',
    noneOpen: 'No portfolio is open right now: applicants cannot start an application.',
    name: '{number}\\. {name}',
    open: 'Open for applications',
    closed: 'Closed to new applications',
    key: 'Short name: `{key}`',
    relaxed: 'Relaxed benefit requirements',
    parts: 'Parts: {list}',
    partOpen: '{name} (open)',
    partClosed: '{name} (closed)',
    noParts: 'No open parts – the portfolio is not offered to applicants.',
    frames: 'Frames: {list}',
    noFrames: 'No frame set yet – set it with **Frame {year}**.',
    edit: 'Edit',
    close: 'Close',
    reopen: 'Open',
    frame: 'Frame {year}',
    create: 'New portfolio',
    allFrames: 'All frames',
    created: 'Portfolio {name} is created and open for applications. Set its frame with **Frame {year}**.',
    saved: 'The changes to {name} are saved.',
    unchanged: 'Nothing changed.',
    opened: '{name} is open for applications again.',
    closedNotice: '{name} is closed to new applications. Applications that exist stay.',
    changed:
      'Someone else changed the portfolio at the same time. Here it is as it is now – make your change again.',
    notFound: 'I cannot find that portfolio. Here are all the portfolios there are.',
    adminOnly:
      'Only the project office (admins) can manage portfolios. Ask the project office if a portfolio is missing.',
  },
  form: {
    createTitle: 'New portfolio',
    editTitle: 'Edit portfolio {number}',
    number: 'Number (1–{max})',
    key: 'Short name for commands, e.g. `innovation` in `link innovation`',
    nameSv: 'Name in Swedish',
    nameEn: 'Name in English (empty = same as Swedish)',
    description: 'Description (optional)',
    relaxed: 'Relaxed benefit requirements (like the innovation portfolio)',
    open: 'Open for new applications',
    partsTitle: 'Parts',
    partsIntro:
      'The portfolio\'s money is split into parts whose shares are set with the frame. Give a part its own name if you call it something else, and open or close it. A part that exists can be closed but not removed.',
    partState: '{part}',
    partNameSv: 'Own name in Swedish (empty = {part})',
    partNameEn: 'Own name in English',
    stateOpen: 'Open',
    stateClosed: 'Closed',
    stateNone: 'Not included',
    save: 'Save',
    createAction: 'Create portfolio',
    back: 'Back to the portfolios',
    fixBelow: 'Correct what is marked below.',
    errors: {
      required: {
        number: 'Type the portfolio\'s number, e.g. 6.',
        key: 'Type a short name, e.g. `innovation`.',
        nameSv: 'Type the portfolio\'s name.',
      },
      too_long: 'At most {max} characters.',
      name_taken: 'Portfolio {number} already has that name. Choose another name.',
      number_invalid: 'The number must be a whole number from 1 to {max}.',
      number_taken: 'There is already a portfolio number {number}. Choose another number.',
      key_invalid:
        'The short name must start with a letter and have only the letters a–z, digits and hyphens (2–30 characters).',
      key_taken: 'Portfolio {number} already has that short name. Choose another.',
      parts_none: 'Choose at least one part that is in the portfolio (Open or Closed).',
      part_remove: 'A part that exists cannot be removed – choose Closed instead.',
    },
  },
  wizard: {
    title: 'New application',
    noOpenPortfolio:
      'There is no open portfolio to apply to right now. The project office has been told.',
  },
  office: {
    noOpenTitle: 'Someone wanted to apply, but no portfolio is open',
    noOpenText:
      '{applicant} tried to start an application on {day}, but there is no open portfolio. Type **manage portfolios** to create or open one, or start the bot with the production seed (`SEED_FILE=deployment/seed/production-seed.json`). You get at most one such message a day.',
  },
};

export const portfolioStrings = { sv, en };

/** The portfolio-management strings for a locale. */
export function portfolioText(locale: Locale): PortfolioStrings {
  return locale === 'en' ? en : sv;
}
