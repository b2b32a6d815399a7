/** The frame of every page: skip link, header, main content area and footer. */
import { Suspense } from 'react';
import { Outlet } from 'react-router';
import { DemoBanner } from './DemoBanner';
import { Footer } from './Footer';
import { Header } from './Header';
import { MAIN_CONTENT_ID, SkipLink } from './SkipLink';

/** Layout route element: renders the matched page inside <main>, with a loading line while a lazy page arrives. */
export function AppLayout() {
  return (
    <>
      <SkipLink />
      <Header />
      <DemoBanner />
      <div className="nhsuk-width-container">
        <main className="nhsuk-main-wrapper signpost-main" id={MAIN_CONTENT_ID} tabIndex={-1}>
          <Suspense fallback={<p className="nhsuk-body">Loading…</p>}>
            <Outlet />
          </Suspense>
        </main>
      </div>
      <Footer />
    </>
  );
}
