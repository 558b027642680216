/** The confidence bands of the spec (LivePerson NLU column), lowest score of each band. */
export const ConfidenceBand = {
  VeryGood: 'VERY_GOOD',
  Good: 'GOOD',
  FairPlus: 'FAIR_PLUS',
  Fair: 'FAIR',
  Poor: 'POOR',
} as const;
export type ConfidenceBand = (typeof ConfidenceBand)[keyof typeof ConfidenceBand];

export const CONFIDENCE_THRESHOLDS = {
  VERY_GOOD: 0.75,
  GOOD: 0.6,
  FAIR_PLUS: 0.45,
  FAIR: 0.3,
  POOR: 0,
} as const satisfies Record<ConfidenceBand, number>;

export function confidenceBand(score: number): ConfidenceBand {
  if (score >= CONFIDENCE_THRESHOLDS.VERY_GOOD) return ConfidenceBand.VeryGood;
  if (score >= CONFIDENCE_THRESHOLDS.GOOD) return ConfidenceBand.Good;
  if (score >= CONFIDENCE_THRESHOLDS.FAIR_PLUS) return ConfidenceBand.FairPlus;
  if (score >= CONFIDENCE_THRESHOLDS.FAIR) return ConfidenceBand.Fair;
  return ConfidenceBand.Poor;
}

/** Only GOOD or better starts a dialog; the threshold is fixed, as in the spec. */
export function startsDialog(score: number): boolean {
  return score >= CONFIDENCE_THRESHOLDS.GOOD;
}
