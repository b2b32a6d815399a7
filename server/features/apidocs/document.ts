/**
 * The OpenAPI 3.1 document of Signpost's own API, generated from the shared zod schemas (one source of truth).
 * Every route the app registers is listed here; tests/api/openapi.test.ts compares the two both ways.
 */
import { z } from 'zod';
import { ROLES } from '../../../shared/roles';
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  extendZodWithOpenApi,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import * as accounts from '../../../shared/schemas/accounts';
import * as areas from '../../../shared/schemas/areas';
import * as demand from '../../../shared/schemas/demand';
import * as directory from '../../../shared/schemas/directory';
import * as feeds from '../../../shared/schemas/feeds';
import * as gaps from '../../../shared/schemas/gaps';
import * as oruk from '../../../shared/schemas/oruk';
import * as search from '../../../shared/schemas/search';
import { PRESET_NAMES } from '../imports';

extendZodWithOpenApi(z);

/** The document's type (OpenAPI 3.1 object). */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** Who may call an operation. */
type Access = 'public' | 'session' | 'admin' | 'metrics';

/** One endpoint as the registry table lists it. */
interface Endpoint {
  method: RouteConfig['method'];
  /** OpenAPI path: `{id}` rather than Express' `:id`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodType;
  headers?: z.ZodObject;
  /** JSON request body schema, or a media type with a plain string body. */
  body?: z.ZodType | { mediaType: string; description: string };
  /** Main success response. */
  ok?: { status?: number; description: string; schema?: z.ZodType; mediaType?: string; etag?: boolean };
  /** Other responses written out in full. */
  extra?: RouteConfig['responses'];
  /** Problem statuses the operation may answer besides the common ones. */
  problems?: number[];
}

const IdParams = directory.IdParams;
const CodeParams = areas.PcnParams;
const TokenParams = z.object({
  token: z.string().min(1).max(4096).meta({ description: 'Signed capacity-link token' }),
});
const OrukIdParams = z.object({ id: z.string().min(1).meta({ description: 'Record id (UUID)' }) });
const IfMatch = z.object({
  'If-Match': z
    .string()
    .meta({ description: 'ETag from the last read; required so that concurrent edits are refused with 412' }),
});

/** application/problem+json (RFC 9457) as the error handler writes it. */
const ProblemDetails = z
  .object({
    type: z.string().meta({ example: 'about:blank' }),
    title: z.string().meta({ example: 'Bad Request' }),
    status: z.int().meta({ example: 400 }),
    code: z.string().meta({ description: 'Stable snake_case code', example: 'validation_failed' }),
    detail: z.string(),
    instance: z.string().meta({ description: 'The request path' }),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'Each invalid field and why (400 validation_failed)' }),
  })
  .meta({ id: 'ProblemDetails', description: 'Error response (application/problem+json)' });

const Startup = z
  .object({
    state: z.enum(['ready', 'loading_reference_data', 'failed']),
    step: z.string().optional().meta({ description: 'Reference-data step running now' }),
    percent: z
      .number()
      .optional()
      .meta({ description: 'Percent of the whole reference-data load done; rises to 99, then the state is ready' }),
    stepPercent: z.number().optional().meta({ description: 'Percent of the current step done' }),
    error: z.string().optional().meta({ description: 'Why the load failed' }),
  })
  .meta({ id: 'Startup', description: 'What a first start is doing (absent once ready)' });
const Health = z
  .object({ status: z.literal('ok'), uptimeSeconds: z.int(), startup: Startup.optional() })
  .meta({ id: 'Health' });
const Ready = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    engine: z.enum(['pglite', 'postgres']),
    startup: Startup.optional(),
    datasets: z
      .array(
        z.object({
          dataset: z.string(),
          period: z.string(),
          state: z.enum(['loaded', 'outdated', 'missing']),
          rows: z.number().int().nullable(),
          completedAt: z.string().nullable(),
        }),
      )
      .optional()
      .meta({
        description: 'Each reference dataset against the bundled files; all must be loaded (REFERENCE_DATA=auto)',
      }),
  })
  .meta({ id: 'Ready' });
const ClientConfig = z
  .object({
    tileUrl: z.string(),
    tileAttribution: z.string(),
    devOutbox: z
      .boolean()
      .meta({ description: 'Whether GET /api/dev/outbox is mounted (DEV_OUTBOX=on, never in production)' }),
    demo: z
      .boolean()
      .meta({ description: 'Whether the demo is on (demo data loaded, DEMO not off, never in production)' }),
  })
  .meta({ id: 'ClientConfig' });
const GeoJsonFeatureCollection = z
  .object({ type: z.literal('FeatureCollection'), features: z.array(z.record(z.string(), z.unknown())) })
  .meta({ id: 'FeatureCollection', description: 'GeoJSON (RFC 7946) feature collection' });
