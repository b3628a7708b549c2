import type { RecordedDetection } from './decision-recorder.js';

/** What made protection answer less than it should. */
export type DegradationKind = 'fail-mode' | 'store-write' | 'store-slow' | 'overload';

export const PROTECTION_DEGRADED_DETECTOR = 'protection-degraded';

/** An episode ends after this long without a new report; the next report opens a new one. */
export const DEGRADATION_QUIET_MS = 5 * 60_000;

interface Episode {
  start: Date;
  last: number;
  counts: Record<DegradationKind, number>;
  /** The alert is still to be stored (not raised yet, or its record was lost). */
  pending: boolean;
}

/**
 * Turns fail-mode answers, overloads and store write failures into one "protection degraded" alert
 * per episode: the first report of an episode raises it (high severity, so its incident reaches the
 * SOC channel through the outbox like any other); further reports within the episode only count.
 * The alert travels with the next decision the recorder stores, so a store that failed and recovered
 * still receives it.
 */
export class DegradationMonitor {
  private episode: Episode | null = null;

  constructor(private readonly quietMs: number = DEGRADATION_QUIET_MS) {}

  report(kind: DegradationKind, now: Date): void {
    const t = now.getTime();
    if (!this.episode || t - this.episode.last > this.quietMs) {
      this.episode = {
        start: now,
        last: t,
        counts: { 'fail-mode': 0, 'store-write': 0, 'store-slow': 0, overload: 0 },
        pending: true,
      };
    }
    this.episode.last = t;
    this.episode.counts[kind]++;
  }

  /** The episode's alert when it is still to be stored; hand it back with `lost` if its write fails. */
  take(now: Date): RecordedDetection | null {
    const e = this.episode;
    if (!e?.pending) return null;
    e.pending = false;
    const what = (Object.entries(e.counts) as [DegradationKind, number][])
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${DESCRIPTIONS[k]}`)
      .join(', ');
    return {
      detectorId: PROTECTION_DEGRADED_DETECTOR,
      title: 'Tool-call protection degraded',
      description:
        `Since ${e.start.toISOString()}: ${what}. Tool calls may have been answered by the fail mode ` +
        'or decided without being stored; Copilot Studio allows a call when the webhook is late or fails.',
      category: 'DefenseEvasion',
      severity: 'high',
      mitreTechniques: ['T1562'],
      recommendedActions:
        'Check the server log and the database; look at fail-mode events (GET /api/v1/events) for calls decided without the full policy.',
      evidence: [],
      // One alert per episode: the episode's start is part of the key.
      dedupKey: `${PROTECTION_DEGRADED_DETECTOR}|${e.start.toISOString()}`,
      at: now.toISOString(),
      eventIds: [],
    };
  }

  /** The record carrying the alert was not stored: raise it again with the next one. */
  lost(detection: RecordedDetection): void {
    if (this.episode && detection.dedupKey === `${PROTECTION_DEGRADED_DETECTOR}|${this.episode.start.toISOString()}`) {
      this.episode.pending = true;
    }
  }
}

const DESCRIPTIONS: Record<DegradationKind, string> = {
  'fail-mode': 'decision(s) answered by the fail mode',
  'store-write': 'decision(s) that could not be stored',
  'store-slow': 'answer(s) sent before the store committed them',
  overload: 'call(s) over the queue limit',
};
