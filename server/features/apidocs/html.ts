/** Renders the OpenAPI document as one static, script-free HTML page (the CSP allows no inline script or CDN). */
import type { OpenApiDocument } from './document';

type Json = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The anchor id of an operation. */
export const operationAnchor = (method: string, path: string): string =>
  `${method}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;

function resolve(doc: OpenApiDocument, schema: unknown): Json {
  const s = (schema ?? {}) as Json;
  const ref = s.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    return (doc.components?.schemas?.[ref.slice('#/components/schemas/'.length)] ?? {}) as Json;
  }
  return s;
}

/** A short human description of a JSON Schema's type and constraints. */
function typeOf(doc: OpenApiDocument, raw: unknown): string {
  const s = resolve(doc, raw);
  const alt = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (alt) return alt.map((a) => typeOf(doc, a)).join(' or ');
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => (v === null ? 'null' : String(v))).join(', ')}`;
  if (s.const !== undefined) return `exactly ${String(s.const)}`;
  const types = Array.isArray(s.type) ? (s.type as string[]) : s.type ? [String(s.type)] : [];
  let text = types.length ? types.join(' or ') : 'any';
  if (types.includes('array') && s.items) text = `array of ${typeOf(doc, s.items)}`;
  const facts: string[] = [];
  if (s.format) facts.push(String(s.format));
  if (s.minLength !== undefined) facts.push(`min length ${String(s.minLength)}`);
  if (s.maxLength !== undefined) facts.push(`max length ${String(s.maxLength)}`);
  if (s.minimum !== undefined) facts.push(`min ${String(s.minimum)}`);
  if (s.maximum !== undefined) facts.push(`max ${String(s.maximum)}`);
  if (s.maxItems !== undefined) facts.push(`at most ${String(s.maxItems)} items`);
  if (s.pattern) facts.push(`pattern ${String(s.pattern)}`);
  return facts.length ? `${text} (${facts.join('; ')})` : text;
}

function table(caption: string, head: string[], rows: string[][]): string {
  return `<table class="app-table"><caption>${escapeHtml(caption)}</caption><thead><tr>${head
    .map((h) => `<th scope="col">${escapeHtml(h)}</th>`)
    .join('')}</tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row"><code>${c}</code></th>` : `<td>${c}</td>`)).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
}

function fieldsTable(doc: OpenApiDocument, caption: string, raw: unknown): string {
  const s = resolve(doc, raw);
  const props = (s.properties ?? {}) as Record<string, unknown>;
  const names = Object.keys(props);
  if (!names.length) return `<p>${escapeHtml(caption)}: ${escapeHtml(typeOf(doc, s))}</p>`;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return table(
    caption,
    ['Field', 'Required', 'Type', 'Description'],
    names.map((n) => {
      const p = resolve(doc, props[n]);
      return [
        escapeHtml(n),
        required.has(n) ? 'Yes' : 'No',
        escapeHtml(typeOf(doc, p)),
        escapeHtml(typeof p.description === 'string' ? p.description : ''),
      ];
    }),
  );
}

function operationHtml(doc: OpenApiDocument, method: string, path: string, op: Json): string {
  const id = operationAnchor(method, path);
  const parts: string[] = [];
  parts.push(
    `<h3 id="${id}"><span class="app-method app-method--${method}">${method.toUpperCase()}</span> <code class="app-path">${escapeHtml(path)}</code></h3>`,
  );
  parts.push(`<p class="nhsuk-body">${escapeHtml(String(op.summary ?? ''))}</p>`);
  if (typeof op.description === 'string') parts.push(`<p class="nhsuk-body-s">${escapeHtml(op.description)}</p>`);
  const security = (op.security as Json[] | undefined) ?? [];
  const needsSession = security.length > 0 && !security.some((s) => Object.keys(s).length === 0);
  parts.push(
    `<p class="nhsuk-body-s"><strong>Access:</strong> ${needsSession ? 'signed-in session' : 'public'}${
      security.some((s) => 'csrf' in s) ? '; writes by a signed-in session need the X-CSRF-Token header' : ''
    }</p>`,
  );
  const params = (op.parameters as Json[] | undefined) ?? [];
  if (params.length) {
    parts.push(
      table(
        'Parameters',
        ['Name', 'In', 'Required', 'Type', 'Description'],
        params.map((p) => {
          const schema = resolve(doc, p.schema);
          return [
            escapeHtml(String(p.name)),
            escapeHtml(String(p.in)),
            p.required ? 'Yes' : 'No',
            escapeHtml(typeOf(doc, schema)),
            escapeHtml(String(p.description ?? schema.description ?? '')),
          ];
        }),
      ),
    );
  }
  const body = op.requestBody as Json | undefined;
  if (body) {
    const content = (body.content ?? {}) as Record<string, Json>;
    for (const [type, media] of Object.entries(content)) {
      parts.push(
        type === 'application/json'
          ? fieldsTable(doc, 'Request body (application/json)', media.schema)
          : `<p class="nhsuk-body-s"><strong>Request body:</strong> ${escapeHtml(type)}${
              body.description ? ` — ${escapeHtml(String(body.description))}` : ''
            }</p>`,
      );
    }
  }
  const responses = (op.responses ?? {}) as Record<string, Json>;
  parts.push(
    table(
      'Responses',
      ['Status', 'Description', 'Content'],
      Object.entries(responses).map(([status, r]) => [
        escapeHtml(status),
        escapeHtml(String(r.description ?? '')),
        escapeHtml(Object.keys((r.content ?? {}) as Json).join(', ') || 'none'),
      ]),
    ),
  );
  return `<section class="app-operation" data-method="${method}" data-path="${escapeHtml(path)}" aria-labelledby="${id}">${parts.join('')}</section>`;
}

