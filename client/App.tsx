/** The client's routes: one page per journey, sign-in and a 404, inside the shared NHS.UK layout. */
import { lazy } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AppLayout } from './components/AppLayout';
import { HomePage } from './pages/HomePage';
import { MyOrganisationPage } from './pages/MyOrganisationPage';
import { NeedConcernsPage } from './pages/NeedConcernsPage';
import { NeedPage } from './pages/NeedPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SignInPage } from './pages/SignInPage';
import { AcceptInvitePage } from './pages/AcceptInvitePage';
import { ResetPasswordPage } from './pages/ResetPasswordPage';
import { ServicePage } from './pages/ServicePage';
import { UnmetNeedPage } from './pages/UnmetNeedPage';
import { ServiceEditorPage } from './pages/ServiceEditorPage';
import { AdminPage } from './pages/AdminPage';
import { AdminOutboxPage } from './pages/AdminOutboxPage';
import { AdminTaxonomyPage } from './pages/AdminTaxonomyPage';
import { AdminImportsPage } from './pages/AdminImportsPage';
import { AdminSpreadsheetImportPage } from './pages/AdminSpreadsheetImportPage';
import { CapacityLinkPage } from './pages/CapacityLinkPage';
import { NewOrganisationPage } from './pages/NewOrganisationPage';
import { ClaimOrganisationPage, FindOrganisationToClaimPage } from './pages/ClaimOrganisationPage';
import { SessionProvider } from './hooks/useSession';
import { SIGN_IN_PATH } from './journeys';

// Leaflet (about 150 kB) only loads when someone opens a map page.
const FindServicesPage = lazy(() => import('./pages/FindServicesPage').then((m) => ({ default: m.FindServicesPage })));
const FindPrintPage = lazy(() => import('./pages/FindPrintPage').then((m) => ({ default: m.FindPrintPage })));

/** Root component: the router and its routes. */
export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Routes>
          <Route element={<AppLayout />}>
            <Route index element={<HomePage />} />
            <Route path="find" element={<FindServicesPage />} />
            <Route path="find/print" element={<FindPrintPage />} />
            <Route path="my-organisation" element={<MyOrganisationPage />} />
            <Route path="my-organisation/services/new" element={<ServiceEditorPage />} />
            <Route path="my-organisation/services/:id/edit" element={<ServiceEditorPage />} />
            <Route path="organisations/new" element={<NewOrganisationPage />} />
            <Route path="organisations/claim" element={<FindOrganisationToClaimPage />} />
            <Route path="organisations/:id/claim" element={<ClaimOrganisationPage />} />
            <Route path="need" element={<NeedPage />} />
            <Route path="need/concerns" element={<NeedConcernsPage />} />
            <Route path={SIGN_IN_PATH.slice(1)} element={<SignInPage />} />
            <Route path="reset-password" element={<ResetPasswordPage />} />
            <Route path="accept-invite" element={<AcceptInvitePage />} />
            <Route path="services/:id" element={<ServicePage />} />
            <Route path="unmet-need" element={<UnmetNeedPage />} />
            <Route path="admin" element={<AdminPage />} />
            <Route path="admin/outbox" element={<AdminOutboxPage />} />
            <Route path="admin/taxonomy" element={<AdminTaxonomyPage />} />
            <Route path="admin/imports" element={<AdminImportsPage />} />
            <Route path="admin/imports/spreadsheet" element={<AdminSpreadsheetImportPage />} />
            <Route path="capacity-link" element={<CapacityLinkPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  );
}
