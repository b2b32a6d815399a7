/**
 * On a first start the server loads England's reference data (about a minute) while already serving. Pages opened
 * then would wait for it, so while /healthz says it is loading, every page shows the load's progress instead, and the
 * page itself once it is done.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { fetchStartupLoading, type StartupLoading } from '../api/config';
import { usePageTitle } from '../hooks/usePageTitle';

/** Poll interval while the load runs. */
const POLL_MS = 1000;

const STEP_NAMES: Record<string, string> = {
  practices: 'GP practices and primary care networks',
  boundaries: 'ICB boundaries',
  lsoas: 'neighbourhood need (LSOAs)',
  age_profile: 'age profiles',
  workforce: 'link-worker workforce',
  postcodes: 'postcodes',
  catchments: 'PCN catchments',
  profiles: 'area profiles',
};

function LoadingReferenceData({ loading }: { loading: StartupLoading }) {
  usePageTitle('Loading reference data');
  const percent = loading.percent ?? 0;
  const step = loading.step ? (STEP_NAMES[loading.step] ?? loading.step) : undefined;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <h1 className="nhsuk-heading-l">Signpost is getting ready</h1>
        <p className="nhsuk-body">
          This is Signpost&apos;s first start: it is loading England&apos;s reference data (GP practices, PCNs, need and
          postcodes). This takes about a minute and happens once. This page carries on by itself when it is done.
        </p>
        <div className="signpost-progress">
          <label className="nhsuk-label" htmlFor="reference-load-progress">
            Loading England&apos;s reference data
          </label>
          <progress className="signpost-progress__bar" id="reference-load-progress" max={100} value={percent}>
            {percent}%
          </progress>
          <p className="nhsuk-body" role="status" aria-live="polite">
            Loading England&apos;s reference data — {percent} %{step ? ` (now: ${step})` : ''}
          </p>
        </div>
      </div>
    </div>
  );
}

/** Renders `children`, or the reference-data load's progress while the server says it is loading. */
export function ReferenceLoadGate({ children }: { children: ReactNode }) {
  const [loading, setLoading] = useState<StartupLoading | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      let next: StartupLoading | null;
      try {
        next = await fetchStartupLoading(controller.signal);
      } catch {
        if (controller.signal.aborted) return;
        next = null; // Unreachable or odd answer: the page reports its own errors.
      }
      if (controller.signal.aborted) return;
      setLoading(next);
      if (next) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, []);
  return loading ? <LoadingReferenceData loading={loading} /> : <>{children}</>;
}
