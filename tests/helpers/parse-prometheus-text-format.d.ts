/** The small part of parse-prometheus-text-format's API the metrics tests use (the package ships no types). */
declare module 'parse-prometheus-text-format' {
  /** One sample of a counter, gauge or untyped family. */
  interface Sample {
    value: string;
    labels?: Record<string, string>;
  }
  /** One labelled histogram: cumulative counts per upper bound, then count and sum. */
  interface HistogramSample {
    labels?: Record<string, string>;
    buckets: Record<string, string>;
    count: string;
    sum: string;
  }
  /** One metric family. */
  interface Family {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: (Sample | HistogramSample)[];
  }
  /** Parses the Prometheus text exposition format; throws on malformed input. */
  export default function parsePrometheusTextFormat(text: string): Family[];
}
