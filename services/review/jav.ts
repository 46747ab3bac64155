import { ApplicationDoc } from '../applications/application';
import { normalizeCommand } from '../shared/text';
import { JavFlag } from './review-types';

/** What is known about a member when checking for a possible conflict of interest. */
export interface MemberFacts {
  aadObjectId: string;
  name?: string;
  email?: string;
  organisation?: string;
  department?: string;
}

/** A name folded for comparison: no case, accents, spaces, hyphens or punctuation. */
function folded(name: string): string {
  let f = foldedNames.get(name);
  if (f === undefined) {
    f = normalizeCommand(name).replace(/[\s\p{P}\p{S}]+/gu, '');
    // Names repeat (a few hundred organisations and owners): the search for double counting
    // compares each candidate's four names, so they are folded once.
    if (foldedNames.size >= MAX_FOLDED_NAMES) foldedNames.clear();
    foldedNames.set(name, f);
  }
  return f;
}

const MAX_FOLDED_NAMES = 10_000;
const foldedNames = new Map<string, string>();

/**
 * Compares names of people and organisations without case, accents, spacing or punctuation
 * ("Utbildnings­förvaltningen " as typed in the wizard is the profile's "utbildningsförvaltningen").
 */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = folded(a);
  return x.length > 0 && x === folded(b);
}

function organisationsOf(app: ApplicationDoc): string[] {
  const d = app.data;
  const main = d?.organisation ?? app.inputs.organisation ?? '';
  const partners = (d?.crossOrganisational ? (d.partnerOrganisations ?? '') : '')
    .split(/[,;\n]/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
  return [main.trim(), ...partners].filter((x) => x.length > 0);
}

/**
 * Flags a member who may be conflicted (kommunallagen 6 kap. 28 §): the applicant, the contact
 * person, or someone belonging to the applying (or a partner) organisation. The member must
 * confirm; applicant and contact person cannot declare themselves free of jäv.
 */
export function javFlags(app: ApplicationDoc, member: MemberFacts): JavFlag[] {
  const flags: JavFlag[] = [];
  const id = member.aadObjectId.toLowerCase();
  if (app.ownerId === id) flags.push({ kind: 'applicant' });
  const contactEmail = (app.data?.contactEmail ?? app.inputs.contactEmail ?? '')
    .trim()
    .toLowerCase();
  const contactName = app.data?.contactName ?? app.inputs.contactName;
  const email = member.email?.trim().toLowerCase();
  if (
    app.ownerId !== id &&
    ((email && email === contactEmail) || sameName(member.name, contactName))
  ) {
    flags.push({ kind: 'contact' });
  }
  for (const org of organisationsOf(app)) {
    if (sameName(member.organisation, org) || sameName(member.department, org)) {
      flags.push({ kind: 'organisation', detail: org });
      break;
    }
  }
  return flags;
}

/** A hard flag cannot be waived by the member: being the applicant or the contact person. */
export function hasHardFlag(flags: JavFlag[]): boolean {
  return flags.some((f) => f.kind === 'applicant' || f.kind === 'contact');
}
