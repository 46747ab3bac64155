import { Locale } from '../../services/shared/actor';

/** Swedish text for the application wizard, its summary and "mina ansökningar" (additions to sv.ts). */
const sv = {
  /** The first entry of an empty dropdown, so every client shows it (some ignore `placeholder`). */
  choosePlaceholder: 'Välj …',
  maxChars: 'Högst {max} tecken.',
  officeNoteTitle: 'Projektkontoret har begärt komplettering',
  officeNoteBy: '{name} skrev:',
  officeNoteNone: 'Komplettera stegen som är öppna och skicka in ansökan igen.',
  summaryWarning: '⚠️ {text}',
  stepWarning: '⚠️ {text}',
  savedNotice: '✅ {text}',
  errorMark: '❗ {text}',
  hoursValue: '{hours} timmar',
  percentValue: '{percent} %',
  deleteDraft: 'Ta bort utkast',
  deleteConfirm:
    'Vill du ta bort utkastet **{title}**? Allt du har skrivit i det raderas och det går inte att ångra.',
  deleteConfirmButton: 'Ja, ta bort utkastet',
  deleteCancel: 'Behåll utkastet',
  deletedTitle: 'Utkastet är borttaget',
  deletedBody: 'Utkastet **{title}** är borttaget.',
  notDraft: 'Bara utkast kan tas bort. Den här ansökan har status ”{status}”.',
};

export type ApplicationStrings = typeof sv;

const en: ApplicationStrings = {
  choosePlaceholder: 'Choose …',
  maxChars: 'At most {max} characters.',
  officeNoteTitle: 'The project office has asked for more information',
  officeNoteBy: '{name} wrote:',
  officeNoteNone: 'Complete the steps that are open and submit the application again.',
  summaryWarning: '⚠️ {text}',
  stepWarning: '⚠️ {text}',
  savedNotice: '✅ {text}',
  errorMark: '❗ {text}',
  hoursValue: '{hours} hours',
  percentValue: '{percent} %',
  deleteDraft: 'Delete draft',
  deleteConfirm:
    'Do you want to delete the draft **{title}**? Everything you wrote in it is removed and this cannot be undone.',
  deleteConfirmButton: 'Yes, delete the draft',
  deleteCancel: 'Keep the draft',
  deletedTitle: 'The draft is deleted',
  deletedBody: 'The draft **{title}** is deleted.',
  notDraft: 'Only drafts can be deleted. This application has the status “{status}”.',
};

export const applicationStrings = { sv, en };

/** The wizard's additional strings in the person's language. */
export function applicationText(locale: Locale): ApplicationStrings {
  return applicationStrings[locale] ?? sv;
}
