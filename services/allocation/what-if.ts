import type { AllocationItem } from './types';

/** One change the chair tries on the proposal; `null` clears an earlier change. */
export interface WhatIf {
  itemId: string;
  forced?: 'in' | 'out' | null;
  reducedAmount?: number | null;
  reason?: string;
}

/**
 * Applies the chair's what-ifs to a copy of the items, so the proposal can be recomputed
 * without touching the applications themselves. Unknown ids are ignored.
 */
export function withWhatIfs(
  items: readonly AllocationItem[],
  changes: readonly WhatIf[],
): AllocationItem[] {
  const byId = new Map(changes.map((c) => [c.itemId, c]));
  return items.map((item) => {
    const change = byId.get(item.id);
    if (!change) return item;
    const next: AllocationItem = { ...item };
    if (change.forced === null) delete next.forced;
    else if (change.forced !== undefined) next.forced = change.forced;
    if (change.reducedAmount === null) delete next.reducedAmount;
    else if (change.reducedAmount !== undefined) next.reducedAmount = change.reducedAmount;
    if (change.reason !== undefined) next.reason = change.reason;
    return next;
  });
}
