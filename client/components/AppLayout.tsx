/** The frame of every page: skip link, header, main content area and footer. */
import { Suspense } from 'react';
import { Outlet } from 'react-router';
import { DemoBanner } from './DemoBanner';
import { Footer } from './Footer';
import { Header } from './Header';
import { ReferenceLoadGate } from './ReferenceLoadGate';
import { MAIN_CONTENT_ID, SkipLink } from './SkipLink';

/** Layout route element: renders the matched page inside <main>, with a loading line while a lazy page arrives, and
 * the reference data's progress instead of the page during a first start. */
export function AppLayout() {
  return (
    <>
      <SkipLink />
      <Header />
      <DemoBanner />
      <div className="nhsuk-width-container">
        <main className="nhsuk-main-wrapper signpost-main" id={MAIN_CONTENT_ID} tabIndex={-1}>
          <ReferenceLoadGate>
            <Suspense fallback={<p className="nhsuk-body">Loading…</p>}>
              <Outlet />
            </Suspense>
          </ReferenceLoadGate>
        </main>
      </div>
      <Footer />
    </>
  );
}