/** Mirrors the directory router's local query schema; tests/api/openapi.test.ts checks the app accepts exactly these. */
const OrganizationReviewQuery = z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() });
/** Mirrors the imports router's local query schema (presets from the imports front door). */
const MappingQuery = z.object({
  preset: z.enum(PRESET_NAMES).optional().meta({ description: 'Column preset of a known spreadsheet layout' }),
  mappingName: z.string().max(60).optional().meta({ description: 'A saved mapping (GET /api/admin/import-mappings)' }),
  mapping: z
    .string()
    .max(20000)
    .optional()
    .meta({ description: 'Column mapping as JSON, `{"Column": "field", …}`; extends mappingName/preset' }),
  map: z.string().max(2000).optional().meta({ description: 'Column mapping, `Column=field,Column=field`' }),
  taxonomy: z
    .string()
    .max(500)
    .optional()
    .meta({ description: 'Taxonomy codes (comma-separated) for rows without a taxonomy value' }),
  file: z.string().max(200).optional().meta({ description: 'Original file name, for the report' }),
});
const OrukImportQuery = z.object({
  skipInvalid: z.enum(['true', 'false', '1', '0']).optional(),
  file: z.string().max(200).optional().meta({ description: 'Original file name, for the report' }),
});
const JobListQuery = z.object({
  limit: z.int().min(1).max(200).optional().meta({ description: 'How many of the latest jobs (default 50)' }),
});
const ImportQuery = MappingQuery.extend({
  dryRun: z.enum(['true', 'false', '1', '0']).optional(),
  skipInvalid: z.enum(['true', 'false', '1', '0']).optional(),
});
const PreviewQuery = MappingQuery.extend({
  limit: z.int().min(1).max(100).optional().meta({ description: 'Rows to preview from the first (default 20)' }),
});
const InspectQuery = z.object({
  file: z.string().max(200).optional().meta({ description: 'Original file name (tells an .xlsx file)' }),
});
const MappingNameParams = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,59}$/)
    .meta({ description: 'Name of the saved mapping' }),
});
const SaveMappingBody = z.object({
  mapping: z
    .record(z.string(), z.string())
    .meta({ description: 'Column → Signpost field; must map organization_name' }),
  taxonomy: z
    .union([z.object({ codes: z.array(z.string()) }), z.object({ byKeywords: z.literal(true) })])
    .optional()
    .meta({ description: 'Terms of rows without a taxonomy value (default: by keywords)' }),
});
const SPREADSHEET_BODY = {
  mediaType: 'text/csv',
  description:
    'The file, header row first: CSV (text/csv) or an XLSX workbook (Content-Type application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; first worksheet)',
};
const OrukList = z
  .object({
    total_items: z.int(),
    total_pages: z.int(),
    page_number: z.int(),
    size: z.int(),
    first_page: z.boolean(),
    last_page: z.boolean(),
    empty: z.boolean(),
    contents: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'OrukPage', description: 'ORUK 3.0 page; `contents` as /api/oruk/openapi.json defines' });

const orukNote = 'Defined by Open Referral UK 3.0: see the standard’s own document at /api/oruk/openapi.json.';

/** An endpoint before its group gives it a tag. */
type Operation = Omit<Endpoint, 'tag'>;

/** The operations of one tag, in order. */
function tagged(tag: string, operations: Operation[]): Endpoint[] {
  return operations.map((op) => ({ ...op, tag }));
}

/** Main response of the GeoJSON endpoints. */
const GEOJSON_OK = { description: 'GeoJSON', schema: GeoJsonFeatureCollection, mediaType: 'application/geo+json' };

/** A write to a versioned record by id: If-Match required, refused with 412 when stale and 428 when missing. */
const VERSIONED = { params: IdParams, headers: IfMatch, problems: [404, 412, 428] } satisfies Partial<Operation>;

/** An admin's approve-or-reject decision on a pending record. */
function adminDecision(path: string, summary: string): Operation {
  return {
    method: 'post',
    path,
    summary,
    access: 'admin',
    params: IdParams,
    body: directory.DecisionBody,
    ok: { description: 'Decided' },
    problems: [404, 409],
  };
}

/** A paged ORUK list. */
function orukPage(path: string, summary: string, query: z.ZodType): Operation {
  return {
    method: 'get',
    path,
    summary,
    description: orukNote,
    access: 'public',
    query,
    ok: { description: 'Page', schema: OrukList },
  };
}

/** One ORUK record by id. */
function orukRecord(path: string, summary: string, found: string, query?: z.ZodType): Operation {
  return {
    method: 'get',
    path,
    summary,
    description: orukNote,
    access: 'public',
    params: OrukIdParams,
    ...(query ? { query } : {}),
    ok: { description: found },
    problems: [404],
  };
}