/** The whole reference page. */
export function renderDocsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, { method: string; path: string; op: Json }[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (!op) continue;
      const tag = ((op.tags as string[] | undefined) ?? ['Other'])[0]!;
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  const tagId = (tag: string) => `tag-${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const contents = [...byTag.keys()]
    .map((tag) => `<li><a href="#${tagId(tag)}">${escapeHtml(tag)}</a> (${byTag.get(tag)!.length})</li>`)
    .join('');
  const sections = [...byTag.entries()]
    .map(
      ([tag, ops]) =>
        `<section class="app-tag" aria-labelledby="${tagId(tag)}"><h2 id="${tagId(tag)}">${escapeHtml(tag)}</h2>${ops
          .map((o) => operationHtml(doc, o.method, o.path, o.op))
          .join('')}</section>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} reference – Signpost</title>
<link rel="stylesheet" href="/api/docs/docs.css">
</head>
<body>
<a class="app-skip-link" href="#main">Skip to main content</a>
<header class="app-header"><div class="app-width"><a class="app-header__home" href="/">Signpost</a> <span>API reference</span></div></header>
<div class="app-width">
<main id="main">
<h1>${escapeHtml(doc.info.title)} reference</h1>
<p class="nhsuk-lede-text">${escapeHtml(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)}). Open Referral UK: <a href="/api/oruk/openapi.json">/api/oruk/openapi.json</a>.</p>
<nav aria-labelledby="contents-heading"><h2 id="contents-heading">Contents</h2><ul>${contents}</ul></nav>
${sections}
</main>
</div>
</body>
</html>
`;
}

/** The page's stylesheet (same origin, so the strict CSP allows it). NHS.UK colours and type scale, plainly. */
export const DOCS_CSS = `
body{margin:0;font-family:Frutiger W01,Arial,sans-serif;color:#212b32;background:#f0f4f5;line-height:1.5;font-size:1rem}
.app-width{max-width:1100px;margin:0 auto;padding:0 16px}
.app-skip-link{position:absolute;left:-9999px}
.app-skip-link:focus{left:16px;top:8px;background:#ffeb3b;color:#212b32;padding:8px;z-index:2}
.app-header{background:#005eb8;color:#fff;padding:12px 0;margin-bottom:24px}
.app-header a{color:#fff;font-weight:700;font-size:1.25rem;margin-right:12px}
a{color:#005eb8}a:visited{color:#330072}a:hover{color:#7c2855}
a:focus,:focus-visible{outline:4px solid #ffeb3b;box-shadow:0 4px 0 #212b32;background:#ffeb3b;color:#212b32}
h1{font-size:2.5rem;margin:0 0 16px}h2{font-size:1.75rem;margin:40px 0 16px}h3{font-size:1.25rem;margin:0 0 8px;word-break:break-all}
.nhsuk-lede-text{font-size:1.25rem}.nhsuk-body-s{font-size:.9rem}
.app-operation{background:#fff;border-left:4px solid #005eb8;padding:16px 20px;margin:0 0 16px}
.app-method{display:inline-block;min-width:4.5em;padding:2px 6px;border:2px solid currentColor;font-size:.85rem;font-weight:700;text-align:center;color:#212b32}
.app-method--get{color:#005eb8}.app-method--post{color:#007f3b}.app-method--put,.app-method--patch{color:#8a4b00}.app-method--delete{color:#d5281b}
code{font-family:Consolas,Menlo,monospace;font-size:.95em}
.app-table{border-collapse:collapse;width:100%;margin:12px 0;font-size:.9rem}
.app-table caption{text-align:left;font-weight:700;padding:4px 0}
.app-table th,.app-table td{border-bottom:1px solid #d8dde0;padding:6px 8px;text-align:left;vertical-align:top}
.app-table thead th{border-bottom:2px solid #768692}
`;
