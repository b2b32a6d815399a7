/** Routes of the directory API: organisations, services, capacity, taxonomy, claims and concerns; each validates, calls one domain function, presents. */
import { Router, type Response } from 'express';
import type { AppDeps } from '../../app';
import { AppError } from '../../errors';
import { parseBody, parseOr400, parseQuery } from '../../middleware/validate';
import {
  CapacityBody,
  ClaimBody,
  ConcernBody,
  ConcernListQuery,
  ConcernMessageBody,
  DecisionBody,
  IdParams,
  OrganizationBody,
  OrganizationPatch,
  OrganizationSearchQuery,
  ServiceBody,
  TaxonomyTermBody,
  TaxonomyTermPatch,
} from '../../../shared/schemas/directory';
import { z } from 'zod';
import { singleLine } from '../../../shared/schemas/common';
import { createMailer } from '../email';
import { deliverReopenEmails } from '../demand';
import * as domain from './domain';

const LinkParams = z.object({ token: singleLine().min(1).max(4096) });

const escapeHtml = (v: string) =>
  v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} – Signpost</title></head>` +
  `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

/** A plain HTML confirm page for browsers that open the API link directly (the client page is the usual route). */
function capacityLinkPage(link: Awaited<ReturnType<typeof domain.describeCapacityLink>>, applyHref: string): string {
  const service = escapeHtml(link.service.name);
  if (!link.canApply)
    return page(
      'Nothing to confirm yet',
      `<p>${service} has no capacity recorded yet, so it cannot be confirmed. Use one of the other links.</p>`,
    );
  return page(
    `Update ${link.service.name}`,
    `<p>Set the capacity of <strong>${service}</strong> to <strong>${escapeHtml(link.actionLabel)}</strong>?</p>` +
      `<form method="post" action="${escapeHtml(applyHref)}"><button type="submit">Yes, ${escapeHtml(
        link.actionLabel.toLowerCase(),
      )}</button></form><p>This link works until ${escapeHtml(link.expiresAt)}.</p>`,
  );
}

/** The HTML answer to a form-posted apply. */
const capacityLinkDonePage = (r: { service: { name: string }; capacity: { label: string | null } }) =>
  page(
    'Thank you',
    `<p>${escapeHtml(r.service.name)} now shows <strong>${escapeHtml(r.capacity.label ?? '')}</strong>, ` +
      `confirmed just now.</p>`,
  );

const StatusQuery = z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() });

/** Writes must not be cached; a 412 carries the current ETag so the client can retry. */
async function versioned<T extends { etag: string }>(res: Response, run: () => Promise<T>): Promise<T> {
  res.set('Cache-Control', 'no-store');
  try {
    const result = await run();
    res.set('ETag', result.etag);
    return result;
  } catch (err) {
    if (err instanceof AppError && err.code === 'stale_version') res.set('ETag', String(err.options.extra?.etag));
    throw err;
  }
}