/** Every endpoint of the API, grouped by feature. */
export const ENDPOINTS: Endpoint[] = [
  // Health
  ...tagged('Health', [
    {
      method: 'get',
      path: '/healthz',
      summary: 'Liveness: the process is up (answered from memory, whatever the database is doing)',
      access: 'public',
      ok: { description: 'Up', schema: Health },
    },
    {
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: database migrated and reference data loaded',
      access: 'public',
      ok: { description: 'Ready', schema: Ready },
      extra: {
        503: {
          description: 'Not ready yet (or the database is down)',
          content: { 'application/json': { schema: Ready } },
        },
      },
    },
    {
      method: 'get',
      path: '/api/config',
      summary: 'Client configuration (map tiles)',
      access: 'public',
      ok: { description: 'Configuration', schema: ClientConfig },
    },
  ]),
  // API documentation
  ...tagged('Documentation', [
    {
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This OpenAPI 3.1 document',
      access: 'public',
      ok: { description: 'The document' },
    },
    {
      method: 'get',
      path: '/api/docs',
      summary: 'Browsable API reference (HTML)',
      access: 'public',
      ok: { description: 'HTML page', mediaType: 'text/html' },
    },
    {
      method: 'get',
      path: '/api/docs/docs.css',
      summary: 'Stylesheet of the API reference page',
      access: 'public',
      ok: { description: 'CSS', mediaType: 'text/css' },
    },
  ]),

  // Areas
  ...tagged('Areas', [
    {
      method: 'get',
      path: '/api/geocode',
      summary: 'Geocode a postcode or place name',
      access: 'public',
      query: areas.GeocodeQuery,
      ok: { description: 'Matching point and areas' },
    },
    {
      method: 'get',
      path: '/api/areas/lookup',
      summary: 'Areas (ICB, PCN, LSOA) containing a point',
      access: 'public',
      query: areas.AreaLookupQuery,
      ok: { description: 'The areas' },
    },
    {
      method: 'get',
      path: '/api/areas/icbs',
      summary: 'List integrated care boards',
      access: 'public',
      ok: { description: 'ICBs' },
    },
    {
      method: 'get',
      path: '/api/areas/icbs.geojson',
      summary: 'ICB boundaries',
      access: 'public',
      ok: GEOJSON_OK,
    },
    {
      method: 'get',
      path: '/api/areas/pcns',
      summary: 'List primary care networks, optionally within an ICB',
      access: 'public',
      query: areas.PcnListQuery,
      ok: { description: 'PCNs' },
    },
    {
      method: 'get',
      path: '/api/areas/pcns.geojson',
      summary: 'PCN catchments',
      access: 'public',
      query: areas.PcnGeoJsonQuery,
      ok: GEOJSON_OK,
    },
    {
      method: 'get',
      path: '/api/areas/pcns/{code}',
      summary: 'One PCN',
      access: 'public',
      params: CodeParams,
      ok: { description: 'The PCN' },
      problems: [404],
    },
    {
      method: 'get',
      path: '/api/areas/lsoas.geojson',
      summary: 'LSOA boundaries within a bounding box',
      access: 'public',
      query: areas.LsoaGeoJsonQuery,
      ok: GEOJSON_OK,
    },
  ]),

  // Search
  ...tagged('Search', [
    {
      method: 'get',
      path: '/api/services/search',
      summary: 'Search services near a place, with filters',
      description:
        'Answer: SearchResponseDto in shared/schemas/search.ts (results with capacity, distance and match reasons; nextCursor for the next page).',
      access: 'public',
      query: search.SearchQuery,
      ok: { description: 'A page of matching services' },
    },
    {
      method: 'get',
      path: '/api/services/map',
      summary: 'Matching services as map points',
      description: 'Answer: MapResponseDto in shared/schemas/search.ts (points, or clusters when zoomed out).',
      access: 'public',
      query: search.MapQuery,
      ok: { description: 'Map points' },
    },
  ]),

  // Accounts
  ...tagged('Accounts', [
    {
      method: 'get',
      path: '/api/demo',
      summary: 'Whether the demo is on, and its one-click accounts (one per role)',
      access: 'public',
      ok: { description: '{on, accounts[]}' },
    },
    {
      method: 'post',
      path: '/api/demo/sign-in',
      summary: 'One-click sign-in as the demo account of a role, only while the demo is on (never in production)',
      access: 'public',
      body: z.object({ role: z.enum(ROLES) }).strict(),
      ok: { description: 'Signed in' },
      problems: [404],
    },
    {
      method: 'post',
      path: '/api/auth/sign-in',
      summary: 'Sign in; sets the session cookie and returns the CSRF token',
      access: 'public',
      body: accounts.SignInBody,
      ok: { description: 'Signed in' },
      problems: [401, 429],
    },
    {
      method: 'post',
      path: '/api/auth/sign-out',
      summary: 'Sign out (ends the session if there is one)',
      access: 'public',
      ok: { status: 204, description: 'Signed out' },
    },
    {
      method: 'get',
      path: '/api/auth/me',
      summary: 'The signed-in user (or anonymous)',
      access: 'public',
      ok: { description: 'Current user' },
    },
    {
      method: 'post',
      path: '/api/auth/password',
      summary: 'Change own password',
      access: 'session',
      body: accounts.ChangePasswordBody,
      ok: { status: 204, description: 'Changed' },
      problems: [429],
    },
    {
      method: 'post',
      path: '/api/auth/password-reset/request',
      summary: 'Email a password-reset link',
      access: 'public',
      body: accounts.PasswordResetRequestBody,
      ok: { status: 202, description: 'Accepted (same answer whether or not the address exists)' },
      problems: [429],
    },
    {
      method: 'post',
      path: '/api/auth/password-reset/complete',
      summary: 'Set a new password with an emailed token',
      access: 'public',
      body: accounts.TokenPasswordBody,
      ok: { status: 204, description: 'Password set; other sessions signed out' },
      problems: [429],
    },
    {
      method: 'post',
      path: '/api/auth/invite/accept',
      summary: 'Accept an invitation and set a password',
      access: 'public',
      body: accounts.TokenPasswordBody,
      ok: { status: 201, description: 'Account activated and signed in' },
      problems: [429],
    },
    {
      method: 'post',
      path: '/api/admin/invites',
      summary: 'Invite a user (admin)',
      access: 'admin',
      body: accounts.InviteBody,
      ok: { status: 201, description: 'Invitation sent' },
      problems: [409],
    },
    {
      method: 'get',
      path: '/api/admin/users',
      summary: 'List users (admin)',
      access: 'admin',
      query: accounts.AdminUserListQuery,
      ok: { description: 'Users' },
    },
    {
      method: 'patch',
      path: '/api/admin/users/{id}',
      summary: 'Change a user’s roles or status (admin)',
      access: 'admin',
      params: accounts.UserParams,
      body: accounts.UpdateUserBody,
      ok: { description: 'Updated user' },
      problems: [404],
    },
  ]),

  // Directory: taxonomy
  ...tagged('Directory', [
    {
      method: 'get',
      path: '/api/taxonomy',
      summary: 'The service category taxonomy',
      access: 'public',
      ok: { description: 'Taxonomy terms' },
    },
    {
      method: 'post',
      path: '/api/admin/taxonomy',
      summary: 'Add a taxonomy term (admin)',
      access: 'admin',
      body: directory.TaxonomyTermBody,
      ok: { status: 201, description: 'Created' },
      problems: [409],
    },
    {
      method: 'patch',
      path: '/api/admin/taxonomy/{id}',
      summary: 'Change a taxonomy term (admin)',
      access: 'admin',
      params: IdParams,
      body: directory.TaxonomyTermPatch,
      ok: { description: 'Updated' },
      problems: [404],
    },
    {
      method: 'delete',
      path: '/api/admin/taxonomy/{id}',
      summary: 'Remove an unused taxonomy term (admin)',
      access: 'admin',
      params: IdParams,
      ok: { status: 204, description: 'Removed' },
      problems: [404, 409],
    },
    // Directory: organisations and claims
    {
      method: 'get',
      path: '/api/my/organizations',
      summary: 'Organisations the signed-in user manages',
      access: 'session',
      ok: { description: 'Organisations' },
    },
    {
      method: 'get',
      path: '/api/organizations',
      summary: 'Find organisations by name',
      access: 'public',
      query: directory.OrganizationSearchQuery,
      ok: { description: 'Matching organisations' },
    },
    {
      method: 'get',
      path: '/api/my/claims',
      summary: 'The signed-in user’s claims to manage organisations',
      access: 'session',
      ok: { description: 'Claims' },
    },
    {
      method: 'post',
      path: '/api/organizations',
      summary: 'Register an organisation (pending review)',
      access: 'session',
      body: directory.OrganizationBody,
      ok: { status: 201, description: 'Created' },
      problems: [409],
    },
    {
      method: 'get',
      path: '/api/organizations/{id}',
      summary: 'One organisation with its services',
      access: 'public',
      params: IdParams,
      ok: { description: 'The organisation' },
      problems: [404],
    },
    {
      method: 'patch',
      path: '/api/organizations/{id}',
      summary: 'Change an organisation',
      access: 'session',
      params: IdParams,
      body: directory.OrganizationPatch,
      ok: { description: 'Updated' },
      problems: [404],
    },
    {
      method: 'get',
      path: '/api/admin/organizations',
      summary: 'Organisations by review status (admin)',
      access: 'admin',
      query: OrganizationReviewQuery,
      ok: { description: 'Organisations' },
    },
    adminDecision('/api/admin/organizations/{id}/decision', 'Approve or reject an organisation (admin)'),
    {
      method: 'post',
      path: '/api/organizations/{id}/claims',
      summary: 'Claim to manage an organisation',
      access: 'session',
      params: IdParams,
      body: directory.ClaimBody,
      ok: { status: 201, description: 'Claim made' },
      problems: [404, 409],
    },
    {
      method: 'get',
      path: '/api/admin/claims',
      summary: 'Pending claims (admin)',
      access: 'admin',
      ok: { description: 'Claims' },
    },
    adminDecision('/api/admin/claims/{id}/decision', 'Approve or reject a claim (admin)'),
    // Directory: services and capacity
    {
      method: 'post',
      path: '/api/organizations/{id}/services',
      summary: 'Add a service to an organisation',
      access: 'session',
      params: IdParams,
      body: directory.ServiceBody,
      ok: { status: 201, description: 'Created', etag: true },
      problems: [404],
    },
    {
      method: 'get',
      path: '/api/services/{id}',
      summary: 'One service with its capacity',
      access: 'public',
      params: IdParams,
      ok: { description: 'The service', etag: true },
      problems: [404],
    },
    {
      method: 'put',
      path: '/api/services/{id}',
      summary: 'Replace a service',
      access: 'session',
      ...VERSIONED,
      body: directory.ServiceBody,
      ok: { description: 'Updated', etag: true },
    },
    {
      method: 'delete',
      path: '/api/services/{id}',
      summary: 'Remove a service',
      access: 'session',
      ...VERSIONED,
      ok: { status: 204, description: 'Removed' },
    },
  ]),
  ...tagged('Capacity', [
    {
      method: 'put',
      path: '/api/services/{id}/capacity',
      summary: 'Set a service’s capacity status',
      access: 'session',
      ...VERSIONED,
      body: directory.CapacityBody,
      ok: { description: 'Capacity set', etag: true },
    },
    {
      method: 'post',
      path: '/api/services/{id}/capacity/confirm',
      summary: 'Confirm capacity is unchanged',
      access: 'session',
      ...VERSIONED,
      ok: { description: 'Confirmed', etag: true },
    },
    {
      method: 'get',
      path: '/api/services/{id}/capacity/history',
      summary: 'Capacity changes of a service',
      access: 'session',
      params: IdParams,
      ok: { description: 'History' },
      problems: [404],
    },
    {
      method: 'get',
      path: '/api/capacity-links/{token}',
      summary: 'Describe an emailed one-click capacity link (JSON, or HTML for browsers)',
      access: 'public',
      params: TokenParams,
      ok: { description: 'What the link would set' },
      problems: [404, 410],
    },
    {
      method: 'post',
      path: '/api/capacity-links/{token}/apply',
      summary: 'Apply an emailed capacity link (the token is the authority; no CSRF token)',
      access: 'public',
      params: TokenParams,
      ok: { description: 'Applied' },
      problems: [404, 410],
    },
  ]),
  // Directory: concerns
  ...tagged('Concerns', [
    {
      method: 'post',
      path: '/api/services/{id}/concerns',
      summary: 'Raise a concern about a service',
      access: 'session',
      params: IdParams,
      body: directory.ConcernBody,
      ok: { status: 201, description: 'Raised' },
      problems: [404],
    },
    {
      method: 'get',
      path: '/api/my/concerns',
      summary: 'Concerns the signed-in user raised or receives',
      access: 'session',
      ok: { description: 'Concerns' },
    },
    {
      method: 'get',
      path: '/api/concerns',
      summary: 'Concerns for an ICB (commissioners: their own; admins: all or one), by status and kind',
      access: 'session',
      query: directory.ConcernListQuery,
      ok: { description: 'Concerns' },
    },
    {
      method: 'get',
      path: '/api/concerns/{id}',
      summary: 'One concern with its messages',
      access: 'session',
      params: IdParams,
      ok: { description: 'The concern' },
      problems: [404],
    },
    {
      method: 'post',
      path: '/api/concerns/{id}/messages',
      summary: 'Reply to a concern',
      access: 'session',
      params: IdParams,
      body: directory.ConcernMessageBody,
      ok: { status: 201, description: 'Added' },
      problems: [404],
    },
  ]),

  // Imports
  ...tagged('Imports', [
    {
      method: 'post',
      path: '/api/admin/imports/services',
      summary: 'Import services from a CSV or XLSX spreadsheet (admin)',
      description:
        'Rejections name the spreadsheet row (header = 1), the column and the reason; the report gives the opening-hours parse rate.',
      access: 'admin',
      query: ImportQuery,
      body: SPREADSHEET_BODY,
      ok: {
        status: 202,
        description:
          'A background import job `{ job }`, its URL in Location (/api/admin/jobs/{id}); with dryRun=true, 200 (or 422 when rows are bad) and the report at once',
      },
      problems: [413, 415, 422],
    },
    {
      method: 'post',
      path: '/api/admin/imports/oruk',
      summary: 'Import services from an ORUK 3.0 JSON document (admin), as a background job',
      access: 'admin',
      query: OrukImportQuery,
      body: {
        mediaType: 'application/json',
        description:
          'A list response, an array of services, one service, or an organisation with its services (up to 50 MB)',
      },
      ok: { status: 202, description: 'The queued job `{ job }`, its URL in Location (/api/admin/jobs/{id})' },
      problems: [413, 415],
    },
    {
      method: 'get',
      path: '/api/admin/jobs',
      summary: 'The latest background jobs (imports), newest first, with their counts (admin)',
      access: 'admin',
      query: JobListQuery,
      ok: { description: '`{ jobs }`: status, progress with percent, summary counts, error' },
    },
    {
      method: 'get',
      path: '/api/admin/jobs/{id}',
      summary: 'One background job: status, live progress with percent, the import report, error (admin)',
      access: 'admin',
      params: IdParams,
      ok: { description: '`{ job }`' },
      problems: [404],
    },
    {
      method: 'get',
      path: '/api/admin/jobs/{id}/problems.csv',
      summary: "A job's rejected rows, skipped rows and warnings as CSV: type, row, column, field, reason (admin)",
      access: 'admin',
      params: IdParams,
      ok: { description: 'CSV', mediaType: 'text/csv' },
      problems: [404],
    },
    {
      method: 'post',
      path: '/api/admin/imports/inspect',
      summary: 'Read a spreadsheet’s header and suggest a column mapping (admin)',
      access: 'admin',
      query: InspectQuery,
      body: SPREADSHEET_BODY,
      ok: { description: 'Header, row count, suggested mapping, saved mappings that fit' },
      problems: [413, 415],
    },
    {
      method: 'post',
      path: '/api/admin/imports/preview',
      summary: 'Preview the first rows as they would be stored, with each cell’s problem (admin)',
      access: 'admin',
      query: PreviewQuery,
      body: SPREADSHEET_BODY,
      ok: { description: 'Rows as stored (schedules parsed from opening times), cell problems, outcome per row' },
      problems: [413, 415],
    },
    {
      method: 'get',
      path: '/api/admin/import-mappings',
      summary: 'List saved column mappings, the built-in presets first (admin)',
      access: 'admin',
      ok: { description: 'Saved mappings' },
    },
    {
      method: 'get',
      path: '/api/admin/import-mappings/{name}',
      summary: 'Get a saved column mapping (admin)',
      access: 'admin',
      params: MappingNameParams,
      ok: { description: 'The saved mapping' },
      problems: [404],
    },
    {
      method: 'put',
      path: '/api/admin/import-mappings/{name}',
      summary: 'Save a column mapping under a name (admin; built-in ones cannot change)',
      access: 'admin',
      params: MappingNameParams,
      body: SaveMappingBody,
      ok: { description: 'Saved (201 when new)' },
      problems: [409],
    },
    {
      method: 'delete',
      path: '/api/admin/import-mappings/{name}',
      summary: 'Delete a saved column mapping (admin; not a built-in one)',
      access: 'admin',
      params: MappingNameParams,
      ok: { status: 204, description: 'Deleted' },
      problems: [404, 409],
    },
  ]),

  // Demand
  ...tagged('Demand', [
    {
      method: 'post',
      path: '/api/services/{id}/referrals',
      summary: 'Record that a referral was made to a service (no patient data)',
      access: 'session',
      params: IdParams,
      body: demand.ReferralBody,
      ok: { status: 201, description: 'Recorded' },
      problems: [404],
    },
    {
      method: 'post',
      path: '/api/unmet-needs',
      summary: 'Record a need no service could meet',
      access: 'session',
      body: demand.UnmetNeedBody,
      ok: { status: 201, description: 'Recorded (200 when a duplicate)' },
    },
    {
      method: 'get',
      path: '/api/services/{id}/reopen-subscription',
      summary: 'Whether the user is told when a service reopens',
      access: 'session',
      params: IdParams,
      ok: { description: 'Subscription' },
      problems: [404],
    },
    {
      method: 'post',
      path: '/api/services/{id}/reopen-subscription',
      summary: 'Be told when a service reopens',
      access: 'session',
      params: IdParams,
      body: demand.ReferralBody,
      ok: { status: 201, description: 'Subscribed (200 when already)' },
      problems: [404],
    },
    {
      method: 'delete',
      path: '/api/services/{id}/reopen-subscription',
      summary: 'Stop being told when a service reopens',
      access: 'session',
      params: IdParams,
      ok: { status: 204, description: 'Unsubscribed' },
      problems: [404],
    },
    {
      method: 'get',
      path: '/api/demand/summary',
      summary: 'Referrals and unmet need grouped by PCN, category or reason',
      access: 'session',
      query: demand.DemandSummaryQuery,
      ok: { description: 'Summary' },
    },
  ]),

  // Gaps
  ...tagged('Gaps', [
    {
      method: 'get',
      path: '/api/gaps/pcns',
      summary: 'Need versus resource per PCN',
      access: 'public',
      query: gaps.GapListQuery,
      ok: { description: 'Gap rows' },
    },
    {
      method: 'get',
      path: '/api/gaps/pcns.csv',
      summary: 'Gap rows as CSV',
      access: 'public',
      query: gaps.GapListQuery,
      ok: { description: 'CSV', mediaType: 'text/csv' },
    },
    {
      method: 'get',
      path: '/api/gaps/pcns.geojson',
      summary: 'PCN catchments with gap properties',
      access: 'public',
      query: gaps.GapListQuery,
      ok: GEOJSON_OK,
    },
    {
      method: 'get',
      path: '/api/gaps/pcns/{code}',
      summary: 'Gap detail for one PCN',
      access: 'public',
      params: gaps.GapPcnParams,
      query: gaps.GapListQuery.omit({ icb: true }),
      ok: { description: 'Detail' },
      problems: [404],
    },
    {
      method: 'get',
      path: '/api/gaps/areas',
      summary: 'Gaps aggregated by area level',
      access: 'public',
      query: gaps.GapAreasQuery,
      ok: { description: 'Rows' },
    },
    {
      method: 'get',
      path: '/api/gaps/equity',
      summary: 'Equity view: % Black and % Asian per PCN against reachable services offering other languages',
      access: 'public',
      query: gaps.GapEquityQuery,
      ok: { description: 'Rows' },
    },
    {
      method: 'get',
      path: '/api/gaps/at-risk',
      summary: 'Locations of services whose funding ends within six months',
      access: 'public',
      query: gaps.GapEquityQuery,
      ok: { description: 'Points' },
    },
    {
      method: 'get',
      path: '/api/gaps/flags',
      summary: 'Gap flags',
      access: 'session',
      query: gaps.FlagListQuery,
      ok: { description: 'Flags' },
    },
    {
      method: 'post',
      path: '/api/gaps/flags',
      summary: 'Flag a gap',
      access: 'session',
      body: gaps.FlagBody,
      ok: { status: 201, description: 'Flagged' },
    },
    {
      method: 'get',
      path: '/api/gaps/flags/{id}',
      summary: 'One gap flag with comments',
      access: 'session',
      params: IdParams,
      ok: { description: 'The flag' },
      problems: [404],
    },
    {
      method: 'patch',
      path: '/api/gaps/flags/{id}',
      summary: 'Change a gap flag',
      access: 'session',
      params: IdParams,
      body: gaps.FlagPatch,
      ok: { description: 'Updated' },
      problems: [404],
    },
    {
      method: 'post',
      path: '/api/gaps/flags/{id}/comments',
      summary: 'Comment on a gap flag',
      access: 'session',
      params: IdParams,
      body: gaps.FlagCommentBody,
      ok: { status: 201, description: 'Added' },
      problems: [404],
    },
    {
      method: 'get',
      path: '/api/gaps/suggestions',
      summary: 'Suggested gaps to flag',
      access: 'session',
      query: gaps.SuggestionQuery,
      ok: { description: 'Suggestions' },
    },
    {
      method: 'post',
      path: '/api/gaps/suggestions/{code}/accept',
      summary: 'Accept a suggestion as a flag',
      access: 'session',
      params: gaps.GapPcnParams,
      body: gaps.SuggestionAcceptBody,
      ok: { status: 201, description: 'Flag created' },
      problems: [404, 409],
    },
    {
      method: 'post',
      path: '/api/gaps/suggestions/{code}/dismiss',
      summary: 'Dismiss a suggestion',
      access: 'session',
      params: gaps.GapPcnParams,
      body: gaps.SuggestionDismissBody,
      ok: { status: 201, description: 'Dismissed' },
      problems: [404],
    },
  ]),

  // Open Referral UK and exports
  ...tagged('Open Referral UK', [
    {
      method: 'get',
      path: '/api/oruk',
      summary: 'ORUK API details',
      description: orukNote,
      access: 'public',
      ok: { description: 'API details' },
    },
    {
      method: 'get',
      path: '/api/oruk/openapi.json',
      summary: 'The ORUK 3.0 standard’s own OpenAPI document',
      access: 'public',
      ok: { description: 'OpenAPI document' },
    },
    orukPage('/api/oruk/services', 'Services (ORUK page)', oruk.OrukServicesQuery),
    orukRecord('/api/oruk/services/{id}', 'One service (ORUK, with service_capacity)', 'Service'),
    orukPage('/api/oruk/service_at_locations', 'Services at locations (ORUK page)', oruk.OrukServiceAtLocationsQuery),
    orukRecord('/api/oruk/service_at_locations/{id}', 'One service at a location (ORUK)', 'Service at location'),
    orukPage('/api/oruk/organizations', 'Organisations (ORUK page)', oruk.OrukOrganizationsQuery),
    orukRecord('/api/oruk/organizations/{id}', 'One organisation (ORUK)', 'Organisation', oruk.OrukOrganizationQuery),
    orukPage('/api/oruk/taxonomies', 'Taxonomies (ORUK page)', oruk.OrukTaxonomiesQuery),
    orukRecord('/api/oruk/taxonomies/{id}', 'One taxonomy (ORUK)', 'Taxonomy'),
    orukPage('/api/oruk/taxonomy_terms', 'Taxonomy terms (ORUK page)', oruk.OrukTaxonomyTermsQuery),
    orukRecord('/api/oruk/taxonomy_terms/{id}', 'One taxonomy term (ORUK)', 'Taxonomy term'),
  ]),
  ...tagged('Exports', [
    {
      method: 'get',
      path: '/api/exports/directory.oruk.json',
      summary: 'The whole directory as ORUK JSON',
      access: 'public',
      ok: { description: 'ORUK JSON dump' },
    },
    {
      method: 'get',
      path: '/api/exports/directory.csv',
      summary: 'The directory as CSV, one row per service-at-location, with capacity',
      access: 'public',
      ok: { description: 'CSV', mediaType: 'text/csv' },
    },
    {
      method: 'get',
      path: '/api/exports/services.geojson',
      summary: 'Services as GeoJSON points',
      access: 'public',
      ok: GEOJSON_OK,
    },
  ]),

  // Registered ORUK feeds
  ...tagged('Feeds', [
    {
      method: 'get',
      path: '/api/admin/feeds',
      summary: 'Registered ORUK feeds with their schedule and latest run (admin)',
      access: 'admin',
      ok: { description: 'Feeds, newest first' },
    },
    {
      method: 'post',
      path: '/api/admin/feeds',
      summary: 'Register a live ORUK feed to sync on a schedule (admin)',
      access: 'admin',
      body: feeds.FeedBody,
      ok: { status: 201, description: 'Registered; its first sync is due at once' },
      problems: [409],
    },
    {
      method: 'get',
      path: '/api/admin/feeds/{id}',
      summary: 'One registered feed (admin)',
      access: 'admin',
      params: IdParams,
      ok: { description: 'The feed' },
      problems: [404],
    },
    {
      method: 'patch',
      path: '/api/admin/feeds/{id}',
      summary: 'Change a feed: name, URL, schedule, days before vanished services are hidden, on/off (admin)',
      access: 'admin',
      params: IdParams,
      body: feeds.FeedPatch,
      ok: { description: 'The feed' },
      problems: [404, 409],
    },
    {
      method: 'delete',
      path: '/api/admin/feeds/{id}',
      summary: 'Stop syncing a feed; what it imported stays (admin)',
      access: 'admin',
      params: IdParams,
      ok: { status: 204, description: 'Removed' },
      problems: [404],
    },
    {
      method: 'post',
      path: '/api/admin/feeds/{id}/sync',
      summary: 'Sync a feed now, whatever its schedule (admin)',
      description:
        'Enqueues a background job that fetches the whole feed and applies it in one transaction: new and changed services, and services no longer in the feed marked missing. Follow the job at the Location.',
      access: 'admin',
      params: IdParams,
      ok: { status: 202, description: 'The queued job' },
      problems: [404],
    },
  ]),

  // Monitoring
  ...tagged('Monitoring', [
    {
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics (text exposition format)',
      description:
        'HTTP latency by route pattern and status, rate-limit refusals, database query time and pool use, imports, and Node.js process metrics such as event-loop lag.',
      access: 'metrics',
      ok: { description: 'Metrics', mediaType: 'text/plain' },
    },
  ]),

  // Development only
  ...tagged('Development', [
    {
      method: 'get',
      path: '/api/dev/outbox',
      summary: 'Emails Signpost sent, for development and demos: only with DEV_OUTBOX=on, never in production',
      access: 'admin',
      ok: { description: 'Emails' },
    },
  ]),
];

