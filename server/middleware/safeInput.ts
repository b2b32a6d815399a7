/** safeInput: refuses control characters, unpaired surrogates and over-deep nesting anywhere in the path, query or JSON body (400 naming the field), so every route is covered even before its own schema runs. */
import type { RequestHandler } from 'express';
import { textProblem } from '../../shared/schemas/common';
import { validationError, type FieldProblem } from '../errors';

/** Deepest nesting of arrays and objects accepted in a JSON body or query (no API input needs more than a few). */
export const MAX_INPUT_DEPTH = 32;

/** Most problems named in one answer. */
const MAX_PROBLEMS = 10;

interface Node {
  value: unknown;
  key: string;
  parent: Node | undefined;
  depth: number;
}

const pathOf = (node: Node): string => {
  const keys: string[] = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) keys.push(n.key);
  return keys.length ? keys.reverse().join('.') : '(root)';
};

/**
 * Every string (and object key) in a parsed JSON value or query that is not acceptable text, by dotted field path.
 * Tabs and line breaks are allowed here (multi-line fields need them); single-line fields refuse them in their schemas.
 * Iterative, so arbitrarily deep input cannot overflow the stack.
 */
export function findUnsafeText(value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: Node[] = [{ value, key: '', parent: undefined, depth: 0 }];
  while (stack.length && problems.length < MAX_PROBLEMS) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      const problem = textProblem(v, 'multi');
      if (problem) problems.push({ field: pathOf(node), message: problem });
    } else if (v !== null && typeof v === 'object') {
      if (node.depth >= MAX_INPUT_DEPTH) {
        problems.push({ field: pathOf(node), message: `is nested too deeply (at most ${MAX_INPUT_DEPTH} levels)` });
        continue;
      }
      for (const [key, child] of Object.entries(v)) {
        const childNode = { value: child, key, parent: node, depth: node.depth + 1 };
        const keyProblem = textProblem(key, 'single');
        if (keyProblem) problems.push({ field: pathOf(childNode), message: `has a field name that ${keyProblem}` });
        else stack.push(childNode);
      }
    }
  }
  return problems;
}

/** The decoded path, or undefined when its percent-encoding is broken (e.g. %E0%A4%A). */
function decodedPath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * Middleware (after express.json): a 400 validation_failed when the path, a query value or a JSON body value holds
 * control characters or unpaired surrogates, when the path is not valid percent-encoding, or when the input is nested
 * more than MAX_INPUT_DEPTH levels.
 */
export const rejectUnsafeInput: RequestHandler = (req, _res, next) => {
  const path = decodedPath(req.path);
  if (path === undefined) return next(validationError([{ field: 'path', message: 'must be valid percent-encoding' }]));
  const pathProblem = textProblem(path, 'single');
  if (pathProblem) return next(validationError([{ field: 'path', message: pathProblem }]));
  const problems = [...findUnsafeText(req.query), ...findUnsafeText(req.body)];
  if (problems.length) return next(validationError(problems.slice(0, MAX_PROBLEMS)));
  next();
};
