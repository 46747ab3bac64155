import { PARTS } from '../applications/wizard-steps';
import type { PartBudgets, PartShares } from './types';

/** Thrown when the frame or shares cannot be split into part budgets. */
export class PartBudgetError extends Error {}

/**
 * Splits a portfolio's frame into its three part budgets so that they sum to the frame to the
 * krona: each part gets floor(frame × share / 100), and the kronor left over by the rounding go
 * one each to the parts with the largest fractional remainders (largest-remainder method; ties in
 * part order innovation, improvement, maintenance). Shares are percent and must sum to 100.
 */
export function partBudgets(frame: number, shares: PartShares): PartBudgets {
  if (!Number.isSafeInteger(frame) || frame < 0) {
    throw new PartBudgetError(`frame must be a non-negative whole number of kronor: ${frame}`);
  }
  let shareSum = 0;
  for (const part of PARTS) {
    const share = shares[part];
    if (!Number.isFinite(share) || share < 0) {
      throw new PartBudgetError(`share of ${part} must be a non-negative number: ${share}`);
    }
    shareSum += share;
  }
  if (Math.abs(shareSum - 100) > 1e-9) {
    throw new PartBudgetError(`shares must sum to 100, not ${shareSum}`);
  }
  const exact = PARTS.map((part) => (frame * shares[part]) / 100);
  const floors = exact.map((x) => Math.floor(x + 1e-9));
  let left = frame - floors.reduce((a, b) => a + b, 0);
  const order = PARTS.map((_, i) => i).sort(
    (a, b) => exact[b] - floors[b] - (exact[a] - floors[a]) || a - b,
  );
  for (let k = 0; left > 0; k = (k + 1) % order.length, left -= 1) floors[order[k]] += 1;
  for (let k = 0; left < 0; k = (k + 1) % order.length) {
    const i = order[order.length - 1 - k];
    if (floors[i] > 0) {
      floors[i] -= 1;
      left += 1;
    }
  }
  return { innovation: floors[0], improvement: floors[1], maintenance: floors[2] };
}