const SECURITY: Record<Exclude<Access, 'public'>, string> = {
  session: 'Needs a signed-in session.',
  admin: 'Needs a signed-in session with the admin role.',
  metrics: 'Needs `Authorization: Bearer` with METRICS_TOKEN, or a signed-in session with the admin role.',
};

const PROBLEM_TEXT: Record<number, string> = {
  404: 'Not found',
  409: 'Conflicts with the current state',
  410: 'The link has expired or was replaced',
  412: 'If-Match does not match the current version (the answer carries the current ETag)',
  413: 'The body is larger than the limit',
  415: 'Unsupported media type',
  428: 'The If-Match header is missing',
  429: 'Too many requests; try again later',
};

function problem(description: string) {
  return { description, content: { 'application/problem+json': { schema: ProblemDetails } } };
}

function register(registry: OpenAPIRegistry, e: Endpoint): void {
  const write = e.method !== 'get';
  const responses: RouteConfig['responses'] = {};
  const ok = e.ok ?? { description: 'OK' };
  const status = ok.status ?? 200;
  responses[status] = {
    description: ok.description,
    ...(ok.etag
      ? { headers: { ETag: { description: 'Version of the record, for If-Match', schema: { type: 'string' } } } }
      : {}),
    ...(status === 204
      ? {}
      : {
          content: {
            [ok.mediaType ?? 'application/json']: {
              schema: ok.schema ?? (ok.mediaType && ok.mediaType.startsWith('text/') ? z.string() : z.unknown()),
            },
          },
        }),
  };
  if (e.params || e.query || e.body) responses[400] = problem('Invalid input: `errors` names each field and why');
  if (e.access !== 'public') responses[401] = problem('Not signed in');
  if (e.access !== 'public' || write) responses[403] = problem('Not allowed, or cross-site/CSRF check failed');
  Object.assign(responses, e.extra ?? {});
  for (const s of e.problems ?? []) responses[s] = problem(PROBLEM_TEXT[s] ?? `Refused (${s})`);
  const body =
    e.body === undefined
      ? undefined
      : e.body instanceof z.ZodType
        ? { required: true, content: { 'application/json': { schema: e.body } } }
        : { required: true, description: e.body.description, content: { [e.body.mediaType]: { schema: z.string() } } };
  registry.registerPath({
    method: e.method,
    path: e.path,
    tags: [e.tag],
    summary: e.summary,
    description:
      [e.description, e.access === 'public' ? undefined : SECURITY[e.access]].filter(Boolean).join(' ') || undefined,
    operationId: `${e.method}${e.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    security:
      e.access === 'public'
        ? write && e.path !== '/api/capacity-links/{token}/apply'
          ? [{}, { session: [], csrf: [] }]
          : []
        : write
          ? [{ session: [], csrf: [] }]
          : [{ session: [] }],
    // GET /metrics: a scraper's bearer token, or an admin's session.
    ...(e.access === 'metrics' ? { security: [{ metricsToken: [] }, { session: [] }] } : {}),
    request: {
      ...(e.params ? { params: e.params } : {}),
      ...(e.query ? { query: e.query as z.ZodObject } : {}),
      ...(e.headers ? { headers: e.headers } : {}),
      ...(body ? { body } : {}),
    },
    responses,
  });
}

/** Builds the OpenAPI document (cached: the schemas do not change while the process runs). */
let cached: OpenApiDocument | undefined;
export function openApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.register('ProblemDetails', ProblemDetails);
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'sp_session',
    description: 'Session cookie set by POST /api/auth/sign-in',
  });
  registry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The METRICS_TOKEN configured on the server, for a Prometheus scraper (GET /metrics only)',
  });
  registry.registerComponent('securitySchemes', 'csrf', {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description: 'CSRF token returned by sign-in and /api/auth/me; required on writes by a signed-in session',
  });
  for (const e of ENDPOINTS) register(registry, e);
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Signpost API',
      version: '1',
      description:
        'The API of Signpost: social prescribing services, live capacity and need in England. Errors are application/problem+json (RFC 9457). Writes by a signed-in session need the X-CSRF-Token header. The Open Referral UK 3.0 API under /api/oruk is defined by the standard’s own document at /api/oruk/openapi.json.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [...new Set(ENDPOINTS.map((e) => e.tag))].map((name) => ({ name })),
  });
  return cached;
}
