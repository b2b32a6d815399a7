/**
 * Demo routes: GET /api/demo (whether the demo is on and its one-click accounts) and POST /api/demo/sign-in
 * (one-click sign-in as a demo account of a role). Both answer "off" / 404 unless the demo's accounts are in the
 * database, outside production, with DEMO not off.
 */
import { Router } from 'express';
import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '../../app';
import { schema } from '../../db';
import { AppError } from '../../errors';
import { parseBody } from '../../middleware/validate';
import { ROLES } from '../../../shared/roles';
import {
  createSession,
  findUserWithOrgs,
  presentUser,
  readCookie,
  revokeSession,
  SESSION_COOKIE,
  SESSION_TTL_MS,
} from '../accounts';
import { DEMO_ACCOUNTS, demoPresent } from './seed';
import { demoOneClickAllowed } from './rules';

const DemoSignInBody = z.object({ role: z.enum(ROLES) }).strict();

/** Whether the demo is on for this app: allowed by the configuration and its accounts are in the database. */
export async function demoIsOn(deps: Pick<AppDeps, 'config' | 'database'>): Promise<boolean> {
  return demoOneClickAllowed(deps.config) && (await demoPresent(deps.database.db));
}

/** The demo router. */
export function demoRouter(deps: AppDeps): Router {
  const router = Router();
  const db = deps.database.db;
  const notOn = () => new AppError(404, 'not_found', 'The demo is not on.');

  router.get('/api/demo', async (_req, res) => {
    const on = await demoIsOn(deps);
    res.json({
      on,
      accounts: on
        ? DEMO_ACCOUNTS.filter((a) => a.oneClick).map((a) => ({ role: a.role, name: a.name, email: a.email }))
        : [],
    });
  });

  router.post('/api/demo/sign-in', async (req, res) => {
    if (!demoOneClickAllowed(deps.config)) throw notOn();
    const { role } = parseBody(DemoSignInBody, req);
    const account = DEMO_ACCOUNTS.find((a) => a.oneClick && a.role === role)!;
    const [user] = await db
      .select({ id: schema.users.id, status: schema.users.status })
      .from(schema.users)
      .where(and(eq(schema.users.email, account.email), eq(schema.users.demo, true)));
    if (!user || user.status !== 'active') throw notOn();
    const previous = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (previous) await revokeSession(db, previous);
    const session = await createSession(db, user.id);
    res.cookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.config.nodeEnv === 'production',
      path: '/',
      maxAge: SESSION_TTL_MS,
    });
    res.json({ user: presentUser((await findUserWithOrgs(db, user.id))!), csrfToken: session.csrfToken });
  });

  return router;
}
