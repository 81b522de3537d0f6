// The distribution pages load on first visit, in chunks of their own: customers' pages do not carry them.
import { lazy, Suspense } from 'react';

const Portal = lazy(() => import('./portal.tsx').then((m) => ({ default: m.DistributorPortal })));
const SignIn = lazy(() => import('./sign-in.tsx').then((m) => ({ default: m.DistributorSignIn })));
const Desk = lazy(() => import('./operator-desk.tsx').then((m) => ({ default: m.DistributionDeskPage })));

export const DistributorPortal = () => <Suspense fallback={null}><Portal /></Suspense>;
export const DistributorSignIn = () => <Suspense fallback={null}><SignIn /></Suspense>;
export const DistributionDeskPage = () => <Suspense fallback={null}><Desk /></Suspense>;
