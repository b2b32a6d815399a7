/** validate(schema): parses req.query / req.params / req.body with shared zod schemas; the first problems become a 400 naming each field. */
import type { Request } from 'express';
import type { z } from 'zod';
import { validationError, type FieldProblem } from '../errors';

/** Converts zod issues to field problems (`field` is the dotted path, prefixed by where it came from when useful). */
export function toFieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) =>
    // Strict objects: name each field that is not accepted, not the object holding it.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'is not an accepted field' }))
      : [{ field: issue.path.length ? issue.path.join('.') : '(root)', message: issue.message }],
  );
}

/** Parses a value with a schema or throws a 400 AppError naming each bad field. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(toFieldProblems(result.error));
  return result.data;
}

/** Parses the request's query string with a schema. */
export const parseQuery = <S extends z.ZodType>(schema: S, req: Request): z.output<S> => parseOr400(schema, req.query);

/** Parses the request's JSON body with a schema. */
export const parseBody = <S extends z.ZodType>(schema: S, req: Request): z.output<S> =>
  parseOr400(schema, req.body ?? {});
