/** "Demo data — not a real directory": on every page while the demo is on (GET /api/config `demo`). */
import { useAppConfig } from '../hooks/useAppConfig';

/** The demo banner, or nothing when the demo is off or the configuration has not loaded. */
export function DemoBanner() {
  const config = useAppConfig();
  if (config.status !== 'ready' || !config.config.demo) return null;
  return (
    <div className="signpost-demo-banner" role="region" aria-label="Demo">
      <div className="nhsuk-width-container">
        <p className="nhsuk-body-s">
          <strong>Demo data — not a real directory.</strong> Real Trafford names and places; capacity, referrals and
          concerns are made up.
        </p>
      </div>
    </div>
  );
}