/** The directory router. */
export function directoryRouter({ database, config, mailer: givenMailer, logger }: AppDeps): Router {
  const router = Router();
  const db = database.db;
  const mailer = givenMailer ?? createMailer(config);
  /** After a capacity write commits: email link workers waiting for this service to reopen (never fails the write). */
  const notifyReopened = async (serviceId: string) => {
    try {
      await deliverReopenEmails({ db, mailer, publicBaseUrl: config.publicBaseUrl, serviceId });
    } catch (err) {
      logger.error({ err, serviceId }, 'reopen emails failed; retried on the next capacity write');
    }
  };
  const staleDays = config.capacityStaleDays;
  const id = (params: unknown) => parseOr400(IdParams, params).id;

  // Taxonomy
  router.get('/api/taxonomy', async (_req, res) => {
    res.json({ terms: await domain.getTaxonomy({ db }) });
  });
  router.post('/api/admin/taxonomy', async (req, res) => {
    const body = parseBody(TaxonomyTermBody, req);
    res.status(201).json(await domain.createTaxonomyTerm({ db, actor: req.actor, body }));
  });
  router.patch('/api/admin/taxonomy/:id', async (req, res) => {
    const patch = parseBody(TaxonomyTermPatch, req);
    res.json(await domain.updateTaxonomyTerm({ db, actor: req.actor, id: id(req.params), patch }));
  });
  router.delete('/api/admin/taxonomy/:id', async (req, res) => {
    await domain.deleteTaxonomyTerm({ db, actor: req.actor, id: id(req.params) });
    res.status(204).end();
  });

  // Organisations and claims
  router.get('/api/my/organizations', async (req, res) => {
    res
      .set('Cache-Control', 'no-store')
      .json({ organizations: await domain.listMyOrganizations({ db, actor: req.actor, staleDays }) });
  });
  router.get('/api/organizations', async (req, res) => {
    const { q } = parseQuery(OrganizationSearchQuery, req);
    res.set('Cache-Control', 'no-cache').json({ organizations: await domain.searchOrganizations({ db, q }) });
  });
  router.get('/api/my/claims', async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ claims: await domain.listMyClaims({ db, actor: req.actor }) });
  });
  router.post('/api/organizations', async (req, res) => {
    const body = parseBody(OrganizationBody, req);
    res.status(201).json(await domain.createOrganization({ db, actor: req.actor, body }));
  });
  router.get('/api/organizations/:id', async (req, res) => {
    res.json(await domain.getOrganization({ db, actor: req.actor, staleDays, id: id(req.params) }));
  });
  router.patch('/api/organizations/:id', async (req, res) => {
    const patch = parseBody(OrganizationPatch, req);
    res.json(await domain.updateOrganization({ db, actor: req.actor, id: id(req.params), patch }));
  });
  router.get('/api/admin/organizations', async (req, res) => {
    const { status } = parseQuery(StatusQuery, req);
    res.json({ organizations: await domain.listOrganizationsForReview({ db, actor: req.actor, status }) });
  });
  router.post('/api/admin/organizations/:id/decision', async (req, res) => {
    const decision = parseBody(DecisionBody, req);
    res.json(await domain.decideOrganization({ db, actor: req.actor, id: id(req.params), decision }));
  });
  router.post('/api/organizations/:id/claims', async (req, res) => {
    const { evidence } = parseBody(ClaimBody, req);
    res.status(201).json(await domain.claimOrganization({ db, actor: req.actor, id: id(req.params), evidence }));
  });
  router.get('/api/admin/claims', async (req, res) => {
    res.json({ claims: await domain.listClaims({ db, actor: req.actor }) });
  });
  router.post('/api/admin/claims/:id/decision', async (req, res) => {
    const decision = parseBody(DecisionBody, req);
    res.json(await domain.decideClaim({ db, actor: req.actor, id: id(req.params), decision }));
  });

  // Services
  router.post('/api/organizations/:id/services', async (req, res) => {
    const body = parseBody(ServiceBody, req);
    const organizationId = id(req.params);
    const result = await versioned(res, () =>
      domain.createService({ db, actor: req.actor, staleDays, organizationId, body }),
    );
    res.status(201).location(`/api/services/${result.service.id}`).json(result.service);
  });
  router.get('/api/services/:id', async (req, res) => {
    const result = await domain.getService({ db, actor: req.actor, staleDays, id: id(req.params) });
    res.set('ETag', result.etag).set('Cache-Control', 'no-cache').json(result.service);
  });
  router.put('/api/services/:id', async (req, res) => {
    const body = parseBody(ServiceBody, req);
    const serviceId = id(req.params);
    const result = await versioned(res, () =>
      domain.replaceService({ db, actor: req.actor, staleDays, id: serviceId, body, ifMatch: req.get('If-Match') }),
    );
    res.json(result.service);
  });
  router.delete('/api/services/:id', async (req, res) => {
    const serviceId = id(req.params);
    await versioned(res, () =>
      domain.removeService({ db, actor: req.actor, id: serviceId, ifMatch: req.get('If-Match') }),
    );
    res.status(204).end();
  });

  // Capacity
  router.put('/api/services/:id/capacity', async (req, res) => {
    const body = parseBody(CapacityBody, req);
    const serviceId = id(req.params);
    const result = await versioned(res, () =>
      domain.setCapacity({ db, actor: req.actor, staleDays, id: serviceId, body, ifMatch: req.get('If-Match') }),
    );
    await notifyReopened(serviceId);
    res.json(result.capacity);
  });
  router.post('/api/services/:id/capacity/confirm', async (req, res) => {
    const serviceId = id(req.params);
    const result = await versioned(res, () =>
      domain.confirmCapacity({ db, actor: req.actor, staleDays, id: serviceId, ifMatch: req.get('If-Match') }),
    );
    await notifyReopened(serviceId);
    res.json(result.capacity);
  });
  router.get('/api/services/:id/capacity/history', async (req, res) => {
    res
      .set('Cache-Control', 'no-cache')
      .json({ history: await domain.listCapacityHistory({ db, actor: req.actor, id: id(req.params) }) });
  });

  // Capacity links: anonymous, the signed token is the authority. GET is safe (mail scanners prefetch links).
  const secret = config.sessionSecret;
  const linkToken = (params: unknown) => parseOr400(LinkParams, params).token;
  router.get('/api/capacity-links/:token', async (req, res) => {
    const token = linkToken(req.params);
    const link = await domain.describeCapacityLink({ db, staleDays, secret, token });
    const apply = { method: 'POST', href: `/api/capacity-links/${token}/apply` };
    res.set('Cache-Control', 'no-store');
    if (req.accepts(['json', 'html']) === 'html') return res.type('html').send(capacityLinkPage(link, apply.href));
    res.json({ ...link, apply });
  });
  router.post('/api/capacity-links/:token/apply', async (req, res) => {
    const token = linkToken(req.params);
    const { applied, action, service, capacity } = await versioned(res, () =>
      domain.setCapacityFromLink({ db, staleDays, secret, token }),
    );
    await notifyReopened(service.id);
    const result = { applied, action, service, capacity };
    if (req.accepts(['json', 'html']) === 'html') return res.type('html').send(capacityLinkDonePage(result));
    res.json(result);
  });

  // Concerns
  router.post('/api/services/:id/concerns', async (req, res) => {
    const body = parseBody(ConcernBody, req);
    res.status(201).json(await domain.raiseConcern({ db, actor: req.actor, serviceId: id(req.params), body }));
  });
  router.get('/api/my/concerns', async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ concerns: await domain.listMyConcerns({ db, actor: req.actor }) });
  });
  router.get('/api/concerns', async (req, res) => {
    const { status, kind, icb } = parseQuery(ConcernListQuery, req);
    res
      .set('Cache-Control', 'no-store')
      .json({ concerns: await domain.listConcerns({ db, actor: req.actor, status, kind, icb }) });
  });
  router.get('/api/concerns/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await domain.getConcern({ db, actor: req.actor, id: id(req.params) }));
  });
  router.post('/api/concerns/:id/messages', async (req, res) => {
    const body = parseBody(ConcernMessageBody, req);
    res.status(201).json(await domain.replyToConcern({ db, actor: req.actor, id: id(req.params), body }));
  });
  return router;
}
