/** Routes of the accounts API: /api/auth/… (sign-in, sign-out, me, passwords, invites) and /api/admin/users, /api/admin/invites. */
import { Router, type RequestHandler, type Response } from 'express';
import type { AppDeps } from '../../app';
import { parseBody, parseOr400, parseQuery } from '../../middleware/validate';
import { dbRateLimit, perMinuteLimit } from '../../middleware/rateLimit';
import { DbRateLimitStore } from '../../middleware/rateLimitStore';
import { AppError } from '../../errors';
import {
  AdminUserListQuery,
  ChangePasswordBody,
  InviteBody,
  PasswordResetRequestBody,
  SignInBody,
  TokenPasswordBody,
  UpdateUserBody,
  UserParams,
} from '../../../shared/schemas/accounts';
import { createMailer } from '../email';
import { requireRole } from './actor';
import { readCookie, SESSION_COOKIE, SESSION_TTL_MS } from './session';
import type { NewSession } from './domain';
import * as domain from './domain';
import { ACCOUNT_WINDOW_MS, emailKey, PAIR_MAX_FAILURES, PAIR_WINDOW_MS, pairKey, signInDelayMs } from './throttle';

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The accounts router. */
export function accountsRouter({ database, config, mailer: givenMailer, logger, sleep = wait }: AppDeps): Router {
  const router = Router();
  const db = database.db;
  const mailer = givenMailer ?? createMailer(config);
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.nodeEnv === 'production',
    path: '/',
  };
  const setSessionCookie = (res: Response, session: NewSession) =>
    res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions, maxAge: SESSION_TTL_MS });
  // Auth limits fail closed: when the counters cannot be read, sign-in and token endpoints answer 503, never unlimited.
  // RATE_LIMIT_AUTH_PER_MINUTE=0 turns every one of them off (tests and benchmarks); see docs/security.md.
  const throttled = config.rateLimitAuthPerMinute > 0;
  const unavailableMessage = 'Signing in is unavailable right now: try again in a minute';
  // Per address across accounts (credential stuffing): failures only, so people sharing an address can still sign in.
  const signInLimit = perMinuteLimit({
    db,
    logger,
    name: 'auth',
    perMinute: config.rateLimitAuthPerMinute,
    countOnlyFailures: true,
    what: 'failed sign-ins from your address',
    onStoreError: 'refuse',
  });
  // Per (address, email) pair: refuses the guesser's address only; the owner elsewhere is unaffected.
  const pairLimit = dbRateLimit({
    db,
    logger,
    name: 'signin-pair',
    limit: throttled ? PAIR_MAX_FAILURES : 0,
    windowMs: PAIR_WINDOW_MS,
    countOnlyFailures: true,
    what: 'failed sign-ins for this email from your address',
    onStoreError: 'refuse',
    keyGenerator: pairKey,
  });
  // Per email from any address: a slow-down (signInDelayMs), never a lock, so the owner can always still sign in.
  const emailFailures = new DbRateLimitStore(db, {
    prefix: 'signin-email:',
    windowMs: ACCOUNT_WINDOW_MS,
    onError: 'refuse',
    logger,
    unavailableMessage,
  });
  // Token endpoints count every attempt (email bombing, token guessing).
  const tokenLimit = perMinuteLimit({
    db,
    logger,
    name: 'token',
    perMinute: config.rateLimitAuthPerMinute,
    what: 'password and invite requests from your address',
    onStoreError: 'refuse',
  });

  if (config.nodeEnv === 'production' && mailer.kind === 'record-only') {
    logger.warn('SMTP_URL is not set: invite and password-reset emails are recorded but not sent');
  }
  // Authorisation is enforced again in the domain; checking first here means outsiders get 401/403, not 400s about input.
  const adminOnly: RequestHandler = (req, res, next) => {
    requireRole(req.actor, 'admin');
    res.set('Cache-Control', 'no-store');
    next();
  };

  router.use('/api/auth', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/api/auth/sign-in', signInLimit, pairLimit, async (req, res) => {
    const { email, password } = parseBody(SignInBody, req);
    const previousToken = readCookie(req.headers.cookie, SESSION_COOKIE);
    // Keyed on the email as typed (normalised), so an unknown email is throttled exactly like a known one.
    const account = emailKey(email);
    if (throttled) {
      const delay = signInDelayMs((await emailFailures.get(account))?.totalHits ?? 0);
      if (delay > 0) await sleep(delay);
    }
    let signedIn: Awaited<ReturnType<typeof domain.signIn>>;
    try {
      signedIn = await domain.signIn({ db, email, password, previousToken });
    } catch (err) {
      if (throttled && err instanceof AppError && err.code === 'sign_in_failed') await emailFailures.increment(account);
      throw err;
    }
    // The owner's own typos from this address are forgiven; the email's slow-down runs out with its window.
    await pairLimit.resetKey(pairKey(req));
    const { user, session } = signedIn;
    setSessionCookie(res, session);
    res.json({ user, csrfToken: session.csrfToken });
  });

  router.post('/api/auth/sign-out', async (req, res) => {
    await domain.signOut({ db, token: readCookie(req.headers.cookie, SESSION_COOKIE) });
    res.clearCookie(SESSION_COOKIE, cookieOptions).status(204).end();
  });

  router.get('/api/auth/me', async (req, res) => {
    const user = await domain.getCurrentUser({ db, actor: req.actor });
    res.json({ user, csrfToken: user ? (req.csrfToken ?? null) : null });
  });

  router.post('/api/auth/password', tokenLimit, async (req, res) => {
    const { currentPassword, newPassword } = parseBody(ChangePasswordBody, req);
    await domain.changePassword({
      db,
      actor: req.actor,
      currentPassword,
      newPassword,
      sessionToken: readCookie(req.headers.cookie, SESSION_COOKIE) ?? '',
    });
    res.status(204).end();
  });

  router.post('/api/auth/password-reset/request', tokenLimit, async (req, res) => {
    const { email } = parseBody(PasswordResetRequestBody, req);
    // Answer before doing the work, so neither the status nor the timing says whether the account exists.
    res.status(202).json({ message: 'If an account has this email, we have sent it a link to reset the password.' });
    domain.requestPasswordReset({ db, mailer, publicBaseUrl: config.publicBaseUrl, email }).catch((err: unknown) => {
      logger.error({ err }, 'password reset request failed');
    });
  });

  router.post('/api/auth/password-reset/complete', tokenLimit, async (req, res) => {
    const { token, password } = parseBody(TokenPasswordBody, req);
    await domain.completePasswordReset({ db, token, password });
    res.clearCookie(SESSION_COOKIE, cookieOptions).status(204).end();
  });

  router.post('/api/auth/invite/accept', tokenLimit, async (req, res) => {
    const { token, password } = parseBody(TokenPasswordBody, req);
    const { user, session } = await domain.acceptInvite({ db, token, password });
    setSessionCookie(res, session);
    res.status(201).json({ user, csrfToken: session.csrfToken });
  });

  router.post('/api/admin/invites', adminOnly, async (req, res) => {
    const input = parseBody(InviteBody, req);
    const result = await domain.inviteUser({
      db,
      mailer,
      publicBaseUrl: config.publicBaseUrl,
      actor: req.actor,
      input,
    });
    res.status(201).json(result);
  });

  router.get('/api/admin/users', adminOnly, async (req, res) => {
    const { role, status } = parseQuery(AdminUserListQuery, req);
    res.json(await domain.listUsers({ db, actor: req.actor, role, status }));
  });

  router.patch('/api/admin/users/:id', adminOnly, async (req, res) => {
    const { id } = parseOr400(UserParams, req.params);
    const changes = parseBody(UpdateUserBody, req);
    res.json({ user: await domain.updateUser({ db, actor: req.actor, id, changes }) });
  });

  return router;
}
