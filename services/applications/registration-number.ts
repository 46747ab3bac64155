/** Registration number parts: the fiscal year and the running number within that year. */
export interface RegistrationNumber {
  year: number;
  seq: number;
}

const REGISTRATION_PATTERN = /^pk ?-? ?(\d{4}) ?\/ ?0*(\d{1,9})$/i;

/** Formats the number an application gets when registered (diarieförd), e.g. 'PK 2026/0042'. */
export function formatRegistrationNumber(year: number, seq: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new RangeError(`Invalid registration year: ${year}`);
  }
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new RangeError(`Invalid registration sequence number: ${seq}`);
  }
  return `PK ${year}/${String(seq).padStart(4, '0')}`;
}

/**
 * Reads a registration number typed by a user ('pk 2026/42', 'PK2026/0042'), so commands can
 * refer to an application by the number on its papers. Returns null when it is not one.
 */
export function parseRegistrationNumber(s: string): RegistrationNumber | null {
  if (typeof s !== 'string') return null;
  const match = REGISTRATION_PATTERN.exec(s.replace(/\s+/g, ' ').trim());
  if (!match) return null;
  const year = Number(match[1]);
  const seq = Number(match[2]);
  if (year < 1000 || seq < 1) return null;
  return { year, seq };
}
