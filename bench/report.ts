// One JSON object per line: {"metric", "value", "unit", "peer"?, "peerValue"?, "ratio"?, "better"?, "agrees"?, "note"?}.
export interface Metric {
  metric: string;
  value: number;
  unit: string;
  peer?: string;
  peerValue?: number;
  /** value / peerValue: below 1 is better for times, above 1 for throughputs (see `better`). */
  ratio?: number;
  better?: 'lower' | 'higher';
  /** Whether our count equals the peer's, where both count the same thing. */
  agrees?: boolean;
  note?: string;
}

export function report(metric: Metric): void {
  const rounded: Metric = { ...metric, value: round(metric.value) };
  if (metric.peerValue !== undefined) {
    rounded.peerValue = round(metric.peerValue);
    rounded.ratio = round(metric.value / metric.peerValue);
  }
  process.stdout.write(`${JSON.stringify(rounded)}\n`);
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
